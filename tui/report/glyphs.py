"""How a state looks, in the headless view, the app and the SVG export alike: one table.

Each state has a glyph (readable without colour) and one colour. The Gantt's component classes
are generated from the same table, so the legend under the chart, the headless legend and the
lanes can never disagree; a theme (present mode) restyles the component classes, and the app's
legend is drawn with those very classes.
"""

from __future__ import annotations

import math

from rich.cells import cell_len

from scenarios.wire import Reason, State
from tui.report.words import said, say
from tui.trace.raster import READY_BY
from tui.trace.text import cut as cut  # the chart, the headless view and the readout use it


def ready_code(reason: int) -> int:
    """The cell code of ``ready`` for a known cause (``Reason.LOOP``, ``Reason.START``…)."""
    return READY_BY + reason


GLYPH: dict[int, str] = {
    -1: " ",
    State.NEW: "·",
    State.READY: "▒",
    State.RUNNING: "█",
    State.WAITING: "─",
    State.DONE: "▏",
    State.FAILED: "×",
    ready_code(Reason.GIL): "▒",
    ready_code(Reason.CORE): "▓",
    ready_code(Reason.LOOP): "░",
    ready_code(Reason.START): "┄",
}
"""-1 is "not there (yet)"; ``ready`` has a glyph per cause where the cause was measured."""

PROCESS_ALIVE = "━"
"""A process lane shows its life, not CPU: its threads carry the work."""

STYLE: dict[str, str] = {
    "new": "#8a8a8a",
    "ready": "#e5c07b",
    "running": "#4caf50",
    "waiting": "#4fc3f7",
    "done": "#8a8a8a",
    "failed": "bold #ff5252",
    "process": "#b39ddb",
    "ready-gil": "#e5c07b",
    "ready-core": "#d19a66",
    "ready-loop": "#c8b560",
    "ready-start": "#9aa5b1",
}
"""The colour of each look, by the name of the Gantt component class (``gantt--NAME``)."""

LOOK: dict[int, str] = {
    State.NEW: "new",
    State.READY: "ready",
    State.RUNNING: "running",
    State.WAITING: "waiting",
    State.DONE: "done",
    State.FAILED: "failed",
    ready_code(Reason.GIL): "ready-gil",
    ready_code(Reason.CORE): "ready-core",
    ready_code(Reason.LOOP): "ready-loop",
    ready_code(Reason.START): "ready-start",
}
"""Which look a cell code has (a process lane's ``running`` is ``process``)."""

WORD: dict[int, str] = {
    State.NEW: "new",
    State.READY: "ready: the knife (GIL)",
    State.RUNNING: "running",
    State.WAITING: "waiting",
    State.DONE: "done",
    State.FAILED: "failed",
}


LEGEND: tuple[tuple[str, str, str], ...] = (
    (GLYPH[State.RUNNING] * 2, "running", "running"),
    (GLYPH[State.READY] * 2, "ready", WORD[State.READY]),
    (GLYPH[ready_code(Reason.CORE)] * 2, "ready-core", "ready: no free core"),
    (GLYPH[ready_code(Reason.LOOP)] * 2, "ready-loop", "ready: loop busy"),
    (GLYPH[ready_code(Reason.START)] * 2, "ready-start", "starting"),
    (GLYPH[State.WAITING] * 2, "waiting", "waiting"),
    (GLYPH[State.FAILED] * 2, "failed", "failed"),
    (PROCESS_ALIVE * 2, "process", "process alive"),
)
"""(glyphs, look, words) of each legend item, in the order they are shown."""

BUSY = " ▁▂▃▄▅▆▇█"
"""A core's cell, by eighths of it the core was busy: blank when idle, full when busy throughout."""

BUSY_WORDS = "busy share of each cell"


def eighths(busy: float) -> int:
    """The nearest eighth of a busy share (0 to 8): rounded, not raised, so that what the cells
    add up to is the measured CPU time."""
    return max(0, min(8, int(busy * 8 + 0.5)))


def actor_colour(index: int) -> str:
    """The colour of an actor in the cores view and its key."""
    return ACTOR_COLOURS[index % len(ACTOR_COLOURS)]


KEY_LINES = 3
"""The cores view's key of who is who wraps to this many lines at most, then says how many more."""


