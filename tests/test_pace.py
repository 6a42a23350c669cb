"""The run screen's pace: up to 30 frames a second, fewer while the UI is over its CPU budget,
never fewer than 10; and a live frame repaints only the rows whose picture changed."""

from __future__ import annotations

from array import array

from textual.strip import Strip

from scenarios.wire import ActorDeclared, Kind, Record, State
from tui.app.cookline import CooklineApp
from tui.app.pace import FASTEST, SLOWEST, Pace
from tui.app.screens.run import RunScreen
from tui.app.sources import Fed
from tui.app.widgets.gantt import Gantt
from tui.trace.store import TraceStore


class Clocks:
    """A wall clock that ticks by hand and a CPU clock that burns ``share`` of it."""

    def __init__(self, share: float) -> None:
        self.wall = 0.0
        self.cpu = 0.0
        self.share = share

    def tick(self, seconds: float) -> None:
        self.wall += seconds
        self.cpu += seconds * self.share


def _frames(share: float, seconds: float = 3.0) -> float:
    c = Clocks(share)
    pace = Pace(budget=0.2, cpu=lambda: c.cpu, wall=lambda: c.wall)
    for _ in range(round(seconds / FASTEST)):
        c.tick(FASTEST)
        pace.due()
    return pace.frames / seconds


def test_within_budget_every_tick_is_a_frame() -> None:
    assert _frames(0.05) >= 29


def test_over_budget_frames_are_skipped_but_never_under_ten_a_second() -> None:
    fps = _frames(0.9)
    assert 1 / SLOWEST - 1 <= fps <= 1 / SLOWEST + 1, fps


def test_late_ticks_over_budget_still_make_ten_frames_a_second() -> None:
    """Ticks keep to their grid but each may come a few ms late (a busy loop): a tick due
    100 ms after a late one comes a little sooner than 100 ms after it, and must still count
    as the frame that keeps the chart at 10 a second."""
    import random

    rng = random.Random(5)
    c = Clocks(0.9)
    pace = Pace(budget=0.2, cpu=lambda: c.cpu, wall=lambda: c.wall)
    seconds = 6.0
    for n in range(1, round(seconds / FASTEST) + 1):
        due = n * FASTEST + rng.uniform(0, 0.005)
        c.tick(due - c.wall)
        pace.due()
    assert pace.frames / seconds >= 1 / SLOWEST - 0.5, pace.frames / seconds


def test_the_share_follows_the_cpu_used() -> None:
    c = Clocks(0.3)
    pace = Pace(budget=0.2, cpu=lambda: c.cpu, wall=lambda: c.wall)
    for _ in range(60):
        c.tick(FASTEST)
        pace.due()
    assert abs(pace.share - 0.3) < 0.02


T0 = 5_000_000_000_000
MS = 1_000_000


async def test_a_live_frame_repaints_only_changed_rows_and_misses_none() -> None:
    """After each frame every row on screen is the row as it is now (none left stale), and a
    frame that moves nothing visible repaints nothing."""
    clock = [T0]
    store = TraceStore({"scenario": "fed", "machine": {"python": "3.11", "cpus": [0, 1]}})
    store.start_clock(T0)
    kitchen = 1 << 24
    cooks = [kitchen | (i + 1) for i in range(6)]
    declared: list[Record] = [ActorDeclared(kitchen, Kind.PROCESS, 0, "Kitchen", 1, 0)]
    declared += [
        ActorDeclared(c, Kind.THREAD, kitchen, f"Cook {i}", 1, i) for i, c in enumerate(cooks)
    ]
    store.ingest(array("q", [T0, kitchen, int(State.RUNNING), 0, 0, 0]), declared)
    app = CooklineApp(source=Fed(store), clock=lambda: clock[0], load=lambda: [0.0, 0.0])
    async with app.run_test(size=(100, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, RunScreen)
        gantt = screen.query_one(Gantt)
        painted: list[int] = []
        render = gantt.render_line

        def counted(y: int) -> Strip:
            if gantt._painting:
                painted.append(y)
            return render(y)

        gantt.render_line = counted  # type: ignore[method-assign]
        states = (State.RUNNING, State.WAITING, State.READY)
        for step in range(1, 12):
            # one cook changes state at each step; the others run on
            t = T0 + step * 40 * MS
            cook = cooks[step % len(cooks)]
            frames = screen.pace.frames
            store.ingest(array("q", [t, cook, int(states[step % 3]), 0, step % 2, 0]), [])
            clock[0] = t
            # a frame, then its paint: the pace may hold frames back for up to its floor's
            # interval (seen in CI, under load, past a fixed 0.1 s pause)
            for _ in range(100):
                await pilot.pause(0.02)
                if screen.pace.frames > frames:
                    break
            await pilot.pause()
            for y in range(gantt.size.height):
                assert gantt._shown.get(y) == gantt._line(y), (step, y)
        painted.clear()
        for _ in range(3):  # the clock moves less than a cell: the picture stands
            assert gantt.now is not None
            gantt.set_window(gantt.start, gantt.end, gantt.now + 1, gantt.origin)
            await pilot.pause()
        assert painted == []
