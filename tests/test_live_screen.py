"""The live screen, driven by a store fed by hand on a pinned clock: no worker, no process.

The real-run tests (``test_app``, ``test_terminal``) show it works with workers; this one pins
what the screen itself does with a growing store: "now" is the clock, the lanes stop at now,
freezing keeps the window, and the end is shown when the source stops.
"""

from __future__ import annotations

from array import array

from scenarios.wire import ActorDeclared, Kind, State
from tui.app.cookline import CooklineApp
from tui.app.screens.run import RunScreen
from tui.app.sources import Fed
from tui.app.widgets.gantt import Gantt
from tui.report.glyphs import GLYPH
from tui.trace.store import TraceStore

T0 = 5_000_000_000_000
MS = 1_000_000
KITCHEN, COOK = 1 << 24, (1 << 24) | 1


def _batch(*events: tuple[int, int, int]) -> array:
    """State events at ``t`` ms after time zero, on the wire (absolute ns, core 0)."""
    return array("q", [x for t, a, st in events for x in (T0 + t * MS, a, st, 0, 0, 0)])


async def test_the_live_screen_follows_a_fed_store_on_a_pinned_clock() -> None:
    clock = [T0]
    store = TraceStore({"scenario": "fed", "machine": {"python": "3.11", "cpus": [0]}})
    store.start_clock(T0)
    source = Fed(store)
    app = CooklineApp(source=source, clock=lambda: clock[0], load=lambda: [10.0])
    async with app.run_test(size=(100, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, RunScreen)
        gantt = screen.query_one(Gantt)

        def header() -> str:
            return str(screen.query_one("#run-header").render())

        store.ingest(
            _batch((0, KITCHEN, State.RUNNING), (0, COOK, State.RUNNING)),
            [
                ActorDeclared(KITCHEN, Kind.PROCESS, 0, "Kitchen", 1, 0),
                ActorDeclared(COOK, Kind.THREAD, KITCHEN, "Cook", 1, 1),
            ],
        )
        clock[0] = T0 + 300 * MS  # the cook has run for 300 ms and said nothing since
        await pilot.pause(0.3)
        assert "LIVE 300 ms" in header()
        row = gantt.render_line(1).text  # row 0 is the kitchen
        assert row.lstrip().startswith("Cook")
        cells = row[gantt._geometry()[0] :].lstrip("│")
        drawn = cells.count(GLYPH[State.RUNNING])
        # a live window doubles past now: 300 ms of a 512 ms window, and nothing after now
        assert abs(drawn / len(cells) - 300 / 512) < 0.05, (drawn, len(cells))
        assert cells.rstrip() == GLYPH[State.RUNNING] * drawn
        window = (gantt.start, gantt.end)

        await pilot.press("space")  # freeze: the window stays while the clock moves on
        clock[0] = T0 + 900 * MS
        await pilot.pause(0.3)
        assert "LIVE view frozen 900 ms" in header()
        assert (gantt.start, gantt.end) == window
        # the cook ran on past the frozen window's end: the whole row is running now
        assert gantt.render_line(1).text.count(GLYPH[State.RUNNING]) == len(cells)

        store.ingest(_batch((950, COOK, State.DONE), (950, KITCHEN, State.DONE)), [])
        store.end_run("done", "finished", 0)
        source.stop("the feeder is done")
        clock[0] = T0 + 2_000 * MS  # an ended run's now is its last event, not the clock
        await pilot.pause(0.3)
        assert "ENDED 950 ms" in header()
        assert screen.check_action("freeze", ()) is False  # nothing left to freeze
        assert not app._notifications  # the header says ENDED: no toast over the lanes


async def test_the_paint_after_a_live_frame_shows_the_rows_its_diff_drew() -> None:
    """A live frame draws each row to find those that changed; the paint that follows shows
    those very rows, though the collector has grown the lanes meanwhile (drawing them again
    was half a frame at a million events a second)."""
    from textual.geometry import Region

    clock = [T0]
    store = TraceStore({"scenario": "fed", "machine": {"python": "3.11", "cpus": [0]}})
    store.start_clock(T0)
    app = CooklineApp(source=Fed(store), clock=lambda: clock[0], load=lambda: [10.0])
    async with app.run_test(size=(100, 24)) as pilot:
        store.ingest(
            _batch((0, KITCHEN, State.RUNNING), (0, COOK, State.RUNNING), (100, COOK, 2)),
            [
                ActorDeclared(KITCHEN, Kind.PROCESS, 0, "Kitchen", 1, 0),
                ActorDeclared(COOK, Kind.THREAD, KITCHEN, "Cook", 1, 1),
            ],
        )
        clock[0] = T0 + 300 * MS
        await pilot.pause(0.3)
        gantt = app.screen.query_one(Gantt)
        drawn: list[int] = []
        codes = gantt._codes

        def counted(lane: object, cells: int) -> object:
            drawn.append(1)
            return codes(lane, cells)  # type: ignore[arg-type]

        gantt._codes = counted  # type: ignore[assignment,method-assign]
        gantt.set_window(0, 512 * MS, 310 * MS)  # the frame's diff draws the rows
        assert drawn
        diffed = [gantt._this_frame.get(k) for k in gantt._this_frame]
        drawn.clear()
        store.ingest(_batch((200, COOK, State.RUNNING), (250, COOK, 2)), [])  # meanwhile
        width, height = gantt.size
        painted = gantt.render_lines(Region(0, 0, width, height))
        assert not drawn, "the paint drew rows the diff had drawn"
        assert all(strip in painted for strip in diffed)
        gantt.set_window(0, 512 * MS, 320 * MS)  # the next frame sees the new events
        assert drawn
