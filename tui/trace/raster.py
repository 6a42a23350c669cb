"""Rasterising lanes into cells: the state that filled most of each cell, and how busy a core was.

Three ways to the same answer, chosen by how many events fall in the window against how many
cells it has (each measured: README, "How it draws" and "Speed"): walking the spans, prefix sums
in plain Python for a handful of cells, and prefix sums through numpy for many. The numpy views
look at the store's own arrays (no copy) and die before the store's lock is released.

An actor's end (done, failed) is a mark in the one cell that holds its instant, whatever else
that cell holds, by every path. Weighed as a span a cell wide from the event, it spread over the
two cells it touched and drew twice (a lane ending ``▏▏``), or, late in a window's last cell,
not at all.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from scenarios.wire import FINAL_STATES, READY_REASONS, Kind, State
from tui.trace.store import Actor, TraceStore

READY_BY = 16
"""A ready cell of a known cause is ``READY_BY + reason`` (the glyph table draws each)."""


def buckets(
    store: TraceStore, actor: Actor, start: int, end: int, n: int, open_end: int | None = None
) -> list[int]:
    """The dominant state (most time) of each of ``n`` equal slices of ``[start, end)``.

    -1 where the actor did not exist. ``open_end`` is the instant the view calls now: an
    unfinished last span runs to it, and events after it are not there yet (a replay hides
    its future, so a cell is the same whether the file holds the rest of the run or not).

    When the window holds many more events than cells, the answer comes from prefix sums
    (two binary searches a cell), so a frame costs the same at ten thousand events as at
    ten million.
    """
    return buckets_many(store, [actor], start, end, n, open_end)[0]


def buckets_many(
    store: TraceStore,
    actors: list[Actor],
    start: int,
    end: int,
    n: int,
    open_end: int | None = None,
) -> list[list[int]]:
    """:func:`buckets` of several lanes over one window, each the same answer as alone.

    The lanes that take the prefix sums take them together: numpy's fixed cost per call,
    not the cells, was most of a lane's time (a window of 400 lanes over 10 M events paid
    it some thirty times a lane), so the per-lane part is a binary search and the gathers
    from that lane's own arrays, and the rest is one pass over every lane's cells at once.
    """
    if n <= 0 or end <= start:
        return [[-1] * n for _ in actors]
    out: list[list[int] | None] = [None] * len(actors)
    summed: list[int] = []
    with store.lock:  # the collector may be appending to these very arrays
        for k, actor in enumerate(actors):
            if not len(actor):
                out[k] = [-1] * n
                continue
            ts = actor.t
            inside = bisect_left(ts, end) - bisect_right(ts, start)
            if inside <= max(n // 2, 64):  # measured: where the walk beats the sums
                out[k] = _by_spans(store, actor, start, end, n, open_end)
            elif n <= 16:  # a live frame's few new cells: numpy's fixed cost would dominate
                out[k] = _few(store, actor, start, end, n, open_end)
            else:
                summed.append(k)
        if summed:
            rows = _by_sums_many(store, [actors[k] for k in summed], start, end, n, open_end)
            for k, row in zip(summed, rows, strict=True):
                out[k] = row
        filled = [row for row in out if row is not None]
        assert len(filled) == len(actors)
        return [
            _with_causes(actor, start, end, row) for actor, row in zip(actors, filled, strict=True)
        ]


def _with_causes(actor: Actor, start: int, end: int, cells: list[int]) -> list[int]:
    """Each ``ready`` cell with its cause where the lane says one (a task's loop, a kitchen
    starting up): the cause of the ready span at the cell's middle, one binary search a
    ready cell (cells that are not ready cost nothing)."""
    ready = int(State.READY)
    if ready not in cells:
        return cells
    ts, st, why = actor.t, actor.state, actor.reason
    width = (end - start) / len(cells)
    for k, code in enumerate(cells):
        if code != ready:
            continue
        i = bisect_right(ts, start + (k + 0.5) * width) - 1
        if i + 1 < len(ts) and st[i] != ready and ts[i + 1] < start + (k + 1) * width:
            i += 1  # the cell's ready span begins after its middle
        if i >= 0 and st[i] == ready and why[i] in READY_REASONS:
            cells[k] = READY_BY + why[i]
    return cells


def _open_end(store: TraceStore, open_end: int | None) -> int:
    """Where a last, unfinished span ends: a live run's now, or the last event."""
    return store.bounds()[1] if open_end is None else open_end


