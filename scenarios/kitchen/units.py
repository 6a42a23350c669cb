"""A scenario's time unit: every duration of a story is a number of units."""

from __future__ import annotations


def unit_of(params: dict[str, float]) -> float:
    """Seconds per unit: the scenario's own ``unit`` times the run's ``--scale``."""
    return params.get("unit", 1.0) * params.get("scale", 1.0)
