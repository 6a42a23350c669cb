"""What the supervisor concludes from the batches it has read: a deadlock, a stall, an error.

Pure functions and one plain record of what was seen, fed by the collector and read by the
runner's loop: each verdict is tested without a process (``tests/test_watchdog.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from scenarios.wire import (
    FINAL_STATES,
    ActorDeclared,
    Error,
    LockHeld,
    LockWanted,
    Reason,
    Record,
    State,
    Tail,
)

DEADLOCK_AFTER = 0.5
"""Seconds a cycle of cooks waiting on each other's locks must last to be called a deadlock."""

Cycle = list[tuple[int, str, str]]
"""A deadlock: (actor, the lock it holds, the lock it waits for) for each cook of the cycle."""


@dataclass
class Seen:
    """What the batches said so far; only the collector's thread writes it."""

    tails: dict[int, tuple[int, int]] = field(default_factory=dict)
    """Each sending thread's own (state, reason) after its latest batch."""
    names: dict[int, str] = field(default_factory=dict)
    holders: dict[str, int] = field(default_factory=dict)
    """Lock name -> the actor that last said it took it (and has not given it back)."""
    wants: dict[int, str] = field(default_factory=dict)
    """Actor -> the lock it said it waits for."""
    errors: list[str] = field(default_factory=list)

    def see(self, tail: Tail | None, records: Iterable[Record]) -> None:
        if tail is not None:
            self.tails[tail[0]] = (tail[1], tail[2])
        for r in records:
            if isinstance(r, Error):
                self.errors.append(r.text)
            elif isinstance(r, ActorDeclared):
                self.names[r.actor] = r.name
            elif isinstance(r, LockWanted):
                self.wants[r.actor] = r.lock
            elif isinstance(r, LockHeld):
                if r.held:
                    self.holders[r.lock] = r.actor
                    if self.wants.get(r.actor) == r.lock:  # it waited for this one: no more
                        del self.wants[r.actor]
                elif self.holders.get(r.lock) == r.actor:
                    del self.holders[r.lock]


def lock_cycle(
    tails: Mapping[int, tuple[int, int]], wants: Mapping[int, str], holders: Mapping[str, int]
) -> Cycle:
    """A cycle of actors each waiting (by its own last word) for a lock another holds."""
    for start in wants:
        chain: list[int] = []
        actor: int | None = start
        while actor is not None and actor not in chain:
            if tails.get(actor) != (State.WAITING, Reason.LOCK) or actor not in wants:
                break
            chain.append(actor)
            actor = holders.get(wants[actor])
        else:
            if actor == start and len(chain) >= 2:
                # each cook holds the lock the cook before it in the cycle waits for
                return [(a, wants[chain[k - 1]], wants[a]) for k, a in enumerate(chain)]
    return []


def describe(cycle: Cycle, names: Mapping[int, str]) -> str:
    """The deadlock in one line: who holds what and waits for what."""
    return "; ".join(
        f"{names.get(a, 'a cook')} holds {held} and waits for {wanted}" for a, held, wanted in cycle
    )


def announced_wait(tails: Mapping[int, tuple[int, int]]) -> bool:
    """Every live thread last said it is waiting (sleep, I/O, join…): quiet, not stuck."""
    live = [s for s in tails.values() if s[0] not in FINAL_STATES]
    return bool(live) and all(s == State.WAITING and r != Reason.NONE for s, r in live)


def stalled(quiet_for: float, stall_after: float, tails: Mapping[int, tuple[int, int]]) -> bool:
    """No event and no CPU for ``stall_after`` seconds, and nobody said it would wait."""
    return quiet_for > stall_after and not announced_wait(tails)


@dataclass
class CycleClock:
    """How long the same lock cycle has stood: a deadlock once it lasts ``DEADLOCK_AFTER``."""

    since: float | None = None

    def lasted(self, cycle: Cycle, now: float, after: float = DEADLOCK_AFTER) -> bool:
        if not cycle:
            self.since = None
            return False
        if self.since is None:
            self.since = now
        return now - self.since >= after
