"""A slow synchronous call inside a coroutine stops every other coroutine (the blog post's
warning): the cook stirs for 0.4 s without looking up, and the timer that rang meanwhile waits."""

import asyncio
import time


async def timer() -> None:
    await asyncio.sleep(0.1)  # rings at 0.1 s...
    print("timer heard")  # ...but is heard only when the stirring stops


async def stir() -> None:
    await asyncio.sleep(0.01)
    end = time.perf_counter() + 0.4
    while time.perf_counter() < end:  # CPU work that never awaits
        pass


async def clumsy() -> None:
    await asyncio.sleep(0.02)
    raise KeyError("no such spoon")


async def main() -> None:
    spoon = asyncio.create_task(clumsy(), name="clumsy")
    await asyncio.gather(timer(), stir())
    try:
        await spoon
    except KeyError:
        print("the clumsy task failed, as it should")


asyncio.run(main())
