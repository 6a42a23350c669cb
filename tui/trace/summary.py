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
    """Most thread actors running at one instant."""
    per_core: dict[int, int]
    """Busy (running) time per CPU core."""
    actors: list[ActorSummary]


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
    return Summary(wall, cpu, cpu / wall if wall else 0.0, most, per_core, actors)


def most_running(store: TraceStore, until: int | None = None) -> int:
    """Most thread actors running together (for at least 5 ms), by ``until`` if given;
    cached per change and instant, so a paused replay sweeps its spans once.

    Swept in windows of time of about :data:`SWEEP_EVENTS` events, the level carried from one
    to the next: sorting every span edge of a 10 M-event run at once held ~400 MB of
    temporaries, more than the store itself."""
    if until is not None and until == store.bounds()[1]:
        until = None  # a replay at its end: the whole run, under the same key
    key = (store.events, until)
    cached = _PEAKS.get(store)
    if cached is not None and cached[0] == key:
        return cached[1]
    lo, hi = store.bounds()
    stop = hi if until is None else until
    lanes = [a for a in store.actors if a.kind == Kind.THREAD and len(a)]
    windows = max(1, sum(map(len, lanes)) // SWEEP_EVENTS)
    width = max(1, (stop - lo) // windows + 1)
    peak = Peak()
    for k in range(windows):
        t0, t1 = lo + k * width, (lo + (k + 1) * width if k + 1 < windows else None)
        starts, ends = [], []
        for a in lanes:
            cut = len(a) if until is None else bisect_left(a.t, until)
            i = min(cut, bisect_left(a.t, t0)) if k else 0
            j = cut if t1 is None else min(cut, bisect_left(a.t, t1))
            s, e = running_spans(a, stop, until, max(0, i - 1), j)
            starts.append(s[s >= t0] if k else s)
            ends.append(e[(e >= t0) & (e < t1)] if t1 is not None else e[e >= t0])
        peak.add(starts, ends)
    _PEAKS[store] = (key, peak.most)
    return peak.most


SWEEP_EVENTS = 1_000_000
"""Events per window of the peak's sweep (its temporaries: ~40 bytes an event)."""


def running_spans(
    a: Actor, stop: int, until: int | None, first: int = 0, last: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends of the running spans of an actor's events ``first`` .. ``last``
    (copies: the lane may grow after), the lane's last open span running to ``stop``; with
    ``until``, only what had begun before it.

    Over the lane's own arrays (numpy, no object per span): a million-event run is swept in
    milliseconds where a ``Span`` per event took seconds."""
    n = len(a)
    cut = n if until is None else bisect_left(a.t, until)
    last = cut if last is None else min(last, cut)
    first = min(first, last)
    ts = np.frombuffer(a.t, dtype=np.int64, count=n)
    running = np.frombuffer(a.state, dtype=np.int8, count=n)[first:last] == State.RUNNING
    nxt = np.empty(last - first, dtype=np.int64)
    nxt[:-1] = ts[first + 1 : last]
    if last > first:
        nxt[-1] = ts[last] if last < cut else max(stop, int(ts[cut - 1]))
    s, e = ts[first:last][running], nxt[running]
    del ts  # the view dies here: the lane's array may be resized again
    real = e > s
    return s[real], e[real]


class Peak:
    """Most actors running together for at least ``hold`` ns, over span edges given window
    by window in time order (the level and the time it has held carried between windows).

    A chunk's running and ready parts are placed within the ~1 ms chunk, not timed to the
    instant, so two cooks sharing one knife can overlap by up to a chunk or two on paper; a level
    held for 5 ms (a whole GIL switch interval) is real. (So at one instant the order of ends
    and starts cannot matter: the level between them lasts 0 ns.)
    """

    def __init__(self, hold: int = 5_000_000) -> None:
        self.hold = hold
        self.most = 0
        self.level = 0
        self.since = 0

    def add(self, starts: list[np.ndarray], ends: list[np.ndarray]) -> None:
        t = np.concatenate([np.empty(0, dtype=np.int64), *ends, *starts])
        if not len(t):
            return
        n_end = sum(len(e) for e in ends)
        step = np.ones(len(t), dtype=np.int32)
        step[:n_end] = -1
        order = np.argsort(t)
        t, step = t[order], step[order]
        del order
        after = np.cumsum(step, dtype=np.int64) + self.level
        before = np.empty(len(t), dtype=np.int64)  # the level each edge ends
        before[0], before[1:] = self.level, after[:-1]
        held = np.empty(len(t), dtype=bool)
        held[0] = t[0] - self.since >= self.hold
        held[1:] = np.diff(t) >= self.hold
        if held.any():
            self.most = max(self.most, int(before[held].max()))
        self.level, self.since = int(after[-1]), int(t[-1])
