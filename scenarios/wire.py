"""The vocabulary every side agrees on: actor kinds, states, wait reasons and the wire layout.

Codes are small integers because a state event travels as six int64s in a packed batch; the
names are what recordings and screens show, so each enum maps both ways.
"""

from __future__ import annotations

from enum import IntEnum


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
    """Why an actor waits; NONE for every state but `waiting`."""

    NONE = 0
    SLEEP = 1
    IO = 2
    LOCK = 3
    JOIN = 4
    QUEUE = 5


#: Fields of one state event on the wire, in order: all int64.
#: ``t`` is ``time.monotonic_ns()``; ``label`` is an id from the sender's string table (0 = none);
#: ``core`` is ``sched_getcpu()`` at the transition (-1 when unknown).
STATE_FIELDS = ("t", "actor", "state", "reason", "core", "label")
STATE_WIDTH = len(STATE_FIELDS)

#: The terminal states: an actor in one of them never changes again.
FINAL_STATES = frozenset({State.DONE, State.FAILED})


def name_of(enum: type[IntEnum], code: int) -> str:
    """The lower-case name recordings use for a code."""
    return enum(code).name.lower()


def code_of(enum: type[IntEnum], name: str) -> int:
    """The code for a recording's lower-case name; KeyError when unknown."""
    return int(enum[name.upper()])
