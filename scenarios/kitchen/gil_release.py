"""When a cook puts the knife down: a wait does, and so does C code that releases the GIL.

Two halves the source texts leave out. A cook who waits for the oven needs no knife meanwhile,
but must take it back when the bell rings, and a chopping cook holds it up to the switch
interval: short waits beside CPU work take far longer than alone. And CPU work done in C that
releases the GIL (hashlib on large buffers) lets two cooks of one kitchen run at once.
"""

from __future__ import annotations

import hashlib
import sys
import threading
import time

from scenarios import probe
from scenarios.kitchen.names import ja


def _bells(count: int, ms: float) -> float:
    """``count`` short oven waits one after another; the wall time they took, in ms."""
    t0 = time.perf_counter()
    for _ in range(count):
        probe.sleep(ms / 1000, "waiting for the oven bell")
    return (time.perf_counter() - t0) * 1000


def _bell_cook(count: int, ms: float, took: list[float]) -> None:
    took.append(_bells(count, ms))


def _chopper(stop: threading.Event) -> None:
    while not stop.is_set():
        probe.cpu_work(5, "chopping")


def run_oven_bell(params: dict[str, float]) -> None:
    probe.rename("Head cook")
    count = int(params.get("bells", 50))
    ms = params.get("bell_ms", 1.0)
    interval = sys.getswitchinterval()
    probe.value("switch_interval_s", interval)
    probe.cue(
        f"A cook waits for {count} oven bells of {ms:g} ms, alone in the kitchen: waiting needs"
        " no knife",
        f"コックが{ms:g} msのオーブンのベルを{count}回待つ。"
        "キッチンには一人：待つのに包丁はいらない",
    )
    alone: list[float] = []
    cook = probe.Thread(_bell_cook, "Bell cook, alone", (count, ms, alone))
    cook.start()
    cook.join()
    probe.value("alone_ms", alone[0])
    probe.cue(
        f"Alone: {alone[0]:.0f} ms. Now the same bells beside a cook chopping with the knife"
        f" (the switch interval is {interval * 1e3:g} ms)",
        f"一人なら{alone[0]:.0f} ms。次は包丁で切り続けるコックの隣で同じベルを待つ"
        f"（切り替え間隔は{interval * 1e3:g} ms）",
    )
    stop = threading.Event()
    chopper = probe.Thread(_chopper, "Chopping cook", (stop,))
    beside: list[float] = []
    cook = probe.Thread(_bell_cook, "Bell cook, beside the chopper", (count, ms, beside))
    chopper.start()
    cook.start()
    cook.join()
    stop.set()
    chopper.join()
    ratio = beside[0] / alone[0] if alone[0] else 0.0
    probe.value("beside_ms", beside[0])
    probe.value("ratio", ratio)
    probe.cue(
        f"Beside the chopper: {beside[0]:.0f} ms, {ratio:.1f}× as long. After each bell the cook"
        " is ready, not running: it must take the knife back, and the chopper keeps it up to"
        " the switch interval",
        f"隣に切るコックがいると{beside[0]:.0f} ms、{ratio:.1f}倍。ベルのたびにコックは"
        "実行待ちで、まだ実行中ではない：包丁を取り戻さねばならず、"
        "切るコックは切り替え間隔まで包丁を放さない",
    )


def _process_food(name: str, rounds: int, buf: bytes) -> None:
    probe.cue(f"{name} feeds the food processor", f"{ja(name)}がフードプロセッサーに入れる")
    for _ in range(rounds):
        hashlib.sha256(buf).digest()  # C code that lets go of the GIL for large buffers
        probe.checkpoint("food processor (hashlib, GIL released)")


def run_food_processor(params: dict[str, float]) -> None:
    probe.rename("Head cook")
    cooks = int(params.get("cooks", 2))
    rounds = max(1, round(params.get("work_ms", 600) * params.get("scale", 1.0) / 10))
    buf = bytes(12 << 20)  # 12 MiB a round: about 10 ms of sha256 here (3.1 ms for 4 MiB)
    probe.cue(
        "The food processor works without the knife: hashlib lets go of the GIL on large"
        " buffers, so cooks of one kitchen run at once on two cores",
        "フードプロセッサーは包丁なしで動く：hashlibは大きなデータでGILを手放すので、"
        "一つのキッチンのコックが二つのコアで同時に動ける",
    )
    threads = [
        probe.Thread(_process_food, f"Cook {chr(65 + i)}", (f"Cook {chr(65 + i)}", rounds, buf))
        for i in range(cooks)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
