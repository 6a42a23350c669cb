"""The Japanese screen is Japanese: every bundled recording, every view, read for English words.

What may stay in English is what a person types or searches for (scenario ids, Python names,
units) and a few names of things (GIL, CPU, HTTP…): :data:`ALLOWED`. A word outside it is an
English piece on the Japanese screen, and the test names the recording, the word and its line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widgets import OptionList

from scenarios.kitchen import names
from scenarios.kitchen.menu import BY_ID, GROUPS_JA, SCENARIOS
from scenarios.kitchen.params import PARAMS
from tests.apps import CLOCK, LOAD
from tui.app.cookline import CooklineApp
from tui.app.screens.tour import TourScreen
from tui.app.widgets.gantt import Gantt
from tui.app.widgets.key_bar import KeyBar
from tui.app.widgets.text_panel import TextPanel
from tui.formats import load
from tui.report import headless, words

RECORDINGS = Path(__file__).resolve().parent.parent / "tui" / "recordings"
KITCHEN = sorted(p for p in RECORDINGS.glob("*.jsonl") if not p.name.startswith("trace-"))

ALLOWED = frozenset(
    {
        # names of things, as Japanese text writes them too
        "GIL", "CPU", "CPython", "Python", "Py", "HTTP", "WSGI", "ASGI", "Cookline", "cookline",
        "asyncio", "hashlib", "zlib", "await", "Chrome", "OS",
        "EN",  # the language key: 日本語/EN
        # units
        "ms", "s", "µs", "ns",
        # the commands a lesson names: `cookline compare cpu`
        "compare", "cpu", "io", "run",
    }
)  # fmt: skip
"""English a Japanese teacher would write too."""

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.\-']*")


def english(text: str) -> list[tuple[str, str]]:
    """(word, its line) of each English word not allowed. Identifiers are not words: a
    parameter's name (typed in ``--set``), a Python name (``run_in_executor``,
    ``queue.Queue``, ``ProcessPoolExecutor``, ``start()``), a scenario id, a single letter
    (order A, I/O), a name cut short (``asynci…``); nor is an exception's own message, quoted
    as the program raised it."""
    found = []
    for line in text.splitlines():
        line = _RAISED.sub("", line)
        for m in _WORD.finditer(line):
            w = m.group().rstrip(".'-")
            w = re.sub(r"(?<=[A-Za-z])\d+$", "", w)  # CPU0, コア1: a name and its number
            after = line[m.start() + len(w) : m.start() + len(w) + 1]
            if not w or w in ALLOWED or w in PARAMS or len(w) == 1 or after in ("…", "("):
                continue
            if "_" in w or "." in w or w in BY_ID or w.startswith("compare-"):
                continue
            if re.fullmatch(r"[A-Z][a-z]+(?:[A-Z][a-z]*)+", w) or w in _PYTHON_NAMES:
                continue
            found.append((w, line.strip()))
    return found


_PYTHON_NAMES = frozenset({"read", "wait", "maxsize"})
"""asyncio's own tasks' names (``asyncio read``), as asyncio gave them, and an argument's."""

_RAISED = re.compile(r"\b[A-Z]\w*(?:Error|Exception): .*$")
"""An exception as raised: its message is the program's own words."""


@pytest.mark.parametrize("path", KITCHEN, ids=lambda p: p.stem)
@pytest.mark.parametrize("view", [None, "threads", "cores", "coroutines"])
def test_every_recordings_japanese_screen_has_no_english_words(path: Path, view: str) -> None:
    store = load(str(path))
    text = headless.text(store, width=120, lang="ja", lanes=view)
    assert english(text) == [], path.name


def test_every_scenario_says_its_story_in_japanese() -> None:
    for s in SCENARIOS:
        for field in (s.title_ja, s.analogy_ja, s.lesson_ja, GROUPS_JA[s.group]):
            assert field and english(field) == [], (s.id, field)


def test_the_glossary_names_each_part_of_a_name() -> None:
    assert names.ja("Kitchen B · main") == "キッチンB · メインスレッド"
    assert names.ja("Cook A · trial 2 at 5 ms") == "コックA · 試行2（5 ms）"
    assert names.ja("dish 3: chopping") == "料理3：切る"
    assert names.ja("Pool cook_0") == "プールのコック0"
    assert (
        names.ja("8 cooks 0.95× · 1,234 forced switches") == "コック8人 0.95× · 強制スイッチ1,234回"
    )
    assert names.ja("MyThread-1") == "MyThread-1", "a name the glossary does not know stays"


def test_a_traced_programs_names_stay_its_own() -> None:
    header = {"scenario": "trace", "title": "python busy.py"}
    assert words.name(header, "Cook A", "ja") == "Cook A"
    assert words.name({"scenario": "one-knife"}, "Cook A", "ja") == "コックA"


