"""Recordings: a run as JSON Lines, saved from a store and loaded back into one.

Loading trusts nothing: every line is checked and the first problem is reported as
``FILE:LINE: what is wrong``. Never pickle: a recording is text anyone can read and diff.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from enum import IntEnum
from pathlib import Path
from typing import Any

from scenarios.wire import Kind, Reason, State, code_of, name_of
from tui.trace.store import TraceStore

FORMAT = "cookline"
VERSION = 1


class RecordingError(Exception):
    """A recording that cannot be loaded; ``str()`` is the one line the user sees."""

    def __init__(self, path: str, line: int | None, what: str) -> None:
        self.path, self.line, self.what = path, line, what
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {what}")


def save(store: TraceStore, path: str | os.PathLike[str]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for obj in records(store):
            f.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))
            f.write("\n")


def records(store: TraceStore) -> Iterator[dict[str, Any]]:
    """Header, actors, then every timed record in time order (states before metadata at ties)."""
    yield {"format": FORMAT, "version": VERSION, **store.header}
    for a in store.actors:
        yield {
            "type": "actor",
            "id": a.index,
            "kind": name_of(Kind, a.kind),
            "parent": a.parent,
            "name": a.name,
            "pid": a.pid,
            "tid": a.tid,
        }
    timed: list[tuple[int, int, dict[str, Any]]] = []
    for a in store.actors:
        for k in range(len(a)):
            st = a.state[k]
            timed.append(
                (
                    a.t[k],
                    0,
                    {
                        "type": "state",
                        "t": a.t[k],
                        "actor": a.index,
                        "state": name_of(State, st),
                        "reason": name_of(Reason, a.reason[k]) if a.reason[k] else None,
                        "core": a.core[k] if a.core[k] >= 0 else None,
                        "label": store.labels[a.label[k]] or None,
                    },
                )
            )
    for t, actor, en, ja in store.cues:
        timed.append((t, 1, {"type": "cue", "t": t, "actor": actor, "text": en, "text_ja": ja}))
    for t, actor, name, v in store.values:
        timed.append((t, 1, {"type": "value", "t": t, "actor": actor, "name": name, "value": v}))
    for t, actor, text in store.errors:
        timed.append((t, 1, {"type": "error", "t": t, "actor": actor, "text": text}))
    for t, actor, name, held in store.locks:
        timed.append((t, 1, {"type": "lock", "t": t, "actor": actor, "lock": name, "held": held}))
    timed.sort(key=lambda r: (r[0], r[1]))
    for _, _, obj in timed:
        yield obj
    if store.end:
        yield {"type": "end", **store.end}


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
    name = str(path)
    p = Path(path)
    if not p.exists():
        raise RecordingError(name, None, "no such file")
    if p.is_dir():
        raise RecordingError(name, None, "is a directory, not a recording")
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise RecordingError(name, None, f"cannot read: {exc.strerror}") from None
    if not raw.strip():
        raise RecordingError(name, None, "empty file: a recording starts with a cookline header")
    if b"\0" in raw[:4096]:
        raise RecordingError(name, 1, "binary data, not a JSON Lines recording")
    store: TraceStore | None = None
    lines = raw.split(b"\n")
    ends_cleanly = raw.endswith(b"\n")
    last_t: dict[int, int] = {}
    parents: list[tuple[int, int | None]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            raise RecordingError(name, number, "not UTF-8 text") from None
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            cut = number == len(lines) and not ends_cleanly
            why = "the file ends mid-line (truncated?)" if cut else f"not JSON ({exc.msg})"
            raise RecordingError(name, number, why) from None
        if not isinstance(obj, dict):
            raise RecordingError(name, number, "expected a JSON object")
        if store is None:
            store = TraceStore(_header(name, obj))
            continue
        _record(name, number, obj, store, last_t, parents)
    assert store is not None  # the file is not blank, so it had a first line
    for number, parent in parents:
        if parent is not None and parent >= len(store.actors):
            raise RecordingError(name, number, f"actor.parent: {parent} was never declared")
    return store


def _header(name: str, obj: dict[str, Any]) -> dict[str, Any]:
    if obj.get("format") != FORMAT:
        raise RecordingError(name, 1, f'not a cookline recording (expected "format": "{FORMAT}")')
    version = obj.get("version")
    if version != VERSION:
        raise RecordingError(
            name, 1, f"version {version!r} is not supported (this Cookline reads version {VERSION})"
        )
    for key in ("scenario", "machine"):
        if key not in obj:
            raise RecordingError(name, 1, f'header: missing field "{key}"')
    return {k: v for k, v in obj.items() if k not in ("format", "version")}


def _enum(name: str, number: int, enum: type[IntEnum], field: str, value: str) -> int:
    try:
        return code_of(enum, value)
    except KeyError:
        allowed = ", ".join(m.name.lower() for m in enum)
        raise RecordingError(name, number, f"{field}: {value!r} is not one of {allowed}") from None


def _record(
    name: str,
    number: int,
    obj: dict[str, Any],
    store: TraceStore,
    last_t: dict[int, int],
    parents: list[tuple[int, int | None]],
) -> None:
    kind = obj.get("type")
    if kind not in _FIELDS:
        known = ", ".join(_FIELDS)
        raise RecordingError(name, number, f"unknown type {kind!r} (expected one of {known})")
    for field, types in _FIELDS[kind].items():
        if field not in obj:
            raise RecordingError(name, number, f'{kind}: missing field "{field}"')
        v = obj[field]
        if not isinstance(v, types) or (isinstance(v, bool) and bool not in types):
            wanted = " or ".join("null" if t is type(None) else t.__name__ for t in types)
            raise RecordingError(name, number, f"{kind}.{field}: expected {wanted}, got {v!r}")
    if kind == "actor":
        if obj["id"] != len(store.actors):
            raise RecordingError(
                name,
                number,
                f"actor.id: expected {len(store.actors)} (ids count up from 0), got {obj['id']}",
            )
        parent = obj["parent"]
        if parent is not None and parent < 0:
            raise RecordingError(name, number, f"actor.parent: {parent} is not an actor id")
        parents.append((number, parent))
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
        store.end_run(obj["outcome"], obj["message"], obj.get("exit_code"))
        return
    actor = obj["actor"]
    if not 0 <= actor < len(store.actors):
        raise RecordingError(name, number, f"{kind}.actor: {actor} was never declared")
    t = obj["t"]
    if t < 0:
        raise RecordingError(name, number, f"{kind}.t: negative time {t}")
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
        store.add_state(actor, t, st, reason, core, lab)
    elif kind == "cue":
        store.add_cue(t, actor, obj["text"], obj["text_ja"])
    elif kind == "value":
        store.add_value(t, actor, obj["name"], obj["value"])
    elif kind == "error":
        store.add_error(t, actor, obj["text"])
    elif kind == "lock":
        store.add_lock(t, actor, obj["lock"], obj["held"])
