"""The trace store: one per run, fed by the collector (live), a loader (replay) or a merge.

Per actor, the state events live in parallel compact arrays (8 + 1 + 1 + 2 + 4 bytes an event),
not one Python object per event, so a long run stays small and a time query is a binary search.
Times are nanoseconds since the run's time zero. Every writer comes through one door (README,
"Architecture"); the cells a view draws are ``raster``'s, the figures ``summary``'s.
"""

from __future__ import annotations

import math
import threading
import time
from array import array
from bisect import bisect_left, bisect_right, insort
from collections.abc import Hashable
from dataclasses import dataclass, field
from itertools import accumulate, compress
from operator import mul, sub
from typing import Any

import numpy as np

from scenarios.wire import (
    ACTOR,
    CORE,
    FINAL_STATES,
    LABEL,
    REASON,
    START_CPU,
    STATE,
    STATE_WIDTH,
    ActorDeclared,
    Cue,
    Error,
    Kind,
    LabelText,
    LockHeld,
    Reason,
    Record,
    State,
    T,
    Value,
)
from tui.trace.text import cut, one_line, printable

MAX_T = 1 << 62
"""Latest instant a store holds (ns): far past any run, and sums of two never overflow int64."""
MAX_CORE = (1 << 15) - 1
"""Highest core number (the core column is 16 bits; Linux allows 8,192 CPUs)."""
MAX_LABELS = 100_000
"""Distinct label texts kept: a program naming every event anew must not grow without end."""
TOO_MANY_LABELS = f"(labels beyond {MAX_LABELS:,} not kept)"
SILENT = "no event and no CPU from here: off the CPU, why not known"
"""The label of a stalled cook's last stretch (``waiting``, reason ``unknown``)."""
MAX_RECORDS = 200_000
"""Cues, values, errors and lock records kept, each: kept in time order by insertion, so a
program sending one per event must not grow them (and the cost of each insert) without end."""
MAX_ACTORS = 250_000
"""Actors a store holds (~2.6 KB each with their arrays): a file of a million actor lines
is refused at that line, and a live run past it is stopped saying why."""
MAX_EVENTS = 30_000_000
"""State events a live run may send (~16 bytes each in the store: ~480 MB); past it the run is
stopped, saying why (see ``tui.runs.session``)."""


class StoreError(ValueError):
    """Data the store refuses at its door; a loader adds the file and line."""


