"""Executors whose workers are lanes: pool kitchens (processes) and pool cooks (threads).

``concurrent.futures`` starts its workers itself, so the probe is set up by the pool's
``initializer`` (processes) or on a worker thread's first task (threads). Between tasks a pool
worker waits on the pool's work queue; each task is wrapped so that wait shows as
``waiting (queue)`` instead of a long, false ``running``.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.util
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing.queues import SimpleQueue
from typing import Any, TypeVar

from scenarios.probe._buffer import P, handoff, setup
from scenarios.probe._lifeline import quiet, tie_to_parent
from scenarios.probe._marks import current_actor, declare_process, flush, mark, process_actor
from scenarios.wire import State

T = TypeVar("T")

_ctx = multiprocessing.get_context("spawn")
_IDLE = "idle in the pool"


def process_pool(workers: int, name: str = "Pool kitchen") -> ProcessPoolExecutor:
    """A ``ProcessPoolExecutor`` of spawned kitchens that report on the run's queue."""
    queue, chunk_iters = handoff()
    return ProcessPoolExecutor(
        workers,
        mp_context=_ctx,
        initializer=_kitchen_init,
        initargs=(queue, chunk_iters, os.getpid(), process_actor(), name),
    )


def _kitchen_init(
    queue: SimpleQueue | None, chunk_iters: int, parent_pid: int, parent: int, name: str
) -> None:
    tie_to_parent(parent_pid)
    quiet()
    kitchen = os.getpid() << 24
    setup(queue, kitchen, chunk_iters, main_thread_name=f"{name} {os.getpid()} · main")
    declare_process(kitchen, f"{name} {os.getpid()}", parent)
    mark(kitchen, State.RUNNING)
    cook = current_actor()
    mark(cook, State.WAITING, "queue", _IDLE)
    flush()
    # concurrent.futures ends its workers through multiprocessing, which runs these finalizers
    multiprocessing.util.Finalize(None, _kitchen_closed, args=(kitchen, cook), exitpriority=100)


def _kitchen_closed(kitchen: int, cook: int) -> None:
    mark(cook, State.DONE)
    mark(kitchen, State.DONE)
    flush()


def task(fn: Callable[..., T], *args: Any) -> T:
    """Run ``fn(*args)`` in a pool worker as a recorded stretch of work, then wait idle again.

    Submit ``pool.task, fn, *args`` instead of ``fn, *args`` (processes and threads alike).
    """
    tp = P.thread()
    if threading.current_thread() is not threading.main_thread():
        _pool_cooks.add(tp.actor)
    mark(tp.actor, State.RUNNING)
    try:
        return fn(*args)
    finally:
        mark(tp.actor, State.WAITING, "queue", _IDLE)
        flush()


_pool_cooks: set[int] = set()
"""Thread-pool cooks seen in this process, so their lanes can be closed when the pool is."""


def thread_pool(workers: int, name: str = "Pool cook") -> ThreadPoolExecutor:
    return ThreadPoolExecutor(workers, thread_name_prefix=name)


def close_thread_pool(pool: ThreadPoolExecutor) -> None:
    """Shut the pool down and end its cooks' lanes (a pool thread has no end of its own)."""
    pool.shutdown(wait=True)
    end_thread_cooks()


def end_thread_cooks() -> None:
    """End the lanes of the pool threads seen so far, once their pool is shut down."""
    for actor in sorted(_pool_cooks):
        mark(actor, State.DONE)
    _pool_cooks.clear()
