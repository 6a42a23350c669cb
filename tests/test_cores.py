"""The cores view draws how busy each core was: what its cells add up to is the measured CPU."""

from __future__ import annotations

import random
import subprocess
import sys
from array import array
from pathlib import Path

import pytest

from scenarios.wire import ActorDeclared, Kind, Record, State
from tests.conftest import DATA
from tui.formats import load
from tui.report import glyphs
from tui.trace import raster
from tui.trace.store import TraceStore
from tui.trace.summary import summarise

RECORDINGS = Path(__file__).parent.parent / "tui" / "recordings"
MS = 1_000_000


def drawn_busy(store: TraceStore, cells: int) -> float:
    """ns of core time the cores view draws over the whole run: each cell's eighths × width."""
    lo, hi = store.bounds()
    width = (hi - lo) / cells
    total = 0.0
    for core in store.cores():
        occ = raster.core_occupancy(store, core, lo, hi, cells)
        total += sum(glyphs.eighths(b) / 8 for b in occ.busy) * width
    return total


@pytest.mark.parametrize("name", ["one-knife", "two-kitchens"])
@pytest.mark.parametrize("cells", [30, 90, 400])
def test_drawn_cells_add_up_to_the_measured_cpu(name: str, cells: int) -> None:
    for folder in (DATA, RECORDINGS):
        store = load(str(folder / f"{name}.jsonl"))
        cpu = summarise(store).cpu
        assert abs(drawn_busy(store, cells) / cpu - 1) <= 0.15, (folder.name, name)


def test_sixteen_cooks_under_one_knife_leave_the_cores_half_idle() -> None:
    """Drawn at full height, both cores looked busy the whole run; the run's parallelism
    is under 1, and so is what the two core lanes add up to, cell for cell."""
    store = load(str(RECORDINGS / "many-cooks.jsonl"))
    s = summarise(store)
    assert s.parallelism < 1.1
    lo, hi = store.bounds()
    drawn = drawn_busy(store, 100) / (hi - lo)  # cores' worth of busy, over the run
    assert abs(drawn - s.parallelism) < 0.15
    full = [
        o >= 0 for c in store.cores() for o in raster.core_occupancy(store, c, lo, hi, 100).owners
    ]
    # the old picture: someone "there" in far more cells than the cores were busy
    assert sum(full) / len(full) > drawn / len(store.cores()) + 0.1


def _hopping(events: int, seed: int) -> TraceStore:
    """One cook switching state and core at random instants: ``events`` transitions."""
    rng = random.Random(seed)
    s = TraceStore()
    s.start_clock(0)
    proc, cook = 1 << 24, (1 << 24) | 1
    meta: list[Record] = [
        ActorDeclared(proc, Kind.PROCESS, 0, "Kitchen", 1, 0),
        ActorDeclared(cook, Kind.THREAD, proc, "Cook", 1, 11),
    ]
    t = 0
    ev = [(0, proc, State.RUNNING, 0, -1, 0)]
    for _ in range(events):
        state = rng.choice((State.RUNNING, State.RUNNING, State.READY, State.WAITING))
        ev.append((t, cook, state, 0, rng.choice((0, 1)), 0))
        t += rng.randrange(1, 2000)
    ev.append((t, cook, State.DONE, 0, -1, 0))
    s.ingest(array("q", [x for e in ev for x in e]), meta)
    return s


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("cells", [1, 7, 50])
def test_each_cell_holds_the_time_the_spans_ran_there(seed: int, cells: int) -> None:
    """Span by span, by hand: each cell's busy share, in the whole run and in a window
    that cuts spans at both ends."""
    store = _hopping(3_000, seed)
    lo, hi = store.bounds()
    for start, end in ((lo, hi), (lo + (hi - lo) // 3, lo + (hi - lo) // 2)):
        width = (end - start) / cells
        for core in (0, 1):
            occ = raster.core_occupancy(store, core, start, end, cells)
            runs = _spans_on(store, core)
            for k, busy in enumerate(occ.busy):
                a, b = start + k * width, start + (k + 1) * width
                truth = sum(max(0.0, min(b, e) - max(a, s)) for s, e in runs)
                assert abs(busy * width - truth) < 2, (core, k)
                assert (occ.owners[k] >= 0) == (truth > 0)


def _spans_on(store: TraceStore, core: int) -> list[tuple[int, int]]:
    cook = next(a for a in store.actors if a.kind == Kind.THREAD)
    return [
        (s.start, s.end) for s in store.spans(cook) if s.state == State.RUNNING and s.core == core
    ]


def test_a_replay_future_is_not_drawn() -> None:
    store = load(str(DATA / "two-kitchens.jsonl"))
    lo, hi = store.bounds()
    mid = (lo + hi) // 2
    for core in store.cores():
        occ = raster.core_occupancy(store, core, lo, hi, 40, open_end=mid)
        assert all(b == 0 for b in occ.busy[21:]), core


def _headless(*extra: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "tui", "replay", *extra, "--headless", "--width", "110"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_headless_views() -> None:
    cores = _headless(str(DATA / "two-kitchens.jsonl"), "--view", "cores")
    lanes = [line for line in cores.splitlines() if line.startswith("▤ core")]
    assert len(lanes) == 2 and all(set(glyphs.BUSY[1:]) & set(line) for line in lanes)
    assert glyphs.BUSY_WORDS in cores and "Kitchen 1" in cores  # the key says who is who
    tasks = _headless(str(DATA / "potato-salad.jsonl"), "--view", "coroutines")
    chart = tasks.split("┬")[0]  # the lanes, above the axis (the table has │ too)
    rows = [line.split("│")[0] for line in chart.splitlines() if "│" in line]
    assert rows and all("◦" in r or "loop" in r for r in rows)
    threads = _headless(str(DATA / "potato-salad.jsonl"), "--view", "threads")
    assert "◦" not in threads.split("wall")[0]
