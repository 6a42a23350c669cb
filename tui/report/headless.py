"""The headless view: a Unicode Gantt, a legend and the measured summary, printed with Rich.

For CI, docs and pipes: it fits the terminal's width, and piped output carries no colour codes
(Rich's own terminal detection), only glyphs that read without colour.
"""

from __future__ import annotations

import io

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from scenarios.wire import Kind, Reason, State
from tui.report import glyphs, words
from tui.report.glyphs import GLYPH
from tui.report.words import ending, lane_title, name, said, say
from tui.trace import raster
from tui.trace.lanes import MAX_INDENT, Lane, empty_note, lanes_for
from tui.trace.store import Actor, TraceStore
from tui.trace.summary import Summary, ready_causes, summarise
from tui.trace.text import pad

GLYPHS = {st: (GLYPH[st], glyphs.STYLE[look]) for st, look in glyphs.LOOK.items()}
GLYPHS[-1] = (GLYPH[-1], "")
PROCESS_ALIVE = (glyphs.PROCESS_ALIVE, glyphs.STYLE["process"])


def seconds(ns: float) -> str:
    """A duration with a unit a person reads at a glance."""
    s = ns / 1e9
    if s == 0:
        return "0"
    if s >= 100:
        return f"{s:.0f} s"
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 0.001:
        return f"{s * 1e3:.0f} ms" if s >= 0.1 else f"{s * 1e3:.1f} ms"
    return f"{s * 1e6:.0f} µs"


def axis(start: int, end: int, cells: int, indent: int, origin: int | None = None) -> Text:
    """Tick marks and labels under the chart, at round times since ``origin`` (default: the
    window's start), whatever the window was panned or zoomed to."""
    marks, labels = glyphs.axis_text(
        start, end, cells, start if origin is None else origin, seconds
    )
    pad = " " * indent
    return Text(pad + marks + "\n" + pad + labels, style="dim")


def lane(
    store: TraceStore,
    actor_index: int,
    start: int,
    end: int,
    cells: int,
    now: int | None = None,
) -> Text:
    """One actor's row: runs of equal state merged into one styled piece each.

    ``now``: the row as it stood at that instant (cells after it blank), as the app draws it.
    """
    a = store.actors[actor_index]
    states = raster.buckets(store, a, start, end, cells, now)
    shown = glyphs.shown_cells(start, end, cells, now)
    states[shown:] = [-1] * (cells - shown)
    text = Text()
    run_state, run_len = None, 0
    for st in [*states, None]:
        if st == run_state:
            run_len += 1
            continue
        if run_state is not None:
            glyph, style = GLYPHS[run_state]
            if a.kind == Kind.PROCESS and run_state == State.RUNNING:
                glyph, style = PROCESS_ALIVE
            text.append(glyph * run_len, style=style)
        run_state, run_len = st, 1
    return text


MAX_LANES = 400
"""Lanes printed at most: a file of 100,000 actors is a page of lanes and a line saying how
many more there are, not minutes of output nobody reads (the app scrolls through them all)."""


def _rows(store: TraceStore) -> list[tuple[int, Actor]]:
    return store.ordered()[:MAX_LANES]


def _indent(depth: int) -> str:
    return "  " * min(depth, MAX_INDENT)


def more_lanes(store: TraceStore, lang: str = "en") -> Text | None:
    """The line under a cut Gantt: how many lanes were left out."""
    left = len(store.actors) - MAX_LANES
    if left <= 0:
        return None
    return Text(
        said(
            lang,
            "… {:,} more lanes not printed (the first {:,} in tree order;"
            " the app shows every lane)",
            left,
            MAX_LANES,
        ),
        style="dim",
    )


def gantt(
    store: TraceStore, width: int, view: str | None = None, lang: str = "en"
) -> RenderableType:
    """The lanes over the whole run: every actor in tree order, or one of the app's views."""
    start, end = store.bounds()
    rows, titles, name_w, cells = _layout(store, width, view, lang)
    out = Text()
    for row, title in zip(rows, titles, strict=True):
        label = glyphs.cut(title, name_w)
        out.append(pad(label, name_w) + " │", style="bold" if row.heading else "")
        if row.core is not None:
            out.append_text(core_lane(store, row.core, start, end, cells))
        else:
            assert row.actor is not None
            out.append_text(lane(store, row.actor, start, end, cells))
        out.append("\n")
    if not rows:
        out.append(say(empty_note(store, view or "threads"), lang) + "\n", style="dim")
    out.append_text(axis(start, end, cells, name_w + 2, start))
    more = more_lanes(store, lang) if view is None else None
    if more is not None:
        out.append("\n")
        out.append_text(more)
    out.no_wrap = True  # built to the width: a lane is never folded onto a second line
    return out


