"""The probe: what a worker calls to say what it is doing, measured so that it does not change it.

The rules it keeps, each measured on this machine (README, "Measured here" and "Architecture"):

* nothing on the hot path releases the GIL (``_clock``);
* events go into the emitting thread's own list and that thread flushes them; no helper thread,
  ever (``_buffer``);
* CPU work runs in ~1 ms chunks whose wall and CPU clocks are read once at each boundary, so
  preemption and GIL waits show as ``ready`` (``_marks``).

This is the package's whole public face; scenarios import ``probe`` (and ``probe.pool`` for
executors) and nothing private. The worker entry points (``worker_main``) are for the
supervisor.
"""

from scenarios.probe._asyncio import awaiting, close_loop, event_loop, rename_task, run_async
from scenarios.probe._buffer import setup
from scenarios.probe._clock import burn, calibrate
from scenarios.probe._lifeline import tie_to_parent
from scenarios.probe._marks import (
    checkpoint,
    cpu_work,
    cue,
    current_actor,
    declare_process,
    error,
    flush,
    mark,
    new_id,
    process_actor,
    rename,
    sleep,
    value,
    waiting,
)
from scenarios.probe._process import Process
from scenarios.probe._scrub import traceback_text
from scenarios.probe._threads import Lock, Thread
from scenarios.probe._worker import worker_main

__all__ = [
    "Lock",
    "Process",
    "Thread",
    "awaiting",
    "burn",
    "calibrate",
    "checkpoint",
    "close_loop",
    "cpu_work",
    "cue",
    "current_actor",
    "declare_process",
    "error",
    "event_loop",
    "flush",
    "mark",
    "new_id",
    "process_actor",
    "rename",
    "rename_task",
    "run_async",
    "setup",
    "sleep",
    "tie_to_parent",
    "traceback_text",
    "value",
    "waiting",
    "worker_main",
]
