"""The root of a worker tree: the process Cookline starts for one scenario run."""

from __future__ import annotations

import importlib
import os
import sys
import types
from multiprocessing.queues import SimpleQueue

from scenarios.probe._buffer import setup
from scenarios.probe._lifeline import quiet, tie_to_parent
from scenarios.probe._marks import declare_process, mark
from scenarios.probe._process import run_to_the_end
from scenarios.wire import State, kitchen_of


def worker_main(
    queue: SimpleQueue | None,
    entry: str,
    title: str,
    params: dict[str, float],
    cpus: list[int],
    chunk_iters: int,
    parent_pid: int,
) -> None:
    os.setpgid(0, 0)  # a group of its own, for the guard to end (supervisor/guard.py)
    tie_to_parent(parent_pid)
    quiet()
    # Kitchens this worker spawns would re-import Cookline's (or pytest's) main module; they
    # need none of it, and a bare __main__ lets them start in a fraction of the time.
    sys.modules["__main__"] = types.ModuleType("__main__")
    os.sched_setaffinity(0, cpus)
    root = kitchen_of(os.getpid())
    setup(queue, root, chunk_iters)
    declare_process(root, title, 0)
    mark(root, State.RUNNING)
    module, _, func = entry.partition(":")

    def scenario(params: dict[str, float]) -> None:
        getattr(importlib.import_module(module), func)(params)

    run_to_the_end(root, scenario, (params,))
