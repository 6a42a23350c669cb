"""Chrome Trace Event files made by other tools (viztracer, py-spy, Perfetto exports), opened
as runs: each thread a lane, each top-level slice a ``running`` span.

What such a file cannot show: a trace of function calls knows when code ran, not why it did
not. Time between slices is drawn as ``waiting`` labelled "not in a slice (unknown)", though
the thread may as well have been ready (wanting the GIL or a core) -- unless the file says
which, as Cookline's own export does in each slice's ``cat`` (running, ready, waiting).
"""

from __future__ import annotations

import json
import math
from array import array
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from scenarios.wire import Kind, Reason, State
from tui.formats import disk, json_stream
from tui.formats.chrome_export import COOKLINE, CORES_PROCESS
from tui.formats.recording import (
    BOM,
    FORMAT,
    MAX_COUNT,
    VERSION,
    RecordingError,
    apply_record,
    check_header,
    check_tree,
    short,
)
from tui.trace.store import (
    MAX_ACTORS,
    MAX_CORE,
    MAX_LABELS,
    MAX_RECORDS,
    MAX_T,
    TOO_MANY_LABELS,
    TraceStore,
)
from tui.trace.text import MAX_NAME, one_line, printable

UNKNOWN = "not in a slice (unknown)"
NOTE = (
    "A trace from another tool: its slices are shown as running; time between them as waiting, "
    "though the thread may have been ready (no ready/waiting split in the file)."
)
NOTE_JA = (
    "他のツールのトレース：スライスは実行中、その間は待機として表示"
    "（ファイルに実行可能と待機の区別はない）"
)


def looks_like_chrome_trace(raw: bytes) -> bool:
    """A JSON document (not JSON Lines) holding trace events. The first line is read whole:
    a recording's header may be long (600 CPUs listed)."""
    head = raw.removeprefix(BOM).lstrip()
    if head.startswith(b"["):
        return True
    if not head.startswith(b"{"):
        return False
    end = head.find(b"\n")
    first = head if end < 0 else head[:end]  # not split: that would copy the whole rest
    try:
        obj = json.loads(first)
    except (ValueError, RecursionError):
        return True  # one JSON object over several lines: not a recording
    return isinstance(obj, dict) and "traceEvents" in obj


def load(path: str | Path, progress: Callable[[int, int], None] | None = None) -> TraceStore:
    """A Chrome trace read from its file a chunk at a time (never the whole of it at once)."""
    try:
        with disk.opened(path, disk.TRACE_CAP, "Chrome trace") as (fd, size):
            tell = None if progress is None else (lambda done: progress(done, size))
            return stream(str(path), disk.pieces(path, fd, disk.TRACE_CAP), tell)
    except disk.FileError as exc:
        raise RecordingError(exc.path, None, exc.what) from None


def parse(name: str, raw: bytes) -> TraceStore:
    """A Chrome trace's bytes as a store; ``name`` is what error lines call the file."""
    return stream(name, iter((raw,)))


def stream(
    name: str, pieces: Iterator[bytes], progress: Callable[[int], None] | None = None
) -> TraceStore:
    """A Chrome trace from chunks of its text: each event is reduced as it comes to a few
    numbers in its lane's columns, and a slice inside another is dropped as soon as both are
    seen (a call tree of a million nested calls keeps its top-level slices)."""
    items = json_stream.Items(pieces, "traceEvents", progress)
    lanes = _Lanes()
    try:
        for k, ev in enumerate(items):
            if not isinstance(ev, dict):
                raise RecordingError(name, None, f"traceEvents[{k}]: expected an object")
            try:
                lanes.event(ev)
            except _Bad as exc:
                raise RecordingError(name, None, f"traceEvents[{k}].{exc}") from None
    except json_stream.JsonError as exc:
        raise RecordingError(name, exc.line, exc.what) from None
    if not items.found:
        raise RecordingError(name, None, 'a Chrome trace needs a "traceEvents" list')
    other = items.others.get("otherData", {})
    if not isinstance(other, dict):
        raise RecordingError(name, None, "otherData: expected an object")
    return _build(name, lanes, other)