@dataclass
class Actor:
    """One lane's owner: a process, a thread or a task, with its place in the tree.

    Its events are five columns; ``t`` grows last (and a late event goes into it last), so a
    reader that takes a lane's length from ``t`` without the store's lock (the panels, at
    every frame) finds every other column at least as long. Grown first, it let the side
    panel read ``state[i]`` for an ``i`` that ``t`` already held and ``state`` did not yet:
    an IndexError that stopped the app (seen once, streaming a million events a second)."""

    index: int
    """Compact id in this store (and in recordings)."""
    key: Hashable
    """The id its source gives it (a wire id, a recording's id, a Chrome trace's pid and tid)."""
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

    cum_run: array = field(default_factory=lambda: array("q"))
    """Derived, lazily: running time before each event (a prefix sum), so the time in a state
    over any window is two binary searches, whatever the number of events inside it."""
    cum_wait: array = field(default_factory=lambda: array("q"))
    core_run: dict[int, int] = field(default_factory=dict)
    """Derived, on demand: running time per core over the closed spans."""
    cored: int = 0
    """How many events ``core_run`` covers."""
    derived: int = 0
    """How many events the derived data covers."""
    edits: int = 0
    """Bumped when an event lands before the last one: views drop what they cached."""

    def __len__(self) -> int:
        return len(self.t)

    def append(self, t: int, state: int, reason: int, core: int, label: int) -> None:
        ts = self.t
        if ts and t < ts[-1]:  # from another process or thread's batch: keep time order
            i = bisect_right(ts, t)
            self.rewind(i)
            self.state.insert(i, state)
            self.reason.insert(i, reason)
            self.core.insert(i, core)
            self.label.insert(i, label)
            ts.insert(i, t)  # last: see the class's note
            return
        self.state.append(state)
        self.reason.append(reason)
        self.core.append(core)
        self.label.append(label)
        ts.append(t)

    def extend(self, t: array, state: array, reason: array, core: array, label: array) -> None:
        """A batch of this actor's events, already in time order (the common case)."""
        if self.t and t[0] < self.t[-1]:
            for k in range(len(t)):
                self.append(t[k], state[k], reason[k], core[k], label[k])
            return
        self.state.extend(state)
        self.reason.extend(reason)
        self.core.extend(core)
        self.label.extend(label)
        self.t.extend(t)  # last: see the class's note

    def rewind(self, i: int) -> None:
        """An event lands at index ``i``: derived data from there on is redone, not all of it.

        Late events land near the end (another thread's batch, a backdated ready), so this
        costs the few events after ``i``, where dropping everything would cost the whole run.
        """
        self.edits += 1
        if i < self.derived:
            del self.cum_run[i:]
            del self.cum_wait[i:]
            self.derived = i
        if i < self.cored:
            ts, st, co = self.t, self.state, self.core
            per_core = self.core_run
            for m in range(max(i, 1), self.cored):  # undo the spans that ended at i .. cored-1
                if st[m - 1] == State.RUNNING:
                    c = co[m - 1]
                    per_core[c] = per_core.get(c, 0) - (ts[m] - ts[m - 1])
            self.cored = i

    def derive(self) -> None:
        """Extend the prefix sums over events added since the last call (or a rewind).

        Vectorised with C-level iterators (``map``, ``accumulate``): every frame of a live run
        that draws this lane pays for its new events here.
        """
        n = len(self.t)
        k = self.derived
        if k >= n:
            return
        if k == 0:
            self.cum_run.append(0)
            self.cum_wait.append(0)
            k = 1
            if n == 1:
                self.derived = 1
                return
        ts = self.t
        if n - k >= 64:  # measured: 13 µs for 250 new events where the iterators take 48
            self._derive_numpy(k, n)
            return
        dts = list(map(sub, ts[k:n], ts[k - 1 : n - 1]))
        states = self.state[k - 1 : n - 1].tobytes()
        for cum, table in ((self.cum_run, _IS_RUNNING), (self.cum_wait, _IS_WAITING)):
            sums = accumulate(map(mul, dts, states.translate(table)), initial=cum[-1])
            next(sums)  # the initial value is already the last element
            cum.extend(sums)
        self.derived = n

    def _derive_numpy(self, k: int, n: int) -> None:
        """The prefix sums of a large batch; callers hold the store's lock, so the collector
        does not grow ``t`` or ``state`` while numpy views them (the views die here)."""
        ts = np.frombuffer(self.t, dtype=np.int64, count=n)
        dts = np.diff(ts[k - 1 :])
        states = np.frombuffer(self.state, dtype=np.int8, count=n)[k - 1 : n - 1]
        for cum, code in ((self.cum_run, State.RUNNING), (self.cum_wait, State.WAITING)):
            sums = np.cumsum(np.where(states == code, dts, 0))
            sums += cum[-1]
            cum.frombytes(sums.tobytes())
        del ts, dts, states
        self.derived = n

    def per_core(self) -> dict[int, int]:
        """Running time per core over the closed spans, brought up to date on demand.

        Only the summary needs it, not the frames, so a live view does not pay for it.
        """
        n = len(self.t)
        k = max(1, self.cored)
        if n - k >= 64:
            self._per_core_numpy(k, n)
        elif k < n:
            ts, co = self.t, self.core
            dts = list(map(sub, ts[k:n], ts[k - 1 : n - 1]))
            is_run = self.state[k - 1 : n - 1].tobytes().translate(_IS_RUNNING)
            cores = co[k - 1 : n - 1]
            per_core = self.core_run
            running_on = set(compress(cores, is_run))
            if len(running_on) == 1:  # one core all along: no per-event step at all
                c = running_on.pop()
                per_core[c] = per_core.get(c, 0) + sum(compress(dts, is_run))
            else:
                for c in running_on:
                    here = bytes(x == c for x in cores)
                    both = int.from_bytes(here, "little") & int.from_bytes(is_run, "little")
                    per_core[c] = per_core.get(c, 0) + sum(
                        compress(dts, both.to_bytes(len(here), "little"))
                    )
            self.cored = n
        return self.core_run

    def _per_core_numpy(self, k: int, n: int) -> None:
        """``per_core`` over a large stretch (a loaded recording: a million events in
        milliseconds where the byte masks took a tenth of a second); int64 sums stay exact."""
        ts = np.frombuffer(self.t, dtype=np.int64, count=n)[k - 1 :]
        running = np.frombuffer(self.state, dtype=np.int8, count=n)[k - 1 : n - 1] == State.RUNNING
        cores = np.frombuffer(self.core, dtype=np.int16, count=n)[k - 1 : n - 1][running]
        dts = np.diff(ts)[running]
        del ts
        per_core = self.core_run
        for c in np.unique(cores).tolist():
            per_core[c] = per_core.get(c, 0) + int(dts[cores == c].sum())
        self.cored = n


