"""Recordings at scale: ``python -m benchmarks recordings``.

A kitchen of 40 cooks, 1,000,000 state events (labels, wait reasons, both cores, jittered
times: not a file that compresses to nothing), saved in version 1 and version 2. Per round, in
turn: the baseline (``json.loads`` of each line of the v1 file, nothing else) and
``cookline replay FILE --headless`` of the v2 file (the whole command: start-up, load, figures,
picture); five rounds, the median of the per-round ratios with their range. Then 10,000,000
events opened in the app (Textual, headless): the process's peak memory over the store's own
bytes (its arrays, prefix sums included).
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scenarios.wire import Kind, Reason, State
from tui.formats import recording
from tui.trace.store import TraceStore

ROUNDS = 5
LANES = 40
CYCLE = (State.RUNNING, State.READY, State.RUNNING, State.WAITING)
WAITS = (Reason.SLEEP, Reason.LOCK, Reason.IO, Reason.QUEUE)


def kitchen(events: int, seed: int = 1) -> TraceStore:
    """A store of ``events`` state events over :data:`LANES` cooks, built column by column."""
    rng = random.Random(seed)
    store = TraceStore({"scenario": "bench", "machine": {"cpus": [0, 1], "cores": 2}})
    proc = store.declare(1, Kind.PROCESS, "Kitchen")
    store.add_state(proc, 0, State.RUNNING)
    labels = [store.label(f"chop {k}") for k in range(50)]
    per = events // LANES
    for i in range(LANES):
        a = store.declare(2 + i, Kind.THREAD, f"Cook {i}", parent=proc, pid=100, tid=200 + i)
        gaps = [rng.randrange(20_000, 400_000) for _ in range(per)]
        t = array("q", [i * 1000])
        for g in gaps[1:]:
            t.append(t[-1] + g)
        state = array("b", (CYCLE[k % 4] for k in range(per)))
        reason = array("b", (WAITS[k % 16 // 4] if k % 4 == 3 else 0 for k in range(per)))
        core = array("h", (rng.randrange(2) if k % 2 == 0 else -1 for k in range(per)))
        label = array("i", (labels[k % 50] if k % 4 == 0 else 0 for k in range(per)))
        store.add_states(a, t, state, reason, core, label)
    store.add_state(proc, max(a.t[-1] for a in store.actors) + 1, State.DONE)
    return store


def store_bytes(store: TraceStore) -> int:
    """What the store's arrays hold (each actor's columns and prefix sums), allocated."""
    fields = ("t", "state", "reason", "core", "label", "cum_run", "cum_wait")
    return sum(
        getattr(a, f).buffer_info()[1] * getattr(a, f).itemsize
        for a in store.actors
        for f in fields
    )


def rss() -> int:
    """This process's resident bytes now."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def hwm() -> int:
    """This process's own peak resident bytes (``ru_maxrss`` keeps a forking parent's peak
    across ``exec``: a child of a 500 MB benchmark read 500 MB too high)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def json_each_line(path: Path) -> float:
    raw = path.read_bytes()
    t = time.perf_counter()
    for line in raw.split(b"\n"):
        if line:
            json.loads(line)
    return time.perf_counter() - t


def replay_headless(path: Path) -> float:
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "tui", "replay", str(path), "--headless", "--width", "120"],
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - t


_APP = """
import asyncio, json, sys
from benchmarks.recordings import hwm, rss, store_bytes
from tui.app.cookline import CooklineApp
from tui import formats


async def first_frame(store):
    app = CooklineApp(replay=store, clock=lambda: 0, load=lambda: [0.0, 0.0], autoplay=False)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        await pilot.press("end")
        await pilot.pause()

