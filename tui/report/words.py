"""What the screen says, in English and in Japanese: one table for every word a person reads.

The English is the key: code says ``say("parallelism", lang)`` and the Japanese screen reads
the table; a phrase with values is a template (``say("core {}: {}", lang).format(…)``), so
no Japanese line is assembled from English pieces. The Japanese is written as a teacher would
say it, not word for word. What stays in English on the Japanese screen is what a person
types or searches for: scenario ids, Python names (``asyncio.gather``), units, ``GIL``,
``CPU``. ``tests/test_japanese.py`` reads every bundled recording's Japanese screen for
English words outside that list.

Names the kitchen gave its cooks and kitchens (in the recording, in English) are read through
its glossary, :mod:`scenarios.kitchen.names`; a traced program's names are its own.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from scenarios.kitchen import names
from scenarios.kitchen.menu import BY_ID, SCENARIOS
from tui.trace.lanes import Lane

JA: dict[str, str] = {
    # states and their causes
    "new": "生成",
    "ready": "実行待ち",
    "running": "実行中",
    "waiting": "待機中",
    "done": "終了",
    "failed": "失敗",
    "ready: the knife (GIL)": "実行待ち：包丁（GIL）",
    "ready: no free core": "実行待ち：空きコアなし",
    "ready: loop busy": "実行待ち：ループが手一杯",
    "starting": "起動中",
    "process alive": "プロセス稼働中",
    "run": "実行",
    "core": "コア",
    "loop": "ループ",
    "start": "起動",
    "wait": "待機",
    "alive": "稼働",
    "gil": "GIL",
    "sleep": "スリープ",
    "io": "I/O",
    "lock": "ロック",
    "join": "合流待ち",
    "queue": "キュー",
    "unknown": "不明",
    "?": "不明",
    "process": "プロセス",
    "thread": "スレッド",
    "task": "タスク",
    "idle": "空き",
    # the cores view
    "busy share of each cell": "マスごとの使用率",
    "+{} more": "ほか{}",
    "core {}": "コア{}",
    "core {}: {}": "コア{}：{}",
    # figures
    "wall": "経過時間",
    "CPU ": "CPU",
    "CPU (threads running)": "CPU（スレッドの実行時間）",
    "CPU starting kitchens": "キッチンの起動CPU",
    "start CPU": "起動CPU",
    "parallelism": "並列度",
    "most running at once": "同時に実行した最大数",
    "most at once": "同時最大",
    "busy by core": "コアごとの使用時間",
    "events": "イベント",
    "recorded to {}": "{}に記録",
    "{} events/s · lag {}": "毎秒{}イベント · 遅れ{}",
    "machine load": "マシンの負荷",
    "this machine now": "このマシンの今の負荷",
    "cpu{}": "CPU{}",
    # the per-actor table
    "actor": "アクター",
    "kind": "種類",
    "ready, why": "実行待ちの理由",
    "end": "最後",
    "—": "—",
    # the title and the machine
    "({}: {}, {}-bound)": "（{}：{}、{}バウンド）",
    "Python {} {} · GIL {} · CPUs used {} of {}": "Python {} {} · GIL {} · 使ったCPU {}／{}",
    "on": "あり",
    "off": "なし",
    "sync": "逐次",
    "asyncio": "asyncio",
    "threads": "スレッド",
    "processes": "プロセス",
    "mixed": "混合",
    "cpu": "CPU",
    "separate runs stacked from time zero: each top lane gives its wall time and speed-up": (
        "別々の実行を時刻ゼロから重ねて表示：各実行の一番上のレーンに経過時間と速度比"
    ),
    # narration, errors, outcome
    "narration": "ナレーション",
    "program output": "プログラムの出力",
    "… {} more": "… ほか{}件",
    "error in {}: {}": "{}でエラー：{}",
    "… still running": "… 実行中",
    "✓ finished": "✓ 完了",
    "… {:,} more lanes not printed (the first {:,} in tree order; the app shows every lane)": (
        "… ほか{:,}レーンは省略（木の順で最初の{:,}本を表示。アプリなら全レーンを表示）"
    ),
    # empty views
    "no events yet": "まだイベントがない",
    "no asyncio tasks in this run: t shows its threads": (
        "この実行にasyncioのタスクはない：t でスレッドを表示"
    ),
    "no thread has run on a core yet": "まだどのスレッドもコアで動いていない",
    "no threads yet": "まだスレッドがない",
    "{} (loop)": "{}（ループ）",
    # the run screen's header, cursor and banner
    "cursor: n / p or click": "カーソル：n / p またはクリック",
    "cursor {}": "カーソル {}",
    "COMPARISON of {} runs": "比較：{}回の実行",
    "LIVE": "ライブ",
    "ENDED": "終了",
    "LIVE view frozen": "ライブ・表示停止中",
    "REPLAY {}×{} {}": "再生 {}×{} {}",
    " paused": "・一時停止",
    " │ Py {} · GIL {} · {}/{} cores │ {}": " │ Py {} · GIL {} · コア{}/{} │ {}",
    "cores": "コア",
    "coroutines": "コルーチン",
    "× {}: {}": "× {}：{}",
    "× failed: {}": "× 失敗：{}",
    # outcomes
    "deadlock": "デッドロック",
    "stalled": "停止",
    "killed": "強制終了",
    "timed out": "時間切れ",
    "stopped": "中断",
    "finished": "完了",
    "the program finished": "プログラムが終了した",
    # keys
    "Threads": "スレッド",
    "Cores": "コア",
    "Coroutines": "コルーチン",
    "Pause": "一時停止",
    "Play": "再生",
    "Freeze": "表示を止める",
    "Follow": "追いかける",
    "Step": "次へ",
    "All keys": "全キー",
    "Quit": "終了",
    "Run": "実行",
    "Run again": "もう一度",
    "Tour": "ツアー",
    "Set parameters": "パラメーター",
    "Help": "ヘルプ",
    "palette": "コマンド",
    "Next step": "次のステップ",
    "Previous step": "前のステップ",
    # the tour
    "process = kitchen · thread = cook · asyncio = one cook, many dishes · GIL = the one knife": (
        "プロセス＝キッチン · スレッド＝コック · asyncio＝一人のコックが何品も · GIL＝一本の包丁"
    ),
    "model": "モデル",
    "title": "題",
    "name": "名前",
    "type": "型",
    "default": "既定値",
    "bounds": "範囲",
    "meaning": "意味",
    "durations × scale (--scale)": "時間の倍率（--scale）",
    "above 0 – 1000": "0より大きく1000まで",
    "bound": "種類",
    "lesson": "学ぶこと",
    "parameters": "パラメーター",
    "  s to change": "  s で変更",
    "NAME=VALUE …, Enter to keep, Esc to leave": "名前=値 …、Enterで決定、Escで戻る",
    # compare and table
    "measured: ": "測定結果：",
    "the text says: ": "記事では：",
    "speed-up": "速度比",
    "involuntary switches": "強制スイッチ",
    "voluntary switches": "自発スイッチ",
    "kitchen": "キッチン",
    "CPUs": "CPU数",
    "observed": "観察",
    "the text says": "記事では",
    "none": "なし",
    "none (one core used)": "なし（コアは一つだけ）",
    "concurrency": "並行",
    "parallelism possible": "並列になりうる",
    "parallelism (most)": "並列（最も）",
}
"""English → Japanese, for every fixed phrase and template the screen shows."""

ENDINGS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"^no event, no CPU and no announced wait for (.+) s$"),
        "{0}秒のあいだ、イベントもCPUも宣言された待ちもない",
    ),
    (re.compile(r"^the worker was killed by (.+)$"), "ワーカーが{0}で強制終了された"),
    (re.compile(r"^the program was killed by (.+)$"), "プログラムが{0}で強制終了された"),
    (re.compile(r"^the scenario failed: (.+)$"), "シナリオが失敗した：{0}"),
    (re.compile(r"^exit code (-?\d+)$"), "終了コード{0}"),
)
"""End messages the supervisor records in English, as the Japanese banner says them."""

_HOLDS = re.compile(r"^(.+?) holds (.+?) and waits for (.+)$")


def say(en: str, lang: str) -> str:
    """``en`` in ``lang`` (English where the table has no Japanese: the test finds it)."""
    return JA.get(en, en) if lang == "ja" else en


def said(lang: str, en: str, *values: Any) -> str:
    """A template with its values: ``said(lang, "core {}: {}", 0, "1.2 s")``."""
    return say(en, lang).format(*values)


def kitchen(header: dict[str, Any]) -> bool:
    """The run is one of the kitchen's, or a comparison of them (its names are the glossary's),
    not a user's program or someone else's trace."""
    return header.get("scenario") in BY_ID or bool(header.get("runs"))


@cache
def _titles() -> dict[str, str]:
    return {s.title: s.title_ja for s in SCENARIOS}


def name(header: dict[str, Any], text: str, lang: str) -> str:
    """A lane's or a label's name as the screen shows it: a kitchen's in Japanese where the
    glossary knows it; a traced program's as the program named it."""
    if lang != "ja" or not kitchen(header):
        return text
    title_ja = header.get("title_ja")
    if text == header.get("title") and isinstance(title_ja, str) and text not in _titles():
        return title_ja  # a comparison's own title, which no scenario has
    return names.ja(text, _titles())


