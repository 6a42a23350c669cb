"""The supervisor's verdicts from what the batches said, without a process: deadlock, stall."""

from __future__ import annotations

from scenarios.supervisor import watchdog
from scenarios.wire import ActorDeclared, Error, Kind, LockHeld, LockWanted, Reason, State

A, B, C = 11, 12, 13
ON_LOCK = (State.WAITING, Reason.LOCK)


def _crossed() -> watchdog.Seen:
    """A holds the knife and wants the board; B holds the board and wants the knife."""
    seen = watchdog.Seen()
    seen.see(None, [ActorDeclared(A, Kind.THREAD, 1, "Cook A", 1, 1)])
    seen.see(None, [ActorDeclared(B, Kind.THREAD, 1, "Cook B", 1, 2)])
    seen.see(None, [LockHeld(1, A, "knife", True), LockHeld(2, B, "board", True)])
    seen.see((A, *ON_LOCK), [LockWanted(3, A, "board")])
    seen.see((B, *ON_LOCK), [LockWanted(4, B, "knife")])
    return seen


def test_two_cooks_waiting_on_each_others_locks_are_a_cycle() -> None:
    seen = _crossed()
    cycle = watchdog.lock_cycle(seen.tails, seen.wants, seen.holders)
    assert sorted(cycle) == [(A, "knife", "board"), (B, "board", "knife")]
    said = watchdog.describe(cycle, seen.names)
    assert "Cook A holds knife and waits for board" in said
    assert "Cook B holds board and waits for knife" in said


def test_no_cycle_while_one_of_them_still_runs() -> None:
    seen = _crossed()
    seen.see((B, State.RUNNING, 0), [])  # B has not blocked yet: it may still give the board
    assert watchdog.lock_cycle(seen.tails, seen.wants, seen.holders) == []


def test_a_lock_given_back_breaks_the_cycle() -> None:
    seen = _crossed()
    seen.see((B, *ON_LOCK), [LockHeld(5, B, "board", False)])
    assert watchdog.lock_cycle(seen.tails, seen.wants, seen.holders) == []
    seen.see((A, State.RUNNING, 0), [LockHeld(6, A, "board", True)])
    assert seen.wants == {B: "knife"}  # A took what it waited for


def test_a_queue_of_waiters_on_one_free_holder_is_no_deadlock() -> None:
    seen = watchdog.Seen()
    seen.see((A, State.RUNNING, 0), [LockHeld(1, A, "sink", True)])
    for cook in (B, C):
        seen.see((cook, *ON_LOCK), [LockWanted(2, cook, "sink")])
    assert watchdog.lock_cycle(seen.tails, seen.wants, seen.holders) == []


def test_a_cycle_is_a_deadlock_only_once_it_has_lasted() -> None:
    seen = _crossed()
    cycle = watchdog.lock_cycle(seen.tails, seen.wants, seen.holders)
    clock = watchdog.CycleClock()
    assert not clock.lasted(cycle, 10.0)
    assert not clock.lasted(cycle, 10.0 + watchdog.DEADLOCK_AFTER / 2)
    assert not clock.lasted([], 10.4)  # it broke: the clock starts again
    assert not clock.lasted(cycle, 10.5)
    assert clock.lasted(cycle, 10.5 + watchdog.DEADLOCK_AFTER)


def test_quiet_is_a_stall_unless_every_live_thread_said_it_waits() -> None:
    sleeping = {A: (State.WAITING, Reason.SLEEP), B: (State.DONE, 0)}
    assert watchdog.announced_wait(sleeping)
    assert not watchdog.stalled(9.0, 5.0, sleeping)
    silent = {A: (State.RUNNING, 0), B: (State.WAITING, Reason.IO)}
    assert not watchdog.announced_wait(silent)
    assert watchdog.stalled(9.0, 5.0, silent)
    assert not watchdog.stalled(4.0, 5.0, silent)  # not quiet for long enough
    assert not watchdog.announced_wait({})  # nothing said yet is no promise


def test_errors_are_kept_in_the_order_they_were_sent() -> None:
    seen = watchdog.Seen()
    seen.see(None, [Error(1, A, "first"), Error(2, B, "second")])
    assert seen.errors == ["first", "second"]
