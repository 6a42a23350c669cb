"""Every key and click of the app, driven by a pilot; and one real run live to the end."""

from __future__ import annotations

import multiprocessing.resource_tracker

from textual.events import MouseScrollDown, MouseScrollUp
from textual.widgets import OptionList

from scenarios.supervisor.runner import Run
from scenarios.wire import Kind
from tests.apps import replay_app, tour_app
from tests.conftest import wait_gone
from tui.app.cookline import CooklineApp
from tui.app.screens.run import RunScreen
from tui.app.screens.tour import TourScreen
from tui.app.sources import LiveRun, LiveSpec
from tui.app.widgets.gantt import Gantt
from tui.app.widgets.plain import plain
from tui.report.headless import seconds

SIZE = (120, 30)


def _screen(app: CooklineApp) -> RunScreen:
    screen = app.screen
    assert isinstance(screen, RunScreen)
    return screen


def _run(screen: RunScreen) -> Run:
    """The worker tree behind a live run screen."""
    assert isinstance(screen.source, LiveRun)
    run = screen.source.run
    assert isinstance(run, Run)
    return run


async def test_view_keys_switch_lanes() -> None:
    app = replay_app("potato-salad")
    async with app.run_test(size=SIZE) as pilot:
        gantt = app.screen.query_one(Gantt)
        threads = [lane.title for lane in gantt.lanes]
        assert "Cook (event loop)" in threads
        await pilot.press("a")
        assert gantt.view == "coroutines"
        titles = [lane.title for lane in gantt.lanes]
        assert "Microwave the potatoes" in titles and "Mayonnaise and cucumber" in titles
        await pilot.press("c")
        assert gantt.view == "cores"
        assert all(lane.core is not None for lane in gantt.lanes)
        await pilot.press("t")
        assert gantt.view == "threads" and [lane.title for lane in gantt.lanes] == threads


async def test_zoom_pan_and_fit() -> None:
    app = replay_app("one-knife")
    async with app.run_test(size=SIZE) as pilot:
        screen = _screen(app)
        gantt = screen.query_one(Gantt)
        full = (gantt.start, gantt.end)
        await pilot.press("plus")
        assert gantt.end - gantt.start < (full[1] - full[0]) * 0.6
        await pilot.press("minus", "minus", "minus")
        assert (gantt.start, gantt.end) == full  # zooming out stops at the whole run
        await pilot.press("f", "plus")
        before = gantt.start
        await pilot.press("right")
        assert gantt.start > before
        await pilot.press("left", "left")
        assert gantt.start < before
        await pilot.press("f")
        assert (gantt.start, gantt.end) == full


async def test_step_cursor_and_readout() -> None:
    app = replay_app("one-knife")
    async with app.run_test(size=SIZE) as pilot:
        screen = _screen(app)
        gantt = screen.query_one(Gantt)
        store = screen.store
        lo, _ = store.bounds()
        await pilot.press("n")
        first = store.next_event(lo)
        assert first is not None and gantt.cursor == first
        await pilot.press("n", "n")
        third = gantt.cursor
        assert third is not None and third > first
        await pilot.press("p")
        assert gantt.cursor is not None and first < gantt.cursor < third
        readout = str(screen.query_one("#side").render())
        # the readout's own heading, at the cursor's time (the placeholder says "cursor: n / p")
        assert f"cursor {seconds(gantt.cursor - lo)}\n" in readout
        assert "Cook A" in readout.split("narration")[0]


async def test_click_puts_the_cursor_on_a_lane_and_time() -> None:
    app = replay_app("one-knife")
    async with app.run_test(size=SIZE) as pilot:
        gantt = app.screen.query_one(Gantt)
        await pilot.click(Gantt, offset=(gantt.name_width + 20, 2))
        await pilot.pause()
        assert gantt.cursor is not None and gantt.selected == 2
        assert gantt.start <= gantt.cursor <= gantt.end


async def test_replay_space_plays_and_pauses_and_speed_keys() -> None:
    app = replay_app("abc-async")
    async with app.run_test(size=SIZE) as pilot:
        screen = _screen(app)
        tl = screen.timeline
        assert not tl.playing
        await pilot.press("space")  # at the end: starts again from the beginning
        assert tl.playing and tl.position == screen.store.bounds()[0]
        await pilot.press("space")
        assert not tl.playing
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert tl.speed == 4.0
        for _ in range(8):
            await pilot.press("left_square_bracket")
        assert tl.speed == 0.25
        await pilot.press("r")
        assert tl.playing and tl.position == screen.store.bounds()[0]


