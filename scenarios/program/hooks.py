"""What a traced program's own Python processes announce, installed before its first line.

Only what the program alone can know exactly is announced: a thread's start, name and end; a
wait made through Python's own blocking calls (``time.sleep``, a ``threading`` lock, event or
condition, a ``queue``, a join) with the object's name where the program named it; an asyncio
task's steps; an exception with its traceback; a child's exit status as its parent reaps it.

The rules are the kitchen probe's (``scenarios.probe``): events go into the emitting thread's
own buffer and that thread flushes them, as a wait begins or when the buffer is full; no helper
thread; nothing on a hot path that releases the GIL (an uncontended lock is taken without a
word; only a wait that will block says so). Whether a thread that is *not* in an announced
wait has a core and the GIL is sampled from outside, on Cookline's side: nothing here reads
/proc.
"""

from __future__ import annotations

import _thread
import atexit
import functools
import itertools
import os
import sys
import threading
import time
import traceback
import weakref
from collections.abc import Callable
from types import FrameType, ModuleType
from typing import Any

from scenarios.probe import _asyncio
from scenarios.probe._buffer import FLUSH_VALUES, P, ThreadBuffer
from scenarios.probe._clock import READY_MIN_NS, now
from scenarios.probe._scrub import scrub
from scenarios.program import ENV_TOP
from scenarios.program.sender import Sender
from scenarios.wire import (
    ActorDeclared,
    Error,
    Kind,
    LockHeld,
    LockWanted,
    Reason,
    State,
    kitchen_of,
)

READY, RUNNING, WAITING = int(State.READY), int(State.RUNNING), int(State.WAITING)
DONE, FAILED = int(State.DONE), int(State.FAILED)
SLEEP, LOCK, JOIN, QUEUE = int(Reason.SLEEP), int(Reason.LOCK), int(Reason.JOIN), int(Reason.QUEUE)
IO, LOOP = int(Reason.IO), int(Reason.LOOP)
TASK = int(Kind.TASK)

SHORTEST_SLEEP = 0.001
"""``time.sleep`` shorter than this (``sleep(0)``: "let another thread run") is not announced:
a send per yield would cost more than the yield."""


# -- announcing a wait ---------------------------------------------------------------------


def _begin(reason: int, label: str | None, held_by: int = 0) -> ThreadBuffer | None:
    """The calling thread is about to block: say so, and send, before it does. A lock's wait
    also says who holds it (``held_by``, a thread's ident), for the watchdog's cycles."""
    if P.queue is None:
        return None
    tp = P.thread()
    if tp.waits:
        return None  # inside an announced wait already (a queue's get waits on a condition)
    tp.waits = 1
    if held_by and label:
        t = now()
        holder = _actor_of.get(held_by)
        if holder is not None:
            tp.meta.append(LockHeld(t, holder, label, True))
        tp.meta.append(LockWanted(t, tp.actor, label))
    if tp.tasks:  # a loop thread about to block (a blocking call in a coroutine)
        _declare_tasks(tp)
    P.emit(tp, tp.actor, WAITING, reason, P.label(label, tp))
    P.flush(tp)
    return tp


def _end(tp: ThreadBuffer | None) -> None:
    """The wait is over: noted, not sent (the next wait or the thread's end sends it, and the
    sampler has seen the thread run by then)."""
    if tp is None:
        return
    tp.waits = 0
    buf = tp.buf
    buf += (now(), tp.actor, RUNNING, 0, tp.cpu[0], 0)
    if len(buf) >= FLUSH_VALUES:
        P.flush(tp)


def _name_in(obj: object, frame: FrameType | None) -> str:
    """The name the program gave ``obj`` where it waits on it: a local, a global, or an
    attribute of ``self`` ("self.lock"); "" when it has none. Only ever on a wait."""
    if frame is None:
        return ""
    for scope in (frame.f_locals, frame.f_globals):
        for k, v in scope.items():
            if v is obj:
                return k
    owner = frame.f_locals.get("self")
    for k, v in getattr(owner, "__dict__", {}).items():
        if v is obj:
            return f"self.{k}"
    return ""


