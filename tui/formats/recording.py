"""Recordings: a run as JSON Lines, saved from a store and loaded back into one.

Version 2 (what Cookline writes) keeps state events in columns (``columns``); version 1 (a
line per event) still opens. Loading trusts nothing: every line is checked and the first
problem is reported as ``FILE:LINE: what is wrong``. Never pickle: a recording is text anyone
can read and diff.
"""

from __future__ import annotations

import json
import os
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from enum import IntEnum
from typing import Any

from scenarios.wire import Kind, Reason, State, code_of, name_of
from tui.formats import columns, disk
from tui.trace.store import MAX_ACTORS, MAX_CORE, MAX_EVENTS, MAX_T, Actor, StoreError, TraceStore
from tui.trace.text import cut, printable

FORMAT = "cookline"
VERSION = 2
"""What Cookline writes."""
READS = (1, 2)
"""What it opens."""
BOM = b"\xef\xbb\xbf"
"""A UTF-8 byte order mark, which some editors put first: read past, not an error."""
MAX_COUNT = 1 << 63
"""The largest id, pid or count a field may hold (int64, as every tool writes them)."""


class RecordingError(Exception):
    """A recording that cannot be loaded; ``str()`` is the one line the user sees."""

    def __init__(self, path: str, line: int | None, what: str) -> None:
        self.path, self.line, self.what = path, line, what
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {what}")


def save(store: TraceStore, path: str | os.PathLike[str], version: int = VERSION) -> None:
    """Written beside ``path`` and renamed over it: a failed write leaves no half file.
    ``version=1``: the old line-per-event format, for a Cookline that reads only that."""
    with disk.atomic(path) as f:
        for obj in records(store) if version == VERSION else records_v1(store):
            f.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))
            f.write("\n")


def _header(store: TraceStore, version: int = VERSION) -> dict[str, Any]:
    head = {"format": FORMAT, "version": version, **store.header}
    if version >= 2:
        head["codes"] = columns.CODES
    return head


def records(store: TraceStore) -> Iterator[dict[str, Any]]:
    """Header, actors, labels, each actor's events in ``states`` lines, then the cues, values,
    errors and locks in time order, and how the run ended."""
    yield _header(store)
    for a in store.actors:
        yield actor_record(a)
    for k, text in enumerate(store.labels[1:], start=1):
        yield {"type": "label", "id": k, "text": text}
    for a in store.actors:
        yield from columns.lines(a, 0, len(a))
    meta = _meta(store, (0, 0, 0, 0), None)[0]
    meta.sort(key=lambda obj: obj["t"])
    yield from meta
    if store.end:
        yield {"type": "end", **store.end}


def records_v1(store: TraceStore) -> Iterator[dict[str, Any]]:
    """Version 1: header, actors, then every timed record in time order (states before
    metadata at ties)."""
    yield _header(store, 1)
    for a in store.actors:
        yield actor_record(a)
    timed: list[tuple[int, int, dict[str, Any]]] = []
    for a in store.actors:
        for k in range(len(a)):
            timed.append((a.t[k], 0, _state(store, a, k)))
    timed.extend((obj["t"], 1, obj) for obj in _meta(store, (0, 0, 0, 0), None)[0])
    timed.sort(key=lambda r: (r[0], r[1]))
    for _, _, obj in timed:
        yield obj
    if store.end:
        yield {"type": "end", **store.end}


def actor_record(a: Actor) -> dict[str, Any]:
    """An actor as a recording declares it (a Chrome export carries the same, less its type)."""
    return {
        "type": "actor",
        "id": a.index,
        "kind": name_of(Kind, a.kind),
        "parent": a.parent,
        "name": a.name,
        "pid": a.pid,
        "tid": a.tid,
    }


def _state(store: TraceStore, a: Actor, k: int) -> dict[str, Any]:
    return {
        "type": "state",
        "t": a.t[k],
        "actor": a.index,
        "state": name_of(State, a.state[k]),
        "reason": name_of(Reason, a.reason[k]) if a.reason[k] else None,
        "core": a.core[k] if a.core[k] >= 0 else None,
        "label": store.labels[a.label[k]] or None,
    }


