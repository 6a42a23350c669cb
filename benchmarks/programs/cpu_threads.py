"""Four CPU-bound threads in pure Python; prints its own wall time (main's start to end)."""

import sys
import threading
import time


def chop(n: int) -> int:
    x = 1
    for i in range(n):
        x = (x * 31 + i) % 1_000_003
    return x


t0 = time.perf_counter()
cooks = [threading.Thread(target=chop, args=(6_000_000,)) for _ in range(4)]
for c in cooks:
    c.start()
for c in cooks:
    c.join()
print(f"elapsed {time.perf_counter() - t0:.6f}", file=sys.stderr)
