"""A recording's state events in columns (format version 2): one ``states`` line holds up to
:data:`BATCH` events of one actor, each field a JSON list of integers.

Why columns: ``json.loads`` reads a list of integers at ~0.08 µs a number where a v1 line (an
object of seven named fields) costs ~4 µs, and an ``array`` is built from a list at C speed, so
a line is checked with ``min``/``max`` over whole columns (numpy), never a Python loop per event.
The state and reason columns are strings of one character per event (``"2321"``): read as
bytes and translated in one call, at no cost per event at all. The text stays JSON Lines:
``head`` shows the header, nothing is executable, and a bad value is still reported by line and
by its place in the column.

Fields of a ``states`` line: ``actor``; ``t`` (the first event's time, then each event's
distance from the one before, ns: never negative); ``state`` (a character per event: code ``k``
of the header's ``codes.state`` is ``CODE_CHARS[k]``); and, left out when every value is the
default, ``reason`` (the same, of ``codes.reason``; 0 = none), ``core`` (integers, -1 =
unknown) and ``label`` (integers: the id of a ``label`` line, 0 = none).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from enum import IntEnum
from operator import sub
from typing import Any

import numpy as np

from scenarios.wire import Reason, State
from tui.trace.store import MAX_CORE, MAX_T, Actor

BATCH = 4096
"""Events per ``states`` line: a live recording appends a line per actor per flush, a saved one
~60 KB lines that ``json.loads`` reads in one call each."""

CODES: dict[str, list[str | None]] = {
    "state": [s.name.lower() for s in State],
    "reason": [None if r == Reason.NONE else r.name.lower() for r in Reason],
}
"""The header's ``codes``: what each code of a column means, so a file says how to read itself
(and a later Cookline with more reasons still reads this one)."""

CODE_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz"
"""The character of each code in a state or reason column: a header lists at most 36 codes."""
DEFAULT = {"reason": 0, "core": -1, "label": 0}
"""A column left out holds this value for every event."""
TYPECODE = {"core": "h", "label": "i"}


class ColumnError(ValueError):
    """A states line that cannot be read: ``str()`` is what is wrong, the caller adds where."""


def lines(a: Actor, first: int, last: int) -> Iterator[dict[str, Any]]:
    """Events ``first`` .. ``last`` of an actor as ``states`` objects of up to :data:`BATCH`."""
    for i in range(first, last, BATCH):
        j = min(i + BATCH, last)
        t = a.t[i:j]
        obj: dict[str, Any] = {
            "type": "states",
            "actor": a.index,
            "t": [t[0], *map(sub, t[1:], t[:-1])],
            "state": a.state[i:j].tobytes().translate(_TO_CHARS).decode("ascii"),
        }
        for field in ("reason", "core", "label"):
            column: array = getattr(a, field)[i:j]
            if column.count(DEFAULT[field]) != len(column):
                obj[field] = (
                    column.tobytes().translate(_TO_CHARS).decode("ascii")
                    if field == "reason"
                    else column.tolist()
                )
        yield obj


class Reader:
    """Turns checked ``states`` objects into arrays for the store, translating the file's codes
    and label ids into the store's."""

    def __init__(self, codes: dict[str, list[str | None]]) -> None:
        self.tables = {
            field: _table(field, codes[field], enum)
            for field, enum in (("state", State), ("reason", Reason))
        }
        self._chars = {field: CODE_CHARS[: len(codes[field])] for field in self.tables}
        self.labels: list[int] = [0]
        """A ``label`` line's id (its place) -> the store's label index."""
        self._same_labels = True

    def label(self, file_id: int, store_id: int) -> None:
        if file_id != len(self.labels):
            raise ColumnError(f"id: expected {len(self.labels)} (ids count up from 1)")
        self.labels.append(store_id)
        self._same_labels = self._same_labels and store_id == file_id

    def columns(
        self, obj: dict[str, Any], after: int, scan: bool
    ) -> tuple[array, array, array, array, array]:
        """``t, state, reason, core, label`` of one line; ``after``: the actor's last time;
        ``scan``: the line's text holds ``true`` or ``false`` (see :func:`_ints`)."""
        raw = obj.get("t")
        if not isinstance(raw, list):
            raise ColumnError(f"states.t: expected a list of integers, got {_kind(raw)}")
        n = len(raw)
        deltas = _ints("t", raw, "q", scan)
        if not n:
            return deltas, array("b"), array("b"), array("h"), array("i")
        if deltas[0] < after:
            raise ColumnError(f"states.t[0]: {deltas[0]} goes back in time (last {after})")
        d = np.frombuffer(deltas, dtype=np.int64)
        if n > 1 and d[1:].min() < 0:
            k = int(np.argmax(d[1:] < 0)) + 1
            raise ColumnError(f"states.t[{k}]: negative distance {deltas[k]} (times go back)")
        # every step is >= 0 and < 2**63, so a sum past 2**62 shows where it first happens,
        # above MAX_T or wrapped below zero, whatever follows
        times = np.cumsum(d)
        del d
        if times.max() > MAX_T or times.min() < 0:
            raise ColumnError(f"states.t: times run past 2**62 ns (last {sum(deltas)})")
        t = array("q", times.tobytes())
        out = [t]
        for field in ("state", "reason"):
            got = obj.get(field)
            if got is None and field == "reason":
                out.append(array("b", bytes(n)))
                continue
            if not isinstance(got, str) or len(got) != n:
                raise ColumnError(
                    f"states.{field}: expected a string of {n} code characters (one per time),"
                    f" got {len(got) if isinstance(got, str) else _kind(got)}"
                )
            out.append(self._codes(field, got))
        for field in ("core", "label"):
            got = obj.get(field)
            if got is None:
                out.append(array(TYPECODE[field], [DEFAULT[field]]) * n)
                continue
            if not isinstance(got, list) or len(got) != n:
                raise ColumnError(
                    f"states.{field}: expected a list of {n} integers (one per time), got"
                    f" {len(got) if isinstance(got, list) else _kind(got)}"
                )
            out.append(self._column(field, got, scan))
        return out[0], out[1], out[2], out[3], out[4]

    def _codes(self, field: str, got: str) -> array:
        """A column of code characters, through the header's table to our codes."""
        table = self.tables[field]
        try:
            raw = got.encode("ascii")
        except UnicodeEncodeError:
            raw = b""
        codes = raw.translate(table)
        if len(raw) != len(got) or BAD_CODE in codes:
            k = next(k for k, c in enumerate(got) if c not in self._chars[field])
            raise ColumnError(
                f"states.{field}[{k}]: {got[k]!r} is not a code of the header's codes.{field}"
                f" ({CODE_CHARS[0]} .. {self._chars[field][-1]})"
            )
        return array("b", codes)

    def _column(self, field: str, got: list[Any], scan: bool) -> array:
        col = _ints(field, got, TYPECODE[field], scan)
        values = np.frombuffer(col, dtype=_DTYPE[TYPECODE[field]])
        lo, hi = int(values.min()), int(values.max())
        del values
        if field == "core":
            if lo < -1:
                k, v = _first(col, lambda v: v < -1)
                raise ColumnError(f"states.core[{k}]: {v} is outside -1 .. {MAX_CORE}")
            return col
        if lo < 0 or hi >= len(self.labels):
            k, v = _first(col, lambda v: not 0 <= v < len(self.labels))
            raise ColumnError(f"states.label[{k}]: {v} is not the id of a label line before it")
        if not self._same_labels:
            col = array("i", map(self.labels.__getitem__, col))
        return col


