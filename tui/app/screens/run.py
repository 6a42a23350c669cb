"""The run screen: one run's lanes, live or replayed, with narration, figures and the cursor.

A timer reads the store's version (a dirty flag the collector bumps) and redraws only when
something changed or the clock moved; the collector thread never touches a widget.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.geometry import Region, Size
from textual.screen import Screen
from textual.strip import Strip

from tui.app import panels
from tui.app.messages import BackToTour, CursorMoved, LanguageChanged, Panned
from tui.app.pace import FASTEST, Pace
from tui.app.panels import Moment
from tui.app.sources import Host, Source
from tui.app.widgets.gantt import Gantt
from tui.app.widgets.key_bar import KeyBar
from tui.app.widgets.plain import Covered, plain
from tui.app.widgets.text_panel import TextPanel
from tui.trace.timeline import Timeline

TICK = FASTEST
"""Redraw rate: up to 30 frames a second while live or playing, paced to a CPU budget
(:mod:`tui.app.pace`); a frame repaints only the rows whose picture changed."""

SIDE_EVERY = 250_000_000
"""While live, the header and the figures are redrawn every 250 ms (ns), together."""


class Body(Container):
    """The chart and the side panel, which cover it: its own background is never seen."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._covered = Covered()

    def render_lines(self, crop: Region) -> list[Strip]:
        if plain(self):  # see tui.app.widgets.plain
            return self._covered.lines(self, crop)
        return super().render_lines(crop)