def _meta(
    store: TraceStore, done: tuple[int, int, int, int], until: int | None
) -> tuple[list[dict[str, Any]], tuple[int, int, int, int]]:
    """Cues, values, errors and locks after the ``done`` first of each, up to ``until``."""
    out: list[dict[str, Any]] = []
    ends = []
    lists: tuple[list[Any], ...] = (store.cues, store.values, store.errors, store.locks)
    for kind, items, first in zip(("cue", "value", "error", "lock"), lists, done, strict=True):
        last = len(items) if until is None else bisect_left(items, (until + 1,))
        for item in items[first:last]:
            t, actor = item[0], item[1]
            if kind == "cue":
                out.append({"type": "cue", "t": t, "actor": actor, "text": item[2],
                            "text_ja": item[3]})  # fmt: skip
            elif kind == "value":
                out.append({"type": "value", "t": t, "actor": actor, "name": item[2],
                            "value": item[3]})  # fmt: skip
            elif kind == "error":
                out.append({"type": "error", "t": t, "actor": actor, "text": item[2]})
            else:
                out.append({"type": "lock", "t": t, "actor": actor, "lock": item[2],
                            "held": item[3]})  # fmt: skip
        ends.append(max(first, last))
    return out, (ends[0], ends[1], ends[2], ends[3])


def _events(a: Actor, first: int, last: int) -> Actor:
    """Events ``first`` .. ``last`` of an actor, copied: an actor of their own to format."""
    return Actor(
        a.index,
        a.key,
        t=a.t[first:last],
        state=a.state[first:last],
        reason=a.reason[first:last],
        core=a.core[first:last],
        label=a.label[first:last],
    )


def _line(obj: dict[str, Any]) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


class Stream:
    """A recording written as the run goes, so that a Cookline killed mid-run leaves what it
    had measured (SIGKILL runs no code: the file must already be there).

    Each :meth:`flush` appends, in whole lines and one ``write``, the actors not yet written
    (again when renamed) and the events older than the newest by :data:`LAG_NS`: events reach
    the store in batches from several threads, and one that lands before what is already
    written could not be put back in order. At a clean end the caller saves the whole run over
    this file (:func:`save`), sorted and complete.
    """

    LAG_NS = 1_000_000_000

    def __init__(self, store: TraceStore, path: str | os.PathLike[str]) -> None:
        self.store, self.path = store, path
        try:
            self._fd = os.open(
                path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NONBLOCK | os.O_CLOEXEC, 0o666
            )
        except OSError as exc:
            raise disk.FileError(path, f"cannot write: {exc.strerror}") from None
        self._actors: list[dict[str, Any]] = []
        self._states: list[int] = []
        self._labels = 1
        self._meta: tuple[int, int, int, int] = (0, 0, 0, 0)
        self._write(_line(_header(store)))  # at once

    def flush(self) -> None:
        """Append what is new. Under the store's lock only copies are taken (array slices,
        a few objects); the JSON is made after it, so the collector never waits on it."""
        store = self.store
        actors: list[dict[str, Any]] = []
        new: list[Actor] = []
        with store.lock:
            for a in store.actors:
                obj = actor_record(a)
                if a.index >= len(self._actors):
                    self._actors.append(obj)
                    self._states.append(0)
                elif self._actors[a.index] == obj:
                    continue
                self._actors[a.index] = obj
                actors.append(obj)
            until = store.bounds()[1] - self.LAG_NS
            for a in store.actors:
                first, last = self._states[a.index], bisect_right(a.t, until)
                if last > first:
                    new.append(_events(a, first, last))
                    self._states[a.index] = last
            meta, self._meta = _meta(store, self._meta, until)
            labels = list(enumerate(store.labels[self._labels :], start=self._labels))
            self._labels = len(store.labels)
        lines = [_line(obj) for obj in actors]
        lines.extend(_line({"type": "label", "id": k, "text": text}) for k, text in labels)
        lines.extend(_line(obj) for a in new for obj in columns.lines(a, 0, len(a)))
        lines.extend(_line(obj) for obj in meta)
        self._write(b"".join(lines))

    def _write(self, data: bytes) -> None:
        try:
            while data:
                data = data[os.write(self._fd, data) :]
        except OSError as exc:
            raise disk.FileError(self.path, f"cannot write: {exc.strerror}") from None

    def close(self) -> None:
        os.close(self._fd)


