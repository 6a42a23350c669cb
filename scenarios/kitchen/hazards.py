"""The podcast's two kitchen accidents: a deadlock over the cutting board and the sink, and a
race over one frying pan.
"""

from __future__ import annotations

import sys
import threading
from contextlib import suppress

from scenarios import probe
from scenarios.kitchen.names import ja
from scenarios.kitchen.units import unit_of

# -- carrots-and-sink -------------------------------------------------------------------------


def _cook(
    first: probe.Lock, second: probe.Lock, work: str, ms: float, met: threading.Barrier
) -> None:
    with first:
        me = threading.current_thread().name
        probe.cue(
            f"{me} takes {first.name} for {work}", f"{ja(me)}が{ja(first.name)}を取って{ja(work)}"
        )
        probe.cpu_work(ms, work)
        # both hold their first utensil before either reaches for the second: the trap is set
        with probe.waiting("join", "the other cook"), suppress(threading.BrokenBarrierError):
            met.wait(timeout=5 * ms / 1000 + 1)
        with second:
            probe.cpu_work(ms, f"{work} with {second.name}")


def _carrots(params: dict[str, float], fixed: bool) -> None:
    probe.rename("Head cook")
    ms = 200 * unit_of(params)
    board, sink = probe.Lock("the cutting board"), probe.Lock("the sink")
    met = threading.Barrier(2) if not fixed else threading.Barrier(1)
    if fixed:
        probe.cue(
            "Both cooks take the cutting board first, then the sink: one order, no deadlock",
            "二人ともまずまな板、次にシンク：取る順番を一つに決めればデッドロックは起きない",
        )
        a = probe.Thread(_cook, "Carrot cook", (board, sink, "cutting carrots", ms, met))
        b = probe.Thread(_cook, "Sink cook", (board, sink, "scrubbing the sink", ms, met))
    else:
        probe.cue(
            "One cook holds the cutting board and waits for the sink; the other holds the sink "
            "and waits for the cutting board",
            "一人はまな板を持ってシンクを待ち、もう一人はシンクを持ってまな板を待つ",
        )
        a = probe.Thread(_cook, "Carrot cook", (board, sink, "cutting carrots", ms, met))
        b = probe.Thread(_cook, "Sink cook", (sink, board, "scrubbing the sink", ms, met))
    a.start()
    b.start()
    a.join()
    b.join()
    probe.cue("Both dishes are done", "両方の料理ができた")


def run_carrots_and_sink(params: dict[str, float]) -> None:
    _carrots(params, fixed=False)


def run_carrots_and_sink_fixed(params: dict[str, float]) -> None:
    _carrots(params, fixed=True)


# -- frying-pan -------------------------------------------------------------------------------


class _Pan:
    """One frying pan and a count of the portions in it."""

    def __init__(self) -> None:
        self.portions = 0


def _plus_one(n: int) -> int:
    return n + 1


def _fry(pan: _Pan, portions: int, lock: threading.Lock | None) -> None:
    for k in range(portions):
        if lock is not None:
            with lock:
                pan.portions = _plus_one(pan.portions)
        else:
            # read, add one, write back. The call in between is where CPython may switch
            # threads (3.11 checks for a switch on calls and loop jumps, not between
            # plain bytecodes): a switch there and the other cook's portion is overwritten.
            pan.portions = _plus_one(pan.portions)
        if k % 2000 == 1999:
            probe.checkpoint("frying")  # closes the stretch: time without the GIL shows ready


def _frying(params: dict[str, float], locked: bool) -> None:
    probe.rename("Head cook")
    portions = int(params.get("portions", 200_000) * params.get("scale", 1.0))
    pan = _Pan()
    # a plain lock: a recorded one would send two messages a portion
    lock = threading.Lock() if locked else None
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch as often as CPython allows, so the race shows
    probe.value("switch_interval_s", 1e-6)
    probe.cue(
        f"The knife now changes hands every 1 µs (CPython's default is {old * 1e3:g} ms), so the"
        " race shows in every run. That is faster than Cookline's ~1 ms chunks can follow: the"
        " lanes overlap on paper, and the CPU time counts the waiting cook's CPU spent asking"
        " for the knife (parallelism above 1 under one GIL)",
        f"包丁は1 µsごとに持ち替えられる（CPythonの既定は{old * 1e3:g} ms）ので、競合は毎回起きる。"
        "これはCookline の約1 msの区切りより速く、レーンは見かけ上重なり、CPU時間には"
        "包丁を待つコックがそれを求めて使ったCPUも入る（GILが一つでも並列度が1を超える）",
    )
    try:
        if locked:
            probe.cue(
                "Each cook takes the pan's lock before adding a portion",
                "各コックはフライパンのロックを取ってから一人前を入れる",
            )
        else:
            probe.cue(
                "Two cooks add portions to one pan without a lock: read, add one, write back",
                "二人のコックがロックなしで一つのフライパンに入れる：読んで、足して、書き戻す",
            )
        cooks = [probe.Thread(_fry, f"Cook {c}", (pan, portions, lock)) for c in ("A", "B")]
        for c in cooks:
            c.start()
        for c in cooks:
            c.join()
    finally:
        sys.setswitchinterval(old)
    lost = 2 * portions - pan.portions
    probe.value("expected", 2 * portions)
    probe.value("counted", pan.portions)
    probe.value("lost_updates", lost)
    probe.cue(
        f"{2 * portions:,} portions went in, {pan.portions:,} are in the pan: {lost:,} lost",
        f"{2 * portions:,}人前を入れて、フライパンには{pan.portions:,}人前：{lost:,}人前が消えた",
    )
    if not locked:
        _default_trials(portions, old)


TRIALS = 3
"""Runs of the same race at CPython's own switch interval, shown beside the 1 µs one."""


def _default_trials(portions: int, interval: float) -> None:
    """The same two cooks at the default switch interval, a few times: the race is still
    there but shows only sometimes (measured here: 0, 92 k and 0 portions lost in three)."""
    lost = []
    for trial in range(1, TRIALS + 1):
        pan = _Pan()
        cooks = [
            probe.Thread(
                _fry, f"Cook {c} · trial {trial} at {interval * 1e3:g} ms", (pan, portions, None)
            )
            for c in ("A", "B")
        ]
        for c in cooks:
            c.start()
        for c in cooks:
            c.join()
        lost.append(2 * portions - pan.portions)
        probe.value(f"lost_at_default_{trial}", lost[-1])
    said = ", ".join(f"{n:,}" for n in lost)
    probe.cue(
        f"At the default {interval * 1e3:g} ms interval, {TRIALS} more races lost {said} portions:"
        " the race is always there, it shows only sometimes",
        f"既定の{interval * 1e3:g} msでもう{TRIALS}回：消えたのは{said}人前。"
        "競合はいつもそこにあり、見えるのがときどきなだけ",
    )


def run_frying_pan(params: dict[str, float]) -> None:
    _frying(params, locked=False)


def run_frying_pan_locked(params: dict[str, float]) -> None:
    _frying(params, locked=True)
