"""Potato salad from the podcast: microwave the potatoes, measure mayonnaise meanwhile, then mix.

Microwaving is waiting (the oven works, not the cook); measuring, cutting and mashing are the
cook's own CPU work.
"""

from __future__ import annotations

import asyncio
import time

from scenarios import probe
from scenarios.kitchen.units import unit_of


async def _microwave(unit: float) -> None:
    probe.cue(
        "Potatoes into the microwave: the cook is free meanwhile",
        "じゃがいもをレンジへ：その間コックは手が空く",
    )
    await asyncio.sleep(3 * unit)
    probe.cue("Beep: the potatoes are hot", "チン：じゃがいもが温まった")


async def _mayonnaise(unit: float) -> None:
    probe.cue("Measure the mayonnaise while the microwave runs", "レンジの間にマヨネーズを量る")
    probe.cpu_work(1000 * unit, "measure mayonnaise")
    await asyncio.sleep(0)
    probe.cpu_work(1000 * unit, "cut cucumber")


async def _salad(unit: float) -> None:
    hot = asyncio.create_task(_microwave(unit), name="Microwave the potatoes")
    mayo = asyncio.create_task(_mayonnaise(unit), name="Mayonnaise and cucumber")
    await asyncio.gather(hot, mayo)
    probe.cue("Mash and mix", "潰して混ぜる")
    probe.cpu_work(500 * unit, "mash and mix")


def run_async(params: dict[str, float]) -> None:
    probe.rename("Cook (event loop)")
    t0 = time.monotonic()
    probe.run_async(_salad(unit_of(params)), name="Make potato salad")
    probe.value("wall_s", time.monotonic() - t0)


def run_sequential(params: dict[str, float]) -> None:
    probe.rename("Cook")
    unit = unit_of(params)
    t0 = time.monotonic()
    probe.cue("Stand at the microwave until it beeps", "レンジが鳴るまで前で待つ")
    probe.sleep(3 * unit, "microwave the potatoes")
    probe.cpu_work(1000 * unit, "measure mayonnaise")
    probe.cpu_work(1000 * unit, "cut cucumber")
    probe.cue("Mash and mix", "潰して混ぜる")
    probe.cpu_work(500 * unit, "mash and mix")
    probe.value("wall_s", time.monotonic() - t0)
