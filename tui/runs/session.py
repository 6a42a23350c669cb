"""A run as Cookline sees it: a scenario's worker tree feeding one trace store.

The live path and the replay path meet in the store: whatever a live run shows, its recording
shows again.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
import time
from typing import Any

from scenarios.kitchen.menu import Scenario
from scenarios.supervisor.affinity import choose_cpus
from scenarios.supervisor.runner import Run, RunResult
from tui.trace.store import TraceStore


def machine(cpus: list[int]) -> dict[str, Any]:
    """What the run's figures depend on, for the recording's header."""
    gil = getattr(sys, "_is_gil_enabled", None)
    return {
        "cores": os.cpu_count(),
        "cpus_allowed": sorted(os.sched_getaffinity(0)),
        "cpus_used": len(cpus),
        "cpus": cpus,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "gil_enabled": gil() if gil is not None else True,
        "platform": platform.platform(),
    }


def header(scenario: Scenario, params: dict[str, float], cpus: list[int]) -> dict[str, Any]:
    return {
        "scenario": scenario.id,
        "title": scenario.title,
        "title_ja": scenario.title_ja,
        "model": scenario.model,
        "bound": scenario.bound,
        "params": params,
        "machine": machine(cpus),
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def start(
    scenario: Scenario,
    params: dict[str, float],
    *,
    cores: int | None = None,
    timeout: float | None = None,
    stall_after: float = 5.0,
) -> tuple[Run, TraceStore]:
    """Start a run that feeds a new store; the caller waits on the run or watches the store."""
    every = {**scenario.params, **params}
    store = TraceStore(header(scenario, every, choose_cpus(cores)))

    def ended(result: RunResult) -> None:
        # a run stopped from outside: its live lanes run on to the moment it was stopped
        held = result.outcome != "done" and store.t0
        store.end_run(
            result.outcome,
            result.message,
            result.exit_code,
            hold_to=time.monotonic_ns() - store.t0 if held else None,
        )

    run = Run(
        scenario,
        params,
        on_batch=store.ingest,
        cores=cores,
        timeout=timeout,
        stall_after=stall_after,
        on_end=ended,
        on_start=store.start_clock,
    )
    run.start()
    return run, store
