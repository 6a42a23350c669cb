"""What a worker calls to say what it is doing, measured so that the probe does not change it.

Rules this module keeps (each measured on this machine: README, "Measured here"):

* Nothing on the hot path releases the GIL. The core comes from ``sched_getcpu`` through
  ``ctypes.PyDLL`` (a ``CDLL`` call drops the GIL and made four threads run one after another).
* Events go into the emitting thread's own list and that thread flushes them: when it is about
  to wait, when the list is full, or every ~20 ms of work. No helper thread, ever.
* CPU work runs in back-to-back ~1 ms chunks; each boundary reads wall and thread CPU time once,
  closing one interval and opening the next, so preemption and GIL waits show up as ``ready``.
"""

from __future__ import annotations

import ctypes
import itertools
import re
import threading
import time
import traceback
from collections.abc import Callable, Coroutine, Generator, Iterator
from multiprocessing.queues import SimpleQueue
from typing import TYPE_CHECKING, Any, TypeVar

from scenarios.transport import Meta, pack
from scenarios.wire import Kind, Reason, State

if TYPE_CHECKING:
    import asyncio

T = TypeVar("T")

FLUSH_EVENTS = 1024
"""Events a thread buffers before it must flush."""
FLUSH_NS = 20_000_000
"""Flush at least this often while working: well above the 5 ms GIL switch interval."""
READY_MIN_NS = 100_000
"""Wall time not covered by thread CPU time in a chunk that counts as ``ready`` (not jitter)."""
CHUNK_MS = 1.0
"""CPU work is done in chunks of about this much CPU time."""

_now = time.monotonic_ns
_cpu_now = time.thread_time_ns

try:
    _sched_getcpu = ctypes.PyDLL(None).sched_getcpu
    _sched_getcpu.restype = ctypes.c_int
    _sched_getcpu.argtypes = []
    _getcpu: Callable[[], int] = _sched_getcpu
except (AttributeError, OSError):  # not glibc: the core is unknown, everything else works

    def _getcpu() -> int:
        return -1


_REASONS = {r.name.lower(): int(r) for r in Reason}


def burn(iterations: int) -> int:
    """Pure-Python arithmetic that holds the GIL: the knife work of every CPU-bound dish."""
    x = 1
    for i in range(iterations):
        x = (x * 31 + i) % 1_000_003
    return x


def calibrate(target_ms: float = CHUNK_MS) -> int:
    """Iterations of :func:`burn` that take about ``target_ms`` of CPU time on this machine.

    The fastest of a few tries: CPU time still grows when another process shares the core's
    caches, and the slowest try is the least like the machine.
    """
    n = 2000
    while True:
        c0 = _cpu_now()
        burn(n)
        took = _cpu_now() - c0
        if took > 2_000_000 or n > 50_000_000:
            break
        n *= 2
    best = took
    for _ in range(4):
        c0 = _cpu_now()
        burn(n)
        best = min(best, _cpu_now() - c0)
    return max(1, int(n * target_ms * 1e6 / max(best, 1)))


class _ThreadProbe:
    """One thread's actor, buffer and last state; only its own thread touches it."""

    __slots__ = ("actor", "buf", "last_flush", "meta", "reason", "run_cpu", "run_wall", "state")

    def __init__(self, actor: int) -> None:
        self.actor = actor
        self.buf: list[tuple[int, int, int, int, int, int]] = []
        self.meta: list[Meta] = []
        self.last_flush = _now()
        self.state = int(State.NEW)
        self.reason = 0
        self.run_wall = 0
        """Wall clock when the thread last started running outside CPU chunks (0: not)."""
        self.run_cpu = 0
        """Its thread CPU time then."""


