"""Run data in files: Cookline recordings, Chrome traces in and out, talk decks. No textual."""

from __future__ import annotations

import os

from tui.formats import chrome_import, recording
from tui.formats.recording import RecordingError
from tui.trace.store import TraceStore

__all__ = ["RecordingError", "load"]


def load(path: str | os.PathLike[str]) -> TraceStore:
    """A recording or a Chrome trace, told apart by what the file holds, not by its name.

    The file is opened once and read once (a regular file, capped). Raises
    :class:`RecordingError` (one line: file, line, what is wrong) for bad input.
    """
    raw = recording.read(path)
    if chrome_import.looks_like_chrome_trace(raw):
        return chrome_import.parse(str(path), raw)
    return recording.parse(str(path), raw)
