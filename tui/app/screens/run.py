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

from scenarios.supervisor.runner import Run
from scenarios.wire import Kind, Reason, State
from tui.app.widgets.gantt import Gantt
from tui.app.widgets.key_bar import KeyBar
from tui.app.widgets.text_panel import TextPanel
from tui.report import glyphs, headless
from tui.report.headless import seconds
from tui.trace.store import TraceStore
from tui.trace.timeline import Timeline

Restart = Callable[[], tuple[Run, TraceStore]]
"""Starts the same scenario again: a new run feeding a new store."""

TICK = 1 / 10
"""Redraw rate: 10 Hz keeps a live Gantt smooth and the UI near a tenth of a core."""

SIDE_EVERY = 250_000_000
"""While live, the header and the figures are redrawn every 250 ms (ns), together."""


class RunScreen(Screen[None]):
    """Lanes of one run: ``run`` is None for a replay."""

    # The key bar shows the keys a first-time viewer needs; ``?`` lists them all.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "view('threads')", "Threads"),
        Binding("c", "view('cores')", "Cores"),
        Binding("a", "view('coroutines')", "Coroutines"),
        Binding("plus,equals_sign", "zoom(0.5)", "Zoom in", key_display="+", show=False),
        Binding("minus", "zoom(2)", "Zoom out", key_display="-", show=False),
        Binding("left", "pan(-0.2)", "Pan left", show=False),
        Binding("right", "pan(0.2)", "Pan right", show=False),
        Binding("f", "fit", "Fit", show=False),
        # one key, four meanings: the bar shows the one that applies now (see check_action)
        Binding("space", "pause", "Pause"),
        Binding("space", "play", "Play"),
        Binding("space", "freeze", "Freeze"),
        Binding("space", "follow", "Follow"),
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
        caption: str | tuple[str, str] = "",
        present: bool = False,
        view: str = "threads",
    ) -> None:
        super().__init__()
        self.store = store
        self.caption = (caption, caption) if isinstance(caption, str) else caption
        """Shown first in the header, in English and Japanese: a talk's step ("3/10 · …")."""
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
        """Read the machine load at the next refresh, whatever the half-second throttle says."""
        self._figures_text = Text()
        self._figures_key: tuple[object, ...] = ()
        self._side_mark: int | None = None
        self._side_events = 0
        self.saved: str | None = None
        """Where the run was recorded, once it was."""

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
        self._timer = self.set_interval(TICK, self._tick)

    def on_screen_suspend(self) -> None:
        self._timer.pause()  # under the tour, the app's first screen rests

    def on_screen_resume(self) -> None:
        self._timer.resume()

    def on_resize(self) -> None:
        self.set_class(self.size.width < 80, "-narrow")
        self.set_class(80 <= self.size.width < 110, "-medium")
        self.call_after_refresh(self._refresh, True)

    def on_unmount(self) -> None:
        self.stop_run("the app was closed")

    def stop_run(self, why: str) -> None:
        """Stop the worker tree, keeping what was recorded (and saying where, at exit)."""
        if self.run is not None and not self.run.finished:
            self.run.stop(why)
            self.run.wait(10)
        self._save()

    def _save(self) -> None:
        if self.record and self.saved is None and self.store.events:
            from tui.formats import recording

            recording.save(self.store, self.record)
            self.saved = self.record
            note = f"recorded {self.store.events:,} events to {self.record}"
            # said in the figures (a toast would cover the lanes) and again once the app exits
            self.app.exit_notes.append(note)  # type: ignore[attr-defined]
            self._figures_key = ()

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
                self.refresh_bindings()
        if self.live and self.run is not None and not self.run.finished:
            moved = True
        self._refresh(force=moved, tick=True)

    def _refresh(self, force: bool = False, tick: bool = False) -> None:
        store = self.store
        key = (store.version, len(store.actors))
        changed = key != self._seen
        self._seen = key
        if self.live and store.end and not self._ended_seen:
            self._ended_seen = True
            self._figures_due = True
            self.timeline.fit(live=False)
            self.refresh_bindings()
            self._on_ended()
            changed = True
        if not (changed or force):
            return
        gantt = self.gantt
        gantt.sync_lanes()
        lo, hi = store.bounds()
        now = self.now()
        start, end = self.timeline.window(lo, hi, now)
        gantt.set_window(start, end, self.horizon(), origin=lo)
        if tick and self.growing and self._side_mark is not None:
            # a live run's text moves at 4 Hz, the lanes at 10: the header and the figures are
            # redrawn together, at the same instant, so they never disagree; repainting the
            # side panel every frame was a third of the UI's CPU while streaming (measured)
            clock = self.app.clock()  # type: ignore[attr-defined]
            if clock - self._side_mark < SIDE_EVERY and self._side_events:
                return
        self._side_mark = self.app.clock()  # type: ignore[attr-defined]
        self._side_events = self.store.events
        self._update_side(now)

    @property
    def growing(self) -> bool:
        """A live run still going: its store holds only the past, and grows."""
        return self.live and self.run is not None and not self.run.finished

    def horizon(self) -> int | None:
        """Where what is shown stops (None: the whole store): a replay's clock hides its future,
        a live run's now ends its open spans; a finished live run shows everything."""
        if self.live and not self.growing:
            return None
        return self.now()

    def _ended_by(self, now: int) -> bool:
        """Has the run's end been reached, at the clock shown?"""
        if not self.store.end:
            return False
        return self.live or now >= self.store.bounds()[1]

    # -- panels -------------------------------------------------------------------------------

    def _update_side(self, now: int) -> None:
        self._panel("run-header").content = self._header(now)
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
        # the figures read the clock the header and the chart read: recomputed when it moves
        key = (now, self.store.version, tuple(self._load), self.lang)
        if key != self._figures_key:
            self._figures_key = key
            self._figures_text = self._figures(now)
        self._panel("side").content = self._side(now)
        banner = self._panel("banner")
        text = self._banner(now)
        if banner.display != (text is not None):  # restyling costs: only on a change
            banner.display = text is not None
        if text is not None:
            banner.content = text

    def _header(self, now: int) -> Text:
        h = self.store.header
        m = h.get("machine", {})
        ja = self.lang == "ja"
        caption = self.caption[1] if ja and self.caption[1] else self.caption[0]
        title = "" if caption else h.get("title_ja" if ja else "title", "") or h.get("title", "")
        elapsed = seconds(max(0, now - self.store.bounds()[0]))
        at_end = not self.timeline.playing and self.timeline.position >= self.store.bounds()[1]
        if h.get("runs") and at_end:  # stacked runs, all shown: no replay to speak of
            state = f"COMPARISON of {len(h['runs'])} runs"
        elif self.live:
            state = "LIVE" if self.growing else "ENDED"
            if self.growing and not self.timeline.follow:
                state = "LIVE view frozen"
            state += f" {elapsed}"
        else:
            paused = "" if self.timeline.playing else " paused"
            state = f"REPLAY {self.timeline.speed:g}×{paused} {elapsed}"
            if h.get("runs"):
                state = f"COMPARISON of {len(h['runs'])} runs · {state}"
        gil = m.get("gil_enabled")
        machine = (
            f" │ Py {m.get('python', '?')} · GIL {'on' if gil else 'off'}"
            f" · {m.get('cpus_used', '?')}/{m.get('cores', '?')} cores │ {self.gantt.view}"
        )
        # what gives way on a narrow terminal, first to last: the title, then the machine; the
        # state (LIVE, REPLAY and the time) always shows
        width = self.size.width or 10_000
        short = " · ".join(caption.split(" · ")[1:]) or caption  # a talk's step without the deck
        stages = (
            (True, True, caption, True),
            (False, True, caption, True),
            (False, False, caption, True),
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

    def _side(self, now: int) -> Text:
        readout = self._readout()
        readout.rstrip()
        top = Text.assemble(self._figures_text, "\n", readout, "\n\n")
        return Text.assemble(top, self._narration(now, self._lines_left(top)))

    def _lines_left(self, text: Text) -> int:
        """Rows of the side panel below ``text``, once wrapped to the panel's width."""
        side = self._panel("side")
        width = max(1, side.content_region.width)
        used = len(text.wrap(self.app.console, width))
        return max(2, side.content_region.height - used)

    def _figures(self, now: int) -> Text:
        return Text.assemble(self._stats(now), "\n\n", self._meters())

    def _stats(self, now: int) -> Text:
        if self.store.header.get("runs"):
            return Text.assemble(
                headless.stacked_note(), "\n", ("events ", "dim"), f"{self.store.events:,}"
            )
        # a replay counts what had happened by its clock; the peak sweeps every span: once
        # the clock stands still (the run's end, a paused replay), not at every frame
        upto = self.horizon()
        moving = self.growing or (not self.live and self.timeline.playing)
        s = self.store.summary(peak=not moving, cores=False, until=upto)
        events = self.store.events if upto is None else self.store.events_until(upto)
        t = Text()
        t.append("wall ", style="dim")
        t.append(f"{seconds(s.wall)}\n", style="bold")
        t.append("CPU  ", style="dim")
        t.append(f"{seconds(s.cpu)}\n", style="bold")
        t.append("parallelism ", style="dim")
        t.append(f"{s.parallelism:.2f}\n", style="bold")
        t.append("most at once ", style="dim")
        t.append(f"{s.max_running if not moving else '…'}\n", style="bold")
        t.append("events ", style="dim")
        t.append(f"{events:,}", style="bold")
        if self.saved:
            t.append(f"\nrecorded to {self.saved}", style="dim")
        if self.growing:
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
        t = Text(no_wrap=True, overflow="ellipsis")
        t.append(f"cursor {seconds(cur - self.store.bounds()[0])}\n", style="bold")
        horizon = self.horizon()
        for i, lane in enumerate(g.lanes[:14]):
            mark = "▶" if g.selected == i else " "
            name = glyphs.cut(lane.title, 12).ljust(12)
            if horizon is not None and cur > horizon:  # a replay's future is not told either
                t.append(f"{mark}{name} …\n", style="dim")
                continue
            if lane.actor is None:
                assert lane.core is not None
                owner = self.store.core_buckets(lane.core, cur, cur + 1, 1)[0]
                who = self.store.actors[owner].name if owner >= 0 else "idle"
                t.append(f"{mark}{name} {who}\n")
                continue
            span = self.store.state_at(self.store.actors[lane.actor], cur)
            if span is None:
                t.append(f"{mark}{name} —\n", style="dim")
                continue
            word = State(span.state).name.lower()
            if span.state == State.WAITING and span.reason:
                word += f" ({Reason(span.reason).name.lower()})"
            extra = f" core {span.core}" if span.core >= 0 and span.state == State.RUNNING else ""
            if span.label:
                extra += f" “{span.label}”"
            t.append(f"{mark}{name} ", style="bold" if mark == "▶" else "")
            look = glyphs.STYLE.get(glyphs.LOOK.get(span.state, ""), "")
            t.append(f"{word}{extra}\n", style=look)
        return t

    def _narration(self, now: int, room: int = 8) -> Text:
        """The cues told by now, the newest last; older ones give way when the panel is short."""
        lo = self.store.bounds()[0]
        width = max(1, self._panel("side").content_region.width)
        shown = self.store.story([c for c in self.store.cues if c[0] <= now])[-6:]
        while True:
            t = Text("narration\n", style="dim")
            for k, (ct, _, en, ja) in enumerate(shown):
                text = ja if self.lang == "ja" and ja else en
                style = "bold" if k == len(shown) - 1 else "dim"
                t.append(f"{seconds(ct - lo):>7} ", style="dim")
                t.append(f"{text}\n", style=style)
            if len(shown) <= 1 or len(t.wrap(self.app.console, width)) <= room:
                return t
            shown = shown[1:]

    def _banner(self, now: int) -> Text | None:
        """What went wrong, once the clock shown has reached it: the outcome and each error's
        own last line (the exception a cook raised), wrapped, never cut."""
        end = self.store.end
        horizon = self.horizon()
        errors = [
            (self.store.actors[a].name, text.strip().splitlines()[-1])
            for t, a, text in self.store.errors
            if text.strip() and (horizon is None or t <= horizon)
        ]
        lines: list[str] = []
        if end and end.get("outcome") not in (None, "done") and self._ended_by(now):
            lines.append(f"× {end['outcome']}: {end.get('message', '')}")
        failed = [
            a.name
            for a in self.store.actors
            if len(a)
            and a.kind == Kind.THREAD
            and (i := self.store.visible(a, horizon)) >= 0
            and a.state[i] == State.FAILED
        ]
        if failed and not lines:
            lines.append(f"× failed: {', '.join(failed)}")
        if not lines:
            return None
        seen: set[str] = set()
        for who, last in errors[:3]:
            if last not in seen and last not in lines[0]:
                seen.add(last)
                lines.append(f"  {who}: {last}")
        return Text("\n".join(lines), style="bold")

    def _on_ended(self) -> None:
        # the header says ENDED and the banner what failed: no toast over the axis
        self._save()

    # -- actions ------------------------------------------------------------------------------

    def _bounds_now(self) -> tuple[int, int, int]:
        lo, hi = self.store.bounds()
        return lo, hi, self.now()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that cannot act here are not offered (and say nothing when pressed)."""
        if action == "speed":
            return not self.live  # a live run goes at the speed of the kitchen
        if action in ("pause", "play", "freeze", "follow"):
            return action == self._space_action()
        if action == "again":
            return not self.live or self.restart is not None
        return True

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
        self.timeline.fit(live=self.growing)
        self._refresh(force=True)

    def _space_action(self) -> str | None:
        """What space does now (None for a finished live run: nothing to pause)."""
        if self.live:
            if not self.growing:
                return None
            return "freeze" if self.timeline.follow else "follow"
        return "pause" if self.timeline.playing else "play"

    def action_pause(self) -> None:
        self._toggle()

    def action_play(self) -> None:
        self._toggle()

    def action_freeze(self) -> None:
        self._toggle()

    def action_follow(self) -> None:
        self._toggle()

    def _toggle(self) -> None:
        tl = self.timeline
        if self.live:
            if tl.follow:
                tl.freeze(*self._bounds_now())
            else:
                tl.follow = True
                tl.span = None
        else:
            if not tl.playing and tl.position >= self.store.bounds()[1]:
                tl.position = self.store.bounds()[0]
            tl.playing = not tl.playing
        self.refresh_bindings()
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
        self.refresh_bindings()
        start, end = self.timeline.window(lo, hi, self.now())
        if not start <= t < end and self.timeline.span is not None:
            self.timeline.start = t - self.timeline.span // 2
        g.set_cursor(t)
        self._refresh(force=True)

    def action_speed(self, up: bool) -> None:
        self.timeline.faster(up)  # the header says the speed: no toast over the lanes
        self._refresh(force=True)

    def action_language(self) -> None:
        self.lang = "ja" if self.lang == "en" else "en"
        self.app.lang = self.lang  # type: ignore[attr-defined]
        self._refresh(force=True)

    def action_again(self) -> None:
        if self.live and self.restart is not None:
            self.stop_run("run again")
            run, store = self.restart()
            again = RunScreen(
                store,
                run=run,
                restart=self.restart,
                record=self.record,
                lang=self.lang,
                caption=self.caption,
                present=self.present,  # a talk's step stays a talk's step
                view=self.gantt.view,
            )
            self.app.switch_screen(again)
        elif not self.live:
            self.timeline.position = self.store.bounds()[0]
            self.timeline.playing = True
            self.refresh_bindings()
            self.gantt.set_cursor(None)
            self._refresh(force=True)

    def action_back(self) -> None:
        self.stop_run("back to the tour")
        self.app.show_tour()  # type: ignore[attr-defined]

    def action_help(self) -> None:
        # the key list takes the figures' place: the chart keeps its width, axis and legend
        if self.app.screen.query("HelpPanel"):
            self.app.action_hide_help_panel()
            self.remove_class("-help")
        else:
            self.app.action_show_help_panel()
            self.add_class("-help")


_NO_CURSOR = "cursor: n / p or click"