# -- loading -----------------------------------------------------------------------------------


_FIELDS: dict[str, dict[str, tuple[type, ...]]] = {
    "actor": {
        "id": (int,),
        "kind": (str,),
        "parent": (int, type(None)),
        "name": (str,),
        "pid": (int,),
        "tid": (int,),
    },
    "state": {
        "t": (int,),
        "actor": (int,),
        "state": (str,),
        "reason": (str, type(None)),
        "core": (int, type(None)),
        "label": (str, type(None)),
    },
    "cue": {"t": (int,), "actor": (int,), "text": (str,), "text_ja": (str,)},
    "value": {"t": (int,), "actor": (int,), "name": (str,), "value": (int, float)},
    "error": {"t": (int,), "actor": (int,), "text": (str,)},
    "lock": {"t": (int,), "actor": (int,), "lock": (str,), "held": (bool,)},
    "end": {"outcome": (str,), "message": (str,)},
}


def load(path: str | os.PathLike[str]) -> TraceStore:
    """Read and check a recording; raises :class:`RecordingError` at the first bad line."""
    return parse(str(path), read(path))


def read(path: str | os.PathLike[str]) -> bytes:
    """A recording's or a Chrome trace's bytes: a regular file, read once, capped."""
    try:
        return disk.read_regular(path, disk.RECORDING_CAP, "recording")
    except disk.FileError as exc:
        raise RecordingError(exc.path, None, exc.what) from None


PROGRESS_EVERY = 4 << 20
"""Bytes parsed between two calls of ``parse``'s ``progress``."""


def parse(name: str, raw: bytes, progress: Callable[[int, int], None] | None = None) -> TraceStore:
    """A recording's bytes as a store; ``name`` is what error lines call the file;
    ``progress(done, size)`` hears how far the parsing has got, every few megabytes."""
    raw = raw.removeprefix(BOM)
    if not raw or raw.isspace():  # (not strip(): a copy of the whole file)
        raise RecordingError(name, None, "empty file: a recording starts with a cookline header")
    if b"\0" in raw[:4096]:
        raise RecordingError(name, 1, "binary data, not a JSON Lines recording")
    store: TraceStore | None = None
    reader: columns.Reader | None = None
    last_t: dict[int, int] = {}
    lines_of: list[int | None] = []
    told = 0
    for number, at, line, last in _lines(raw):
        if progress is not None and at - told >= PROGRESS_EVERY:
            progress(at, len(raw))
            told = at
        if not line.strip():
            continue
        obj = _json_line(name, number, line, cut=last and not raw.endswith(b"\n"))
        if store is None:
            header = check_header(name, number, obj)
            store = TraceStore(header)
            if obj["version"] >= 2:
                reader = _reader(name, number, obj.get("codes"))
            continue
        try:
            if reader is None:
                apply_record(name, number, obj, store, last_t, lines_of, V1_TYPES)
            elif obj.get("type") == "states":
                _states(obj, store, reader, last_t, b"true" in line or b"false" in line)
            elif obj.get("type") == "label":
                _label(obj, store, reader)
            else:
                apply_record(name, number, obj, store, last_t, lines_of, V2_TYPES)
        except StoreError as exc:
            raise RecordingError(name, number, f"{obj.get('type')}: {exc}") from None
        except columns.ColumnError as exc:
            raise RecordingError(name, number, str(exc)) from None
    assert store is not None  # the file is not blank, so it had a first line
    check_tree(name, store, lines_of)
    return store


def check_tree(name: str, store: TraceStore, lines_of: list[int | None]) -> None:
    """Every parent declared and no actor its own ancestor; ``lines_of``: where each actor
    was declared (None: a place with no line, said by the caller)."""
    for a in store.actors:
        if a.parent is not None and a.parent >= len(store.actors):
            raise RecordingError(
                name, lines_of[a.index], f"actor.parent: {a.parent} was never declared"
            )
    looped = store.cycle()
    if looped is not None:
        raise RecordingError(
            name, lines_of[looped], f"actor.parent: actor {looped} is its own ancestor (a cycle)"
        )


