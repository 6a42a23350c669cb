"""run_until_complete twice: the second wait starts only when the first has ended (about 2 s)."""

import asyncio


async def wait1():
    print("Hello ...!")
    await asyncio.sleep(1)
    print("... World!")


async def wait2():
    print("Good morning ...!")
    await asyncio.sleep(1)
    print("... Good night!")


def main():
    loop = asyncio.new_event_loop()
    loop.run_until_complete(wait1())
    loop.run_until_complete(wait2())
    loop.close()


main()
