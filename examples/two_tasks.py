"""Two tasks made with create_task wait together: both done in about 1 s."""

import asyncio


async def wait1():
    print("Hello ...!")
    await asyncio.sleep(1)
    print("... World!")


async def wait2():
    print("Good morning ...!")
    await asyncio.sleep(1)
    print("... Good night!")


async def main():
    task1 = asyncio.create_task(wait1())
    task2 = asyncio.create_task(wait2())
    await task1
    await task2


asyncio.run(main())