def _lines(raw: bytes) -> Iterator[tuple[int, int, bytes, bool]]:
    """Each line with its number and offset, one at a time: a split of the whole file would
    hold a second copy of it (a hundred megabytes for ten million events)."""
    at, number, size = 0, 0, len(raw)
    while at < size:
        end = raw.find(b"\n", at)
        number += 1
        if end < 0:
            yield number, at, raw[at:], True
            return
        yield number, at, raw[at:end], end + 1 >= size
        at = end + 1


def _reader(name: str, number: int, codes: Any) -> columns.Reader:
    """The header's ``codes`` checked: what each code of the state and reason columns means."""
    if not isinstance(codes, dict) or not all(
        isinstance(codes.get(f), list) and len(codes[f]) > 0 for f in ("state", "reason")
    ):
        raise RecordingError(
            name, number, 'header.codes: expected {"state": [names], "reason": [names]}'
        )
    try:
        return columns.Reader(codes)
    except columns.ColumnError as exc:
        raise RecordingError(name, number, str(exc)) from None


def _states(
    obj: dict[str, Any],
    store: TraceStore,
    reader: columns.Reader,
    last_t: dict[int, int],
    scan: bool,
) -> None:
    actor = obj.get("actor")
    if not isinstance(actor, int) or isinstance(actor, bool):
        raise columns.ColumnError(f"states.actor: expected int, got {short(actor)}")
    if not 0 <= actor < len(store.actors):
        raise columns.ColumnError(f"states.actor: {short(actor)} was never declared")
    t, state, reason, core, label = reader.columns(obj, last_t.get(actor, 0), scan)
    if not t:
        return
    if store.events + len(t) > MAX_EVENTS:
        raise columns.ColumnError(f"more than {MAX_EVENTS:,} state events, the most Cookline keeps")
    last_t[actor] = t[-1]
    store.add_states(actor, t, state, reason, core, label)


def _label(obj: dict[str, Any], store: TraceStore, reader: columns.Reader) -> None:
    k, text = obj.get("id"), obj.get("text")
    if not isinstance(k, int) or isinstance(k, bool):
        raise columns.ColumnError(f"label.id: expected int, got {short(k)}")
    if not isinstance(text, str) or not text:
        raise columns.ColumnError(f"label.text: expected a string, got {short(text)}")
    try:
        reader.label(k, store.label(text))
    except columns.ColumnError as exc:
        raise columns.ColumnError(f"label.{exc}") from None


def _json_line(name: str, number: int, line: bytes, cut: bool) -> dict[str, Any]:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise RecordingError(name, number, "not UTF-8 text") from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        why = "the file ends mid-line (truncated?)" if cut else f"not JSON ({exc.msg})"
        raise RecordingError(name, number, why) from None
    except RecursionError:
        raise RecordingError(name, number, "nested too deep") from None
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise RecordingError(name, number, f"not JSON ({printable(str(exc))[:80]})") from None
    if not isinstance(obj, dict):
        raise RecordingError(name, number, "expected a JSON object")
    return obj


