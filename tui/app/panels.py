"""The run screen's text: header, figures, machine load, cursor readout, narration, banner.

Pure functions of the store, the timeline, the clock shown and the language, returning Rich
text, so each is tested without an app (``tests/test_panels.py``); the screen only decides
when to redraw them and where they go.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Console
from rich.text import Text

from scenarios.wire import Kind, Reason, State
from tui.report import glyphs, headless, words
from tui.report.headless import folded, hang, seconds
from tui.report.words import said, say
from tui.trace import raster
from tui.trace.lanes import Lane
from tui.trace.store import TraceStore
from tui.trace.summary import summarise
from tui.trace.text import pad
from tui.trace.timeline import Timeline

NO_CURSOR = "cursor: n / p or click"


@dataclass(frozen=True)
class Moment:
    """What a panel needs to know about the screen at the instant it is drawn."""

    now: int
    """The instant the chart calls now (ns since time zero)."""
    live: bool
    """The source is a run (finished or not), not a file."""
    growing: bool
    """A live run still going."""
    lang: str = "en"

    @property
    def horizon(self) -> int | None:
        """Where what is shown stops (None: the whole store): a replay's clock hides its
        future, a live run's now ends its open spans; a finished live run shows everything."""
        if self.live and not self.growing:
            return None
        return self.now


def header(
    store: TraceStore,
    at: Moment,
    timeline: Timeline,
    view: str,
    caption: tuple[str, str] = ("", ""),
    width: int = 10_000,
) -> Text:
    """One line: the talk's step or the scenario, the state (LIVE, REPLAY… and the time) and
    the machine. What gives way on a narrow terminal, first to last: the title, then the
    machine; the state always shows."""
    h = store.header
    m = h.get("machine", {})
    lang = at.lang
    shown_caption = caption[1] if lang == "ja" and caption[1] else caption[0]
    title = "" if shown_caption else words.title(h, lang)
    elapsed = seconds(max(0, at.now - store.bounds()[0]))
    at_end = not timeline.playing and timeline.position >= store.bounds()[1]
    if h.get("runs") and at_end:  # stacked runs, all shown: no replay to speak of
        state = said(lang, "COMPARISON of {} runs", len(h["runs"]))
    elif at.live:
        state = say("LIVE" if at.growing else "ENDED", lang)
        if at.growing and not timeline.follow:
            state = say("LIVE view frozen", lang)
        state += f" {elapsed}"
    else:
        paused = "" if timeline.playing else say(" paused", lang)
        state = said(lang, "REPLAY {}×{} {}", f"{timeline.speed:g}", paused, elapsed)
        if h.get("runs"):
            state = f"{said(lang, 'COMPARISON of {} runs', len(h['runs']))} · {state}"
    gil = m.get("gil_enabled")
    machine = said(
        lang,
        " │ Py {} · GIL {} · {}/{} cores │ {}",
        m.get("python", "?"),
        say("on" if gil else "off", lang) if gil is not None else "?",
        m.get("cpus_used", "?"),
        m.get("cores", "?"),
        say(view, lang),
    )
    short = " · ".join(shown_caption.split(" · ")[1:]) or shown_caption  # the step, no deck
    stages = (
        (True, True, shown_caption, True),
        (False, True, shown_caption, True),
        (False, False, shown_caption, True),
        (False, False, short, True),
        (False, False, short, False),
    )
    for with_title, with_machine, shown, with_id in stages:
        t = Text(no_wrap=True, overflow="ellipsis")
        if shown:
            t.append(f" {shown} ", style="bold reverse")
            t.append(" ")
        if with_id or not shown:
            t.append(f" {h.get('scenario', '?')} ", style="bold reverse")
        if title and with_title:
            t.append(f" {title}", style="bold")
        t.append("  ")
        t.append(state, style="bold")
        if with_machine:
            t.append(machine, style="dim")
        if t.cell_len <= width:
            break
    return t


def stats(
    store: TraceStore,
    at: Moment,
    moving: bool,
    saved: str | None = None,
    events_rate: float = 0.0,
    width: int = 10_000,
) -> Text:
    """The measured figures as they stood at the clock shown. ``moving``: the clock moves
    (live, or a replay playing), so the peak -- a sweep of every span -- waits until it stops.
    ``width``: the panel's, where a Japanese line is folded (see :func:`_told`)."""
    lang = at.lang
    if store.header.get("runs"):
        return Text.assemble(
            _told(headless.stacked_note(lang), lang, width),
            "\n",
            (say("events", lang) + " ", "dim"),
            f"{store.events:,}",
        )
    upto = at.horizon
    s = summarise(store, peak=not moving, cores=False, until=upto)
    events = store.events if upto is None else store.events_until(upto)
    t = Text()
    for word, value in (
        ("wall", seconds(s.wall)),
        ("CPU ", seconds(s.cpu)),  # under "wall", aligned
        ("parallelism", f"{s.parallelism:.2f}"),
        ("most at once", str(s.max_running) if not moving else "…"),
        *((("start CPU", seconds(s.start_cpu)),) if s.start_cpu else ()),
    ):
        t.append(f"{say(word, lang)} ", style="dim")
        t.append(f"{value}\n", style="bold")
    t.append(f"{say('events', lang)} ", style="dim")
    t.append(f"{events:,}", style="bold")
    if saved:
        t.append("\n" + said(lang, "recorded to {}", saved), style="dim")
    if at.growing:
        rate = said(lang, "{} events/s · lag {}", f"{events_rate:,.0f}", seconds(store.lag))
        t.append("\n" + rate, style="dim")
    return t


