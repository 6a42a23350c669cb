"""Text from a file or a traced program, made safe to put on a terminal or in an SVG.

Names, labels and cues come from files people send each other: an escape sequence in a
cook's name would retitle the terminal (OSC 2) or write the clipboard (OSC 52), and a control
character makes an SVG invalid XML. Every string is cleaned once, at the store's door.
"""

from __future__ import annotations

import unicodedata

_CONTROL = dict.fromkeys([*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)])
del _CONTROL[ord("\n")], _CONTROL[ord("\t")]
_CONTROL_ONE_LINE = dict.fromkeys([*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)])
_CONTROL_ONE_LINE.update({ord("\n"): " ", ord("\t"): " "})  # type: ignore[dict-item]


MAX_NAME = 1_000
"""Characters kept of a name or a label: a lane named by a megabyte is still one lane."""
MAX_TEXT = 100_000
"""Characters kept of a cue, an error's traceback or a message."""


def printable(text: str) -> str:
    """``text`` without control characters (C0, DEL, C1) but newline and tab, cut to
    :data:`MAX_TEXT`."""
    text = text[:MAX_TEXT]
    return text.translate(_CONTROL) if not text.isprintable() else text


def columns(text: str) -> int:
    """The terminal columns ``text`` takes: two for a wide (Japanese) character. The data
    core stays free of Rich, so this is the standard library's East Asian width."""
    if text.isascii():
        return len(text)
    return sum(_columns(ch) for ch in text)


def _columns(ch: str) -> int:
    if ch.isascii():
        return 1
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` columns, cut with an ellipsis, never silently (a
    Japanese character takes two columns)."""
    if len(text) <= width // 2 or columns(text) <= width:
        return text
    kept, used = [], 0
    for ch in text:
        used += _columns(ch)
        if used > width - 1:
            break
        kept.append(ch)
    return "".join(kept) + "…"


def pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` columns: ``str.ljust`` counts characters."""
    return text + " " * max(0, width - columns(text))


def one_line(text: str) -> str:
    """A name for a lane: no control characters at all; newline and tab become spaces; cut
    to :data:`MAX_NAME`."""
    text = text[:MAX_NAME]
    return text.translate(_CONTROL_ONE_LINE) if not text.isprintable() else text