_names: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()
"""Queues, events and conditions -> the names found at their first wait (nothing is put on
the program's own objects)."""


def _called(obj: Any, frame: FrameType | None, default: str) -> str:
    """``obj``'s name, searched for at its first wait and kept: a consumer blocking on its
    queue a thousand times must not search its caller's names a thousand times."""
    try:
        name = _names.get(obj)
    except TypeError:  # not weakly referable: searched each time
        return _name_in(obj, frame) or default
    if name is None:
        name = _names[obj] = _name_in(obj, frame) or default
    return name


# -- threading -----------------------------------------------------------------------------

_allocate = _thread.allocate_lock
_ident = _thread.get_ident
_actor_of: dict[int, int] = {}
"""A thread's ident -> its lane's actor: who holds a lock another waits for."""


class Lock:
    """``threading.Lock`` as the program makes it from now on: a C lock inside; an acquire that
    will block is announced as ``waiting (lock)`` with the lock's name."""

    __slots__ = ("__weakref__", "_lock", "_name", "_owner")

    def __init__(self) -> None:
        self._lock = _allocate()
        self._name: str | None = None
        self._owner = 0
        """The ident of the thread that took it last: while it is held, its holder."""

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        lock = self._lock
        if lock.acquire(False):
            self._owner = _ident()
            return True
        if not blocking:
            return False
        if self._name is None:
            self._name = _name_in(self, sys._getframe(1)) or f"a lock at {id(self):#x}"
        tp = _begin(LOCK, self._name, self._owner)
        got = False
        try:
            got = lock.acquire(True, timeout)
            return got
        finally:
            if got:
                self._owner = _ident()
                if tp is not None:
                    tp.meta.append(LockHeld(now(), tp.actor, self._name, True))
            _end(tp)

    __enter__ = acquire

    def __exit__(self, *exc: object) -> None:
        self._lock.release()

    def release(self) -> None:
        self._lock.release()

    def locked(self) -> bool:
        return self._lock.locked()

    def _at_fork_reinit(self) -> None:
        self._lock._at_fork_reinit()  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        return f"<{'locked' if self.locked() else 'unlocked'} Cookline-traced lock>"


def _announcing(
    fn: Callable[..., Any], reason: int, label: Callable[[Any, FrameType | None], str | None]
) -> Callable[..., Any]:
    """``fn(self, …)``, announced as a wait labelled ``label(self, caller)``; a label of
    None says the call will not block."""

    @functools.wraps(fn)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        text = label(self, sys._getframe(1))
        tp = _begin(reason, text) if text is not None else None
        try:
            return fn(self, *args, **kwargs)
        finally:
            _end(tp)

    return wrapper


def _joining(join: Callable[..., None]) -> Callable[..., None]:
    """A thread's or a process's ``join``, announced as ``waiting (join)`` on its name."""

    @functools.wraps(join)
    def traced_join(self: Any, timeout: float | None = None) -> None:
        tp = _begin(JOIN, self.name) if self.is_alive() else None
        try:
            join(self, timeout)
        finally:
            _end(tp)

    return traced_join