async def test_replay_hides_the_future() -> None:
    app = replay_app("abc-async")
    async with app.run_test(size=SIZE) as pilot:
        screen = _screen(app)
        lo, hi = screen.store.bounds()
        screen.timeline.position = lo + (hi - lo) // 4
        screen._refresh(force=True)
        await pilot.pause()
        gantt = screen.query_one(Gantt)
        line = gantt.render_line(1).text
        chart = line[gantt.name_width + 1 :]
        assert chart.rstrip() and len(chart.rstrip()) < 0.5 * len(chart)


async def test_help_and_language_and_quit() -> None:
    app = replay_app("one-knife")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert app.screen.query("HelpPanel")
        await pilot.press("question_mark")
        await pilot.press("l")
        assert "包丁" in str(app.screen.query_one("#side").render())
        await pilot.press("q")
        await pilot.pause()
        assert app._exit  # q asked the app to leave, before the pilot tore it down
    assert app.return_code == 0


async def test_tour_lists_every_scenario_and_enter_runs_one() -> None:
    multiprocessing.resource_tracker.ensure_running()
    app = tour_app()
    app.scale = 0.1
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, TourScreen)
        ol = app.screen.query_one(OptionList)
        ids = [o.id for o in ol.options if o.id]
        assert "one-knife" in ids and "potato-salad" in ids
        await pilot.press("enter")
        await pilot.pause()
        run = _run(_screen(app))
        assert run.wait(30) is not None
        await pilot.press("escape")
        assert isinstance(app.screen, TourScreen)
    assert wait_gone(run.seen_pids) == []


async def test_a_real_scenario_runs_live_to_the_end() -> None:
    """abc-async live in the app: the store fills, the lanes appear, the end is shown."""
    multiprocessing.resource_tracker.ensure_running()
    app = CooklineApp(live=LiveSpec("abc-async", scale=0.1))
    async with app.run_test(size=SIZE) as pilot:
        screen = _screen(app)
        result = None
        for _ in range(200):
            await pilot.pause(0.05)
            result = _run(screen).result
            if result is not None and screen._ended_seen:
                break
        assert result is not None and result.ok
        assert screen.store.events > 20
        assert {"Order A", "Order B", "Order C"} <= {
            a.name for a in screen.store.actors if a.kind == Kind.TASK
        }
        await pilot.press("a")
        gantt = screen.query_one(Gantt)
        rows = [gantt.render_line(y).text for y in range(len(gantt.lanes))]
        assert any("Order B" in r and "─" in r for r in rows)
        assert "ENDED" in str(screen.query_one("#run-header").render())
        await pilot.press("r")  # run again: a fresh run, a fresh store
        await pilot.pause()
        again = _screen(app)
        assert again is not screen
        _run(again).wait(30)
        seen = _run(screen).seen_pids | _run(again).seen_pids
    assert wait_gone(seen) == []


async def test_mouse_wheel_pans_the_time_window() -> None:
    """With every lane on screen, the wheel moves the time window instead of the rows."""
    app = replay_app("one-knife")
    async with app.run_test(size=SIZE) as pilot:
        gantt = app.screen.query_one(Gantt)
        await pilot.press("plus")
        before = gantt.start
        x = gantt.name_width + 10
        gantt.post_message(MouseScrollDown(gantt, x, 1, 0, 1, 0, False, False, False))
        await pilot.pause()
        assert gantt.start > before
        for _ in range(2):
            gantt.post_message(MouseScrollUp(gantt, x, 1, 0, -1, 0, False, False, False))
        await pilot.pause()
        assert gantt.start < before


async def test_command_palette_offers_every_scenario() -> None:
    from tui.app.cookline import ScenarioCommands

    app = tour_app()
    async with app.run_test(size=SIZE):
        provider = ScenarioCommands(app.screen)
        hits = [hit async for hit in provider.search("run one-knife")]
        assert any("one-knife" in str(hit.text) for hit in hits)
        everything = [hit async for hit in provider.search("run")]
        assert len(everything) >= 10


async def test_stepping_past_either_end_rings_and_keeps_the_cursor() -> None:
    app = replay_app("abc-async")
    async with app.run_test(size=SIZE) as pilot:
        gantt = app.screen.query_one(Gantt)
        lo, hi = _screen(app).store.bounds()
        await pilot.press("n", "p")
        assert gantt.cursor == lo
        await pilot.press("p", "p")  # nothing before the first event: a bell, not a crash
        assert gantt.cursor == lo
        await pilot.press(*["n"] * 45)  # 39 events and cues: and nothing after the last one
        assert gantt.cursor == hi


