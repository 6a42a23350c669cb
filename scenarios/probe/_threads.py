"""Cooks and utensils: a ``threading.Thread`` whose whole life is recorded, and a named lock
that says who holds it and who waits for it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from scenarios.probe._buffer import P
from scenarios.probe._clock import now
from scenarios.probe._marks import error, waiting
from scenarios.probe._scrub import traceback_text
from scenarios.wire import Kind, LockHeld, LockWanted, State


class Thread(threading.Thread):
    """A cook: a ``threading.Thread`` whose whole life (new, ready, running, done) is recorded."""

    def __init__(self, target: Callable[..., Any], name: str, args: tuple[Any, ...] = ()) -> None:
        super().__init__(name=name, daemon=True)
        self._fn = target
        self._fn_args = args
        self.actor = P.new_id()
        tp = P.thread()
        if P.queue is not None:
            P.declare(tp, self.actor, Kind.THREAD, P.process_actor, name)
            P.emit(tp, self.actor, int(State.NEW))

    def start(self) -> None:
        P.emit(P.thread(), self.actor, int(State.READY))
        super().start()

    def run(self) -> None:
        tp = P.adopt_current_thread(self.actor, self.name)
        if P.queue is not None:
            P.start_running(tp)
        try:
            self._fn(*self._fn_args)
        except BaseException:
            error(tp.actor, traceback_text())
            P.stop_running(tp)
            P.emit(tp, tp.actor, int(State.FAILED))
            raise
        else:
            P.stop_running(tp)
            P.emit(tp, tp.actor, int(State.DONE))
        finally:
            P.flush(tp)

    def join(self, timeout: float | None = None) -> None:
        with waiting("join", self.name):
            super().join(timeout)


class Lock:
    """``threading.Lock`` for a named utensil ("the sink"): who holds it and who waits for it.

    Taking it sends :class:`LockHeld` ``held=True``, giving it back ``held=False``; a cook who
    has to wait first sends :class:`LockWanted` and shows ``waiting (lock)`` labelled with the
    utensil. The supervisor builds who-waits-for-whom from these to call a deadlock a deadlock,
    and recordings keep the holds.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._lock = threading.Lock()

    def _note(self, held: bool) -> None:
        tp = P.thread()
        if P.queue is not None:
            tp.meta.append(LockHeld(now(), tp.actor, self.name, held))

    def acquire(self) -> None:
        if not self._lock.acquire(blocking=False):
            tp = P.thread()
            if P.queue is not None:
                tp.meta.append(LockWanted(now(), tp.actor, self.name))
            with waiting("lock", self.name):
                self._lock.acquire()
        self._note(True)

    def release(self) -> None:
        self._note(False)
        self._lock.release()

    def __enter__(self) -> Lock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
