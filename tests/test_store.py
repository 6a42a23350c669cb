"""The trace store's arithmetic on hand-made events, where every right answer is known."""

from __future__ import annotations

import random
from array import array
from collections.abc import Sequence
from typing import Any

import pytest

from scenarios.wire import ActorDeclared, Kind, LabelText, Reason, Record, State
from tui.trace import raster, summary
from tui.trace.store import TraceStore
from tui.trace.summary import summarise

MS = 1_000_000


def _store() -> TraceStore:
    """A kitchen with two cooks: A runs 0-10 ms, B waits then runs 5-15 ms on another core."""
    s = TraceStore()
    s.start_clock(1000)
    proc, a, b = 1 << 24, (1 << 24) | 1, (1 << 24) | 2
    meta: list[Record] = [
        ActorDeclared(proc, Kind.PROCESS, 0, "Kitchen", 1, 0),
        ActorDeclared(a, Kind.THREAD, proc, "Cook A", 1, 11),
        ActorDeclared(b, Kind.THREAD, proc, "Cook B", 1, 12),
        LabelText(77, "chop"),
    ]
    ev = [
        (1000, proc, State.RUNNING, 0, -1, 0),
        (1000, a, State.RUNNING, 0, 0, 77),
        (1000, b, State.WAITING, Reason.LOCK, 1, 0),
        (1000 + 5 * MS, b, State.RUNNING, 0, 1, 0),
        (1000 + 10 * MS, a, State.DONE, 0, 0, 0),
        (1000 + 15 * MS, b, State.DONE, 0, 1, 0),
        (1000 + 15 * MS, proc, State.DONE, 0, -1, 0),
    ]
    s.ingest(array("q", [x for e in ev for x in e]), meta)
    return s


def test_summary_figures() -> None:
    s = summarise(_store())
    assert s.wall == 15 * MS
    assert s.cpu == 20 * MS
    assert abs(s.parallelism - 20 / 15) < 1e-9
    assert s.max_running == 1  # 20 ms of running in a 15 ms run: 1.33 cooks' worth at peak
    assert s.per_core == {0: 10 * MS, 1: 10 * MS}
    b = s.actors[2]
    assert (b.running, b.waiting, b.ready, b.final) == (10 * MS, 5 * MS, 0, State.DONE)


def test_tree_order_and_labels() -> None:
    store = _store()
    assert [(d, a.name) for d, a in store.ordered()] == [
        (0, "Kitchen"),
        (1, "Cook A"),
        (1, "Cook B"),
    ]
    assert store.spans(store.by_name("Cook A"))[0].label == "chop"


def test_buckets_take_the_dominant_state() -> None:
    store = _store()
    b = store.by_name("Cook B")
    cells = raster.buckets(store, b, 0, 15 * MS, 3)
    assert cells == [State.WAITING, State.RUNNING, State.RUNNING]
    a = store.by_name("Cook A")
    assert raster.buckets(store, a, 0, 15 * MS, 3)[:2] == [State.RUNNING, State.RUNNING]


def test_a_batch_of_many_undeclared_tasks_lands_per_actor_in_order_of_appearance() -> None:
    """A loop thread's batch: its tasks' events interleaved, their declarations sent later."""
    s = TraceStore()
    s.start_clock(0)
    keys = [30, 10, 20]
    ev = []
    for k in range(12):
        key = keys[k % 3] if k < 9 else 10
        ev.append(
            (k * MS, key, State.RUNNING if k % 2 else State.WAITING, 0, k % 2, 77 * (key == 20))
        )
    s.ingest(array("q", [x for e in ev for x in e]), [LabelText(77, "stir")])
    assert [a.key for a in s.actors] == keys
    for key in keys:
        a = s.actors[keys.index(key)]
        assert list(a.t) == [e[0] for e in ev if e[1] == key]
        assert list(a.state) == [e[2] for e in ev if e[1] == key]
        assert list(a.core) == [e[4] for e in ev if e[1] == key]
    assert {sp.label for sp in s.spans(s.actors[2])} == {"stir"}
    assert {sp.label for sp in s.spans(s.actors[1])} == {""}
    s.ingest(array("q"), [ActorDeclared(20, Kind.TASK, 0, "stir the sauce", 1, 0)])
    assert s.actors[2].name == "stir the sauce" and s.actors[2].kind == Kind.TASK