def _patch_threading() -> None:
    thread = threading.Thread
    bootstrap_inner = thread._bootstrap_inner  # type: ignore[attr-defined]

    def traced_bootstrap(self: threading.Thread) -> None:
        if P.queue is None:
            return bootstrap_inner(self)  # type: ignore[no-any-return]
        tp = ThreadBuffer(P.new_id())
        P.local.tp = tp
        _actor_of[_ident()] = tp.actor
        P.declare(tp, tp.actor, Kind.THREAD, P.process_actor, self.name, threading.get_native_id())
        tp.buf += (now(), tp.actor, RUNNING, 0, tp.cpu[0], 0)
        try:
            bootstrap_inner(self)
        finally:
            _declare_tasks(tp)
            if tp.waits >= 0:
                P.emit(tp, tp.actor, DONE)
            P.flush(tp)

    excepthook = threading.excepthook

    def traced_excepthook(args: Any) -> None:
        """A thread's uncaught exception: its lane fails with the traceback (the program's
        own printed traceback stays as it was: no frame of Cookline's in it)."""
        tp = getattr(P.local, "tp", None)
        if tp is not None and P.queue is not None and tp.waits >= 0:
            _failed(tp, args.exc_type, args.exc_value, args.exc_traceback)
        excepthook(args)

    threading.excepthook = traced_excepthook
    thread._bootstrap_inner = traced_bootstrap  # type: ignore[attr-defined]
    thread.join = _joining(thread.join)  # type: ignore[method-assign]
    threading.Lock = Lock  # type: ignore[misc,assignment]
    threading.Event.wait = _announcing(  # type: ignore[method-assign]
        threading.Event.wait,
        LOCK,
        lambda ev, frame: None if ev.is_set() else _called(ev, frame, "an event"),
    )
    threading.Condition.wait = _announcing(  # type: ignore[method-assign]
        threading.Condition.wait,
        LOCK,
        lambda cond, frame: _called(cond, frame, "a condition"),
    )
    shutdown = threading._shutdown  # type: ignore[attr-defined]

    def traced_shutdown() -> None:
        tp = _begin(JOIN, "threads still running") if threading.active_count() > 1 else None
        try:
            shutdown()
        finally:
            _end(tp)

    threading._shutdown = traced_shutdown  # type: ignore[attr-defined]


def _patch_queue() -> None:
    import queue

    get, put = queue.Queue.get, queue.Queue.put

    def traced_get(self: queue.Queue[Any], block: bool = True, timeout: float | None = None) -> Any:
        if not block or self._qsize():  # type: ignore[attr-defined]
            return get(self, block, timeout)
        tp = _begin(QUEUE, _called(self, sys._getframe(1), "a queue"))
        try:
            return get(self, block, timeout)
        finally:
            _end(tp)

    def traced_put(
        self: queue.Queue[Any], item: Any, block: bool = True, timeout: float | None = None
    ) -> None:
        if not block or not 0 < self.maxsize <= self._qsize():  # type: ignore[attr-defined]
            return put(self, item, block, timeout)
        tp = _begin(QUEUE, _called(self, sys._getframe(1), "a queue"))
        try:
            return put(self, item, block, timeout)
        finally:
            _end(tp)

    queue.Queue.get = traced_get  # type: ignore[method-assign]
    queue.Queue.put = traced_put  # type: ignore[method-assign]

    class SimpleQueue(queue.SimpleQueue):  # type: ignore[type-arg]
        """``queue.SimpleQueue`` (a thread pool's work queue): a get that will block says so."""

        def get(self, block: bool = True, timeout: float | None = None) -> Any:
            if not block or not self.empty():
                return super().get(block, timeout)
            tp = _begin(QUEUE, _called(self, sys._getframe(1), "a queue"))
            try:
                return super().get(block, timeout)
            finally:
                _end(tp)

    queue.SimpleQueue = SimpleQueue  # type: ignore[misc]


def _patch_time() -> None:
    sleep = time.sleep

    @functools.wraps(sleep)
    def traced_sleep(seconds: float) -> None:
        tp = _begin(SLEEP, None) if seconds >= SHORTEST_SLEEP else None
        try:
            sleep(seconds)
        finally:
            _end(tp)

    time.sleep = traced_sleep  # type: ignore[assignment]


# -- processes -----------------------------------------------------------------------------

_ended = False


def _failed(tp: ThreadBuffer, kind: Any, exc: Any, tb: Any) -> None:
    """``tp``'s thread fails with ``exc``: its lane ends ``failed``, its traceback sent."""
    text = scrub("".join(traceback.format_exception(kind, exc, tb)))
    tp.meta.append(Error(now(), tp.actor, text))
    P.emit(tp, tp.actor, FAILED)
    tp.waits = -1
    P.flush(tp)


