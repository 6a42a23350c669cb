"""What a traced program never announces, sampled from outside: who had a core, who waited.

Every ``PERIOD_NS`` Cookline reads, for each thread of the traced tree, the kernel's exact
count of the nanoseconds it spent on a CPU (``/proc/PID/task/TID/schedstat``), its state and
last CPU (``stat``), and -- when it was mostly off the CPU -- the system call it sleeps in
(``syscall``). The files stay open and are read with ``pread``. Measured here (README, "Trace
your own program"): a thread waiting for the GIL sleeps in ``futex`` *with* a time-out (the
GIL's 5 ms switch interval); one waiting on a plain lock, in ``futex`` without one;
``time.sleep`` is ``clock_nanosleep``; sockets, pipes and select loops are
``read``/``recvfrom``/``poll``/``epoll_wait``/``select``.

A period is classified only where the program did not say exactly what it was doing: a period
with an announced transition keeps the announcement; one in an announced wait stays that wait
unless the thread was seen running. Periods are decided ``LAG_NS`` late, so the announcements
of that period (a wait is sent as it begins) have arrived. Every sampled transition is labelled
with the period, which the cursor readout shows. Nothing of this runs in the traced program.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from array import array
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from scenarios.supervisor.collector import BatchSink
from scenarios.supervisor.tree import descendants
from scenarios.wire import (
    ACTOR,
    FINAL_STATES,
    REASON,
    STATE,
    STATE_WIDTH,
    ActorDeclared,
    Kind,
    LabelText,
    Reason,
    Record,
    State,
    T,
    kitchen_of,
)

PERIOD_NS = 4_000_000
"""How often each thread is read: 250 Hz, about 1 % of a core for six threads (measured)."""
LAG_NS = 80_000_000
"""How late a period is decided: its announcements (sent as each wait begins) are in by then."""
GRACE_NS = 300_000_000
"""How long a process or thread may go unannounced before Cookline names it itself (it is
not Python, or not a ``threading`` thread)."""
LIST_EVERY_NS = 100_000_000
"""How often the tree's processes and each process's threads are listed."""

SAMPLED_LABEL = (1 << 62) | 1
"""The wire label of every sampled transition (its text says the period)."""
SAMPLED_TEXT = f"sampled every {PERIOD_NS // 1_000_000} ms"

IDLE_NS = 50_000
"""CPU time in a period below which a thread did not move (the kernel's own wake-ups)."""
FUTEX = 202
GIL_NEAR = 256
"""Bytes from the GIL condition's futex word within which a wait is on the GIL's own mutex
(the two are neighbouring fields of one C struct)."""
SLEEP_CALLS = frozenset({35, 230})  # nanosleep, clock_nanosleep
JOIN_CALLS = frozenset({61, 247})  # wait4, waitid
IO_CALLS = frozenset(
    {0, 7, 17, 19, 23, 43, 45, 47, 232, 270, 271, 281, 288, 299, 441}
)  # read poll pread readv select accept recvfrom recvmsg epoll_wait pselect6 ppoll epoll_pwait
#   accept4 recvmmsg epoll_pwait2

RUNNING, READY, WAITING = int(State.RUNNING), int(State.READY), int(State.WAITING)
STUCK_REASONS = frozenset({int(Reason.LOCK), int(Reason.QUEUE), int(Reason.JOIN)})
"""Waits only another thread of the program can end (sleep and I/O end by themselves)."""

WAITS_IN: dict[int, frozenset[int]] = {
    int(Reason.SLEEP): SLEEP_CALLS,
    int(Reason.LOCK): frozenset({FUTEX}),
    int(Reason.QUEUE): frozenset({FUTEX}) | IO_CALLS,  # a multiprocessing queue reads a pipe
    int(Reason.JOIN): frozenset({FUTEX}) | IO_CALLS | JOIN_CALLS,  # a process's join polls
    int(Reason.IO): IO_CALLS,
}
"""The system calls an announced wait can be in. Seen in another, the thread has left it: its
"running again" is still in its buffer (sent with its next wait), and the sample tells."""
Lane = tuple[int, int, int]
"""(state, reason, core) as a lane shows it."""


def own_thread_id(pid: int, tid: int) -> int:
    """The wire id Cookline gives a thread nobody announced: above any counter of its pid."""
    return (pid << 24) | 0x800000 | (tid & 0x7FFFFF)


@dataclass
class Reading:
    t: int
    ran: int
    """ns on a CPU, all time (schedstat's first field)."""
    queued: int
    """ns runnable on a run queue, waiting for a CPU, all time (its second field)."""
    cpu: int
    """The CPU it last ran on (-1: not read yet)."""
    call: int = -1
    """The system call it was off the CPU in (-1: none, or not read)."""
    timed: bool = False


@dataclass
class Watched:
    """One thread of the traced tree, as Cookline follows it."""

    pid: int
    tid: int
    first_seen: int
    actor: int = 0
    """Its lane's wire id (0: not known yet)."""
    fds: list[int] = field(default_factory=list)
    last: Reading | None = None
    periods: deque[tuple[int, int, int, str, int, int, bool]] = field(default_factory=deque)
    """(a, b, ran, state, cpu, syscall, timed) of each period not decided yet; ``timed``: a
    futex wait on the GIL (with the time-out of its switch interval, or on its mutex)."""
    lane: Lane | None = None
    sampled: bool = False
    """The lane's latest state came from a sample (so a stale announced wait is over)."""
    gone: int = 0
    """When its /proc entry was found gone (0: still there)."""
    ran_at: int = 0
    """When it was last seen on a CPU (a period in which it ran at all)."""


class Sampler:
    """Runs on its own thread on Cookline's side until ``stop``."""

    def __init__(
        self,
        root: int,
        sink: BatchSink,
        *,
        gil: bool = True,
        clock: Callable[[], int] = time.monotonic_ns,
    ) -> None:
        self.root = root
        self.gil = gil
        """The traced interpreter has a GIL: without one (a free-threaded build) no futex wait
        is a wait for the knife, and a thread off the CPU in one waits on a lock."""
        self.sink = sink
        self.clock = clock
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads: dict[tuple[int, int], Watched] = {}
        self._procs: dict[int, int] = {}
        """pid -> when first seen."""
        self.ended_at = 0
        """When Cookline began to end the tree itself (0: it has not): what the threads did
        while they were killed is not the program's, and is not drawn."""
        self._gone_procs: dict[int, int] = {}
        self._named: dict[int, tuple[str, int]] = {}
        """pid -> (its name, its parent's kitchen), read when it was first seen."""
        self._declared_threads: dict[tuple[int, int], int] = {}
        self._declared_procs: set[int] = set()
        self._own_procs: set[int] = set()
        """Processes Cookline named itself (not Python, or not traced): kitchens without cooks."""
        self._announced: dict[int, list[tuple[int, int, int]]] = {}
        """Thread actor -> its announced (t, state, reason), oldest first (recent ones)."""
        self._final: dict[int, int] = {}
        self._out: list[tuple[int, int, int, int, int, int]] = []
        self._records: list[Record] = [LabelText(SAMPLED_LABEL, SAMPLED_TEXT)]
        self._listed = 0
        self._gil: dict[int, int] = {}
        """pid -> the address of its GIL's condition, learnt from the waits on it."""
        self._new: list[tuple[int, int]] = []
        """Threads announced since the last sample: watched at once, not at the next listing."""

    # -- fed by the listener's thread -------------------------------------------------------------

    def see(self, states: array, records: list[Record]) -> None:
        """A batch the program sent: which lanes are whose, and what was announced when."""
        with self._lock:
            for r in records:
                if not isinstance(r, ActorDeclared):
                    continue
                if r.kind == Kind.THREAD and r.tid:
                    self._declared_threads[(r.pid, r.tid)] = r.actor
                    self._announced.setdefault(r.actor, [])
                    self._new.append((r.pid, r.tid))  # watched from the next sample on
                elif r.kind == Kind.PROCESS:
                    self._declared_procs.add(r.actor >> 24)
            n = len(states) // STATE_WIDTH
            if not n:
                return
            announced = self._announced
            # only threads' words matter here: a batch of 1,000 task steps is skipped at the
            # cost of a set lookup each, nothing built for it
            for k, actor in enumerate(states[ACTOR::STATE_WIDTH]):
                own = announced.get(actor)
                if own is not None:
                    at = k * STATE_WIDTH
                    t, state = states[at + T], states[at + STATE]
                    own.append((t, state, states[at + REASON]))
                    if state in FINAL_STATES:
                        self._final[actor] = t

    # -- the sampler's thread --------------------------------------------------------------------

    def run(self) -> None:
        next_at = self.clock()
        decided = next_at
        try:
            while not self._stop.is_set():
                now = self.clock()
                if now - self._listed >= LIST_EVERY_NS:
                    self._list(now)
                self._sample(now)
                if now - decided >= LAG_NS // 2:
                    self._decide(now - LAG_NS)
                    decided = now
                next_at += PERIOD_NS
                delay = next_at - self.clock()
                if delay < 0:  # behind (a busy machine): skip, never catch up in a burst
                    next_at = self.clock()
                    delay = 0
                self._stop.wait(delay / 1e9)
            now = self.clock()
            self._sample(now)
            self._decide(now + LAG_NS, final=True)
        finally:
            for w in self._threads.values():
                _close(w)

    def stop(self) -> None:
        self._stop.set()

    def stuck_for(self) -> int:
        """How long (ns) every thread of the tree has been off the CPU, each waiting on a lock,
        a queue or a join (announced, or seen in an untimed futex): nothing can move it but
        another of them. 0 when one runs, or waits for time or for the world (sleep, I/O)."""
        now = self.clock()
        watched = list(self._threads.values())  # one C call: the sampler's thread adds to it
        with self._lock:
            live = [w for w in watched if w.actor and not w.gone and w.actor not in self._final]
        if not live:
            return 0
        idle = now
        for w in live:
            lane = w.lane
            if lane is None or lane[0] != WAITING or lane[1] not in STUCK_REASONS:
                return 0
            idle = min(idle, now - max(w.ran_at, w.first_seen))
        return idle

    def still(self, actors: list[int], for_ns: int) -> bool:
        """Each of these threads has been off the CPU for ``for_ns`` by the kernel's count: a
        cycle of announced lock waits is a deadlock only if nobody in it moves (an announced
        wait's end travels with the thread's next batch, so its word alone may be stale)."""
        now = self.clock()
        with self._lock:
            where = {a: key for key, a in self._declared_threads.items()}
        for actor in actors:
            w = self._threads.get(where.get(actor, (0, 0)))
            if w is None or w.last is None or now - max(w.ran_at, w.first_seen) < for_ns:
                return False
        return True

    # -- reading /proc ---------------------------------------------------------------------------

    def _list(self, now: int) -> None:
        self._listed = now
        pids = {self.root} | descendants(self.root)
        for pid in pids:
            self._found(pid, now)
        for pid in list(self._procs):
            if pid in self._gone_procs:
                continue
            try:
                tids = [int(t) for t in os.listdir(f"/proc/{pid}/task")]
            except OSError:
                self._gone_procs[pid] = now
                continue
            for tid in tids:
                self._watch(pid, tid, now)

    def _watch(self, pid: int, tid: int, now: int) -> None:
        if (pid, tid) in self._threads:
            return
        w = Watched(pid, tid, now)
        try:
            base = f"/proc/{pid}/task/{tid}/"
            w.fds = [os.open(base + f, os.O_RDONLY) for f in _FILES]
        except OSError:
            _close(w)
            return
        self._threads[(pid, tid)] = w
        self._found(pid, now)

    def _found(self, pid: int, now: int) -> None:
        """A process of the tree, seen for the first time: its name and parent read now,
        while it is there to be read (a short ``sleep`` child is gone within the grace)."""
        if pid in self._procs:
            return
        self._procs[pid] = now
        parent = 0
        if pid != self.root:
            try:
                with open(f"/proc/{pid}/stat", "rb") as f:
                    parent = kitchen_of(int(f.read().rsplit(b")", 1)[1].split()[1]))
            except (OSError, ValueError, IndexError):
                parent = kitchen_of(self.root)
        self._named[pid] = (_comm(pid, pid), parent)

    def _sample(self, now: int) -> None:
        if self._new:
            with self._lock:
                new, self._new = self._new, []
            for pid, tid in new:
                self._watch(pid, tid, now)
        for w in self._threads.values():
            if not w.gone:
                self._read(w)

    def _read(self, w: Watched) -> None:
        """One thread's period, read as cheaply as the kernel allows: schedstat always (one
        ``pread``); ``stat`` only for a thread that ran (its core); ``syscall`` only for one
        that was off the CPU and moved at all -- a thread that did not run for a whole period
        cannot have left the system call it was seen in."""
        try:
            sched = os.pread(w.fds[0], 128, 0)
        except OSError:
            sched = b""
        t = self.clock()
        if not sched:
            w.gone = t
            return
        fields = sched.split()
        ran, queued = int(fields[0]), int(fields[1])
        last = w.last
        if last is None:
            w.last = Reading(t, ran, queued, -1)
            return
        span, did, waited = t - last.t, ran - last.ran, queued - last.queued
        now = Reading(t, ran, queued, last.cpu, last.call, last.timed)
        state = "S"
        if did * 2 >= span:
            try:
                stat = os.pread(w.fds[1], 1024, 0)
                now.cpu = int(stat.rsplit(b")", 1)[1].split()[36])
            except (OSError, IndexError, ValueError):
                pass
            now.call, now.timed = -1, False
        elif waited * 2 >= span:
            state = "R"  # runnable most of the period: it wanted a CPU
        elif did or last.call < 0:
            now.call, now.timed = self._call(w)
            if now.call < 0:
                state = "R"  # on a CPU as it was read
        if did > IDLE_NS or state == "R":
            w.ran_at = t
        w.last = now
        w.periods.append((last.t, t, did, state, now.cpu, now.call, now.timed))

    def _call(self, w: Watched) -> tuple[int, bool]:
        """The system call a thread sleeps in, and whether that is a wait on the GIL."""
        try:
            text = os.pread(w.fds[2], 256, 0).split()
        except OSError:
            return -1, False
        if not text or not text[0].isdigit():
            return -1, False  # "running"
        call = int(text[0])
        if call == FUTEX and len(text) > 4:
            return call, self._on_gil(w.pid, int(text[1], 16), text[4] != b"0x0")
        return call, False

    def _on_gil(self, pid: int, address: int, timed: bool) -> bool:
        """A futex wait is on the GIL: with a time-out (its condition's switch interval; its
        address is then learnt), or without one on a word beside it (the GIL's own mutex,
        taken as a holder hands over) -- not a lock of the program's."""
        if not self.gil:
            return False
        if timed:
            self._gil[pid] = address
            return True
        gil = self._gil.get(pid)
        return gil is not None and abs(address - gil) < GIL_NEAR

    # -- deciding lanes --------------------------------------------------------------------------

    def _decide(self, upto: int, final: bool = False) -> None:
        with self._lock:
            now = self.clock()
            for pid, first in self._procs.items():
                if pid in self._declared_procs or pid in self._own_procs:
                    continue
                if final or now - first > GRACE_NS:
                    self._own_procs.add(pid)
                    self._name_process(pid, first)
                else:  # seen between fork and exec it was still "python": read it again
                    self._rename(pid)
            for w in self._threads.values():
                if not w.actor:
                    w.actor = self._declared_threads.get((w.pid, w.tid), 0)
                    late = final or now - w.first_seen > GRACE_NS
                    if not w.actor and w.pid not in self._own_procs and late:
                        w.actor = own_thread_id(w.pid, w.tid)
                        self._announced[w.actor] = []
                        name = _comm(w.pid, w.tid)
                        self._records.append(
                            ActorDeclared(
                                w.actor, int(Kind.THREAD), kitchen_of(w.pid), name, w.pid, w.tid
                            )
                        )
                if w.actor:
                    self._decide_thread(w, upto)
                elif w.pid in self._own_procs:
                    w.periods.clear()
            for pid, gone in self._gone_procs.items():
                if pid in self._own_procs and kitchen_of(pid) not in self._final:
                    self._final[kitchen_of(pid)] = gone
                    self._out.append((gone, kitchen_of(pid), int(State.DONE), 0, -1, SAMPLED_LABEL))
            out, self._out = self._out, []
            records, self._records = self._records, []
        if out or records:
            out.sort()
            self.sink(array("q", [x for ev in out for x in ev]), records)

    def _rename(self, pid: int) -> None:
        """The process's name now, while it is there to be read (one small /proc read, only
        for a process still in its grace)."""
        name = _comm(pid, pid)
        old, parent = self._named.get(pid, (str(pid), 0))
        if name != str(pid) and name != old:
            self._named[pid] = (name, parent)

    def _name_process(self, pid: int, first: int) -> None:
        name, parent = self._named.get(pid, (str(pid), 0))
        declared = ActorDeclared(kitchen_of(pid), int(Kind.PROCESS), parent, name, pid, 0)
        self._records.append(declared)
        self._out.append((first, kitchen_of(pid), RUNNING, 0, -1, SAMPLED_LABEL))

    def _decide_thread(self, w: Watched, upto: int) -> None:
        announced = self._announced.get(w.actor, [])
        final = self._final.get(w.actor)
        i = 0
        while w.periods and w.periods[0][1] <= upto:
            a, b, did, state, cpu, call, timed = w.periods.popleft()
            if (final is not None and b >= final) or (self.ended_at and b > self.ended_at):
                w.periods.clear()
                break
            while i < len(announced) and announced[i][0] <= a:
                i += 1
            inside = i < len(announced) and announced[i][0] <= b
            if inside:  # exact data wins: the lane is what was announced last in the period
                j = i
                while j + 1 < len(announced) and announced[j + 1][0] <= b:
                    j += 1
                w.lane = (announced[j][1], announced[j][2], -1)
                w.sampled = False
                continue
            said, why = announced[i - 1][1:] if i else (RUNNING, 0)
            if w.lane is None and i:  # its first words came before its first reading
                w.lane = (said, why, -1)
            at = a
            if w.sampled:
                said = RUNNING  # a sample has seen it since its last word: the wait is over
            elif said == WAITING and call >= 0 and call not in WAITS_IN.get(why, {call}):
                # out of its announced wait: it woke within the period, and its own "running
                # again" (still unsent) will say when; the sample's word starts at the period's end
                said, at = RUNNING, b
            lane = _classify(b - a, did, state, cpu, call, timed, said)
            if lane is not None and lane != w.lane:
                self._out.append((at, w.actor, lane[0], lane[1], lane[2], SAMPLED_LABEL))
                w.lane = lane
                w.sampled = True
        if w.gone and not w.periods and final is None and w.gone <= upto:
            self._final[w.actor] = w.gone
            if _alive(w.pid):  # a thread ended in a live process; one whose process ended
                # (killed, or Cookline's stop) keeps its last state to the run's end
                self._out.append((w.gone, w.actor, int(State.DONE), 0, -1, SAMPLED_LABEL))
        keep = max(0, i - 1)
        if keep:
            del announced[:keep]


def _classify(
    span: int, did: int, state: str, cpu: int, call: int, timed: bool, said: int
) -> Lane | None:
    """A period's state, where the program said nothing exact about it (None: keep the lane)."""
    if did * 2 >= span:
        return (RUNNING, 0, cpu)
    if said != RUNNING:
        return None  # in an announced wait, not seen running: the announcement stands
    if state == "R" or call < 0:
        return (READY, int(Reason.CORE), -1)  # on a run queue: it wanted a core
    if call == FUTEX:
        # the GIL's wait has a time-out (its switch interval); a plain lock's has none
        return (READY, int(Reason.GIL), -1) if timed else (WAITING, int(Reason.LOCK), -1)
    if call in SLEEP_CALLS:
        return (WAITING, int(Reason.SLEEP), -1)
    if call in JOIN_CALLS:
        return (WAITING, int(Reason.JOIN), -1)
    return (WAITING, int(Reason.IO), -1)


_FILES = ("schedstat", "stat", "syscall")


def _close(w: Watched) -> None:
    for fd in w.fds:
        with contextlib.suppress(OSError):
            os.close(fd)
    w.fds = []


def _alive(pid: int) -> bool:
    """The process runs still (a zombie has ended)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return False


def _comm(pid: int, tid: int) -> str:
    try:
        with open(f"/proc/{pid}/task/{tid}/comm") as f:
            return f.read().strip() or str(tid)
    except OSError:
        return str(tid)