class RunScreen(Screen[None]):
    """Lanes of one run, from a :class:`Source`: a live run, a recording, or a fed store."""

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
        source: Source,
        host: Host,
        *,
        autoplay: bool = True,
        lang: str = "en",
        caption: str | tuple[str, str] = "",
        present: bool = False,
        view: str = "threads",
    ) -> None:
        super().__init__()
        self.source = source
        self.host = host
        """The clock, the machine-load reader and where to tell a saved recording: the app's."""
        self.store = store = source.store
        self.caption = (caption, caption) if isinstance(caption, str) else caption
        """Shown first in the header, in English and Japanese: a talk's step ("3/10 · …")."""
        self.present = present
        self.first_view = view
        self.lang = lang
        self.timeline = Timeline()
        self.live = source.live
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
        self._told: str | None = None
        """The recording the app was told about."""
        self._panels_size = Size(0, 0)
        """The screen's size when the header and the banner were last made."""
        self._covered = Covered()
        self.pace = Pace()
        """Whether a moving chart's next frame is due (its CPU budget)."""

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TextPanel(id="run-header")
        yield TextPanel(id="banner")
        # No container per column: the side panel docks right and the axis docks under the
        # chart; each widget fewer is measurably less time to the first frame.
        with Body(id="run-body"):
            # figures, cursor readout and narration in one panel of fixed height: one widget
            # to style and lay out, and no layout at all when the text grows or shrinks
            yield TextPanel(id="side", make=lambda w, h: self._side_text(self.now(), w, h))
            yield Gantt(self.store, row_height=2 if self.present else 1, id="gantt")
        yield KeyBar()

    def render_lines(self, crop: Region) -> list[Strip]:
        # the header, the body and the key bar cover the screen: its background is not seen
        if plain(self):
            return self._covered.lines(self, crop)
        return super().render_lines(crop)

    def _panel(self, name: str) -> TextPanel:
        return self.query_one(f"#{name}", TextPanel)

    @property
    def gantt(self) -> Gantt:
        return self.query_one(Gantt)

    def on_mount(self) -> None:
        self._last_tick = self.host.clock()
        if self.present:  # on a projector: tall lanes (see compose) in high contrast
            self.add_class("-present")
        self.gantt.view = self.first_view
        self.gantt.lang = self.lang
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
        # the header and the banner are made for the screen's width (the side panel remakes
        # itself for its own size): a new screen gets three resizes of the size it has
        if self.size != self._panels_size:
            self.call_after_refresh(self._refresh, True)

    def on_unmount(self) -> None:
        self.stop_run("the app was closed")

    def stop_run(self, why: str) -> None:
        """Stop the source (a run's worker tree), keeping what was recorded; the app says
        where once its terminal is back."""
        self.source.stop(why)
        saved = self.source.saved
        if saved is not None and saved != self._told:
            self._told = saved
            self.host.noted(f"recorded {self.store.events:,} events to {saved}")
        failed = self.source.save_failed
        if failed is not None and failed != self._told:
            self._told = failed
            self.host.noted(f"could not record: {failed}")
            self.notify(f"could not record: {failed}", severity="error", markup=False)
            self._figures_key = ()  # the figures say so too (a toast would cover the lanes)

    # -- time ---------------------------------------------------------------------------------

    def now(self) -> int:
        """The instant the chart shows as "now", in ns since the run's time zero."""
        if self.live:
            if self.source.growing:
                return max(0, self.host.clock() - self.store.t0)
            return self.store.bounds()[1]
        return self.timeline.position

    def _tick(self) -> None:
        tl = self.timeline
        if (self.growing or (not self.live and tl.playing)) and not self.pace.due():
            return  # over its CPU budget: the chart moves at the next frame that is due
        clock = self.host.clock()
        dt = clock - self._last_tick
        self._last_tick = clock
        moved = False
        if not self.live and tl.playing:
            hi = self.store.bounds()[1]
            tl.position = min(hi, tl.position + int(dt * tl.speed))
            moved = True
            if tl.position >= hi:
                tl.playing = False
                self.refresh_bindings()
        if self.growing:
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
        # a live run's text moves at 4 Hz, the lanes at 10: the header and the figures are
        # redrawn together, at the same instant, so they never disagree; repainting the side
        # panel every frame was a third of the UI's CPU while streaming (measured)
        recent = self._side_mark is not None and self.host.clock() - self._side_mark < SIDE_EVERY
        if tick and self.growing and recent and self._side_events:
            return
        self._side_mark = self.host.clock()
        self._side_events = self.store.events
        self._update_side(now)

    @property
    def growing(self) -> bool:
        """A live run still going: its store holds only the past, and grows."""
        return self.live and self.source.growing

    def moment(self, now: int | None = None) -> Moment:
        """What the panels read: the clock shown, live or not, the language."""
        return Moment(self.now() if now is None else now, self.live, self.growing, self.lang)

    def horizon(self) -> int | None:
        """Where what is shown stops (None: the whole store): see :attr:`Moment.horizon`."""
        return self.moment().horizon

    # -- panels -------------------------------------------------------------------------------

    def _update_side(self, now: int) -> None:
        at = self.moment(now)
        self._panels_size = self.size
        width = self.size.width or 10_000
        header = panels.header(self.store, at, self.timeline, self.gantt.view, self.caption, width)
        self._panel("run-header").content = header
        clock = self.host.clock() / 1e9
        if clock - self._rate_mark[0] >= 0.5:
            prev_t, prev_n = self._rate_mark
            if prev_t != float("-inf"):
                self._events_rate = (self.store.events - prev_n) / (clock - prev_t)
            self._rate_mark = (clock, self.store.events)
        if clock - self._load_mark >= 0.5 or self._figures_due:
            self._figures_due = False
            self._load_mark = clock
            self._load = self.host.load()
        side = self._panel("side")
        width, height = side.size
        if width:  # laid out; before, the panel makes its text when first drawn (see make)
            side.content = self._side_text(now, width, height)
        banner = self._panel("banner")
        text = panels.banner(self.store, at, banner.content_region.width or self.size.width)
        if banner.display != (text is not None):  # restyling costs: only on a change
            banner.display = text is not None
        if text is not None:
            banner.content = text

    def _side_text(self, now: int, width: int, height: int) -> Text:
        """The side panel for its content size: figures, the cursor's readout, narration."""
        at = self.moment(now)
        # the figures read the clock the header and the chart read: recomputed when it moves
        key = (now, self.store.version, tuple(self._load), self.lang, self.source.saved, width)
        if key != self._figures_key:
            self._figures_key = key
            # the peak sweeps every span: once the clock stands still, not at every frame
            moving = self.growing or (not self.live and self.timeline.playing)
            figures = panels.stats(
                self.store, at, moving, self.source.saved, self._events_rate, width
            )
            meters = panels.meters(self._load, self.live, self.lang)  # empty when none was read
            self._figures_text = (
                Text.assemble(figures, "\n\n", meters) if meters else figures + "\n"
            )
        g = self.gantt
        readout = panels.readout(self.store, g.lanes, g.cursor, g.selected, at.horizon, self.lang)
        readout.rstrip()
        top = Text.assemble(self._figures_text, "\n", readout, "\n\n")
        # the rows of the panel below ``top``, once wrapped to its width
        left = max(2, height - len(top.wrap(self.app.console, max(1, width))))
        told = panels.narration(self.store, at, self.app.console, width, left)
        return Text.assemble(top, told)

    def _on_ended(self) -> None:
        # the header says ENDED and the banner what failed: no toast over the axis
        self.stop_run("the run ended")

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
            return not self.live or self.source.restartable
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

    def on_panned(self, message: Panned) -> None:
        self.action_pan(message.by)

    def on_cursor_moved(self, message: CursorMoved) -> None:
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
        self.gantt.lang = self.lang
        self.post_message(LanguageChanged(self.lang))
        self.refresh_bindings()  # the key bar says its keys in the new language
        self._refresh(force=True)

    def action_again(self) -> None:
        if self.live and self.source.restartable:
            self.stop_run("run again")
            source = self.source.again()
            assert source is not None  # restartable
            again = RunScreen(
                source,
                self.host,
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
        self.post_message(BackToTour())

    def action_help(self) -> None:
        # the key list takes the figures' place: the chart keeps its width, axis and legend
        if self.app.screen.query("HelpPanel"):
            self.app.action_hide_help_panel()
            self.remove_class("-help")
        else:
            self.app.action_show_help_panel()
            self.add_class("-help")
