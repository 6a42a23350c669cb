"""The trace store: one per run, fed by the collector (live) or a recording (replay).

Per actor, the state events live in parallel compact arrays (8 + 1 + 1 + 2 + 4 bytes an event),
not one Python object per event, so a long run stays small and a time query is a binary search.
Times are nanoseconds since the run's time zero.
"""

from __future__ import annotations

import threading
import time
from array import array
from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass, field
from typing import Any

from scenarios.model import FINAL_STATES, STATE_WIDTH, Kind, State


@dataclass
class Actor:
    """One lane's owner: a process, a thread or a task, with its place in the tree."""

    index: int
    """Compact id in this store (and in recordings)."""
    key: int
    """The id on the wire (pid in the high bits); unique for the run."""
    kind: Kind = Kind.THREAD
    parent: int | None = None
    """The parent's compact id: task -> thread -> process."""
    name: str = "?"
    pid: int = 0
    tid: int = 0
    t: array = field(default_factory=lambda: array("q"))
    state: array = field(default_factory=lambda: array("b"))
    reason: array = field(default_factory=lambda: array("b"))
    core: array = field(default_factory=lambda: array("h"))
    label: array = field(default_factory=lambda: array("i"))

    def __len__(self) -> int:
        return len(self.t)

    def append(self, t: int, state: int, reason: int, core: int, label: int) -> None:
        ts = self.t
        if ts and t < ts[-1]:  # from another process or thread's batch: keep time order
            i = bisect_right(ts, t)
            ts.insert(i, t)
            self.state.insert(i, state)
            self.reason.insert(i, reason)
            self.core.insert(i, core)
            self.label.insert(i, label)
            return
        ts.append(t)
        self.state.append(state)
        self.reason.append(reason)
        self.core.append(core)
        self.label.append(label)


@dataclass(frozen=True)
class Span:
    """An actor in one state from ``start`` to ``end`` (ns since time zero)."""

    start: int
    end: int
    state: State
    reason: int
    core: int
    label: str


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


