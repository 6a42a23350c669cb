"""``python -m benchmarks soak --minutes N [--rate R]``: the app fed a live stream for minutes.

A live run of 40 cooks streams ``R`` events a second (100 k by default) into the run screen,
in the shape real workers send (every 20 ms each thread flushes one batch of its own events),
through the store's own door (``TraceStore.ingest``), with the app drawing at its own rate.
Every 10 s it reads: the process's RSS, the events held and the store's bytes for them, the
delivery lag (the newest event's age when its batch was stored), the time to draw every row
of the chart for the live window, and the UI's share of a core (the feeder's making of the
batches left out: that is the workers' work). What it checks, from those readings:

- memory: RSS growth stays within the store's bytes per event × events, plus a fixed margin;
- lag: the worst delivery lag stays under 200 ms;
- frames: the median frame of the last minute is within 1.5× that of the first.

A live run stops at the store's cap (``MAX_EVENTS``); the soak says when it passed it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.frames import LANES, SIZE, Feeder, synthetic
from benchmarks.recordings import store_bytes
from tui.app.cookline import CooklineApp
from tui.app.widgets.gantt import Gantt
from tui.trace.store import MAX_EVENTS

EVERY = 10.0
"""Seconds between readings."""
MARGIN = 200 * 2**20
"""RSS the app may grow by beyond its events' bytes: Textual's caches, the interpreter's heap."""


@dataclass
class Reading:
    at: float
    """Seconds since the stream started."""
    rss: int
    events: int
    held: int
    """The store's own bytes: its arrays as allocated, prefix sums included."""
    lag_ms: float
    frame_ms: float
    ui_share: float
    """The UI process's CPU over the last interval, as a share of one core."""


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _frame(gantt: Gantt) -> float:
    """Every row of the chart drawn for the live window as it is now (ms): its strips made
    again (the live screen has just drawn them, so reading them back would time the cache),
    its lanes' settled cells kept, as a live frame keeps them."""
    gantt._cache.clear()
    t = time.perf_counter()
    for y in range(gantt.size.height):
        gantt.render_line(y)
    return (time.perf_counter() - t) * 1e3


async def soak(minutes: float, rate: int, say: Callable[[Reading], None]) -> list[Reading]:
    from tui.app.screens.run import RunScreen
    from tui.app.sources import Fed

    store = synthetic(LANES, LANES * 2)
    store.start_clock(time.monotonic_ns() - store.bounds()[1])
    app = CooklineApp(load=lambda: [0.0, 0.0])
    readings: list[Reading] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.push_screen(RunScreen(Fed(store), app.host))
        await pilot.pause()
        gantt = app.screen.query_one(Gantt)
        feeder = Feeder(store, rate)
        start = time.perf_counter()
        feeder.start()
        cpu_mark, making_mark, wall_mark = time.process_time(), 0.0, start
        worst_lag = 0
        while time.perf_counter() - start < minutes * 60:
            until = time.perf_counter() + EVERY
            while time.perf_counter() < until:
                await asyncio.sleep(0.05)  # the app runs on its own meanwhile
                worst_lag = max(worst_lag, store.lag)
            cpu, making, wall = time.process_time(), feeder.making, time.perf_counter()
            share = (cpu - cpu_mark - (making - making_mark)) / (wall - wall_mark)
            cpu_mark, making_mark, wall_mark = cpu, making, wall
            with store.lock:
                held = store_bytes(store)
            lag_ms = worst_lag / 1e6
            r = Reading(wall - start, _rss(), store.events, held, lag_ms, _frame(gantt), share)
            worst_lag = 0
            readings.append(r)
            say(r)
        feeder.halt.set()
        feeder.join()
    return readings


def verdict(readings: list[Reading], report: Callable[[str, str, str, bool], None]) -> None:
    first, last = readings[0], readings[-1]
    growth, held = last.rss - first.rss, last.held - first.held
    events = last.events - first.events
    report(
        "soak: memory",
        f"RSS +{growth / 2**20:,.0f} MB for {events:,} events; the store's bytes for them"
        f" +{held / 2**20:,.0f} MB ({held / max(1, events):.0f} B an event)",
        f"<= the store's bytes + {MARGIN // 2**20} MB",
        growth <= held + MARGIN,
    )
    lag = max(r.lag_ms for r in readings)
    report("soak: delivery lag", f"worst {lag:.0f} ms", "< 200 ms", lag < 200)
    per_minute = max(1, int(60 / EVERY))
    head = statistics.median(r.frame_ms for r in readings[:per_minute])
    tail = statistics.median(r.frame_ms for r in readings[-per_minute:])
    report(
        "soak: frame time",
        f"first minute {head:.1f} ms, last minute {tail:.1f} ms ({tail / head:.2f}x)",
        "last <= 1.5x first",
        tail <= 1.5 * head,
    )
    shares = sorted(r.ui_share for r in readings)
    print(
        f"     UI share of a core: median {statistics.median(shares) * 100:.0f} %"
        f" ({shares[0] * 100:.0f}–{shares[-1] * 100:.0f} %)"
    )
    if last.events > MAX_EVENTS:
        print(
            f"     note: {last.events:,} events is past a live run's cap ({MAX_EVENTS:,}),"
            " where a real run is stopped"
        )


def main(argv: list[str], report: Callable[[str, str, str, bool], None]) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks soak")
    p.add_argument("--minutes", type=float, default=1.0)
    p.add_argument("--rate", type=int, default=100_000, help="events a second")
    args = p.parse_args(argv)

    def say(r: Reading) -> None:
        print(
            f"  {r.at:7.0f} s  {r.events:>12,} events  RSS {r.rss / 2**20:8,.0f} MB"
            f"  store {r.held / 2**20:7,.0f} MB"
            f"  lag {r.lag_ms:6.1f} ms  frame {r.frame_ms:6.1f} ms  UI {r.ui_share * 100:3.0f} %",
            flush=True,
        )

    print(f"soak: {args.rate:,} events/s into the app for {args.minutes:g} min", flush=True)
    readings = asyncio.run(soak(args.minutes, args.rate, say))
    if len(readings) < 2:
        print("soak: too short to judge (a reading every 10 s)")
        return 1
    verdict(readings, report)
    return 0
