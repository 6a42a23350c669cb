"""The traced program's end of the socket: one connection per process, a frame per batch.

Frames are a 4-byte length and a ``marshal`` of ``(states, records, tail)`` with each record a
plain tuple led by its kind's index in :data:`RECORD_KINDS`: ``marshal`` reads only data (never
runs code, unlike ``pickle``), so Cookline can read a frame from any process safely. The send
runs on the flushing thread itself; its lock is a raw ``_thread`` lock, and a forked child
opens its own connection.
"""

from __future__ import annotations

import _thread
import marshal
import os
import socket
import struct
from typing import Any

from scenarios.wire import (
    ActorDeclared,
    Cue,
    Error,
    LabelText,
    LockHeld,
    LockWanted,
    Message,
    Value,
)

RECORD_KINDS = (ActorDeclared, LabelText, Cue, Value, Error, LockHeld, LockWanted)
"""Each record kind's index on the socket."""
KIND_INDEX = {k: i for i, k in enumerate(RECORD_KINDS)}
LENGTH = struct.Struct("!I")
MAX_FRAME = 64 << 20
"""The largest frame Cookline reads; a longer one closes the connection."""


def encode(message: Message) -> bytes:
    states, records, tail = message
    recs = [(KIND_INDEX[type(r)], *r) for r in records] if records else None
    data = marshal.dumps((states, recs, tail))
    return LENGTH.pack(len(data)) + data


class Sender:
    """Looks like the ``SimpleQueue`` the kitchen's probe puts to: ``put(message)``."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = _thread.allocate_lock()
        self._sock: socket.socket | None = None
        self._pid = 0
        self.broken = False

    def _connect(self) -> socket.socket:
        if self._sock is not None:
            self._sock.close()  # a forked child's copy of its parent's connection
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        # room for a burst of batches while Cookline reads: a full socket would hold the
        # flushing thread in its send (the kernel caps this at its wmem_max)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
        s.connect(self.path)
        self._sock, self._pid = s, os.getpid()
        return s

    def put(self, message: Message) -> None:
        if self.broken:
            return
        frame = encode(message)
        with self._lock:
            try:
                s = self._sock if self._pid == os.getpid() else None
                (s or self._connect()).sendall(frame)
            except OSError:  # Cookline has gone: the program runs on, untraced
                self.broken = True

    def after_fork(self) -> None:
        """In a forked child: a new lock (the parent's may have been held) and, at the next
        send, a connection of its own."""
        self._lock = _thread.allocate_lock()
        self._pid = 0


def decode(frame: bytes) -> tuple[Any, Any, Any]:
    """A frame's body as ``marshal`` left it; the listener checks every field."""
    return marshal.loads(frame)  # type: ignore[no-any-return]
