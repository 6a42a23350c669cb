"""Run data in files: Cookline recordings, Chrome traces in and out, talk decks. No textual."""

from __future__ import annotations

import os
from pathlib import Path

from tui.formats import chrome_import, recording
from tui.formats.recording import RecordingError
from tui.trace.store import TraceStore

__all__ = ["RecordingError", "load"]


def load(path: str | os.PathLike[str]) -> TraceStore:
    """A recording or a Chrome trace, told apart by what the file holds, not by its name.

    Raises :class:`RecordingError` (one line: file, line, what is wrong) for bad input.
    """
    p = Path(path)
    try:
        if p.is_file() and chrome_import.looks_like_chrome_trace(p):
            return chrome_import.load(p)
    except OSError as exc:
        raise RecordingError(str(path), None, f"cannot read: {exc.strerror}") from None
    return recording.load(path)