def _by_spans(
    store: TraceStore, actor: Actor, start: int, end: int, n: int, open_end: int | None
) -> list[int]:
    """Walk the events in the window: a cell wholly inside one span takes its state at
    once; only the cells a span boundary cuts weigh their parts."""
    out = [-1] * n
    ts, st = actor.t, actor.state
    width = (end - start) / n
    last = store.visible(actor, open_end)
    stop = _open_end(store, open_end)
    partial: dict[int, dict[int, float]] = {}
    marks: dict[int, int] = {}
    lo_i = max(0, bisect_right(ts, start) - 1)
    hi_i = min(last, bisect_left(ts, end))
    for k in range(lo_i, hi_i + 1):
        state = st[k]
        a = ts[k]
        if state in FINAL_STATES:  # the end mark, not a lane of "done": see the module's note
            if start <= a < end:
                marks[int((a - start) // width)] = state
            continue
        b = ts[k + 1] if k < last else max(stop, a)
        a, b = max(a, start), min(b, end)
        if b <= a:
            continue
        ca = (a - start) / width
        cb = (b - start) / width
        i, j = int(ca), min(n - 1, int(cb - 1e-9))
        if i == j:
            w = partial.setdefault(i, {})
            w[state] = w.get(state, 0.0) + (cb - ca)
            continue
        if ca > i:
            w = partial.setdefault(i, {})
            w[state] = w.get(state, 0.0) + (i + 1 - ca)
            i += 1
        if cb < j + 1:
            w = partial.setdefault(j, {})
            w[state] = w.get(state, 0.0) + (cb - j)
            j -= 1
        out[i : j + 1] = [state] * (j + 1 - i)
    for c, w in partial.items():
        if out[c] != -1:
            continue  # wholly covered by one span: that state fills it
        out[c] = max(w, key=w.__getitem__)
    for c, state in marks.items():
        out[min(c, n - 1)] = state
    return out


def _life(
    store: TraceStore, actor: Actor, open_end: int | None
) -> tuple[int, int | None, int, int, int]:
    """For the prefix-sum paths: the last visible index (-1: none yet), the final state (or
    None), where the last span stops, the first event, and when it stopped being ``new``."""
    actor.derive()
    last = min(actor.derived - 1, store.visible(actor, open_end))
    if last < 0:
        return last, None, 0, 0, 0
    final = actor.state[last] if actor.state[last] in FINAL_STATES else None
    stop = actor.t[last] if final is not None else _open_end(store, open_end)
    first = actor.t[0]
    alive = actor.t[1] if actor.state[0] == State.NEW and last > 0 else first
    return last, final, stop, first, alive


def _few(
    store: TraceStore, actor: Actor, start: int, end: int, n: int, open_end: int | None
) -> list[int]:
    """The prefix-sum answer in plain Python, for a handful of cells.

    Measured: 12 µs for 4 cells where the numpy path takes 175 µs; past ~16 cells numpy
    wins. Same rules as :meth:`_buckets_by_sums`.
    """
    last, final, stop, first, alive = _life(store, actor, open_end)
    if last < 0:
        return [-1] * n
    ts, st, cr, cw = actor.t, actor.state, actor.cum_run, actor.cum_wait
    width = (end - start) / n
    running, waiting = int(State.RUNNING), int(State.WAITING)
    run: list[float] = []
    wait: list[float] = []
    lo = 0
    for k in range(n + 1):
        x = min(start + k * width, stop)
        i = bisect_right(ts, x, lo, last + 1) - 1
        if i < 0:
            run.append(0)
            wait.append(0)
            continue
        lo = i
        since = x - ts[i]
        run.append(cr[i] + (since if st[i] == running else 0))
        wait.append(cw[i] + (since if st[i] == waiting else 0))
    out = []
    for k in range(n):
        a = start + k * width
        b = a + width
        r = run[k + 1] - run[k]
        w = wait[k + 1] - wait[k]
        ready = min(b, stop) - max(a, alive) - r - w
        best, weight = -1, 0.0
        if r > weight:
            best, weight = running, r
        if w > weight:
            best, weight = waiting, w
        if ready > weight:
            best, weight = int(State.READY), ready
        if a < alive and min(b, alive) - max(a, first) > weight:
            best = int(State.NEW)
        if final is not None and a <= stop < b:  # the end's own cell: see the module's note
            best = final
        out.append(best)
    return out


def _by_sums(
    store: TraceStore, actor: Actor, start: int, end: int, n: int, open_end: int | None
) -> list[int]:
    """Time in each state per cell from the prefix sums, all cells at once."""
    return _by_sums_many(store, [actor], start, end, n, open_end)[0]


def _by_sums_many(
    store: TraceStore, actors: list[Actor], start: int, end: int, n: int, open_end: int | None
) -> list[list[int]]:
    """:func:`_by_sums` of several lanes over one window, one row of cells a lane.

    numpy views each lane's own arrays (no copy) for one ``searchsorted`` over every cell
    edge and the gathers at the edges found; the views die before the lock is released, so
    the collector can grow the arrays. The rest is computed for every lane at once.
    """
    m = len(actors)
    width = (end - start) / n
    grid = start + _steps(n) * width  # the n + 1 cell edges
    lives = [_life(store, a, open_end) for a in actors]
    stop = np.array([life[2] for life in lives], dtype=np.int64)[:, None]
    alive = np.array([life[4] for life in lives], dtype=np.int64)[:, None]
    first = np.array([life[3] for life in lives], dtype=np.int64)[:, None]
    edges = np.minimum(grid, stop)
    # searched as whole ns: an int64 array searched for floats is first copied to floats
    # whole; the last event at or before an edge is the last at or before its floor
    floors = np.floor(edges).astype(np.int64)
    # per lane: one search and the gathers at the edges found, into one row each; the
    # arithmetic is then done once for every lane
    found = np.zeros((m, n + 1), dtype=np.int64)  # events at or before each edge
    at_t = np.zeros((m, n + 1), dtype=np.int64)
    at_state = np.zeros((m, n + 1), dtype=np.int8)
    cum_run = np.zeros((m, n + 1), dtype=np.int64)
    cum_wait = np.zeros((m, n + 1), dtype=np.int64)
    for k, (actor, life) in enumerate(zip(actors, lives, strict=True)):
        count = life[0] + 1
        if not count:
            continue
        ts = np.frombuffer(actor.t, dtype=np.int64, count=count)
        row = found[k]
        row[:] = ts.searchsorted(floors[k], side="right")
        idx = np.maximum(row - 1, 0)
        ts.take(idx, out=at_t[k])
        np.frombuffer(actor.state, dtype=np.int8, count=count).take(idx, out=at_state[k])
        np.frombuffer(actor.cum_run, dtype=np.int64, count=count).take(idx, out=cum_run[k])
        np.frombuffer(actor.cum_wait, dtype=np.int64, count=count).take(idx, out=cum_wait[k])
        del ts  # release the buffer exports now, not at some later collection
    since = edges - at_t
    run = cum_run + since * (at_state == int(State.RUNNING))
    wait = cum_wait + since * (at_state == int(State.WAITING))
    outside = found == 0  # an edge before the lane's first event
    run[outside] = 0
    wait[outside] = 0
    r = np.diff(run)
    w = np.diff(wait)
    a, b = grid[:-1], grid[1:]
    live = np.minimum(b, stop) - np.maximum(a, alive)
    # a lane already alive at the window's start has no ``new`` share: all zero, it never
    # wins (a positive top beats it, and a top of zero draws nothing either way)
    born = np.where(a < alive, np.minimum(b, alive) - np.maximum(a, first), 0.0)
    stacked = np.stack([r, w, live - r - w, born])
    top = stacked.max(axis=0)
    codes = np.array([int(State.RUNNING), int(State.WAITING), int(State.READY), int(State.NEW)])
    best = np.where(top > 0, codes[stacked.argmax(axis=0)], -1)
    rows: list[list[int]] = best.tolist()
    for k, (last, final, end_at, _, _) in enumerate(lives):
        if last < 0:
            rows[k] = [-1] * n
        elif final is not None and start <= end_at < end:  # the end's own cell: see the
            row = best[k]  # module's note
            row[(a <= end_at) & (end_at < b)] = int(final)
            rows[k] = row.tolist()
    return rows


class Occupancy(NamedTuple):
    """A core's cells: who ran there most (-1: idle) and how much of the cell it was busy."""

    owners: list[int]
    """Store index of the thread that ran most of each cell on the core (-1: nobody)."""
    busy: list[float]
    """The fraction of each cell the core ran any thread of the run, 0 to 1."""


def core_occupancy(
    store: TraceStore, core: int, start: int, end: int, n: int, open_end: int | None = None
) -> Occupancy:
    """How busy ``core`` was in each of ``n`` slices of ``[start, end)``, and who was there.

    Each thread's time running on the core is summed per cell exactly, from its spans in
    the window: numpy over that window's events, so the cost follows the events shown (the
    app keeps the cells that can no longer change, so a replay's frame computes only the
    cells its clock moved over). Sampled instead, a cell of 400 events read at 32 instants
    was off by up to 0.21 of a cell, nearly two of the eighths drawn. A replay's future
    (after ``open_end``) is not there yet.
    """
    if n <= 0 or end <= start:
        return Occupancy([-1] * n, [0.0] * n)
    width = (end - start) / n
    edges = start + _steps(n) * width
    who: list[int] = []
    shares: list[np.ndarray] = []
    with store.lock:  # the collector may be appending to these very arrays
        hi_all = store.bounds()[1]
        for a in store.actors:
            if a.kind != Kind.THREAD or not len(a):
                continue
            share = _on_core(store, a, core, edges, open_end, hi_all)
            if share is not None:
                who.append(a.index)
                shares.append(share)
    if not shares:
        return Occupancy([-1] * n, [0.0] * n)
    stacked = np.stack(shares)
    busy = np.minimum(1.0, stacked.sum(axis=0) / width)
    owners = np.where(busy > 0, np.array(who)[stacked.argmax(axis=0)], -1)
    return Occupancy(owners.tolist(), busy.tolist())


def _on_core(
    store: TraceStore, a: Actor, core: int, edges: np.ndarray, open_end: int | None, hi: int
) -> np.ndarray | None:
    """ns the actor ran on ``core`` in each cell between ``edges`` (None: never there)."""
    start, end = int(edges[0]), int(edges[-1])
    last = store.visible(a, open_end)
    if last < 0:
        return None
    ts = a.t
    lo_i = max(0, bisect_right(ts, start, 0, last + 1) - 1)
    hi_i = min(last, bisect_left(ts, end, 0, last + 1))
    horizon = hi if open_end is None else open_end
    count = hi_i - lo_i + 1
    t = np.frombuffer(a.t, dtype=np.int64, count=last + 1)[lo_i : hi_i + 1]
    on = np.frombuffer(a.core, dtype=np.int16, count=last + 1)[lo_i : hi_i + 1] == core
    on &= np.frombuffer(a.state, dtype=np.int8, count=last + 1)[lo_i : hi_i + 1] == State.RUNNING
    if not on.any():
        return None
    # each span's time on the core (its end: the next event, or for the last one shown, the
    # horizon), then the time before each event, read at every cell edge
    tail = ts[hi_i + 1] if hi_i < last else max(horizon, ts[hi_i])
    ran = np.empty(count, dtype=np.int64)
    ran[:-1] = np.diff(t)
    ran[-1] = tail - t[-1]
    ran *= on
    before = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(ran, out=before[1:])
    j = t.searchsorted(edges, side="right") - 1
    valid = j >= 0
    j[~valid] = 0
    upto = np.where(valid, before[j] + np.clip(edges - t[j], 0, ran[j]), 0.0)
    return np.diff(upto)  # type: ignore[no-any-return]


@lru_cache(maxsize=32)
def _steps(n: int) -> np.ndarray:
    """0, 1, … n as floats: the cell edges of a lane, made once per width."""
    steps = np.arange(n + 1, dtype=np.float64)
    steps.flags.writeable = False
    return steps
