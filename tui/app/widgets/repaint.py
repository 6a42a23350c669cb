"""Repainting only the rows of a widget whose picture changed.

Textual repaints a whole widget on ``refresh()``; given regions, it styles and composites
only those. The chart (a live frame moves "now", most rows stay the same) and the side panel
(new figures, the narration unchanged) know which rows changed before the paint, so each
asks for one region per run of changed rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby

from textual.geometry import Region
from textual.widget import Widget


def refresh_rows(widget: Widget, changed: Iterable[bool], width: int) -> None:
    """Refresh one region ``width`` wide per run of rows flagged in ``changed`` (from row 0)."""
    y = 0
    for differs, run in groupby(changed):
        n = sum(1 for _ in run)
        if differs:
            widget.refresh(Region(0, y, width, n))
        y += n