Key = tuple[int | str, int | str]


class _Bad(Exception):
    """One event's problem; ``_build`` adds which event."""


def _id(ev: dict[str, Any], field: str) -> int | str:
    """A pid or tid: a number, or a string (ray names nodes and workers so); 64-bit ids stay
    whole, so two threads never share a lane because their low bits agree."""
    v = ev.get(field, 0)
    if type(v) is int and -MAX_COUNT <= v <= MAX_COUNT:  # the common case, first
        return v
    if isinstance(v, bool):
        raise _Bad(f"{field}: expected a number or a string, got {v!r}")
    if isinstance(v, float) and math.isfinite(v) and v.is_integer():
        v = int(v)
    if isinstance(v, int):
        if not -MAX_COUNT <= v <= MAX_COUNT:
            raise _Bad(f"{field}: {v} is out of range")
        return v
    if isinstance(v, str):
        return one_line(v)
    raise _Bad(f"{field}: expected a number or a string, got {short(v)}")


def _ns(ev: dict[str, Any], field: str, default: float | None = None) -> int:
    """A time in the file's microseconds as nanoseconds, finite and in range."""
    v = ev.get(field, default)
    # the common case first (never a bool); a NaN fails the range too
    if (type(v) is float or type(v) is int) and -_MAX_US <= v <= _MAX_US:
        return round(v * 1000)  # rounded: 1.234567 µs is 1234.5669… ns as a float
    if v is None:
        raise _Bad(f'"{field}" missing')
    if isinstance(v, bool) or not isinstance(v, int | float | str):
        raise _Bad(f'"{field}": expected a number, got {short(v)}')
    try:
        us = float(v)
    except (ValueError, OverflowError):
        raise _Bad(f'"{field}": expected a number, got {short(v)}') from None
    if not math.isfinite(us) or abs(us) * 1000 > MAX_T // 2:
        raise _Bad(f'"{field}": {short(v)} µs is out of range')
    return round(us * 1000)


_MAX_US = MAX_T // 2 // 1000


def _args(ev: dict[str, Any]) -> dict[str, Any]:
    args = ev.get("args", {})
    if args is None:
        return {}
    if not isinstance(args, dict):
        raise _Bad(f"args: expected an object, got {short(args)}")
    return args


_REASONS = {r.name.lower(): int(r) for r in Reason}


def _text(v: Any) -> str:
    return printable(v if isinstance(v, str) else "" if v is None else short(v))[:MAX_NAME]


def _order(key: Key) -> tuple[tuple[int, Any], ...]:
    """Numbers before strings: a file may mix them, and Python will not compare the two."""
    return tuple((1, x) if isinstance(x, str) else (0, x) for x in key)


class _Lane:
    """One thread's slices so far, in columns: start, stop (ns), label and category (ids of
    :attr:`_Lanes.texts`) and core; B events still open."""

    def __init__(self) -> None:
        self.start, self.stop = array("q"), array("q")
        self.label, self.cat, self.core = array("i"), array("i"), array("h")
        self.reason = array("b")
        self.opened: list[tuple[int, int, int]] = []

    def add(self, start: int, stop: int, label: int, cat: int, core: int, reason: int = 0) -> None:
        """A slice; one inside the last is dropped, and the last ones inside this one go
        (tracers write a call tree in pre- or post-order, so nesting meets at the end)."""
        starts, stops = self.start, self.stop
        if starts and starts[-1] <= start and stop <= stops[-1]:
            return
        while starts and start <= starts[-1] and stops[-1] <= stop:
            for column in (starts, stops, self.label, self.cat, self.core, self.reason):
                column.pop()
        starts.append(start)
        stops.append(stop)
        self.label.append(label)
        self.cat.append(cat)
        self.core.append(core)
        self.reason.append(reason)


