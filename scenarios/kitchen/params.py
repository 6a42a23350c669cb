"""What a teacher may change in a scenario: each parameter's type, bounds and meaning, once.

The menu gives each scenario its defaults; this table says what every name means and how far
it may go, so ``cookline run ID --set cooks=8``, the tour, ``cookline list --params ID`` and a
deck's ``set`` all check a value the same way and say the same thing when it is wrong. The
bounds keep a run to what this machine shows in seconds, not what Python could survive.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scenarios.kitchen.menu import Scenario


@dataclass(frozen=True)
class Param:
    """One knob of the kitchen."""

    name: str
    kind: type[int] | type[float]
    low: float
    high: float
    meaning: str
    meaning_ja: str

    def bounds(self) -> str:
        return f"{_show(self.low, self.kind)}–{_show(self.high, self.kind)}"


PARAMS: dict[str, Param] = {
    p.name: p
    for p in (
        Param(
            "unit", float, 0.01, 10, "seconds one time unit of the story lasts", "物語の1単位の秒数"
        ),
        Param("cooks", int, 1, 64, "how many cooks (threads) work", "働くコック（スレッド）の数"),
        Param(
            "work_ms", float, 1, 60_000, "ms of chopping each cook does", "各コックが切る時間（ms）"
        ),
        Param("dishes", int, 1, 64, "how many dishes (tasks)", "料理（タスク）の数"),
        Param(
            "plates", int, 1, 1_000, "plates passed between the kitchens", "キッチン間で渡す皿の数"
        ),
        Param("processes", int, 1, 16, "how many kitchens (processes)", "キッチン（プロセス）の数"),
        Param(
            "threads",
            int,
            1,
            16,
            "cooks (threads) in each kitchen",
            "各キッチンのコック（スレッド）の数",
        ),
        Param("requests", int, 1, 1_000, "customers at the counter", "カウンターに来る客の数"),
        Param(
            "sync_workers", int, 1, 64, "cooks behind the counter", "カウンターの後ろのコックの数"
        ),
        Param(
            "portions",
            int,
            1,
            10_000_000,
            "portions each cook adds to the pan",
            "各コックが入れる人前",
        ),
        Param(
            "orders",
            int,
            1,
            1_000,
            "orders the order taker puts on the belt",
            "ベルトに載せる注文の数",
        ),
        Param(
            "burners",
            int,
            1,
            64,
            "burners on the stove (a semaphore)",
            "コンロの口の数（セマフォ）",
        ),
        Param("bells", int, 1, 1_000, "oven bells the cook waits for", "コックが待つベルの回数"),
        Param("bell_ms", float, 0.1, 100, "ms of each wait for the oven", "オーブンを一回待つms"),
    )
}


class ParamError(ValueError):
    """A setting a scenario does not take, or a value out of its bounds: one line."""


def _show(v: float, kind: type[int] | type[float]) -> str:
    return f"{int(v):,}" if kind is int else f"{v:g}"


def declared(scenario: Scenario) -> list[tuple[Param, float]]:
    """The scenario's parameters with their defaults, in the menu's order."""
    return [(PARAMS[name], default) for name, default in scenario.params.items()]


def takes(scenario: Scenario) -> str:
    """What the scenario takes, for an error: ``cooks (int 1–64, default 3), …``."""
    if not scenario.params:
        return f"{scenario.id} takes no parameters (only --scale)"
    parts = [
        f"{p.name} ({p.kind.__name__} {p.bounds()}, default {_show(d, p.kind)})"
        for p, d in declared(scenario)
    ]
    return f"{scenario.id} takes {', '.join(parts)}"


def parse(scenario: Scenario, settings: list[str]) -> dict[str, float]:
    """``NAME=VALUE`` strings as checked values; raises :class:`ParamError`."""
    values: dict[str, object] = {}
    for setting in settings:
        name, eq, raw = setting.partition("=")
        if not eq:
            raise ParamError(f"{setting!r}: expected NAME=VALUE; {takes(scenario)}")
        values[name.strip()] = raw.strip()
    return check(scenario, values)


def check(scenario: Scenario, values: dict[str, object]) -> dict[str, float]:
    """Each value of the scenario's own parameters, typed and within its bounds."""
    out: dict[str, float] = {}
    for name, raw in values.items():
        if name not in scenario.params:
            raise ParamError(f"{name}: not a parameter of {scenario.id}; {takes(scenario)}")
        p = PARAMS[name]
        value = _number(raw, p.kind)
        if value is None or not p.low <= value <= p.high:
            raise ParamError(
                f"{name}={raw}: expected {'an integer' if p.kind is int else 'a number'}"
                f" from {p.bounds()} ({p.meaning})"
            )
        out[name] = value
    return out


def _number(raw: object, kind: type[int] | type[float]) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str):
        try:
            value = float(raw.replace("_", "")) if raw.strip() else math.nan
        except ValueError:
            return None
    else:
        return None
    if not math.isfinite(value) or (kind is int and not value.is_integer()):
        return None
    return int(value) if kind is int else value
