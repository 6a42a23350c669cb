"""Shared helpers: run a real scenario into a store, and prove its worker tree is gone after."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from scenarios.kitchen.menu import get
from scenarios.supervisor.runner import Run, RunResult
from scenarios.wire import State
from tui.runs import session
from tui.trace.store import TraceStore

DATA = Path(__file__).parent / "data"


@dataclass
class Finished:
    run: Run
    store: TraceStore
    result: RunResult


Kitchen = Callable[..., Finished]
"""The ``kitchen`` fixture: ``kitchen("one-knife", scale=0.2)`` runs a scenario for real."""


def in_state(store: TraceStore, name: str, state: State) -> list[tuple[int, int]]:
    """The (start, end) of each span the actor called ``name`` spent in ``state``."""
    return [(sp.start, sp.end) for sp in store.spans(store.by_name(name)) if sp.state == state]


def running(store: TraceStore, name: str) -> list[tuple[int, int]]:
    return in_state(store, name, State.RUNNING)


def values(store: TraceStore) -> dict[str, float]:
    """The values a run sent (``probe.value``), by name."""
    return {name: v for _, _, name, v in store.values}


def overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    """How long two sets of spans ran at the same time (ns)."""
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def alive(pids: set[int]) -> list[int]:
    """Pids of the set that still run (a zombie already exited and does not count)."""
    out = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                out.append(pid)
        except psutil.Error:
            pass
    return out


def wait_gone(pids: set[int], within: float = 3.0) -> list[int]:
    deadline = time.monotonic() + within
    while (left := alive(pids)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def usable_cores() -> int:
    return len(os.sched_getaffinity(0))


def busy_elsewhere() -> str | None:
    """Why two cooks cannot run side by side on this machine right now, or None if they can.

    Parallelism needs two cores free: with another process holding one, two kitchens take
    turns like two cooks, and a test of the lesson would fail for the machine's sake.
    """
    if usable_cores() < 2:
        return "needs 2 usable cores"
    per_core = psutil.cpu_percent(interval=0.3, percpu=True)
    mine = set(os.sched_getaffinity(0))
    idle = sum(100 - p for i, p in enumerate(per_core) if i in mine) / 100
    if idle < 1.6:
        return f"other processes keep the cores busy ({idle:.1f} of {len(mine)} idle)"
    # idle by the kernel's count is not two cores to have: on a shared host the virtual CPUs
    # can be short of real ones with no steal reported (seen here: processes at parallelism
    # 1.2 with both cores idle). Two busy loops side by side say what can be had now.
    got = _two_loops()
    if got < 1.7:
        return f"two busy processes got {got:.2f} cores between them just now"
    return None


def _two_loops(seconds: float = 0.3) -> float:
    import resource
    import subprocess
    import sys

    code = f"import time\nt=time.perf_counter()\nwhile time.perf_counter()-t<{seconds}: pass"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    procs = [subprocess.Popen([sys.executable, "-S", "-c", code]) for _ in range(2)]
    for p in procs:
        p.wait()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu / seconds


def parallel(ok: bool, what: str) -> None:
    """Assert a lesson that needs two quiet cores (two cooks side by side, or one knife's turns
    read over 50 ms): where it did not hold, ask the machine again, and skip (saying why) when
    it cannot give two cores now; a shared host takes them back mid-test with no steal
    reported, and the lesson then fails for the machine's sake."""
    if ok:
        return
    why = busy_elsewhere()
    if why is not None:
        pytest.skip(f"not shown ({what}): {why}")
    raise AssertionError(what)


@pytest.fixture
def two_idle_cores() -> None:
    """Skip, saying why, when the machine cannot show parallelism at the moment."""
    why = busy_elsewhere()
    if why is not None:
        pytest.skip(why)


@pytest.fixture
def kitchen() -> Iterator[Kitchen]:
    """``kitchen("one-knife", scale=0.2)`` runs it for real; the tree must be gone afterwards."""
    runs: list[Run] = []

    def go(
        scenario_id: str,
        scale: float = 0.2,
        cores: int | None = None,
        timeout: float = 60,
        stall_after: float = 10,
        **params: float,
    ) -> Finished:
        run, store = session.start(
            get(scenario_id),
            {"scale": scale, **params},
            cores=cores,
            timeout=timeout,
            stall_after=stall_after,
        )
        runs.append(run)
        result = run.wait(timeout + 30)
        assert result is not None, "the runner never finished"
        return Finished(run, store, result)

    yield go
    for run in runs:
        run.stop()
        run.wait(10)
        assert wait_gone(run.seen_pids) == [], "worker processes left behind"