class _Lanes:
    """What the events said, reduced as they come."""

    def __init__(self) -> None:
        self.procs: dict[int | str, str] = {}
        self.threads: dict[Key, str] = {}
        self.lanes: dict[Key, _Lane] = {}
        self.texts: list[str] = [""]
        self.text_ids: dict[str, int] = {"": 0}
        self._raw: dict[str, int] = {}
        """A name as the file wrote it -> its text's id: each distinct name cleaned once."""
        self.cues: list[tuple[int, Key, str, str, str]] = []
        """(time, track, text, Japanese text, category) of each instant event."""

    def text(self, v: str) -> int:
        """A label's or category's id; past the store's own limit, one id for all the rest."""
        i = self.text_ids.get(v)
        if i is None:
            if len(self.texts) >= MAX_LABELS:
                v = TOO_MANY_LABELS
                i = self.text_ids.get(v)
            if i is None:
                i = self.text_ids[v] = len(self.texts)
                self.texts.append(v)
        return i

    def text_of(self, v: Any) -> int:
        """The id of a ``name`` or ``cat`` value as the file gave it."""
        if type(v) is str:
            i = self._raw.get(v)
            if i is None:
                i = self.text(_text(v))
                if len(self._raw) < MAX_LABELS:
                    self._raw[v] = i
            return i
        return self.text(_text(v))

    def event(self, ev: dict[str, Any]) -> None:
        """One trace event; raises :class:`_Bad` for a broken one."""
        ph = ev.get("ph")
        pid, tid = _id(ev, "pid"), _id(ev, "tid")
        key = (pid, tid)
        if ph == "M":
            called = _text(_args(ev).get("name", ""))
            if ev.get("name") == "process_name":
                self.procs[pid] = called
            elif ev.get("name") == "thread_name":
                self.threads[key] = called
            return
        if ph not in ("X", "B", "E", "i", "I"):
            return
        ts = _ns(ev, "ts")
        args = _args(ev)
        if key not in self.threads:
            self.threads[key] = f"thread {tid}"
        label = self.text_of(ev.get("name", ""))
        cat = self.text_of(ev.get("cat", ""))
        core = args.get("core", -1)
        if not isinstance(core, int) or isinstance(core, bool):
            core = -1
        elif not -1 <= core <= MAX_CORE:
            raise _Bad(f"args.core: {core} is outside 0 .. {MAX_CORE}")
        if ph in ("i", "I"):
            if len(self.cues) < MAX_RECORDS:
                text = self.texts[label]
                tb = args.get("traceback")
                if self.texts[cat] == "error" and isinstance(tb, str) and tb:
                    text = printable(tb)  # Cookline's own: the traceback rides along
                ja = _text(args.get("ja", ""))
                self.cues.append((ts, key, text, ja, self.texts[cat]))
            return
        lane = self.lanes.get(key)
        if lane is None:
            lane = self.lanes[key] = _Lane()
        if ph == "X":
            why = args.get("reason")
            reason = _REASONS.get(why, 0) if type(why) is str else 0
            lane.add(ts, ts + max(0, _ns(ev, "dur", 0)), label, cat, core, reason)
        elif ph == "B":
            lane.opened.append((ts, label, cat))
        elif lane.opened:
            start, blabel, bcat = lane.opened.pop()
            lane.add(start, max(ts, start), blabel, bcat, core)