def meters(load: Sequence[float], live: bool = True, lang: str = "en") -> Text:
    """The whole machine's load per core: a busy laptop shows as such beside the chart. A
    replay's is this machine's now, not the recorded run's, and says so; none read (a
    picture made from a recording), nothing shown."""
    if not load:
        return Text()
    t = Text(say("machine load" if live else "this machine now", lang) + "\n", style="dim")
    for i, pct in enumerate(load):
        filled = round(pct / 10)
        t.append(said(lang, "cpu{}", i) + " ", style="dim")
        t.append("█" * filled, style="green" if pct < 80 else "red")
        t.append("░" * (10 - filled), style="dim")
        t.append(f" {pct:3.0f}%\n")
    return t


def readout(
    store: TraceStore,
    lanes: Sequence[Lane],
    cursor: int | None,
    selected: int | None,
    horizon: int | None,
    lang: str = "en",
) -> Text:
    """Each lane's state at the cursor, in the chart's own colours (a replay's future: …)."""
    if cursor is None:
        return Text(say(NO_CURSOR, lang), style="dim")
    h = store.header
    t = Text(no_wrap=True, overflow="ellipsis")
    t.append(said(lang, "cursor {}", seconds(cursor - store.bounds()[0])) + "\n", style="bold")
    for i, lane in enumerate(lanes[:14]):
        mark = "▶" if selected == i else " "
        name = pad(glyphs.cut(words.lane_title(h, lane, lang), 12), 12)
        if horizon is not None and cursor > horizon:  # a replay's future is not told either
            t.append(f"{mark}{name} …\n", style="dim")
            continue
        if lane.actor is None:
            assert lane.core is not None
            owner = raster.core_occupancy(store, lane.core, cursor, cursor + 1, 1).owners[0]
            who = words.name(h, store.actors[owner].name, lang) if owner >= 0 else say("idle", lang)
            t.append(f"{mark}{name} {who}\n")
            continue
        span = store.state_at(store.actors[lane.actor], cursor)
        if span is None:
            t.append(f"{mark}{name} —\n", style="dim")
            continue
        word = say(State(span.state).name.lower(), lang)
        if span.state in (State.WAITING, State.READY) and span.reason:
            why = say(Reason(span.reason).name.lower(), lang)
            word += f"（{why}）" if lang == "ja" else f" ({why})"
        running = span.core >= 0 and span.state == State.RUNNING
        extra = " " + said(lang, "core {}", span.core) if running else ""
        if span.label:
            label = words.name(h, span.label, lang)
            extra += f" 「{label}」" if lang == "ja" else f" “{label}”"
        t.append(f"{mark}{name} ", style="bold" if mark == "▶" else "")
        look = glyphs.STYLE.get(glyphs.LOOK.get(span.state, ""), "")
        t.append(f"{word}{extra}\n", style=look)
    return t


def narration(store: TraceStore, at: Moment, console: Console, width: int, room: int = 8) -> Text:
    """The cues told by now, the newest last; older ones give way when ``room`` rows (at
    ``width`` columns) cannot hold them all."""
    lo = store.bounds()[0]
    shown = store.story([c for c in store.cues if c[0] <= at.now])[-6:]
    title = "program output" if store.header.get("scenario") == "trace" else "narration"
    while True:
        t = Text(f"{say(title, at.lang)}\n", style="dim")
        for k, (ct, _, en, ja) in enumerate(shown):
            text = ja if at.lang == "ja" and ja else en
            style = "bold" if k == len(shown) - 1 else "dim"
            head = Text(f"{seconds(ct - lo):>7} ", style="dim")
            if at.lang == "ja":  # a Japanese sentence has no spaces to wrap at: fold it here
                t.append_text(hang(head, Text(text, style=style), max(1, width)))
            else:
                t.append_text(head)
                t.append(f"{text}\n", style=style)
        if len(shown) <= 1 or len(t.wrap(console, max(1, width))) <= room:
            return t
        shown = shown[1:]


def _told(text: Text, lang: str, width: int) -> Text:
    """``text`` folded to ``width`` here when it is Japanese: left to the widget, a sentence
    without spaces goes whole onto a line of its own, and its fold can push a wide character
    over the panel's edge."""
    return folded(text, max(1, width)) if lang == "ja" else text


def banner(store: TraceStore, at: Moment, width: int = 10_000) -> Text | None:
    """What went wrong, once the clock shown has reached it: the outcome and each error's own
    last line (the exception a cook raised), wrapped, never cut. None: nothing went wrong."""
    end = store.end
    horizon = at.horizon
    lang, h = at.lang, store.header
    errors = [
        (words.name(h, store.actors[a].name, lang), text.strip().splitlines()[-1])
        for t, a, text in store.errors
        if text.strip() and (horizon is None or t <= horizon)
    ]
    lines: list[str] = []
    ended = bool(end) and (at.live or at.now >= store.bounds()[1])
    if ended and end.get("outcome") not in (None, "done"):
        what = say(str(end["outcome"]), lang)
        lines.append(said(lang, "× {}: {}", what, words.ending(h, end.get("message", ""), lang)))
    failed = [
        words.name(h, a.name, lang)
        for a in store.actors
        if len(a)
        and a.kind == Kind.THREAD
        and (i := store.visible(a, horizon)) >= 0
        and a.state[i] == State.FAILED
    ]
    if failed and not lines:
        lines.append(said(lang, "× failed: {}", ("、" if lang == "ja" else ", ").join(failed)))
    if not lines:
        return None
    seen: set[str] = set()
    for who, last in errors[:3]:
        if last not in seen and last not in lines[0]:
            seen.add(last)
            lines.append(f"  {who}{'：' if lang == 'ja' else ': '}{last}")
    return _told(Text("\n".join(lines), style="bold"), lang, width)
