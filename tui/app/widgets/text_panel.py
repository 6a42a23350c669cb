"""A panel of Rich text that repaints only when its text changes, and lays out only when its
number of lines does and its height follows its text: the side panels are rewritten at every tick
of a live run, and each layout of the screen costs a frame."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class TextPanel(Widget):
    DEFAULT_CSS = """
    TextPanel { height: auto; }
    """

    content: reactive[Text] = reactive(Text, repaint=False)
    """What the panel shows; equal text is no change at all."""

    def watch_content(self, old: Text, new: Text) -> None:
        height = self.styles.height
        sized_by_text = height is None or height.is_auto
        self.refresh(layout=sized_by_text and old.plain.count("\n") != new.plain.count("\n"))

    def render(self) -> Text:
        return self.content
