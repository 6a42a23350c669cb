"""What every process of a worker tree does first, so it can never outlive Cookline.

A deadlocked worker never reaches another flush, so noticing a dead reader is not enough: the
kernel must kill it. ``PR_SET_PDEATHSIG`` does that when the parent *thread* that started us
exits, which is why the runner starts workers from a thread that lives as long as the run.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def tie_to_parent(parent_pid: int) -> None:
    """Die with the parent; and if the parent is already gone, go now."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (AttributeError, OSError):  # not Linux: the supervisor's kill is all we have
        pass
    if os.getppid() != parent_pid:
        os._exit(1)


def quiet() -> None:
    """Leave Ctrl-C to Cookline (it stops the tree) and keep scenario output off the screen."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115 - lives as long as the process
    sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
