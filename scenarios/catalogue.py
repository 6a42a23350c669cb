"""The kitchen's menu: every scenario's id, story and parameters, without importing its code.

Listing the menu must be cheap (``cookline list``, the tour, spawned children re-importing),
so a scenario is described here and its module is imported only by the worker that runs it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Scenario:
    """One kitchen story, measured."""

    id: str
    """The name users type: ``cookline run one-knife``."""
    title: str
    title_ja: str
    analogy: str
    """The kitchen picture, one sentence."""
    analogy_ja: str
    model: str
    """sync, asyncio, threads, processes or mixed."""
    bound: str
    """cpu, io or mixed."""
    lesson: str
    """What the lanes should teach, one sentence."""
    group: str
    """The tour chapter: asyncio, the GIL, processes, hazards…"""
    entry: str
    """``module:function`` the worker calls with the parameters."""
    params: dict[str, float] = field(default_factory=dict)
    """Defaults; every scenario also takes ``scale`` (durations × scale)."""


class UnknownScenario(KeyError):
    def __init__(self, wanted: str, close: list[str]) -> None:
        self.wanted = wanted
        self.close = close
        hint = f"; did you mean {', '.join(close)}?" if close else "; `cookline list` shows them"
        super().__init__(f"unknown scenario {wanted!r}{hint}")

    def __str__(self) -> str:
        return str(self.args[0])


def _abc(
    model: str, title: str, title_ja: str, analogy: str, analogy_ja: str, lesson: str
) -> Scenario:
    return Scenario(
        id=f"abc-{model}",
        title=title,
        title_ja=title_ja,
        analogy=analogy,
        analogy_ja=analogy_ja,
        model={"async": "asyncio", "sequential": "sync"}.get(model, model),
        bound="io",
        lesson=lesson,
        group="Orders A, B, C",
        entry=f"scenarios.kitchen.abc:run_{model}",
        params={"unit": 1.0},
    )


SCENARIOS: tuple[Scenario, ...] = (
    _abc(
        "sequential",
        "Orders A, B, C one after another",
        "注文A・B・Cを順番に",
        "One cook waits at the oven for order A, then B, then C.",
        "一人のコックがAを待ち、次にB、次にCをオーブンの前で待つ。",
        "Waiting one after another takes the sum: 2 + 3 + 1 = 6 units.",
    ),
    _abc(
        "async",
        "Orders A, B, C with asyncio",
        "asyncioで注文A・B・C",
        "One cook starts all three ovens and serves whichever is done.",
        "一人のコックが三つのオーブンを同時に回し、できた順に出す。",
        "Overlapped waits take as long as the longest: about 3 units.",
    ),
    _abc(
        "threads",
        "Orders A, B, C with three cooks",
        "三人のコックで注文A・B・C",
        "Three cooks each wait at their own oven.",
        "三人のコックがそれぞれ自分のオーブンの前で待つ。",
        "Waiting does not need the knife: threads overlap I/O, about 3 units.",
    ),
    _abc(
        "processes",
        "Orders A, B, C in three kitchens",
        "三つのキッチンで注文A・B・C",
        "Three kitchens each cook one order.",
        "三つのキッチンがそれぞれ一つの注文を作る。",
        "Processes overlap too, at the price of starting a kitchen each.",
    ),
    Scenario(
        id="one-knife",
        title="Cooks sharing one knife (the GIL)",
        title_ja="一本の包丁を分け合うコックたち（GIL）",
        analogy="Three cooks in one kitchen, one knife: only one can chop at a time.",
        analogy_ja="一つのキッチンに三人のコック、包丁は一本：切れるのは一度に一人だけ。",
        model="threads",
        bound="cpu",
        lesson="CPU-bound threads take turns: parallelism stays near 1 whatever the cores.",
        group="The GIL",
        entry="scenarios.kitchen.knives:run_one_knife",
        params={"cooks": 3, "work_ms": 1000},
    ),
    Scenario(
        id="two-kitchens",
        title="Two kitchens, two knives (processes)",
        title_ja="二つのキッチン、二本の包丁（プロセス）",
        analogy="Two kitchens each with its own knife chop at the same time.",
        analogy_ja="それぞれ包丁を持つ二つのキッチンが同時に切る。",
        model="processes",
        bound="cpu",
        lesson="CPU-bound processes run side by side: parallelism near the number of cores.",
        group="Processes",
        entry="scenarios.kitchen.knives:run_two_kitchens",
        params={"cooks": 2, "work_ms": 1000},
    ),
    Scenario(
        id="potato-salad",
        title="Potato salad with asyncio",
        title_ja="asyncioでポテトサラダ",
        analogy="Microwave the potatoes, measure mayonnaise while they heat, then mash and mix.",
        analogy_ja="じゃがいもをレンジで温めている間にマヨネーズを量り、最後に潰して混ぜる。",
        model="asyncio",
        bound="mixed",
        lesson="Awaiting the microwave frees the cook: the salad is ready sooner.",
        group="asyncio",
        entry="scenarios.kitchen.potato_salad:run_async",
        params={"unit": 1.0},
    ),
    Scenario(
        id="potato-salad-sequential",
        title="Potato salad, step by step",
        title_ja="ポテトサラダを一つずつ",
        analogy="Stand at the microwave until it beeps, then measure, cut, mash and mix.",
        analogy_ja="レンジが鳴るまで前で待ち、それから量り、切り、潰して混ぜる。",
        model="sync",
        bound="mixed",
        lesson="Without tasks the waiting adds up: the same salad takes longer.",
        group="asyncio",
        entry="scenarios.kitchen.potato_salad:run_sequential",
        params={"unit": 1.0},
    ),
    Scenario(
        id="burnt-dish",
        title="Drill: a cook drops the pan",
        title_ja="訓練：コックがフライパンを落とす",
        analogy="One cook's dish fails halfway; the kitchen reports it and carries on.",
        analogy_ja="一人の料理が途中で失敗し、キッチンはそれを報告する。",
        model="threads",
        bound="cpu",
        lesson="A failure is shown where it happened, with its error.",
        group="Drills",
        entry="scenarios.kitchen.drills:run_burnt_dish",
        params={"work_ms": 300},
    ),
    Scenario(
        id="frozen-cook",
        title="Drill: a cook freezes",
        title_ja="訓練：コックが固まる",
        analogy="A cook stops moving without a word: no chopping, no waiting on anything known.",
        analogy_ja="コックが何も言わずに止まる：切りもせず、何かを待っているわけでもない。",
        model="sync",
        bound="cpu",
        lesson="A silent hang is called a stall and the kitchen is stopped.",
        group="Drills",
        entry="scenarios.kitchen.drills:run_frozen_cook",
    ),
)

BY_ID = {s.id: s for s in SCENARIOS}


def get(scenario_id: str) -> Scenario:
    try:
        return BY_ID[scenario_id]
    except KeyError:
        close = difflib.get_close_matches(scenario_id, list(BY_ID), n=3, cutoff=0.4)
        raise UnknownScenario(scenario_id, close) from None
