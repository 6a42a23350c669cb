"""Pools: a few cooks take many I/O orders in turn (threads), a few kitchens share the CPU
dishes (processes). A pool keeps its workers between jobs, so starting them is paid once."""

from __future__ import annotations

import os
import time

from scenarios import probe
from scenarios.kitchen.units import unit_of
from scenarios.probe import pool


def _order(i: int, seconds: float) -> int:
    probe.sleep(seconds, f"order {i}: waiting for the supplier")
    return i


def _dish(i: int, ms: float) -> int:
    probe.cpu_work(ms, f"dish {i}: chopping")
    return i


def _open(i: int, seconds: float) -> int:
    probe.sleep(seconds, f"kitchen {i}: opening")
    return os.getpid()


def run_pools(params: dict[str, float]) -> None:
    probe.rename("Manager")
    unit = unit_of(params)
    orders, dishes = 6, 4
    wait_s, chop_ms = 0.2 * unit, 250 * unit

    probe.cue(
        "ThreadPoolExecutor: three cooks share six orders that are mostly waiting",
        "ThreadPoolExecutor：三人のコックが、ほとんど待ち時間の注文六つを分担する",
    )
    threads = pool.thread_pool(3)
    t0 = time.monotonic()
    with probe.waiting("join", "the pool's cooks"):
        done = list(
            threads.map(pool.task, [_order] * orders, range(1, orders + 1), [wait_s] * orders)
        )
    probe.value("io_wall_s", time.monotonic() - t0)
    probe.value("io_serial_s", orders * wait_s)
    pool.close_thread_pool(threads)

    probe.cue(
        "ProcessPoolExecutor.map: two kitchens share four chopping dishes, each with its own knife",
        "ProcessPoolExecutor.map：二つのキッチンが四品の切る料理を分担、包丁はそれぞれに",
    )
    kitchens = pool.process_pool(2)
    try:
        # before the clock starts, both kitchens must be open: a pool starts its processes on
        # demand, and one quick kitchen used to take every warm-up job (and then every dish,
        # one after another, while the other was still starting: measured 0.51 s for 0.25)
        with probe.waiting("join", "the kitchens to open"):
            opened: set[int] = set()
            while len(opened) < 2:
                opened |= set(kitchens.map(pool.task, [_open, _open], [1, 2], [0.05, 0.05]))
        t0 = time.monotonic()
        with probe.waiting("join", "the pool's kitchens"):
            served = list(
                kitchens.map(pool.task, [_dish] * dishes, range(1, dishes + 1), [chop_ms] * dishes)
            )
        probe.value("cpu_wall_s", time.monotonic() - t0)
        probe.value("cpu_serial_s", dishes * chop_ms / 1000)
    finally:
        kitchens.shutdown(wait=True)
    probe.value("all_served", float(done == list(range(1, orders + 1)) and served == [1, 2, 3, 4]))