class _Probe:
    """The process-wide probe; ``queue`` is ``None`` when the probe is off (a bare run)."""

    def __init__(self) -> None:
        self.queue: SimpleQueue | None = None
        self.pid = 0
        self.process_actor = 0
        self.chunk_iters = 0
        self.local = threading.local()
        self._ids: Iterator[int] = itertools.count(1)
        self._strings: dict[str, int] = {}

    # -- identities -------------------------------------------------------------------------

    def new_id(self) -> int:
        """A run-wide unique id: the pid in the high bits, a per-process counter below."""
        return (self.pid << 24) | next(self._ids)

    def label(self, text: str | None, tp: _ThreadProbe) -> int:
        if not text:
            return 0
        lid = self._strings.get(text)
        if lid is None:
            lid = self._strings[text] = self.new_id()
            tp.meta.append(("str", lid, text))
        return lid

    def declare(
        self, tp: _ThreadProbe, actor: int, kind: Kind, parent: int, name: str, tid: int = 0
    ) -> None:
        """Announce an actor; flushed at once so its events never arrive before its name."""
        tp.meta.append(("actor", actor, int(kind), parent, name, self.pid, tid))
        self.flush(tp)

    # -- the hot path -------------------------------------------------------------------------

    def emit(
        self, tp: _ThreadProbe, actor: int, state: int, reason: int = 0, label: int = 0
    ) -> None:
        """The hot path: one clock read, one core read, one append; a bare run drops at flush."""
        t = _now()
        buf = tp.buf
        buf.append((t, actor, state, reason, _getcpu(), label))
        if len(buf) >= FLUSH_EVENTS or t - tp.last_flush > FLUSH_NS:
            self.flush(tp)

    def start_running(self, tp: _ThreadProbe, label: int = 0) -> None:
        """The thread runs again: mark it, and note both clocks to check the stretch later."""
        tp.run_cpu = _cpu_now()
        t = tp.run_wall = _now()  # the event's own time: a later READY can never precede it
        tp.buf.append((t, tp.actor, int(State.RUNNING), 0, _getcpu(), label))
        if len(tp.buf) >= FLUSH_EVENTS or t - tp.last_flush > FLUSH_NS:
            self.flush(tp)  # inside the stretch: its GIL wait counts as ready

    def stop_running(self, tp: _ThreadProbe) -> None:
        """The thread's running stretch ends (it waits, ends, or starts measured CPU work).

        Code between two probe calls is only "running" if the thread had the CPU and the GIL:
        wall time the thread's CPU clock did not see was spent ``ready`` (measured here: the
        Head cook starting its cooks in one-knife waits for the GIL far more than it runs).
        One ``thread_time`` read per stretch, never per event.
        """
        if not tp.run_wall:
            return
        t = _now()
        lost = (t - tp.run_wall) - (_cpu_now() - tp.run_cpu)
        tp.run_wall = 0
        if lost > READY_MIN_NS:
            tp.buf.append((t - lost, tp.actor, int(State.READY), 0, _getcpu(), 0))

    def emit_at(self, tp: _ThreadProbe, t: int, actor: int, state: int, reason: int = 0) -> None:
        """A transition known to have happened at ``t`` (a timer's due time), not now."""
        tp.buf.append((t, actor, state, reason, _getcpu(), 0))

    def flush(self, tp: _ThreadProbe) -> None:
        """Send this thread's batch; the one place the probe lets go of the GIL."""
        q = self.queue
        tp.last_flush = _now()
        buf = tp.buf
        if q is None or (not buf and not tp.meta):
            buf.clear()
            return
        for ev in reversed(buf):  # the thread's own latest state, for the supervisor
            if ev[1] == tp.actor:
                tp.state, tp.reason = ev[2], ev[3]
                break
        states = pack(buf) if buf else b""
        meta = tp.meta or None
        tp.buf = []
        tp.meta = []
        q.put((states, meta, (tp.actor, tp.state, tp.reason)))

    # -- per-thread state --------------------------------------------------------------------

    def thread(self) -> _ThreadProbe:
        try:
            return self.local.tp  # type: ignore[no-any-return]
        except AttributeError:
            return self.adopt_current_thread()

    def adopt_current_thread(
        self, actor: int | None = None, name: str | None = None
    ) -> _ThreadProbe:
        """Give the calling thread an actor: a probe Thread's, or a new one for a stray thread."""
        cur = threading.current_thread()
        new = actor is None
        tp = _ThreadProbe(self.new_id() if actor is None else actor)
        self.local.tp = tp
        if self.queue is not None:
            self.declare(
                tp, tp.actor, Kind.THREAD, self.process_actor, name or cur.name, cur.native_id or 0
            )
            if new:
                self.start_running(tp)
        return tp


_P = _Probe()


def setup(
    queue: SimpleQueue | None,
    process_actor: int,
    chunk_iters: int,
    *,
    main_thread_name: str = "Main thread",
) -> None:
    """Start the probe in this process (called by the worker entry points, not by scenarios)."""
    import os

    _P.queue = queue
    _P.pid = os.getpid()
    _P.process_actor = process_actor
    _P.chunk_iters = chunk_iters
    tp = _P.adopt_current_thread(_P.new_id(), main_thread_name)
    if queue is not None:
        _P.start_running(tp)


def flush() -> None:
    """Send what the calling thread has buffered (the worker does this before it exits)."""
    _P.flush(_P.thread())


def current_actor() -> int:
    return _P.thread().actor


def process_actor() -> int:
    return _P.process_actor


def new_id() -> int:
    return _P.new_id()


