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
from pathlib import Path
from typing import Any

from scenarios.wire import Kind, Reason, State, code_of
from tui.formats.chrome_export import CORES_PROCESS
from tui.formats.recording import (
    BOM,
    FORMAT,
    MAX_COUNT,
    VERSION,
    RecordingError,
    check_header,
    read,
    short,
)
from tui.trace.store import MAX_ACTORS, MAX_CORE, MAX_T, TraceStore
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


def load(path: str | Path) -> TraceStore:
    return parse(str(path), read(path))


def parse(name: str, raw: bytes) -> TraceStore:
    """A Chrome trace's bytes as a store; ``name`` is what error lines call the file."""
    try:
        doc = json.loads(raw.removeprefix(BOM).decode("utf-8"))
    except json.JSONDecodeError as exc:
        raise RecordingError(name, exc.lineno, f"not valid JSON: {exc.msg}") from None
    except UnicodeDecodeError:
        raise RecordingError(name, None, "not UTF-8 text") from None
    except RecursionError:
        raise RecordingError(name, None, "nested too deep") from None
    except ValueError as exc:
        raise RecordingError(name, None, f"not valid JSON: {printable(str(exc))[:80]}") from None
    events = doc.get("traceEvents") if isinstance(doc, dict) else doc
    if not isinstance(events, list):
        raise RecordingError(name, None, 'a Chrome trace needs a "traceEvents" list')
    other = doc.get("otherData", {}) if isinstance(doc, dict) else {}
    if not isinstance(other, dict):
        raise RecordingError(name, None, "otherData: expected an object")
    return _build(name, events, other)


Key = tuple[int | str, int | str]


class _Bad(Exception):
    """One event's problem; ``_build`` adds which event."""


def _id(ev: dict[str, Any], field: str) -> int | str:
    """A pid or tid: a number, or a string (ray names nodes and workers so); 64-bit ids stay
    whole, so two threads never share a lane because their low bits agree."""
    v = ev.get(field, 0)
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
    return int(us * 1000)


def _args(ev: dict[str, Any]) -> dict[str, Any]:
    args = ev.get("args", {})
    if args is None:
        return {}
    if not isinstance(args, dict):
        raise _Bad(f"args: expected an object, got {short(args)}")
    return args


def _text(v: Any) -> str:
    return printable(v if isinstance(v, str) else "" if v is None else short(v))[:MAX_NAME]


def _order(key: Key) -> tuple[tuple[int, Any], ...]:
    """Numbers before strings: a file may mix them, and Python will not compare the two."""
    return tuple((1, x) if isinstance(x, str) else (0, x) for x in key)


def _build(name: str, events: list[Any], other: dict[str, Any]) -> TraceStore:
    procs: dict[int | str, str] = {}
    threads: dict[Key, str] = {}
    slices: dict[Key, list[tuple[int, int, str, str, int]]] = {}
    opened: dict[Key, list[tuple[int, str, str]]] = {}
    cues: list[tuple[int, Key, str, str]] = []
    for k, ev in enumerate(events):
        if not isinstance(ev, dict):
            raise RecordingError(name, None, f"traceEvents[{k}]: expected an object")
        try:
            _event(ev, procs, threads, slices, opened, cues)
        except _Bad as exc:
            raise RecordingError(name, None, f"traceEvents[{k}].{exc}") from None
    if not slices:
        raise RecordingError(name, None, "no slices (X or B/E events) to show")
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
    cores_pids = {pid for pid, pname in procs.items() if pname == CORES_PROCESS}
    t0 = min(s[0] for lane in slices.values() for s in lane)
    kitchens: dict[int | str, int] = {}
    lanes: dict[Key, int] = {}
    own_states = False
    by_pid: dict[int | str, list[tuple[int, int, str, str, int]]] = {}
    for key in sorted(slices, key=_order):
        pid, tid = key
        if pid in cores_pids:
            continue  # Cookline's own cores tracks: the cores view rebuilds them
        if pid not in kitchens:
            name_of_pid = procs.get(pid, f"process {pid}")
            kitchens[pid] = store.declare(
                ("process", pid), Kind.PROCESS, name_of_pid, pid=_number(pid)
            )
        lanes[key] = store.declare(
            key, Kind.THREAD, threads[key], parent=kitchens[pid], pid=_number(pid), tid=_number(tid)
        )
        own_states |= _fill(store, lanes[key], slices[key], t0)
        by_pid.setdefault(pid, []).extend(slices[key])
    for pid, index in kitchens.items():
        spans = by_pid[pid]
        first, last = min(s[0] for s in spans), max(s[1] for s in spans)
        store.add_states(
            index,
            array("q", [first - t0, last - t0]),
            array("b", [State.RUNNING, State.DONE]),
            array("b", [0, 0]),
            array("h", [-1, -1]),
            array("i", [0, 0]),
        )
    for ts, key, en, ja in sorted(cues, key=lambda c: c[0]):
        if key in lanes and ts >= t0:
            store.add_cue(ts - t0, lanes[key], en, ja)
    if not own_states:
        store.add_cue(0, 0, NOTE, NOTE_JA)
    store.end_run("done", NOTE if not own_states else "from a Chrome trace")
    return store


