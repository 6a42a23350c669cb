"""A panel of Rich text that repaints only when its text changes, and lays out only when its
number of lines does and its height follows its text: the side panels are rewritten at every tick
of a live run, and each layout of the screen costs a frame.

A panel may be given ``make``, which makes its text for a size: the panel calls it when it is
drawn at a size its text was not made for. A screen's size is known only once it is laid out,
after its widgets mounted: text made at mount for no size was drawn in the first frame and made
and drawn again at once (measured: a second paint of the side panel, 5-8 ms, in the run screen's
first frame).
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


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

    def watch_content(self, old: Text, new: Text) -> None:
        self._made_for = (self.size.width, self.size.height)
        height = self.styles.height
        sized_by_text = height is None or height.is_auto
        self.refresh(layout=sized_by_text and old.plain.count("\n") != new.plain.count("\n"))

    def render(self) -> Text:
        width, height = self.size
        if self.make is not None and width and self._made_for != (width, height):
            self._made_for = (width, height)
            self.set_reactive(TextPanel.content, self.make(width, height))
        return self.content