def declare_process(actor: int, name: str, parent: int) -> None:
    """Announce a process actor (a kitchen) from the process that is about to start it."""
    tp = _P.thread()
    if _P.queue is not None:
        _P.declare(tp, actor, Kind.PROCESS, parent, name)


def mark(actor: int, state: State, reason: str | None = None, label: str | None = None) -> None:
    """Record a transition of any actor, stamped now, from the calling thread."""
    tp = _P.thread()
    if actor == tp.actor and _P.queue is not None:
        if state == State.RUNNING:
            _P.start_running(tp, _P.label(label, tp))
            return
        _P.stop_running(tp)
    _P.emit(tp, actor, int(state), _REASONS[reason] if reason else 0, _P.label(label, tp))


def rename(name: str) -> None:
    """Give the calling thread's actor its story name ("Cook A")."""
    tp = _P.thread()
    if _P.queue is not None:
        cur = threading.current_thread()
        _P.declare(tp, tp.actor, Kind.THREAD, _P.process_actor, name, cur.native_id or 0)


# -- what scenarios call --------------------------------------------------------------------


def cpu_work(ms: float, label: str | None = None) -> None:
    """Burn ``ms`` of CPU (calibrated) in pure Python, measuring running versus ready per chunk.

    The amount of *work* is fixed (chunks of calibrated iterations), so a cook who has to share
    the knife takes longer in wall time for the same dish -- which is the lesson.
    """
    chunks = max(1, round(ms / CHUNK_MS))
    iters = _P.chunk_iters or calibrate()
    P = _P
    if P.queue is None:
        for _ in range(chunks):
            burn(iters)
        return
    tp = P.thread()
    P.stop_running(tp)
    actor = tp.actor
    lab = P.label(label, tp)
    getcpu = _getcpu
    now = _now
    cpu_now = _cpu_now
    running = int(State.RUNNING)
    ready = int(State.READY)
    core = getcpu()
    w0 = now()
    c0 = cpu_now()
    tp.buf.append((w0, actor, running, 0, core, lab))
    for _ in range(chunks):
        burn(iters)
        w1 = now()
        c1 = cpu_now()
        new_core = getcpu()
        lost = (w1 - w0) - (c1 - c0)
        if lost > READY_MIN_NS:
            buf = tp.buf
            buf.append((w1 - lost, actor, ready, 0, core, lab))
            buf.append((w1, actor, running, 0, new_core, lab))
        elif new_core != core:
            tp.buf.append((w1, actor, running, 0, new_core, lab))
        core = new_core
        w0 = w1
        c0 = c1
        if w1 - tp.last_flush > FLUSH_NS or len(tp.buf) >= FLUSH_EVENTS:
            P.flush(tp)
    tp.run_wall, tp.run_cpu = w0, c0  # still running: the stretch goes on from the last chunk


def checkpoint(label: str | None = None) -> None:
    """Close the calling thread's running stretch and open the next, for work that is not
    ``cpu_work`` chunks: the stretch's wall time its CPU clock did not see shows as ready."""
    tp = _P.thread()
    if _P.queue is not None:
        _P.stop_running(tp)
        _P.start_running(tp, _P.label(label, tp))


class waiting:
    """``with probe.waiting("sleep", "microwave"):`` marks the calling thread waiting meanwhile.

    The batch is flushed as the wait begins: the thread is about to block anyway, so giving up
    the GIL there costs the picture nothing.
    """

    __slots__ = ("label", "reason", "tp")

    def __init__(self, reason: str = "io", label: str | None = None) -> None:
        self.reason = _REASONS[reason]
        self.label = label

    def __enter__(self) -> None:
        tp = self.tp = _P.thread()
        if _P.queue is not None:
            _P.stop_running(tp)
            _P.emit(tp, tp.actor, int(State.WAITING), self.reason, _P.label(self.label, tp))
            _P.flush(tp)

    def __exit__(self, *exc: object) -> None:
        if _P.queue is not None:
            _P.start_running(self.tp)


def sleep(seconds: float, label: str | None = None) -> None:
    """A real ``time.sleep`` shown as ``waiting (sleep)``."""
    with waiting("sleep", label):
        time.sleep(seconds)


def cue(en: str, ja: str = "") -> None:
    """A narration line, stamped now: what the kitchen is doing and why it matters."""
    tp = _P.thread()
    if _P.queue is not None:
        tp.meta.append(("cue", _now(), tp.actor, en, ja))


def value(name: str, number: float) -> None:
    """A measured quantity (a counter, a result) worth showing beside the lanes."""
    tp = _P.thread()
    if _P.queue is not None:
        tp.meta.append(("value", _now(), tp.actor, name, number))


