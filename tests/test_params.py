"""A teacher's controls: every scenario's parameters declared, checked and changed alike from
the command line, the tour and a deck."""

from __future__ import annotations

import multiprocessing.resource_tracker
from pathlib import Path

import pytest

from scenarios.kitchen.menu import BY_ID, SCENARIOS
from scenarios.kitchen.params import PARAMS, ParamError, declared, parse
from tests.apps import tour_app
from tests.conftest import wait_gone
from tui import cli
from tui.app.screens.run import RunScreen
from tui.app.screens.tour import TourScreen


def test_every_parameter_of_every_scenario_is_declared_and_its_default_in_bounds() -> None:
    for s in SCENARIOS:
        for p, default in declared(s):
            assert p.low <= default <= p.high, (s.id, p.name)
            assert p.meaning and p.meaning_ja
    used = {name for s in SCENARIOS for name in s.params}
    assert used == set(PARAMS)  # no knob declared that nothing takes


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("cooks=0", "cooks=0: expected an integer from 1–64"),
        ("cooks=2.5", "expected an integer"),
        ("cooks=lots", "expected an integer"),
        ("cooks=nan", "expected an integer"),
        ("work_ms=1e9", "work_ms=1e9: expected a number from 1–60000"),
        ("plates=3", "plates: not a parameter of one-knife; one-knife takes cooks (int 1–64"),
        ("cooks", "'cooks': expected NAME=VALUE; one-knife takes cooks"),
    ],
)
def test_a_bad_setting_is_one_line_naming_the_parameters(
    setting: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["run", "one-knife", "--headless", "--set", setting]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err and "Traceback" not in err


def test_settings_are_typed_and_reach_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    s = BY_ID["one-knife"]
    assert parse(s, ["cooks=2", "work_ms=1_000"]) == {"cooks": 2, "work_ms": 1000.0}
    with pytest.raises(ParamError):
        parse(BY_ID["abc-async"], ["cooks=2"])
    code = cli.main(
        ["run", "one-knife", "--headless", "--scale", "0.1", "--set", "cooks=2", "--width", "100"]
    )
    out = capsys.readouterr().out
    assert code == 0
    lanes = [line for line in out.split("┬")[0].splitlines() if "• Cook" in line]
    assert len(lanes) == 2  # two cooks, not the default three


def test_list_params_shows_each_knob(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["list", "--params", "one-core-vs-many", "--width", "140"]) == 0
    out = capsys.readouterr().out
    for name in ("unit", "processes", "threads", "scale"):
        assert name in out
    assert "cookline run one-core-vs-many --set" in out
    assert cli.main(["list", "--params", "no-such"]) == 2


async def test_the_tour_changes_parameters_before_enter(tmp_path: Path) -> None:
    multiprocessing.resource_tracker.ensure_running()
    app = tour_app()
    app.scale = 0.1
    async with app.run_test(size=(120, 40)) as pilot:
        tour = app.screen
        assert isinstance(tour, TourScreen)
        await pilot.press("down")  # abc-async: its unit
        await pilot.press("s")
        await pilot.press(*"unit=99")  # out of bounds: said, kept open
        await pilot.press("enter")
        assert "unit=99: expected a number from 0.01–10" in tour._problem
        await pilot.press("ctrl+u", *"unit=0.5")
        await pilot.press("enter")
        assert tour.settings == {"abc-async": {"unit": 0.5}} and not tour._problem
        story = str(tour.query_one("#tour-story").render())
        assert "--set unit=0.5" in story
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RunScreen)
        run = screen.source.run  # type: ignore[attr-defined]
        assert run.wait(30) is not None
        assert screen.store.header["params"]["unit"] == 0.5
    assert wait_gone(run.seen_pids) == []


def test_compare_and_table_take_cores_and_every_printing_command_headless(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tui.runs import verdict

    assert {p[3] for p in verdict.compare_plan("cpu", 1.0, 1)} == {1}
    assert {p[3] for p in verdict.compare_plan("cooks", 1.0)} == {None}
    rows = verdict.table_plan(1.0, 2)
    assert {p[3] for p in rows} == {1, 2} and "2 cores" in rows[1][0]
    assert cli.main(["list", "--headless"]) == 0
    for cmd in (["table", "--headless"], ["compare", "cpu", "--headless"]):
        capsys.readouterr()
        with pytest.raises(SystemExit) as stop:  # argparse's own usage error
            cli.main([*cmd, "--cores", "0"])
        assert stop.value.code == 2 and "--cores" in capsys.readouterr().err