async def test_a_cook_named_after_its_lane_appeared_is_shown_by_its_name() -> None:
    """The probe may rename a thread (``probe.rename``) after its first events arrived."""
    from array import array

    from scenarios.wire import ActorDeclared
    from tui.trace.store import TraceStore

    store = TraceStore()
    key = (1 << 24) | 1
    store.ingest(array("q", [1, key, 2, 0, 0, 0]), [ActorDeclared(key, 1, 0, "Main thread", 1, 1)])
    app = CooklineApp(replay=store, clock=lambda: 0, load=lambda: [0.0], autoplay=False)
    async with app.run_test(size=SIZE) as pilot:
        gantt = app.screen.query_one(Gantt)
        assert [lane.title for lane in gantt.lanes] == ["Main thread"]
        store.ingest(array("q", [2, key, 3, 1, 0, 0]), [ActorDeclared(key, 1, 0, "Cook", 1, 1)])
        _screen(app)._refresh(force=True)
        await pilot.pause()
        assert [lane.title for lane in gantt.lanes] == ["Cook"]


async def test_the_chart_paints_as_textual_styles_a_plain_widget() -> None:
    """The chart paints its rows without Textual's line-styling pass (nothing in its styles
    for it to add): every painted line, whole or cropped, is the one that pass would make, in
    each view, with the cursor on, scrolled, on a projector's black, in ANSI colours and
    without colour."""
    from textual.filter import Monochrome
    from textual.geometry import Region
    from textual.widget import Widget

    app = replay_app("two-kitchens")
    async with app.run_test(size=(100, 10)) as pilot:
        await pilot.pause()
        gantt = app.screen.query_one(Gantt)
        assert gantt.show_vertical_scrollbar  # more lanes than rows: the rows are narrower

        def both(crop: Region) -> tuple[list[object], list[object]]:
            ours = gantt.render_lines(crop)
            gantt._frame_size = gantt._sizes()
            try:
                theirs = Widget.render_lines(gantt, crop)
            finally:
                gantt._frame_size = None
            return [list(s) for s in ours], [list(s) for s in theirs]

        checked = 0
        for keys in ((), ("n", "n"), ("c",), ("a",), ("t", "down", "down")):
            for key in keys:
                await pilot.press(key)
            await pilot.pause()
            assert plain(gantt)
            width, height = gantt.size
            for crop in (Region(0, 0, width, height), Region(3, 2, width - 9, 3)):
                ours, theirs = both(crop)
                assert ours == theirs, (keys, crop)
                checked += 1
        app.screen.add_class("-present")
        await pilot.pause()
        ours, theirs = both(Region(0, 0, *gantt.size))
        assert ours == theirs
        assert gantt._truecolor  # so far the truecolor filter was left out, as it changes nothing
        app.stylesheet.add_source("Gantt > .gantt--running { color: ansi_red !important; }")
        app.refresh_css()
        await pilot.pause()
        assert not gantt._truecolor  # an ANSI colour in a truecolor theme: the filter runs
        ours, theirs = both(Region(0, 0, *gantt.size))
        assert ours == theirs
        app.theme = "ansi-dark"  # ANSI colours drawn as such: the app turns the filter off
        await pilot.pause()
        ours, theirs = both(Region(0, 0, *gantt.size))
        assert ours == theirs
        app._filters.append(Monochrome())  # as NO_COLOR asks
        gantt.refresh()
        ours, theirs = both(Region(0, 0, *gantt.size))
        assert ours == theirs
        assert checked == 10


async def test_covered_backgrounds_paint_as_textual_paints_them() -> None:
    """The run screen and the body under the chart and the side panel paint their (covered)
    backgrounds without Textual's styling pass: the same lines it would make, in a dark and a
    light truecolor theme, in colours of the app's own rules, in an ANSI theme and without
    colour."""
    from textual.filter import Monochrome
    from textual.geometry import Region
    from textual.widget import Widget

    from tui.app.screens.run import Body

    app = replay_app("one-knife")
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        screen = _screen(app)
        body = screen.query_one(Body)
        checked = 0
        for step in ("truecolor", "light", "new colours", "ansi", "monochrome"):
            if step == "light":
                app.theme = "textual-light"
            elif step == "new colours":  # new rules, the same theme and filters
                app.stylesheet.add_source("RunScreen, Body { background: #402020; }")
                app.refresh_css()
            elif step == "ansi":
                app.theme = "ansi-dark"
            elif step == "monochrome":
                app._filters.append(Monochrome())
            await pilot.pause()
            for widget in (screen, body):
                assert plain(widget)
                width, height = widget.size
                whole, part = Region(0, 0, width, height), Region(2, 1, width - 5, 3)
                # each size twice, the last of a step first in the next: what is kept is
                # what is asked for again, and a new theme or filter is not what was kept
                for crop in (whole, part, part, whole):
                    ours = [list(s) for s in widget.render_lines(crop)]
                    theirs = [list(s) for s in Widget.render_lines(widget, crop)]
                    assert ours == theirs, (step, widget, crop)
                    checked += 1
        assert checked == 40


