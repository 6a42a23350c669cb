"""Orders A (2 units), B (3) and C (1), the example of the asyncio/threads/processes post.

Each order is pure waiting (an oven, a network call): the models differ only in whether the
waits overlap.
"""

from __future__ import annotations

import asyncio
import time

from scenarios import probe
from scenarios.kitchen.units import unit_of

ORDERS = (("A", 2), ("B", 3), ("C", 1))


def _order(name: str, seconds: float) -> None:
    probe.cue(f"Order {name} goes in the oven", f"注文{name}をオーブンへ")
    probe.sleep(seconds, f"order {name} in the oven")
    probe.cue(f"Order {name} is served", f"注文{name}を提供")


def run_sequential(params: dict[str, float]) -> None:
    probe.rename("Cook")
    unit = unit_of(params)
    for name, units in ORDERS:
        _order(name, units * unit)


def run_threads(params: dict[str, float]) -> None:
    probe.rename("Head cook")
    unit = unit_of(params)
    cooks = [probe.Thread(_order, f"Cook {name}", (name, units * unit)) for name, units in ORDERS]
    for cook in cooks:
        cook.start()
    for cook in cooks:
        cook.join()


def run_processes(params: dict[str, float]) -> None:
    probe.rename("Manager")
    unit = unit_of(params)
    kitchens = [
        probe.Process(_order, f"Kitchen {name}", (name, units * unit)) for name, units in ORDERS
    ]
    for kitchen in kitchens:
        kitchen.start()
    for kitchen in kitchens:
        kitchen.join()


async def _order_async(name: str, seconds: float) -> None:
    probe.cue(f"Order {name} goes in the oven", f"注文{name}をオーブンへ")
    await asyncio.sleep(seconds)
    probe.cue(f"Order {name} is served", f"注文{name}を提供")


async def _all_orders(unit: float) -> None:
    tasks = [asyncio.create_task(_order_async(n, u * unit), name=f"Order {n}") for n, u in ORDERS]
    await asyncio.gather(*tasks)


def run_async(params: dict[str, float]) -> None:
    probe.rename("Cook (event loop)")
    t0 = time.monotonic()
    probe.run_async(_all_orders(unit_of(params)), name="Take the orders")
    probe.value("wall_s", time.monotonic() - t0)
