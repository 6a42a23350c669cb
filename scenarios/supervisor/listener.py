"""Cookline's end of a traced program's socket: every process's frames, checked and handed on.

The traced program is the user's own and may be anything, so every frame is read as data
(``marshal``, never ``pickle``) and checked field by field before it reaches the sink; a frame
that fails a check closes that one connection (its process runs on, untraced) and is counted.
One thread, one ``selectors`` loop over the listening socket and every connection.
"""

from __future__ import annotations

import os
import selectors
import socket
import threading
from array import array
from typing import Any, get_type_hints

from scenarios.program.sender import LENGTH, MAX_FRAME, RECORD_KINDS, decode
from scenarios.supervisor.collector import BatchSink
from scenarios.supervisor.watchdog import Seen
from scenarios.wire import (
    CORE,
    REASON,
    STATE,
    STATE_WIDTH,
    Reason,
    Record,
    State,
    count,
    unpack,
)

_PLAIN: dict[Any, type | tuple[type, ...]] = {int: int, str: str, float: (int, float), bool: bool}
_FIELD_TYPES: dict[type, tuple[type | tuple[type, ...], ...]] = {
    kind: tuple(_PLAIN[t] for t in get_type_hints(kind).values()) for kind in RECORD_KINDS
}


class BadFrame(ValueError):
    pass


def _record(raw: Any) -> Record:
    if not isinstance(raw, tuple) or not raw or not isinstance(raw[0], int):
        raise BadFrame("a record that is not a tuple")
    if not 0 <= raw[0] < len(RECORD_KINDS):
        raise BadFrame(f"record kind {raw[0]}")
    kind = RECORD_KINDS[raw[0]]
    fields = raw[1:]
    types = _FIELD_TYPES[kind]
    if len(fields) != len(types):
        raise BadFrame(f"{kind.__name__}: {len(fields)} fields")
    for value, name in zip(fields, types, strict=True):
        if not isinstance(value, name):
            raise BadFrame(f"{kind.__name__}: a field of the wrong type")
    return kind(*fields)  # type: ignore[no-any-return]


def check(body: Any) -> tuple[array, list[Record], tuple[int, int, int] | None]:
    """A frame's body as the collector would hand it on, or :class:`BadFrame`."""
    if not isinstance(body, tuple) or len(body) != 3:
        raise BadFrame("not a (states, records, tail) tuple")
    states, raw, tail = body
    if not isinstance(states, bytes) or len(states) % (8 * STATE_WIDTH):
        raise BadFrame("states: not whole events")
    records = [_record(r) for r in raw] if raw else []
    arr = unpack(states)
    n = count(arr)
    if n:
        st, why, core = arr[STATE::STATE_WIDTH], arr[REASON::STATE_WIDTH], arr[CORE::STATE_WIDTH]
        if (
            min(st) < 0
            or max(st) > max(State)
            or min(why) < 0
            or max(why) > max(Reason)
            or min(core) < -1
            or max(core) >= 1 << 15
        ):
            raise BadFrame("a state, reason or core out of range")
    if tail is not None and not (
        isinstance(tail, tuple) and len(tail) == 3 and all(isinstance(x, int) for x in tail)
    ):
        raise BadFrame("tail")
    return arr, records, tail


class Listener:
    """Listens on a fresh socket in a private folder; ``run`` on its own thread until ``stop``."""

    def __init__(self, folder: str, sink: BatchSink, seen: Seen) -> None:
        self.path = os.path.join(folder, "trace.sock")
        self.sink = sink
        self.seen = seen
        self.refused = 0
        """Connections closed for a frame that failed a check."""
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(self.path)
        self._server.listen(64)
        self._stop = threading.Event()

    def run(self) -> None:
        sel = selectors.DefaultSelector()
        sel.register(self._server, selectors.EVENT_READ, None)
        pending: dict[socket.socket, bytearray] = {}
        try:
            while True:
                ready = sel.select(0.05)
                for key, _ in ready:
                    if key.data is None:
                        conn, _addr = self._server.accept()
                        sel.register(conn, selectors.EVENT_READ, "conn")
                        pending[conn] = bytearray()
                        continue
                    conn = key.fileobj  # type: ignore[assignment]
                    if not self._read(conn, pending[conn]):
                        sel.unregister(conn)
                        conn.close()
                        del pending[conn]
                if not ready and self._stop.is_set():
                    return  # quiet, and asked to stop: everything sent has been read
        finally:
            for conn in pending:
                conn.close()
            sel.close()
            self._server.close()

    def _read(self, conn: socket.socket, buf: bytearray) -> bool:
        try:
            data = conn.recv(1 << 20)
        except OSError:
            return False
        if not data:
            return False
        buf += data
        while len(buf) >= LENGTH.size:
            (size,) = LENGTH.unpack_from(buf)
            if size > MAX_FRAME:
                self.refused += 1
                return False
            if len(buf) < LENGTH.size + size:
                break
            frame = bytes(buf[LENGTH.size : LENGTH.size + size])
            del buf[: LENGTH.size + size]
            try:
                states, records, tail = check(decode(frame))
            except Exception:  # whatever a frame holds, it ends one connection, not Cookline
                self.refused += 1
                return False
            self._hand_on(states, records, tail)
        return True

    def _hand_on(self, states: array, records: list[Record], tail: Any) -> None:
        self.seen.see(tail, records)
        self.sink(states, records)

    def stop(self) -> None:
        """Read what is still in flight, then end ``run``."""
        self._stop.set()
