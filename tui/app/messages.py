"""Messages that cross the app, in one place: what a screen or a widget asks of its parents."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message


@dataclass
class RunScenario(Message):
    """Start a live run of this scenario (from the tour or the command palette)."""

    scenario_id: str
    settings: dict[str, float] = field(default_factory=dict)
    """Its parameters changed from the defaults (the tour's ``s``)."""


class BackToTour(Message):
    """A run screen is done with (its source stopped): show the tour."""


@dataclass
class LanguageChanged(Message):
    """The viewer switched the language: new screens and the palette speak it too."""

    lang: str


@dataclass
class CursorMoved(Message):
    """The user put the chart's cursor on a time (and maybe a lane) with the mouse."""

    t: int
    lane: int | None


@dataclass
class Panned(Message):
    """The user scrolled the chart's time window; ``by`` is a fraction of its width."""

    by: float