async def test_a_new_run_screen_makes_its_side_panel_once_at_its_size() -> None:
    """The side panel's size is known only once the screen is laid out: its text is made
    when the panel is first drawn, at that size, and not made before it (for no size) and
    again after it (a second paint of the panel in the screen's first frame)."""
    from tui.app.screens.run import RunScreen
    from tui.app.widgets.text_panel import TextPanel

    made: list[tuple[int, int]] = []
    side_text = RunScreen._side_text

    def counted(self: RunScreen, now: int, width: int, height: int) -> object:
        made.append((width, height))
        return side_text(self, now, width, height)

    RunScreen._side_text = counted  # type: ignore[assignment, method-assign]
    try:
        app = replay_app("one-knife")
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            side = _screen(app).query_one("#side", TextPanel)
            assert made == [tuple(side.size)]
            assert "parallelism" in side.content.plain
            await pilot.resize_terminal(100, 24)  # a new size: the text is made for it
            await pilot.pause()
            assert made[-1] == tuple(side.size) != made[0]
    finally:
        RunScreen._side_text = side_text  # type: ignore[method-assign]


async def test_the_charts_component_styles_follow_classes_and_themes_not_focus() -> None:
    """Textual restyles a chart's component classes only when what they depend on changed:
    the projector's class and a new theme recolour the states; a focus leaves them."""
    app = replay_app("one-knife")
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        gantt = app.screen.query_one(Gantt)

        def colour(name: str) -> str | None:
            color = gantt.get_component_rich_style(f"gantt--{name}").color
            return None if color is None else color.name

        assert colour("running") == "#4caf50"
        dark_name = colour("name")
        app.set_focus(None)
        await pilot.pause()
        gantt.focus()
        await pilot.pause()
        assert colour("running") == "#4caf50"
        app.screen.add_class("-present")  # a projector's high contrast
        await pilot.pause()
        assert colour("running") == "#00e676"
        app.screen.remove_class("-present")
        await pilot.pause()
        assert colour("running") == "#4caf50"
        app.theme = "textual-light"
        await pilot.pause()
        assert colour("name") != dark_name
        app.stylesheet.add_source("Gantt > .gantt--running { color: #123456; }")
        app.refresh_css()  # new rules, the same classes
        await pilot.pause()
        assert colour("running") == "#123456"


async def test_a_panel_repaints_only_the_rows_its_new_text_changed() -> None:
    """A new text for the side panel (as a live run's figures every 250 ms) repaints the rows
    that differ, and the panel then looks as it does painted whole."""
    from tui.app.widgets.text_panel import TextPanel

    app = replay_app("one-knife")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        side = _screen(app).query_one("#side", TextPanel)
        asked: list[int] = []
        drawn = side.render_line

        def counted(y: int) -> object:
            asked.append(y)
            return drawn(y)

        side.render_line = counted  # type: ignore[assignment, method-assign]
        changed = side.content.copy()
        changed.highlight_words(["parallelism"], style="bold red")  # one row: a new style
        side.content = changed
        await pilot.pause()
        row = next(y for y, line in enumerate(side._strips) if "parallelism" in line.text)
        assert asked == [row]
        partly = [list(s) for s in app.screen._compositor.render_strips()]
        side.refresh()
        await pilot.pause()
        assert [list(s) for s in app.screen._compositor.render_strips()] == partly
        assert len(asked) > 1  # the whole panel, this time


async def test_a_panel_sized_by_its_text_grows_when_its_text_wraps_to_more_rows() -> None:
    """The banner's height follows its text: a line that wraps to more rows lays the screen
    out again, though it has no more line breaks than the text before."""
    from rich.text import Text

    from tui.app.widgets.text_panel import TextPanel

    app = replay_app("one-knife")
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        banner = _screen(app).query_one("#banner", TextPanel)
        banner.display = True
        banner.content = Text("short")
        await pilot.pause()
        assert banner.size.height == 1
        banner.content = Text("a failure that says a great deal more " * 3)  # no line break
        await pilot.pause()
        assert banner.size.height == len(banner._strips) == 2  # 114 characters in 60 columns
