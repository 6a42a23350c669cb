"""Crashes, kills, hangs and interruptions: each reported, events kept, no process left behind."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from scenarios.kitchen.menu import get
from scenarios.wire import Reason, State
from tests.conftest import Kitchen, alive, wait_gone
from tui.formats import recording
from tui.runs import session
from tui.trace.summary import summarise


def test_a_scenario_that_raises_is_failed_with_its_traceback(kitchen: Kitchen) -> None:
    done = kitchen("burnt-dish", scale=0.2)
    assert done.result.outcome == "failed"
    assert "the dish is burnt" in done.result.message
    assert "Traceback" in done.result.error
    assert 'File "/' not in done.result.error  # no machine's folders in a shareable recording
    assert 'File "scenarios/kitchen/drills.py"' in done.result.error
    cook_b = done.store.by_name("Cook B")
    assert cook_b.state[-1] == State.FAILED
    assert done.store.by_name("Cook A").state[-1] == State.DONE
    assert any("dropped the pan" in text for _, _, text in done.store.errors)
    assert done.store.end["outcome"] == "failed"


def test_a_worker_killed_from_outside_is_shown_as_killed() -> None:
    run, store = session.start(get("one-knife"), {"scale": 2.0}, timeout=60)
    deadline = time.monotonic() + 20
    while store.events < 50 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run.pid is not None
    os.kill(run.pid, signal.SIGKILL)
    result = run.wait(20)
    assert result is not None and result.outcome == "killed"
    assert "SIGKILL" in result.message
    assert store.events >= 50  # what arrived before the kill is kept
    assert wait_gone(run.seen_pids) == []


def test_a_hang_past_the_time_limit_is_stopped(kitchen: Kitchen) -> None:
    t = time.monotonic()
    done = kitchen("frozen-cook", scale=0.2, timeout=1.5, stall_after=60)
    assert done.result.outcome == "timeout"
    assert time.monotonic() - t < 15
    assert done.store.events > 0 and done.store.cues  # the events before the hang were kept


def test_a_silent_hang_is_called_a_stall(kitchen: Kitchen, tmp_path: Path) -> None:
    """Its lane is not drawn running through the silence, nor its CPU counted: from the
    stall's start (within one scan of the tree's CPU) it is ``waiting (unknown)``."""
    done = kitchen("frozen-cook", scale=0.2, timeout=60, stall_after=1.0)
    assert done.result.outcome == "stalled"
    assert "no announced wait" in done.result.message
    s = summarise(done.store)
    cook = next(a for a in s.actors if a.actor.name == "Frozen cook")
    assert s.wall > 1.0e9 and cook.running < 0.5 * s.wall and s.cpu == cook.running
    spans = done.store.spans(cook.actor)
    assert (spans[-1].state, spans[-1].reason) == (State.WAITING, Reason.UNKNOWN)
    silent = sum(sp.end - sp.start for sp in spans if sp.reason == Reason.UNKNOWN)
    assert silent > 0.5 * s.wall
    recording.save(done.store, tmp_path / "r.jsonl")  # the new reason is written and read
    back = recording.load(tmp_path / "r.jsonl")
    assert summarise(back).cpu == s.cpu


def test_an_announced_long_wait_is_not_a_stall(kitchen: Kitchen) -> None:
    done = kitchen("abc-sequential", scale=0.5, stall_after=0.5)
    assert done.result.ok, done.result.message


def _cookline(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tui", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _tree_of(pid: int, at_least: int, within: float = 20) -> set[int]:
    """The workers under a Cookline process, once ``at_least`` of them are up."""
    deadline = time.monotonic() + within
    found: set[int] = set()
    while time.monotonic() < deadline:
        with contextlib.suppress(psutil.Error):
            found = {
                c.pid
                for c in psutil.Process(pid).children(recursive=True)
                if "resource_tracker" not in " ".join(c.cmdline())
            }
        if len(found) >= at_least:
            return found
        time.sleep(0.05)
    raise AssertionError(f"only {len(found)} worker processes appeared")


def test_ctrl_c_stops_the_tree_and_still_prints(tmp_path: Path) -> None:
    proc = _cookline(
        "run", "two-kitchens", "--headless", "--scale", "5", "--record", str(tmp_path / "cut.jsonl")
    )
    tree = _tree_of(proc.pid, at_least=3)  # worker + two kitchens
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 1, err
    assert "stopped by the user" in out
    assert "Traceback" not in out + err
    assert wait_gone(tree) == []
    assert (tmp_path / "cut.jsonl").stat().st_size > 0


def test_workers_die_with_cookline_even_by_sigkill() -> None:
    """A frozen worker never flushes again: the kernel must end it when Cookline dies."""
    proc = _cookline("run", "frozen-cook", "--headless", "--stall", "600", "--timeout", "600")
    tree = _tree_of(proc.pid, at_least=1)
    time.sleep(0.5)
    proc.kill()
    proc.wait(10)
    left = wait_gone(tree, within=3.0)
    for pid in left:  # never leave them behind, even when the test fails
        os.kill(pid, signal.SIGKILL)
    assert left == []


def test_workers_of_a_processes_scenario_die_with_cookline() -> None:
    proc = _cookline("run", "two-kitchens", "--headless", "--scale", "20", "--timeout", "600")
    tree = _tree_of(proc.pid, at_least=3)
    proc.kill()
    proc.wait(10)
    left = wait_gone(tree, within=3.0)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "one-knif"], "unknown scenario 'one-knif'; did you mean one-knife"),
        (["run", "one-knife", "--cores", "64"], "--cores 64: only"),
        (["run", "one-knife", "--scale", "0"], "--scale 0: must be above 0"),
        (["run", "one-knife", "--record", "/nonexistent/dir/x.jsonl"], "does not exist"),
        (["run", "one-knife", "--scale", "nan"], "--scale nan: must be a finite number"),
        (["run", "one-knife", "--scale", "inf"], "--scale inf: must be a finite number"),
        (["run", "one-knife", "--timeout", "nan"], "--timeout nan: must be a finite number"),
        (["run", "one-knife", "--stall", "0"], "--stall 0: must be above 0"),
        (["run", "one-knife", "--stall", "-1"], "--stall -1: must be above 0"),
        (["run", "one-knife", "--width", "-3"], "--width -3: must be at least 20"),
        (["run", "one-knife", "--width", "0"], "--width 0: must be at least 20"),
        (["replay", "x.jsonl", "--width", "ten"], "--width ten: not a whole number"),
        (["serve", "--port", "0"], "--port 0: must be at least 1"),
        (["run", "one-knife", "--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_command_lines_get_one_line(args: list[str], expected: str) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=30
    )
    assert out.returncode == 2
    assert expected in out.stderr and len(out.stderr.splitlines()) == 1, out.stderr


def test_a_run_stopped_half_way_leaves_no_worker() -> None:
    """Stopped while its kitchens still chop, a run's whole tree is gone: every pid it saw, and
    nothing new under this process (the resource tracker aside, which outlives every run)."""
    before = {c.pid for c in psutil.Process().children(recursive=True)}
    run, _ = session.start(get("two-kitchens"), {"scale": 20.0}, timeout=120)
    deadline = time.monotonic() + 20
    while len(run.seen_pids) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(run.seen_pids) >= 2, "the kitchens never started"
    run.stop("stopped half-way by the test")
    assert run.wait(15) is not None
    assert wait_gone(set(run.seen_pids)) == []
    new = [
        c
        for c in psutil.Process().children(recursive=True)
        if c.pid not in before and "resource_tracker" not in " ".join(c.cmdline())
    ]
    assert alive({c.pid for c in new}) == []
