"""Two children by the start method named in argv (fork, spawn or forkserver), one of them a
plain ``sleep`` started with subprocess (a kitchen without cooks)."""

import multiprocessing
import subprocess
import sys
import time
from typing import Any


def nap() -> None:
    time.sleep(0.3)


if __name__ == "__main__":
    ctx: Any = multiprocessing.get_context(sys.argv[1])
    kids = [ctx.Process(target=nap, name=f"kid {i}") for i in range(2)]
    for kid in kids:
        kid.start()
    subprocess.run(["sleep", "0.3"], check=True)
    for kid in kids:
        kid.join()
