"""Painting a widget without Textual's line styling, where that styling would add nothing.

Textual draws every line of every widget through its styling pass (border, padding, tint,
opacity, then the app's line filters), and draws each container's and each screen's own
background under their children even where the children cover all of it. Where a widget's
styles are plain, its lines can be painted as Textual would paint them for less: the run
screen's first frame painted the screen's and the body's hidden backgrounds for 3-9 ms
(measured), and the chart's rows were copied once more every frame.
"""

from __future__ import annotations

from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.widget import Widget


def plain(widget: Widget) -> bool:
    """Nothing in ``widget``'s styles for Textual's line styling to add: no border, outline,
    padding, tint, hatch or opacity."""
    styles = widget.styles
    return (
        not any(edge for edge, _ in styles.border)
        and not any(edge for edge, _ in styles.outline)
        and not any(styles.padding)
        and not styles.tint.a
        and (not styles.has_rule("hatch") or styles.hatch == "none")
        and widget.opacity == 1.0
        and styles.text_opacity == 1.0
    )


def background(widget: Widget) -> Style:
    """The widget's background alone, as Textual pads a line with it."""
    base, colour = widget.background_colors
    return VisualStyle(background=base + colour).rich_style


class Covered:
    """The lines of a plain widget that draws nothing but its background, for a container or
    screen whose children cover it: as Textual paints them (the app's line filters applied),
    and kept while the width, the background and the filters stay (a live frame's partial
    paints ask for them again and again)."""

    def __init__(self) -> None:
        self._key: tuple[object, ...] | None = None
        self._line = Strip([])

    def lines(self, widget: Widget, crop: Region) -> list[Strip]:
        style = background(widget)
        filters = tuple(widget.get_line_filters())
        key = (crop.width, style, filters)
        if key != self._key:
            line = Strip.blank(crop.width, style)
            for line_filter in filters:
                line = line.apply_filter(line_filter, widget.background_colors[1])
            self._key, self._line = key, line
        return [self._line] * crop.height
