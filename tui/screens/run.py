"""The run screen: one run's lanes, live or replayed, with narration, figures and the cursor.

A timer reads the store's version (a dirty flag the collector bumps) and redraws only when
something changed or the clock moved; the collector thread never touches a widget.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.screen import Screen

from scenarios.model import Kind, Reason, State
from scenarios.runner import Run
from tui import headless
from tui.headless import seconds
from tui.store import TraceStore
from tui.timeline import Timeline
from tui.widgets.gantt import Gantt
from tui.widgets.key_bar import KeyBar
from tui.widgets.text_panel import TextPanel

Restart = Callable[[], tuple[Run, TraceStore]]
"""Starts the same scenario again: a new run feeding a new store."""

TICK = 1 / 10
"""Redraw rate: 10 Hz keeps a live Gantt smooth and the UI near a tenth of a core."""


class RunScreen(Screen[None]):
    """Lanes of one run: ``run`` is None for a replay."""

    # The key bar shows the keys a first-time viewer needs; ``?`` lists them all.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "view('threads')", "Threads"),
        Binding("c", "view('cores')", "Cores"),
        Binding("a", "view('coroutines')", "Coroutines"),
        Binding("plus,equals_sign", "zoom(0.5)", "Zoom in", key_display="+", show=False),
        Binding("minus", "zoom(2)", "Zoom out", key_display="-", show=False),
        Binding("left", "pan(-0.2)", "Pan", show=False),
        Binding("right", "pan(0.2)", "Pan", show=False),
        Binding("f", "fit", "Fit", show=False),
        Binding("space", "pause", "Pause"),
        Binding("n", "step(1)", "Step"),
        Binding("p", "step(-1)", "Prev", show=False),
        Binding("left_square_bracket", "speed(False)", "Slower", key_display="[", show=False),
        Binding("right_square_bracket", "speed(True)", "Faster", key_display="]", show=False),
        Binding("l", "language", "日本語/EN", show=False),
        Binding("r", "again", "Run again", show=False),
        Binding("escape", "back", "Tour", show=False),
        Binding("question_mark", "help", "All keys", key_display="?"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(
        self,
        store: TraceStore,
        *,
        run: Run | None = None,
        restart: Restart | None = None,
        record: str | None = None,
        autoplay: bool = True,
        lang: str = "en",
        caption: str = "",
        present: bool = False,
        view: str = "threads",
    ) -> None:
        super().__init__()
        self.store = store
        self.caption = caption
        """Shown first in the header: a talk's step ("3/10 · Deadlock")."""
        self.present = present
        self.first_view = view
        self.run = run
        self.restart = restart
        self.record = record
        self.lang = lang
        self.timeline = Timeline()
        self.live = run is not None
        lo, hi = store.bounds()
        if not self.live:
            self.timeline.follow = False
            self.timeline.position = lo if autoplay else hi
            self.timeline.playing = autoplay
        self._last_tick = 0
        self._seen = (-1, -1)
        self._events_rate = 0.0
        self._rate_mark = (float("-inf"), 0)
        self._load: list[float] = []
        self._load_mark = float("-inf")
        self._ended_seen = False
        """The live run's end has been shown (fit, notice, recording saved)."""
        self._figures_due = True
        """Redraw the figures at the next refresh, whatever the half-second throttle says."""
        self._figures_text = Text()

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TextPanel(id="run-header")
        yield TextPanel(id="banner")
        # No container per column: the side panel docks right and the axis docks under the
        # chart; each widget fewer is measurably less time to the first frame.
        with Container(id="run-body"):
            # figures, cursor readout and narration in one panel of fixed height: one widget
            # to style and lay out, and no layout at all when the text grows or shrinks
            yield TextPanel(id="side")
            yield TextPanel(id="axis")
            yield Gantt(self.store, row_height=2 if self.present else 1, id="gantt")
        yield KeyBar()

    def _panel(self, name: str) -> TextPanel:
        return self.query_one(f"#{name}", TextPanel)

    @property
    def gantt(self) -> Gantt:
        return self.query_one(Gantt)

    def on_mount(self) -> None:
        self._last_tick = self.app.clock()  # type: ignore[attr-defined]
        if self.present:  # on a projector: tall lanes (see compose) in high contrast
            self.add_class("-present")
        self.gantt.view = self.first_view
        self.gantt.sync_lanes()
        self.gantt.focus()
        self._refresh(force=True)
        self.set_interval(TICK, self._tick)

    def on_resize(self) -> None:
        self.set_class(self.size.width < 80, "-narrow")
        self.call_after_refresh(self._refresh, True)

    def on_unmount(self) -> None:
        if self.run is not None and not self.run.finished:
            self.run.stop("the app was closed")
            self.run.wait(10)

    # -- time ---------------------------------------------------------------------------------

    def now(self) -> int:
        """The instant the chart shows as "now", in ns since the run's time zero."""
        if self.live:
            assert self.run is not None
            if not self.run.finished:
                return max(0, self.app.clock() - self.store.t0)  # type: ignore[attr-defined]
            return self.store.bounds()[1]
        return self.timeline.position

    def _tick(self) -> None:
        clock = self.app.clock()  # type: ignore[attr-defined]
        dt = clock - self._last_tick
        self._last_tick = clock
        tl = self.timeline
        moved = False
        if not self.live and tl.playing:
            hi = self.store.bounds()[1]
            tl.position = min(hi, tl.position + int(dt * tl.speed))
            moved = True
            if tl.position >= hi:
                tl.playing = False
        if self.live and self.run is not None and not self.run.finished:
            moved = True
        self._refresh(force=moved)

    def _refresh(self, force: bool = False) -> None:
        store = self.store
        key = (store.version, len(store.actors))
        changed = key != self._seen
        self._seen = key
        if self.live and store.end and not self._ended_seen:
            self._ended_seen = True
            self._figures_due = True
            self.timeline.fit(live=False)
            self._on_ended()
            changed = True
        if not (changed or force):
            return
        gantt = self.gantt
        gantt.sync_lanes()
        lo, hi = store.bounds()
        now = self.now()
        start, end = self.timeline.window(lo, hi, now)
        running = self.live and self.run is not None and not self.run.finished
        gantt.set_window(start, end, None if (self.live and not running) else now)
        self._update_side(now, start, end)

    # -- panels -------------------------------------------------------------------------------

    def _update_side(self, now: int, start: int, end: int) -> None:
        self._panel("run-header").content = self._header(now)
        axis = headless.axis(start, end, self.gantt.cells, self.gantt.name_width + 1)
        self._panel("axis").content = Text.assemble(axis, "\n", headless.legend())
        clock = self.app.clock() / 1e9  # type: ignore[attr-defined]
        if clock - self._rate_mark[0] >= 0.5:
            prev_t, prev_n = self._rate_mark
            if prev_t != float("-inf"):
                self._events_rate = (self.store.events - prev_n) / (clock - prev_t)
            self._rate_mark = (clock, self.store.events)
        if clock - self._load_mark >= 0.5 or self._figures_due:
            self._figures_due = False
            self._load_mark = clock
            self._load = self.app.load()  # type: ignore[attr-defined]
            self._figures_text = self._figures(now)
        self._panel("side").content = self._side(now)
        banner = self._panel("banner")
        text = self._banner()
        if banner.display != (text is not None):  # restyling costs: only on a change
            banner.display = text is not None
        if text is not None:
            banner.content = text

    def _header(self, now: int) -> Text:
        h = self.store.header
        m = h.get("machine", {})
        t = Text()
        if self.caption:
            t.append(f" {self.caption} ", style="bold reverse")
            t.append(" ")
        t.append(f" {h.get('scenario', '?')} ", style="bold reverse")
        if not self.caption:  # a talk's step already says what this is
            t.append(f" {h.get('title_ja' if self.lang == 'ja' else 'title', '')}", style="bold")
        t.append("  ")
        if self.live:
            state = "LIVE" if self.run is not None and not self.run.finished else "ENDED"
        else:
            paused = "" if self.timeline.playing else " paused"
            state = f"REPLAY {self.timeline.speed:g}×{paused}"
        if self.live and not self.timeline.follow and state == "LIVE":
            state = "LIVE view paused"
        t.append(f"{state} {seconds(max(0, now - self.store.bounds()[0]))}", style="bold")
        gil = m.get("gil_enabled")
        t.append(
            f" │ Py {m.get('python', '?')} · GIL {'on' if gil else 'off'}"
            f" · {m.get('cpus_used', '?')}/{m.get('cores', '?')} cores │ {self.gantt.view}",
            style="dim",
        )
        return t

    def _side(self, now: int) -> Text:
        readout = self._readout()
        readout.rstrip()
        return Text.assemble(self._figures_text, "\n", readout, "\n\n", self._narration(now))

    def _figures(self, now: int) -> Text:
        return Text.assemble(self._stats(now), "\n\n", self._meters())

    def _stats(self, now: int) -> Text:
        if self.store.header.get("runs"):
            return Text.assemble(
                headless.stacked_note(), "\n", ("events ", "dim"), f"{self.store.events:,}"
            )
        growing = self.live and self.run is not None and not self.run.finished
        # the peak sweeps every span and per-core time every event: once, at the end
        s = self.store.summary(peak=not growing, cores=not growing)
        t = Text()
        t.append("wall ", style="dim")
        t.append(f"{seconds(s.wall)}\n", style="bold")
        t.append("CPU  ", style="dim")
        t.append(f"{seconds(s.cpu)}\n", style="bold")
        t.append("parallelism ", style="dim")
        t.append(f"{s.parallelism:.2f}\n", style="bold")
        t.append("most at once ", style="dim")
        t.append(f"{s.max_running if not growing else '…'}\n", style="bold")
        t.append("events ", style="dim")
        t.append(f"{self.store.events:,}", style="bold")
        if self.live and self.run is not None and not self.run.finished:
            lag = seconds(self.store.lag)
            t.append(f"\n{self._events_rate:,.0f} events/s · lag {lag}", style="dim")
        return t

    def _meters(self) -> Text:
        t = Text("machine load\n", style="dim")
        for i, pct in enumerate(self._load):
            filled = round(pct / 10)
            t.append(f"cpu{i} ", style="dim")
            t.append("█" * filled, style="green" if pct < 80 else "red")
            t.append("░" * (10 - filled), style="dim")
            t.append(f" {pct:3.0f}%\n")
        return t

    def _readout(self) -> Text:
        g = self.gantt
        cur = g.cursor
        if cur is None:
            return Text(_NO_CURSOR, style="dim")
        t = Text()
        t.append(f"cursor {seconds(cur - self.store.bounds()[0])}\n", style="bold")
        for i, lane in enumerate(g.lanes[:14]):
            mark = "▶" if g.selected == i else " "
            if lane.actor is None:
                assert lane.core is not None
                owner = self.store.core_buckets(lane.core, cur, cur + 1, 1)[0]
                who = self.store.actors[owner].name if owner >= 0 else "idle"
                t.append(f"{mark}{lane.title[:12]:<12} {who}\n")
                continue
            span = self.store.state_at(self.store.actors[lane.actor], cur)
            if span is None:
                t.append(f"{mark}{lane.title[:12]:<12} —\n", style="dim")
                continue
            word = State(span.state).name.lower()
            if span.state == State.WAITING and span.reason:
                word += f" ({Reason(span.reason).name.lower()})"
            extra = f" core {span.core}" if span.core >= 0 and span.state == State.RUNNING else ""
            if span.label:
                extra += f" “{span.label}”"
            t.append(f"{mark}{lane.title[:12]:<12} ", style="bold" if mark == "▶" else "")
            t.append(f"{word}{extra}\n", style=_STATE_STYLE.get(span.state, ""))
        return t

    def _narration(self, now: int) -> Text:
        t = Text("narration\n", style="dim")
        lo = self.store.bounds()[0]
        shown = [c for c in self.store.cues if c[0] <= now][-6:]
        for k, (ct, _, en, ja) in enumerate(shown):
            text = ja if self.lang == "ja" and ja else en
            style = "bold" if k == len(shown) - 1 else "dim"
            t.append(f"{seconds(ct - lo):>7} ", style="dim")
            t.append(f"{text}\n", style=style)
        return t

    def _banner(self) -> Text | None:
        end = self.store.end
        if end and end.get("outcome") not in (None, "done"):
            return Text(f" × {end['outcome']}: {end.get('message', '')} ", style="bold")
        failed = [
            a
            for a in self.store.actors
            if len(a) and a.state[-1] == State.FAILED and a.kind == Kind.THREAD
        ]
        if failed:
            names = ", ".join(a.name for a in failed)
            return Text(f" × failed: {names} ", style="bold")
        return None

    def _on_ended(self) -> None:
        if self.record:
            from tui import recording

            recording.save(self.store, self.record)
            self.notify(f"recorded {self.store.events} events to {self.record}")
        end = self.store.end
        if end.get("outcome") == "done":
            self.notify("the run finished: fit to the whole run", timeout=3)
        else:
            self.notify(f"{end.get('outcome')}: {end.get('message')}", severity="error")

    # -- actions ------------------------------------------------------------------------------

    def _bounds_now(self) -> tuple[int, int, int]:
        lo, hi = self.store.bounds()
        return lo, hi, self.now()

    def action_view(self, view: str) -> None:
        self.gantt.view = view
        self._refresh(force=True)

    def action_zoom(self, factor: float) -> None:
        self.timeline.zoom(factor, *self._bounds_now(), around=self.gantt.cursor)
        self._refresh(force=True)

    def action_pan(self, by: float) -> None:
        self.timeline.pan(by, *self._bounds_now())
        self._refresh(force=True)

    def on_gantt_panned(self, message: Gantt.Panned) -> None:
        self.action_pan(message.by)

    def on_gantt_cursor_moved(self, message: Gantt.CursorMoved) -> None:
        self.gantt.set_cursor(message.t, message.lane)
        self._refresh(force=True)

    def action_fit(self) -> None:
        running = self.live and self.run is not None and not self.run.finished
        self.timeline.fit(live=running)
        self._refresh(force=True)

    def action_pause(self) -> None:
        tl = self.timeline
        if self.live:
            if tl.follow:
                tl.freeze(*self._bounds_now())
                self.notify("view paused: the run goes on; space to follow again", timeout=2)
            else:
                tl.follow = True
                tl.span = None
        else:
            if not tl.playing and tl.position >= self.store.bounds()[1]:
                tl.position = self.store.bounds()[0]
            tl.playing = not tl.playing
        self._refresh(force=True)

    def action_step(self, direction: int) -> None:
        g = self.gantt
        lo, hi = self.store.bounds()
        here = g.cursor if g.cursor is not None else (lo if direction > 0 else self.now())
        t = self.store.next_event(here) if direction > 0 else self.store.prev_event(here)
        if t is None:
            self.app.bell()
            return
        if not self.live:
            self.timeline.playing = False
            if t > self.timeline.position:
                self.timeline.position = t
        elif self.timeline.follow:
            self.timeline.freeze(*self._bounds_now())
        start, end = self.timeline.window(lo, hi, self.now())
        if not start <= t < end and self.timeline.span is not None:
            self.timeline.start = t - self.timeline.span // 2
        g.set_cursor(t)
        self._refresh(force=True)

    def action_speed(self, up: bool) -> None:
        speed = self.timeline.faster(up)
        self.notify(f"replay speed {speed:g}×", timeout=1.5)
        self._refresh(force=True)

    def action_language(self) -> None:
        self.lang = "ja" if self.lang == "en" else "en"
        self._refresh(force=True)

    def action_again(self) -> None:
        if self.live and self.restart is not None:
            if self.run is not None and not self.run.finished:
                self.run.stop("run again")
                self.run.wait(10)
            run, store = self.restart()
            self.app.switch_screen(
                RunScreen(store, run=run, restart=self.restart, record=self.record, lang=self.lang)
            )
        elif not self.live:
            self.timeline.position = self.store.bounds()[0]
            self.timeline.playing = True
            self.gantt.set_cursor(None)
            self._refresh(force=True)

    def action_back(self) -> None:
        self.app.show_tour()  # type: ignore[attr-defined]

    def action_help(self) -> None:
        if self.app.screen.query("HelpPanel"):
            self.app.action_hide_help_panel()
        else:
            self.app.action_show_help_panel()


_NO_CURSOR = "cursor: n / p or click"

_STATE_STYLE = {
    State.RUNNING: "green",
    State.READY: "yellow",
    State.WAITING: "cyan",
    State.FAILED: "bold red",
    State.DONE: "dim",
    State.NEW: "dim",
}
