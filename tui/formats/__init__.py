"""Run data in files: Cookline recordings, Chrome traces in and out, talk decks. No textual."""

from __future__ import annotations

import os
from collections.abc import Callable

from tui.formats import chrome_import, disk, recording
from tui.formats.recording import RecordingError
from tui.trace.store import TraceStore

__all__ = ["RecordingError", "load"]


def load(
    path: str | os.PathLike[str], progress: Callable[[int, int], None] | None = None
) -> TraceStore:
    """A recording or a Chrome trace, told apart by what the file holds, not by its name.

    The file is opened once and its start peeked at. A recording is read whole in one buffer
    (capped: its lines are kept compact as they are parsed); a Chrome trace is read a chunk at
    a time and never held whole, so a gigabyte of it costs the store's bytes, not ten
    gigabytes of dicts. ``progress(done, size)`` hears how far the parsing has got. Raises
    :class:`RecordingError` (one line: file, line, what is wrong) for bad input.
    """
    try:
        with disk.opened(path, disk.TRACE_CAP, "recording") as (fd, size):
            if chrome_import.looks_like_chrome_trace(disk.peek(path, fd)):
                tell = None if progress is None else (lambda done: progress(done, size))
                pieces = disk.pieces(path, fd, disk.TRACE_CAP)
                return chrome_import.stream(str(path), pieces, tell)
            if size > disk.RECORDING_CAP:
                raise disk.FileError(
                    path,
                    f"{size / disk.MiB:,.0f} MiB: larger than the"
                    f" {disk.RECORDING_CAP // disk.MiB:,} MiB read",
                )
            raw = disk.whole(path, fd, size, disk.RECORDING_CAP)
    except disk.FileError as exc:
        raise RecordingError(exc.path, None, exc.what) from None
    return recording.parse(str(path), raw, progress)
