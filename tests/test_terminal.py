"""End to end in a real terminal: tmux runs Cookline as a person would.

After each step the chart captured from the screen is compared, lane by lane and tick by tick,
with the headless renderer's picture of the same recording at the same chart width and the same
window; Escape and ``q`` must leave with status 0 and no traceback, and no process behind.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import psutil
import pytest

from tests.conftest import wait_gone
from tests.terminal import HAVE_TMUX, Chart, Terminal, expected_axis, expected_rows
from tui.formats import deck, recording
from tui.trace.lanes import lanes_for
from tui.trace.timeline import Timeline

pytestmark = pytest.mark.skipif(not HAVE_TMUX, reason="tmux is not installed")

ROOT = Path(__file__).resolve().parent.parent
RECORDINGS = sorted((ROOT / "tui" / "recordings").glob("*.jsonl"))
SIZES = [(80, 24), (120, 40), (200, 50)]


def _assert_chart(  # type: ignore[no-untyped-def]
    term: Terminal,
    store,
    start: int,
    end: int,
    now: int | None,
    view: str = "threads",
    lang: str = "en",
) -> Chart:
    screen = term.wait_quiet()
    chart = Chart(screen.split("\n"))
    lo = store.bounds()[0]
    marks, labels = expected_axis(start, end, chart.cells, lo)
    assert chart.marks == marks, f"axis marks differ:\n{screen}"
    assert chart.labels == labels.ljust(chart.cells)[: chart.cells], (
        f"axis labels differ:\n{screen}"
    )
    lanes = lanes_for(store, view)[: len(chart.rows)]
    assert chart.rows, f"no lanes on screen:\n{screen}"
    want = expected_rows(store, lanes, start, end, chart.cells, chart.name_width, now, lang)
    for got, exp in zip(chart.rows, want, strict=True):
        assert got == exp, f"lane differs\n got {got}\nwant {exp}\nscreen:\n{screen}"
    return chart


def _end_of_replay(term: Terminal) -> None:
    term.wait_for("Quit")
    term.keys("]", "]", "]", pause=0.05)  # 8×: the test waits less, the picture is the same
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        header = term.lines()[0]
        if "paused" in header or ("COMPARISON" in header and "REPLAY" not in header):
            return
        time.sleep(0.1)
    raise AssertionError(f"the replay never ended:\n{term.screen()}")


def _quit(term: Terminal) -> None:
    term.keys("q")
    assert term.wait_exit() == 0
    assert "Traceback" not in term.screen()


def _start_many(args_list: list[list[str]], size: tuple[int, int]) -> list[Terminal]:
    return [Terminal(args, *size) for args in args_list]


@pytest.mark.parametrize("batch", range(4))
def test_every_bundled_recording_replays_as_the_headless_view_draws_it(batch: int) -> None:
    """Each bundled recording played to its end at 120×40: every lane and tick on screen is the
    headless picture of the same window; the coroutines view says something; q leaves."""
    files = RECORDINGS[batch::4]
    terms = _start_many([["replay", str(f)] for f in files], (120, 40))
    try:
        for term, f in zip(terms, files, strict=True):
            store = recording.load(f)
            lo, hi = store.bounds()
            _end_of_replay(term)
            _assert_chart(term, store, lo, max(hi, lo + 1), hi)
            term.keys("a")
            screen = term.wait_quiet()
            assert "│" in screen or "no asyncio tasks" in screen, screen
            _quit(term)
    finally:
        for term in terms:
            term.close()


def test_cores_view_played_through_is_the_picture_of_the_whole_run() -> None:
    """Watched in the cores view from the first frame to the end, the cells the app kept from
    frame to frame are the ones a fresh look at the finished run draws."""
    files = [ROOT / "tui" / "recordings" / f"{n}.jsonl" for n in ("many-cooks", "two-kitchens")]
    terms = _start_many([["replay", str(f)] for f in files], (120, 30))
    try:
        for term, f in zip(terms, files, strict=True):
            term.wait_for("Quit")
            term.keys("c")
            store = recording.load(f)
            lo, hi = store.bounds()
            _end_of_replay(term)
            chart = _assert_chart(term, store, lo, max(hi, lo + 1), hi, view="cores")
            assert len(chart.rows) == len(store.cores())
            _quit(term)
    finally:
        for term in terms:
            term.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_zoom_pan_resize_and_help_keep_axis_and_lanes_one_window(size: tuple[int, int]) -> None:
    """Zoom in three times and pan right: the axis labels move with the lanes (they used to stay
    at 0 … 100 ms); a resize and the help panel change the width of both together."""
    f = ROOT / "tui" / "recordings" / "one-knife.jsonl"
    store = recording.load(f)
    lo, hi = store.bounds()
    with Terminal(["replay", str(f)], *size) as term:
        _end_of_replay(term)
        tl = Timeline(follow=False, position=hi)
        for _ in range(3):
            term.keys("+")
            tl.zoom(0.5, lo, hi, hi)
        term.keys("Right")
        tl.pan(0.2, lo, hi, hi)
        start, end = tl.window(lo, hi, hi)
        chart = _assert_chart(term, store, start, end, hi)
        assert chart.labels.strip().split()[0] != "0", "the axis still starts at 0"
        for _ in range(80):  # zooming out stops at the whole run
            tl.zoom(2, lo, hi, hi)
        term.keys(*["-"] * 30, pause=0.02)
        start, end = tl.window(lo, hi, hi)
        assert (start, end) == (lo, hi)
        _assert_chart(term, store, start, end, hi)
        w, h = size
        term.resize(w + 30, h + 6)
        time.sleep(0.5)
        wide = _assert_chart(term, store, start, end, hi)
        term.resize(w, h)
        time.sleep(0.5)
        narrow = _assert_chart(term, store, start, end, hi)
        assert wide.cells > narrow.cells
        term.keys("?")
        time.sleep(0.5)
        _assert_chart(term, store, start, end, hi)  # the key list beside: still one window
        assert "▒▒ ready" in term.screen(), "the legend is gone"
        _quit(term)


START_SCREENS = [
    ["replay", "tui/recordings/abc-async.jsonl"],
    ["run", "abc-async", "--scale", "0.3"],
    ["present", "kitchen-tour", "--replay-only"],
    ["run", "one-knife", "--scale", "0.5"],
    [],
]


@pytest.mark.parametrize("args", START_SCREENS, ids=lambda a: " ".join(a[:2]) or "tour")
def test_escape_from_any_first_screen_reaches_the_tour(args: list[str]) -> None:
    """Escape on a screen the app started on (not reached from the tour) used to crash."""
    with Terminal(args, 100, 30) as term:
        term.wait_for("Quit")
        time.sleep(0.5)
        term.keys("Escape")
        screen = term.wait_for("ORDERS A, B, C")
        assert "Cookline" in screen
        pid = term.pane_pid()
        tree = {p.pid for p in psutil.Process(pid).children(recursive=True)}
        _quit(term)
        assert wait_gone({p for p in tree if _is_cookline(p)}) == []


def test_live_run_matches_its_recording_and_quit_keeps_a_partial_one(tmp_path: Path) -> None:
    """A live run at 80×24 ends drawn as its own recording is drawn headless; a second run
    quit half-way with q still writes what it had, and says where."""
    out = tmp_path / "run.jsonl"
    with Terminal(["run", "abc-async", "--scale", "0.3", "--record", str(out)], 80, 24) as term:
        term.wait_for("ENDED", within=40)
        time.sleep(0.5)
        store = recording.load(out)
        lo, hi = store.bounds()
        _assert_chart(term, store, lo, max(hi, lo + 1), None)
        term.keys("c")
        assert "core 0" in term.wait_for("core 0")
        _quit(term)
    part = tmp_path / "part.jsonl"
    args = ["run", "potato-salad", "--scale", "2", "--record", str(part)]
    with Terminal(args, 80, 24) as term:
        term.wait_for("LIVE")
        time.sleep(1.0)
        term.keys("q")
        assert term.wait_exit() == 0
        assert "recorded" in term.screen() and str(part) in term.screen().replace("\n", "")
    assert recording.load(part).events > 0


def test_present_mode_steps_language_and_again() -> None:
    """A talk: three steps, each drawn as its recording; l turns the caption Japanese and it
    stays so on the next step; r replays and keeps present mode; Escape reaches the tour."""
    d = deck.load(deck.find("kitchen-tour"))
    with Terminal(["present", "kitchen-tour", "--replay-only"], 120, 40) as term:
        term.wait_for(d.title)
        for k in range(3):
            step = d.steps[k]
            term.wait_for(f"{k + 1}/{len(d.steps)}")
            lang = "ja" if k == 2 else "en"  # l is pressed on the second step
            term.wait_for("一時停止" if lang == "ja" else "paused", within=40)
            source = step.source(True)
            assert source is not None
            store = recording.load(source)
            lo, hi = store.bounds()
            _assert_chart(term, store, lo, max(hi, lo + 1), hi, step.view, lang)
            if k == 1:
                term.keys("l")
                term.wait_for(d.title_ja)
            if k < 2:
                term.keys("NPage")
        assert d.title_ja in term.wait_for(d.steps[2].title_ja or d.steps[2].title)
        term.keys("r")
        time.sleep(0.5)
        assert f"3/{len(d.steps)}" in term.screen(), "r dropped present mode"
        term.keys("Escape")
        term.wait_for("Cookline")
        _quit(term)


def test_compare_opens_labelled_as_a_comparison() -> None:
    with Terminal(["compare", "io", "--scale", "0.3"], 120, 40) as term:
        screen = term.wait_for("COMPARISON", within=60)
        assert "paused" not in screen.split("\n")[0]
        term.keys("Escape")
        term.wait_for("ORDERS A, B, C")
        _quit(term)


def test_sigterm_gives_the_terminal_back() -> None:
    """A kill (SIGTERM) quits as q does: alternate screen and mouse reporting off."""
    with Terminal(["replay", "tui/recordings/one-knife.jsonl"], 100, 30) as term:
        term.wait_for("REPLAY")
        assert term.tmux("display-message", "-p", "#{alternate_on}").strip() == "1"
        app = [
            p
            for p in psutil.Process(term.pane_pid()).children(recursive=True)
            if _is_cookline(p.pid)
        ]
        assert app
        os.kill(app[0].pid, signal.SIGTERM)
        term.wait_exit()
        flags = term.tmux(
            "display-message", "-p", "#{alternate_on} #{mouse_any_flag} #{mouse_sgr_flag}"
        )
        assert flags.split() == ["0", "0", "0"], flags
        assert "Traceback" not in term.screen()


@pytest.mark.parametrize("size", [(40, 12), (50, 16), (80, 24), (200, 50)], ids=str)
def test_tour_at_any_size(size: tuple[int, int]) -> None:
    """The tour at 40 columns used to crash; Home keeps the first heading in view."""
    with Terminal([], *size) as term:
        term.wait_for("Cookline")
        term.keys("End", "Home")
        screen = term.wait_for("ORDERS A, B, C")
        assert "abc-sequential" in screen or size[0] < 60
        _quit(term)


def _is_cookline(pid: int) -> bool:
    try:
        return "tui" in psutil.Process(pid).cmdline()
    except psutil.Error:
        return False


@pytest.mark.parametrize(
    "args", [["replay", "tui/recordings/many-cooks.jsonl"], ["run", "one-knife", "--scale", "3"]]
)
def test_a_closed_terminal_leaves_no_process(args: list[str]) -> None:
    """The terminal goes away while the screen is busy drawing (tmux killed: SIGHUP): the app
    and its workers go too. Textual's own exit blocked for ever on its writer's full queue."""
    term = Terminal(args, 200, 50)
    try:
        term.wait_for("Quit")
        term.keys("[", "[", "+", "-", "+", pause=0.02)  # keep it redrawing
        tree = {p.pid for p in psutil.Process(term.pane_pid()).children(recursive=True)}
        assert any(_is_cookline(p) for p in tree)
    finally:
        term.close()
    assert wait_gone({p for p in tree if "sleep" not in " ".join(_cmdline(p))}, 10) == []


def _cmdline(pid: int) -> list[str]:
    try:
        return psutil.Process(pid).cmdline()
    except psutil.Error:
        return []
