"""The probe reads each event's core from the thread's rseq area: the kernel's own, live value,
checked by moving a thread from core to core (``sched_setaffinity``) and reading it back."""

from __future__ import annotations

import os
import platform
import threading
from array import array
from typing import Any

import pytest

from scenarios import probe
from scenarios.probe._buffer import P
from scenarios.probe._clock import _RSEQ, core_view, getcpu
from scenarios.wire import State

pytestmark = pytest.mark.skipif(
    platform.machine() != "x86_64" or _RSEQ is None or len(os.sched_getaffinity(0)) < 2,
    reason="the rseq area is read on x86-64 glibc, and moving a thread needs two cores",
)


def _moved_and_read(results: list[tuple[int, int]]) -> None:
    view = core_view()
    assert isinstance(view, memoryview)  # the memory read, not the fallback
    here = os.sched_getaffinity(0)
    try:
        for core in sorted(here) * 3:
            os.sched_setaffinity(0, {core})  # this thread only (pid 0 is the caller)
            results.append((core, view[0]))
    finally:
        os.sched_setaffinity(0, here)


def test_the_view_follows_the_main_thread_from_core_to_core() -> None:
    got: list[tuple[int, int]] = []
    _moved_and_read(got)
    assert got and all(want == read for want, read in got), got


def test_the_view_follows_a_thread_of_its_own_from_core_to_core() -> None:
    got: list[tuple[int, int]] = []
    t = threading.Thread(target=_moved_and_read, args=(got,))
    t.start()
    t.join()
    assert got and all(want == read for want, read in got), got


class _Sink:
    def __init__(self) -> None:
        self.batches: list[Any] = []

    def put(self, message: Any) -> None:
        self.batches.append(message)


def test_an_event_carries_the_core_it_was_emitted_on() -> None:
    sink = _Sink()
    here = os.sched_getaffinity(0)
    probe.setup(sink, 1 << 24, 1)  # type: ignore[arg-type]
    try:
        tp = P.thread()
        for core in sorted(here):
            os.sched_setaffinity(0, {core})
            assert getcpu() == core
            P.emit(tp, tp.actor, int(State.RUNNING), label=core + 1)
        P.flush(tp)
    finally:
        os.sched_setaffinity(0, here)
        probe.setup(None, 1 << 24, 1)
    events = array("q")
    for states, _, _ in sink.batches:
        events.frombytes(states)
    rows = [events[i : i + 6] for i in range(0, len(events), 6)]
    emitted = [(r[4], r[5] - 1) for r in rows if r[5]]  # (core recorded, core pinned)
    assert len(emitted) == len(here) and all(c == want for c, want in emitted), emitted
