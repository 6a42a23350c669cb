"""One workload in every model, for ``cookline compare``; the table's eight kitchens; and
the same chopping split over more and more cooks.

CPU dishes are chopping (``cpu_work``); I/O dishes are waiting for an oven (a real sleep).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from scenarios import probe
from scenarios.kitchen.units import unit_of

CPU_DISHES, CPU_MS = 4, 250
IO_DISHES, IO_S = 6, 0.2


def _cpu_dish(i: int, unit: float) -> None:
    probe.cpu_work(CPU_MS * unit, f"chop dish {i}")


def _io_dish(i: int, unit: float) -> None:
    probe.sleep(IO_S * unit, f"dish {i} in the oven")


async def _cpu_dish_async(i: int, unit: float) -> None:
    probe.cpu_work(CPU_MS * unit, f"chop dish {i}")


async def _io_dish_async(i: int, unit: float) -> None:
    await asyncio.sleep(IO_S * unit)


def _workload(bound: str, model: str) -> Callable[[dict[str, float]], None]:
    dishes = CPU_DISHES if bound == "cpu" else IO_DISHES
    dish = _cpu_dish if bound == "cpu" else _io_dish
    dish_async = _cpu_dish_async if bound == "cpu" else _io_dish_async

    def run(params: dict[str, float]) -> None:
        unit = unit_of(params)
        if model == "sequential":
            probe.rename("Cook")
            for i in range(dishes):
                dish(i + 1, unit)
        elif model == "asyncio":
            probe.rename("Cook (event loop)")

            async def all_dishes() -> None:
                await asyncio.gather(
                    *(
                        asyncio.create_task(dish_async(i + 1, unit), name=f"Dish {i + 1}")
                        for i in range(dishes)
                    )
                )

            probe.run_async(all_dishes(), name="Dinner")
        elif model == "threads":
            probe.rename("Head cook")
            cooks = [probe.Thread(dish, f"Cook {i + 1}", (i + 1, unit)) for i in range(dishes)]
            for c in cooks:
                c.start()
            for c in cooks:
                c.join()
        else:
            probe.rename("Manager")
            kitchens = [
                probe.Process(dish, f"Kitchen {i + 1}", (i + 1, unit)) for i in range(dishes)
            ]
            for k in kitchens:
                k.start()
            for k in kitchens:
                k.join()

    run.__name__ = f"run_{bound}_{model}"
    return run


run_cpu_sequential = _workload("cpu", "sequential")
run_cpu_asyncio = _workload("cpu", "asyncio")
run_cpu_threads = _workload("cpu", "threads")
run_cpu_processes = _workload("cpu", "processes")
run_io_sequential = _workload("io", "sequential")
run_io_asyncio = _workload("io", "asyncio")
run_io_threads = _workload("io", "threads")
run_io_processes = _workload("io", "processes")


# -- one-core-vs-many: a row of the table -----------------------------------------------------


def _row_kitchen(threads: int, ms: float) -> None:
    if threads == 1:
        probe.cpu_work(ms, "chopping")
        return
    cooks = [
        probe.Thread(probe.cpu_work, f"Cook {c + 1}", (ms, "chopping")) for c in range(threads)
    ]
    for c in cooks:
        c.start()
    for c in cooks:
        c.join()


def run_table_row(params: dict[str, float]) -> None:
    """``processes`` kitchens of ``threads`` cooks each, all chopping (the affinity is the
    runner's ``--cores``)."""
    procs, threads = int(params.get("processes", 1)), int(params.get("threads", 1))
    ms = 300 * unit_of(params)
    probe.rename("Manager" if procs > 1 else "Cook 1" if threads == 1 else "Head cook")
    probe.cue(
        f"{procs} kitchen(s) × {threads} cook(s), all chopping",
        f"キッチン{procs}つ × コック{threads}人、全員が切る",
    )
    if procs == 1:
        _row_kitchen(threads, ms)
        return
    kitchens = [
        probe.Process(_row_kitchen, f"Kitchen {k + 1}", (threads, ms)) for k in range(procs)
    ]
    for k in kitchens:
        k.start()
    for k in kitchens:
        k.join()


# -- many-cooks -------------------------------------------------------------------------------


def run_many_cooks(params: dict[str, float]) -> None:
    """The same total chopping split over ``cooks`` threads: more cooks, more switching."""
    cooks = int(params.get("cooks", 16))
    total = 800 * unit_of(params)
    probe.rename("Head cook")
    probe.cue(
        f"{total:.0f} ms of chopping shared by {cooks} cook(s) and one knife",
        f"{total:.0f}ミリ秒分の切る作業を{cooks}人のコックと一本の包丁で分ける",
    )
    team = [
        probe.Thread(probe.cpu_work, f"Cook {c + 1}", (total / cooks, "chopping"))
        for c in range(cooks)
    ]
    for c in team:
        c.start()
    for c in team:
        c.join()