def _prefixes() -> list[tuple[str, str]]:
    import os
    import sysconfig

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    paths = sysconfig.get_paths()
    pairs = [(paths["purelib"], "<site-packages>"), (paths["stdlib"], "<stdlib>"), (root, "")]
    return [(p.rstrip("/") + "/", short + "/" if short else "") for p, short in pairs]


def traceback_text() -> str:
    """The current exception's traceback with this machine's folders taken out.

    Recordings are shared and committed: a path like ``/home/someone/...`` says nothing about
    the kitchen and a lot about the machine.
    """
    text = traceback.format_exc()
    for long, short in _prefixes():
        text = text.replace(long, short)
    return text


def error(actor: int, text: str) -> None:
    tp = _P.thread()
    if _P.queue is not None:
        tp.meta.append(("error", _now(), actor, text))


# -- threads ----------------------------------------------------------------------------------


class Thread(threading.Thread):
    """A cook: a ``threading.Thread`` whose whole life (new, ready, running, done) is recorded."""

    def __init__(self, target: Callable[..., Any], name: str, args: tuple[Any, ...] = ()) -> None:
        super().__init__(name=name, daemon=True)
        self._fn = target
        self._fn_args = args
        self.actor = _P.new_id()
        tp = _P.thread()
        if _P.queue is not None:
            _P.declare(tp, self.actor, Kind.THREAD, _P.process_actor, name)
            _P.emit(tp, self.actor, int(State.NEW))

    def start(self) -> None:
        _P.emit(_P.thread(), self.actor, int(State.READY))
        super().start()

    def run(self) -> None:
        tp = _P.adopt_current_thread(self.actor, self.name)
        if _P.queue is not None:
            _P.start_running(tp)
        try:
            self._fn(*self._fn_args)
        except BaseException:
            error(tp.actor, traceback_text())
            _P.stop_running(tp)
            _P.emit(tp, tp.actor, int(State.FAILED))
            raise
        else:
            _P.stop_running(tp)
            _P.emit(tp, tp.actor, int(State.DONE))
        finally:
            _P.flush(tp)

    def join(self, timeout: float | None = None) -> None:
        with waiting("join", self.name):
            super().join(timeout)


# -- asyncio ----------------------------------------------------------------------------------


class _TracedCoro(Coroutine[Any, Any, Any]):
    """Wraps a task's coroutine so each step between two suspensions is a ``running`` span.

    When the step awaited a timer (``asyncio.sleep``) whose due time passed while the loop was busy
    elsewhere, the time from the due time to the step's start is ``ready``: the dish was done but
    the cook was busy.
    """

    __slots__ = ("_coro", "_creator", "_declared", "_due", "_thread", "actor")

    def __init__(self, coro: Coroutine[Any, Any, Any], actor: int, creator: str = "") -> None:
        self._coro = coro
        self._creator = creator
        """The name of the task that created this one (a library's inner task is its)."""
        self.actor = actor
        self._declared = False
        self._due = 0
        self._thread: int = 0

    def _before(self) -> _ThreadProbe:
        tp = _P.thread()
        if not self._declared:
            self._declared = True
            import asyncio

            task = asyncio.current_task()
            name = task.get_name() if task is not None else "task"
            if _DEFAULT_NAME.fullmatch(name):  # "Task-18" says nothing: say what it runs
                what = getattr(self._coro, "__qualname__", "task").split(".")[-1]
                if what.startswith("_"):  # a library's own, such as asyncio's accept loop
                    what = f"asyncio {what.lstrip('_')}"
                name = f"{self._creator} › {what}" if self._creator else what
            _P.declare(tp, self.actor, Kind.TASK, tp.actor, name)
        due = self._due
        if due:
            self._due = 0
            t = _now()
            if t - due > READY_MIN_NS:
                _P.emit_at(tp, due, self.actor, int(State.READY))
        _P.emit(tp, self.actor, int(State.RUNNING))
        return tp

    def _after(self, tp: _ThreadProbe, yielded: Any) -> None:
        if yielded is None:  # a bare yield (sleep(0)): straight back in the ready queue
            _P.emit(tp, self.actor, int(State.READY))
            return
        due = _timer_due.pop(id(yielded), None)
        if due is not None:
            self._due = due
            _P.emit(tp, self.actor, int(State.WAITING), int(Reason.SLEEP))
        else:
            _P.emit(tp, self.actor, int(State.WAITING), int(Reason.IO))

    def _step(self, fn: Callable[..., Any], *args: Any) -> Any:
        tp = self._before()
        try:
            yielded = fn(*args)
        except StopIteration:
            _P.emit(tp, self.actor, int(State.DONE))
            raise
        except BaseException as exc:
            if type(exc).__name__ == "CancelledError":
                _P.emit(tp, self.actor, int(State.DONE), label=_P.label("cancelled", tp))
                raise
            error(self.actor, traceback_text())
            _P.emit(tp, self.actor, int(State.FAILED))
            raise
        self._after(tp, yielded)
        return yielded

    def send(self, value: Any) -> Any:
        return self._step(self._coro.send, value)

    def throw(self, *args: Any) -> Any:  # type: ignore[override]
        return self._step(self._coro.throw, *args)

    def close(self) -> None:
        self._coro.close()

    def __await__(self) -> Generator[Any, None, Any]:
        return self._coro.__await__()


