"""10,000 asyncio tasks, each awaiting a short sleep; prints its own wall time, and how long
its first loop iteration (the 10,000 first steps) took, where a tracer's cost to it lies."""

import asyncio
import random
import sys
import time

batch: list[float] = []


async def dish(delay: float) -> None:
    await asyncio.sleep(delay)


async def main() -> None:
    rng = random.Random(1)
    dishes = asyncio.gather(*(dish(rng.uniform(0.05, 0.5)) for _ in range(10_000)))
    made = time.perf_counter()
    # queued after every task's first step: it runs once they all have
    asyncio.get_running_loop().call_soon(lambda: batch.append(time.perf_counter() - made))
    await dishes


t0 = time.perf_counter()
asyncio.run(main())
print(f"first steps {batch[0]:.6f}", file=sys.stderr)
print(f"elapsed {time.perf_counter() - t0:.6f}", file=sys.stderr)