_DTYPES = {"q": np.int64, "b": np.int8, "h": np.int16, "i": np.int32}


def _packed(code: str, column: Any) -> array:
    """A numpy column as a stdlib array of type ``code`` (the store keeps stdlib arrays)."""
    out = array(code)
    out.frombytes(column.astype(_DTYPES[code]).tobytes())
    return out


_IS_RUNNING = bytes(1 if b == State.RUNNING else 0 for b in range(256))
_IS_WAITING = bytes(1 if b == State.WAITING else 0 for b in range(256))


@dataclass(frozen=True)
class Span:
    """An actor in one state from ``start`` to ``end`` (ns since time zero)."""

    start: int
    end: int
    state: State
    reason: int
    core: int
    label: str


class TraceStore:
    """Everything one run produced, in the shape every view reads.

    Run data has one door in: the writer methods below (``declare``, ``add_states``,
    ``add_cue`` … ``end_run``, and ``ingest`` for the wire). The collector, every loader and the
    verdict's merge write through them and nothing else sets a field, so a check made at the
    door holds for every source.
    """

    def __init__(self, header: dict[str, Any] | None = None) -> None:
        self.t0 = 0
        """``monotonic_ns`` of time zero; live events are stored relative to it."""
        self.header: dict[str, Any] = dict(header or {})
        self.actors: list[Actor] = []
        self._by_key: dict[Hashable, Actor] = {}
        self.labels: list[str] = [""]
        self._label_index: dict[int, int] = {}
        self._label_text: dict[int, str] = {}
        self._text_index: dict[str, int] = {}
        self.cues: list[tuple[int, int, str, str]] = []
        """(t, actor, English, Japanese), in time order"""
        self.values: list[tuple[int, int, str, float]] = []
        self.starts: list[tuple[int, int]] = []
        """(t, CPU ns) of each kitchen's start-up (``START_CPU`` values, a comparison's too):
        kept apart so that the figures, redrawn while a run streams, never scan every value."""
        self.errors: list[tuple[int, int, str]] = []
        self.locks: list[tuple[int, int, str, bool]] = []
        self.end: dict[str, Any] = {}
        """How the run ended: outcome, message, exit_code."""
        self.dropped = 0
        """Cues, values, errors and lock records not kept (past :data:`MAX_RECORDS` each)."""
        self._events = 0
        self.lag = 0
        """How old the newest event of the latest batch was when it arrived (ns)."""
        self.renames = 0
        """Bumped by every actor announcement: a cook can be named after its lane exists."""
        self.version = 0
        """Bumped on every ingest, so views know when to redraw."""
        self.lock = threading.Lock()
        self._bounds: tuple[int, int] = (0, 0)
        self._bounds_key: tuple[int, int] = (-1, -1)
        self._cores: set[int] = set()
        self._cores_upto: dict[int, int] = {}
        self._tree: dict[int | None, list[Actor]] = {}
        self._tree_key: tuple[int, int] = (-1, -1)

    @property
    def events(self) -> int:
        """State events in the store: counted at the door, as the lanes grow."""
        return self._events

    # -- the one door in ----------------------------------------------------------------------

    def start_clock(self, t0: int) -> None:
        """Time zero of a live run (``monotonic_ns``): wire times are stored relative to it."""
        self.t0 = t0

    def _actor(self, key: Hashable) -> Actor:
        """The actor a source knows by ``key``, made on first sight (its events may come
        before its declaration: a task is ready before its first step names it)."""
        a = self._by_key.get(key)
        if a is None:
            a = Actor(len(self.actors), key)
            self.actors.append(a)
            self._by_key[key] = a
        return a

    def declare(
        self,
        key: Hashable,
        kind: Kind,
        name: str,
        *,
        parent: int | None = None,
        pid: int = 0,
        tid: int = 0,
    ) -> int:
        """An actor, by the key its source gives it (a wire id, a recording's id, a Chrome
        trace's ``(pid, tid)``); declared again, it is renamed. ``parent`` is the parent's index
        in this store (checked for cycles by :meth:`cycle`, once all are declared). Returns the
        actor's index."""
        a = self._actor(key)
        if parent is not None and parent == a.index:
            raise StoreError(f"actor {a.index} is its own parent")
        a.kind, a.name, a.pid = Kind(kind), one_line(name), pid
        a.tid = tid or a.tid
        a.parent = parent
        self.renames += 1
        return a.index

    def label(self, text: str) -> int:
        """The label index of a text, for the ``label`` column of ``add_states``."""
        i = self._text_index.get(text)
        if i is None:
            text = one_line(text)
            if len(self.labels) >= MAX_LABELS:
                text = TOO_MANY_LABELS
            i = self._text_index.get(text)
            if i is None:
                i = self._text_index[text] = len(self.labels)
                self.labels.append(text)
        return i

    def add_states(
        self, actor: int, t: array, state: array, reason: array, core: array, label: array
    ) -> None:
        """A run of one actor's state events (ns since time zero), in time order among
        themselves; they may land before events the actor already has."""
        self.actors[actor].extend(t, state, reason, core, label)
        self._events += len(t)

    def add_state(
        self, actor: int, t: int, state: int, reason: int = 0, core: int = -1, label: int = 0
    ) -> None:
        """One state event of one actor, checked (a loader's path: one event at a time)."""
        _instant(t)
        if not -1 <= core <= MAX_CORE:
            raise StoreError(f"core {core} is outside 0 .. {MAX_CORE}")
        self.actors[actor].append(t, state, reason, core, label)
        self._events += 1

    def _room(self, items: list[Any]) -> bool:
        if len(items) < MAX_RECORDS:
            return True
        self.dropped += 1
        return False

    def add_cue(self, t: int, actor: int, en: str, ja: str = "") -> None:
        if self._room(self.cues):
            insort(self.cues, (_instant(t), actor, printable(en), printable(ja)))

    def add_value(self, t: int, actor: int, name: str, number: float) -> None:
        try:
            v = float(number)
        except OverflowError:
            v = math.inf
        if not math.isfinite(v):
            raise StoreError(f"not a finite number ({cut(repr(number), 21)})")
        if self._room(self.values):
            insort(self.values, (_instant(t), actor, one_line(name), v))
            if name.rsplit(".", 1)[-1] == START_CPU:
                self.starts.append((_instant(t), int(v * 1e6)))

    def add_error(self, t: int, actor: int, text: str) -> None:
        if self._room(self.errors):
            insort(self.errors, (_instant(t), actor, printable(text)))

    def add_lock(self, t: int, actor: int, lock: str, held: bool) -> None:
        if self._room(self.locks):
            insort(self.locks, (_instant(t), actor, one_line(lock), bool(held)))

    def ready_by_run_queue(self, readings: list[tuple[int, int, int]], gil: bool) -> None:
        """Each cook's ready spans given their cause from the kernel's run-queue delay, read
        from Cookline's side: (store index, monotonic ns, delay so far ns) readings.

        The run-queue time between two readings belongs to that stretch's ready time (a cook
        is never queued while it runs), shared evenly among its ready spans; a span that stood
        in the run queue for at least half its length lacked a core (``core``), else, in a
        process with a GIL, it lacked the GIL (``gil``). Spans outside the readings, and a
        free-threaded build's non-core ready, keep no reason: not measured, not guessed.
        """
        by_actor: dict[int, list[tuple[int, int]]] = {}
        for index, t, delay in readings:
            by_actor.setdefault(index, []).append((t - self.t0, delay))
        with self.lock:
            for index, got in by_actor.items():
                if len(got) < 2 or not 0 <= index < len(self.actors):
                    continue
                a = self.actors[index]
                n = len(a)
                if n < 2:
                    continue
                at = np.array([t for t, _ in got], dtype=np.float64)
                queued = np.array([d for _, d in got], dtype=np.float64)
                ts = np.frombuffer(a.t, dtype=np.int64, count=n)
                st = np.frombuffer(a.state, dtype=np.int8, count=n)
                why = np.frombuffer(a.reason, dtype=np.int8, count=n)
                pick = (st[:-1] == State.READY) & (why[:-1] == 0)
                pick &= (ts[:-1] >= at[0]) & (ts[1:] <= at[-1])
                k = np.flatnonzero(pick)
                if len(k):
                    lo, hi = ts[k].astype(np.float64), ts[k + 1].astype(np.float64)
                    waited = _queued_in(lo, hi, at, queued)
                    core = waited >= 0.5 * (hi - lo)
                    other = int(Reason.GIL) if gil else 0
                    why[k] = np.where(core, int(Reason.CORE), other)
                    a.edits += 1
                del ts, st, why
            self.version += 1

    def end_run(
        self,
        outcome: str,
        message: str,
        exit_code: int | None = None,
        *,
        hold_to: int | None = None,
        silent_from: int | None = None,
    ) -> None:
        """How the run ended. ``hold_to``: a run stopped from outside (deadlock, stall, kill,
        time limit) -- every actor still alive stayed in its last state until then, so its
        lane runs on to that instant. ``silent_from``: a stall's start, from which nothing
        ran (no CPU, measured from outside): a cook or task last said ``running`` is
        ``waiting (unknown)`` from there, not running on with CPU nobody used."""
        with self.lock:
            if silent_from is not None:
                label = self.label(SILENT)
                for a in self.actors:
                    if (
                        a.kind != Kind.PROCESS
                        and len(a)
                        and a.state[-1] == State.RUNNING
                        and silent_from > a.t[-1]
                    ):
                        self.add_state(
                            a.index, silent_from, State.WAITING, Reason.UNKNOWN, -1, label
                        )
            if hold_to is not None:
                for a in self.actors:
                    if len(a) and a.state[-1] not in FINAL_STATES and hold_to > a.t[-1]:
                        self.add_state(a.index, hold_to, a.state[-1], a.reason[-1], -1, a.label[-1])
            self.end = {"outcome": outcome, "message": message, "exit_code": exit_code}
            self.version += 1

    # -- the wire's writer: the collector's batches ---------------------------------------------

    def ingest(self, states: array, records: list[Record]) -> None:
        """One batch from the wire: absolute ``monotonic_ns`` times, wire ids.

        A batch almost always comes from one thread, so it is split per actor with array
        slicing (C speed) and appended in one ``extend`` per field, not event by event.
        """
        t0 = self.t0
        n = len(states) // STATE_WIDTH
        with self.lock:
            for r in records:
                try:
                    self._record(r, t0)
                except StoreError:  # a value the door refuses: dropped, counted, run goes on
                    self.dropped += 1
            if n:
                newest = self._ingest_states(states, n, t0)
                self.lag = max(0, time.monotonic_ns() - newest)
            self.version += 1

    def _wire_label(self, key: int) -> int:
        if not key:
            return 0
        i = self._label_index.get(key)
        if i is None:
            if len(self.labels) >= MAX_LABELS:
                i = self._label_index[key] = self.label(TOO_MANY_LABELS)
                return i
            i = self._label_index[key] = len(self.labels)
            self.labels.append(self._label_text.get(key, ""))
        return i

    def _ingest_states(self, states: array, n: int, t0: int) -> int:
        """Append a batch's events to their actors; returns the newest wire time in it.

        numpy views the batch as rows (no copy) and converts each column once, whatever the
        batch's length; the two questions most batches answer "one thread" and "no labels" to
        are asked of strided slices of the array itself, at C speed without numpy's fixed cost
        per call (at 100 k events/s over 40 threads a batch is ~50 events)."""
        w = STATE_WIDTH
        rows = np.frombuffer(states, dtype=np.int64, count=n * w).reshape(n, w)
        ids = states[ACTOR::w]
        first = ids[0]
        if ids.count(first) == n:
            runs = [(first, 0, n)]
        else:  # a loop thread's batch holds many tasks: one stable sort makes each a run
            order = np.argsort(rows[:, ACTOR], kind="stable")
            rows = rows[order]
            keys = rows[:, ACTOR]
            starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
            ends = np.r_[starts[1:], n]
            seen = np.argsort(order[starts])  # in order of first appearance, as actors are made
            runs = [(int(keys[starts[g]]), int(starts[g]), int(ends[g])) for g in seen.tolist()]
        if states[LABEL::w].count(0) == n:
            lab = array("i", bytes(4 * n))
        else:
            wire, where = np.unique(rows[:, LABEL], return_inverse=True)
            index = np.array([self._wire_label(int(x)) for x in wire], dtype=np.int32)
            lab = _packed("i", index[where])
        t = rows[:, T]
        ts = _packed("q", t - t0)
        st, re, co = (
            _packed("b", rows[:, STATE]),
            _packed("b", rows[:, REASON]),
            _packed("h", rows[:, CORE]),
        )
        if len(runs) == 1:
            self.add_states(self._actor(first).index, ts, st, re, co, lab)
            return int(t.max())
        by_key = self._by_key
        for key, a, b in runs:  # add_states inlined: a busy loop's batch is hundreds of runs
            actor = by_key.get(key) or self._actor(key)
            if actor.t and ts[a] < actor.t[-1]:
                actor.extend(ts[a:b], st[a:b], re[a:b], co[a:b], lab[a:b])
            else:
                actor.state += st[a:b]
                actor.reason += re[a:b]
                actor.core += co[a:b]
                actor.label += lab[a:b]
                actor.t += ts[a:b]  # last: see Actor's note
        self._events += n
        return int(t.max())

    def _record(self, r: Record, t0: int) -> None:
        if isinstance(r, ActorDeclared):
            parent = self._actor(r.parent).index if r.parent else None
            self.declare(r.actor, Kind(r.kind), r.name, parent=parent, pid=r.pid, tid=r.tid)
        elif isinstance(r, LabelText):
            text = one_line(r.text)
            self._label_text[r.label] = text
            if r.label in self._label_index:
                self.labels[self._label_index[r.label]] = text
        elif isinstance(r, Cue):
            self.add_cue(r.t - t0, self._actor(r.actor).index, r.en, r.ja)
        elif isinstance(r, Value):
            self.add_value(r.t - t0, self._actor(r.actor).index, r.name, r.number)
        elif isinstance(r, Error):
            self.add_error(r.t - t0, self._actor(r.actor).index, r.text)
        elif isinstance(r, LockHeld):
            self.add_lock(r.t - t0, self._actor(r.actor).index, r.lock, r.held)
        # LockWanted is the watchdog's alone: the lane already shows the wait, labelled

    # -- reading ----------------------------------------------------------------------------

    def bounds(self) -> tuple[int, int]:
        """First and last state event time; (0, 0) for an empty store. Cached per change."""
        key = (self.events, len(self.actors))
        if self._bounds_key != key:
            firsts = [a.t[0] for a in self.actors if len(a)]
            lasts = [a.t[-1] for a in self.actors if len(a)]
            self._bounds = (min(firsts), max(lasts)) if firsts else (0, 0)
            self._bounds_key = key
        return self._bounds

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

    @staticmethod
    def visible(actor: Actor, open_end: int | None) -> int:
        """Index of the last event at or before ``open_end`` (-1: none yet)."""
        if open_end is None:
            return len(actor.t) - 1
        return bisect_right(actor.t, open_end) - 1

    def events_until(self, t: int) -> int:
        """How many state events had happened by instant ``t``."""
        return sum(bisect_right(a.t, t) for a in self.actors)

    def cores(self) -> list[int]:
        """Every core a thread ran on, and every core the run was allowed (incremental)."""
        seen = self._cores
        seen.update(self.header.get("machine", {}).get("cpus", []))
        for a in self.actors:
            if a.kind != Kind.THREAD:
                continue
            k = self._cores_upto.get(a.index, 0)
            n = len(a)
            if k < n:  # numpy over a copy: a set of the new events' cores was a tenth of a
                # live frame at a million events a second (measured), and a view would
                # stop the collector growing the array
                seen.update(np.unique(np.frombuffer(a.core[k:n], dtype=np.int16)).tolist())
                self._cores_upto[a.index] = n
        seen.discard(-1)
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

    def story(self, cues: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
        """Cues in the order to tell them: by time, except that stacked runs (a comparison,
        each run from time zero) are told one run after another."""
        if not self.header.get("runs"):
            return cues

        def root(i: int) -> int:
            seen = set()
            while (p := self.actors[i].parent) is not None and i not in seen:
                seen.add(i)
                i = p
            return i

        return sorted(cues, key=lambda c: (root(c[1]), c[0]))

    def children(self, parent: int | None) -> list[Actor]:
        return self._children().get(parent, [])

    def _children(self) -> dict[int | None, list[Actor]]:
        """Each actor's children, in declaration order: built once per change of the tree,
        so a walk of 100,000 actors is linear, not a scan of all of them per actor."""
        key = (len(self.actors), self.renames)
        if self._tree_key != key:
            index: dict[int | None, list[Actor]] = {}
            for a in self.actors:
                index.setdefault(a.parent, []).append(a)
            self._tree, self._tree_key = index, key
        return self._tree

    def cycle(self) -> int | None:
        """An actor whose chain of parents comes back to itself, or None (the loaders refuse
        such a file: every walk up the tree would loop)."""
        state = [0] * len(self.actors)  # 0 unseen, 1 on the current path, 2 done
        for start in range(len(self.actors)):
            path = []
            i: int | None = start
            while i is not None and 0 <= i < len(state) and state[i] == 0:
                state[i] = 1
                path.append(i)
                i = self.actors[i].parent
            if i is not None and 0 <= i < len(state) and state[i] == 1:
                return i
            for k in path:
                state[k] = 2
        return None

    def ordered(self) -> list[tuple[int, Actor]]:
        """Actors as a tree walk (kitchen, its cooks, their tasks) with their depth.

        Iterative, with an explicit stack: a chain 100,000 deep must not hit Python's
        recursion limit."""
        out: list[tuple[int, Actor]] = []
        seen: set[int] = set()
        kids = self._children()

        def walk(root: Actor) -> None:
            stack = [(0, root)]
            while stack:
                depth, a = stack.pop()
                if a.index in seen:
                    continue
                seen.add(a.index)
                out.append((depth, a))
                stack.extend((depth + 1, c) for c in reversed(kids.get(a.index, [])))

        for root in kids.get(None, []):
            walk(root)
        for a in self.actors:  # anything in a cycle or orphaned still shows
            walk(a)
        return out

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


def _instant(t: int) -> int:
    if not 0 <= t <= MAX_T:
        raise StoreError(f"time {t} is outside 0 .. 2**62 ns")
    return t


def _ready_before(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, before: np.ndarray) -> np.ndarray:
    """Ready time before each instant of ``x``, of the ready spans ``lo``..``hi`` (in order;
    ``before``: each span's ready time before it)."""
    i = np.searchsorted(lo, x, side="right") - 1
    seen = i >= 0
    i[~seen] = 0
    return np.where(seen, before[i] + np.clip(x - lo[i], 0, hi[i] - lo[i]), 0.0)


def _queued_in(lo: np.ndarray, hi: np.ndarray, at: np.ndarray, queued: np.ndarray) -> np.ndarray:
    """Run-queue ns within each ready span: each stretch between two readings gives its
    queued time to its ready time, a share of it (at most all) to each ready ns."""
    before = np.concatenate(([0.0], np.cumsum(hi - lo)[:-1]))
    ready_at = _ready_before(at, lo, hi, before)
    ready = np.diff(ready_at)
    share = np.clip(
        np.divide(np.diff(queued), ready, out=np.zeros_like(ready), where=ready > 0), 0, 1
    )
    core_at = np.concatenate(([0.0], np.cumsum(share * ready)))

    def core_before(x: np.ndarray) -> np.ndarray:
        j = np.clip(np.searchsorted(at, x, side="right") - 1, 0, len(share) - 1)
        return core_at[j] + share[j] * (_ready_before(x, lo, hi, before) - ready_at[j])

    return core_before(hi) - core_before(lo)  # type: ignore[no-any-return]
