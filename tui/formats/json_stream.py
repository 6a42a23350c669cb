"""The items of one big JSON array read a piece at a time, never the whole document at once.

A Chrome trace of a gigabyte is one JSON document: ``json.loads`` of it builds some ten
gigabytes of dicts before the first is looked at. Here the document arrives in chunks; the
array's items are parsed in runs (``json.loads`` of the text up to the last ``}`` of the
buffer, wrapped in brackets: a cut inside a string or an object cannot parse, so a run that
parses is whole items) and, where a run does not parse, one item at a time with
``raw_decode``, which also finds the line of a real error. Memory is the buffer, one run's
items, and what the caller keeps of them.

Two shapes, as Chrome traces come: a top-level array, or an object whose ``key`` holds the
array (its other members are parsed whole and kept as :attr:`Items.others`). A top-level array
may lack its closing ``]`` (the Trace Event Format allows it: a tracer killed mid-write).
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Iterator
from typing import Any

MAX_ITEM = 64 << 20
"""The longest single item (or other member) read: text pending past this is an error."""
RUN_MIN = 4096
"""Buffered text worth parsing as a run rather than item by item."""

_WHITE = " \t\r\n"


class JsonError(ValueError):
    """What is wrong and on which line (``None``: not tied to a line)."""

    def __init__(self, line: int | None, what: str) -> None:
        self.line, self.what = line, what
        super().__init__(what)


class Items:
    """Iterate for the array's items; afterwards :attr:`others` holds the object's other
    members and :attr:`found` says whether the key was there at all."""

    def __init__(
        self,
        chunks: Iterator[bytes],
        key: str,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self._chunks = chunks
        self._utf8 = codecs.getincrementaldecoder("utf-8")("strict")
        self._decoder = json.JSONDecoder()
        self._buf = ""
        self._pos = 0
        self._lines = 0  # newlines in the text already dropped from the buffer
        self._dropped = 0  # characters already dropped from the buffer
        self._eof = False
        self._read = 0
        self._progress = progress
        self.key = key
        self.others: dict[str, Any] = {}
        self.found = False
        self.top_array = False

    # -- the buffer ---------------------------------------------------------------------------

    def _fill(self) -> bool:
        """More text at the end of the buffer (the consumed part dropped); False at the end."""
        if self._eof:
            return False
        chunk = next(self._chunks, None)
        if self._pos:
            self._lines += self._buf.count("\n", 0, self._pos)
            self._dropped += self._pos
            self._buf = self._buf[self._pos :]
            self._pos = 0
        try:
            if chunk is None:
                self._eof = True
                self._buf += self._utf8.decode(b"", final=True)
                return False
            self._buf += self._utf8.decode(chunk)
        except UnicodeDecodeError:
            raise JsonError(None, "not UTF-8 text") from None
        self._read += len(chunk)
        if self._progress is not None:
            self._progress(self._read)
        if self._buf.startswith("\ufeff") and not self._read - len(chunk):
            self._buf = self._buf[1:]
        return True

    def _line(self, at: int) -> int:
        return self._lines + self._buf.count("\n", 0, at) + 1

    def _peek(self) -> str:
        """The next character that is not white space ("" at the end of the text)."""
        while True:
            buf, pos = self._buf, self._pos
            while pos < len(buf) and buf[pos] in _WHITE:
                pos += 1
            self._pos = pos
            if pos < len(buf):
                return buf[pos]
            if not self._fill():
                return ""

    def _value(self) -> Any:
        """One whole JSON value at the position, reading more text while it is incomplete."""
        self._peek()
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                if len(self._buf) - self._pos < MAX_ITEM and self._fill():
                    continue
                if self._eof and exc.pos >= len(self._buf.rstrip()):
                    raise JsonError(
                        self._line(exc.pos), "not valid JSON: the file ends early"
                    ) from None
                raise JsonError(self._line(exc.pos), f"not valid JSON: {exc.msg}") from None
            except RecursionError:
                raise JsonError(self._line(self._pos), "nested too deep") from None
            except ValueError as exc:  # an integer of more digits than Python converts
                raise JsonError(self._line(self._pos), f"not valid JSON: {str(exc)[:80]}") from None
            if end >= len(self._buf) and not self._eof and self._buf[self._pos] not in '[{"':
                self._fill()  # a number cut by the chunk's end: read on and parse it again
                continue
            self._pos = end
            return value

    def _expect(self, char: str, what: str) -> None:
        if self._peek() != char:
            raise JsonError(self._line(self._pos), f"not valid JSON: expected {what}")
        self._pos += 1

    # -- the document -------------------------------------------------------------------------

    def __iter__(self) -> Iterator[Any]:
        first = self._peek()
        if first == "[":
            self.top_array = self.found = True
            self._pos += 1
            yield from self._array()
        elif first == "{":
            self._pos += 1
            yield from self._object()
        else:
            self._value()  # the error of whatever it is, on its line
            raise JsonError(None, "expected a JSON object or array")
        if self._peek():
            raise JsonError(self._line(self._pos), "not valid JSON: Extra data")

    def _object(self) -> Iterator[Any]:
        if self._peek() == "}":
            self._pos += 1
            return
        while True:
            if self._peek() != '"':
                raise JsonError(self._line(self._pos), "not valid JSON: expected a member name")
            name = self._value()
            self._expect(":", "':'")
            if name == self.key and not self.found and self._peek() == "[":
                self.found = True
                self._pos += 1
                yield from self._array()
            else:
                self.others[name] = self._value()
            nxt = self._peek()
            self._pos += 1
            if nxt == "}":
                return
            if nxt != ",":
                raise JsonError(self._line(self._pos - 1), "not valid JSON: expected ',' or '}'")

    def _array(self) -> Iterator[Any]:
        no_run_until = -1
        while True:
            char = self._peek()
            if char == "]":
                self._pos += 1
                return
            if char == ",":
                self._pos += 1
                continue
            if char == "":
                if self.top_array:
                    return  # no closing bracket: allowed at the top
                raise JsonError(self._line(self._pos), "not valid JSON: the file ends early")
            buf, pos = self._buf, self._pos
            cut = buf.rfind("}", pos)
            run = None
            if cut - pos >= RUN_MIN and self._dropped + cut > no_run_until:
                last = cut
                for _ in range(4):  # the array's end in the buffer: its last braces close others
                    try:
                        run = json.loads("[" + buf[pos : cut + 1] + "]")
                        break
                    except (ValueError, RecursionError):
                        cut = buf.rfind("}", pos, cut)
                        if cut - pos < RUN_MIN:
                            break
                if run is None:
                    no_run_until = self._dropped + last  # item by item up to there
            if run is not None:
                self._pos = cut + 1
                yield from run
                continue
            yield self._value()
