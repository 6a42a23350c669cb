"""The probe's clocks, the core it runs on, and the calibrated CPU work every dish burns.

Nothing here may release the GIL: the core comes from the thread's rseq area (a memory read,
:func:`core_view`) or else ``sched_getcpu`` through ``ctypes.PyDLL`` (a ``CDLL`` call drops the
GIL and, measured here, made four threads run one after another).
"""

from __future__ import annotations

import ctypes
import platform
import threading
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


class _Asked:
    """The fallback of :func:`core_view`: ``[0]`` asks ``sched_getcpu`` each time."""

    __slots__ = ()

    def __getitem__(self, index: int) -> int:
        return getcpu()


def _rseq_offset() -> int | None:
    """Where glibc keeps each thread's rseq area, from the thread pointer (None: not here).

    glibc (2.35 on) registers every thread with the kernel's restartable sequences and says
    where in ``__rseq_offset``; the kernel writes the thread's current CPU into the area's
    ``cpu_id`` each time it returns to the thread after moving it. On x86-64 the thread pointer
    is ``pthread_self()``, which is what ``threading.get_ident()`` returns."""
    if platform.machine() not in ("x86_64", "AMD64"):
        return None
    try:
        libc = ctypes.CDLL(None)
        size = ctypes.c_uint.in_dll(libc, "__rseq_size").value
        offset = ctypes.c_long.in_dll(libc, "__rseq_offset").value
    except (AttributeError, OSError, ValueError):
        return None
    return offset if size >= 8 else None  # cpu_id_start, then cpu_id


_RSEQ = _rseq_offset()


def core_view() -> memoryview | _Asked:
    """The calling thread's current core as ``view[0]``, for the probe's hot path.

    Where the kernel keeps it in the thread's rseq area, ``[0]`` is a read of memory: no call,
    nothing that could release the GIL, and ~30 ns an event less than ``sched_getcpu`` through
    ctypes (measured: README, "Speed"). The view is only ever read by the thread that made it
    (its area dies with the thread). Checked against ``sched_getcpu`` before it is trusted;
    elsewhere ``[0]`` asks ``sched_getcpu``."""
    if _RSEQ is None:
        return _Asked()
    cell = (ctypes.c_int * 1).from_address(threading.get_ident() + _RSEQ + 4)
    view = memoryview(cell).cast("B").cast("i")
    for _ in range(3):  # the thread may move between the two reads: a few tries
        if view[0] >= 0 and view[0] == getcpu():
            return view
    return _Asked()


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
