"""The kitchen's names in Japanese: its cooks, kitchens, dishes, utensils and what they do.

A recording keeps the names a scenario gave its threads and labels in English: they are what
``threading`` and the probe were told, and what a search through the file finds. The Japanese
screen reads them through this glossary, and the scenarios' Japanese cues use it too, so a cue
never says ``Carrot cook：cutting carrotsのために…``. A name not in the glossary stays as it was
(a traced program's thread names are its own).
"""

from __future__ import annotations

import re

WHOLE: dict[str, str] = {
    # people
    "Head cook": "料理長",
    "Cook": "コック",
    "Cook {}": "コック{}",
    "Cook (event loop)": "コック（イベントループ）",
    "Frozen cook": "固まったコック",
    "Chopping cook": "切る係のコック",
    "Carrot cook": "にんじん係のコック",
    "Sink cook": "シンク係のコック",
    "Bell cook, alone": "ベル係・一人",
    "Bell cook, beside the chopper": "ベル係・切る人の隣",
    "Order taker": "注文係",
    "Manager": "店長",
    "Maître d'": "給仕長",
    "Printer helper (to_thread)": "プリンター係の助手（to_thread）",
    "Customer {}": "客{}",
    "Customers": "客たち",
    "Heartbeat": "見回り係",
    "Async worker {}": "非同期ワーカー{}",
    "Sync worker {}": "同期ワーカー{}",
    "Pool cook_{}": "プールのコック{}",
    "Pool kitchen {}": "プールのキッチン{}",
    "A process": "プロセス",
    "A thread": "スレッド",
    "A task": "タスク",
    "main": "メインスレッド",
    # places
    "Kitchen {}": "キッチン{}",
    "Kitchen (cook)": "キッチン（コック）",
    "Kitchen East": "東のキッチン",
    "Kitchen West": "西のキッチン",
    "kitchen {}": "キッチン{}",
    "Counter (event loop)": "カウンター（イベントループ）",
    "Dining room (server)": "客席（サーバー）",
    "Oven {}": "オーブン{}",
    # dishes and orders
    "Sushi": "寿司",
    "Tempura": "天ぷら",
    "Pasta": "パスタ",
    "Salad": "サラダ",
    "Bread": "パン",
    "Soup": "スープ",
    "Bread (run_until_complete)": "パン（run_until_complete）",
    "Soup (run_until_complete)": "スープ（run_until_complete）",
    "Dinner": "ディナー",
    "Dinner service": "ディナーの営業",
    "Dish {}": "料理{}",
    "dish {}": "料理{}",
    "Order {}": "注文{}",
    "Lunch rush (async)": "昼のラッシュ（非同期）",
    "Lunch rush (sync)": "昼のラッシュ（同期）",
    "Make potato salad": "ポテトサラダを作る",
    "Mayonnaise and cucumber": "マヨネーズときゅうり",
    "Microwave the potatoes": "じゃがいもをレンジで温める",
    "Print the receipts": "レシートを印刷する",
    "Take the orders": "注文を受ける",
    "The loop's main task": "ループのメインタスク",
    "Two tasks: await bread, then soup": "二つのタスク：パンをawaitしてからスープ",
    "Two tasks: await soup, then bread": "二つのタスク：スープをawaitしてからパン",
    "trial {} at {} ms": "試行{}（{} ms）",
    "threads": "スレッド",
    "processes": "プロセス",
    "sequential": "逐次",
    "threads {}×": "スレッド {}×",
    "processes {}×": "プロセス {}×",
    "sequential {}×": "逐次 {}×",
    "{} cook": "コック{}人",
    "{} cooks": "コック{}人",
    "{} cook {}×": "コック{}人 {}×",
    "{} cooks {}×": "コック{}人 {}×",
    "{} forced switches": "強制スイッチ{}回",
    # what they do, and what they wait for (labels)
    "chopping": "切る",
    "in the oven": "オーブンの中",
    "chop dish {}": "料理{}を切る",
    "cooking order {}": "注文{}を調理",
    "cut cucumber": "きゅうりを切る",
    "cutting carrots": "にんじんを切る",
    "cutting carrots with the sink": "シンクも使ってにんじんを切る",
    "scrubbing the sink": "シンクを磨く",
    "scrubbing the sink with the cutting board": "まな板も使ってシンクを磨く",
    "scrubbing the sink with the sink": "シンクを磨く",
    "dish {} in the oven": "料理{}はオーブンの中",
    "event loop idle": "イベントループは手すき",
    "food processor (hashlib, GIL released)": "フードプロセッサー（hashlib、GILを手放す）",
    "frying": "炒める",
    "handing over": "受け渡し",
    "handing over a plate": "皿を渡す",
    "idle in the pool": "プールで手すき",
    "opening": "開店準備",
    "mash and mix": "潰して混ぜる",
    "measure mayonnaise": "マヨネーズを量る",
    "microwave the potatoes": "じゃがいもをレンジで温める",
    "no event and no CPU from here: off the CPU, why not known": (
        "ここからイベントもCPUもない：CPUから外れた理由は不明"
    ),
    "order {} in the oven": "注文{}はオーブンの中",
    "waiting for the supplier": "仕入れ先を待つ",
    "plate {}": "皿{}",
    "plating": "盛り付け",
    "prepping": "下ごしらえ",
    "printing receipts (a blocking call)": "レシートを印刷中（ブロッキング呼び出し）",
    "reading the order": "注文を読む",
    "running": "実行中",
    "searing": "焼き色をつける",
    "serving plate {}": "皿{}を出す",
    "taking order {}": "注文{}を受ける",
    "the belt is full": "ベルトがいっぱい",
    "the cutting board": "まな板",
    "the sink": "シンク",
    "the kitchens to open": "キッチンの開店",
    "the order cooks (the worker is blocked)": "注文を調理中（ワーカーはふさがっている）",
    "the other cook": "もう一人のコック",
    "the pool's cooks": "プールのコックたち",
    "the pool's kitchens": "プールのキッチンたち",
    "waiting for a customer": "客を待つ",
    "waiting for a plate": "皿を待つ",
    "waiting for the counter to open": "カウンターの開店を待つ",
    "waiting for the oven": "オーブンを待つ",
    "waiting for the oven bell": "オーブンのベルを待つ",
}
"""English name (``{}``: a letter or a number) → Japanese."""

_SEPARATORS = re.compile(r"( · | › |: )")
_SLOTS = re.compile(r"(?<![A-Za-z])([A-Z]|\d[\d,]*(?:\.\d+)?)(?![A-Za-z])")


def ja(name: str, extra: dict[str, str] | None = None) -> str:
    """``name`` in Japanese where the glossary (or ``extra``: a scenario's titles) knows it;
    a name of parts (``Kitchen A · main``, ``dish 2: chopping``) part by part."""
    whole = _whole(name, extra)
    if whole is not None:
        return whole
    parts = _SEPARATORS.split(name)
    if len(parts) == 1:
        return name
    return "".join(
        "：" if p == ": " else p if p in (" · ", " › ") else _whole(p, extra) or p for p in parts
    )


def _whole(name: str, extra: dict[str, str] | None) -> str | None:
    if extra and name in extra:
        return extra[name]
    if name in WHOLE:
        return WHOLE[name]
    slots = _SLOTS.findall(name)
    if slots:
        template = WHOLE.get(_SLOTS.sub("{}", name))
        if template is not None:
            return template.format(*slots)
    return None
