"""Each thread's own event buffer, and the flush that sends it from that same thread.

Measured on this machine (README, "Measured here"): one queue put per event multiplied the GIL
hand-offs of two CPU-bound threads about a hundredfold, while batches left them as they were.
So each thread fills its own list and the *emitting thread* packs and sends it -- when it is
about to wait, when the list is full, or every ~20 ms of work. There is no feeder or helper
thread, which is why the queue is a ``SimpleQueue`` and not a ``Queue``.

The list is flat, six integers an event (``buf += (t, actor, state, reason, core, label)``): no
tuple outlives the append, and the flush packs the list as it stands. Measured here, packing a
list of 6-tuples cost ~85 ns an event against ~36 for the flat list, and the whole event 1.9-2.0x
the bare clock + append against 1.8x (the send left out, eleven rounds, by turns).
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Iterator
from multiprocessing.queues import SimpleQueue
from typing import Any

from scenarios.probe._clock import READY_MIN_NS, core_view, cpu_now, now
from scenarios.wire import STATE_WIDTH, ActorDeclared, Kind, LabelText, Record, State, pack

FLUSH_EVENTS = 1024
"""Events a thread buffers before it must flush."""
FLUSH_VALUES = FLUSH_EVENTS * STATE_WIDTH
"""The same, in the flat buffer's integers."""
FLUSH_NS = 20_000_000
"""Flush at least this often while working: well above the 5 ms GIL switch interval."""


class ThreadBuffer:
    """One thread's actor, buffer and last state; only its own thread touches it."""

    __slots__ = (
        "actor",
        "buf",
        "cpu",
        "flush_by",
        "meta",
        "named_at",
        "reason",
        "run_cpu",
        "run_wall",
        "state",
        "tasks",
        "waits",
    )

    def __init__(self, actor: int) -> None:
        self.actor = actor
        self.buf: list[int] = []
        """Six integers an event, in :data:`scenarios.wire.STATE_FIELDS` order."""
        self.meta: list[Record] = []
        self.cpu = core_view()
        """``cpu[0]``: the core this thread is on now (made here, read only by this thread)."""
        self.flush_by = now() + FLUSH_NS
        """Flush once the clock passes this, full or not (the last flush + ``FLUSH_NS``): one
        comparison on the hot path, not a sum and a comparison."""
        self.state = int(State.NEW)
        self.reason = 0
        self.run_wall = 0
        """Wall clock when the thread last started running outside CPU chunks (0: not)."""
        self.run_cpu = 0
        """Its thread CPU time then."""
        self.tasks: list[Any] = []
        """A traced program's loop thread: tasks it has seen but not yet declared, as
        ``actor, task`` pairs (declared when the loop idles: naming is no step's cost)."""
        self.named_at = 0
        """When the oldest of those first ran (ns)."""
        self.waits = 0
        """A traced program's thread: 1 inside an announced wait (only the outermost of
        nested ones is announced), -1 once it has ended."""


