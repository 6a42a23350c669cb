"""The collector: reads each batch off the run's queue once and hands it on, decoded.

The state array goes to the sink (the trace store) and the typed records to both the sink and
the watchdog's :class:`~scenarios.supervisor.watchdog.Seen`; nothing downstream reads a batch
again.
"""

from __future__ import annotations

import contextlib
import fcntl
import time
from array import array
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.queues import SimpleQueue

from scenarios.supervisor.watchdog import Seen
from scenarios.wire import Message, Record, count, unpack

BatchSink = Callable[[array, list[Record]], None]
"""Receives each batch: the int64 state array and its records (possibly none)."""


PIPE_BYTES = 1 << 20
"""The run's pipe, enlarged from Linux's 64 KiB: a thread's batch of 1,024 events is 48 KiB,
so with the default a send can wait for the collector to empty the pipe. ``python -m
benchmarks probe`` prints the send's cost an event through both: medians of 20-36 ns through
this one against 18-132 ns through the default in four runs, the default's range up to 299."""


def new_queue(ctx: BaseContext) -> SimpleQueue:
    """The queue a run's workers send on, its pipe as large as the system allows up to
    :data:`PIPE_BYTES` (an unprivileged process may take up to ``/proc/sys/fs/pipe-max-size``,
    1 MiB by default; off Linux, without ``F_SETPIPE_SZ``, the pipe stays as it is)."""
    queue = ctx.SimpleQueue()
    with contextlib.suppress(OSError, AttributeError):
        fd = queue._writer.fileno()  # type: ignore[attr-defined]
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    return queue


def reader_of(queue: SimpleQueue) -> Connection:
    """The receiving end, so the collector can poll with a time-out.

    ``SimpleQueue`` has no public ``get(timeout=...)``; polling its reader is what lets the
    collector notice a stop request and the end of the stream (EOF once every writer is gone).
    """
    return queue._reader  # type: ignore[attr-defined,no-any-return]


def close_writer(queue: SimpleQueue) -> None:
    """Drop the Cookline side's copy of the writing end.

    Once the worker tree holds the only writers, EOF on the reader means every process that
    could still send has exited: the collector's natural end, with nothing left behind.
    """
    queue._writer.close()  # type: ignore[attr-defined]


class Collector:
    """Runs on its own thread on Cookline's side until every writer of the queue is gone."""

    def __init__(self, queue: SimpleQueue, sink: BatchSink, seen: Seen) -> None:
        self.queue = queue
        self.sink = sink
        self.seen = seen
        self.events = 0
        self.last_batch = time.monotonic()

    def run(self) -> None:
        reader = reader_of(self.queue)
        while True:
            try:
                if not reader.poll(0.1):
                    continue
                message: Message = self.queue.get()
            except (EOFError, OSError):
                return  # every writer is gone: the tree has exited
            self.last_batch = time.monotonic()
            states, records, tail = message
            records = records or []
            self.seen.see(tail, records)
            arr = unpack(states)
            self.events += count(arr)
            self.sink(arr, records)