def core_key(
    names: list[tuple[int, str]], width: int, indent: int = 2, lang: str = "en"
) -> list[list[tuple[str, str, str]]]:
    """The cores view's legend: what a cell's height means, then each thread drawn, in its
    colour (look ``@INDEX``), wrapped between items; past :data:`KEY_LINES` lines the rest is
    counted, not listed."""
    items = [(BUSY[2] + BUSY[5] + BUSY[8], "", say(BUSY_WORDS, lang))]
    items += [(BUSY[8] * 2, f"@{index}", name) for index, name in names]
    lines = _wrap(tuple(items), width, indent)
    if len(lines) <= KEY_LINES:
        return lines
    for keep in range(len(items) - 1, 0, -1):
        more = said(lang, "+{} more", len(items) - keep)
        lines = _wrap((*items[:keep], ("", "", more)), width, indent)
        if len(lines) <= KEY_LINES:
            return lines
    return lines[:KEY_LINES]


SHORT_WORDS = {
    "running": "run",
    "ready": "ready",
    "ready-core": "core",
    "ready-loop": "loop",
    "ready-start": "start",
    "waiting": "wait",
    "process": "alive",
}
"""The legend's words where the full ones would take more than one line."""

LEGEND_GAP = 3


def legend_lines(width: int, indent: int = 2, lang: str = "en") -> list[list[tuple[str, str, str]]]:
    """The legend's items, wrapped between items (never inside one) to fit ``width``; short
    words where the full ones need two lines or more, so a small terminal keeps its lanes."""
    lines = _wrap(tuple((g, look, say(w, lang)) for g, look, w in LEGEND), width, indent)
    if len(lines) > 1:
        short = tuple((g, look, say(SHORT_WORDS.get(look, w), lang)) for g, look, w in LEGEND)
        lines = _wrap(short, width, indent)
    return lines


def _wrap(
    items: tuple[tuple[str, str, str], ...], width: int, indent: int
) -> list[list[tuple[str, str, str]]]:
    lines: list[list[tuple[str, str, str]]] = [[]]
    used = indent
    for item in items:
        size = cell_len(item[0]) + 1 + cell_len(item[2])
        if lines[-1] and used + LEGEND_GAP + size > width:
            lines.append([])
            used = indent
        used += (LEGEND_GAP if lines[-1] else 0) + size
        lines[-1].append(item)
    return lines


def nice_step(span_ns: float, cells: int, every: int = 12) -> float:
    """A round tick step (1, 2 or 5 × a power of ten) about every ``every`` cells."""
    raw = span_ns / max(1, cells // every)
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for m in (1, 2, 5, 10):
        if m * mag >= raw:
            return m * mag
    return 10 * mag


def column(t: float, start: int, end: int, cells: int) -> int:
    """The cell that holds instant ``t``: the one mapping lanes, axis, cursor and "now" share."""
    return math.floor((t - start) * cells / (end - start))


def shown_cells(start: int, end: int, cells: int, now: int | None) -> int:
    """How many cells from the left hold the past (the rest is a replay's or a run's future)."""
    if now is None:
        return cells
    return max(0, min(cells, column(now, start, end, cells) + 1))


def axis_text(start: int, end: int, cells: int, origin: int, label: object) -> tuple[str, str]:
    """The tick marks and their labels under ``cells`` columns of the window ``[start, end)``.

    Ticks stand at round times since ``origin`` (the run's first event), wherever the window
    was panned or zoomed to, so a label always says the time of the cell it stands under.
    ``label`` formats a duration (the headless ``seconds``).
    """
    marks = ["─"] * cells
    line = [" "] * cells
    span = end - start
    if span <= 0 or cells <= 0:
        return "", ""
    step = nice_step(span, cells)
    k = math.ceil((start - origin) / step)
    while True:
        t = origin + k * step
        k += 1
        if t >= end:
            break
        col = column(t, start, end, cells)
        if col < 0 or t < origin - step / 2:
            continue
        text = "0" if abs(t - origin) < step / 2 else str(label(t - origin))  # type: ignore[operator]
        free = all(c == " " for c in line[max(0, col - 1) : col + len(text) + 1])
        if col + len(text) <= cells and free:
            line[col : col + len(text)] = text
            marks[col] = "┬"
    return "".join(marks), "".join(line)


ACTOR_COLOURS = (
    "#4e9a06",
    "#3465a4",
    "#c4a000",
    "#75507b",
    "#ce5c00",
    "#06989a",
    "#cc0000",
    "#8ae234",
    "#729fcf",
    "#fce94f",
    "#ad7fa8",
    "#fcaf3e",
    "#34e2e2",
    "#ef2929",
    "#babdb6",
    "#5c3566",
)
"""One colour per actor in the cores view, where a cell says *who* ran, not in which state."""
