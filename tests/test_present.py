"""``cookline present``: decks load or say exactly what is wrong, and the steps move on the
presenter's keys with tall, high-contrast lanes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.apps import CLOCK, deck_app
from tui import cli
from tui.app.cookline import CooklineApp
from tui.app.screens.run import RunScreen
from tui.app.widgets.gantt import Gantt
from tui.formats import deck


def test_the_bundled_deck_visits_every_lesson_in_two_languages() -> None:
    d = deck.load(deck.find("kitchen-tour"))
    assert len(d.steps) == 18
    shown = {s.scenario for s in d.steps} | {s.recording.stem for s in d.steps if s.recording}
    for lesson in (
        "life-of-a-process",
        "pass-the-plate",
        "rush-at-the-counter",
        "compare-cpu",
        "one-core-vs-many",
        "oven-bell",
        "food-processor",
        "conveyor",
    ):
        assert lesson in shown, lesson
    assert d.title_ja and all(s.title_ja for s in d.steps)
    for s in d.steps:
        source = s.source(replay_only=True)
        assert source is not None and source.is_file(), s.title  # --replay-only can play it


async def test_pagedown_and_pageup_walk_the_deck() -> None:
    d = deck.load(deck.find("kitchen-tour"))
    app = deck_app(d)
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RunScreen) and "· 1/18 ·" in screen.caption[0]
        assert screen.has_class("-present") and screen.query_one(Gantt).row_height == 2
        await pilot.press("pagedown")
        await pilot.pause()
        assert isinstance(app.screen, RunScreen) and "· 2/18 ·" in app.screen.caption[0]
        assert app.screen.store.header["scenario"] == "abc-async"
        assert app.screen.query_one(Gantt).view == "coroutines"  # the step's own view
        await pilot.press("pageup", "pageup")  # the second one is past the first step: a bell
        await pilot.pause()
        assert isinstance(app.screen, RunScreen) and "· 1/18 ·" in app.screen.caption[0]
        assert len(app.screen_stack) == 2  # steps replace each other, they do not pile up
        header = str(app.screen.query_one("#run-header").render())
        assert "1/18 · One cook, three orders" in header


async def test_tall_lanes_take_two_lines_each() -> None:
    d = deck.load(deck.find("kitchen-tour"))
    app = deck_app(d)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        g = app.screen.query_one(Gantt)
        first, second = g.render_line(0), g.render_line(1)
        assert first.text[g.name_width :] == second.text[g.name_width :]  # same cells
        assert first.text[: g.name_width].strip() and not second.text[: g.name_width].strip()


def test_a_step_sets_its_scenario_s_parameters(tmp_path: Path) -> None:
    f = tmp_path / "deck.toml"
    f.write_text('[[step]]\ntitle = "a"\nscenario = "one-knife"\nset = { cooks = 2 }\n')
    assert deck.load(f).steps[0].settings == (("cooks", 2),)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('title = "x"\n[[step]\n', "deck.toml:2: not valid TOML"),
        ('title = "x"\n', "at least one [[step]]"),
        ('[[step]]\nscenario = "one-knife"\n', 'step 1: missing field "title"'),
        ('[[step]]\ntitle = "a"\nscenario = "no-such"\n', "step 1: scenario: unknown scenario"),
        ('[[step]]\ntitle = "a"\n', 'step 1: give one of "scenario" or "recording"'),
        ('[[step]]\ntitle = "a"\nscenario = "one-knife"\nscale = -1\n', "step 1: scale:"),
        ('[[step]]\ntitle = "a"\nscenario = "one-knife"\nview = "big"\n', "step 1: view:"),
        ('[[step]]\ntitle = "a"\nrecording = "nope.jsonl"\n', "recording: nope.jsonl does not"),
        ('[[step]]\ntitle = "a"\nscenario = "one-knife"\nspeed = 2\n', "unknown field 'speed'"),
        (
            '[[step]]\ntitle = "a"\nscenario = "one-knife"\nset = { cooks = 99 }\n',
            "step 1: set: cooks=99: expected an integer from 1–64",
        ),
        (
            '[[step]]\ntitle = "a"\nscenario = "one-knife"\nset = { portions = 9 }\n',
            "step 1: set: portions: not a parameter of one-knife; one-knife takes cooks",
        ),
        ('[[step]]\ntitle = "a"\nscenario = "one-knife"\nset = 3\n', "step 1: set: expected a"),
    ],
)
def test_bad_decks_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, expected: str
) -> None:
    f = tmp_path / "deck.toml"
    f.write_text(content)
    assert cli.main(["present", str(f)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err, err


def test_an_unknown_deck_name_lists_the_bundled_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["present", "no-such-deck"]) == 2
    assert "kitchen-tour" in capsys.readouterr().err


async def test_a_long_chart_does_not_swallow_the_next_step(tmp_path: Path) -> None:
    """PageDown is the chart's own paging outside a talk; in a talk it is always "next"."""
    talk = tmp_path / "talk.toml"
    talk.write_text(
        '[[step]]\ntitle = "Buffet"\nscenario = "buffet"\n'
        '[[step]]\ntitle = "Knife"\nscenario = "one-knife"\n'
    )
    app = deck_app(deck.load(talk))
    async with app.run_test(size=(100, 12)) as pilot:
        await pilot.pause()
        g = app.screen.query_one(Gantt)
        assert g.virtual_size.height > g.size.height  # the chart could page
        await pilot.press("pagedown")
        await pilot.pause()
        assert isinstance(app.screen, RunScreen) and "· 2/2 ·" in app.screen.caption[0]

    from tui.formats import recording

    store = recording.load(deck.RECORDINGS / "buffet.jsonl")
    app = CooklineApp(replay=store, clock=lambda: CLOCK, load=lambda: [], autoplay=False)
    async with app.run_test(size=(100, 12)) as pilot:
        await pilot.pause()
        await pilot.press("pagedown")
        await pilot.pause()
        assert app.screen.query_one(Gantt).scroll_y > 0  # no deck: the chart pages
