"""The probe's clocks, the core it runs on, and the calibrated CPU work every dish burns.

Nothing here may release the GIL: the core comes from ``sched_getcpu`` through
``ctypes.PyDLL`` (a ``CDLL`` call drops the GIL and, measured here, made four threads run one
after another).
"""

from __future__ import annotations

import ctypes
import time
from collections.abc import Callable

CHUNK_MS = 1.0
"""CPU work is done in chunks of about this much CPU time."""
READY_MIN_NS = 100_000
"""Wall time not covered by thread CPU time in a stretch that counts as ``ready`` (not jitter)."""

now = time.monotonic_ns
cpu_now = time.thread_time_ns

try:
    _sched_getcpu = ctypes.PyDLL(None).sched_getcpu
    _sched_getcpu.restype = ctypes.c_int
    _sched_getcpu.argtypes = []
    getcpu: Callable[[], int] = _sched_getcpu
except (AttributeError, OSError):  # not glibc: the core is unknown, everything else works

    def getcpu() -> int:
        return -1


def burn(iterations: int) -> int:
    """Pure-Python arithmetic that holds the GIL: the knife work of every CPU-bound dish."""
    x = 1
    for i in range(iterations):
        x = (x * 31 + i) % 1_000_003
    return x


def calibrate(target_ms: float = CHUNK_MS) -> int:
    """Iterations of :func:`burn` that take about ``target_ms`` of CPU time on this machine.

    The fastest of a few tries: CPU time still grows when another process shares the core's
    caches, and the slowest try is the least like the machine.
    """
    n = 2000
    while True:
        c0 = cpu_now()
        burn(n)
        took = cpu_now() - c0
        if took > 2_000_000 or n > 50_000_000:
            break
        n *= 2
    best = took
    for _ in range(4):
        c0 = cpu_now()
        burn(n)
        best = min(best, cpu_now() - c0)
    return max(1, int(n * target_ms * 1e6 / max(best, 1)))
