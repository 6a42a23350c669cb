"""Costs counted in instructions, which this shared machine's noise does not move:
``python -m benchmarks instructions``.

Each case runs in a fresh interpreter under valgrind's callgrind, which counts every instruction
the process executes; the same program with the measured part left out is counted too, so a
figure is the difference per event (or per task), and a ratio is two such differences. The
counts repeat to within a few parts in a thousand whatever else the machine is doing, where a
timed round here moves by a third: they show a change of a few percent that timings cannot.
They are not times (a cache miss counts one instruction), so the timed figures stay the goals'.

Under valgrind the kernel's rseq area is not kept, so the probe would ask ``sched_getcpu``
through ctypes for every core; the child gives each thread the same memoryview read of an int
the probe makes of the rseq area, so the count is the probe's as it runs on this machine.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable

EVENTS = 200_000
TASKS = 10_000


class Unsent:
    """A queue that sends nothing: the probe's cost with the send left out."""

    def put(self, message: object) -> None:
        pass


def _count(*args: str) -> int:
    """Instructions executed by ``python -m benchmarks.instructions ARGS`` under callgrind."""
    out = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-m",
            "benchmarks.instructions",
            *args,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"Collected : (\d+)", out.stderr)
    if found is None:
        raise RuntimeError(f"no count from valgrind: {out.stderr[-300:]!r}")
    return int(found.group(1))


def bench_instructions(report: Callable[[str, str, str, bool], None]) -> None:
    if shutil.which("valgrind") is None:
        print("     valgrind not installed: apt-get install valgrind")
        return
    nothing = _count("event", "none")
    bare = (_count("event", "bare") - nothing) / EVENTS
    probed = (_count("event", "probe") - nothing) / EVENTS
    report(
        "probe: instructions an event",
        f"{probed:,.0f} = {probed / bare:.2f}x a bare clock + append ({bare:,.0f})",
        "<= 2x (the timed figure is the goal's)",
        probed / bare <= 2,
    )
    start = _count("burst", "off", "0")
    off = (_count("burst", "off", str(TASKS)) - start) / TASKS
    on = (_count("burst", "on", str(TASKS)) - start) / TASKS
    report(
        "trace: instructions a first asyncio step",
        f"{on:,.0f} traced = {on / off:.2f}x untraced ({off:,.0f})",
        "shown (the burst of 10,000 first steps)",
        True,
    )


# -- the children, each run under valgrind ---------------------------------------------------


def _event(mode: str) -> None:
    """``EVENTS`` probe events (``probe``), bare clock + appends (``bare``), or neither."""
    import time

    from scenarios import probe
    from scenarios.probe._buffer import P
    from scenarios.wire import State

    probe.setup(Unsent(), 1 << 24, 1)
    tp = P.thread()
    tp.cpu = memoryview(bytearray(4)).cast("i")  # the rseq read, as on this machine
    now = time.monotonic_ns
    if mode == "bare":
        buf = []
        for _ in range(EVENTS):
            buf.append((now(), 1, 2, 0, 0, 0))
    elif mode == "probe":
        emit = P.emit
        running = int(State.RUNNING)
        for _ in range(EVENTS):
            emit(tp, tp.actor, running)


def _burst(mode: str, tasks: int) -> None:
    """``tasks`` coroutines gathered, each awaiting a sleep, to the end of their first steps
    (the process ends there): untraced (``off``) or with a traced program's hooks (``on``),
    sending nowhere. Time-based flushes and naming are put out of reach: under valgrind the
    burst lasts fifty times longer than the 20 ms and 250 ms they are meant for."""
    import asyncio
    import os
    import random

    import scenarios.probe._buffer as buffer
    from scenarios.program import hooks

    buffer.FLUSH_NS = 10**15
    hooks.NAMED_WITHIN_NS = 10**15
    buffer.P.queue = Unsent()  # type: ignore[assignment]
    buffer.P.infer_ready = False
    hooks._start_process("instructions", "MainThread")
    buffer.P.thread().cpu = memoryview(bytearray(4)).cast("i")
    if mode == "on":
        hooks._patch_asyncio(asyncio)

    async def dish(delay: float) -> None:
        await asyncio.sleep(delay)

    async def main() -> None:
        rng = random.Random(1)
        dishes = asyncio.gather(*(dish(rng.uniform(50, 60)) for _ in range(tasks)))
        # queued after every first step: the count ends there, before any sleep is over
        asyncio.get_running_loop().call_soon(os._exit, 0)
        await dishes

    asyncio.run(main())


if __name__ == "__main__":
    if sys.argv[1] == "event":
        _event(sys.argv[2])
    else:
        _burst(sys.argv[2], int(sys.argv[3]))
