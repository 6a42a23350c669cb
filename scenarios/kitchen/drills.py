"""Kitchen accidents on purpose: how Cookline shows a cook who fails or freezes.

They exist so that failure handling is tested against real processes, and so a talk can show
what a crash or a silent hang looks like in the lanes.
"""

from __future__ import annotations

import threading

from scenarios import probe


def _burn_and_drop(name: str, ms: float) -> None:
    probe.cpu_work(ms, "searing")
    raise RuntimeError(f"{name} dropped the pan")


def run_burnt_dish(params: dict[str, float]) -> None:
    probe.rename("Head cook")
    ms = params.get("work_ms", 300) * params.get("scale", 1.0)
    probe.cue("Cook B will drop the pan halfway", "コックBが途中でフライパンを落とす")
    careful = probe.Thread(probe.cpu_work, "Cook A", (2 * ms, "searing"))
    clumsy = probe.Thread(_burn_and_drop, "Cook B", ("Cook B", ms))
    careful.start()
    clumsy.start()
    careful.join()
    clumsy.join()
    probe.cpu_work(ms / 2, "plating")
    raise RuntimeError("the dish is burnt: Cook B never finished")


def run_frozen_cook(params: dict[str, float]) -> None:
    probe.rename("Frozen cook")
    probe.cpu_work(50 * params.get("scale", 1.0), "prepping")
    probe.cue(
        "The cook stares at the wall: no event, no CPU, no announced wait",
        "コックが固まった：イベントもCPUも待ちの知らせもない",
    )
    probe.flush()
    threading.Event().wait()  # a hang the probe is not told about
