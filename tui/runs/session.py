"""A run as Cookline sees it: a scenario's worker tree feeding one trace store.

The live path and the replay path meet in the store: whatever a live run shows, its recording
shows again.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
import threading
import time
from typing import Any

from scenarios.kitchen.menu import Scenario
from scenarios.supervisor.affinity import choose_cpus
from scenarios.supervisor.interpreter import Interpreter
from scenarios.supervisor.runner import Run, RunResult
from tui.formats import disk, recording
from tui.trace.store import MAX_ACTORS, MAX_EVENTS, TraceStore


def machine(cpus: list[int], python: Interpreter | None = None) -> dict[str, Any]:
    """What the run's figures depend on, for the recording's header: the interpreter is the
    worker tree's (``--python``), not necessarily Cookline's own."""
    gil = getattr(sys, "_is_gil_enabled", None)
    return {
        "cores": os.cpu_count(),
        "cpus_allowed": sorted(os.sched_getaffinity(0)),
        "cpus_used": len(cpus),
        "cpus": cpus,
        "python": python.version_text if python else platform.python_version(),
        "implementation": python.implementation if python else platform.python_implementation(),
        "gil_enabled": python.gil_enabled if python else gil() if gil is not None else True,
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

    def ended(result: RunResult) -> None:
        # a run stopped from outside: its live lanes run on to the moment it was stopped
        held = result.outcome != "done" and store.t0
        store.end_run(
            result.outcome,
            result.message,
            result.exit_code,
            hold_to=time.monotonic_ns() - store.t0 if held else None,
        )

    def batch(states: Any, records: Any) -> None:
        store.ingest(states, records)
        if run.finished:
            return
        if store.events > MAX_EVENTS:  # two int compares a batch
            run.stop(f"stopped: more than {MAX_EVENTS:,} events, the most a run may keep")
        elif len(store.actors) > MAX_ACTORS:
            run.stop(f"stopped: more than {MAX_ACTORS:,} actors, the most a run may keep")

    run = Run(
        scenario,
        params,
        on_batch=batch,
        cores=cores,
        timeout=timeout,
        stall_after=stall_after,
        on_end=ended,
        on_start=store.start_clock,
        python=python,
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