_DTYPE = {"q": np.int64, "b": np.int8, "h": np.int16, "i": np.int32}
BAD_CODE = 127
_TO_CHARS = bytes(ord(CODE_CHARS[k]) if k < len(CODE_CHARS) else ord("?") for k in range(256))
"""Our code -> its character (the writer's table; our codes are below 36)."""


def _table(field: str, names: list[str | None], enum: type[IntEnum]) -> bytes:
    """A file's code characters -> our codes, as a ``bytes.translate`` table (:data:`BAD_CODE`
    for a character that is no code of this file)."""
    if len(names) > len(CODE_CHARS):
        raise ColumnError(f"header.codes.{field}: more than {len(CODE_CHARS)} codes")
    table = bytearray([BAD_CODE]) * 256
    for k, name in enumerate(names):
        if name is None and enum is Reason:
            table[ord(CODE_CHARS[k])] = int(Reason.NONE)
            continue
        try:
            table[ord(CODE_CHARS[k])] = int(enum[str(name).upper()])
        except KeyError:
            allowed = ", ".join(m.name.lower() for m in enum)
            raise ColumnError(f"header.codes.{field}: {name!r} is not one of {allowed}") from None
    return bytes(table)


def _ints(field: str, got: list[Any], typecode: str, scan: bool) -> array:
    """A JSON list as an array, or the first value that is not an integer the column holds.

    ``array`` refuses floats, strings and null but takes ``true`` as 1: a line whose text holds
    ``true`` or ``false`` anywhere (``scan``) is checked value by value."""
    try:
        col = array(typecode, got)
    except (TypeError, OverflowError):
        col = None
    if col is None or scan:
        for k, v in enumerate(got):
            if isinstance(v, bool) or not isinstance(v, int):
                raise ColumnError(f"states.{field}[{k}]: expected an integer, got {_short(v)}")
            try:
                array(typecode, [v])
            except OverflowError:
                raise ColumnError(f"states.{field}[{k}]: {_short(v)} is out of range") from None
        assert col is not None
    return col


def _first(col: array, bad: Any) -> tuple[int, int]:
    return next((k, v) for k, v in enumerate(col) if bad(v))


def _kind(v: Any) -> str:
    return "nothing" if v is None else type(v).__name__


def _short(v: Any) -> str:
    text = repr(v)
    return text if len(text) <= 40 else text[:39] + "…"
