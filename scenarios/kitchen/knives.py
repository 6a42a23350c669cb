"""The same CPU-bound chopping done by cooks sharing one knife, or by kitchens with their own."""

from __future__ import annotations

import os

from scenarios import probe
from scenarios.kitchen import expect
from scenarios.kitchen.names import ja


def _chop(name: str, ms: float) -> None:
    probe.cue(f"{name} starts chopping", f"{ja(name)}が切り始める")
    probe.cpu_work(ms, "chopping")


def _setup(params: dict[str, float]) -> tuple[int, float]:
    return int(params.get("cooks", 2)), params.get("work_ms", 1000) * params.get("scale", 1.0)


def run_one_knife(params: dict[str, float]) -> None:
    probe.rename("Head cook")
    cooks, ms = _setup(params)
    expected = expect.one_knife(expect.gil_enabled(), len(os.sched_getaffinity(0)))
    probe.cue(expected.cue, expected.cue_ja)
    threads = [
        probe.Thread(_chop, f"Cook {chr(65 + i)}", (f"Cook {chr(65 + i)}", ms))
        for i in range(cooks)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def run_two_kitchens(params: dict[str, float]) -> None:
    probe.rename("Manager")
    cooks, ms = _setup(params)
    probe.cue(
        "Each kitchen has its own knife: they chop at the same time",
        "キッチンごとに包丁がある：同時に切れる",
    )
    kitchens = [
        probe.Process(_chop, f"Kitchen {i + 1}", (f"Kitchen {i + 1}", ms)) for i in range(cooks)
    ]
    for k in kitchens:
        k.start()
    for k in kitchens:
        k.join()
