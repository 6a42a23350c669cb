"""The run screen's text as pure functions of a hand-made store: no app, no terminal."""

from __future__ import annotations

from rich.console import Console

from scenarios.wire import Kind, Reason, State
from tui.app import panels
from tui.app.panels import Moment
from tui.trace.lanes import lanes_for
from tui.trace.store import TraceStore
from tui.trace.timeline import Timeline

MS = 1_000_000


def _kitchen() -> TraceStore:
    """Cook A chops 0-40 ms on core 1 and is done; Cook B sleeps, then fails at 30 ms."""
    s = TraceStore({"scenario": "hand-made", "title": "Two cooks", "title_ja": "二人のコック"})
    k = s.declare("kitchen", Kind.PROCESS, "Kitchen")
    a = s.declare("a", Kind.THREAD, "Cook A", parent=k)
    b = s.declare("b", Kind.THREAD, "Cook B", parent=k)
    s.add_state(k, 0, State.RUNNING)
    s.add_state(a, 0, State.RUNNING, core=1, label=s.label("chop"))
    s.add_state(a, 40 * MS, State.DONE)
    s.add_state(b, 0, State.WAITING, Reason.SLEEP)
    s.add_state(b, 30 * MS, State.FAILED)
    s.add_state(k, 40 * MS, State.DONE)
    s.add_error(30 * MS, b, "Traceback …\nValueError: burnt")
    s.add_cue(0, a, "the cooks start", "コックが始める")
    s.add_cue(35 * MS, a, "B burnt the dish", "Bが焦がした")
    s.end_run("failed", "the scenario failed: ValueError: burnt", 1)
    return s


def _replay(now: int) -> Moment:
    return Moment(now, live=False, growing=False)


def test_the_header_says_where_the_clock_is_and_gives_way_on_a_narrow_terminal() -> None:
    s, tl = _kitchen(), Timeline(follow=False, position=20 * MS)
    wide = panels.header(s, _replay(20 * MS), tl, "threads").plain
    assert "hand-made" in wide and "Two cooks" in wide and "REPLAY 1× paused 20.0 ms" in wide
    narrow = panels.header(s, _replay(20 * MS), tl, "threads", width=40).plain
    assert "REPLAY 1× paused 20.0 ms" in narrow and "Two cooks" not in narrow
    live = panels.header(s, Moment(20 * MS, live=True, growing=True), Timeline(), "cores").plain
    assert "LIVE 20.0 ms" in live and "cores" in live
    ja = panels.header(s, Moment(0, False, False, "ja"), tl, "threads").plain
    assert "二人のコック" in ja


def test_the_banner_tells_a_failure_only_once_the_clock_has_reached_it() -> None:
    s = _kitchen()
    assert panels.banner(s, _replay(20 * MS)) is None
    told = panels.banner(s, _replay(40 * MS))
    assert told is not None
    assert told.plain.splitlines() == [
        "× failed: the scenario failed: ValueError: burnt",
    ]
    mid = panels.banner(s, _replay(30 * MS))  # B has failed, the run has not ended yet
    assert mid is not None and mid.plain.splitlines() == [
        "× failed: Cook B",
        "  Cook B: ValueError: burnt",
    ]


def test_the_readout_names_each_lanes_state_at_the_cursor() -> None:
    s = _kitchen()
    lanes = lanes_for(s, "threads")
    assert panels.readout(s, lanes, None, None, None).plain == panels.NO_CURSOR
    at = panels.readout(s, lanes, 10 * MS, 1, None).plain.splitlines()
    assert at[0] == "cursor 10.0 ms"
    assert at[2] == "▶Cook A       running core 1 “chop”"
    assert at[3] == " Cook B       waiting (sleep)"
    future = panels.readout(s, lanes, 10 * MS, None, 5 * MS).plain.splitlines()
    assert future[2] == " Cook A       …"  # a replay does not tell what comes after its clock


def test_narration_tells_what_was_said_by_now_newest_last_and_in_the_language() -> None:
    s, console = _kitchen(), Console(width=40)
    early = panels.narration(s, _replay(10 * MS), console, 40).plain
    assert "the cooks start" in early and "burnt" not in early
    late = panels.narration(s, Moment(40 * MS, False, False, "ja"), console, 40).plain
    assert late.splitlines()[-1].endswith("Bが焦がした")
    short = panels.narration(s, _replay(40 * MS), console, 40, room=2).plain
    assert "the cooks start" not in short and "B burnt the dish" in short  # older gives way


def test_the_figures_count_only_what_had_happened_by_the_clock() -> None:
    s = _kitchen()
    half = panels.stats(s, _replay(20 * MS), moving=True).plain
    assert "wall 20.0 ms" in half and "CPU  20.0 ms" in half and "events 3" in half
    whole = panels.stats(s, Moment(0, live=True, growing=False), moving=False).plain
    assert "CPU  40.0 ms" in whole and "most at once 1" in whole and f"events {s.events}" in whole
    assert "machine load" in panels.meters([25.0]).plain