def check_header(name: str, number: int | None, obj: dict[str, Any]) -> dict[str, Any]:
    """The header's known fields checked by type and range, every string made printable;
    unknown fields kept as they are (a newer Cookline may add some)."""
    if obj.get("format") != FORMAT:
        raise RecordingError(
            name, number, f'not a cookline recording (expected "format": "{FORMAT}")'
        )
    version = obj.get("version")
    if version not in READS or isinstance(version, bool):
        raise RecordingError(
            name,
            number,
            f"version {short(version)} is not supported (this Cookline reads versions"
            f" {', '.join(map(str, READS))})",
        )
    for key in ("scenario", "machine"):
        if key not in obj:
            raise RecordingError(name, number, f'header: missing field "{key}"')
    header = {k: v for k, v in obj.items() if k not in ("format", "version", "codes")}
    _check_fields(name, number, "header", header, _HEADER)
    _check_fields(name, number, "header.machine", header["machine"], _MACHINE)
    for field in ("cpus", "cpus_allowed"):
        cpus = header["machine"].get(field, [])
        if len(cpus) > MAX_CORE + 1 or not all(
            isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= MAX_CORE for c in cpus
        ):
            raise RecordingError(
                name, number, f"header.machine.{field}: expected a list of core numbers"
            )
    runs = header.get("runs")
    if runs is not None and not all(isinstance(r, str | None) for r in runs):
        raise RecordingError(name, number, "header.runs: expected a list of scenario ids")
    try:
        return _printable(header)
    except _TooDeep:
        raise RecordingError(name, number, "header: nested too deep") from None


_HEADER: dict[str, tuple[type, ...]] = {
    "scenario": (str,),
    "title": (str,),
    "title_ja": (str,),
    "model": (str,),
    "bound": (str,),
    "params": (dict,),
    "machine": (dict,),
    "started": (str,),
    "source": (str,),
    "runs": (list,),
    "program": (list,),
}
_MACHINE: dict[str, tuple[type, ...]] = {
    "cores": (int,),
    "cpus_allowed": (list,),
    "cpus_used": (int,),
    "cpus": (list,),
    "python": (str,),
    "implementation": (str,),
    "gil_enabled": (bool, type(None)),
    "platform": (str,),
}


def _check_fields(
    name: str,
    number: int | None,
    where: str,
    obj: dict[str, Any],
    fields: dict[str, tuple[type, ...]],
) -> None:
    for field, types in fields.items():
        if field not in obj:
            continue
        v = obj[field]
        if not isinstance(v, types) or (isinstance(v, bool) and bool not in types):
            raise RecordingError(
                name, number, f"{where}.{field}: expected {_wanted(types)}, got {short(v)}"
            )
        if isinstance(v, int) and not isinstance(v, bool) and not 0 <= v <= MAX_COUNT:
            raise RecordingError(name, number, f"{where}.{field}: {short(v)} is out of range")


MAX_HEADER_DEPTH = 32
"""Levels of nesting a header may hold: its own fields need three."""


class _TooDeep(Exception):
    pass


def _printable(v: Any, depth: int = 0) -> Any:
    """Every string in a header without control characters. ``json.loads`` accepts some 990
    levels, more than a recursive walk here has stack for: deeper than
    :data:`MAX_HEADER_DEPTH` is refused."""
    if isinstance(v, str):
        return printable(v)
    if depth >= MAX_HEADER_DEPTH and isinstance(v, dict | list):
        raise _TooDeep
    if isinstance(v, dict):
        return {printable(str(k)): _printable(x, depth + 1) for k, x in v.items()}
    if isinstance(v, list):
        return [_printable(x, depth + 1) for x in v]
    return v


def _wanted(types: tuple[type, ...]) -> str:
    names = {type(None): "null", dict: "an object", list: "a list", str: "a string"}
    return " or ".join(names.get(t, t.__name__) for t in types)


def short(v: Any) -> str:
    """A value as the error line shows it: never a whole megabyte of it."""
    return cut(printable(repr(v)), 40)


def _enum(name: str, number: int, enum: type[IntEnum], field: str, value: str) -> int:
    try:
        return code_of(enum, value)
    except KeyError:
        allowed = ", ".join(m.name.lower() for m in enum)
        raise RecordingError(
            name, number, f"{field}: {short(value)} is not one of {allowed}"
        ) from None


V1_TYPES = ("actor", "state", "cue", "value", "error", "lock", "end")
V2_TYPES = ("actor", "label", "states", "cue", "value", "error", "lock", "end")
"""The line types of each version (``label`` and ``states`` are read by their own functions)."""