def _build(name: str, lanes: _Lanes, other: dict[str, Any]) -> TraceStore:
    slices = {key: lane for key, lane in lanes.lanes.items() if lane.start}
    if not slices:
        raise RecordingError(name, None, "no slices (X or B/E events) to show")
    book = other.get(COOKLINE)
    if other.get("producer") == "cookline" and book is not None:
        return _build_own(name, lanes, slices, book)
    if len(slices) + len({pid for pid, _ in slices}) > MAX_ACTORS:
        raise RecordingError(
            name, None, f"more than {MAX_ACTORS:,} threads and processes, the most Cookline keeps"
        )
    header = {
        "format": FORMAT,
        "version": VERSION,
        "scenario": Path(name).stem,
        "title": f"Chrome trace: {Path(name).name}",
        "title_ja": f"Chromeトレース：{Path(name).name}",
        "machine": other.get("machine") or {"python": "?"},
        "source": "chrome-trace",
    }
    try:
        store = TraceStore(check_header(name, None, header))
    except RecordingError as exc:
        raise RecordingError(name, None, f"otherData.{exc.what.removeprefix('header.')}") from None
    cores_pids = {pid for pid, pname in lanes.procs.items() if pname == CORES_PROCESS}
    t0 = min(min(lane.start) for lane in slices.values())
    kitchens: dict[int | str, int] = {}
    ids: dict[Key, int] = {}
    own_states = False
    reach: dict[int | str, tuple[int, int]] = {}
    known = lanes.text_ids
    states = {known[n.name.lower()]: n for n in State if n.name.lower() in known}
    for key in sorted(slices, key=_order):
        pid, tid = key
        if pid in cores_pids:
            continue  # Cookline's own cores tracks: the cores view rebuilds them
        if pid not in kitchens:
            name_of_pid = lanes.procs.get(pid, f"process {pid}")
            kitchens[pid] = store.declare(
                ("process", pid), Kind.PROCESS, name_of_pid, pid=_number(pid)
            )
        ids[key] = store.declare(
            key,
            Kind.THREAD,
            lanes.threads[key],
            parent=kitchens[pid],
            pid=_number(pid),
            tid=_number(tid),
        )
        lane = slices[key]
        own_states |= _fill(store, ids[key], lane, lanes.texts, states, t0)
        first, last = reach.get(pid, (min(lane.start), max(lane.stop)))
        reach[pid] = (min(first, min(lane.start)), max(last, max(lane.stop)))
    for pid, index in kitchens.items():
        first, last = reach[pid]
        store.add_states(
            index,
            array("q", [first - t0, last - t0]),
            array("b", [State.RUNNING, State.DONE]),
            array("b", [0, 0]),
            array("h", [-1, -1]),
            array("i", [0, 0]),
        )
    for ts, key, en, ja, _ in sorted(lanes.cues, key=lambda c: c[0]):
        if key in ids and ts >= t0:
            store.add_cue(ts - t0, ids[key], en, ja)
    if not own_states:
        store.add_cue(0, 0, NOTE, NOTE_JA)
    store.end_run("done", NOTE if not own_states else "from a Chrome trace")
    return store


