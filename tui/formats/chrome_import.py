"""Chrome Trace Event files made by other tools (viztracer, py-spy, Perfetto exports), opened
as runs: each thread a lane, each top-level slice a ``running`` span.

What such a file cannot show: a trace of function calls knows when code ran, not why it did
not. Time between slices is drawn as ``waiting`` labelled "not in a slice (unknown)", though
the thread may as well have been ready (wanting the GIL or a core) -- unless the file says
which, as Cookline's own export does in each slice's ``cat`` (running, ready, waiting).
"""

from __future__ import annotations

import json
from array import array
from pathlib import Path
from typing import Any

from scenarios.wire import Kind, Reason, State, code_of
from tui.formats.chrome_export import CORES_PROCESS
from tui.formats.recording import RecordingError
from tui.trace.store import TraceStore

UNKNOWN = "not in a slice (unknown)"
NOTE = (
    "A trace from another tool: its slices are shown as running; time between them as waiting, "
    "though the thread may have been ready (no ready/waiting split in the file)."
)
NOTE_JA = (
    "他のツールのトレース：スライスは実行中、その間は待機として表示"
    "（ファイルに実行可能と待機の区別はない）"
)


def looks_like_chrome_trace(path: Path) -> bool:
    """A JSON document (not JSON Lines) holding trace events."""
    with path.open("rb") as f:
        head = f.read(4096).lstrip()
    if head.startswith(b"["):
        return True
    if not head.startswith(b"{"):
        return False
    first = head.split(b"\n", 1)[0]
    try:
        obj = json.loads(first)
    except ValueError:
        return True  # one JSON object over several lines: not a recording
    return isinstance(obj, dict) and "traceEvents" in obj


def load(path: str | Path) -> TraceStore:
    name = str(path)
    p = Path(path)
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise RecordingError(name, exc.lineno, f"not valid JSON: {exc.msg}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RecordingError(name, None, f"cannot read: {exc}") from None
    events = doc.get("traceEvents") if isinstance(doc, dict) else doc
    if not isinstance(events, list):
        raise RecordingError(name, None, 'a Chrome trace needs a "traceEvents" list')
    return _build(name, events, doc if isinstance(doc, dict) else {})


def _build(name: str, events: list[Any], doc: dict[str, Any]) -> TraceStore:
    procs: dict[int, str] = {}
    threads: dict[tuple[int, int], str] = {}
    slices: dict[tuple[int, int], list[tuple[int, int, str, str, int]]] = {}
    opened: dict[tuple[int, int], list[tuple[int, str, str]]] = {}
    cues: list[tuple[int, tuple[int, int], str, str]] = []
    for k, ev in enumerate(events):
        if not isinstance(ev, dict):
            raise RecordingError(name, None, f"traceEvents[{k}]: expected an object")
        ph = ev.get("ph")
        try:
            pid, tid = int(ev.get("pid", 0)), int(ev.get("tid", 0))
        except (TypeError, ValueError):
            raise RecordingError(name, None, f"traceEvents[{k}]: pid/tid are not numbers") from None
        key = (pid, tid)
        if ph == "M":
            label = str((ev.get("args") or {}).get("name", ""))
            if ev.get("name") == "process_name":
                procs[pid] = label
            elif ev.get("name") == "thread_name":
                threads[key] = label
            continue
        if ph not in ("X", "B", "E", "i", "I"):
            continue
        try:
            ts = int(float(ev["ts"]) * 1000)
        except (KeyError, TypeError, ValueError):
            raise RecordingError(
                name, None, f'traceEvents[{k}]: "ts" missing or not a number'
            ) from None
        threads.setdefault(key, f"thread {tid}")
        label = str(ev.get("name", ""))
        cat = str(ev.get("cat", ""))
        core = (ev.get("args") or {}).get("core", -1)
        core = core if isinstance(core, int) else -1
        if ph == "X":
            try:
                dur = int(float(ev.get("dur", 0)) * 1000)
            except (TypeError, ValueError):
                raise RecordingError(
                    name, None, f'traceEvents[{k}]: "dur" is not a number'
                ) from None
            slices.setdefault(key, []).append((ts, ts + max(0, dur), label, cat, core))
        elif ph == "B":
            opened.setdefault(key, []).append((ts, label, cat))
        elif ph == "E":
            stack = opened.get(key)
            if stack:
                start, blabel, bcat = stack.pop()
                slices.setdefault(key, []).append((start, ts, blabel, bcat, core))
        else:
            en = label
            ja = str((ev.get("args") or {}).get("ja", ""))
            cues.append((ts, key, en, ja))
    if not slices:
        raise RecordingError(name, None, "no slices (X or B/E events) to show")
    store = TraceStore(
        {
            "scenario": Path(name).stem,
            "title": f"Chrome trace: {Path(name).name}",
            "title_ja": f"Chromeトレース：{Path(name).name}",
            "machine": (doc.get("otherData") or {}).get("machine") or {"python": "?"},
            "source": "chrome-trace",
        }
    )
    cores_pids = {pid for pid, pname in procs.items() if pname == CORES_PROCESS}
    t0 = min(s[0] for lane in slices.values() for s in lane)
    kitchens: dict[int, int] = {}
    lanes: dict[tuple[int, int], int] = {}
    own_states = False
    for key in sorted(slices):
        pid, tid = key
        if pid in cores_pids:
            continue  # Cookline's own cores tracks: the cores view rebuilds them
        if pid not in kitchens:
            name_of_pid = procs.get(pid, f"process {pid}")
            kitchens[pid] = store.declare(("process", pid), Kind.PROCESS, name_of_pid, pid=pid)
        lanes[key] = store.declare(
            key, Kind.THREAD, threads[key], parent=kitchens[pid], pid=pid, tid=tid
        )
        own_states |= _fill(store, lanes[key], slices[key], t0)
    for pid, index in kitchens.items():
        spans = [s for key, lane in slices.items() if key[0] == pid for s in lane]
        first, last = min(s[0] for s in spans), max(s[1] for s in spans)
        store.add_states(
            index,
            array("q", [first - t0, last - t0]),
            array("b", [State.RUNNING, State.DONE]),
            array("b", [0, 0]),
            array("h", [-1, -1]),
            array("i", [0, 0]),
        )
    for ts, key, en, ja in sorted(cues):
        if key in lanes:
            store.add_cue(ts - t0, lanes[key], en, ja)
    if not own_states:
        store.add_cue(0, 0, NOTE, NOTE_JA)
    store.end_run("done", NOTE if not own_states else "from a Chrome trace")
    return store


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
