"""A kitchen of its own: a child process whose life is recorded like a thread's.

Children are started with an explicit ``spawn`` context: never ``fork`` a process that may hold
threads and locks. Each child ties its life to its parent and runs the probe on the same queue.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from multiprocessing.queues import SimpleQueue
from typing import Any, NoReturn

from scenarios.probe._buffer import handoff, setup
from scenarios.probe._lifeline import quiet, tie_to_parent
from scenarios.probe._marks import (
    current_actor,
    declare_process,
    error,
    flush,
    mark,
    new_id,
    process_actor,
    value,
    waiting,
)
from scenarios.probe._scrub import traceback_text
from scenarios.wire import START_CPU, State

_ctx = multiprocessing.get_context("spawn")


def _child_entry(
    queue: SimpleQueue | None,
    actor: int,
    name: str,
    chunk_iters: int,
    parent_pid: int,
    target: Callable[..., Any],
    args: tuple[Any, ...],
) -> None:
    tie_to_parent(parent_pid)
    quiet()
    setup(queue, actor, chunk_iters, main_thread_name=f"{name} · main")
    # everything this process has spent so far is its start: read once, before its first step
    value(START_CPU, time.process_time() * 1e3)
    mark(actor, State.RUNNING)
    run_to_the_end(actor, target, args)


def run_to_the_end(kitchen: int, target: Callable[..., Any], args: tuple[Any, ...]) -> NoReturn:
    """Run a kitchen's main work, record how it ended (traceback and all), flush, and exit.

    ``os._exit``: a worker leaves nothing to chance at interpreter shutdown (threads of a
    frozen dish, atexit handlers) once its last batch is sent.
    """
    main = current_actor()
    code = 0
    try:
        target(*args)
    except BaseException:
        error(main, traceback_text())
        mark(main, State.FAILED)
        mark(kitchen, State.FAILED)
        code = 1
    else:
        mark(main, State.DONE)
        mark(kitchen, State.DONE)
    flush()
    os._exit(code)


class Process:
    """``probe.Process(target, name, args)``: like ``multiprocessing.Process``, but a kitchen."""

    def __init__(self, target: Callable[..., Any], name: str, args: tuple[Any, ...] = ()) -> None:
        self.name = name
        self.actor = new_id()
        declare_process(self.actor, name, process_actor())
        mark(self.actor, State.NEW)
        queue, chunk_iters = handoff()
        self._proc = _ctx.Process(
            target=_child_entry,
            args=(queue, self.actor, name, chunk_iters, os.getpid(), target, args),
            name=f"cookline-{name}",
            daemon=True,
        )

    def start(self) -> None:
        mark(self.actor, State.READY, "start")  # until its main thread runs: starting up
        self._proc.start()

    def join(self, timeout: float | None = None) -> None:
        with waiting("join", self.name):
            self._proc.join(timeout)
        code = self._proc.exitcode
        if code is not None and code != 0:
            why = f"exit signal {-code}" if code < 0 else f"exit code {code}"
            error(self.actor, f"{self.name} ended with {why}")
            mark(self.actor, State.FAILED)

    @property
    def exitcode(self) -> int | None:
        return self._proc.exitcode
