"""Three dishes in an asyncio.TaskGroup, each named, waiting on the oven together."""

import asyncio


async def bake(seconds: float) -> None:
    await asyncio.sleep(seconds)


async def main() -> None:
    async with asyncio.TaskGroup() as group:
        for name, seconds in (("bread", 0.3), ("pie", 0.2), ("tart", 0.1)):
            group.create_task(bake(seconds), name=name)


asyncio.run(main())
