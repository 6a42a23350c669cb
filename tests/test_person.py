"""What a person meets on screen, item by item: each test failed before its fix.

Driven through the pilot with fixture recordings (and a stand-in for a live run where the
test is about the screen, not about the workers), so each is exact and quick; the real
terminal suite (``test_terminal.py``) drives the same things in tmux.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from rich.console import Console
from textual.pilot import Pilot

from tests.apps import CLOCK, LOAD, deck_app, replay_app
from tests.conftest import DATA
from tui.app import screenshot
from tui.app.cookline import CooklineApp
from tui.app.screens.run import RunScreen
from tui.app.screens.tour import TourScreen
from tui.app.sources import Fed
from tui.app.widgets.gantt import Gantt
from tui.app.widgets.text_panel import TextPanel
from tui.formats import deck, recording
from tui.report import headless
from tui.report.headless import seconds
from tui.runs import verdict

SIZE = (120, 30)


def _screen(app: CooklineApp) -> RunScreen:
    screen = app.screen
    assert isinstance(screen, RunScreen)
    return screen


def _text(screen: RunScreen, panel: str) -> str:
    return screen.query_one(f"#{panel}", TextPanel).content.plain


async def _at(pilot: Pilot[int], screen: RunScreen, t: int) -> None:
    screen.timeline.position = t
    screen._refresh(force=True)
    await pilot.pause()


async def test_a_replay_does_not_tell_its_outcome_before_its_clock_reaches_it() -> None:
    """The deadlock banner, the failed cook and the figures wait for the replay's clock."""
    app = replay_app("burnt-dish")
    async with app.run_test(size=SIZE) as pilot:
        screen = _screen(app)
        lo, hi = screen.store.bounds()
        mid = lo + (hi - lo) // 3
        await _at(pilot, screen, mid)
        assert not screen.query_one("#banner").display
        side = _text(screen, "side")
        assert f"wall {seconds(mid - lo)}" in side  # the same clock as the header
        assert seconds(mid - lo) in _text(screen, "run-header")
        assert f"events {screen.store.events_until(mid):,}" in side
        await _at(pilot, screen, hi)
        assert screen.query_one("#banner").display
        banner = _text(screen, "banner")
        assert "Cook B dropped the pan" in banner  # the cook's own error, not only the outcome
        assert f"events {screen.store.events:,}" in _text(screen, "side")


async def test_escape_from_the_first_screen_reaches_the_tour_in_the_same_language() -> None:
    app = replay_app("one-knife")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "escape")
        assert isinstance(app.screen, TourScreen) and app.screen.lang == "ja"
        await pilot.press("l")
        assert app.lang == "en"


async def test_the_coroutines_view_of_a_run_without_tasks_says_so() -> None:
    app = replay_app("one-knife")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        g = app.screen.query_one(Gantt)
        assert g.lanes == []
        assert "no asyncio tasks" in g.render_line(0).text


async def test_axis_starts_where_the_window_does_and_zoom_out_stops_at_the_run() -> None:
    app = replay_app("one-knife")
    async with app.run_test(size=SIZE) as pilot:
        g = app.screen.query_one(Gantt)
        await pilot.press("plus", "plus", "plus", "right", "right")
        labels = g.render_line(g.lane_rows + 1).text.split()
        assert labels[0] != "0"
        start_ms = (g.start - g.origin) / 1e6
        first = float(labels[0])
        assert start_ms <= first * (1 if labels[1] == "ms" else 1000) <= start_ms + 20
        await pilot.press(*["minus"] * 40)
        assert (g.start, g.end) == _screen(app).store.bounds()


async def test_legend_is_drawn_with_the_lanes_own_styles() -> None:
    app = replay_app("one-knife")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        g = app.screen.query_one(Gantt)
        legend = g.render_line(g.lane_rows + 2)
        colours = {
            seg.text.strip(): seg.style.color if seg.style else None
            for seg in legend
            if seg.text.strip()
        }
        for look in ("running", "ready", "waiting"):
            assert colours[{"running": "██", "ready": "▒▒", "waiting": "──"}[look]] == (
                g._style(look).color
            )


async def test_keys_say_what_they_do_now() -> None:
    app = CooklineApp(
        replay=recording.load(DATA / "one-knife.jsonl"), clock=lambda: CLOCK, load=lambda: LOAD
    )
    async with app.run_test(size=SIZE) as pilot:
        screen = _screen(app)
        bar = lambda: str(app.screen.query_one("KeyBar").render())  # noqa: E731
        assert "Pause" in bar()
        await pilot.press("space")
        assert "Play" in bar() and "Pause" not in bar()
        await pilot.press("right_square_bracket")
        assert screen.timeline.speed == 2.0


async def test_a_finished_live_run_offers_no_replay_keys_and_no_end_toast() -> None:
    store = recording.load(DATA / "one-knife.jsonl")
    app = CooklineApp(clock=lambda: CLOCK, load=lambda: list(LOAD))
    async with app.run_test(size=SIZE) as pilot:
        ended = Fed(store)
        ended.stop("it ended")  # a live run that already ended, without its workers
        app.push_screen(RunScreen(ended, app.host))
        await pilot.pause()
        screen = _screen(app)
        assert screen.check_action("speed", ()) is False
        assert all(screen.check_action(a, ()) is False for a in ("pause", "play", "freeze"))
        await pilot.press("right_square_bracket", "space")
        assert screen.timeline.speed == 1.0
        assert not app._notifications  # the header says ENDED; nothing covers the axis