def title(header: dict[str, Any], lang: str) -> str:
    """The run's title: a kitchen's as its menu says it today, else as recorded."""
    sid = header.get("scenario")
    if lang == "ja":
        scenario = BY_ID.get(sid) if isinstance(sid, str) else None
        shown = scenario.title_ja if scenario else header.get("title_ja")
        if isinstance(shown, str) and shown:
            return shown
    return str(header.get("title") or sid or "run")


def lane_title(header: dict[str, Any], lane: Lane, lang: str) -> str:
    """A lane's name on the screen: a core's, a loop's thread's, an actor's."""
    if lane.core is not None:
        return said(lang, "core {}", lane.core)
    if lang == "ja" and lane.title.endswith(" (loop)"):
        return said(lang, "{} (loop)", name(header, lane.title.removesuffix(" (loop)"), lang))
    return name(header, lane.title, lang)


def ending(header: dict[str, Any], message: str, lang: str) -> str:
    """An end message (the banner's, the headless outcome's) in ``lang``."""
    if lang != "ja":
        return message
    if message in JA:
        return JA[message]
    if "holds" in message:  # the watchdog's deadlock: each cook, what it holds and wants
        parts = []
        for clause in message.split("; "):
            m = _HOLDS.match(clause)
            if m is None:
                return message
            who, held, wanted = (name(header, g, lang) for g in m.groups())
            parts.append(f"{who}は{held}を持ったまま{wanted}を待つ")
        return "。".join(parts)
    if message.startswith("measured: "):  # the verdict's ranking: its runs' labels too
        ranked = re.split(r"( > | ≈ )", message.removeprefix("measured: "))
        return say("measured: ", lang) + "".join(names.ja(part) for part in ranked)
    for pattern, template in ENDINGS:
        m = pattern.match(message)
        if m is not None:
            return template.format(*m.groups())
    return message
