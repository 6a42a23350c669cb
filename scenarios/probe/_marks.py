"""What scenarios call to say what they do: transitions, waits, measured CPU work, cues.

CPU work runs in back-to-back ~1 ms chunks; each boundary reads wall and thread CPU time once,
closing one interval and opening the next, so preemption and GIL waits show up as ``ready``.
"""

from __future__ import annotations

import threading
import time

from scenarios.probe._buffer import FLUSH_VALUES, P, ThreadBuffer
from scenarios.probe._clock import CHUNK_MS, READY_MIN_NS, burn, calibrate, cpu_now, now
from scenarios.wire import Cue, Error, Kind, Reason, State, Value

REASONS = {r.name.lower(): int(r) for r in Reason}


def flush() -> None:
    """Send what the calling thread has buffered (the worker does this before it exits)."""
    P.flush(P.thread())


def current_actor() -> int:
    return P.thread().actor


def process_actor() -> int:
    return P.process_actor


def new_id() -> int:
    return P.new_id()


def declare_process(actor: int, name: str, parent: int) -> None:
    """Announce a process actor (a kitchen) from the process that is about to start it."""
    tp = P.thread()
    if P.queue is not None:
        P.declare(tp, actor, Kind.PROCESS, parent, name)


def mark(actor: int, state: State, reason: str | None = None, label: str | None = None) -> None:
    """Record a transition of any actor, stamped now, from the calling thread."""
    tp = P.thread()
    if actor == tp.actor and P.queue is not None:
        if state == State.RUNNING:
            P.start_running(tp, P.label(label, tp))
            return
        P.stop_running(tp)
    P.emit(tp, actor, int(state), REASONS[reason] if reason else 0, P.label(label, tp))


def rename(name: str) -> None:
    """Give the calling thread's actor its story name ("Cook A")."""
    tp = P.thread()
    if P.queue is not None:
        cur = threading.current_thread()
        P.declare(tp, tp.actor, Kind.THREAD, P.process_actor, name, cur.native_id or 0)


def cpu_work(ms: float, label: str | None = None) -> None:
    """Burn ``ms`` of CPU (calibrated) in pure Python, measuring running versus ready per chunk.

    The amount of *work* is fixed (chunks of calibrated iterations), so a cook who has to share
    the knife takes longer in wall time for the same dish -- which is the lesson.
    """
    chunks = max(1, round(ms / CHUNK_MS))
    iters = P.chunk_iters or calibrate()
    probe = P
    if probe.queue is None:
        for _ in range(chunks):
            burn(iters)
        return
    tp = probe.thread()
    probe.stop_running(tp)
    actor = tp.actor
    lab = probe.label(label, tp)
    on = tp.cpu
    wall = now
    cpu = cpu_now
    running = int(State.RUNNING)
    ready = int(State.READY)
    core = on[0]
    w0 = wall()
    c0 = cpu()
    tp.buf += (w0, actor, running, 0, core, lab)
    for _ in range(chunks):
        burn(iters)
        w1 = wall()
        c1 = cpu()
        new_core = on[0]
        lost = (w1 - w0) - (c1 - c0)
        if lost > READY_MIN_NS:
            buf = tp.buf
            buf += (w1 - lost, actor, ready, 0, core, lab)
            buf += (w1, actor, running, 0, new_core, lab)
        elif new_core != core:
            tp.buf += (w1, actor, running, 0, new_core, lab)
        core = new_core
        w0 = w1
        c0 = c1
        if w1 > tp.flush_by or len(tp.buf) >= FLUSH_VALUES:
            probe.flush(tp)
    tp.run_wall, tp.run_cpu = w0, c0  # still running: the stretch goes on from the last chunk


def checkpoint(label: str | None = None) -> None:
    """Close the calling thread's running stretch and open the next, for work that is not
    ``cpu_work`` chunks: the stretch's wall time its CPU clock did not see shows as ready."""
    tp = P.thread()
    if P.queue is not None:
        P.stop_running(tp)
        P.start_running(tp, P.label(label, tp))


class waiting:
    """``with probe.waiting("sleep", "microwave"):`` marks the calling thread waiting meanwhile.

    The batch is flushed as the wait begins: the thread is about to block anyway, so giving up
    the GIL there costs the picture nothing.
    """

    __slots__ = ("due", "label", "reason", "tp")

    def __init__(self, reason: str = "io", label: str | None = None) -> None:
        self.reason = REASONS[reason]
        self.label = label
        self.tp: ThreadBuffer
        self.due = 0
        """When the wait was due to end (a sleep's), if known: the thread is ready from then."""

    def __enter__(self) -> None:
        tp = self.tp = P.thread()
        if P.queue is not None:
            P.stop_running(tp)
            P.emit(tp, tp.actor, int(State.WAITING), self.reason, P.label(self.label, tp))
            P.flush(tp)

    def __exit__(self, *exc: object) -> None:
        if P.queue is not None:
            if self.due and now() - self.due > READY_MIN_NS:
                # awake but without the knife: the wait is over, the GIL is still to be had
                P.emit_at(self.tp, self.due, self.tp.actor, int(State.READY))
            P.start_running(self.tp)


def sleep(seconds: float, label: str | None = None) -> None:
    """A real ``time.sleep`` shown as ``waiting (sleep)``; the time between the sleep's end
    and the thread running again (taking the GIL back) is ``ready``."""
    w = waiting("sleep", label)
    with w:
        w.due = now() + int(seconds * 1e9)
        time.sleep(seconds)


def cue(en: str, ja: str = "") -> None:
    """A narration line, stamped now: what the kitchen is doing and why it matters."""
    tp = P.thread()
    if P.queue is not None:
        tp.meta.append(Cue(now(), tp.actor, en, ja))


def value(name: str, number: float) -> None:
    """A measured quantity (a counter, a result) worth showing beside the lanes."""
    tp = P.thread()
    if P.queue is not None:
        tp.meta.append(Value(now(), tp.actor, name, number))


def error(actor: int, text: str) -> None:
    """What went wrong with ``actor`` (a traceback, an exit status), sent with the next batch."""
    tp = P.thread()
    if P.queue is not None:
        tp.meta.append(Error(now(), actor, text))
