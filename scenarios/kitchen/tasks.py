"""asyncio's lessons from the asyncio posts: tasks overlap waits, a blocking call stops the
loop, CPU work in coroutines is serial, and executors take work off the loop.

Every scenario reports what teaches its lesson as values (wall times, how late the loop's
other coroutines woke up), measured here in the worker, beside the lanes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine

from scenarios import probe
from scenarios.kitchen.names import ja
from scenarios.kitchen.units import unit_of
from scenarios.probe import pool

# -- sequential-vs-tasks ----------------------------------------------------------------------


async def _dish(name: str, seconds: float) -> None:
    probe.cue(f"{name}: into the oven", f"{ja(name)}：オーブンへ")
    await asyncio.sleep(seconds)


def run_sequential_vs_tasks(params: dict[str, float]) -> None:
    probe.rename("Cook (event loop)")
    unit = unit_of(params)
    loop = probe.event_loop()

    def timed(name: str, *dishes: tuple[Coroutine[None, None, None], str]) -> None:
        t0 = time.monotonic()
        for coro, task_name in dishes:
            loop.run_until_complete(loop.create_task(coro, name=task_name))
        probe.value(name, time.monotonic() - t0)

    async def both(first: str) -> None:
        t1 = asyncio.create_task(_dish("Bread", unit), name="Bread")
        t2 = asyncio.create_task(_dish("Soup", unit), name="Soup")
        for t in (t1, t2) if first == "bread" else (t2, t1):
            await t

    try:
        probe.cue(
            "run_until_complete twice: the second dish starts when the first is done",
            "run_until_completeを二回：二品目は一品目が終わってから始まる",
        )
        timed(
            "sequential_s",
            (_dish("Bread", unit), "Bread (run_until_complete)"),
            (_dish("Soup", unit), "Soup (run_until_complete)"),
        )
        probe.cue(
            "Two create_task calls: both dishes are in the oven together",
            "create_taskを二つ：両方の料理が同時にオーブンに入る",
        )
        timed("tasks_s", (both("bread"), "Two tasks: await bread, then soup"))
        probe.cue(
            "Await the soup first, then the bread: the same time, the order of awaits "
            "does not matter once both are tasks",
            "スープを先にawaitしても同じ時間：タスクになっていればawaitの順番は関係ない",
        )
        timed("reversed_s", (both("soup"), "Two tasks: await soup, then bread"))
    finally:
        probe.close_loop(loop)


# -- slow-print and slow-print-fixed ----------------------------------------------------------


async def _watch_oven(name: str, period: float, until: float, late: list[float]) -> None:
    """Check an oven every ``period``; note how late each check woke up."""
    loop = asyncio.get_running_loop()
    while loop.time() < until:
        due = loop.time() + period
        await asyncio.sleep(period)
        late.append(loop.time() - due)


def _print_receipts(seconds: float) -> None:
    # a synchronous, slow call (the receipt printer): the calling thread is blocked in it
    probe.sleep(seconds, "printing receipts (a blocking call)")


def _helper_prints(seconds: float) -> None:
    probe.rename("Printer helper (to_thread)")
    _print_receipts(seconds)


async def _service(unit: float, fixed: bool) -> None:
    loop = asyncio.get_running_loop()
    late: list[float] = []
    until = loop.time() + 2.5 * unit
    ovens = [
        asyncio.create_task(_watch_oven(f"Oven {i}", 0.1 * unit, until, late), name=f"Oven {i}")
        for i in (1, 2, 3)
    ]
    await asyncio.sleep(0.5 * unit)
    if fixed:
        probe.cue(
            "The receipts go to a helper thread (asyncio.to_thread): the ovens stay on time",
            "レシート印刷は別スレッドへ（asyncio.to_thread）：オーブンの見張りは遅れない",
        )
        await asyncio.to_thread(pool.task, _helper_prints, unit)
    else:
        probe.cue(
            "A slow synchronous call inside a coroutine: every other coroutine stops",
            "コルーチンの中の遅い同期呼び出し：他のコルーチンが全部止まる",
        )
        _print_receipts(unit)
    await asyncio.gather(*ovens)
    probe.value("max_late_s", max(late))
    probe.value("slow_call_s", unit)


def run_slow_print(params: dict[str, float]) -> None:
    probe.rename("Cook (event loop)")
    probe.run_async(_service(unit_of(params), fixed=False), name="Print the receipts")


def run_slow_print_fixed(params: dict[str, float]) -> None:
    probe.rename("Cook (event loop)")
    probe.run_async(_service(unit_of(params), fixed=True), name="Print the receipts")
    pool.end_thread_cooks()  # the loop's default executor is shut down by now


# -- cpu-in-asyncio and offload-to-processes --------------------------------------------------


def _chop(ms: float) -> None:
    probe.cpu_work(ms, "chopping")


async def _kitchen(unit: float, offload: bool, dishes: int) -> None:
    loop = asyncio.get_running_loop()
    ms = 400 * unit
    late: list[float] = []
    executor = pool.process_pool(2) if offload else None
    try:
        if executor is not None:  # start the kitchens before the clock: spawning is not chopping
            await asyncio.gather(
                *(loop.run_in_executor(executor, pool.task, abs, 0) for _ in range(2))
            )
        t0 = time.monotonic()
        heartbeat = asyncio.create_task(
            _watch_oven("Heartbeat", 0.05 * unit, loop.time() + 0.1 * unit, late), name="Heartbeat"
        )

        async def dish(i: int) -> None:
            if executor is None:
                _chop(ms)  # no await inside: this coroutine keeps the loop until it is done
            else:
                await loop.run_in_executor(executor, pool.task, _chop, ms)

        await asyncio.gather(
            *(asyncio.create_task(dish(i), name=f"Dish {i + 1}") for i in range(dishes))
        )
        probe.value("wall_s", time.monotonic() - t0)
        await heartbeat
        probe.value("max_late_s", max(late))
        probe.value("dish_s", ms / 1000)
    finally:
        if executor is not None:
            executor.shutdown(wait=True)


def run_cpu_in_asyncio(params: dict[str, float]) -> None:
    probe.rename("Cook (event loop)")
    probe.cue(
        "Chopping inside coroutines: the loop runs one coroutine at a time, so they are serial",
        "コルーチンの中で切る：ループは一度に一つしか動かさないので順番になる",
    )
    probe.run_async(_kitchen(unit_of(params), False, int(params.get("dishes", 3))), name="Dinner")


def run_offload_to_processes(params: dict[str, float]) -> None:
    probe.rename("Cook (event loop)")
    probe.cue(
        "run_in_executor with a ProcessPoolExecutor: other kitchens chop, the cook stays free",
        "ProcessPoolExecutorでrun_in_executor：別のキッチンが切り、コックは手が空いたまま",
    )
    probe.run_async(_kitchen(unit_of(params), True, int(params.get("dishes", 3))), name="Dinner")