def test_one_thread_s_batch_lands_whole() -> None:
    """One thread's short batch (the live view's usual one): times from the clock's zero, a
    core of -1, reasons, labels, and the newest event's age as the lag."""
    ev = [
        (5000, 9, State.RUNNING, 0, -1, 0),
        (6000, 9, State.READY, Reason.GIL, 1, 0),
        (7000, 9, State.WAITING, Reason.LOCK, 3, 77),
        (9000, 9, State.DONE, 0, 1, 77),
    ]
    s = TraceStore()
    s.start_clock(1000)
    s.ingest(array("q", [x for e in ev for x in e]), [LabelText(77, "chop")])
    (a,) = s.actors
    assert list(a.t) == [4000, 5000, 6000, 8000]
    assert list(a.state) == [State.RUNNING, State.READY, State.WAITING, State.DONE]
    assert list(a.reason) == [0, Reason.GIL, Reason.LOCK, 0]
    assert list(a.core) == [-1, 1, 3, 1]
    assert [s.labels[i] for i in a.label] == ["", "", "chop", "chop"]
    assert s.events == 4 and s.lag > 0


def test_late_events_from_another_batch_are_put_in_time_order() -> None:
    store = _store()
    b = store.by_name("Cook B")
    store.ingest(array("q", [1000 + 2 * MS, b.key, State.READY, 0, 1, 0]), [])
    assert list(b.t) == sorted(b.t)
    assert b.state[1] == State.READY


def test_stored_event_is_compact() -> None:
    """Per-actor arrays: 16 bytes of payload an event, no object per event."""
    store = _store()
    a = store.by_name("Cook A")
    per_event = sum(arr.itemsize for arr in (a.t, a.state, a.reason, a.core, a.label))
    assert per_event == 16


def _random_cooks() -> TraceStore:
    """Three cooks of 3,000 random spans each, born after the kitchen; one fails."""
    rng = random.Random(7)
    store = TraceStore()
    proc = (1 << 24) | 0
    ev: list[tuple[int, ...]] = [(0, proc, State.RUNNING, 0, -1, 0)]
    meta: list[Record] = [ActorDeclared(proc, Kind.PROCESS, 0, "Kitchen", 1, 0)]
    t = 0
    for cook in range(1, 4):
        key = (1 << 24) | cook
        meta.append(ActorDeclared(key, Kind.THREAD, proc, f"Cook {cook}", 1, cook))
        t = cook * 1000
        ev.append((t, key, State.NEW, 0, -1, 0))
        for _ in range(3000):
            t += rng.choice((20_000, 50_000, 400_000, 2_000_000))
            st = rng.choice((State.RUNNING, State.READY, State.WAITING))
            ev.append((t, key, st, Reason.SLEEP if st == State.WAITING else 0, cook % 2, 0))
        ev.append((t + 10_000, key, State.FAILED if cook == 2 else State.DONE, 0, -1, 0))
    ev.sort()
    store.ingest(array("q", [x for e in ev for x in e]), meta)
    return store


def test_prefix_sums_agree_with_the_span_walk() -> None:
    """The fast path (prefix sums) draws what the exact span walk draws, cell for cell."""
    store = _random_cooks()
    lo, hi = store.bounds()
    for a in store.actors[1:]:
        for cells in (40, 120):
            fast = raster._by_sums(store, a, lo, hi, cells, None)
            slow = raster._by_spans(store, a, lo, hi, cells, None)
            assert fast == slow, (a.name, cells)
            assert raster._few(store, a, lo, hi, cells, None) == fast  # the two sums agree
        s = summarise(store).actors[a.index]
        walked = {st: 0 for st in State}
        for sp in store.spans(a):
            walked[sp.state] += sp.end - sp.start
        assert s.running == walked[State.RUNNING] and s.waiting == walked[State.WAITING]
        assert s.ready == walked[State.READY]


