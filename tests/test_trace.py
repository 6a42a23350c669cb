"""``cookline trace``: users' own programs, unmodified, measured in the same lanes.

Each test runs a real program (the seeds' examples in ``examples/``, small ones in
``tests/programs/``) and asserts what was measured: overlaps, orderings and ratios that hold on
a loaded 2-core machine, never exact times.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from scenarios.supervisor.runner import RunResult
from scenarios.supervisor.traced import Program, TraceRun
from scenarios.wire import Kind, Reason, State
from tests.conftest import parallel, wait_gone
from tui.runs import session
from tui.trace.store import Actor, TraceStore
from tui.trace.summary import summarise

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PROGRAMS = ROOT / "tests" / "programs"

Traced = Callable[..., tuple[TraceRun, TraceStore, RunResult]]


@pytest.fixture
def trace() -> Iterator[Traced]:
    """``trace("abc_threads.py")`` runs it traced to the end; nothing of it may be left after."""
    runs: list[TraceRun] = []

    def go(
        *argv: str, timeout: float = 60, stall: float = 5.0
    ) -> tuple[TraceRun, TraceStore, RunResult]:
        path = EXAMPLES / argv[0] if (EXAMPLES / argv[0]).is_file() else PROGRAMS / argv[0]
        run, store = session.start_trace(
            Program((str(path), *argv[1:]), timeout=timeout, stall=stall, passthrough=False)
        )
        runs.append(run)
        result = run.wait(timeout + 30)
        assert result is not None, "the trace never finished"
        return run, store, result

    yield go
    for run in runs:
        run.stop()
        run.wait(10)
        assert wait_gone(run.seen_pids | {run.pid or 0} - {0}) == [], "processes left behind"


def lanes(store: TraceStore, kind: Kind, name: str | None = None) -> list[Actor]:
    return [a for a in store.actors if a.kind == kind and (name is None or a.name == name)]


def time_in(store: TraceStore, actor: Actor, state: State) -> int:
    spans = store.spans(actor, 0, store.bounds()[1])
    return sum(s.end - s.start for s in spans if s.state == state)


def span_of(store: TraceStore, actor: Actor) -> tuple[int, int]:
    """From its first event to its final one."""
    return actor.t[0], actor.t[-1]


def max_waiting_together(store: TraceStore, actors: list[Actor]) -> int:
    """Most of ``actors`` waiting at one instant (checked at each of their transitions)."""
    from bisect import bisect_right

    def waiting(a: Actor, t: int) -> bool:
        i = bisect_right(a.t, t) - 1
        return i >= 0 and a.state[i] == State.WAITING

    instants = sorted({t + 1 for a in actors for t in a.t})
    return max(sum(waiting(a, t) for a in actors) for t in instants)


# -- the seeds' example programs, unmodified -----------------------------------------------------


def test_threads_abc_wait_at_once_and_take_the_longest(trace: Traced) -> None:
    _, store, result = trace("abc_threads.py")
    assert result.ok, result.message
    cooks = [a for a in lanes(store, Kind.THREAD) if a.name != "MainThread"]
    assert len(cooks) == 3
    assert max_waiting_together(store, cooks) == 3
    waits = sorted(time_in(store, c, State.WAITING) for c in cooks)
    assert waits[0] < waits[1] < waits[2]  # C (1 s), A (2 s), B (3 s)
    wall = max(span_of(store, c)[1] for c in cooks) - min(span_of(store, c)[0] for c in cooks)
    assert wall < 0.6 * sum(waits), "three waits of 1, 2 and 3 s took about their sum"
    reasons = {r for c in cooks for r, s in zip(c.reason, c.state, strict=True) if s == 3}
    assert reasons == {int(Reason.SLEEP)}
    main = lanes(store, Kind.THREAD, "MainThread")[0]
    assert int(Reason.JOIN) in set(main.reason)


def test_asyncio_abc_three_tasks_wait_together_on_one_thread(trace: Traced) -> None:
    _, store, result = trace("abc_asyncio.py")
    assert result.ok, result.message
    tasks = [a for a in lanes(store, Kind.TASK, "task")]
    assert len(tasks) == 3
    assert {store.actors[t.parent or 0].name for t in tasks} == {"MainThread"}
    assert max_waiting_together(store, tasks) == 3
    wall = max(span_of(store, t)[1] for t in tasks) - min(span_of(store, t)[0] for t in tasks)
    waits = [time_in(store, t, State.WAITING) for t in tasks]
    assert wall < 0.6 * sum(waits)
    for t in tasks:  # each awaits asyncio.sleep: found by the timer its step armed
        assert {int(r) for s, r in zip(t.state, t.reason, strict=True) if s == State.WAITING} == {
            int(Reason.SLEEP)
        }
    assert any("Task A starting" in en for _, _, en, _ in store.cues), "its output is shown"


def test_a_loop_that_never_idles_still_names_its_tasks(trace: Traced) -> None:
    """Tasks are named when their loop idles; one that never does names them within a
    quarter second, so a run killed before its end still has its lanes named."""
    _, store, result = trace("busy_loop.py")
    assert result.outcome == "killed", result.message
    tasks = lanes(store, Kind.TASK, "stir")
    assert len(tasks) == 3
    ran = [time_in(store, t, State.RUNNING) for t in tasks]
    assert min(ran) > 0 and max(ran) < 3 * min(ran), f"they take turns at the loop: {ran}"


def test_run_until_complete_twice_is_one_after_another(trace: Traced) -> None:
    _, store, result = trace("one_after_another.py")
    assert result.ok, result.message
    tasks = sorted(lanes(store, Kind.TASK), key=lambda a: a.t[0])
    tasks = [t for t in tasks if t.name in ("wait1", "wait2")]
    assert [t.name for t in tasks] == ["wait1", "wait2"]
    assert span_of(store, tasks[1])[0] >= span_of(store, tasks[0])[1]
    assert max_waiting_together(store, tasks) == 1


def test_two_created_tasks_wait_together(trace: Traced) -> None:
    _, store, result = trace("two_tasks.py")
    assert result.ok, result.message
    tasks = [t for t in lanes(store, Kind.TASK) if t.name in ("main › wait1", "main › wait2")]
    if len(tasks) != 2:  # asyncio.run names its main task "Task-1": the creator goes unsaid
        tasks = [t for t in lanes(store, Kind.TASK) if t.name.endswith(("wait1", "wait2"))]
    assert len(tasks) == 2
    assert max_waiting_together(store, tasks) == 2
    wall = max(span_of(store, t)[1] for t in tasks) - min(span_of(store, t)[0] for t in tasks)
    assert wall < 1.5 * max(time_in(store, t, State.WAITING) for t in tasks)


def test_multiprocessing_abc_is_three_kitchens_waiting_at_once(trace: Traced) -> None:
    run, store, result = trace("abc_processes.py")
    assert result.ok, result.message
    kitchens = [a for a in lanes(store, Kind.PROCESS) if a.parent is not None]
    assert len(kitchens) == 3
    cooks = [c for k in kitchens for c in store.children(k.index) if c.kind == Kind.THREAD]
    assert len(cooks) == 3, "each kitchen has its main thread as a cook"
    assert max_waiting_together(store, cooks) == 3
    assert {k.pid for k in kitchens} <= run.seen_pids


# -- the GIL, measured ------------------------------------------------------------------------


def cook_figures(store: TraceStore) -> tuple[float, list[tuple[int, int]]]:
    """Parallelism over the cooks' own window, and each cook's (running, ready) time."""
    cooks = [a for a in lanes(store, Kind.THREAD) if a.name.startswith("cook")]
    start = min(c.t[0] for c in cooks)
    end = max(c.t[-1] for c in cooks)
    run = [time_in(store, c, State.RUNNING) for c in cooks]
    ready = [time_in(store, c, State.READY) for c in cooks]
    return sum(run) / (end - start), list(zip(run, ready, strict=True))


def test_four_cpu_threads_share_one_knife(trace: Traced) -> None:
    _, store, result = trace("gil_threads.py")
    assert result.ok, result.message
    par, cooks = cook_figures(store)
    assert len(cooks) == 4
    assert par < 1.3, f"parallelism {par:.2f}: four pure-Python threads ran side by side"
    for running, ready in cooks:
        assert ready > running, "each cook waits for the knife more than it holds it"
    turns = [a for a in lanes(store, Kind.THREAD) if a.name.startswith("cook")]
    assert all(list(a.state).count(int(State.RUNNING)) >= 5 for a in turns), "they take turns"


def test_hashlib_threads_run_two_at_once(trace: Traced) -> None:
    _, store, result = trace("hashlib_threads.py")
    assert result.ok, result.message
    par, _ = cook_figures(store)
    most = summarise(store).max_running
    parallel(par > 1.4 and most >= 2, f"hashlib threads at parallelism {par:.2f}, {most} at once")


def test_a_process_pool_uses_the_cores(trace: Traced) -> None:
    _, store, result = trace("pool_processes.py")
    assert result.ok, result.message
    workers = [k for k in lanes(store, Kind.PROCESS) if "Process-" in k.name]
    assert len(workers) == 2
    cooks = [c for k in workers for c in store.children(k.index)]
    busy = sum(time_in(store, c, State.RUNNING) for c in cooks)
    start = min(c.t[0] for c in cooks)
    end = max(c.t[-1] for c in cooks)
    par = busy / (end - start)
    parallel(par > 1.4, f"a pool of two kitchens at parallelism {par:.2f}")


# -- queues, failures, faults -----------------------------------------------------------------


def test_the_consumer_waits_on_its_queue_and_a_raising_thread_fails(trace: Traced) -> None:
    _, store, result = trace("kitchen_queue.py")
    assert result.ok, result.message
    chef = lanes(store, Kind.THREAD, "chef")[0]
    queue_waits = [
        store.labels[lab]
        for s, r, lab in zip(chef.state, chef.reason, chef.label, strict=True)
        if s == State.WAITING and r == Reason.QUEUE
    ]
    assert queue_waits and set(queue_waits) == {"orders"}, "the wait names the queue"
    clumsy = lanes(store, Kind.THREAD, "clumsy cook")[0]
    assert clumsy.state[-1] == State.FAILED
    text = next(t for _, a, t in store.errors if a == clumsy.index)
    assert "kitchen_queue.py" in text and "dropped a plate" in text


def test_a_raising_program_fails_with_its_traceback(trace: Traced) -> None:
    _, store, result = trace("fails.py", "raise")
    assert result.outcome == "failed" and result.exit_code == 1
    assert "the sauce curdled" in result.message
    assert "fails.py" in result.error and "deep_down" in result.error
    main = lanes(store, Kind.THREAD, "MainThread")[0]
    assert main.state[-1] == State.FAILED


def test_the_program_sees_its_own_argv_and_main(trace: Traced) -> None:
    _, store, result = trace("fails.py", "3")
    assert result.outcome == "failed" and result.exit_code == 3
    said = " ".join(en for _, _, en, _ in store.cues)
    assert "argv ['3'] name __main__" in said
    kitchen = lanes(store, Kind.PROCESS)[0]
    assert kitchen.state[-1] == State.FAILED


def test_stopping_leaves_no_grandchild(trace: Traced) -> None:
    run, store = session.start_trace(
        Program((str(PROGRAMS / "grandchildren.py"),), passthrough=False)
    )
    deadline = time.monotonic() + 20
    while sum("up" in en for _, _, en, _ in store.cues) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run.pid is not None
    tree = {run.pid} | {p.pid for p in psutil.Process(run.pid).children(recursive=True)}
    assert len(tree) == 3
    run.stop("test")
    result = run.wait(15)
    assert result is not None and result.outcome == "stopped"
    assert wait_gone(tree, within=2.5) == []
    kitchens = lanes(store, Kind.PROCESS)
    assert len(kitchens) == 3, "each level is a kitchen"


def headless_three_levels() -> tuple[subprocess.Popen[bytes], set[int]]:
    """``cookline trace --headless`` of a program with a child and a grandchild, all up:
    Cookline's process, and the three of the program."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "trace", "--headless", str(PROGRAMS / "grandchildren.py")],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    assert proc.stdout is not None
    seen = 0
    for line in proc.stdout:
        seen += b"up" in line
        if seen == 3:
            break
    tree = {p.pid for p in psutil.Process(proc.pid).children(recursive=True)}
    program = {p for p in tree if "grandchildren" in " ".join(psutil.Process(p).cmdline())}
    assert len(program) == 3
    return proc, program


