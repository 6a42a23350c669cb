"""Signals at random moments: Ctrl-C, SIGTERM or SIGKILL to Cookline, or SIGKILL to a worker,
during live runs recorded with ``--record`` (headless, and the app in tmux).

Each time: no process of the tree is left, Ctrl-C and SIGTERM end Cookline by itself within
2 s, a killed worker is shown as killed, and the recording keeps what was measured (a
SIGKILLed Cookline leaves the part it had streamed). ``COOKLINE_CHAOS`` runs in the suite
(default 10); ``make chaos`` runs 200 and prints how they ended.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import psutil
import pytest

from tests.conftest import wait_gone
from tests.terminal import HAVE_TMUX, ROOT, Terminal
from tui import formats

RUNS = int(os.environ.get("COOKLINE_CHAOS", "10"))
SEED = int(os.environ.get("COOKLINE_CHAOS_SEED", "12"))
WHAT = ("SIGINT", "SIGTERM", "SIGKILL", "worker SIGKILL")
ENDS: Counter[str] = Counter()
TOOK: list[float] = []
"""Seconds from Ctrl-C or SIGTERM to Cookline's exit, over the runs so far."""


def _tree(pid: int) -> set[int]:
    try:
        return {p.pid for p in psutil.Process(pid).children(recursive=True)}
    except psutil.Error:
        return set()


def _cases() -> list[tuple[int, str, float, bool]]:
    rng = random.Random(SEED)
    return [(k, WHAT[k % 4], rng.uniform(0.4, 2.5), HAVE_TMUX and k % 5 == 4) for k in range(RUNS)]


def _signal(cookline: int, what: str) -> set[int]:
    """Send ``what``; returns every process of the tree seen just before."""
    tree = _tree(cookline)
    if what == "worker SIGKILL":
        # the run's worker: Cookline's own child started by multiprocessing's spawn
        children = psutil.Process(cookline).children()
        workers = [p.pid for p in children if "spawn_main" in " ".join(_cmdline(p.pid))]
        assert workers, "no worker to kill"
        os.kill(workers[0], signal.SIGKILL)
    else:
        os.kill(cookline, getattr(signal, what))
    return tree


def _cmdline(pid: int) -> list[str]:
    try:
        return psutil.Process(pid).cmdline()
    except psutil.Error:
        return []


@pytest.mark.parametrize(("k", "what", "after", "in_app"), _cases(), ids=lambda v: str(v))
def test_a_signal_at_a_random_moment(
    tmp_path: Path, k: int, what: str, after: float, in_app: bool
) -> None:
    record = tmp_path / "run.jsonl"
    args = ["run", "buffet", "--scale", "3", "--record", str(record)]
    t_sent = 0.0
    if in_app:
        with Terminal(args, 100, 30) as term:
            term.wait_for("LIVE")
            time.sleep(after)
            app = [
                p.pid
                for p in psutil.Process(term.pane_pid()).children()
                if "tui" in _cmdline(p.pid)
            ]
            assert app
            tree = _signal(app[0], what) | {app[0]}
            t_sent = time.monotonic()
            if what in ("SIGINT", "SIGTERM"):
                term.wait_exit(within=5)
                took = time.monotonic() - t_sent
            elif what == "worker SIGKILL":
                term.wait_for("killed", 20)
                term.keys("q")
                term.wait_exit()
                took = 0.0
            else:
                took = 0.0
            assert "Traceback" not in term.screen()
    else:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tui", *args, "--headless"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            # a shell's background job inherits SIGINT ignored, and Python then installs no
            # Ctrl-C handler: give Cookline the SIGINT a terminal's Ctrl-C would bring
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        time.sleep(after)
        tree = _signal(proc.pid, what) | {proc.pid}
        t_sent = time.monotonic()
        out, err = proc.communicate(timeout=30)
        took = time.monotonic() - t_sent
        assert "Traceback" not in err, err
        if what == "worker SIGKILL":
            assert proc.returncode == 1 and "killed by SIGKILL" in out, (proc.returncode, out)
        elif what == "SIGKILL":
            assert proc.returncode == -signal.SIGKILL
        else:
            assert proc.returncode == 1 and "stopped" in out, (proc.returncode, out, err)
    if what in ("SIGINT", "SIGTERM"):
        TOOK.append(took)
        assert took <= 2.0, f"{what}: Cookline took {took:.2f} s to end"
    assert wait_gone(tree, within=3) == [], f"{what} after {after:.2f} s: left behind"
    assert record.exists(), "no recording at all"
    store = formats.load(record)  # whole lines only: it always opens
    # a worker killed while it was still starting (the suite's load delays a spawned kitchen
    # by up to ~0.7 s) had measured nothing: no actor, so no event to keep
    started = what != "worker SIGKILL" or bool(store.actors)
    assert started or after < 2.0, f"{what} after {after:.2f} s: no actor recorded"
    if started and (what != "SIGKILL" or after > 2.0):  # streamed: events older than 1 s by
        assert store.events > 0, f"{what} after {after:.2f} s: nothing recorded"  # 0.5 s flush
    ENDS[f"{'app' if in_app else 'headless'} {what}"] += 1


def test_chaos_said() -> None:
    """Last in the file: how the runs ended (``make chaos`` prints it)."""
    took = sorted(TOOK) or [0.0]
    print(
        "\nchaos runs:",
        dict(sorted(ENDS.items())),
        f"Ctrl-C/SIGTERM to exit: median {took[len(took) // 2]:.2f} s, max {took[-1]:.2f} s",
    )


_COOKLINE_WITH_A_PLAIN_CHILD = """
import dataclasses, sys, time
from scenarios.kitchen.menu import get
from tui.runs import session
scenario = dataclasses.replace(get("one-knife"), entry="tests.plain_child:spawn")
run, store = session.start(scenario, {}, timeout=300, stall_after=300)
print("started", flush=True)
time.sleep(300)
"""


def test_a_sigkilled_cookline_leaves_no_plain_subprocess() -> None:
    """A grandchild started with plain ``subprocess`` has no tie to its parent: it outlived a
    SIGKILLed Cookline until the guard ended the worker's process group."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _COOKLINE_WITH_A_PLAIN_CHILD], cwd=ROOT, stdout=subprocess.PIPE
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == b"started\n"
        deadline = time.monotonic() + 20
        sleeper: list[int] = []
        while not sleeper and time.monotonic() < deadline:
            sleeper = [p for p in _tree(proc.pid) if _cmdline(p)[:1] == ["sleep"]]
            time.sleep(0.1)
        assert sleeper, "the scenario's plain subprocess never started"
        tree = _tree(proc.pid)
        proc.kill()
        proc.wait(5)
        assert wait_gone(tree, within=3) == [], [_cmdline(p) for p in tree]
    finally:
        proc.kill()
