"""A panel of Rich text that repaints only the rows its new text changed, and lays out only
when its number of rows does and its height follows its text: the side panel is rewritten
four times a second in a live run, mostly in its few lines of figures.

Its rows are Rich's own rendering of the text (padded with the background, without the
blanks Rich leaves where it wrapped, as Textual draws a widget's text: the same cells), kept
until the text, the size or the style changes. Being ours, the rows of a new text can be
compared with those on screen before the paint: Textual's styling pass (the panel's border and
padding, line by line) then runs for the rows that changed, where a repaint of the whole side
panel at each of those updates was 7 % of a core while 40 lanes streamed 100 k events a second
(sampled).

A panel may be given ``make``, which makes its text for a size: the panel calls it when it is
drawn at a size its text was not made for. A screen's size is known only once it is laid out,
after its widgets mounted: text made at mount for no size was drawn in the first frame and made
and drawn again at once (measured: a second paint of the side panel, 5-8 ms, in the run screen's
first frame).
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from tui.app.widgets.repaint import refresh_rows


class TextPanel(Widget):
    DEFAULT_CSS = """
    TextPanel { height: auto; }
    """

    content: reactive[Text] = reactive(Text, repaint=False)
    """What the panel shows; equal text is no change at all."""

    def __init__(
        self, *, make: Callable[[int, int], Text] | None = None, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.make = make
        """Makes the text for a content size (width, height); see the module's note. For a
        panel whose height does not follow its text (it is made while the screen is drawn,
        after its layout)."""
        self._made_for: tuple[int, int] | None = None
        self._strips: list[Strip] = []
        self._strips_key: tuple[object, ...] | None = None
        """(width, style) the rows were drawn for (None: to draw again)."""

    def watch_content(self, old: Text, new: Text) -> None:
        width, height = self.size
        self._made_for = (width, height)
        shown = self._strips if self._strips_key is not None else None
        self._strips_key = None
        sizing = self.styles.height
        sized_by_text = sizing is None or sizing.is_auto
        if shown is None or not width or not self.is_mounted:
            self.refresh(layout=sized_by_text)
            return
        rows = self._rows()
        if len(rows) != len(shown):  # another number of rows: a panel sized by them lays out
            self.refresh(layout=sized_by_text)
            return
        refresh_rows(self, (a != b for a, b in zip(rows, shown, strict=True)), width)

    def render(self) -> Text:
        return self.content

    def render_lines(self, crop: Region) -> list[Strip]:
        self._rows()  # once a frame: the size and the style are not free to read per row
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        rows = self._strips
        if y < len(rows):
            return rows[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)

    def _rows(self) -> list[Strip]:
        """The panel's rows for its size and style now, drawn again only when they changed."""
        width, height = self.size
        if self.make is not None and width and self._made_for != (width, height):
            self._made_for = (width, height)
            self.set_reactive(TextPanel.content, self.make(width, height))
            self._strips_key = None
        style = self.visual_style.rich_style
        key = (width, style)
        if key != self._strips_key:
            self._strips = strips_of(self.content, self.app.console, width, style)
            self._strips_key = key
        return self._strips


def strips_of(text: Text, console: Console, width: int, style: Style) -> list[Strip]:
    """``text`` as a widget of ``width`` cells in ``style`` draws it, rendered by Rich: each
    line padded with the background alone, without the blanks Rich leaves where it wrapped."""
    options = console.options.update_width(max(1, width))
    pad = Style(bgcolor=style.bgcolor)
    return [
        Strip(_trimmed(line, style)).extend_cell_length(width, pad)
        for line in console.render_lines(text, options, style=style, pad=False)
    ]


def _trimmed(line: list[Segment], base: Style) -> list[Segment]:
    """The line without its trailing blanks that show nothing (Textual's own wrapping leaves
    them out, and pads the line with the background)."""
    while line:
        text, style = line[-1].text, line[-1].style
        if style is not None and (
            style.reverse
            or style.underline
            or style.strike
            or style.bgcolor not in (None, base.bgcolor)
        ):
            break  # blanks that show
        kept = text.rstrip(" ")
        if kept:
            if kept != text:
                line = [*line[:-1], Segment(kept, style)]
            break
        line = line[:-1]
    return line
