"""A loop that never idles: three tasks burn the CPU and yield with sleep(0), for 1.5 s; then
the process is killed, so nothing it would do at its end (naming what is left) ever runs."""

import asyncio
import os
import signal
import time


async def stir(until: float) -> None:
    while time.perf_counter() < until:
        t = time.perf_counter()
        while time.perf_counter() - t < 0.002:
            pass
        await asyncio.sleep(0)


async def main() -> None:
    until = time.perf_counter() + 1.5
    await asyncio.gather(*(stir(until) for _ in range(3)))
    os.kill(os.getpid(), signal.SIGKILL)


asyncio.run(main())