def _finish(code: int | None) -> None:
    """The process ends (its main code returned, raised, or exited): its last words."""
    global _ended
    if _ended or P.queue is None:
        return
    _ended = True
    tp = P.thread()
    _declare_tasks(tp)
    if tp.waits >= 0:
        P.emit(tp, tp.actor, DONE if not code else FAILED)
    if code:
        tp.meta.append(Error(now(), P.process_actor, f"exit code {code}"))
    P.emit(tp, P.process_actor, DONE if not code else FAILED)
    P.flush(tp)


def _child_ended(pid: int, code: int | None) -> None:
    """A child this process started was reaped: how it ended, if not well."""
    if not code or P.queue is None:
        return
    tp = P.thread()
    why = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
    tp.meta.append(Error(now(), kitchen_of(pid), f"ended: {why}"))
    P.emit(tp, kitchen_of(pid), FAILED)
    P.flush(tp)  # rare, and said at once: the parent may be the next to go


def _start_process(name: str, thread_name: str) -> None:
    """This process's kitchen and its current thread's cook (at boot, or in a forked child)."""
    P.pid = os.getpid()
    P._ids = itertools.count(1)
    P._strings = {}
    P.process_actor = kitchen_of(P.pid)
    P.local = threading.local()
    top = os.environ.get(ENV_TOP, "")
    parent = 0 if str(os.getppid()) == top else kitchen_of(os.getppid())
    tp = ThreadBuffer(P.new_id())
    P.local.tp = tp
    _actor_of.clear()
    _actor_of[_ident()] = tp.actor
    P.declare(tp, P.process_actor, Kind.PROCESS, parent, name, now=False)
    P.emit(tp, P.process_actor, RUNNING)
    P.declare(tp, tp.actor, Kind.THREAD, P.process_actor, thread_name, threading.get_native_id())
    P.emit(tp, tp.actor, RUNNING)


def _patch_multiprocessing() -> None:
    from multiprocessing import process

    bootstrap = process.BaseProcess._bootstrap  # type: ignore[attr-defined]
    join = process.BaseProcess.join

    def traced_bootstrap(self: process.BaseProcess, *args: Any, **kwargs: Any) -> int:
        if P.queue is not None:
            tp = P.thread()
            P.declare(
                tp, P.process_actor, Kind.PROCESS, kitchen_of(os.getppid()), self.name, now=False
            )
            run = self.run

            def traced_run() -> None:
                try:
                    run()
                except BaseException as exc:
                    if not isinstance(exc, SystemExit):
                        tb = exc.__traceback__  # from the program's run, not this wrapper
                        _failed(P.thread(), type(exc), exc, tb.tb_next if tb else None)
                    raise

            self.run = traced_run  # type: ignore[method-assign]
        code: int = bootstrap(self, *args, **kwargs)
        _finish(code)
        return code

    process.BaseProcess._bootstrap = traced_bootstrap  # type: ignore[attr-defined]
    process.BaseProcess.join = _joining(join)  # type: ignore[method-assign]
    from multiprocessing import popen_fork

    poll = popen_fork.Popen.poll

    def traced_poll(self: Any, flag: int = os.WNOHANG) -> int | None:
        was = self.returncode
        code: int | None = poll(self, flag)
        if was is None and code is not None:
            _child_ended(self.pid, code)
        return code

    popen_fork.Popen.poll = traced_poll  # type: ignore[method-assign]


def _patch_subprocess(subprocess: ModuleType) -> None:
    handle = subprocess.Popen._handle_exitstatus

    def traced_handle(self: Any, *args: Any, **kwargs: Any) -> None:
        handle(self, *args, **kwargs)
        _child_ended(self.pid, self.returncode)

    subprocess.Popen._handle_exitstatus = traced_handle


