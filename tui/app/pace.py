"""How often the run screen draws: up to 30 frames a second, within a CPU budget.

A live frame costs about the same whatever the event rate (each lane's newest cells, each
changed row painted; measured at 10 k and 100 k events/s alike), so at 30 frames a second a
run of 40 lanes on a large terminal would take a third of a core. The screen asks before each
frame: while the UI process (the collector's ingest included) has used more than its budget
over the last half second, a frame is skipped, but never so many that the chart falls under
10 frames a second. What is measured is the process's own CPU clock, not a guess per frame.
"""

from __future__ import annotations

import time
from collections.abc import Callable

FASTEST = 1 / 30
"""Seconds between frames at the most."""
SLOWEST = 1 / 10
"""Seconds between frames at the least, whatever the budget says."""
BUDGET = 0.18
"""Share of a core the UI process may use before frames are skipped."""
WINDOW = 0.5
"""Seconds the share is averaged over."""


class Pace:
    """Says whether a frame is due; ``frames`` counts the frames it let through."""

    def __init__(
        self,
        budget: float = BUDGET,
        cpu: Callable[[], float] = time.process_time,
        wall: Callable[[], float] = time.monotonic,
    ) -> None:
        self.budget = budget
        self._cpu = cpu
        self._wall = wall
        self._mark = (wall(), cpu())
        self._share = 0.0
        self._last = float("-inf")
        self.frames = 0

    @property
    def share(self) -> float:
        """The UI process's share of a core, averaged over about the last half second."""
        return self._share

    def due(self) -> bool:
        """Asked at every tick: the share is brought up to date (an average over about half a
        second, moved at each tick, so the frame rate settles instead of swinging between
        30 and 10), then a frame is let through unless it is over budget and not overdue."""
        wall, cpu = self._wall(), self._cpu()
        w0, c0 = self._mark
        if wall > w0:
            weight = min(1.0, (wall - w0) / WINDOW)
            self._share += weight * ((cpu - c0) / (wall - w0) - self._share)
            self._mark = (wall, cpu)
        # overdue half a tick early: ticks keep to a grid while a frame's own tick may come
        # late, so "at least SLOWEST since the last frame" skipped the tick that fell a few ms
        # short of it, and the chart ran at 7-8 frames a second instead of 10 (measured)
        if self._share > self.budget and wall - self._last < SLOWEST - FASTEST / 2:
            return False
        self._last = wall
        self.frames += 1
        return True
