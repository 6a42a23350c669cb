"""The run's measured figures: wall time, CPU, parallelism, the peak of cooks running at once,
per core and per actor, as they stood at any instant.

Per-actor sums come from each lane's prefix sums (two lookups, whatever the run's size); the
peak needs a sweep over every span, so it is cached per store, change and instant.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

import numpy as np

from scenarios.wire import FINAL_STATES, Kind, State

if TYPE_CHECKING:
    from tui.trace.store import Actor, TraceStore

_PEAKS: WeakKeyDictionary[TraceStore, tuple[tuple[int, int | None], int]] = WeakKeyDictionary()
"""The last peak swept per store, under (events, instant)."""


@dataclass(frozen=True)
class ActorSummary:
    actor: Actor
    running: int
    ready: int
    waiting: int
    first: int
    last: int
    final: State | None


@dataclass(frozen=True)
class Summary:
    """The run's measured figures, all in ns but ``parallelism`` and ``max_running``."""

    wall: int
    """From the first state event to the last."""
    cpu: int
    """Running time summed over thread actors (CPU work belongs to threads)."""
    parallelism: float
    """``cpu / wall``: 1 means one core's worth of work at a time."""
    max_running: int
    """Most thread actors running at once, read over a window (:func:`most_running`)."""
    per_core: dict[int, int]
    """Busy (running) time per CPU core."""
    actors: list[ActorSummary]
    start_cpu: int = 0
    """CPU the run's kitchens spent starting (``START_CPU``), not in ``cpu``: no lane holds it."""


def summarise(
    store: TraceStore, peak: bool = True, cores: bool = True, until: int | None = None
) -> Summary:
    """The run's figures; the peak may be skipped (a live view does, while the clock moves).

    ``until``: the figures as they stood at that instant (a replay's clock, a live run's now):
    nothing after it counts, and the wall time runs to it. Per-core time is then left out (it
    is kept for whole spans only).
    """
    with store.lock:
        return _figures(store, peak, cores and until is None, until)


def _figures(store: TraceStore, peak: bool, cores: bool, until: int | None) -> Summary:
    lo, hi = store.bounds()
    if until is not None:
        hi = max(lo, until)
    wall = hi - lo
    per_core: dict[int, int] = {}
    actors = []
    cpu = 0
    for a in store.actors:
        last = store.visible(a, until)
        if last < 0:
            actors.append(ActorSummary(a, 0, 0, 0, 0, 0, None))
            continue
        a.derive()
        final = State(a.state[last]) if a.state[last] in FINAL_STATES else None
        stop = a.t[last] if final is not None else hi
        run, wait = a.cum_run[last], a.cum_wait[last]
        if final is None:
            tail = stop - a.t[last]
            if a.state[last] == State.RUNNING:
                run += tail
            elif a.state[last] == State.WAITING:
                wait += tail
        alive = a.t[1] if a.state[0] == State.NEW and last > 0 else a.t[0]
        ready = max(0, stop - alive - run - wait)
        if a.kind == Kind.THREAD:
            cpu += run
            for c, ns in (a.per_core() if cores else {}).items():
                per_core[c] = per_core.get(c, 0) + ns
            if cores and final is None and a.state[last] == State.RUNNING:
                c = a.core[last]
                per_core[c] = per_core.get(c, 0) + stop - a.t[last]
        actors.append(ActorSummary(a, run, ready, wait, a.t[0], a.t[last], final))
    most = most_running(store, until) if peak else 0
    start_cpu = sum(ns for t, ns in store.starts if until is None or t <= until)
    return Summary(wall, cpu, cpu / wall if wall else 0.0, most, per_core, actors, start_cpu)