async def test_present_mode_keeps_its_language_its_look_and_says_when_it_is_done() -> None:
    d = deck.load(deck.find("kitchen-tour"))
    app = deck_app(d)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("l")
        assert d.steps[0].title_ja in _text(_screen(app), "run-header")
        await pilot.press("pagedown")
        await pilot.pause()
        screen = _screen(app)
        assert screen.lang == "ja" and d.steps[1].title_ja in _text(screen, "run-header")
        await pilot.press("r")
        await pilot.pause()
        assert _screen(app).present and _screen(app).has_class("-present")
        bar = str(app.screen.query_one("KeyBar").render())
        assert "終了" in bar[:80]  # what an 80-column bar shows: quitting, in Japanese
        app.step = len(d.steps) - 1
        app.show_step(app.step)
        await pilot.pause()
        await pilot.press("pagedown")
        await pilot.pause()
        assert any("last step" in str(n.message) for n in app._notifications)


async def test_cursor_readout_cuts_names_with_an_ellipsis() -> None:
    app = replay_app("one-knife")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n")
        assert "Cooks shari…" in _text(_screen(app), "side")


def test_printed_output_fits_the_width_it_is_given() -> None:
    store = recording.load(DATA / "one-knife.jsonl")
    for width in (40, 60, 80, 100):
        console = Console(width=width, record=True, color_system=None, file=open("/dev/null", "w"))  # noqa: SIM115
        headless.show(store, console)
        lines = console.export_text().splitlines()
        assert max(len(line) for line in lines) <= width, (width, max(lines, key=len))
        text = "\n".join(lines)
        assert "process alive" in text and "ready: no free core" in text  # not split


def test_list_never_splits_an_id_and_speaks_japanese() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "tui", "list", "--width", "80"], capture_output=True, text=True
    ).stdout
    for sid in ("potato-salad-sequential", "sequential-vs-tasks", "rush-at-the-counter"):
        assert sid in out
    ja = subprocess.run(
        [sys.executable, "-m", "tui", "--lang", "ja", "list"], capture_output=True, text=True
    ).stdout
    assert "一本の包丁" in ja


def test_table_verdicts_are_never_cut() -> None:
    rows = [
        {
            "label": "multi process + multi thread, all cores",
            "cpus": 2,
            "max_running": 2,
            "parallelism": 1.9,
            "wall_s": 0.5,
            "observed": observed,
            "claim": "parallelism possible",
        }
        for observed in ("parallelism", "concurrency")
    ]
    console = Console(width=80, record=True, color_system=None, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(verdict.table_view(rows))
    text = console.export_text()
    assert "parallelism" in text and "concurrency" in text and "…" not in text


def test_svg_export_asks_the_internet_for_nothing_and_speaks_the_language(tmp_path: Path) -> None:
    out = tmp_path / "k.svg"
    screenshot.save(recording.load(DATA / "one-knife.jsonl"), out, lang="ja")
    svg = out.read_text()
    assert 'url("http' not in svg
    assert "一本の包丁" in svg


def test_compare_record_says_where_it_recorded(tmp_path: Path) -> None:
    out = tmp_path / "c.jsonl"
    args = ["compare", "io", "--headless", "--scale", "0.2", "--record", str(out)]
    done = subprocess.run(
        [sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert f"to {out}" in done.stdout.replace("\n", "")
    # the verdict is one line as wide as the output, not a caption wrapped at the table's width
    verdict_line = [line for line in done.stdout.splitlines() if "measured:" in line][-1]
    assert all(m in verdict_line for m in ("sequential", "asyncio", "threads", "processes"))
    assert recording.load(out).header["runs"]


async def test_end_reaches_the_last_lane_after_an_animated_scroll() -> None:
    """Textual refreshes a ScrollView by its rounded offset; rows read with int() stopped one
    lane short after End's animation ended on 109.6 (rush-at-the-counter, coroutines view)."""
    store = recording.load(DATA.parent.parent / "tui" / "recordings" / "rush-at-the-counter.jsonl")
    app = CooklineApp(replay=store, clock=lambda: CLOCK, load=lambda: LOAD, autoplay=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        g = app.screen.query_one(Gantt)
        g.scroll_to(y=g.max_scroll_y - 0.4, animate=False)
        await pilot.pause()
        last = g.render_line(g.lane_rows - 1).text
        assert last.startswith("  " + g.lanes[-1].title), last


async def test_a_narrow_header_keeps_the_state_and_the_clock() -> None:
    """At 40 columns the title gives way, not LIVE / REPLAY and the time."""
    app = replay_app("one-knife")
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        header = _text(_screen(app), "run-header")
        assert (
            "REPLAY" in header
            and seconds(_screen(app).store.bounds()[1] - _screen(app).store.bounds()[0]) in header
        )
        assert len(header) <= 40
