"""Rasterising lanes into cells: the state that filled most of each cell, and who ran on a core.

Three ways to the same answer, chosen by how many events fall in the window against how many
cells it has (each measured: README, "How it draws" and "Speed"): walking the spans, prefix sums
in plain Python for a handful of cells, and prefix sums through numpy for many. The numpy views
look at the store's own arrays (no copy) and die before the store's lock is released.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from functools import lru_cache

import numpy as np

from scenarios.wire import FINAL_STATES, Kind, State
from tui.trace.store import Actor, TraceStore


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
    if n <= 0 or end <= start or not len(actor):
        return [-1] * n
    ts = actor.t
    inside = bisect_left(ts, end) - bisect_right(ts, start)
    with store.lock:  # the collector may be appending to these very arrays
        if inside <= max(n // 2, 64):  # measured: where the walk beats the sums
            return _by_spans(store, actor, start, end, n, open_end)
        if n <= 16:  # a live frame's few new cells: numpy's fixed cost would dominate
            return _few(store, actor, start, end, n, open_end)
        return _by_sums(store, actor, start, end, n, open_end)


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
    lo_i = max(0, bisect_right(ts, start) - 1)
    hi_i = min(last, bisect_left(ts, end))
    for k in range(lo_i, hi_i + 1):
        state = st[k]
        a = ts[k]
        b = ts[k + 1] if k < last else max(stop, a)
        if state in FINAL_STATES:
            b = a + width  # the end mark, not a lane of "done"
        at = a
        a, b = max(a, start), min(b, end)
        if b <= a:
            if state == State.FAILED and start <= at < end:  # the instant, not the clamp
                b = a + 1
            else:
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
        if out[c] != -1 and out[c] != State.FAILED:
            continue  # wholly covered by one span: that state fills it
        out[c] = State.FAILED if State.FAILED in w else max(w, key=w.__getitem__)
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
        if final is not None and b > stop and a < stop + width:
            mark = min(b, stop + width) - max(a, stop)
            if final == State.FAILED or mark > weight:
                best = final
        out.append(best)
    return out


def _by_sums(
    store: TraceStore, actor: Actor, start: int, end: int, n: int, open_end: int | None
) -> list[int]:
    """Time in each state per cell from the prefix sums, all cells at once.

    numpy views the store's own arrays (no copy) for one ``searchsorted`` over every cell
    edge; the views die before the lock is released, so the collector can grow the arrays.
    """
    last, final, stop, first, alive = _life(store, actor, open_end)
    if last < 0:
        return [-1] * n
    ts = np.frombuffer(actor.t, dtype=np.int64, count=last + 1)
    st = np.frombuffer(actor.state, dtype=np.int8, count=last + 1)
    cr = np.frombuffer(actor.cum_run, dtype=np.int64, count=last + 1)
    cw = np.frombuffer(actor.cum_wait, dtype=np.int64, count=last + 1)
    width = (end - start) / n
    grid = start + _steps(n) * width  # the n + 1 cell edges
    edges = np.minimum(grid, stop)
    idx = ts.searchsorted(edges, side="right") - 1
    outside = idx < 0
    idx[outside] = 0
    since = edges - ts[idx]
    at = st[idx]
    run = cr[idx] + since * (at == State.RUNNING)
    wait = cw[idx] + since * (at == State.WAITING)
    del ts, st, cr, cw  # release the buffer exports now, not at some later collection
    run[outside] = 0
    wait[outside] = 0
    r = np.diff(run)
    w = np.diff(wait)
    a, b = grid[:-1], grid[1:]
    live = np.minimum(b, stop) - np.maximum(a, alive)
    shares = [r, w, live - r - w]
    codes = [int(State.RUNNING), int(State.WAITING), int(State.READY)]
    if start < alive:
        shares.append(np.where(a < alive, np.minimum(b, alive) - np.maximum(a, first), 0.0))
        codes.append(int(State.NEW))
    stacked = np.stack(shares)
    top = stacked.max(axis=0)
    best = np.where(top > 0, np.array(codes)[stacked.argmax(axis=0)], -1)
    if final is not None and start - width < stop < end:
        mark = np.minimum(b, stop + width) - np.maximum(a, stop)
        show = (mark > 0) & ((final == State.FAILED) | (mark > top))
        best[show] = int(final)
    return best.tolist()  # type: ignore[no-any-return]


def core_buckets(
    store: TraceStore, core: int, start: int, end: int, n: int, open_end: int | None = None
) -> list[int]:
    """Which thread actor ran most on ``core`` in each of ``n`` slices (-1: idle).

    An actor with many more events in the window than cells is sampled at each cell's
    middle instead of walked span by span, so the cost follows the cells.
    """
    out = [-1] * n
    if n <= 0 or end <= start:
        return out
    width = (end - start) / n
    weights: list[dict[int, float]] = [{} for _ in range(n)]
    running = State.RUNNING
    horizon = end if open_end is None else open_end
    with store.lock:
        for a in store.actors:
            if a.kind != Kind.THREAD or not len(a):
                continue
            ts = a.t
            if bisect_left(ts, end) - bisect_right(ts, start) > 2 * n:
                stop = (
                    ts[-1]
                    if a.state[-1] in FINAL_STATES
                    else (store.bounds()[1] if open_end is None else open_end)
                )
                if open_end is not None:  # a replay's future is not there yet
                    stop = min(stop, open_end)
                i = 0
                for k in range(n):
                    mid = start + (k + 0.5) * width
                    if mid > stop:
                        break
                    i = bisect_right(ts, mid, i) - 1
                    if i >= 0 and a.state[i] == running and a.core[i] == core:
                        weights[k][a.index] = weights[k].get(a.index, 0) + width
                    i = max(i, 0)
                continue
            for s in store.spans(a, start, end, open_end):
                if s.state != running or s.core != core:
                    continue
                lo_t, hi_t = max(s.start, start), min(s.end, end, horizon)
                if hi_t <= lo_t:
                    continue
                i = min(n - 1, int((lo_t - start) / width))
                j = min(n - 1, int((hi_t - 1 - start) / width))
                for k in range(i, j + 1):
                    lo = start + k * width
                    cover = min(hi_t, lo + width) - max(lo_t, lo)
                    w = weights[k]
                    w[a.index] = w.get(a.index, 0) + cover
    for k, w in enumerate(weights):
        if w:
            out[k] = max(w, key=w.__getitem__)
    return out


@lru_cache(maxsize=32)
def _steps(n: int) -> np.ndarray:
    """0, 1, … n as floats: the cell edges of a lane, made once per width."""
    steps = np.arange(n + 1, dtype=np.float64)
    steps.flags.writeable = False
    return steps
