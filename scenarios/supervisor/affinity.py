"""Which CPUs a run may use, and pinning a process to the first N of them."""

from __future__ import annotations

import os


class CoresError(ValueError):
    """``--cores N`` asks for more CPUs than this process may use."""


def usable_cpus() -> list[int]:
    return sorted(os.sched_getaffinity(0))


def choose_cpus(cores: int | None) -> list[int]:
    usable = usable_cpus()
    if cores is None:
        return usable
    if cores < 1:
        raise CoresError(f"--cores {cores}: must be at least 1")
    if cores > len(usable):
        listed = ",".join(map(str, usable))
        raise CoresError(f"--cores {cores}: only {len(usable)} CPUs are usable here ({listed})")
    return usable[:cores]