def test_the_deadlock_banner_says_who_holds_what_in_japanese() -> None:
    message = "Sink cook holds the sink and waits for the cutting board"
    said = words.ending({"scenario": "carrots-and-sink"}, message, "ja")
    assert said == "シンク係のコックはシンクを持ったまままな板を待つ"


def _screen_text(app: CooklineApp) -> str:
    """Every line a person reads on the app's screen now: panels, lanes, legend, keys."""
    screen = app.screen
    lines = [panel.content.plain for panel in screen.query(TextPanel)]
    gantt = screen.query_one(Gantt)
    lines += [gantt.render_line(y).text for y in range(gantt.size.height)]
    return "\n".join([*lines, _keys(screen.query_one(KeyBar))])


def _keys(bar: KeyBar) -> str:
    """What the key bar says of each key (the keys themselves are what one presses)."""
    return "  ".join(description for _, _, description, _ in bar._keys())


@pytest.mark.parametrize("path", KITCHEN, ids=lambda p: p.stem)
async def test_the_apps_japanese_screen_has_no_english_words(path: Path) -> None:
    app = CooklineApp(
        replay=load(str(path)), clock=lambda: CLOCK, load=lambda: list(LOAD), autoplay=False
    )
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.press("l")  # the language key, as a person switches
        for key in ("t", "c", "a", "n"):  # each view, then the cursor's readout
            await pilot.press(key)
            await pilot.pause()
            assert english(_screen_text(app)) == [], (path.name, key)


async def test_the_tour_in_japanese_has_no_english_words() -> None:
    app = CooklineApp(clock=lambda: CLOCK, load=lambda: list(LOAD), lang="ja")
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TourScreen)
        for sid in BY_ID:
            story = screen._story(sid).plain
            assert english(story.rsplit("\n", 1)[0]) == [], sid  # the last line is a command
        options = screen.query_one(OptionList)
        shown = "\n".join(
            str(options.get_option_at_index(i).prompt) for i in range(options.option_count)
        )
        assert english(shown) == []
        assert english(_keys(screen.query_one(KeyBar))) == []


def test_the_processes_and_threads_table_in_japanese_has_no_english_words() -> None:
    """Every row of ``cookline table --lang ja`` (its labels, verdict words and caption)."""
    import io

    from rich.console import Console

    from tui.runs import verdict

    rows = [
        {
            "label": label,
            "cpus": 2,
            "max_running": 2,
            "parallelism": 1.5,
            "wall_s": 0.3,
            "observed": observed,
            "claim": claim,
        }
        for (label, *_), observed, claim in zip(
            verdict.table_plan(1.0),
            ["none", "concurrency", "parallelism"] * 3,
            [*verdict.TABLE_CLAIMS.values(), "parallelism possible"],
            strict=True,
        )
    ]
    out = io.StringIO()
    Console(file=out, width=100, color_system=None).print(verdict.table_view(rows, "ja"))
    assert english(out.getvalue()) == []


def test_a_japanese_line_is_folded_where_a_reader_expects() -> None:
    """Between any two characters, but not inside a Python name or between a number and its
    unit, and never at the start of a line a 、 or 。."""
    from rich.text import Text

    from tui.report.headless import _fold

    def fold(text: str, width: int) -> list[str]:
        return [line.plain for line in _fold(Text(text), width)]

    for width in (12, 14, 16):  # wider than the name: never cut inside it
        assert any("queue.Queue" in line for line in fold("ベルト（queue.Queue）を待つ", width))
    assert fold("これは約1 msの区切り", 10) == ["これは約", "1 msの区切", "り"]
    assert fold("速い、12.5 µsなど", 12)[1].startswith("12.5 µs")
    lines = fold("ならず、切るコックは切り替え間隔まで", 8)
    assert not any(line.startswith(("、", "。")) for line in lines), lines
    assert "".join(lines) == "ならず、切るコックは切り替え間隔まで"


def test_the_japanese_deadlock_banner_is_folded_to_the_screen_not_pushed_below_its_mark() -> None:
    """Left to the widget, "× デッドロック：…" put the × alone on its line and the sentence,
    which has no spaces, under it."""
    from rich.cells import cell_len

    from tui.app import panels

    store = load(str(RECORDINGS / "carrots-and-sink.jsonl"))
    at = panels.Moment(store.bounds()[1], live=False, growing=False, lang="ja")
    banner = panels.banner(store, at, width=40)
    assert banner is not None
    lines = banner.plain.splitlines()
    assert len(lines) >= 2 and lines[0].startswith("× デッドロック：")
    assert all(cell_len(line) <= 40 for line in lines), lines