def _number(v: int | str) -> int:
    return v if isinstance(v, int) and 0 <= v <= MAX_COUNT else 0


def _event(
    ev: dict[str, Any],
    procs: dict[int | str, str],
    threads: dict[Key, str],
    slices: dict[Key, list[tuple[int, int, str, str, int]]],
    opened: dict[Key, list[tuple[int, str, str]]],
    cues: list[tuple[int, Key, str, str]],
) -> None:
    """One trace event into the per-lane lists; raises :class:`_Bad` for a broken one."""
    ph = ev.get("ph")
    pid, tid = _id(ev, "pid"), _id(ev, "tid")
    key = (pid, tid)
    if ph == "M":
        label = _text(_args(ev).get("name", ""))
        if ev.get("name") == "process_name":
            procs[pid] = label
        elif ev.get("name") == "thread_name":
            threads[key] = label
        return
    if ph not in ("X", "B", "E", "i", "I"):
        return
    ts = _ns(ev, "ts")
    args = _args(ev)
    threads.setdefault(key, f"thread {tid}")
    label = _text(ev.get("name", ""))
    cat = _text(ev.get("cat", ""))
    core = args.get("core", -1)
    if not isinstance(core, int) or isinstance(core, bool):
        core = -1
    elif not -1 <= core <= MAX_CORE:
        raise _Bad(f"args.core: {core} is outside 0 .. {MAX_CORE}")
    if ph == "X":
        dur = _ns(ev, "dur", 0)
        slices.setdefault(key, []).append((ts, ts + max(0, dur), label, cat, core))
    elif ph == "B":
        opened.setdefault(key, []).append((ts, label, cat))
    elif ph == "E":
        stack = opened.get(key)
        if stack:
            start, blabel, bcat = stack.pop()
            slices.setdefault(key, []).append((start, max(ts, start), blabel, bcat, core))
    else:
        cues.append((ts, key, label, _text(args.get("ja", ""))))


def _fill(
    store: TraceStore, index: int, lane: list[tuple[int, int, str, str, int]], t0: int
) -> bool:
    """Top-level slices become spans; returns True if the file named the states itself."""
    lane.sort(key=lambda s: (s[0], -s[1]))
    states = {n.name.lower() for n in State}
    own = all(cat in states for _, _, _, cat, _ in lane)
    ts, st, rs, cs, ls = array("q"), array("b"), array("b"), array("h"), array("i")
    unknown = store.label(UNKNOWN)
    end = None
    for start, stop, label, cat, core in lane:
        if end is not None and start < end:
            continue  # nested in the slice before: the lane shows the outermost call
        if end is not None and start > end and not own:
            ts.append(end - t0)
            st.append(State.WAITING)
            rs.append(Reason.NONE)
            cs.append(-1)
            ls.append(unknown)
        state = code_of(State, cat) if own else State.RUNNING
        ts.append(start - t0)
        st.append(state)
        rs.append(0)
        cs.append(core)
        ls.append(store.label(label) if label and label != cat else 0)
        end = stop
    if end is not None:
        ts.append(end - t0)
        st.append(State.DONE)
        rs.append(0)
        cs.append(-1)
        ls.append(0)
    store.add_states(index, ts, st, rs, cs, ls)
    return own
