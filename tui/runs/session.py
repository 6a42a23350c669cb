"""A run as Cookline sees it: a scenario's worker tree feeding one trace store.

The live path and the replay path meet in the store: whatever a live run shows, its recording
shows again.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import threading
import time
from array import array
from collections.abc import Callable
from typing import Any

from scenarios.kitchen.menu import Scenario
from scenarios.supervisor.affinity import choose_cpus
from scenarios.supervisor.interpreter import Interpreter, own_gil_enabled
from scenarios.supervisor.runner import Run, RunResult
from scenarios.supervisor.runqueue import RunQueue
from scenarios.supervisor.traced import Program, TraceRun
from scenarios.wire import Cue, Kind, kitchen_of
from tui.formats import disk, recording
from tui.trace.store import MAX_ACTORS, MAX_EVENTS, TraceStore


def machine(cpus: list[int], python: Interpreter | None = None) -> dict[str, Any]:
    """What the run's figures depend on, for the recording's header: the interpreter is the
    worker tree's (``--python``), not necessarily Cookline's own."""
    return {
        "cores": os.cpu_count(),
        "cpus_allowed": sorted(os.sched_getaffinity(0)),
        "cpus_used": len(cpus),
        "cpus": cpus,
        "python": python.version_text if python else platform.python_version(),
        "implementation": python.implementation if python else platform.python_implementation(),
        "gil_enabled": python.gil_enabled if python else own_gil_enabled(),
        "platform": platform.platform(),
    }


def header(
    scenario: Scenario,
    params: dict[str, float],
    cpus: list[int],
    python: Interpreter | None = None,
) -> dict[str, Any]:
    return {
        "scenario": scenario.id,
        "title": scenario.title,
        "title_ja": scenario.title_ja,
        "model": scenario.model,
        "bound": scenario.bound,
        "params": params,
        "machine": machine(cpus, python),
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def _ended(store: TraceStore, queue: RunQueue | None = None) -> Callable[[RunResult], None]:
    """How a run's end reaches its store: a run stopped from outside has its live lanes run
    on to the moment it was stopped; with ``queue``, each cook's ready spans learn their
    cause from the kernel's run-queue delay."""

    def ended(result: RunResult) -> None:
        if queue is not None:
            queue.stop()
            queue.join(2)
            gil = store.header.get("machine", {}).get("gil_enabled", True)
            store.ready_by_run_queue(queue.readings, gil is not False)
        held = result.outcome != "done" and store.t0
        quiet = result.quiet_since_ns
        store.end_run(
            result.outcome,
            result.message,
            result.exit_code,
            hold_to=time.monotonic_ns() - store.t0 if held else None,
            silent_from=quiet - store.t0 if quiet is not None and store.t0 else None,
        )

    return ended


def _capped(store: TraceStore, stop: Callable[[str], None], finished: Callable[[], bool]) -> Any:
    """The store's door for a live run, which stops the run past the store's caps."""

    def batch(states: Any, records: Any) -> None:
        store.ingest(states, records)
        if finished():
            return
        if store.events > MAX_EVENTS:  # two int compares a batch
            stop(f"stopped: more than {MAX_EVENTS:,} events, the most a run may keep")
        elif len(store.actors) > MAX_ACTORS:
            stop(f"stopped: more than {MAX_ACTORS:,} actors, the most a run may keep")

    return batch


def start(
    scenario: Scenario,
    params: dict[str, float],
    *,
    cores: int | None = None,
    timeout: float | None = None,
    stall_after: float = 5.0,
    python: Interpreter | None = None,
) -> tuple[Run, TraceStore]:
    """Start a run that feeds a new store; the caller waits on the run or watches the store."""
    every = {**scenario.params, **params}
    store = TraceStore(header(scenario, every, choose_cpus(cores), python))
    queue = RunQueue(lambda: _cooks(store))
    run = Run(
        scenario,
        params,
        on_batch=_capped(store, lambda why: run.stop(why), lambda: run.finished),
        cores=cores,
        timeout=timeout,
        stall_after=stall_after,
        on_end=_ended(store, queue),
        on_start=store.start_clock,
        python=python,
    )
    queue.start()
    run.start()
    return run, store


def _cooks(store: TraceStore) -> dict[int, tuple[int, int]]:
    """Each thread the workers declared, by store index: its (pid, tid) for /proc."""
    with store.lock:
        return {a.index: (a.pid, a.tid) for a in store.actors if a.kind == Kind.THREAD and a.tid}


def trace_header(program: Program) -> dict[str, Any]:
    return {
        "scenario": "trace",
        "title": program.title,
        "title_ja": program.title,
        "model": "your program",
        "bound": "measured",
        "params": {},
        "program": list(program.argv),
        "machine": machine(sorted(os.sched_getaffinity(0)), program.python),
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def start_trace(program: Program) -> tuple[TraceRun, TraceStore]:
    """Start a user's own program, traced, feeding a new store; its output lines (when not
    passed through) become the run's narration, stamped when they were written."""
    store = TraceStore(trace_header(program))

    def output(t: int, stream: str, line: str) -> None:
        actor = kitchen_of(run.pid or 0)
        store.ingest(array("q"), [Cue(t, actor, line if stream == "stdout" else f"⚠ {line}", "")])

    run = TraceRun(
        program,
        on_batch=_capped(store, lambda why: run.stop(why), lambda: run.finished),
        on_end=_ended(store),
        on_start=store.start_clock,
        on_output=output,
    )
    run.start()
    return run, store


class Recorder:
    """``--record``, written as the run goes (a killed Cookline leaves what it had measured),
    then saved whole over the streamed file when the run ends.

    Its thread runs in Cookline's process, never in a worker: it only reads the store.
    """

    EVERY = 0.5
    """Seconds between appends to the file."""

    def __init__(self, store: TraceStore, path: str) -> None:
        self.store, self.path = store, path
        self.stream = recording.Stream(store, path)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="cookline-recorder", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.EVERY):
            try:
                self.stream.flush()
            except disk.FileError:  # a full disk: the save at the end says so, or keeps it
                return

    def finish(self) -> None:
        """Stop streaming and save the whole run, sorted, over the file (atomically: the
        streamed part stays if this fails). Raises :class:`disk.FileError`."""
        self._stop.set()
        self._thread.join()
        self.stream.close()
        recording.save(self.store, self.path)
