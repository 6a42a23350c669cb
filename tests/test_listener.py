"""The traced program's socket, as Cookline reads it: any frame from any process is data, and
one that fails a check ends that one connection, never Cookline, never another's."""

from __future__ import annotations

import marshal
import socket
import threading
import time
from array import array
from pathlib import Path

import pytest

from scenarios.program.sender import LENGTH, MAX_FRAME, encode
from scenarios.supervisor.listener import BadFrame, Listener, check
from scenarios.supervisor.watchdog import Seen
from scenarios.wire import Cue, Record, State, pack


def good() -> bytes:
    states = pack([1, 7, int(State.RUNNING), 0, 0, 0])
    return encode((states, [Cue(1, 7, "hello", "")], (7, int(State.RUNNING), 0)))


@pytest.mark.parametrize(
    "body",
    [
        "not a tuple",
        (b"", None),
        (b"x" * 7, None, None),  # not whole events
        (pack([1, 7, 99, 0, 0, 0]), None, None),  # no such state
        (pack([1, 7, 2, 0, 1 << 20, 0]), None, None),  # no such core
        (b"", [(99, 1)], None),  # no such record kind
        (b"", [(2, 1, 7, "en")], None),  # a cue one field short
        (b"", [(2, "t", 7, "en", "ja")], None),  # a field of the wrong type
        (b"", None, (1, 2)),  # a tail of two
    ],
)
def test_every_field_of_a_frame_is_checked(body: object) -> None:
    with pytest.raises(BadFrame):
        check(body)


def test_a_bad_frame_ends_its_connection_only(tmp_path: Path) -> None:
    got: list[tuple[array, list[Record]]] = []
    listener = Listener(str(tmp_path), lambda s, r: got.append((s, r)), Seen())
    reading = threading.Thread(target=listener.run)
    reading.start()
    try:
        bad, ok = (socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) for _ in range(2))
        bad.connect(listener.path)
        ok.connect(listener.path)
        evil = marshal.dumps(("states", {"a": 1}, None))
        bad.sendall(LENGTH.pack(len(evil)) + evil)
        bad.sendall(LENGTH.pack(MAX_FRAME + 1))  # never read: the connection is gone
        ok.sendall(good())
        deadline = time.monotonic() + 5
        while (not got or listener.refused < 1) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert listener.refused == 1
        assert len(got) == 1 and got[0][1] == [Cue(1, 7, "hello", "")]
        assert bad.recv(1) == b"", "the bad sender's connection was closed"
        ok.sendall(good())  # the other process still speaks
        deadline = time.monotonic() + 5
        while len(got) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(got) == 2
    finally:
        listener.stop()
        reading.join(5)
