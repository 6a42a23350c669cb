"""How events leave a worker: packed int64 batches on a ``multiprocessing.SimpleQueue``.

Measured on this machine (README, "Measured here"): one queue put per event multiplied the
GIL hand-offs of two CPU-bound threads about a hundredfold, while batches left them as they were.
So each thread fills its own list and the *emitting thread* packs and sends it; there is no
feeder or helper thread, which is why this is a ``SimpleQueue`` and not a ``Queue``.

A message is a tuple ``(states, meta, tail)``:

* ``states`` -- bytes of an ``array('q')``, six int64 per state event (``model.STATE_FIELDS``);
* ``meta`` -- a list of small tuples (actor declarations, label strings, cues, locks, values,
  errors) or ``None``; rare, so plain tuples cost nothing that matters;
* ``tail`` -- ``(actor, state, reason)`` of the sending thread after the batch, so the supervisor
  can tell an announced wait from a silent hang without decoding every event.
"""

from __future__ import annotations

from array import array
from functools import lru_cache
from itertools import chain
from multiprocessing.connection import Connection
from multiprocessing.queues import SimpleQueue
from struct import Struct
from typing import Any

from scenarios.wire import STATE_WIDTH

Meta = tuple[Any, ...]
Message = tuple[bytes, list[Meta] | None, tuple[int, int, int] | None]


@lru_cache(maxsize=64)
def _layout(n: int) -> Struct:
    return Struct(f"={n * STATE_WIDTH}q")


def pack(events: list[tuple[int, int, int, int, int, int]]) -> bytes:
    """Flatten a thread's buffered events into one native int64 byte string.

    One ``Struct.pack`` of the whole batch: measured here at ~130 ns an event, against ~330 ns
    for ``array('q', chain(...))`` -- and this runs on the worker's own thread.
    """
    return _layout(len(events)).pack(*chain.from_iterable(events))


def unpack(states: bytes) -> array:
    """The int64 array of a batch; ``len(result) // STATE_WIDTH`` events."""
    out = array("q")
    out.frombytes(states)
    return out


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
