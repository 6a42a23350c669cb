"""The sampler's verdicts on one period, without a process: what /proc said, what it means."""

from __future__ import annotations

from array import array

from scenarios.supervisor.sampler import FUTEX, Sampler, _classify
from scenarios.wire import Reason, Record, State

RUN, READY, WAIT = int(State.RUNNING), int(State.READY), int(State.WAITING)
P = 4_000_000  # one period, ns


def sink(states: array, records: list[Record]) -> None:
    return None


def test_a_thread_on_the_cpu_most_of_the_period_is_running_on_its_core() -> None:
    assert _classify(P, P * 3 // 4, "S", 1, -1, False, RUN) == (RUN, 0, 1)


def test_off_the_cpu_in_a_timed_futex_is_waiting_for_the_gil() -> None:
    assert _classify(P, 0, "S", 0, FUTEX, True, RUN) == (READY, int(Reason.GIL), -1)


def test_off_the_cpu_in_an_untimed_futex_is_a_lock() -> None:
    assert _classify(P, 0, "S", 0, FUTEX, False, RUN) == (WAIT, int(Reason.LOCK), -1)


def test_on_a_run_queue_is_ready_for_a_core_and_sleep_and_sockets_are_waits() -> None:
    assert _classify(P, 0, "R", 0, -1, False, RUN) == (READY, int(Reason.CORE), -1)
    assert _classify(P, 0, "S", 0, 230, False, RUN) == (WAIT, int(Reason.SLEEP), -1)
    assert _classify(P, 0, "S", 0, 45, False, RUN) == (WAIT, int(Reason.IO), -1)


def test_an_announced_wait_stands_unless_the_thread_ran() -> None:
    assert _classify(P, 0, "S", 0, FUTEX, True, WAIT) is None
    assert _classify(P, P, "R", 0, -1, False, WAIT) == (RUN, 0, 0)


def test_the_gils_mutex_is_learnt_beside_its_condition() -> None:
    s = Sampler(1, sink)
    assert s._on_gil(7, 0x1000, timed=True)
    assert s._on_gil(7, 0x1004, timed=False), "the GIL's own mutex, taken at a hand-over"
    assert not s._on_gil(7, 0x9000, timed=False), "a lock of the program's"
    assert not s._on_gil(8, 0x1004, timed=False), "another process's GIL is its own"


def test_without_a_gil_no_futex_wait_is_the_knife() -> None:
    free = Sampler(1, sink, gil=False)  # a free-threaded build: nothing to share
    assert not free._on_gil(7, 0x1000, timed=True)