def most_running(store: TraceStore, until: int | None = None) -> int:
    """Most cooks running at once: the threads' running time over a :data:`WINDOW` at its
    peak, divided by the window and rounded (by ``until`` if given); at least 1 if any ran.

    Read over a window, not at an instant, because the lanes cannot resolve an instant: a
    chunk's running and ready parts are placed within its ~1 ms, so cooks of one knife
    overlap on paper by a chunk or two, and at a 1 µs switch interval all the time. A peak
    held for 5 ms used to answer this: it read 0 for frying-pan's 12 ms run, 2 under one GIL
    when a chunk ran long, and 1 for two busy kitchens whose cooks never overlapped for 5 ms
    at once. This figure agrees with the parallelism (never above its window's) and with
    the cores view (the cells' busy shares over the same window).

    Over each lane's prefix sums at the window's steps (no object per span, no sort), cached
    per change and instant, so a paused replay computes it once.
    """
    if until is not None and until == store.bounds()[1]:
        until = None  # a replay at its end: the whole run, under the same key
    key = (store.events, until)
    cached = _PEAKS.get(store)
    if cached is not None and cached[0] == key:
        return cached[1]
    most = _peak(store, until)
    _PEAKS[store] = (key, most)
    return most


WINDOW = 50_000_000
"""ns over which "at once" is read: ten GIL switch intervals, fifty chunks, a dozen samples of
a traced program's threads (which overlap on paper by up to two sample periods)."""
STEPS = 8
"""Window positions a window apart: the peak is found to within an eighth of the window."""
MAX_POINTS = 4_000_000
"""Lookups at most (points × lanes): a long run's window widens instead."""


def _peak(store: TraceStore, until: int | None) -> int:
    lo, hi = store.bounds()
    stop = hi if until is None else min(until, hi)
    lanes = [a for a in store.actors if a.kind == Kind.THREAD and len(a)]
    if stop <= lo or not lanes:
        return 0
    span = stop - lo
    points = max(2 * STEPS, MAX_POINTS // len(lanes))
    window = max(min(WINDOW, span), span * STEPS // points)
    # every window of full width, a step apart, and the one that ends the run
    starts = lo + np.arange(int((span - window) / (window / STEPS)) + 1) * (window / STEPS)
    starts = np.append(starts[starts < stop - window], stop - window)
    ran = np.zeros(len(starts))
    for a in lanes:
        ran += ran_before(a, starts + window, until) - ran_before(a, starts, until)
    if not ran.max() > 0:
        return 0
    return max(1, int(ran.max() / window + 0.5))


def ran_before(a: Actor, grid: np.ndarray, until: int | None) -> np.ndarray:
    """The actor's running time before each instant of ``grid`` (ascending, none past the
    view's now), from its prefix sums; its last open span runs on to each instant, and
    with ``until``, only what had begun before it counts."""
    a.derive()
    n = min(a.derived, len(a) if until is None else bisect_left(a.t, until))
    if n <= 0:
        return np.zeros(len(grid))
    ts = np.frombuffer(a.t, dtype=np.int64, count=n)
    st = np.frombuffer(a.state, dtype=np.int8, count=n)
    cr = np.frombuffer(a.cum_run, dtype=np.int64, count=n)
    i = ts.searchsorted(grid, side="right") - 1
    seen = i >= 0
    i[~seen] = 0
    out = np.where(seen, cr[i] + (grid - ts[i]) * (st[i] == State.RUNNING), 0.0)
    del ts, st, cr  # the views die here: the lane's arrays may be resized again
    return out  # type: ignore[no-any-return]


def ready_causes(store: TraceStore, a: Actor) -> dict[int, int]:
    """The actor's ready time by cause (``Reason`` code; 0: not known), over the whole run:
    each ready span's length summed by its reason, numpy over the lane (for printed tables,
    not for every frame)."""
    with store.lock:
        n = len(a)
        if n < 2:
            return {}
        ts = np.frombuffer(a.t, dtype=np.int64, count=n)
        st = np.frombuffer(a.state, dtype=np.int8, count=n)[:-1]
        why = np.frombuffer(a.reason, dtype=np.int8, count=n)[:-1]
        ready = st == State.READY
        sums = np.bincount(why[ready], weights=np.diff(ts)[ready], minlength=1)
        del ts, st, why
    return {int(k): int(v) for k, v in enumerate(sums) if v > 0}
