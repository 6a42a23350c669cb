"""How long each cook stood in the kernel's run queue, read from Cookline's side.

A ``ready`` cook either lacks the GIL or lacks a core; only the kernel knows which. Its
``/proc/PID/task/TID/schedstat`` counts, to the nanosecond, the time a thread was runnable but
not on a CPU (the run-queue delay). This thread reads that count for every thread a worker
declared, every ``PERIOD`` seconds, with ``pread`` on files kept open; nothing of it runs in a
worker (a /proc read there releases the GIL: measured, it alone serialised four threads).
The store turns the readings into each ready span's cause when the run ends
(``TraceStore.ready_by_run_queue``).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable

PERIOD = 0.01
"""Seconds between readings: 100 Hz; a cook's run-queue time between two is spread evenly."""

Reading = tuple[int, int, int]
"""(actor, monotonic ns, run-queue delay so far in ns) of one thread at one instant."""


class RunQueue(threading.Thread):
    """Reads the run-queue delay of the threads ``threads()`` names until ``stop()``."""

    def __init__(self, threads: Callable[[], dict[int, tuple[int, int]]]) -> None:
        super().__init__(name="cookline-run-queue", daemon=True)
        self._threads = threads
        self._fds: dict[int, int] = {}
        self._gone: set[int] = set()
        self._stopping = threading.Event()
        self.readings: list[Reading] = []
        """Every reading so far, in time order per actor (this thread appends; read after
        ``stop()`` and ``join()``)."""

    def stop(self) -> None:
        self._stopping.set()

    def run(self) -> None:
        try:
            while not self._stopping.wait(PERIOD):
                self._read_all()
            self._read_all()  # the last word, as the run ends
        finally:
            for fd in self._fds.values():
                with contextlib.suppress(OSError):
                    os.close(fd)

    def _read_all(self) -> None:
        for actor, (pid, tid) in list(self._threads().items()):
            if actor in self._gone:
                continue
            fd = self._fds.get(actor)
            try:
                if fd is None:
                    fd = self._fds[actor] = os.open(
                        f"/proc/{pid}/task/{tid}/schedstat", os.O_RDONLY
                    )
                raw = os.pread(fd, 128, 0)
                delay = int(raw.split()[1])
            except (OSError, ValueError, IndexError):
                self._gone.add(actor)  # ended: its last reading stands
                if fd is not None:
                    with contextlib.suppress(OSError):
                        os.close(fd)
                    self._fds.pop(actor, None)
                continue
            self.readings.append((actor, time.monotonic_ns(), delay))
