"""Orders A, B and C as three coroutines on one event loop (the blog post's asyncio example)."""

import asyncio


async def task(name, delay):
    print(f"Task {name} starting")
    await asyncio.sleep(delay)  # I/O-bound: the microwave runs, the cook is free
    print(f"Task {name} completed after {delay} seconds")


async def main():
    tasks = [task("A", 2), task("B", 3), task("C", 1)]
    await asyncio.gather(*tasks)


asyncio.run(main())
