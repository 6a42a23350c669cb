"""Frame by frame: the lanes a replay or a live run draws while its clock moves are the lanes a
fresh render of the same window and the same clock draws.

The Gantt keeps the cells it already computed; these tests are the proof that what it keeps is
only what can no longer change (a replay once drew one column for the whole run because its
cache took the file's future for the past).
"""

from __future__ import annotations

import random
from array import array
from pathlib import Path

import pytest

from tests.conftest import DATA
from tui.app.widgets.gantt import Gantt
from tui.formats import recording
from tui.report import glyphs
from tui.trace import raster
from tui.trace.lanes import lanes_for
from tui.trace.store import TraceStore
from tui.trace.summary import summarise
from tui.trace.timeline import Timeline

RECORDINGS = Path(__file__).resolve().parent.parent / "tui" / "recordings"
CELLS = 97


def _drawn(g: Gantt, store: TraceStore, cells: int, together: bool = False) -> list[list[int]]:
    """Each lane's cells, lane by lane, or (``together``) all lanes at once as a frame
    computes them."""
    actors = []
    for lane in lanes_for(store, "threads"):
        assert lane.actor is not None
        actors.append(store.actors[lane.actor])
    rows = g._states_many(actors, cells) if together else [g._states(a, cells) for a in actors]
    shown = glyphs.shown_cells(g.start, g.end, cells, g.now)
    return [codes[:shown] + [-2] * (cells - shown) for codes in rows]


def _fresh(store: TraceStore, start: int, end: int, now: int | None, cells: int) -> list[list[int]]:
    g = Gantt(store)
    g.start, g.end, g.now = start, end, now
    return _drawn(g, store, cells)


def _direct(
    store: TraceStore, start: int, end: int, now: int | None, cells: int
) -> list[list[int]]:
    """Straight from the store, no Gantt at all."""
    out = []
    shown = glyphs.shown_cells(start, end, cells, now)
    for lane in lanes_for(store, "threads"):
        assert lane.actor is not None
        row = raster.buckets(store, store.actors[lane.actor], start, end, cells, now)
        out.append(row[:shown] + [-2] * (cells - shown))
    return out


def _empty_like(store: TraceStore) -> TraceStore:
    """The same actors, names and labels, and no events yet."""
    out = TraceStore(store.header)
    for text in store.labels[1:]:
        out.label(text)
    for a in store.actors:
        out.declare(a.key, a.kind, a.name, parent=a.parent)
    return out


@pytest.mark.parametrize("name", ["one-knife", "burnt-dish", "abc-async", "two-kitchens"])
def test_a_replay_frame_by_frame_is_a_fresh_render(name: str) -> None:
    store = recording.load(DATA / f"{name}.jsonl")
    lo, hi = store.bounds()
    rng = random.Random(7)
    g = Gantt(store)
    together = Gantt(store)
    for window in ((lo, hi), (lo + (hi - lo) // 3, lo + (hi - lo) // 2)):
        g.start, g.end = together.start, together.end = window
        t = lo
        frames = 0
        while t < hi + (hi - lo) // 10:
            g.now = together.now = t
            want = _fresh(store, *window, t, CELLS)
            assert _drawn(g, store, CELLS) == want, (window, t)
            assert _drawn(together, store, CELLS, together=True) == want, (window, t)
            t += rng.randint(1, (hi - lo) // 25)
            frames += 1
        assert frames > 20
        # r: the clock goes back to the start; nothing drawn later may leak into it
        for t in (lo, lo + (hi - lo) // 5):
            g.now = t
            assert _drawn(g, store, CELLS) == _fresh(store, *window, t, CELLS)


def test_a_replay_hides_its_future() -> None:
    """At the clock, the store answers as if the rest of the file did not exist."""
    full = recording.load(DATA / "one-knife.jsonl")
    lo, hi = full.bounds()
    mid = lo + (hi - lo) // 2
    past = _empty_like(full)
    for a in full.actors:
        b = past.actors[a.index]
        k = full.visible(a, mid) + 1
        b.extend(a.t[:k], a.state[:k], a.reason[:k], a.core[:k], a.label[:k])
    assert _direct(full, lo, hi, mid, CELLS) == _direct(past, lo, hi, mid, CELLS)
    got, want = summarise(full, until=mid), summarise(past, until=mid)
    assert (got.wall, got.cpu, got.max_running) == (want.wall, want.cpu, want.max_running)
    assert got.wall == mid - lo
    assert full.events_until(mid) == sum(len(a) for a in past.actors)


def test_a_live_run_frame_by_frame_is_a_fresh_render() -> None:
    """Events arrive in batches, now runs ahead of the newest; the window doubles as a live
    view's does. Every frame equals a fresh render of that frame."""
    source = recording.load(RECORDINGS / "one-knife.jsonl")
    lo, hi = source.bounds()
    events = sorted((a.t[i], a.index, i) for a in source.actors for i in range(len(a)))
    live = _empty_like(source)
    g = Gantt(live)
    together = Gantt(live)
    tl = Timeline()
    rng = random.Random(3)
    k = 0
    while k < len(events):
        batch = events[k : k + rng.randint(1, 40)]
        k += len(batch)
        for t, actor, i in batch:
            a = source.actors[actor]
            live.add_state(actor, t, a.state[i], a.reason[i], a.core[i], a.label[i])
        now = batch[-1][0] + rng.randint(0, 3_000_000)
        g.start, g.end = together.start, together.end = tl.window(lo, hi, now)
        g.now = together.now = now
        want = _fresh(live, g.start, g.end, now, CELLS)
        assert _drawn(g, live, CELLS) == want, now
        assert _drawn(together, live, CELLS, together=True) == want, now
    assert _direct(live, lo, hi, None, CELLS) == _direct(source, lo, hi, None, CELLS)
    assert array("q", live.actors[1].t) == source.actors[1].t
