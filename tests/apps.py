"""Apps for tests: replaying fixture recordings with a pinned clock and a fixed machine load."""

from __future__ import annotations

from tests.conftest import DATA
from tui.app.cookline import CooklineApp
from tui.formats import recording
from tui.formats.deck import Deck

CLOCK = 1_000_000_000_000
LOAD = [25.0, 60.0]


def replay_app(name: str, lang: str = "en") -> CooklineApp:
    """A replay of ``tests/data/NAME.jsonl``, paused at its end, so every frame is the same."""
    store = recording.load(DATA / f"{name}.jsonl")
    return CooklineApp(
        replay=store, clock=lambda: CLOCK, load=lambda: list(LOAD), autoplay=False, lang=lang
    )


def tour_app(lang: str = "en") -> CooklineApp:
    return CooklineApp(clock=lambda: CLOCK, load=lambda: list(LOAD), lang=lang)


def deck_app(talk: Deck) -> CooklineApp:
    """A talk replayed from its bundled recordings, each step paused at its end."""
    return CooklineApp(
        deck=talk, replay_only=True, clock=lambda: CLOCK, load=lambda: list(LOAD), autoplay=False
    )