ICON = {Kind.PROCESS: "▣", Kind.THREAD: "•", Kind.TASK: "◦"}


def _layout(
    store: TraceStore, width: int, view: str | None, lang: str = "en"
) -> tuple[list[Lane], list[str], int, int]:
    """The rows, their names, the name column's width and the cells: the lanes and the
    cores view's key read the same."""
    rows = _lanes(store, view)
    titles = []
    for row in rows:
        icon = "▤" if row.actor is None else ICON[store.actors[row.actor].kind]
        titles.append(f"{_indent(row.depth)}{icon} {lane_title(store.header, row, lang)}")
    name_w = min(max((cell_len(n) for n in titles), default=8), max(12, width // 3))
    return rows, titles, name_w, max(10, width - name_w - 2)


def _lanes(store: TraceStore, view: str | None) -> list[Lane]:
    """The rows printed: the app's lanes of ``view``, or (None) every actor in tree order."""
    if view is not None:
        return lanes_for(store, view)[:MAX_LANES]
    return [
        Lane(a.name, depth, actor=a.index, heading=a.kind == Kind.PROCESS)
        for depth, a in _rows(store)
    ]


def core_lane(
    store: TraceStore, core: int, start: int, end: int, cells: int, now: int | None = None
) -> Text:
    """One core's row: each cell as tall as the share of it the core was busy, in the colour
    of the thread that ran there most (``now``: as it stood then, as the app draws it)."""
    occ = raster.core_occupancy(store, core, start, end, cells, now)
    text = Text()
    for owner, busy in zip(occ.owners, occ.busy, strict=True):
        level = glyphs.eighths(busy)
        if owner < 0 or not level:
            text.append(" ")
        else:
            text.append(glyphs.BUSY[level], style=glyphs.actor_colour(owner))
    return text


def drawn_on_cores(
    store: TraceStore, start: int, end: int, cells: int, lang: str = "en"
) -> list[tuple[int, str]]:
    """Whom the core lanes show, in tree order: the cores view's key."""
    drawn: set[int] = set()
    for core in store.cores():
        drawn.update(raster.core_occupancy(store, core, start, end, cells).owners)
    return [
        (a.index, name(store.header, a.name, lang)) for _, a in store.ordered() if a.index in drawn
    ]


_MEASURE = Console(width=10_000, file=io.StringIO(), color_system=None)
"""Only for :func:`hang`'s wrapping, which needs a console: never printed to."""


def hang(head: Text, body: Text, width: int) -> Text:
    """``body`` after ``head``, wrapped at ``width`` under itself (a hanging indent), and a
    word longer than the room -- a Japanese sentence has no spaces -- folded, not pushed
    whole onto a line of its own."""
    indent = head.cell_len
    room = max(1, width - indent)
    out = Text()
    # Japanese breaks between any two characters; English between words
    wide = any(ord(c) >= 0x2E80 for c in body.plain)
    lines = _fold(body, room) if wide else body.wrap(_MEASURE, room, overflow="fold")
    for k, line in enumerate(lines):
        out.append_text(head if k == 0 else Text(" " * indent))
        line.rstrip()
        out.append_text(line)
        out.append("\n")
    return out


def folded(text: Text, width: int) -> Text:
    """``text`` wrapped (English) or folded (Japanese) to ``width``, with no last newline."""
    out = hang(Text(), text, width)
    out.rstrip()
    return out


def _fold(body: Text, room: int) -> list[Text]:
    """``body`` cut into lines of at most ``room`` columns, between any two characters."""
    lines: list[Text] = []
    for para in body.split("\n"):
        plain = para.plain
        cuts: list[int] = []
        start, used = 0, 0
        for i, ch in enumerate(plain):
            w = cell_len(ch)
            if used and used + w > room:
                # never inside a name such as asyncio.Queue: back to where it starts, unless
                # it alone fills the line
                cut = i
                while cut > start and _nameish(plain[cut - 1]) and _nameish(plain[cut]):
                    cut -= 1
                if cut == start:
                    cut = i
                # nor between a number and its unit ("1 ms"): the number goes down too
                if cut - 1 > start and plain[cut - 1] == " " and plain[cut - 2].isdigit():
                    cut -= 1
                if plain[cut] == " " and plain[cut - 1].isdigit():
                    back = cut
                    while back > start and (plain[back - 1].isdigit() or plain[back - 1] in ".,"):
                        back -= 1
                    if back > start:
                        cut = back
                # nor a line that starts with a closing mark (、。）): its word comes along
                if plain[cut] in _NO_LINE_START and cut - 1 > start:
                    before = cut
                    cut -= 1
                    while cut > start and _nameish(plain[cut - 1]) and _nameish(plain[cut]):
                        cut -= 1  # the word before the mark is a name: it all goes down
                    if cut == start:
                        cut = before  # a name that fills the line: the mark starts the next
                cuts.append(cut)
                start = cut
                used = cell_len(plain[cut:i])
            used += w
        lines.extend(para.divide(cuts))
    return lines


_NO_LINE_START = frozenset("、。，．）」』】〉》：；！？ー…ぁぃぅぇぉっゃゅょァィゥェォッャュョ")
"""What a Japanese line never starts with (the comma, the full stop, a closing bracket…)."""


def _nameish(ch: str) -> bool:
    """A character of a Python name, a number or a unit (µs): never folded inside."""
    return (ch.isascii() and (ch.isalnum() or ch in "_.")) or ch == "µ"


def fit_items(items: list[Text], width: int, indent: int = 0, gap: int = 3) -> Text:
    """Items side by side, a new line between two items (never inside one) where the next
    would pass ``width``: printed output fits the width it is given."""
    t = Text()
    used = 0
    for item in items:
        if used and used + gap + item.cell_len > width:
            t.append("\n")
            used = 0
        if used:
            t.append(" " * gap)
            used += gap
        else:
            t.append(" " * indent)
            used = indent
        t.append_text(item)
        used += item.cell_len
    return t


def legend(width: int = 200, lang: str = "en") -> Text:
    """The states' glyphs and words, wrapped between items to fit ``width``."""
    items = [
        Text.assemble((glyph, glyphs.STYLE[look]), f" {say(word, lang)}")
        for glyph, look, word in glyphs.LEGEND
    ]
    return fit_items(items, width, indent=2, gap=glyphs.LEGEND_GAP)


def core_key(store: TraceStore, width: int, lang: str = "en") -> Text:
    """The cores view's legend: what a cell's height means, and who each colour is."""
    start, end = store.bounds()
    cells = _layout(store, width, "cores", lang)[3]
    lines = glyphs.core_key(drawn_on_cores(store, start, end, cells, lang), width, lang=lang)
    t = Text()
    for k, line in enumerate(lines):
        if k:
            t.append("\n")
        t.append("  ")
        for i, (glyph, look, word) in enumerate(line):
            if i:
                t.append(" " * glyphs.LEGEND_GAP)
            colour = glyphs.actor_colour(int(look[1:])) if look.startswith("@") else ""
            t.append(glyph, style=colour)
            t.append(f" {word}")
    return t


def summary_table(store: TraceStore, s: Summary, lang: str = "en") -> Table:
    table = Table(title=None, expand=False, show_edge=False, pad_edge=False)
    table.add_column(say("actor", lang))
    table.add_column(say("kind", lang))
    for col in ("running", "ready", "waiting"):
        table.add_column(say(col, lang), justify="right")
    table.add_column(say("ready, why", lang))
    table.add_column(say("end", lang))
    for depth, a in _rows(store):
        row = s.actors[a.index]
        end = row.final.name.lower() if row.final is not None else "—"
        style = "red" if row.final == State.FAILED else ""
        table.add_row(
            _indent(depth) + glyphs.cut(name(store.header, a.name, lang), 60),
            say(a.kind.name.lower(), lang),
            seconds(row.running),
            seconds(row.ready),
            seconds(row.waiting),
            _why(store, a, lang) if row.ready else "",
            say(end, lang),
            style=style,
        )
    return table


def _why(store: TraceStore, a: Actor, lang: str = "en") -> str:
    """The ready time's causes, largest first, as shares: ``loop 100%``, ``start 62% · ? 38%``
    (``?``: the lane does not say: no GIL or no core, not told apart)."""
    causes = ready_causes(store, a)
    total = sum(causes.values())
    if not total:
        return ""
    parts = sorted(((k, v) for k, v in causes.items() if v >= total / 200), key=lambda kv: -kv[1])
    return " · ".join(
        f"{say(Reason(k).name.lower() if k else '?', lang)} {100 * v / total:.0f}%"
        for k, v in parts[:2]
    )


def figures(s: Summary, width: int = 200, lang: str = "en") -> Text:
    def item(name: str, value: str) -> Text:
        return Text.assemble((f"{say(name, lang)} ", "dim"), (value, "bold"))

    items = [
        item("wall", seconds(s.wall)),
        item("CPU (threads running)", seconds(s.cpu)),
        item("parallelism", f"{s.parallelism:.2f}"),
        item("most running at once", str(s.max_running)),
    ]
    if s.start_cpu:  # measured by each kitchen, on no lane: said beside the lanes' CPU
        items.insert(2, item("CPU starting kitchens", seconds(s.start_cpu)))
    t = fit_items(items, width)
    cores = [
        Text(said(lang, "core {}: {}", c, seconds(ns)))
        for c, ns in sorted(s.per_core.items())
        if c >= 0
    ]
    if cores:
        t.append("\n")
        busy = Text(say("busy by core", lang), style="dim")
        t.append_text(fit_items([busy, *cores], width, gap=2))
    return t


def title(store: TraceStore, lang: str = "en") -> Text:
    h = store.header
    m = h.get("machine", {})
    t = Text()
    t.append(words.title(h, lang), style="bold")
    model, bound = say(h.get("model", "?"), lang), say(h.get("bound", "?"), lang)
    t.append(
        "  " + said(lang, "({}: {}, {}-bound)", h.get("scenario", "?"), model, bound), style="dim"
    )
    gil = m.get("gil_enabled")
    on = say("on" if gil else "off", lang) if gil is not None else "?"
    machine = said(
        lang,
        "Python {} {} · GIL {} · CPUs used {} of {}",
        m.get("python", "?"),
        m.get("implementation", ""),
        on,
        m.get("cpus_used", "?"),
        m.get("cores", "?"),
    )
    t.append("\n" + machine, style="dim")
    return t


def stacked_note(lang: str = "en") -> Text:
    """Stacked runs each start at zero: figures over all their lanes would add up nonsense."""
    return Text(
        say(
            "separate runs stacked from time zero: each top lane gives its wall time and speed-up",
            lang,
        ),
        style="dim",
    )


def outcome(store: TraceStore, lang: str = "en") -> Text:
    end = store.end
    if not end:
        return Text(say("… still running", lang), style="yellow")
    if end.get("outcome") == "done":
        return Text(say("✓ finished", lang), style="green")
    what = say(str(end.get("outcome")), lang)
    message = ending(store.header, str(end.get("message", "")), lang)
    return Text(f"✗ {what}{'：' if lang == 'ja' else ': '}{message}", style="bold red")


def view(
    store: TraceStore, width: int, lang: str = "en", lanes: str | None = None
) -> RenderableType:
    """Everything printed: title, lanes (``lanes``: one of the app's views, None: every
    actor), legend, figures, per-actor table, narration, errors, outcome."""
    s = summarise(store)
    parts: list[RenderableType] = [
        title(store, lang),
        Text(""),
        gantt(store, width, lanes, lang),
        core_key(store, width, lang) if lanes == "cores" else legend(width, lang),
        Text(""),
        figures(s, width, lang) if not store.header.get("runs") else stacked_note(lang),
        Text(""),
        summary_table(store, s, lang),
    ]
    if store.cues:
        cues = Text(f"\n{say('narration', lang)}\n", style="dim")
        for t, _, en, ja in store.story(store.cues)[:12]:
            head = Text(f"  {seconds(t - store.bounds()[0]):>8}  ")
            cues.append_text(hang(head, Text(ja if lang == "ja" and ja else en), width))
        if len(store.cues) > 12:
            cues.append(f"  {said(lang, '… {} more', len(store.cues) - 12)}\n", style="dim")
        parts.append(cues)
    for _, actor, text in store.errors[:3]:
        last = text.strip().splitlines()[-1] if text.strip() else ""
        who = name(store.header, store.actors[actor].name, lang)
        parts.append(Text(said(lang, "error in {}: {}", who, last), style="red"))
    parts.append(folded(outcome(store, lang), width))
    return Group(*parts)


def show(
    store: TraceStore, console: Console | None = None, lang: str = "en", lanes: str | None = None
) -> None:
    console = console or Console()
    console.print(view(store, console.width, lang, lanes))


def text(store: TraceStore, width: int = 120, lang: str = "en", lanes: str | None = None) -> str:
    """The headless view as plain text, without colour codes (``cookline export --format txt``)."""
    console = Console(width=width, file=io.StringIO(), color_system=None, record=True)
    show(store, console, lang, lanes)
    return console.export_text()
