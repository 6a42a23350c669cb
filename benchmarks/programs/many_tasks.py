"""10,000 asyncio tasks, each awaiting a short sleep; prints its own wall time."""

import asyncio
import random
import sys
import time


async def dish(delay: float) -> None:
    await asyncio.sleep(delay)


async def main() -> None:
    rng = random.Random(1)
    await asyncio.gather(*(dish(rng.uniform(0.05, 0.5)) for _ in range(10_000)))


t0 = time.perf_counter()
asyncio.run(main())
print(f"elapsed {time.perf_counter() - t0:.6f}", file=sys.stderr)
