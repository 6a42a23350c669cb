"""A process that outlives Cookline to end what Cookline started, however Cookline ends.

A SIGKILLed Cookline runs no code: its workers die with it (``PR_SET_PDEATHSIG``), but a
plain ``subprocess`` a scenario (or, later, a traced program) started has no such tie and
lived on. Each worker leads a process group of its own, which its children join unless they
leave it; the guard is told each group and, when its input closes -- Cookline has ended, in
any way -- kills every group still on its list. One small standard-library process per
Cookline, started at the first run.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import subprocess
import sys
import threading

_CODE = """
import os, signal, sys
groups = set()
for line in sys.stdin:
    op, _, n = line.partition(" ")
    if op == "add":
        groups.add(int(n))
    elif op == "drop":
        groups.discard(int(n))
for g in groups:
    try:
        os.killpg(g, signal.SIGKILL)
    except OSError:
        pass
"""


class Guard:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[str] | None = None
        with contextlib.suppress(OSError):
            self._proc = subprocess.Popen(
                [sys.executable, "-S", "-c", _CODE],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                text=True,
                start_new_session=True,  # not hit by the terminal's Ctrl-C with Cookline
            )

    def _say(self, line: str) -> None:
        with self._lock:
            if self._proc is None or self._proc.stdin is None:
                return
            try:
                self._proc.stdin.write(line + "\n")
                self._proc.stdin.flush()
            except (OSError, ValueError):
                self._proc = None

    def watch(self, group: int) -> None:
        self._say(f"add {group}")

    def release(self, group: int) -> None:
        """The run is over: kill what is left of its group, then forget it."""
        with contextlib.suppress(OSError):
            os.killpg(group, signal.SIGKILL)
        self._say(f"drop {group}")


@functools.cache
def guard() -> Guard:
    return Guard()
