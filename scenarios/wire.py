"""The wire: what a worker's probe sends and the supervisor reads, defined once for both sides.

A message is a tuple ``(states, records, tail)`` (README, "Architecture"):

* ``states`` -- bytes of six int64 per state event, in the order of :data:`STATE_FIELDS`: state
  events are the bulk of a run, so they travel packed and are read as one array;
* ``records`` -- the rare rest (an actor declared, a label's text, a cue, a value, an error, a
  lock taken or given back, a lock wanted) as typed records, or ``None``;
* ``tail`` -- ``(actor, state, reason)`` of the sending thread after the batch, so the
  supervisor can tell an announced wait from a silent hang without reading every event.

Codes are small integers because they travel as int64s; the names are what recordings and
screens show, so each enum maps both ways.
"""

from __future__ import annotations

from array import array
from enum import IntEnum
from functools import lru_cache
from struct import Struct, calcsize
from typing import NamedTuple


class Kind(IntEnum):
    """What gets scheduled: a process (a kitchen), a thread (a cook), an asyncio task (a dish)."""

    PROCESS = 0
    THREAD = 1
    TASK = 2


class State(IntEnum):
    """The life cycle from the podcast, applied to processes, threads and coroutines alike."""

    NEW = 0
    READY = 1
    RUNNING = 2
    WAITING = 3
    DONE = 4
    FAILED = 5


class Reason(IntEnum):
    """Why an actor waits (the first six), or why a ready one cannot run yet (the last four);
    NONE where nobody said or it cannot be known."""

    NONE = 0
    SLEEP = 1
    IO = 2
    LOCK = 3
    JOIN = 4
    QUEUE = 5
    UNKNOWN = 6
    """Off the CPU without a word: no event and no CPU, seen from outside (a stall). Never
    sent by a probe; the supervisor's verdict writes it."""
    GIL = 7
    """Ready: runnable, but another thread of its process holds the GIL."""
    CORE = 8
    """Ready: runnable, but no CPU was free (the kernel's run queue)."""
    LOOP = 9
    """Ready: an asyncio task due while its loop runs someone else."""
    START = 10
    """Ready: a new kitchen starting its interpreter and importing, before its first cook."""


READY_REASONS = frozenset({Reason.GIL, Reason.CORE, Reason.LOOP, Reason.START})
"""The reasons a ``ready`` state may carry."""


#: Fields of one state event on the wire, in order: all int64.
#: ``t`` is ``time.monotonic_ns()``; ``label`` is an id from the sender's string table (0 = none);
#: ``core`` is ``sched_getcpu()`` at the transition (-1 when unknown).
STATE_FIELDS = ("t", "actor", "state", "reason", "core", "label")
STATE_WIDTH = len(STATE_FIELDS)
T, ACTOR, STATE, REASON, CORE, LABEL = range(STATE_WIDTH)
"""Column indexes of a state event, named so that no reader counts positions."""

#: The terminal states: an actor in one of them never changes again.
FINAL_STATES = frozenset({State.DONE, State.FAILED})


def kitchen_of(pid: int) -> int:
    """A process's actor id: counter 0 of its pid, whoever declares it (its own probe, or
    Cookline for a process that never speaks)."""
    return pid << 24


def name_of(enum: type[IntEnum], code: int) -> str:
    """The lower-case name recordings use for a code."""
    return enum(code).name.lower()


def code_of(enum: type[IntEnum], name: str) -> int:
    """The code for a recording's lower-case name; KeyError when unknown."""
    return int(enum[name.upper()])


# -- the records: one definition of each kind, its fields named ----------------------------


class ActorDeclared(NamedTuple):
    """An actor's name and place, sent before its first event can need them (again: renamed)."""

    actor: int
    """Its wire id: the pid in the high bits, a per-process counter below."""
    kind: int
    parent: int
    """The parent's wire id (0: none): task -> thread -> process."""
    name: str
    pid: int
    tid: int


class LabelText(NamedTuple):
    """The text of a label id that state events carry in their ``label`` column."""

    label: int
    text: str


class Cue(NamedTuple):
    """A narration line, stamped when the kitchen said it."""

    t: int
    actor: int
    en: str
    ja: str


START_CPU = "start_cpu_ms"
"""A value each kitchen sends at its first step: the CPU its start took (the interpreter, its
imports, the work unpickled), read by the kitchen itself. Its lanes cannot place that CPU on a
core (no cook has run yet), so it is counted beside them, not drawn."""


class Value(NamedTuple):
    """A measured quantity worth showing beside the lanes."""

    t: int
    actor: int
    name: str
    number: float


class Error(NamedTuple):
    """What went wrong with an actor: a traceback, or a child's exit status."""

    t: int
    actor: int
    text: str


class LockHeld(NamedTuple):
    """A named lock taken (``held``) or given back by an actor."""

    t: int
    actor: int
    lock: str
    held: bool


class LockWanted(NamedTuple):
    """An actor about to wait for a named lock another holds."""

    t: int
    actor: int
    lock: str


Record = ActorDeclared | LabelText | Cue | Value | Error | LockHeld | LockWanted
Tail = tuple[int, int, int]
"""``(actor, state, reason)`` of the sending thread after its batch."""
Message = tuple[bytes, list[Record] | None, Tail | None]


# -- packing -------------------------------------------------------------------------------


_ORDER, _INT64 = ("@", "l") if calcsize("@l") == 8 else ("=", "q")
"""A native int64 for ``Struct`` (byte order, code): C's ``long`` where it has 64 bits (Linux
on 64-bit machines).
Both write the same bytes, but CPython converts an int of more than one 30-bit digit (every
time stamp and actor id) to a ``long`` in a short loop and to a ``long long`` through its
generic byte-array path: a 1,024-event batch packed in 57-67 us against 77-95 us here (the
command is in the README, "Speed")."""


@lru_cache(maxsize=64)
def _layout(n: int) -> Struct:
    return Struct(f"{_ORDER}{n * STATE_WIDTH}{_INT64}")


def pack(values: list[int]) -> bytes:
    """A thread's flat buffer (six integers an event) as one native int64 byte string.

    One ``Struct.pack`` of the whole batch, on the worker's own thread, where a list of tuples
    through ``chain`` cost more than twice as much and ``array('q', ...)`` more still.
    """
    return _layout(len(values) // STATE_WIDTH).pack(*values)


def unpack(states: bytes) -> array:
    """The int64 array of a batch; :func:`count` says how many events it holds."""
    out = array("q")
    out.frombytes(states)
    return out


def count(states: array) -> int:
    """State events in an unpacked batch."""
    return len(states) // STATE_WIDTH
