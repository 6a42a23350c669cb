"""The keys at the bottom of a screen, drawn as one line of text by one widget.

Textual's ``Footer`` makes a widget per key and restyles each of them when the bindings change;
measured here, that alone was a fifth of the run screen's time to its first frame. This bar
reads the same ``active_bindings`` and the same theme colours, and is one widget whatever
the number of keys. A click on a key presses it, as on ``Footer``.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

from tui.report.words import say


class KeyBar(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._spots: list[tuple[int, int, str]] = []
        """(first column, end column, key) of each key drawn, for clicks."""
        self._drawn: list[tuple[str, str, str, bool]] | None = None
        """The keys last drawn: a change of bindings that leaves them is no repaint."""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self._keys() != self._drawn:
            self.refresh()

    def _keys(self) -> list[tuple[str, str, str, bool]]:
        """(key, shown key, description, enabled) for every binding meant to be shown."""
        seen: set[str] = set()
        keys = []
        palette = None
        for _node, binding, enabled, _tip in self.screen.active_bindings.values():
            if binding.action in seen:
                continue
            seen.add(binding.action)
            description = say(binding.description, getattr(self.screen, "lang", "en"))
            item = (binding.key, self.app.get_key_display(binding), description, enabled)
            if binding.key == self.app.COMMAND_PALETTE_BINDING and self.app.ENABLE_COMMAND_PALETTE:
                palette = item
            elif binding.show:
                keys.append(item)
        if palette is not None:
            keys.append(palette)
        return keys

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        text_style = self.get_component_rich_style("key-bar--description")
        keys = self._drawn = self._keys()
        # Quit and the list of every key never fall off a narrow bar: they go last and stay,
        # and the keys before them give way from the right
        last = [k for k in keys if k[0] in _ALWAYS]
        first = [k for k in keys if k[0] not in _ALWAYS]
        room = self.size.width or 10_000
        while first and _width(first + last) > room:
            first.pop()
        bar = Text(no_wrap=True, overflow="crop")
        self._spots = []
        for key, shown, description, enabled in first + last:
            start = bar.cell_len
            dim = Style(dim=not enabled)
            bar.append(f" {shown} ", style=key_style + dim)
            bar.append(f" {description} ", style=text_style + dim)
            self._spots.append((start, bar.cell_len, key))
        return bar

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spots:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return


_ALWAYS = ("question_mark", "q")
"""Keys the bar always shows: how to see every key, and how to leave."""


def _width(keys: list[tuple[str, str, str, bool]]) -> int:
    return sum(cell_len(shown) + cell_len(description) + 4 for _, shown, description, _ in keys)