class TraceStore:
    """Everything one run produced, in the shape every view reads."""

    def __init__(self, t0: int = 0) -> None:
        self.t0 = t0
        """``monotonic_ns`` of time zero; live events are stored relative to it."""
        self.header: dict[str, Any] = {}
        self.actors: list[Actor] = []
        self._by_key: dict[int, Actor] = {}
        self.labels: list[str] = [""]
        self._label_index: dict[int, int] = {}
        self._label_text: dict[int, str] = {}
        self._text_index: dict[str, int] = {}
        self.cues: list[tuple[int, int, str, str]] = []
        """(t, actor, English, Japanese)"""
        self.values: list[tuple[int, int, str, float]] = []
        self.errors: list[tuple[int, int, str]] = []
        self.locks: list[tuple[int, int, str, bool]] = []
        self.end: dict[str, Any] = {}
        """How the run ended: outcome, message, exit_code."""
        self.events = 0
        self.lag = 0
        """How old the newest event of the latest batch was when it arrived (ns)."""
        self.version = 0
        """Bumped on every ingest, so views know when to redraw."""
        self.lock = threading.Lock()

    # -- feeding --------------------------------------------------------------------------

    def actor(self, key: int) -> Actor:
        a = self._by_key.get(key)
        if a is None:
            a = Actor(len(self.actors), key)
            self.actors.append(a)
            self._by_key[key] = a
        return a

    def _label(self, key: int) -> int:
        if not key:
            return 0
        i = self._label_index.get(key)
        if i is None:
            i = self._label_index[key] = len(self.labels)
            self.labels.append(self._label_text.get(key, ""))
        return i

    def intern(self, text: str) -> int:
        """The label index of a text (recordings carry texts, not wire ids)."""
        i = self._text_index.get(text)
        if i is None:
            i = self._text_index[text] = len(self.labels)
            self.labels.append(text)
        return i

    def ingest(self, states: Any, meta: list[tuple[Any, ...]]) -> None:
        """One batch from the wire: absolute ``monotonic_ns`` times, wire ids."""
        t0 = self.t0
        with self.lock:
            for m in meta:
                self._ingest_meta(m, t0)
            actor = self.actor
            label = self._label
            n = len(states)
            for i in range(0, n, STATE_WIDTH):
                t, key, st, reason, core, lab = states[i : i + STATE_WIDTH]
                actor(key).append(t - t0, st, reason, core, label(lab))
            self.events += n // STATE_WIDTH
            if n:
                newest = max(states[0:n:STATE_WIDTH])
                self.lag = max(0, time.monotonic_ns() - newest)
            self.version += 1

    def _ingest_meta(self, m: tuple[Any, ...], t0: int) -> None:
        kind = m[0]
        if kind == "actor":
            _, key, k, parent, name, pid, tid = m
            a = self.actor(key)
            a.kind, a.name, a.pid = Kind(k), name, pid
            a.tid = tid or a.tid
            a.parent = self.actor(parent).index if parent else None
        elif kind == "str":
            self._label_text[m[1]] = m[2]
            if m[1] in self._label_index:
                self.labels[self._label_index[m[1]]] = m[2]
        elif kind == "cue":
            insort(self.cues, (m[1] - t0, self.actor(m[2]).index, m[3], m[4]))
        elif kind == "value":
            insort(self.values, (m[1] - t0, self.actor(m[2]).index, m[3], float(m[4])))
        elif kind == "error":
            insort(self.errors, (m[1] - t0, self.actor(m[2]).index, m[3]))
        elif kind == "lock":
            insort(self.locks, (m[1] - t0, self.actor(m[2]).index, m[3], bool(m[4])))

    # -- reading ----------------------------------------------------------------------------

    def bounds(self) -> tuple[int, int]:
        """First and last state event time; (0, 0) for an empty store."""
        firsts = [a.t[0] for a in self.actors if len(a)]
        if not firsts:
            return 0, 0
        return min(firsts), max(a.t[-1] for a in self.actors if len(a))

    def spans(
        self,
        actor: Actor,
        start: int | None = None,
        end: int | None = None,
        open_end: int | None = None,
    ) -> list[Span]:
        """The actor's spans overlapping ``[start, end]``.

        The last span is open: it runs to ``open_end`` (a live run's "now") or else to the
        store's last event.
        """
        lo, hi = self.bounds()
        start = lo if start is None else start
        end = hi if end is None else end
        last_end = hi if open_end is None else open_end
        ts = actor.t
        i = max(0, bisect_right(ts, start) - 1)
        j = bisect_left(ts, end)
        out = []
        for k in range(i, min(j + 1, len(ts))):
            s = ts[k]
            e = ts[k + 1] if k + 1 < len(ts) else max(last_end, s)
            if e < start or s > end:
                continue
            out.append(
                Span(
                    s,
                    e,
                    State(actor.state[k]),
                    actor.reason[k],
                    actor.core[k],
                    self.labels[actor.label[k]],
                )
            )
        return out

    def buckets(
        self, actor: Actor, start: int, end: int, n: int, open_end: int | None = None
    ) -> list[int]:
        """The dominant state (most time) of each of ``n`` equal slices of ``[start, end)``.

        -1 where the actor did not exist yet. Cost follows the spans in the window plus ``n``.
        """
        out = [-1] * n
        if n <= 0 or end <= start or not len(actor):
            return out
        width = (end - start) / n
        weights: list[dict[int, float]] = [{} for _ in range(n)]
        for s in self.spans(actor, start, end, open_end):
            a, b = max(s.start, start), min(s.end, end)
            if s.state in FINAL_STATES and s.end > s.start:
                b = min(b, a + int(width))  # the end mark, not a lane of "done"
            if b <= a:
                b = a + 1
            i = min(n - 1, int((a - start) / width))
            j = min(n - 1, int((b - 1 - start) / width))
            for k in range(i, j + 1):
                lo = start + k * width
                cover = min(b, lo + width) - max(a, lo)
                w = weights[k]
                w[s.state] = w.get(s.state, 0) + cover
        for k, w in enumerate(weights):
            if w:
                # a failure or a moment of running outweighs its slice's share: both must show
                if State.FAILED in w:
                    out[k] = State.FAILED
                else:
                    out[k] = max(w, key=w.__getitem__)
        return out

    def core_buckets(
        self, core: int, start: int, end: int, n: int, open_end: int | None = None
    ) -> list[int]:
        """Which thread actor ran most on ``core`` in each of ``n`` slices (-1: idle)."""
        out = [-1] * n
        if n <= 0 or end <= start:
            return out
        width = (end - start) / n
        weights: list[dict[int, float]] = [{} for _ in range(n)]
        for a in self.actors:
            if a.kind != Kind.THREAD or not len(a):
                continue
            for s in self.spans(a, start, end, open_end):
                if s.state != State.RUNNING or s.core != core:
                    continue
                lo_t, hi_t = max(s.start, start), min(s.end, end)
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

    def cores(self) -> list[int]:
        """Every core a thread ran on, and every core the run was allowed."""
        seen = set(self.header.get("machine", {}).get("cpus", []))
        for a in self.actors:
            if a.kind == Kind.THREAD:
                seen.update(
                    c
                    for c, st in zip(a.core, a.state, strict=True)
                    if c >= 0 and st == State.RUNNING
                )
        return sorted(seen)

    def state_at(self, actor: Actor, t: int) -> Span | None:
        """The span ``actor`` was in at instant ``t`` (None before it existed)."""
        i = bisect_right(actor.t, t) - 1
        if i < 0:
            return None
        end = actor.t[i + 1] if i + 1 < len(actor.t) else max(t, actor.t[i])
        return Span(
            actor.t[i],
            end,
            State(actor.state[i]),
            actor.reason[i],
            actor.core[i],
            self.labels[actor.label[i]],
        )

    def next_event(self, t: int) -> int | None:
        """The first event or cue strictly after ``t``."""
        best: int | None = None
        for a in self.actors:
            i = bisect_right(a.t, t)
            if i < len(a.t) and (best is None or a.t[i] < best):
                best = a.t[i]
        i = bisect_right(self.cues, (t, 1 << 62))
        if i < len(self.cues) and (best is None or self.cues[i][0] < best):
            best = self.cues[i][0]
        return best

    def prev_event(self, t: int) -> int | None:
        """The last event or cue strictly before ``t``."""
        best: int | None = None
        for a in self.actors:
            i = bisect_left(a.t, t) - 1
            if i >= 0 and (best is None or a.t[i] > best):
                best = a.t[i]
        i = bisect_left(self.cues, (t,)) - 1
        if i >= 0 and (best is None or self.cues[i][0] > best):
            best = self.cues[i][0]
        return best

    def cue_at(self, t: int) -> tuple[int, int, str, str] | None:
        """The latest narration cue at or before ``t``."""
        i = bisect_right(self.cues, (t, 1 << 62)) - 1
        return self.cues[i] if i >= 0 else None

    def children(self, parent: int | None) -> list[Actor]:
        return [a for a in self.actors if a.parent == parent]

    def ordered(self) -> list[tuple[int, Actor]]:
        """Actors as a tree walk (kitchen, its cooks, their tasks) with their depth."""
        out: list[tuple[int, Actor]] = []
        seen: set[int] = set()

        def walk(a: Actor, depth: int) -> None:
            if a.index in seen:
                return
            seen.add(a.index)
            out.append((depth, a))
            for c in self.children(a.index):
                walk(c, depth + 1)

        for root in self.actors:
            if root.parent is None:
                walk(root, 0)
        for a in self.actors:  # anything in a cycle or orphaned still shows
            walk(a, 0)
        return out

    def summary(self) -> Summary:
        lo, hi = self.bounds()
        wall = hi - lo
        per_core: dict[int, int] = {}
        actors = []
        cpu = 0
        edges: list[tuple[int, int]] = []
        for a in self.actors:
            run = ready = wait = 0
            for s in self.spans(a):
                d = s.end - s.start
                if s.state == State.RUNNING:
                    run += d
                    if a.kind == Kind.THREAD:
                        per_core[s.core] = per_core.get(s.core, 0) + d
                        if d:
                            edges.append((s.start, 1))
                            edges.append((s.end, -1))
                elif s.state == State.READY:
                    ready += d
                elif s.state == State.WAITING:
                    wait += d
            if a.kind == Kind.THREAD:
                cpu += run
            last = State(a.state[-1]) if len(a) else None
            actors.append(
                ActorSummary(
                    a,
                    run,
                    ready,
                    wait,
                    a.t[0] if len(a) else 0,
                    a.t[-1] if len(a) else 0,
                    last if last in FINAL_STATES else None,
                )
            )
        return Summary(
            wall, cpu, cpu / wall if wall else 0.0, _most_at_once(edges), per_core, actors
        )

    def all_waiting_at(self, t: int, kinds: tuple[Kind, ...] = (Kind.TASK,)) -> int:
        """How many actors of these kinds were ``waiting`` at instant ``t``."""
        n = 0
        for a in self.actors:
            if a.kind in kinds and len(a):
                i = bisect_right(a.t, t) - 1
                if i >= 0 and a.state[i] == State.WAITING:
                    n += 1
        return n

    def by_name(self, name: str) -> Actor:
        for a in self.actors:
            if a.name == name:
                return a
        raise KeyError(name)


def _most_at_once(edges: list[tuple[int, int]], hold: int = 5_000_000) -> int:
    """Most actors running together for at least ``hold`` ns.

    A chunk's running and ready parts are placed within the ~1 ms chunk, not timed to the
    instant, so two cooks sharing one knife can overlap by up to a chunk or two on paper; a level
    held for 5 ms (a whole GIL switch interval) is real.
    """
    edges.sort()
    most = cur = 0
    since = 0
    for t, d in edges:
        if cur > most and t - since >= hold:
            most = cur
        cur += d
        since = t
    return most
