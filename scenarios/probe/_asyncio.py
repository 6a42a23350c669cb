"""asyncio, instrumented: each task a lane, each step between suspensions ``running``.

A task's coroutine is wrapped so its steps are marked from the loop's own thread; the due time
of the sleep timer a step armed is read off the loop's heap (:func:`armed`), so a task due while
the loop was busy elsewhere shows ``ready`` from then; the selector's idle wait is the loop's
thread ``waiting (io)``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Coroutine, Generator
from typing import TYPE_CHECKING, Any, TypeVar

from scenarios.probe._buffer import P, ThreadBuffer
from scenarios.probe._clock import READY_MIN_NS, now
from scenarios.probe._marks import error
from scenarios.probe._scrub import traceback_text
from scenarios.wire import Kind, Reason, State

if TYPE_CHECKING:
    import asyncio

T = TypeVar("T")


class _TracedCoro(Coroutine[Any, Any, Any]):
    """Wraps a task's coroutine so each step between two suspensions is a ``running`` span.

    When the step awaited a timer (``asyncio.sleep``) whose due time passed while the loop was busy
    elsewhere, the time from the due time to the step's start is ``ready``: the dish was done but
    the cook was busy.
    """

    __slots__ = ("_coro", "_creator", "_declared", "_due", "_thread", "actor", "awaits")

    def __init__(self, coro: Coroutine[Any, Any, Any], actor: int, creator: str = "") -> None:
        self._coro = coro
        self._creator = creator
        """The name of the task that created this one (a library's inner task is its)."""
        self.actor = actor
        self._declared = False
        self._due = 0
        self._thread: int = 0
        self.awaits = 0
        """The reason of the task's next wait, if the scenario said (:func:`awaiting`)."""

    def _before(self) -> ThreadBuffer:
        tp = P.thread()
        if not self._declared:
            self._declared = True
            task = _aio.current_task()
            name = task.get_name() if task is not None else "task"
            if _is_default(name):  # "Task-18" says nothing: say what it runs
                key = (getattr(self._coro, "cr_code", None), self._creator)
                name = _story_names.get(key) or self._story_name(key)
            P.declare(tp, self.actor, Kind.TASK, tp.actor, name, now=False)
        due = self._due
        if due:
            self._due = 0
            t = now()
            if t - due > READY_MIN_NS:
                P.emit_at(tp, due, self.actor, READY, LOOP)
        P.emit(tp, self.actor, int(State.RUNNING))
        return tp

    def _story_name(self, key: tuple[Any, str]) -> str:
        """What a task nobody named runs, once per coroutine and creator (10,000 tasks of one
        coroutine are named once)."""
        what = getattr(self._coro, "__qualname__", "task").split(".")[-1]
        code = key[0]
        own = code is not None and f"{os.sep}asyncio{os.sep}" in code.co_filename
        if what.startswith("_") or own:  # asyncio's own: its accept loop, its clean-up
            what = f"asyncio {what.lstrip('_')}"
        name = f"{self._creator} › {what}" if self._creator else what
        if len(_story_names) < 10_000:
            _story_names[key] = name
        return name

    def _after(self, tp: ThreadBuffer, yielded: Any, timers: Any, before: int) -> None:
        if yielded is None:  # a bare yield (sleep(0)): straight back in the ready queue
            P.emit(tp, self.actor, READY, LOOP)
            return
        due = armed(timers, before, yielded, _aio.set_result)
        if due:
            self._due = due
            P.emit(tp, self.actor, int(State.WAITING), int(Reason.SLEEP))
        else:
            P.emit(tp, self.actor, int(State.WAITING), self.awaits or int(Reason.IO))

    def _step(self, fn: Callable[..., Any], *args: Any) -> Any:
        tp = self._before()
        timers = getattr(_aio.get_running_loop(), "_scheduled", ())
        before = len(timers)
        try:
            yielded = fn(*args)
        except StopIteration:
            P.emit(tp, self.actor, int(State.DONE))
            raise
        except BaseException as exc:
            if type(exc).__name__ == "CancelledError":
                P.emit(tp, self.actor, int(State.DONE), label=P.label("cancelled", tp))
                raise
            error(self.actor, traceback_text())
            P.emit(tp, self.actor, int(State.FAILED))
            raise
        self._after(tp, yielded, timers, before)
        return yielded

    def send(self, value: Any) -> Any:
        return self._step(self._coro.send, value)

    def throw(self, *args: Any) -> Any:  # type: ignore[override]
        return self._step(self._coro.throw, *args)

    def close(self) -> None:
        self._coro.close()

    def __await__(self) -> Generator[Any, None, Any]:
        return self._coro.__await__()


def _is_default(name: str) -> bool:
    """asyncio's own name for a task nobody named ("Task-18")."""
    return name.startswith("Task-") and name[5:].isdigit()


_story_names: dict[tuple[Any, str], str] = {}


class _Asyncio:
    """asyncio's functions the hot path calls, bound once the first loop is instrumented:
    a statement ``import asyncio`` in every task step costs a module lookup each time."""

    current_task: Callable[..., Any]
    get_running_loop: Callable[..., Any]
    set_result: Callable[..., Any]
    Task: Callable[..., Any]


_aio = _Asyncio()


def armed(timers: Any, before: int, waiter: Any, set_result: Callable[..., Any]) -> int:
    """When the sleep timer that completes ``waiter`` is due (ns), if the step that just ran
    armed it (the loop's timer heap, ``timers``, held ``before`` timers then); else 0.

    ``asyncio.sleep`` arms ``set_result(future)`` on the loop's heap, and ``heappush`` appends
    and sifts up, so the timer a step pushed last lies on the path from the heap's last slot to
    its root: a few slots, not the heap, and no wrapped ``call_at`` that every timer of the
    program would pay for (a step that arms two timers may read as waiting on I/O)."""
    if len(timers) <= before:
        return 0
    i = len(timers) - 1
    while i >= 0:
        h = timers[i]
        if h._callback is set_result and h._args[0] is waiter:
            return int(h._when * 1e9)
        i = (i - 1) >> 1
    return 0


def _task_factory(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
    actor = P.new_id()
    tp = P.thread()
    P.emit(tp, actor, NEW)  # made, then at once in the loop's queue: as a thread's start()
    P.emit(tp, actor, READY, LOOP)
    creator = _aio.current_task(loop)
    name = creator.get_name() if creator is not None else ""
    if _is_default(name):
        name = ""
    return _aio.Task(_TracedCoro(coro, actor, name), loop=loop, **kwargs)  # type: ignore[no-any-return]


NEW = int(State.NEW)
READY = int(State.READY)
LOOP = int(Reason.LOOP)
"""A task's every ready is its loop's: due, queued, and the loop runs someone else."""


def _instrument_loop(
    loop: asyncio.AbstractEventLoop,
    factory: bool = True,
    on_idle: Callable[[ThreadBuffer], None] | None = None,
) -> None:
    """Teach one loop to report its thread's idle waits and (with ``factory``) its tasks'
    steps through a wrapped coroutine each. ``on_idle`` runs as the loop goes idle, before
    the flush: work nobody is waiting for."""
    import asyncio
    from asyncio import futures

    _aio.current_task, _aio.Task = asyncio.current_task, asyncio.Task
    _aio.get_running_loop = asyncio.get_running_loop
    _aio.set_result = futures._set_result_unless_cancelled  # type: ignore[attr-defined]
    if factory:
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
        t0 = now()
        tp = P.thread()
        if on_idle is not None:
            on_idle(tp)
        P.stop_running(tp)
        P.emit(tp, tp.actor, idle, io, P.label("event loop idle", tp))
        P.flush(tp)
        if timeout is not None:  # the flush's time comes off the wait: no timer falls due late
            timeout = max(0.0, timeout - (now() - t0) / 1e9)
        events = select(timeout)
        P.start_running(tp)
        return events

    selector.select = traced_select


def rename_task(name: str) -> None:
    """Give the running asyncio task's lane a story name (tasks a library started for us)."""
    import asyncio

    task = asyncio.current_task()
    coro = task.get_coro() if task is not None else None
    if isinstance(coro, _TracedCoro) and P.queue is not None:
        tp = P.thread()
        P.declare(tp, coro.actor, Kind.TASK, tp.actor, name)


class awaiting:
    """``with probe.awaiting("queue"): await q.put(x)``: the running task's waits meanwhile
    are for that (a queue, a lock), not the I/O every other awaited future is taken for."""

    __slots__ = ("coro", "reason")

    def __init__(self, reason: str) -> None:
        import asyncio

        self.reason = int(Reason[reason.upper()])
        task = asyncio.current_task()
        coro = task.get_coro() if task is not None else None
        self.coro = coro if isinstance(coro, _TracedCoro) else None

    def __enter__(self) -> None:
        if self.coro is not None:
            self.coro.awaits = self.reason

    def __exit__(self, *exc: object) -> None:
        if self.coro is not None:
            self.coro.awaits = 0


def event_loop() -> asyncio.AbstractEventLoop:
    """A new event loop whose tasks, timers and idle waits are recorded."""
    import asyncio

    loop = asyncio.new_event_loop()
    if P.queue is not None:
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