asyncio.run(first_frame(formats.load(sys.argv[2])))  # the app's own memory, warmed up
base = rss()
store = formats.load(sys.argv[1])
asyncio.run(first_frame(store))
peak = hwm()
print(json.dumps([store.events, store_bytes(store), peak - base, rss() - base]))
"""


def _child(script: str, *args: Path) -> list[Any]:
    """Run a measuring script in a fresh interpreter: the JSON list its last line prints."""
    out = subprocess.run(
        [sys.executable, "-c", script, *map(str, args)], capture_output=True, text=True, check=True
    ).stdout
    return list(json.loads(out.strip().splitlines()[-1]))


def app_memory(path: Path, small: Path) -> tuple[int, int, int, int]:
    """events, store bytes, and the app's peak and resident memory over what it held before
    opening ``path`` (warmed up by ``small``: its own widgets and caches are not counted)."""
    events, size, peak, held = _child(_APP, path, small)
    return events, size, peak, held


def _range(xs: list[float]) -> str:
    return f"{statistics.median(xs):.3f}× ({min(xs):.3f}–{max(xs):.3f})"


def bench_recordings(report: Callable[[str, str, str, bool], None]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        v1, v2 = Path(folder, "m.v1.jsonl"), Path(folder, "m.v2.jsonl")
        store = kitchen(1_000_000)
        recording.save(store, v1, version=1)
        recording.save(store, v2)
        del store
        ratios, base, ours = [], [], []
        for _ in range(ROUNDS):
            b = json_each_line(v1)
            o = replay_headless(v2)
            base.append(b)
            ours.append(o)
            ratios.append(o / b)
        report(
            "recording: 1 M events, replay --headless",
            f"{_range(ratios)} json.loads of each v1 line"
            f" ({statistics.median(ours):.2f} s vs {statistics.median(base):.2f} s)",
            "<= 0.25× (median)",
            statistics.median(ratios) <= 0.25,
        )
        size = v2.stat().st_size / v1.stat().st_size
        report(
            "recording: 1 M events on disk",
            f"{size:.3f}× v1 ({v2.stat().st_size / 2**20:.1f} MiB vs"
            f" {v1.stat().st_size / 2**20:.1f} MiB)",
            "<= 0.5× v1",
            size <= 0.5,
        )
        v1_open = replay_headless(v1)
        print(f"     (the v1 file, replayed headless once: {v1_open:.2f} s)")
        big, small = Path(folder, "big.jsonl"), Path(folder, "small.jsonl")
        t = time.perf_counter()
        store = kitchen(10_000_000)
        recording.save(store, big)
        recording.save(kitchen(4_000), small)
        del store
        made = time.perf_counter() - t
        events, held_by_store, peak, resident = app_memory(big, small)
        report(
            f"recording: {events / 1e6:.0f} M events opened in the app",
            f"peak +{peak / 2**20:.0f} MiB = {peak / held_by_store:.2f}× the store's"
            f" {held_by_store / 2**20:.0f} MiB (resident +{resident / 2**20:.0f} MiB)",
            "<= 2× the store's bytes",
            peak <= 2 * held_by_store,
        )
        print(
            f"     (made and saved in {made:.0f} s; {big.stat().st_size / 2**20:.0f} MiB on disk)"
        )


# -- other tools' traces, large -------------------------------------------------------------

_TRACE = """
import json, sys, time
from benchmarks.recordings import hwm, rss, store_bytes
from tui import formats


formats.load(sys.argv[2])  # the loader's own code and caches, warmed up
base = rss()
t = time.perf_counter()
store = formats.load(sys.argv[1])
took = time.perf_counter() - t
peak = hwm()
print(json.dumps([store.events, store_bytes(store), peak - base, took]))
"""

FIXED = 256 << 20
"""The streamed reader's own working memory allowed beside the store: its buffer and one run
of parsed events."""


def call_trees(path: Path, size: int, threads: int = 16, depth: int = 8) -> int:
    """A viztracer-like trace of about ``size`` bytes: ``threads`` threads of call trees
    ``depth`` deep, written callees first as viztracer does. Returns its event count."""
    events = 0
    with open(path, "w") as f:
        f.write('{"traceEvents": [\n')
        f.write('{"ph":"M","name":"process_name","pid":4242,"tid":0,"args":{"name":"app.py"}}')
        t = 0
        while f.tell() < size:
            rows = []
            for tid in range(threads):
                for d in reversed(range(depth)):
                    rows.append(
                        f',\n{{"pid":4242,"tid":{1000 + tid},"ts":{t + d * 3}.5,'
                        f'"dur":{100 - d * 7}.25,"name":"module.function_{d} (app.py:{d * 10})",'
                        f'"ph":"X","cat":"FEE"}}'
                    )
            f.write("".join(rows))
            events += len(rows)
            t += 120
        f.write('\n], "viztracer_metadata": {"version": "1.0"}}\n')
    return events


def bench_chrome(report: Callable[[str, str, str, bool], None], size: int = 1_000_000_000) -> None:
    with tempfile.TemporaryDirectory() as folder:
        big, small = Path(folder, "big.json"), Path(folder, "small.json")
        t = time.perf_counter()
        events = call_trees(big, size)
        call_trees(small, 100_000)
        made = time.perf_counter() - t
        kept, held, peak, took = _child(_TRACE, big, small)
        mb = big.stat().st_size / 1e6
        report(
            f"chrome trace: {mb / 1000:.1f} GB, {events / 1e6:.1f} M events, streamed",
            f"peak +{peak / 2**20:.0f} MiB (store {held / 2**20:.0f} MiB, {kept:,} events"
            f" kept); {took:.0f} s = {mb / took:.0f} MB/s",
            f"<= the store's bytes + {FIXED >> 20} MiB",
            peak <= held + FIXED,
        )
        print(f"     (written in {made:.0f} s)")
