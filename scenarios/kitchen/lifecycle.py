"""new → ready → running → waiting → done, for a process, a thread and a task, each named as
it happens."""

from __future__ import annotations

import asyncio

from scenarios import probe
from scenarios.kitchen.units import unit_of


def _life(who: str, who_ja: str, unit: float) -> None:
    probe.cue(f"{who} is running: it has a core", f"{who_ja}は実行中：コアを持っている")
    probe.cpu_work(150 * unit, "running")
    probe.cue(
        f"{who} is waiting: for the oven, it needs no core meanwhile",
        f"{who_ja}は待機中：オーブンを待つ間はコアがいらない",
    )
    probe.sleep(0.2 * unit, "waiting for the oven")
    probe.cue(f"{who} runs again, then is done", f"{who_ja}がもう一度実行中になり、終了")
    probe.cpu_work(100 * unit, "running")


async def _task_life(unit: float) -> None:
    probe.cue("The task is running", "タスクは実行中")
    probe.cpu_work(150 * unit, "running")
    probe.cue("The task awaits the microwave: waiting", "タスクはレンジをawaitする：待機中")
    await asyncio.sleep(0.2 * unit)
    probe.cue("The task runs again, then is done", "タスクがもう一度実行中になり、終了")
    probe.cpu_work(100 * unit, "running")


async def _loop(unit: float) -> None:
    task = asyncio.create_task(_task_life(unit), name="A task")
    probe.cue(
        "create_task: the task is new, then ready in the loop's queue",
        "create_task：タスクが生成され、ループの列で実行待ちになる",
    )
    await task


def run_life_of_a_process(params: dict[str, float]) -> None:
    probe.rename("Head cook")
    unit = unit_of(params)
    probe.cue("A process is created: new", "プロセスを作る：生成")
    # a process's lane is its life (alive); the states below are its main thread's
    kitchen = probe.Process(
        _life, "A process", ("The process's main thread", "プロセスのメインスレッド", unit)
    )
    probe.cue(
        "start(): ready, waiting for the OS to give it a core",
        "start()：実行待ち。OSがコアを割り当てるのを待つ",
    )
    kitchen.start()
    kitchen.join()
    probe.cue("A thread is created: new", "スレッドを作る：生成")
    cook = probe.Thread(_life, "A thread", ("The thread", "スレッド", unit))
    cook.start()
    cook.join()
    probe.run_async(_loop(unit), name="The loop's main task")
    probe.cue("All three are done: terminated", "三つとも終了")
