"""The headless view: a Unicode Gantt, a legend and the measured summary, printed with Rich.

For CI, docs and pipes: it fits the terminal's width, and piped output carries no colour codes
(Rich's own terminal detection), only glyphs that read without colour.
"""

from __future__ import annotations

import math

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from scenarios.model import Kind, State
from tui import glyphs
from tui.glyphs import GLYPH
from tui.store import Summary, TraceStore

_COLOUR = {
    -1: "",
    State.NEW: "grey50",
    State.READY: "yellow",
    State.RUNNING: "green",
    State.WAITING: "cyan",
    State.DONE: "grey50",
    State.FAILED: "bold red",
}
GLYPHS = {st: (GLYPH[st], colour) for st, colour in _COLOUR.items()}
PROCESS_ALIVE = (glyphs.PROCESS_ALIVE, "magenta")


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


def _nice_step(span_ns: float, cells: int, every: int = 12) -> float:
    raw = span_ns / max(1, cells // every)
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for m in (1, 2, 5, 10):
        if m * mag >= raw:
            return m * mag
    return 10 * mag


def axis(start: int, end: int, cells: int, indent: int) -> Text:
    """Tick labels under the chart: ``0 s``, ``200 ms``… at round steps."""
    line = [" "] * cells
    marks = ["─"] * cells
    span = end - start
    if span <= 0 or cells <= 0:
        return Text(" " * indent)
    step = _nice_step(span, cells)
    k = 0
    while True:
        t = k * step
        if t > span:
            break
        col = int(t / span * (cells - 1))
        label = seconds(t) if t else "0"
        if col + len(label) <= cells and all(c == " " for c in line[col : col + len(label) + 1]):
            line[col : col + len(label)] = label
            marks[col] = "┬"
        k += 1
    return Text(" " * indent + "".join(marks) + "\n" + " " * indent + "".join(line), style="dim")


def lane(store: TraceStore, actor_index: int, start: int, end: int, cells: int) -> Text:
    """One actor's row: runs of equal state merged into one styled piece each."""
    a = store.actors[actor_index]
    states = store.buckets(a, start, end, cells)
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


def gantt(store: TraceStore, width: int) -> RenderableType:
    start, end = store.bounds()
    rows = store.ordered()
    names = []
    for depth, a in rows:
        icon = {Kind.PROCESS: "▣", Kind.THREAD: "•", Kind.TASK: "◦"}[a.kind]
        names.append(f"{'  ' * depth}{icon} {a.name}")
    name_w = min(max((len(n) for n in names), default=8), max(12, width // 3))
    cells = max(10, width - name_w - 2)
    out = Text()
    for (_, a), name in zip(rows, names, strict=True):
        label = name if len(name) <= name_w else name[: name_w - 1] + "…"
        out.append(label.ljust(name_w) + " │", style="bold" if a.kind == Kind.PROCESS else "")
        out.append_text(lane(store, a.index, start, end, cells))
        out.append("\n")
    out.append_text(axis(start, end, cells, name_w + 2))
    return out


def legend() -> Text:
    t = Text("  ")
    for st, word in (
        (State.RUNNING, "running"),
        (State.READY, "ready (no CPU / GIL / loop)"),
        (State.WAITING, "waiting"),
        (State.FAILED, "failed"),
    ):
        glyph, style = GLYPHS[st]
        t.append(glyph * 2, style=style)
        t.append(f" {word}   ")
    t.append(PROCESS_ALIVE[0] * 2, style=PROCESS_ALIVE[1])
    t.append(" process alive")
    return t


def summary_table(store: TraceStore, s: Summary) -> Table:
    table = Table(title=None, expand=False, show_edge=False, pad_edge=False)
    table.add_column("actor")
    table.add_column("kind")
    for col in ("running", "ready", "waiting"):
        table.add_column(col, justify="right")
    table.add_column("end")
    for depth, a in store.ordered():
        row = s.actors[a.index]
        end = row.final.name.lower() if row.final is not None else "—"
        style = "red" if row.final == State.FAILED else ""
        table.add_row(
            "  " * depth + a.name,
            a.kind.name.lower(),
            seconds(row.running),
            seconds(row.ready),
            seconds(row.waiting),
            end,
            style=style,
        )
    return table


def figures(s: Summary) -> Text:
    cores = "  ".join(f"core {c}: {seconds(ns)}" for c, ns in sorted(s.per_core.items()) if c >= 0)
    t = Text()
    t.append("wall ", style="dim")
    t.append(seconds(s.wall), style="bold")
    t.append("   CPU (threads running) ", style="dim")
    t.append(seconds(s.cpu), style="bold")
    t.append("   parallelism ", style="dim")
    t.append(f"{s.parallelism:.2f}", style="bold")
    t.append("   most running at once ", style="dim")
    t.append(str(s.max_running), style="bold")
    if cores:
        t.append("\nbusy by core  ", style="dim")
        t.append(cores)
    return t


def title(store: TraceStore) -> Text:
    h = store.header
    m = h.get("machine", {})
    t = Text()
    t.append(h.get("title", h.get("scenario", "run")), style="bold")
    t.append(
        f"  ({h.get('scenario', '?')}: {h.get('model', '?')}, {h.get('bound', '?')}-bound)",
        style="dim",
    )
    gil = m.get("gil_enabled")
    t.append(
        f"\nPython {m.get('python', '?')} {m.get('implementation', '')}"
        f" · GIL {'on' if gil else 'off' if gil is not None else '?'}"
        f" · CPUs used {m.get('cpus_used', '?')} of {m.get('cores', '?')}",
        style="dim",
    )
    return t


def stacked_note() -> Text:
    """Stacked runs each start at zero: figures over all their lanes would add up nonsense."""
    return Text(
        "separate runs stacked from time zero: each top lane gives its wall time and speed-up",
        style="dim",
    )


def outcome(store: TraceStore) -> Text:
    end = store.end
    if not end:
        return Text("… still running", style="yellow")
    if end.get("outcome") == "done":
        return Text("✓ finished", style="green")
    return Text(f"✗ {end.get('outcome')}: {end.get('message', '')}", style="bold red")


def view(store: TraceStore, width: int, lang: str = "en") -> RenderableType:
    s = store.summary()
    parts: list[RenderableType] = [
        title(store),
        Text(""),
        gantt(store, width),
        legend(),
        Text(""),
        figures(s) if not store.header.get("runs") else stacked_note(),
        Text(""),
        summary_table(store, s),
    ]
    if store.cues:
        cues = Text("\nnarration\n", style="dim")
        for t, _, en, ja in store.cues[:12]:
            cues.append(
                f"  {seconds(t - store.bounds()[0]):>8}  {ja if lang == 'ja' and ja else en}\n"
            )
        if len(store.cues) > 12:
            cues.append(f"  … {len(store.cues) - 12} more\n", style="dim")
        parts.append(cues)
    for _, actor, text in store.errors[:3]:
        last = text.strip().splitlines()[-1] if text.strip() else ""
        parts.append(Text(f"error in {store.actors[actor].name}: {last}", style="red"))
    parts.append(outcome(store))
    return Group(*parts)


def show(store: TraceStore, console: Console | None = None, lang: str = "en") -> None:
    console = console or Console()
    console.print(view(store, console.width, lang), crop=False, overflow="ignore")