def _build_own(name: str, lanes: _Lanes, slices: dict[Key, _Lane], book: Any) -> TraceStore:
    """Cookline's own export, back as the run it was: the actors, their kinds, parents and
    ends, the header and the outcome come from ``otherData.cookline`` (checked as a
    recording's own lines are); track ``tid`` is actor ``tid - 1``."""
    where = f"otherData.{COOKLINE}"
    if not isinstance(book, dict):
        raise RecordingError(name, None, f"{where}: expected an object")
    actors, finals, head = book.get("actors"), book.get("final"), book.get("header")
    if not isinstance(actors, list) or not isinstance(head, dict):
        raise RecordingError(name, None, f"{where}: expected its header and actors")
    if not isinstance(finals, list) or len(finals) != len(actors):
        raise RecordingError(name, None, f"{where}.final: expected one entry per actor")
    header = {**head, "format": FORMAT, "version": VERSION, "source": "chrome-trace"}
    try:
        store = TraceStore(check_header(name, None, header))
    except RecordingError as exc:
        raise RecordingError(name, None, f"{where}.{exc.what}") from None
    lines: list[int | None] = []
    for k, obj in enumerate(actors):
        at = f"{where}.actors[{k}]"
        if not isinstance(obj, dict) or obj.get("id") != k:
            raise RecordingError(name, None, f"{at}: expected the actor with id {k}")
        try:
            apply_record(name, 0, {**obj, "type": "actor"}, store, {}, lines, ("actor",))
        except RecordingError as exc:
            raise RecordingError(name, None, f"{at}: {exc.what}") from None
    try:
        check_tree(name, store, [None] * len(lines))
    except RecordingError as exc:
        raise RecordingError(name, None, f"{where}.actors: {exc.what}") from None
    end_state = {None: None, "done": State.DONE, "failed": State.FAILED}
    known = lanes.text_ids
    states = {known[n.name.lower()]: n for n in State if n.name.lower() in known}
    cores_pids = {pid for pid, pname in lanes.procs.items() if pname == CORES_PROCESS}
    ids: dict[Key, int] = {}
    for key in sorted(slices, key=_order):
        pid, tid = key
        if pid in cores_pids:
            continue
        if not (isinstance(tid, int) and 1 <= tid <= len(actors)) or tid - 1 in ids.values():
            raise RecordingError(name, None, f"track {pid}/{tid}: not one of {where}.actors")
        final = finals[tid - 1]
        if final not in end_state:
            raise RecordingError(name, None, f"{where}.final[{tid - 1}]: {short(final)}")
        ids[key] = tid - 1
        # the export ends each slice 1 ns early (so that no reader sees two overlap)
        _fill(store, tid - 1, slices[key], lanes.texts, states, 0, end_state[final], tail=1)
    for ts, key, text, ja, cat in sorted(lanes.cues, key=lambda c: c[0]):
        if key in ids and ts >= 0 and cat != "failed":  # a failure is its lane's final state
            if cat == "error":
                store.add_error(ts, ids[key], text)
            else:
                store.add_cue(ts, ids[key], text, ja)
    end = book.get("end")
    if end is not None:
        try:
            apply_record(
                name,
                0,
                {**end, "type": "end"} if isinstance(end, dict) else {},
                store,
                {},
                [],
                ("end",),
            )
        except RecordingError as exc:
            raise RecordingError(name, None, f"{where}.end: {exc.what}") from None
    return store


def _number(v: int | str) -> int:
    return v if isinstance(v, int) and 0 <= v <= MAX_COUNT else 0


def _fill(
    store: TraceStore,
    index: int,
    lane: _Lane,
    texts: list[str],
    states: dict[int, State],
    t0: int,
    final: int | None = State.DONE,
    tail: int = 0,
) -> bool:
    """Top-level slices become spans, then ``final`` where the last one stops, ``tail`` ns
    later (None: the last state again there, an unfinished lane's last known instant, as a
    run stopped from outside holds it); returns True if the file named the states itself."""
    order = np.lexsort(
        (-np.frombuffer(lane.stop, dtype=np.int64), np.frombuffer(lane.start, dtype=np.int64))
    )
    own = all(c in states for c in set(lane.cat))
    ts, st, rs, cs, ls = array("q"), array("b"), array("b"), array("h"), array("i")
    unknown = store.label(UNKNOWN)
    end = None
    starts, stops, labels, cats, cores = lane.start, lane.stop, lane.label, lane.cat, lane.core
    reasons = lane.reason
    for k in order.tolist():
        start, stop = starts[k], stops[k]
        if end is not None and start < end:
            continue  # nested in the slice before: the lane shows the outermost call
        if end is not None and start > end and not own:
            ts.append(end - t0)
            st.append(State.WAITING)
            rs.append(Reason.NONE)
            cs.append(-1)
            ls.append(unknown)
        label, cat = labels[k], cats[k]
        ts.append(start - t0)
        st.append(states[cat] if own else State.RUNNING)
        rs.append(reasons[k] if own and states[cat] in (State.WAITING, State.READY) else 0)
        cs.append(cores[k])
        ls.append(store.label(texts[label]) if label and label != cat else 0)
        end = stop
    if end is not None:
        ts.append(end + tail - t0)
        st.append(final if final is not None else st[-1])
        rs.append(0 if final is not None else rs[-1])
        cs.append(-1)
        ls.append(0 if final is not None else ls[-1])
    store.add_states(index, ts, st, rs, cs, ls)
    return own
