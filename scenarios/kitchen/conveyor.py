"""A conveyor belt of orders: a producer and cooks joined by a bounded queue, threads and asyncio.

Backpressure is the lesson: the belt holds a few orders, so when the cooks are slower than the
order taker, the order taker waits at a full belt (``waiting (queue)``) instead of piling up
orders nobody cooks. The asyncio kitchen adds a semaphore: however many cooks take orders, only
so many use the stove at once.
"""

from __future__ import annotations

import asyncio
import queue

from scenarios import probe
from scenarios.kitchen.units import unit_of

BELT = 3
"""Orders the belt holds."""


def _put(belt: queue.Queue[int | None], order: int | None) -> None:
    try:
        belt.put_nowait(order)
    except queue.Full:  # only a real wait is drawn as one
        with probe.waiting("queue", "the belt is full"):
            belt.put(order)


def _take(belt: queue.Queue[int | None]) -> int | None:
    try:
        return belt.get_nowait()
    except queue.Empty:
        with probe.waiting("queue", "the belt is empty"):
            return belt.get()


def _order_taker(belt: queue.Queue[int | None], orders: int, cooks: int, unit: float) -> None:
    for k in range(orders):
        probe.cpu_work(10 * unit, f"taking order {k + 1}")
        _put(belt, k + 1)
    for _ in range(cooks):
        _put(belt, None)  # one "closing time" for each cook


def _cook(belt: queue.Queue[int | None], unit: float) -> None:
    while (order := _take(belt)) is not None:
        probe.sleep(0.12 * unit, f"cooking order {order}")


def run_conveyor(params: dict[str, float]) -> None:
    probe.rename("Head cook")
    unit = unit_of(params)
    orders, cooks = int(params.get("orders", 12)), int(params.get("cooks", 2))
    belt: queue.Queue[int | None] = queue.Queue(maxsize=BELT)
    probe.cue(
        f"One order taker, {cooks} cooks, a belt that holds {BELT} orders (queue.Queue)."
        " Orders come faster than they are cooked",
        f"注文係一人、コック{cooks}人、{BELT}件しか載らないベルト（queue.Queue）。"
        "注文は調理より速く来る",
    )
    taker = probe.Thread(_order_taker, "Order taker", (belt, orders, cooks, unit))
    staff = [probe.Thread(_cook, f"Cook {i + 1}", (belt, unit)) for i in range(cooks)]
    for t in (taker, *staff):
        t.start()
    probe.cue(
        "When the belt is full the order taker waits at it: backpressure, not a pile of orders",
        "ベルトがいっぱいになると注文係はそこで待つ：注文の山ではなく、背圧（バックプレッシャー）",
    )
    for t in (taker, *staff):
        t.join()


async def _take_orders(
    belt: asyncio.Queue[int | None], orders: int, cooks: int, unit: float
) -> None:
    for k in range(orders):
        probe.cpu_work(10 * unit, f"taking order {k + 1}")
        with probe.awaiting("queue"):
            await belt.put(k + 1)
    for _ in range(cooks):
        with probe.awaiting("queue"):
            await belt.put(None)


async def _async_cook(
    belt: asyncio.Queue[int | None], stove: asyncio.Semaphore, unit: float
) -> None:
    while True:
        with probe.awaiting("queue"):
            order = await belt.get()
        if order is None:
            return
        with probe.awaiting("lock"):
            await stove.acquire()
        try:
            await asyncio.sleep(0.12 * unit)  # on the stove
        finally:
            stove.release()


async def _kitchen(orders: int, cooks: int, burners: int, unit: float) -> None:
    belt: asyncio.Queue[int | None] = asyncio.Queue(maxsize=BELT)
    stove = asyncio.Semaphore(burners)
    jobs = [asyncio.create_task(_take_orders(belt, orders, cooks, unit), name="Order taker")]
    jobs += [
        asyncio.create_task(_async_cook(belt, stove, unit), name=f"Cook {i + 1}")
        for i in range(cooks)
    ]
    await asyncio.gather(*jobs)


def run_conveyor_async(params: dict[str, float]) -> None:
    probe.rename("Cook (event loop)")
    unit = unit_of(params)
    orders, cooks = int(params.get("orders", 12)), int(params.get("cooks", 4))
    burners = int(params.get("burners", 2))
    probe.cue(
        f"asyncio: an order taker task, {cooks} cook tasks, a belt of {BELT} (asyncio.Queue) and a"
        f" stove of {burners} burners (asyncio.Semaphore): at most {burners} orders cook at once",
        f"asyncio：注文係タスク、コックタスク{cooks}個、{BELT}件のベルト（asyncio.Queue）、"
        f"{burners}口のコンロ（asyncio.Semaphore）：同時に調理できるのは{burners}件まで",
    )
    probe.run_async(_kitchen(orders, cooks, burners, unit), name="Dinner service")