class Probe:
    """The process-wide probe; ``queue`` is ``None`` when the probe is off (a bare run)."""

    def __init__(self) -> None:
        self.queue: SimpleQueue | None = None
        self.pid = 0
        self.process_actor = 0
        self.chunk_iters = 0
        self.local = threading.local()
        self._ids: Iterator[int] = itertools.count(1)
        self._strings: dict[str, int] = {}
        self.infer_ready = True
        """Show a stretch's wall time its CPU clock did not see as ``ready`` (the kitchen).
        A traced program's readiness is sampled from outside instead, where it happened."""

    # -- identities -------------------------------------------------------------------------

    def new_id(self) -> int:
        """A run-wide unique id: the pid in the high bits, a per-process counter below."""
        return (self.pid << 24) | next(self._ids)

    def label(self, text: str | None, tp: ThreadBuffer) -> int:
        if not text:
            return 0
        lid = self._strings.get(text)
        if lid is None:
            lid = self._strings[text] = self.new_id()
            tp.meta.append(LabelText(lid, text))
        return lid

    def declare(
        self,
        tp: ThreadBuffer,
        actor: int,
        kind: Kind,
        parent: int,
        name: str,
        tid: int = 0,
        *,
        now: bool = True,
    ) -> None:
        """Announce an actor; flushed at once (``now``) so nothing else that names it arrives
        first. A task's name rides with its first step instead: 10,000 tasks are not 10,000
        sends."""
        tp.meta.append(ActorDeclared(actor, int(kind), parent, name, self.pid, tid))
        if now:
            self.flush(tp)

    # -- the hot path -------------------------------------------------------------------------

    def emit(
        self, tp: ThreadBuffer, actor: int, state: int, reason: int = 0, label: int = 0
    ) -> None:
        """The hot path: one clock read, one core read, one append; a bare run drops at flush."""
        t = now()
        buf = tp.buf
        buf += (t, actor, state, reason, tp.cpu[0], label)
        if t > tp.flush_by or len(buf) >= FLUSH_VALUES:
            self.flush(tp)

    def start_running(self, tp: ThreadBuffer, label: int = 0) -> None:
        """The thread runs again: mark it, and note both clocks to check the stretch later."""
        tp.run_cpu = cpu_now()
        t = tp.run_wall = now()  # the event's own time: a later READY can never precede it
        tp.buf += (t, tp.actor, int(State.RUNNING), 0, tp.cpu[0], label)
        if t > tp.flush_by or len(tp.buf) >= FLUSH_VALUES:
            self.flush(tp)  # inside the stretch: its GIL wait counts as ready

    def stop_running(self, tp: ThreadBuffer) -> None:
        """The thread's running stretch ends (it waits, ends, or starts measured CPU work).

        Code between two probe calls is only "running" if the thread had the CPU and the GIL:
        wall time the thread's CPU clock did not see was spent ``ready`` (measured here: the
        Head cook starting its cooks in one-knife waits for the GIL far more than it runs).
        One ``thread_time`` read per stretch, never per event.
        """
        if not tp.run_wall or not self.infer_ready:
            tp.run_wall = 0
            return
        t = now()
        lost = (t - tp.run_wall) - (cpu_now() - tp.run_cpu)
        tp.run_wall = 0
        if lost > READY_MIN_NS:
            tp.buf += (t - lost, tp.actor, int(State.READY), 0, tp.cpu[0], 0)

    def emit_at(self, tp: ThreadBuffer, t: int, actor: int, state: int, reason: int = 0) -> None:
        """A transition known to have happened at ``t`` (a timer's due time), not now."""
        tp.buf += (t, actor, state, reason, tp.cpu[0], 0)

    def flush(self, tp: ThreadBuffer) -> None:
        """Send this thread's batch; the one place the probe lets go of the GIL."""
        q = self.queue
        tp.flush_by = now() + FLUSH_NS
        buf = tp.buf
        if q is None or (not buf and not tp.meta):
            buf.clear()
            return
        if buf:  # its own latest state, searched newest first at C speed
            actors = buf[len(buf) - STATE_WIDTH + 1 :: -STATE_WIDTH]
            try:
                i = len(buf) - STATE_WIDTH * (actors.index(tp.actor) + 1)
                tp.state, tp.reason = buf[i + 2], buf[i + 3]
            except ValueError:  # a loop thread's batch of its tasks' events alone
                pass
        states = pack(buf) if buf else b""
        meta = tp.meta or None
        tp.buf = []
        tp.meta = []
        q.put((states, meta, (tp.actor, tp.state, tp.reason)))

    # -- per-thread state --------------------------------------------------------------------

    def thread(self) -> ThreadBuffer:
        try:
            return self.local.tp  # type: ignore[no-any-return]
        except AttributeError:
            return self.adopt_current_thread()

    def adopt_current_thread(
        self, actor: int | None = None, name: str | None = None
    ) -> ThreadBuffer:
        """Give the calling thread an actor: a probe Thread's, or a new one for a stray thread."""
        cur = threading.current_thread()
        new = actor is None
        tp = ThreadBuffer(self.new_id() if actor is None else actor)
        self.local.tp = tp
        if self.queue is not None:
            self.declare(
                tp, tp.actor, Kind.THREAD, self.process_actor, name or cur.name, cur.native_id or 0
            )
            if new:
                self.start_running(tp)
        return tp

    @property
    def on(self) -> bool:
        """Events go somewhere (a probed run), not dropped (a bare one)."""
        return self.queue is not None


P = Probe()
"""This process's probe: every module of the package shares it, nothing outside reaches it."""


def setup(
    queue: SimpleQueue | None,
    process_actor: int,
    chunk_iters: int,
    *,
    main_thread_name: str = "Main thread",
) -> None:
    """Start the probe in this process (called by the worker entry points, not by scenarios)."""
    P.queue = queue
    P.pid = os.getpid()
    P.process_actor = process_actor
    P.chunk_iters = chunk_iters
    tp = P.adopt_current_thread(P.new_id(), main_thread_name)
    if queue is not None:
        P.start_running(tp)


def handoff() -> tuple[SimpleQueue | None, int]:
    """What a child kitchen needs to report on the same run: the queue and the chunk size."""
    return P.queue, P.chunk_iters
