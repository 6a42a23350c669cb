"""The Gantt chart: a Line-API widget whose cost per frame follows the visible cells.

Only rows ``scroll_y .. scroll_y + height`` are rendered; each row asks the store for the
dominant state of each cell in the time window (a binary search into that actor's arrays, then
the spans inside the window), merges runs of equal style into one segment, and caches the strip
under every input that changes it. The lane-name column is part of each strip, so it stays put
while the time window pans.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.events import Click, MouseScrollDown, MouseScrollLeft, MouseScrollRight, MouseScrollUp
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from scenarios.model import FINAL_STATES, Kind, State
from tui.glyphs import ACTOR_COLOURS, GLYPH, PROCESS_ALIVE
from tui.store import Actor, TraceStore

VIEWS = ("threads", "cores", "coroutines")


@dataclass(frozen=True)
class Lane:
    """One row: an actor's states, or a core's occupants, or a group heading."""

    title: str
    depth: int
    actor: int | None = None
    """Store index of the actor whose states fill the row."""
    core: int | None = None
    """For the cores view: which CPU."""
    heading: bool = False
    """A group row (the process of a thread, the thread of a task): drawn dimmer."""


def lanes_for(store: TraceStore, view: str) -> list[Lane]:
    """The rows of one view, in tree order."""
    if view == "cores":
        return [Lane(f"core {c}", 0, core=c) for c in store.cores()]
    out: list[Lane] = []
    for depth, a in store.ordered():
        if view == "threads" and a.kind in (Kind.PROCESS, Kind.THREAD):
            out.append(Lane(a.name, depth, actor=a.index, heading=a.kind == Kind.PROCESS))
        elif view == "coroutines":
            has_tasks = any(c.kind == Kind.TASK for c in store.children(a.index))
            if a.kind == Kind.TASK:
                out.append(Lane(a.name, 1, actor=a.index))
            elif a.kind == Kind.THREAD and has_tasks:
                out.append(Lane(f"{a.name} (loop)", 0, actor=a.index, heading=True))
    return out


class Gantt(ScrollView, can_focus=True):
    """Lanes of states over a time window ``[start, end)`` in ns since the run's time zero."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "gantt--name",
        "gantt--heading",
        "gantt--running",
        "gantt--ready",
        "gantt--waiting",
        "gantt--new",
        "gantt--done",
        "gantt--failed",
        "gantt--process",
        "gantt--future",
        "gantt--cursor",
        "gantt--selected",
    }

    DEFAULT_CSS = """
    Gantt { background: $surface; }
    Gantt > .gantt--name { color: $text; }
    Gantt > .gantt--heading { color: $text-muted; text-style: bold; }
    Gantt > .gantt--running { color: $success; }
    Gantt > .gantt--ready { color: $warning; }
    Gantt > .gantt--waiting { color: $secondary; }
    Gantt > .gantt--new { color: $text-disabled; }
    Gantt > .gantt--done { color: $text-disabled; }
    Gantt > .gantt--failed { color: $error; text-style: bold; }
    Gantt > .gantt--process { color: $primary-lighten-2; }
    Gantt > .gantt--future { color: $text-disabled; }
    Gantt > .gantt--cursor { background: $foreground 30%; }
    Gantt > .gantt--selected { background: $boost; text-style: bold; }
    """

    view: reactive[str] = reactive("threads")
    """Which lanes: ``threads``, ``cores`` or ``coroutines``."""

    class CursorMoved(Message):
        """The user put the cursor on a time (and maybe a lane) with the mouse."""

        def __init__(self, t: int, lane: int | None) -> None:
            super().__init__()
            self.t = t
            self.lane = lane

    class Panned(Message):
        """The user scrolled the time window; ``by`` is a fraction of its width."""

        def __init__(self, by: float) -> None:
            super().__init__()
            self.by = by

    def __init__(
        self, store: TraceStore, *, name_width: int = 26, row_height: int = 1, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.store = store
        self.name_width = name_width
        self._max_name_width = name_width
        self.row_height = row_height
        """Screen lines per lane: 2 on a projector (``cookline present``)."""
        self.start = 0
        self.end = 1
        self.now: int | None = None
        """Cells after ``now`` are the future: not drawn (replay, live)."""
        self.cursor: int | None = None
        self.selected: int | None = None
        """Index of the lane the cursor's readout is about."""
        self.lanes: list[Lane] = []
        self._lane_key: tuple[int, int, int, str] = (-1, -1, -1, "")
        self._cache: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self._lane_states: LRUCache[tuple[int, ...], tuple[int, list[int], int, int]] = LRUCache(
            4096
        )
        """Per lane and window: (cells final so far, the cells, events seen, cells computed)."""
        self._styles: dict[str, Style] = {}
        """Component styles combined with the widget's own, built once per style change."""

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = {}
        self._cache.clear()

    def _style(self, name: str) -> Style:
        """``base + gantt--NAME`` (``base`` alone for ""), cached: styles cost more than cells."""
        style = self._styles.get(name)
        if style is None:
            base = self.rich_style
            style = base if not name else base + self.get_component_rich_style(f"gantt--{name}")
            self._styles[name] = style
        return style

    # -- what the screen sets -------------------------------------------------------------

    @property
    def cells(self) -> int:
        return max(1, self.size.width - self.name_width - 1)

    def set_window(self, start: int, end: int, now: int | None = None) -> None:
        end = max(end, start + 1)
        if (start, end, now) != (self.start, self.end, self.now):
            self.start, self.end, self.now = start, end, now
            self.refresh()

    def set_cursor(self, t: int | None, lane: int | None = None) -> None:
        self.cursor = t
        if lane is not None:
            self.selected = lane
        self.refresh()

    def sync_lanes(self) -> bool:
        """Rebuild the rows when actors appear or the view changes; True if they changed."""
        key = (len(self.store.actors), self.store.renames, len(self.store.cores()), self.view)
        if key == self._lane_key:
            return False
        self._lane_key = key
        self.lanes = lanes_for(self.store, self.view)
        # the width is never scrolled; keeping it fixed spares a layout when the widget resizes
        self.virtual_size = Size(1, len(self.lanes) * self.row_height)
        self.refresh()
        return True

    def watch_view(self) -> None:
        self.selected = None
        self.sync_lanes()
        self.scroll_to(y=0, animate=False)

    def on_resize(self) -> None:
        # names take at most a third of a narrow terminal: the chart is the point
        self.name_width = max(8, min(self._max_name_width, self.size.width // 3))

    def time_at(self, x: int) -> int | None:
        """The time under column ``x`` of the widget, if it is in the chart."""
        col = x - self.name_width - 1
        if col < 0 or col >= self.cells:
            return None
        return int(self.start + (col + 0.5) * (self.end - self.start) / self.cells)

    # -- mouse ------------------------------------------------------------------------------

    def on_click(self, event: Click) -> None:
        row = (event.y + int(self.scroll_y)) // self.row_height
        lane = row if 0 <= row < len(self.lanes) else None
        t = self.time_at(event.x)
        if t is None and lane is not None:
            t = self.cursor
        if t is not None:
            self.post_message(self.CursorMoved(t, lane))

    def _pan_or_scroll(self, by: float, event: MouseScrollDown | MouseScrollUp) -> None:
        if len(self.lanes) * self.row_height <= self.size.height or event.shift:
            event.stop()
            event.prevent_default()
            self.post_message(self.Panned(by))

    def on_mouse_scroll_down(self, event: MouseScrollDown) -> None:
        self._pan_or_scroll(0.1, event)

    def on_mouse_scroll_up(self, event: MouseScrollUp) -> None:
        self._pan_or_scroll(-0.1, event)

    def on_mouse_scroll_right(self, event: MouseScrollRight) -> None:
        event.stop()
        self.post_message(self.Panned(0.1))

    def on_mouse_scroll_left(self, event: MouseScrollLeft) -> None:
        event.stop()
        self.post_message(self.Panned(-0.1))

    # -- rendering --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        line = y + int(self.scroll_y)
        row, part = divmod(line, self.row_height)
        width = self.size.width
        base = self._style("")
        if row >= len(self.lanes) or width <= 0:
            return Strip.blank(width, base)
        lane = self.lanes[row]
        length = self._lane_length(lane)
        cells = self.cells
        cursor_col = None
        if self.cursor is not None and self.start <= self.cursor < self.end:
            cursor_col = int((self.cursor - self.start) * cells / (self.end - self.start))
        key = (
            row,
            lane,
            length,
            self.start,
            self.end,
            self.now,
            cells,
            cursor_col,
            self.selected == row,
            self.store.version if lane.core is not None else 0,
            width,
        )
        strip = self._cache.get(key)
        if strip is None:
            strip = self._render_lane(row, lane, cells, cursor_col, width)
            self._cache[key] = strip
        if part:  # a tall lane's lower line: the same cells under a blank name
            lower = self._cache.get((*key, "lower"))
            if lower is None:
                blank = Strip.blank(self.name_width, self._style("name"))
                lower = Strip.join([blank, strip.crop(self.name_width, width)])
                self._cache[(*key, "lower")] = lower
            return lower
        return strip

    def _lane_length(self, lane: Lane) -> int:
        if lane.actor is not None:
            return len(self.store.actors[lane.actor])
        return 0

    def _render_lane(
        self, row: int, lane: Lane, cells: int, cursor_col: int | None, width: int
    ) -> Strip:
        name_style = self._style("heading" if lane.heading else "name")
        if self.selected == row:
            name_style += self._style("selected")
        title = "  " * lane.depth + lane.title
        if len(title) > self.name_width:
            title = title[: self.name_width - 1] + "…"
        segments = [
            Segment(title.ljust(self.name_width), name_style),
            Segment("│", self._style("future")),
        ]
        codes, look = self._codes(lane, cells)
        if self.now is not None and self.now < self.end:
            cut = max(0, int((self.now - self.start) * cells / (self.end - self.start)) + 1)
            if cut < cells:
                codes[cut:] = [_FUTURE] * (cells - cut)
        if cursor_col is not None and 0 <= cursor_col < cells:
            code = codes[cursor_col]
            glyph, style = look[code]
            codes[cursor_col] = _CURSOR
            look[_CURSOR] = ("┊" if glyph == " " else glyph, style + self._style("cursor"))
        # one segment per run of equal cells: segments, not cells, are what a frame costs
        for code, run in groupby(codes):
            glyph, style = look[code]
            segments.append(Segment(glyph * len(list(run)), style))
        return Strip(segments, width).crop(0, width)

    def _codes(self, lane: Lane, cells: int) -> tuple[list[int], dict[int, tuple[str, Style]]]:
        """Each cell as a small code, and what each code looks like (glyph, style)."""
        look: dict[int, tuple[str, Style]] = {_FUTURE: (" ", self._style("future"))}
        if lane.core is not None:
            owners = self.store.core_buckets(lane.core, self.start, self.end, cells, self.now)
            base = self._style("")
            look[-1] = ("·", self._style("future"))
            for o in set(owners) - {-1}:
                look[o] = (GLYPH[State.RUNNING], base + Style(color=_colour(o)))
            return owners, look
        assert lane.actor is not None
        actor = self.store.actors[lane.actor]
        process = actor.kind == Kind.PROCESS
        glyph = _PROCESS_GLYPH if process else GLYPH
        look.update(
            {
                -1: (glyph[-1], self._style("")),
                State.NEW: (glyph[State.NEW], self._style("new")),
                State.READY: (glyph[State.READY], self._style("ready")),
                State.RUNNING: (
                    glyph[State.RUNNING],
                    self._style("process" if process else "running"),
                ),
                State.WAITING: (glyph[State.WAITING], self._style("waiting")),
                State.DONE: (glyph[State.DONE], self._style("done")),
                State.FAILED: (glyph[State.FAILED], self._style("failed")),
            }
        )
        return list(self._states(actor, cells)), look

    def _states(self, actor: Actor, cells: int) -> list[int]:
        """The lane's cells, reusing those that cannot change any more.

        A cell that ends before the actor's last event is final for this window, and every
        cell from the last event to "now" is that event's state: a live frame computes one or
        two cells a lane, not the whole lane.
        """
        key = (actor.index, actor.edits, self.start, self.end, cells)
        cached = self._lane_states.get(key)
        if cached is not None and cached[0] >= cells:
            return cached[1]
        if not len(actor):
            return [-1] * cells
        width = (self.end - self.start) / cells
        t_last, last_state = actor.t[-1], actor.state[-1]
        final = last_state in FINAL_STATES
        upto = cells  # cells past "now" are the future: blank, nothing to compute
        if self.now is not None:
            upto = min(cells, int((self.now - self.start) / width) + 1)
        if cached is not None and cached[2] == len(actor):
            # no new event since: only the open state has grown towards now
            done_upto = min(cached[3], upto)
            states = cached[1][:done_upto] + [last_state] * (upto - done_upto)
            states += [-1] * (cells - upto)
            self._remember(key, (cached[0], states, cached[2], cached[3]))
            return states
        k0 = max(0, cached[0] - 1) if cached is not None else 0
        upto = max(k0, upto)
        k_last = int((t_last - self.start) / width)
        k_end = upto if final else max(k0, min(upto, k_last + 1))
        fresh = self.store.buckets(
            actor,
            int(self.start + k0 * width),
            int(self.start + k_end * width),
            k_end - k0,
            self.now,
        )
        prefix = cached[1][:k0] if cached is not None else []
        states = prefix + fresh + [last_state] * (upto - k_end) + [-1] * (cells - upto)
        valid = cells if final else max(0, min(cells, k_last))
        self._remember(key, (valid, states, len(actor), k_end))
        return states

    def _remember(self, key: tuple[int, ...], entry: tuple[int, list[int], int, int]) -> None:
        # Textual's LRUCache.set leaves an existing key's value as it was: replace, don't set
        self._lane_states.discard(key)
        self._lane_states[key] = entry


_FUTURE = -2
_CURSOR = -3


def _colour(actor: int) -> str:
    return ACTOR_COLOURS[actor % len(ACTOR_COLOURS)]


_PROCESS_GLYPH = {**GLYPH, State.RUNNING: PROCESS_ALIVE}
