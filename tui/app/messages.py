"""Messages that cross the app, in one place."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class RunScenario(Message):
    """Start a live run of this scenario (from the tour or the command palette)."""

    scenario_id: str