def test_lanes_summed_together_are_each_summed_alone() -> None:
    """A frame's lanes take the prefix sums in one pass: each row is still its own lane's,
    cell for cell, in windows that start before the lanes are born, cut their ends, or stop
    at a replay's clock, and a lane with no events yet draws nothing. (Alone, the sums draw
    what the span walk draws: the test above.)"""
    store = _random_cooks()
    empty = store.declare(99, Kind.THREAD, "Cook 99")
    actors = [*store.actors[1:], store.actors[empty]]
    lo, hi = store.bounds()
    third = (hi - lo) // 3
    for start, end in ((lo, hi), (lo + 777, lo + third), (lo + third, hi - third // 2)):
        for clock in (None, lo + third + third // 2):
            together = raster._by_sums_many(store, actors, start, end, 120, clock)
            alone = [raster._by_sums_many(store, [a], start, end, 120, clock)[0] for a in actors]
            assert together == alone, (start, end, clock)
            assert together[-1] == [-1] * 120
    assert raster._by_sums_many(store, actors, lo, hi, 120, None)[:-1] == [
        raster._by_spans(store, a, lo, hi, 120, None) for a in actors[:-1]
    ]


def test_a_late_event_rewinds_only_what_it_changes() -> None:
    """After an out-of-order event the prefix sums equal those of a store built in order."""
    live = _store()
    b = live.by_name("Cook B")
    summarise(live)  # derive everything once
    assert isinstance(b.key, int)
    late = array("q", [1000 + 7 * MS, b.key, State.READY, 0, 1, 0])
    live.ingest(late, [])
    assert b.edits == 1
    fresh = TraceStore()
    for a in live.actors:
        f = fresh.declare(a.key, a.kind, a.name, parent=a.parent)
        fresh.add_states(f, a.t, a.state, a.reason, a.core, a.label)
    for text in live.labels[1:]:
        fresh.label(text)
    got, want = summarise(live), summarise(fresh)
    assert [(x.running, x.ready, x.waiting) for x in got.actors] == [
        (x.running, x.ready, x.waiting) for x in want.actors
    ]
    assert got.per_core == want.per_core
    assert list(b.cum_run) == list(fresh.actors[b.index].cum_run)


def test_prefix_sums_are_the_same_in_small_and_large_batches() -> None:
    """A live lane derives a few events at a time, a loaded recording thousands at once (numpy):
    the sums must not depend on which."""
    import random

    from tui.trace.store import Actor

    rng = random.Random(3)
    t, ts, sts, cores = 0, array("q"), array("b"), array("h")
    for _ in range(1000):
        t += rng.choice((1_000, 30_000, 700_000))
        ts.append(t)
        sts.append(rng.choice((State.RUNNING, State.READY, State.WAITING)))
        cores.append(rng.choice((-1, 0, 1, 3)))
    zeros = array("b", bytes(len(ts)))
    whole, piecemeal = Actor(index=0, key=1), Actor(index=1, key=2)
    whole.extend(ts, sts, zeros, cores, array("i", bytes(4 * len(ts))))
    whole.derive()
    whole.per_core()
    k = 0
    while k < len(ts):
        step = rng.choice((1, 5, 63, 64, 200))
        for i in range(k, min(k + step, len(ts))):
            piecemeal.append(ts[i], sts[i], 0, cores[i], 0)
        piecemeal.derive()
        piecemeal.per_core()
        k += step
    assert list(whole.cum_run) == list(piecemeal.cum_run)
    assert list(whole.cum_wait) == list(piecemeal.cum_wait)
    assert whole.core_run == piecemeal.core_run and len(whole.core_run) == 4


def test_the_peak_by_an_instant_is_swept_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A paused replay asks for its figures at every refresh: the peak is read once per
    instant (and a replay at its end shares the whole run's answer)."""
    store = _store()
    lo, hi = store.bounds()
    calls: list[int] = []
    read = summary.ran_before

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return read(*args, **kwargs)

    monkeypatch.setattr(summary, "ran_before", counted)
    first = summarise(store, until=lo + 7 * MS).max_running
    swept = len(calls)
    assert swept and summarise(store, until=lo + 7 * MS).max_running == first
    assert len(calls) == swept
    whole = summarise(store).max_running
    swept = len(calls)
    assert summarise(store, until=hi).max_running == whole and len(calls) == swept


def _peak_by_spans(store: TraceStore, until: int | None) -> int:
    """The peak by hand: running time inside each window, summed span by span."""
    lo, hi = store.bounds()
    stop = hi if until is None else min(until, hi)
    runs = []
    for a in store.actors:
        if a.kind != Kind.THREAD:
            continue
        for sp in store.spans(a, end=until, open_end=until):
            if sp.state == State.RUNNING and (until is None or sp.start < until):
                runs.append((sp.start, min(sp.end, stop)))
    if stop <= lo or not any(b > a for a, b in runs):
        return 0
    lanes = sum(1 for a in store.actors if a.kind == Kind.THREAD and len(a))
    points = max(2 * summary.STEPS, summary.MAX_POINTS // lanes)
    window = max(min(summary.WINDOW, stop - lo), (stop - lo) * summary.STEPS // points)
    step = window / summary.STEPS
    best = 0.0
    x = float(lo)
    while x < stop - window:  # every window of full width, a step apart
        best = max(best, sum(max(0.0, min(e, x + window) - max(s, x)) for s, e in runs))
        x += step
    x = stop - window  # and the one that ends the run
    best = max(best, sum(max(0.0, min(e, stop) - max(s, x)) for s, e in runs)) / window
    return max(1, int(best + 0.5))


@pytest.mark.parametrize("seed", range(40))
def test_the_peak_agrees_with_running_time_summed_span_by_span(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Random lanes (ties, zero-length spans, lanes ending early, instants mid-span), some
    read with so few points allowed that the window widens past its 50 ms."""
    if seed % 2:
        monkeypatch.setattr(summary, "MAX_POINTS", 40)
    rng = random.Random(seed)
    store = TraceStore()
    proc = store.declare("p", Kind.PROCESS, "Kitchen")
    for i in range(rng.randint(1, 6)):
        a = store.declare(i, Kind.THREAD if rng.random() < 0.8 else Kind.TASK, f"c{i}", parent=proc)
        t = rng.choice([0, 3 * MS])
        for _ in range(rng.randint(1, 30)):
            store.add_state(a, t, rng.choice([State.RUNNING, State.READY, State.WAITING]))
            t += rng.choice([0, MS, 5 * MS, 6 * MS, 20 * MS, 60 * MS])
        if rng.random() < 0.5:
            store.add_state(a, t, State.DONE)
    lo, hi = store.bounds()
    for until in (None, lo, hi, rng.randint(lo, hi), rng.randint(lo, hi)):
        summary._PEAKS.clear()
        assert summary.most_running(store, until) == _peak_by_spans(store, until), until


def _cooks(spans: Sequence[Sequence[tuple[float, float]]]) -> TraceStore:
    """Cooks each running in the given (start, end) ms stretches and ready between."""
    store = TraceStore()
    proc = store.declare("p", Kind.PROCESS, "Kitchen")
    for i, runs in enumerate(spans):
        a = store.declare(i, Kind.THREAD, f"c{i}", parent=proc)
        for start, end in runs:
            store.add_state(a, int(start * MS), State.RUNNING)
            store.add_state(a, int(end * MS), State.READY)
        store.add_state(a, int(max(e for _, e in runs) * MS), State.DONE)
    return store


def test_most_at_once_reads_what_ran_together_not_a_chunk_s_overlap() -> None:
    turns = [[(k, k + 1.3) for k in range(0, 300, 2)], [(k, k + 1.3) for k in range(1, 300, 2)]]
    assert summarise(_cooks(turns)).max_running == 1  # one knife, chunks overlapping on paper
    together = [[(0, 200)], [(20, 220)], [(400, 401)]]
    assert summarise(_cooks(together)).max_running == 2
    short = [[(0, 7), (8, 12)], [(6, 9), (11, 13)]]  # frying-pan's 12 ms: once read as 0
    assert summarise(_cooks(short)).max_running == 1


def test_an_end_mark_is_one_cell_wherever_the_end_falls_in_it() -> None:
    """A lane that ends (done or failed) shows one mark, in the cell holding its instant, by
    every path and in sub-windows as the Gantt computes them; a mark weighed as a span a cell
    wide drew twice (``▏▏``) when the end fell early in a cell."""
    for final in (State.DONE, State.FAILED):
        for frac in (0.05, 0.3, 0.49, 0.51, 0.7, 0.95):
            store = TraceStore()
            index = store.declare(1, Kind.THREAD, "Cook")
            cells, width = 20, 1_000_000  # 1 ms a cell over [0, 20 ms)
            end = int((7 + frac) * width)
            for k in range(0, end, 50_000):  # running and ready by turns until the end
                store.add_state(index, k, State.RUNNING if k // 50_000 % 2 == 0 else State.READY)
            store.add_state(index, end, final)
            a = store.actors[index]
            lo, hi = 0, cells * width
            want = 7
            paths = {
                "spans": raster._by_spans(store, a, lo, hi, cells, None),
                "few": raster._few(store, a, lo, hi, cells, None),
                "sums": raster._by_sums(store, a, lo, hi, cells, None),
            }
            for path, got in paths.items():
                marks = [k for k, code in enumerate(got) if code == final]
                assert marks == [want], (final.name, frac, path, got)
            # the Gantt's way: the cells up to 7, then from 7 on, each computed alone
            split = raster.buckets(store, a, lo, 7 * width, 7, None) + raster.buckets(
                store, a, 7 * width, hi, cells - 7, None
            )
            assert [k for k, code in enumerate(split) if code == final] == [want], (frac, split)
            # and a window whose last cell holds the end (past the end's middle) still shows it
            short = raster.buckets(store, a, lo, int((7 + (1 + frac) / 2) * width), 8, None)
            assert short[-1] == final, (frac, short)


def test_a_lane_s_times_grow_last() -> None:
    """Every way events land (a batch from the wire, a batch that lands late, one event,
    one late event) grows ``t`` after the other columns, so a reader that takes the length
    from ``t`` without the lock never indexes past another column (the side panel did, once:
    an IndexError mid-stream)."""
    log: list[str] = []

    def watched(name: str, code: str) -> array:
        class Column(array):  # type: ignore[type-arg]
            def _note(self) -> None:
                log.append(name)

            def extend(self, other: Any) -> None:
                self._note()
                super().extend(other)

            def append(self, x: Any) -> None:
                self._note()
                super().append(x)

            def insert(self, i: Any, x: Any) -> None:
                self._note()
                super().insert(i, x)

            def __iadd__(self, other: Any) -> Any:  # type: ignore[misc]
                self._note()
                return super().__iadd__(other)

        return Column(code)

    store = TraceStore()
    store.start_clock(0)
    key = (1 << 24) | 1
    store.ingest(array("q"), [ActorDeclared(key, Kind.THREAD, 0, "Cook", 1, 1)])
    a = store.actors[0]
    for name, code in (("t", "q"), ("state", "b"), ("reason", "b"), ("core", "h"), ("label", "i")):
        setattr(a, name, watched(name, code))

    def batch(*times: int) -> array:
        return array("q", [x for t in times for x in (t, key, State.RUNNING, 0, 0, 0)])

    store.ingest(batch(10, 20, 30), [])  # the wire's batch, in order
    store.ingest(batch(25, 40), [])  # a batch that lands before the lane's last event
    store.add_state(0, 50, State.WAITING)  # one event
    store.add_state(0, 45, State.READY)  # one late event
    assert list(a.t) == [10, 20, 25, 30, 40, 45, 50]
    groups = [log[k : k + 5] for k in range(0, len(log), 5)]
    assert len(groups) == 5 and all(len(g) == 5 for g in groups), log
    assert all(g[-1] == "t" for g in groups), groups
