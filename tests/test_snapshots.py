"""Pictures of the app from fixture recordings: look at each one before accepting it."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from tests.apps import deck_app, replay_app, tour_app
from tui.app.screens.run import RunScreen

SnapCompare = Callable[..., bool]
"""pytest-textual-snapshot's fixture: compare the app's picture with the accepted one."""


def test_tour(snap_compare: SnapCompare) -> None:
    """The tour: scenarios grouped by lesson, the first highlighted, its story on the right."""
    assert snap_compare(tour_app(), terminal_size=(120, 34))


def test_threads_view_of_one_knife(snap_compare: SnapCompare) -> None:
    """Three cooks alternate running (solid) and ready (hatched) under one kitchen."""
    assert snap_compare(replay_app("one-knife"), terminal_size=(120, 30))


def test_cores_view_of_two_kitchens(snap_compare: SnapCompare) -> None:
    """Two cores, each busy with a different kitchen's cook at the same time."""
    assert snap_compare(replay_app("two-kitchens"), press=["c"], terminal_size=(120, 30))


def test_coroutines_view_of_potato_salad(snap_compare: SnapCompare) -> None:
    """The microwave task waits while the mayonnaise task runs, under the loop's thread."""
    assert snap_compare(replay_app("potato-salad"), press=["a"], terminal_size=(120, 30))


def test_paused_cursor_with_readout(snap_compare: SnapCompare) -> None:
    """After stepping 12 events, the cursor column and each lane's state at that instant."""
    assert snap_compare(replay_app("one-knife"), press=["n"] * 12, terminal_size=(120, 30))


def test_narration_mid_scenario(snap_compare: SnapCompare) -> None:
    """Replay stopped halfway: lanes drawn up to the replay clock, narration up to then."""

    async def halfway(pilot: Pilot[int]) -> None:
        await pilot.pause()  # the run screen is the app's first: let it mount
        screen = pilot.app.screen
        assert isinstance(screen, RunScreen)
        lo, hi = screen.store.bounds()
        screen.timeline.position = (lo + hi) // 2
        screen._refresh(force=True)
        await pilot.pause()

    assert snap_compare(
        replay_app("abc-async"), press=["a"], run_before=halfway, terminal_size=(120, 30)
    )


def test_failed_actor(snap_compare: SnapCompare) -> None:
    """Cook B's lane ends in the failed mark and the banner names the failure."""
    assert snap_compare(replay_app("burnt-dish"), terminal_size=(120, 30))


def test_small_terminal(snap_compare: SnapCompare) -> None:
    """40x12: the side panel gives way and the lanes still show."""
    assert snap_compare(replay_app("one-knife"), terminal_size=(40, 12))


def test_large_terminal(snap_compare: SnapCompare) -> None:
    """200x50: wider cells, the same story."""
    assert snap_compare(replay_app("one-knife"), terminal_size=(200, 50))


def test_present_mode(snap_compare: SnapCompare) -> None:
    """A talk's step: the step caption first in the header, lanes two lines tall on black."""
    from tui.formats import deck

    talk = deck.load(deck.find("kitchen-tour"))
    app = deck_app(talk)
    assert snap_compare(app, press=["pagedown"] * 5, terminal_size=(120, 30))


def test_cores_view_of_one_knife(snap_compare: SnapCompare) -> None:
    """Under one knife the two cores are each busy part of a cell (a cell's height is its
    busy share) and the key under them says which colour is which cook."""
    assert snap_compare(replay_app("one-knife"), press=["c"], terminal_size=(120, 30))


def test_japanese_screen(snap_compare: SnapCompare) -> None:
    """`--lang ja`: the failed cook's banner, the lanes' names, the legend, the figures and
    the key bar in Japanese; ids, Python names and units as typed."""
    assert snap_compare(replay_app("burnt-dish", lang="ja"), terminal_size=(120, 30))


def test_japanese_tour(snap_compare: SnapCompare) -> None:
    """The tour in Japanese: its chapters, titles, lesson and parameters."""
    assert snap_compare(tour_app(lang="ja"), terminal_size=(120, 34))