def test_ctrl_c_to_headless_cookline_ends_the_tree() -> None:
    proc, program = headless_three_levels()
    os.kill(proc.pid, signal.SIGINT)
    proc.wait(20)
    assert proc.returncode == 1
    assert wait_gone(program, within=2.5) == []


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["no-such-script.py"], "no-such-script.py: no such file"),
        ([str(ROOT / "examples")], "not a file"),
        ([sys.executable], "not a Python script"),
        (["--python", "/bin/true", "examples/abc_threads.py"], "--python /bin/true"),
    ],
)
def test_what_cannot_be_traced_is_one_line_and_status_2(args: list[str], says: str) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "tui", "trace", "--headless", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and says in out.stderr, out.stderr


def test_a_syntax_error_names_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("x = 1\ndef broken(:\n")
    out = subprocess.run(
        [sys.executable, "-m", "tui", "trace", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2 and "bad.py, line 2" in out.stderr and "Traceback" not in out.stderr


def test_headless_passes_output_and_status_through() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "tui", "trace", "--headless", str(PROGRAMS / "fails.py"), "4"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 4
    assert "argv ['4'] name __main__" in out.stdout
    assert "exited with status 4" in out.stdout


def test_options_after_the_script_are_the_programs() -> None:
    from tui.cli import split_trace

    assert split_trace(["trace", "--timeout", "3", "s.py", "--timeout", "9"]) == (
        ["trace", "--timeout", "3"],
        ["s.py", "--timeout", "9"],
    )
    assert split_trace(["--lang", "ja", "trace", "-m", "tool", "--width", "3"]) == (
        ["--lang", "ja", "trace"],
        ["-m", "tool", "--width", "3"],
    )
    assert split_trace(["run", "one-knife"]) == (["run", "one-knife"], [])


def test_the_split_knows_every_option_that_takes_a_value() -> None:
    """split_trace's lists are the parser's: an option added to `trace` (or the top level)
    without its word there would swallow the script's name as its value."""
    import argparse

    from tui.cli import _TOP_VALUES, _TRACE_VALUES, _parser

    def valued(p: argparse.ArgumentParser) -> set[str]:
        return {o for a in p._actions if a.nargs != 0 for o in a.option_strings}

    top = _parser()
    sub = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    assert valued(sub.choices["trace"]) == _TRACE_VALUES
    assert valued(top) - {"--version"} == _TOP_VALUES


def test_two_cooks_taking_two_locks_in_turn_are_a_deadlock(trace: Traced) -> None:
    _, store, result = trace("carrots_and_sink.py", timeout=20)
    assert result.outcome == "deadlock", result.message
    assert "carrot cook holds board and waits for sink" in result.message
    assert "sink cook holds sink and waits for board" in result.message
    cooks = [a for a in lanes(store, Kind.THREAD) if a.name.endswith("cook")]
    assert {store.labels[a.label[-1]] for a in cooks} == {"board", "sink"}


def test_waiting_in_turn_at_one_lock_is_no_deadlock(trace: Traced) -> None:
    _, store, result = trace("contended.py", timeout=20)
    assert result.ok, result.message
    cooks = lanes(store, Kind.THREAD)
    named = {
        store.labels[lab]
        for a in cooks
        for s, r, lab in zip(a.state, a.reason, a.label, strict=True)
        if s == State.WAITING and r == Reason.LOCK and lab
    }
    assert "pan" in named


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_every_start_method_makes_kitchens_and_a_plain_child_has_no_cooks(
    trace: Traced, method: str
) -> None:
    _, store, result = trace("start_methods.py", method)
    assert result.ok, result.message
    kitchens = {a.name: a for a in lanes(store, Kind.PROCESS)}
    for kid in ("kid 0", "kid 1"):
        assert kid in kitchens, sorted(kitchens)
        cooks = [c for c in store.children(kitchens[kid].index) if c.kind == Kind.THREAD]
        assert cooks and int(Reason.SLEEP) in set(cooks[0].reason)
    sleep = kitchens.get("sleep")
    assert sleep is not None, "a child that is not Python is still a kitchen"
    assert store.children(sleep.index) == []


def test_killed_from_outside_says_so(trace: Traced) -> None:
    _, store, result = trace("killed.py")
    assert result.outcome == "killed" and "SIGKILL" in result.message
    child = [a for a in lanes(store, Kind.PROCESS) if a.parent is not None]
    assert len(child) == 1 and child[0].state[-1] == State.FAILED
    said = [t for _, a, t in store.errors if a == child[0].index]
    assert said == ["ended: killed by signal 9"]


def test_sigkill_to_cookline_leaves_nothing_behind() -> None:
    proc, program = headless_three_levels()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    assert wait_gone(program, within=2.5) == []


@pytest.mark.parametrize("version", ["3.12", "3.13"])
def test_under_another_interpreter_the_knife_is_still_measured(trace: Traced, version: str) -> None:
    from scenarios.supervisor.interpreter import InterpreterError, find

    try:
        python = find(f"python{version}")
    except InterpreterError as exc:
        pytest.skip(str(exc))
    run, store = session.start_trace(
        Program((str(EXAMPLES / "gil_threads.py"),), python, timeout=60, passthrough=False)
    )
    result = run.wait(90)
    assert result is not None and result.ok, result
    assert store.header["machine"]["python"].startswith(version)
    par, cooks = cook_figures(store)
    assert par < 1.3 and all(ready > running for running, ready in cooks)
    assert wait_gone({run.pid or 0} | run.seen_pids) == []


def test_stuck_on_locks_it_cannot_see_is_a_stall() -> None:
    run, store = session.start_trace(
        Program((str(PROGRAMS / "stuck.py"),), timeout=30, stall=1.0, passthrough=False)
    )
    result = run.wait(40)
    assert result is not None and result.outcome == "stalled", result
    hands = [a for a in lanes(store, Kind.THREAD) if a.name.endswith("hand")]
    assert {a.state[-1] for a in hands} == {State.WAITING}
    assert {a.reason[-1] for a in hands} == {Reason.LOCK}
    assert wait_gone({run.pid or 0} | run.seen_pids) == []


def test_sleeps_and_joins_on_them_are_not_a_stall(trace: Traced) -> None:
    _, _, result = trace("abc_threads.py", stall=0.5)  # 3 s of sleeps; main joins them
    assert result.ok, result.message


def test_a_recorded_trace_replays_the_same_lanes(tmp_path: Path) -> None:
    from tui import formats

    out = tmp_path / "run.jsonl"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tui",
            "trace",
            "--headless",
            "--record",
            str(out),
            str(EXAMPLES / "kitchen_queue.py"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    store = formats.load(str(out))
    assert store.header["scenario"] == "trace"
    assert store.header["program"] == [str(EXAMPLES / "kitchen_queue.py")]
    names = {a.name for a in store.actors}
    assert {"kitchen_queue.py", "MainThread", "waiter", "chef", "clumsy cook"} <= names
    assert "sampled every 4 ms" in store.labels
    clumsy = next(a for a in store.actors if a.name == "clumsy cook")
    assert clumsy.state[-1] == State.FAILED


def test_a_blocking_call_in_a_coroutine_leaves_the_others_ready(trace: Traced) -> None:
    _, store, result = trace("blocking_call.py")
    assert result.ok, result.message
    timer = lanes(store, Kind.TASK, "timer")[0]
    stir = lanes(store, Kind.TASK, "stir")[0]
    assert time_in(store, stir, State.RUNNING) > 300_000_000
    assert time_in(store, timer, State.READY) > 200_000_000, "its timer rang while the loop stirred"
    readies = {int(r) for s, r in zip(timer.state, timer.reason, strict=True) if s == State.READY}
    assert readies == {int(Reason.LOOP)}, "a task's ready is its loop's, never the GIL's"
    clumsy = lanes(store, Kind.TASK, "clumsy")[0]
    assert clumsy.state[-1] == State.FAILED
    text = next(t for _, a, t in store.errors if a == clumsy.index)
    assert "no such spoon" in text and "blocking_call.py" in text


def test_a_task_group_s_named_tasks_wait_together(trace: Traced) -> None:
    _, store, result = trace("taskgroup.py")
    assert result.ok, result.message
    dishes = [a for a in lanes(store, Kind.TASK) if a.name in ("bread", "pie", "tart")]
    assert len(dishes) == 3
    assert max_waiting_together(store, dishes) == 3


def test_a_module_run_with_m_is_named_by_its_module() -> None:
    run, store = session.start_trace(
        Program(("-m", "json.tool", "--help"), timeout=30, passthrough=False)
    )
    result = run.wait(40)
    assert result is not None and result.ok, result
    assert lanes(store, Kind.PROCESS)[0].name == "python -m json.tool"
    assert any("usage" in en for _, _, en, _ in store.cues)
    assert wait_gone({run.pid or 0} | run.seen_pids) == []