_DEFAULT_NAME = re.compile(r"Task-\d+")
"""asyncio's own name for a task nobody named."""

_timer_due: dict[int, int] = {}
"""id(future) -> monotonic ns at which the timer that completes it is due."""


def _task_factory(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
    import asyncio

    actor = _P.new_id()
    tp = _P.thread()
    _P.emit(tp, actor, int(State.READY))
    creator = asyncio.current_task(loop)
    name = creator.get_name() if creator is not None else ""
    if _DEFAULT_NAME.fullmatch(name):
        name = ""
    return asyncio.Task(_TracedCoro(coro, actor, name), loop=loop, **kwargs)


def _instrument_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Teach one loop to report its thread's idle waits and its timers' due times."""
    from asyncio import futures

    set_result = futures._set_result_unless_cancelled  # type: ignore[attr-defined]
    call_at = loop.call_at

    def traced_call_at(when: float, callback: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        if callback is set_result and args:
            _timer_due[id(args[0])] = int(when * 1e9)
        return call_at(when, callback, *args, **kw)

    loop.call_at = traced_call_at  # type: ignore[method-assign,assignment]
    loop.set_task_factory(_task_factory)  # type: ignore[arg-type]
    selector = getattr(loop, "_selector", None)
    if selector is None:
        return
    select = selector.select
    idle = int(State.WAITING)
    io = int(Reason.IO)

    def traced_select(timeout: float | None = None) -> Any:
        if timeout is not None and timeout <= 0:
            return select(timeout)
        tp = _P.thread()
        _P.stop_running(tp)
        _P.emit(tp, tp.actor, idle, io, _P.label("event loop idle", tp))
        _P.flush(tp)
        events = select(timeout)
        _P.start_running(tp)
        return events

    selector.select = traced_select


def rename_task(name: str) -> None:
    """Give the running asyncio task's lane a story name (tasks a library started for us)."""
    import asyncio

    task = asyncio.current_task()
    coro = task.get_coro() if task is not None else None
    if isinstance(coro, _TracedCoro) and _P.queue is not None:
        tp = _P.thread()
        _P.declare(tp, coro.actor, Kind.TASK, tp.actor, name)


def event_loop() -> asyncio.AbstractEventLoop:
    """A new event loop whose tasks, timers and idle waits are recorded."""
    import asyncio

    loop = asyncio.new_event_loop()
    if _P.queue is not None:
        _instrument_loop(loop)
    return loop


def close_loop(loop: asyncio.AbstractEventLoop) -> None:
    loop.set_task_factory(None)  # the loop's own clean-up tasks are not the scenario's
    try:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
    finally:
        loop.close()


def run_async(main: Coroutine[Any, Any, T], name: str = "main") -> T:
    """``asyncio.run`` with every task traced; the loop's clock is ``time.monotonic`` like ours."""
    loop = event_loop()
    try:
        task = loop.create_task(main, name=name)
        return loop.run_until_complete(task)
    finally:
        close_loop(loop)


# -- shared utensils --------------------------------------------------------------------------


class Lock:
    """``threading.Lock`` for a named utensil ("the sink"): who holds it and who waits for it.

    Taking it sends ``("lock", t, actor, name, True)``; giving it back ``(..., False)``; a cook
    who has to wait first sends ``("wants", t, actor, name)`` and shows ``waiting (lock)``
    labelled with the utensil. The supervisor builds who-waits-for-whom from these to call a
    deadlock a deadlock, and recordings keep the holds.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._lock = threading.Lock()

    def _note(self, held: bool) -> None:
        tp = _P.thread()
        if _P.queue is not None:
            tp.meta.append(("lock", _now(), tp.actor, self.name, held))

    def acquire(self) -> None:
        if not self._lock.acquire(blocking=False):
            tp = _P.thread()
            if _P.queue is not None:
                tp.meta.append(("wants", _now(), tp.actor, self.name))
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
