"""Where the chart looks: the time window, follow mode, zoom, pan and the replay clock.

Pure arithmetic on nanoseconds, no widgets, so every key's effect is testable without an app.
"""

from __future__ import annotations

from dataclasses import dataclass

SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
MIN_SPAN = 1_000_000  # 1 ms: below that a cell is shorter than a probe chunk


@dataclass
class Timeline:
    """The window ``[start, start + span)`` and how it moves."""

    start: int = 0
    span: int | None = None
    """None: fit everything so far (grows with a live run)."""
    follow: bool = True
    """The right edge is now."""
    position: int = 0
    """Replay: the clock of the recording (events after it are not shown yet)."""
    playing: bool = False
    speed: float = 1.0

    def window(self, lo: int, hi: int, now: int) -> tuple[int, int]:
        """The window to draw, given the run's bounds and the current time."""
        if self.span is None:
            if self.follow:
                # live: the axis doubles when the run outgrows it, so between doublings past
                # cells stay where they are and a frame redraws only the newest ones
                span = MIN_SPAN
                while span < now - lo:
                    span *= 2
                return lo, lo + span
            return lo, max(hi, lo + 1)
        if self.follow:
            end = max(now, lo + self.span)
            return end - self.span, end
        return self.start, self.start + self.span

    def freeze(self, lo: int, hi: int, now: int) -> None:
        """Stop following, keeping what is on screen."""
        start, end = self.window(lo, hi, now)
        self.start, self.span, self.follow = start, end - start, False

    def zoom(self, factor: float, lo: int, hi: int, now: int, around: int | None = None) -> None:
        """Zoom by ``factor`` around ``around`` (else the middle): in to 1 ms at most, out to
        the whole run at most (the fit), never to a window of nothing."""
        start, end = self.window(lo, hi, now)
        span = end - start
        extent = max(hi, now) - lo
        new = max(MIN_SPAN, int(span * factor))
        if new >= extent:
            self.fit(live=self.follow)
            return
        centre = around if around is not None else (start + end) // 2
        frac = (centre - start) / span if span else 0.5
        self.start = int(centre - frac * new)
        self.span = new
        self.follow = self.follow and around is None
        self._clamp(lo, hi, now)

    def pan(self, fraction: float, lo: int, hi: int, now: int) -> None:
        """Move the window by a fraction of its width, within the run."""
        self.freeze(lo, hi, now)
        assert self.span is not None
        self.start += int(self.span * fraction)
        self._clamp(lo, hi, now)

    def _clamp(self, lo: int, hi: int, now: int) -> None:
        """Keep a fixed window over the run: panning past either end shows nothing to read."""
        if self.span is None or self.follow:
            return
        last = max(hi, now, lo + self.span)
        self.start = max(lo, min(self.start, last - self.span))

    def fit(self, live: bool) -> None:
        self.span = None
        self.follow = live

    def faster(self, up: bool) -> float:
        i = min(range(len(SPEEDS)), key=lambda k: abs(SPEEDS[k] - self.speed))
        i = min(len(SPEEDS) - 1, i + 1) if up else max(0, i - 1)
        self.speed = SPEEDS[i]
        return self.speed