def apply_record(
    name: str,
    number: int,
    obj: dict[str, Any],
    store: TraceStore,
    last_t: dict[int, int],
    lines_of: list[int | None],
    kinds: tuple[str, ...],
) -> None:
    """One line's record, checked field by field and put in the store (the Chrome importer
    reads Cookline's own actors and outcome through here too, so both are checked alike)."""
    kind = obj.get("type")
    if not isinstance(kind, str) or kind not in kinds or kind not in _FIELDS:
        known = ", ".join(kinds)
        raise RecordingError(name, number, f"unknown type {short(kind)} (expected one of {known})")
    for field, types in _FIELDS[kind].items():
        if field not in obj:
            raise RecordingError(name, number, f'{kind}: missing field "{field}"')
        v = obj[field]
        if not isinstance(v, types) or (isinstance(v, bool) and bool not in types):
            wanted = " or ".join("null" if t is type(None) else t.__name__ for t in types)
            raise RecordingError(name, number, f"{kind}.{field}: expected {wanted}, got {short(v)}")
        if (
            isinstance(v, int)
            and not isinstance(v, bool)
            and field not in ("value", "t")
            and not -1 <= v <= MAX_COUNT
        ):
            raise RecordingError(name, number, f"{kind}.{field}: {short(v)} is out of range")
    if "t" in obj and obj["t"] < 0:
        raise RecordingError(name, number, f"{kind}.t: negative time {short(obj['t'])}")
    if "t" in obj and obj["t"] > MAX_T:
        raise RecordingError(name, number, f"{kind}.t: {short(obj['t'])} ns is past 2**62")
    if kind == "actor":
        # an id seen before is that actor again, renamed (a recording written as the run went:
        # a cook is named after its lane exists)
        if not 0 <= obj["id"] <= len(store.actors):
            raise RecordingError(
                name,
                number,
                f"actor.id: expected {len(store.actors)} (ids count up from 0), got {obj['id']}",
            )
        parent = obj["parent"]
        if parent == obj["id"]:
            raise RecordingError(name, number, f"actor.parent: actor {parent} is its own parent")
        if parent is not None and parent < 0:
            raise RecordingError(name, number, f"actor.parent: {parent} is not an actor id")
        if obj["id"] == len(store.actors):
            if len(store.actors) >= MAX_ACTORS:
                raise RecordingError(
                    name, number, f"actor: more than {MAX_ACTORS:,} actors, the most Cookline keeps"
                )
            lines_of.append(number)
        store.declare(
            obj["id"],
            Kind(_enum(name, number, Kind, "actor.kind", obj["kind"])),
            obj["name"],
            parent=parent,
            pid=obj["pid"],
            tid=obj["tid"],
        )
        return
    if kind == "end":
        code = obj.get("exit_code")
        if code is not None and (
            not isinstance(code, int) or isinstance(code, bool) or not -255 <= code <= 255
        ):
            raise RecordingError(
                name, number, f"end.exit_code: expected a status, got {short(code)}"
            )
        store.end_run(printable(obj["outcome"]), printable(obj["message"]), code)
        return
    actor = obj["actor"]
    if not 0 <= actor < len(store.actors):
        raise RecordingError(name, number, f"{kind}.actor: {short(actor)} was never declared")
    t = obj["t"]
    if kind == "state":
        if t < last_t.get(actor, 0):
            raise RecordingError(
                name,
                number,
                f"state.t: {t} goes back in time for actor {actor} (last {last_t[actor]})",
            )
        last_t[actor] = t
        st = _enum(name, number, State, "state.state", obj["state"])
        reason = _enum(name, number, Reason, "state.reason", obj["reason"]) if obj["reason"] else 0
        lab = store.label(obj["label"]) if obj["label"] else 0
        core = obj["core"] if obj["core"] is not None else -1
        if not 0 <= core <= MAX_CORE and obj["core"] is not None:
            raise RecordingError(name, number, f"state.core: {core} is outside 0 .. {MAX_CORE}")
        store.add_state(actor, t, st, reason, core, lab)
    elif kind == "cue":
        store.add_cue(t, actor, obj["text"], obj["text_ja"])
    elif kind == "value":
        store.add_value(t, actor, obj["name"], obj["value"])
    elif kind == "error":
        store.add_error(t, actor, obj["text"])
    elif kind == "lock":
        store.add_lock(t, actor, obj["lock"], obj["held"])
