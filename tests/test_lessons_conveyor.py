"""Backpressure on a bounded belt, threads and asyncio, measured on real runs: orderings and
counts from the lanes, never exact times."""

from __future__ import annotations

from scenarios.kitchen.conveyor import BELT
from scenarios.wire import Kind, Reason, State
from tests.conftest import Kitchen
from tui.trace.store import TraceStore


def _waits(store: TraceStore, name: str, reason: Reason) -> list[tuple[int, int, str]]:
    a = store.by_name(name)
    return [
        (sp.start, sp.end, sp.label)
        for sp in store.spans(a)
        if sp.state == State.WAITING and sp.reason == reason and sp.end > sp.start
    ]


def test_a_full_belt_makes_the_order_taker_wait(kitchen: Kitchen) -> None:
    done = kitchen("conveyor", scale=0.5)
    assert done.result.ok, done.result.message
    full = _waits(done.store, "Order taker", Reason.QUEUE)
    # 12 orders, 3 on the belt, 2 cooks holding one each: the taker waits for most of the rest
    assert len(full) >= 4 and all(label == "the belt is full" for *_, label in full)
    cooked = sum(len(_waits(done.store, f"Cook {i}", Reason.SLEEP)) for i in (1, 2))
    assert cooked == 12  # every order cooked once, none lost on the belt
    assert BELT == 3


def test_asyncio_belt_and_a_stove_of_two_burners(kitchen: Kitchen) -> None:
    done = kitchen("conveyor-async", scale=0.5)
    assert done.result.ok, done.result.message
    store = done.store
    cooks = [a.name for a in store.actors if a.kind == Kind.TASK and a.name.startswith("Cook")]
    assert len(cooks) == 4
    assert _waits(store, "Order taker", Reason.QUEUE)  # held back by the full belt
    on_stove = [(s, +1) for c in cooks for s, _, _ in _waits(store, c, Reason.SLEEP)]
    on_stove += [(e, -1) for c in cooks for _, e, _ in _waits(store, c, Reason.SLEEP)]
    level = most = 0
    for _, step in sorted(on_stove, key=lambda x: (x[0], x[1])):
        level += step
        most = max(most, level)
    assert most == 2  # never more orders cooking than burners, and both burners used
    assert any(_waits(store, c, Reason.LOCK) for c in cooks)  # someone waited for a burner
    assert sum(len(_waits(store, c, Reason.SLEEP)) for c in cooks) == 12
