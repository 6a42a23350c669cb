"""The whole machine's per-core load, so a busy laptop shows as such beside the chart.

Read in the Cookline process only (never in a worker): psutil releases the GIL.
"""

from __future__ import annotations

from collections.abc import Callable

import psutil

LoadSource = Callable[[], list[float]]
"""Per-core busy percentage of the whole machine, since the previous call."""


def machine_load() -> list[float]:
    return [float(p) for p in psutil.cpu_percent(percpu=True)]