def _patch_asyncio(asyncio: ModuleType) -> None:
    """Every selector loop made from now on (``asyncio.run``, ``new_event_loop``, a runner)
    reports its idle waits as the kitchen's loops do, and every task's steps.

    A step is timed where the loop runs it (``Handle._run`` of a task's step), not through a
    wrapped coroutine as in the kitchen: measured on 10,000 short tasks, the wrapper's frames
    cost ~7 µs a task (1.12-1.14x the program's time), the loop-side hook ~3 µs (1.04x). A
    sleep's due time is read off the timer the step armed (:func:`_asyncio.armed`), as in
    the kitchen's loops."""
    loops = asyncio.selector_events.BaseSelectorEventLoop
    init = loops.__init__

    def traced_init(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        if P.queue is not None:
            _asyncio._instrument_loop(self, factory=False, on_idle=_declare_tasks)

    loops.__init__ = traced_init
    handle = asyncio.events.Handle
    run = handle._run
    task_type = asyncio.Task
    set_result = asyncio.futures._set_result_unless_cancelled
    armed = _asyncio.armed

    def traced_run(self: Any) -> None:
        task = getattr(self._callback, "__self__", None)
        if not isinstance(task, task_type) or P.queue is None:
            return run(self)  # type: ignore[no-any-return]
        tp = P.thread()
        cpu = tp.cpu
        actor = getattr(task, "_cookline", 0)
        if actor:
            due = getattr(task, "_cookline_due", 0)
        else:
            due = 0
            actor = task._cookline = P.new_id()
            if not tp.tasks:
                tp.named_at = now()
            tp.tasks += (actor, task)
        t = now()
        if due and t - due > READY_MIN_NS:  # its timer fell due while the loop was busy
            tp.buf += (due, actor, READY, LOOP, cpu[0], 0, t, actor, RUNNING, 0, cpu[0], 0)
        else:
            tp.buf += (t, actor, RUNNING, 0, cpu[0], 0)
        timers = getattr(self._loop, "_scheduled", ())
        before = len(timers)
        run(self)
        buf = tp.buf  # read again: the step may have flushed (and replaced) it
        if task.done():
            _task_ended(tp, task, actor)
        else:
            waiter = task._fut_waiter
            if waiter is None:  # a bare yield (sleep(0)): straight back in the ready queue
                due = 0
                buf += (now(), actor, READY, LOOP, cpu[0], 0)
            else:
                due = armed(timers, before, waiter, set_result)
                buf += (now(), actor, WAITING, SLEEP if due else IO, cpu[0], 0)
            task._cookline_due = due
        if t > tp.flush_by or len(tp.buf) >= FLUSH_VALUES:
            if tp.tasks and (
                len(tp.tasks) >= 2 * MOST_UNDECLARED or now() - tp.named_at > NAMED_WITHIN_NS
            ):
                _declare_tasks(tp)
            P.flush(tp)
        return None

    handle._run = traced_run


MOST_UNDECLARED = 16384
"""Tasks a loop that never idles may run before it declares them (at its next full buffer).

Naming a task costs about as much as timing its step, so a burst of first steps (``gather``
of 10,000 coroutines) that named its tasks as it went ran that much longer; with room for
16,384 it names them at the loop's next idle instead, where it delays no step (the first
steps' figure of ``python -m benchmarks trace``). The cap bounds the longest pause a loop
that never idles takes to name its tasks."""
NAMED_WITHIN_NS = 250_000_000
"""Nor does it leave a task unnamed for longer than this (past its next full buffer)."""


def _declare_tasks(tp: ThreadBuffer) -> None:
    """Name the tasks ``tp``'s loop has run since it last idled. Their events may already have
    gone: the store makes an actor on first sight and names it when its declaration comes."""
    tasks = tp.tasks
    for i in range(0, len(tasks), 2):
        tp.meta.append(ActorDeclared(tasks[i], TASK, tp.actor, _task_name(tasks[i + 1]), P.pid, 0))
    tasks.clear()


_task_names: dict[Any, str] = {}
"""A coroutine's code -> the name of a task nobody named that runs it (worked out once)."""


def _task_name(task: Any) -> str:
    """Its own name, or what it runs when nobody named it ("Task-18" says nothing)."""
    name: str = task.get_name()
    if not (name.startswith("Task-") and name[5:].isdigit()):
        return name
    coro = task.get_coro()
    code = getattr(coro, "cr_code", None)
    known = _task_names.get(code)
    if known is not None:
        return known
    what = getattr(coro, "__qualname__", "task").split(".")[-1]
    own = code is not None and f"{os.sep}asyncio{os.sep}" in code.co_filename
    if what.startswith("_") or own:  # asyncio's own: its accept loop, its clean-up
        what = f"asyncio {what.lstrip('_')}"
    if len(_task_names) < 10_000:
        _task_names[code] = what
    return what


def _task_ended(tp: ThreadBuffer, task: Any, actor: int) -> None:
    """A task's last step: done, cancelled, or failed with its traceback (read without marking
    the exception retrieved, so asyncio still says so if the program never looks)."""
    if task.cancelled():
        P.emit(tp, actor, DONE, label=P.label("cancelled", tp))
        return
    exc = task._exception
    if exc is None:
        tp.buf += (now(), actor, DONE, 0, tp.cpu[0], 0)
        return
    text = scrub("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    tp.meta.append(Error(now(), actor, text))
    P.emit(tp, actor, FAILED)


class _AfterImport:
    """A meta-path finder that patches a module right after its first import, so a program
    that never imports asyncio never pays for it."""

    def __init__(self, patches: dict[str, Callable[[ModuleType], None]]) -> None:
        self.patches = patches

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        patch = self.patches.pop(name, None)
        if patch is None:
            return None
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return None
        exec_module = spec.loader.exec_module

        def exec_and_patch(module: ModuleType) -> None:
            exec_module(module)
            patch(module)

        spec.loader.exec_module = exec_and_patch  # type: ignore[method-assign]
        return spec


# -- the whole of it -----------------------------------------------------------------------


def _name() -> str:
    """This process's kitchen name: its script's file name, or "python -m module".

    At start-up ``sys.argv`` has lost the module's name (``-m http.server 0`` reads
    ``['-m', '0']``), so the name comes from the command line the kernel kept (once, at
    boot: never on a hot path)."""
    argv = sys.argv
    if argv and argv[0] not in ("", "-c", "-m"):
        return os.path.basename(argv[0])
    try:
        with open("/proc/self/cmdline", "rb") as f:
            words = [w.decode(errors="replace") for w in f.read().split(b"\0") if w]
    except OSError:
        words = []
    for k, word in enumerate(words[1:], 1):
        if word in ("-m", "-c"):
            what = words[k + 1] if word == "-m" and k + 1 < len(words) else ""
            return f"python {word} {what}".rstrip()
    return "python"


def install(socket_path: str) -> None:
    """Trace this process from here on (the boot file's one call)."""
    P.queue = Sender(socket_path)  # type: ignore[assignment]
    P.infer_ready = False
    _start_process(_name(), "MainThread")
    P.flush(P.thread())
    _patch_threading()
    _patch_queue()
    _patch_time()
    _patch_multiprocessing()
    later: dict[str, Callable[[ModuleType], None]] = {}
    for name, patch in (("subprocess", _patch_subprocess), ("asyncio", _patch_asyncio)):
        module = sys.modules.get(name)
        if module is None:
            later[name] = patch
        else:
            patch(module)
    sys.meta_path.insert(0, _AfterImport(later))
    excepthook = sys.excepthook

    def traced_excepthook(kind: type[BaseException], exc: BaseException, tb: Any) -> None:
        if P.queue is not None and not isinstance(exc, SystemExit):
            _failed(P.thread(), kind, exc, tb)
            _finish(1)
        excepthook(kind, exc, tb)

    sys.excepthook = traced_excepthook
    atexit.register(_finish, None)

    def forked() -> None:
        assert isinstance(P.queue, Sender)
        P.queue.after_fork()
        global _ended
        _ended = False
        _start_process(f"fork of {_name()}", threading.current_thread().name)
        P.flush(P.thread())

    os.register_at_fork(after_in_child=forked)
