"""Where the source texts are half right, measured on real runs: a wait puts the knife down but
waking needs it back (oven-bell), and C code that releases the GIL runs threads at once
(food-processor). Bounds are ratios that hold on a loaded 2-core machine."""

from __future__ import annotations

from scenarios.kitchen import expect
from scenarios.wire import Reason, State
from tests.conftest import Finished, Kitchen, parallel, values
from tui.trace.summary import summarise


def _times(done: Finished, name: str) -> tuple[int, int, int]:
    row = next(a for a in summarise(done.store).actors if a.actor.name == name)
    return row.running, row.ready, row.waiting


def test_short_waits_beside_a_chopping_cook_wait_for_the_knife_after_each_bell(
    kitchen: Kitchen,
) -> None:
    done = kitchen("oven-bell")
    assert done.result.ok, done.result.message
    v = values(done.store)
    assert v["switch_interval_s"] > 0  # said on screen, beside the figures
    _, alone_ready, alone_wait = _times(done, "Bell cook, alone")
    _, beside_ready, beside_wait = _times(done, "Bell cook, beside the chopper")
    assert alone_ready < alone_wait  # alone, a bell is answered at once
    if expect.gil_enabled():
        # beside the chopper, each bell is followed by ready: the knife is to be taken back
        parallel(beside_ready > beside_wait, f"ready {beside_ready} vs waiting {beside_wait}")
        parallel(v["ratio"] >= 2, f"bells took {v['ratio']:.1f}x as long beside the chopper")
        cook = done.store.by_name("Bell cook, beside the chopper")
        after_bell = sum(
            1
            for k in range(1, len(cook))
            if cook.state[k] == State.READY
            and cook.state[k - 1] == State.WAITING
            and cook.reason[k - 1] == Reason.SLEEP
        )
        assert after_bell >= 10, after_bell  # the ready follows the bell, lane by lane


def test_c_code_that_releases_the_gil_runs_threads_of_one_kitchen_at_once(
    kitchen: Kitchen,
) -> None:
    done = kitchen("food-processor")
    assert done.result.ok, done.result.message
    s = summarise(done.store)
    cooks = [a for a in s.actors if a.actor.name.startswith("Cook")]
    assert len(cooks) == 2 and all(c.running > 3 * c.ready for c in cooks)
    parallel(s.parallelism > 1.4 and s.max_running == 2, f"parallelism {s.parallelism:.2f}")
