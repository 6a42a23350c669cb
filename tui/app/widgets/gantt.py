"""The Gantt chart: a Line-API widget whose cost per frame follows the visible cells.

Only rows ``scroll_y .. scroll_y + height`` are rendered; each row asks the store for the
dominant state of each cell in the time window (a binary search into that actor's arrays, then
the spans inside the window), merges runs of equal style into one segment, and caches the strip
under every input that changes it. The lane-name column is part of each strip, so it stays put
while the time window pans.
"""

from __future__ import annotations

from itertools import groupby
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.events import Click, MouseScrollDown, MouseScrollLeft, MouseScrollRight, MouseScrollUp
from textual.filter import ANSIToTruecolor, LineFilter
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from scenarios.wire import FINAL_STATES, Kind, State
from tui.app.messages import CursorMoved, Panned
from tui.app.widgets.plain import background, plain
from tui.app.widgets.repaint import refresh_rows
from tui.report import glyphs, words
from tui.report.glyphs import GLYPH, PROCESS_ALIVE
from tui.report.headless import seconds
from tui.report.words import say
from tui.trace import raster
from tui.trace.lanes import Lane, empty_note, lanes_for
from tui.trace.store import Actor, TraceStore
from tui.trace.text import pad

NAME_MAX = 48
"""The widest the name column grows on a wide terminal."""


class Gantt(ScrollView, can_focus=True):
    """Lanes of states over a time window ``[start, end)`` in ns since the run's time zero."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "gantt--name",
        "gantt--heading",
        "gantt--running",
        "gantt--ready",
        "gantt--ready-gil",
        "gantt--ready-core",
        "gantt--ready-loop",
        "gantt--ready-start",
        "gantt--waiting",
        "gantt--new",
        "gantt--done",
        "gantt--failed",
        "gantt--process",
        "gantt--future",
        "gantt--cursor",
        "gantt--selected",
    }

    DEFAULT_CSS = (
        """
    Gantt { background: $surface; }
    Gantt > .gantt--name { color: $text; }
    Gantt > .gantt--heading { color: $text-muted; text-style: bold; }
    Gantt > .gantt--future { color: $text-disabled; }
    Gantt > .gantt--cursor { background: $foreground 30%; }
    Gantt > .gantt--selected { background: $boost; text-style: bold; }
    """
        # the states' colours: the one table the headless view and the legend read too
        + "".join(
            f"Gantt > .gantt--{look} {{ color: {style.split()[-1]};"
            + (" text-style: bold;" if "bold" in style else "")
            + " }\n"
            for look, style in glyphs.STYLE.items()
        )
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        # the chart's arrows pan time (a ScrollView's would scroll an axis that never scrolls)
        Binding("left", "pan(-0.2)", "Pan left", show=False),
        Binding("right", "pan(0.2)", "Pan right", show=False),
    ]

    view: reactive[str] = reactive("threads")
    """Which lanes: ``threads``, ``cores`` or ``coroutines``."""
    lang: reactive[str] = reactive("en")
    """The language of the names, the legend and the key."""

    def __init__(
        self, store: TraceStore, *, name_width: int = 26, row_height: int = 1, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.store = store
        self._min_name_width = name_width
        """The name column's width on a terminal of 80 columns or more (less on narrower)."""
        self.row_height = row_height
        """Screen lines per lane: 2 on a projector (``cookline present``)."""
        self.start = 0
        self.end = 1
        self.now: int | None = None
        """Cells after ``now`` are the future: not drawn (replay, live)."""
        self.origin = 0
        """The axis counts time from here (the run's first event)."""
        self.cursor: int | None = None
        self.selected: int | None = None
        """Index of the lane the cursor's readout is about."""
        self.lanes: list[Lane] = []
        self.titles: list[str] = []
        """Each lane's name as shown, in the language shown."""
        self._lane_key: tuple[int, int, int, str, str] = (-1, -1, -1, "", "")
        self._longest = 0
        self._geometry_key: tuple[object, ...] = ()
        self._geometry_value: tuple[int, int, list[list[tuple[str, str, str]]], int] = (
            1,
            1,
            [],
            0,
        )
        self._cache: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self._lane_states: LRUCache[tuple[int, ...], tuple[int, list[int]]] = LRUCache(4096)
        """Per lane and window: (cells final so far, the cells computed up to now)."""
        self._cores_frame: LRUCache[tuple[int | None, ...], raster.Occupancy] = LRUCache(64)
        """Each core lane's occupancy for one frame, shared by its lane and the key."""
        self._cores_final: LRUCache[tuple[int, ...], tuple[int, raster.Occupancy]] = LRUCache(64)
        """Per core and window: (cells final so far, the cells computed up to now)."""
        self._styles: dict[str, Style] = {}
        """Component styles combined with the widget's own, built once per style change."""
        self._looks: dict[bool, dict[int, tuple[str, Style]]] = {}
        """A thread's lane's look and a process's (by ``process``), made once per style."""
        self._truecolor: bool | None = None
        """Every style the rows are drawn in is truecolor (None: not asked since the last
        style change)."""
        self._frame_geometry: tuple[int, int, list[list[tuple[str, str, str]]], int] | None = None
        """The geometry of the frame being drawn (None between frames)."""
        self._frame_size: tuple[int, int, int] | None = None
        """(drawing width, height, scroll row) while one frame is drawn: Textual's ``size``
        and regions walk the DOM at every read, which was a fifth of a live frame."""
        self._shown: dict[int, Strip] = {}
        """Each row's strip as last painted: a live frame repaints only the rows that differ."""
        self._painting = False
        """Textual is painting rows now (what ``render_line`` returns is then on screen)."""
        self._batch: dict[int, list[int]] | None = None
        """While a frame is drawn: lanes' cells computed together, taken by their rows."""
        self._batched = False
        """The frame has computed its lanes together once (later misses go alone)."""
        self._this_frame: dict[tuple[object, ...], Strip] = {}
        """The rows the last live frame's diff drew, under their keys without the lanes'
        lengths: what the paint that follows shows."""
        self._diffing = False
        """:meth:`_repaint_changed` is drawing rows now."""
        self._component_key: tuple[object, ...] | None = None
        """What the component classes' styles were last made under (see below)."""

    def _get_component_classes(self) -> frozenset[str]:  # type: ignore[override]
        """The component classes for Textual to restyle: none when nothing they depend on
        changed since they were last styled.

        Textual restyles every component class of a widget at each restyle of the widget
        (its focus, its screen's resume): sixteen virtual nodes matched against the whole
        stylesheet each time, most of the chart's styling in a screen's first frame
        (measured). Their rules depend on the stylesheet (a new theme parses it anew) and on
        the classes of the chart and its ancestors (``-present``), never on a pseudo-class,
        so those are the key; with none returned Textual keeps the styles it made."""
        key = (
            self.app.stylesheet.rules,
            self.app.ansi_color,
            self.app.no_color,
            tuple((type(node), node.id, node.classes) for node in self.ancestors_with_self),
        )
        last = self._component_key
        self._component_key = key
        if last is not None and last[0] is key[0] and last[1:] == key[1:]:
            return frozenset()
        return super()._get_component_classes()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = {}
        self._looks = {}
        self._truecolor = None
        self._cache.clear()

    def _style(self, name: str) -> Style:
        """``base + gantt--NAME`` (``base`` alone for ""), cached: styles cost more than cells."""
        style = self._styles.get(name)
        if style is None:
            base = self.rich_style
            style = base if not name else base + self.get_component_rich_style(f"gantt--{name}")
            self._styles[name] = style
        return style

    # -- geometry: every part of the picture reads these, at the moment it is drawn ----------

    def _geometry(self) -> tuple[int, int, list[list[tuple[str, str, str]]], int]:
        """(name column, cells, legend lines, rows for lanes) for the size now; computed once
        per size and names (each part of a frame asks, and ``size`` is not free); while a
        frame is drawn, once for the frame (its rows asked for it twice each, and reading the
        view and the language, Textual reactives, was a tenth of a large frame)."""
        if self._frame_geometry is not None:
            return self._frame_geometry
        width, height, _ = self._sizes()
        cores = self.view == "cores"
        key = (
            width,
            height,
            self._longest,
            cores,
            self.lang,
            *((self.start, self.end, self.now, self.store.version) if cores else ()),
        )
        if key != self._geometry_key:
            wanted = max(self._min_name_width, min(NAME_MAX, self._longest + 1))
            names = max(6, min(wanted, width // 3))
            legend = (
                glyphs.core_key(
                    self._drawn_on_cores(max(1, width - names - 1)), width, lang=self.lang
                )
                if cores
                else glyphs.legend_lines(width, lang=self.lang)
            )
            rows = max(0, height - 2 - len(legend))
            self._geometry_key = key
            self._geometry_value = (names, max(1, width - names - 1), legend, rows)
        if self._frame_size is not None:
            self._frame_geometry = self._geometry_value
        return self._geometry_value

    def _sizes(self) -> tuple[int, int, int]:
        """(drawing width, height, scroll row): the frame's own while one is drawn."""
        if self._frame_size is not None:
            return self._frame_size
        # the drawing width leaves out the vertical scrollbar, which covers the last column
        return (
            self.scrollable_content_region.width,
            self.size.height,
            self.scroll_offset.y,
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        """One frame: the sizes are read once for all its rows."""
        self._frame_size = self._sizes()
        self._frame_geometry = None
        self._painting = True
        self._batch, self._batched = {}, False
        try:
            if plain(self):
                return self._paint(crop)
            return super().render_lines(crop)
        finally:
            self._frame_size = self._frame_geometry = None
            self._painting = False
            self._batch = None

    def _pad_style(self) -> Style:
        """The column under the scrollbar, padded as Textual pads it: the background alone."""
        return background(self)

    def _changes(self, line_filter: LineFilter) -> bool:
        """Whether ``line_filter`` may change a row: ANSI-to-truecolor does not while every
        style the rows are drawn in is truecolor, no dim (the themes' own colours, and the
        states' and actors' hex colours), and it was three quarters of the chart's paint while
        40 lanes streamed (sampled)."""
        if not isinstance(line_filter, ANSIToTruecolor):
            return True
        if self._truecolor is None:
            names = ["", *(c.removeprefix("gantt--") for c in self.COMPONENT_CLASSES)]
            styles = [self._style(name) for name in names]
            styles.append(self._pad_style())
            self._truecolor = all(
                not style.dim
                and (style.color is None or style.color.triplet is not None)
                and (style.bgcolor is None or style.bgcolor.triplet is not None)
                for style in styles
            )
        return not self._truecolor

    def _paint(self, crop: Region) -> list[Strip]:
        """The rows as Textual paints a plain widget's lines, without its styling pass: each
        row was drawn at its full width in its own background, so what that pass added was a
        copy of every row at every frame (a fifth of the UI's time while streaming, measured).
        The app's line filters (its ANSI theme, no-colour mode) still apply, and are kept with
        the row, so a row unchanged since the last frame is filtered once."""
        width = self.size.width
        background = self.background_colors[1]
        pad = self._pad_style()
        filters = [f for f in self.get_line_filters() if self._changes(f)]
        strips = []
        for y in crop.line_range:
            strip = self.render_line(y).adjust_cell_length(width, pad)
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, background)
            strips.append(strip)
        if crop.column_span != (0, width):
            x1, x2 = crop.column_span
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips

    @property
    def name_width(self) -> int:
        """The lane-name column: wide enough for the longest name where there is room, never
        more than a third of the widget; read from the size now, so a resize moves the names,
        the lanes and the axis together."""
        return self._geometry()[0]

    @property
    def cells(self) -> int:
        return self._geometry()[1]

    @property
    def footer_height(self) -> int:
        """Rows under the lanes: the axis marks, its labels and the legend."""
        return 2 + len(self._geometry()[2])

    @property
    def lane_rows(self) -> int:
        """Screen rows the lanes have (the footer keeps the bottom)."""
        return self._geometry()[3]

    def set_window(self, start: int, end: int, now: int | None = None, origin: int = 0) -> None:
        end = max(end, start + 1)
        if (start, end, now, origin) != (self.start, self.end, self.now, self.origin):
            self.start, self.end, self.now, self.origin = start, end, now, origin
            self._repaint_changed()

    def _repaint_changed(self) -> None:
        """Repaint the rows whose picture changed, not the whole chart.

        A live frame moves "now" 30 times a second, and most rows look the same after it (a
        cell spans many frames): each row is drawn here (its strip is cached for the paint
        that follows) and compared with the one on screen. At 30 frames a second, repainting
        every row of a 40-lane stream took 44-48 % of a core, repainting the changed ones
        31-42 % (README, "Speed").
        """
        if not self._shown or not self.is_mounted:
            self.refresh()
            return
        self._frame_size = self._sizes()
        self._frame_geometry = None
        self._batch, self._batched = {}, False
        self._this_frame = {}
        self._diffing = True
        try:
            width, height, _ = self._frame_size
            changed = [self._line(y) != self._shown.get(y) for y in range(height)]
        finally:
            self._frame_size = self._frame_geometry = None
            self._batch = None
            self._diffing = False
        refresh_rows(self, changed, width)

    def set_cursor(self, t: int | None, lane: int | None = None) -> None:
        self.cursor = t
        if lane is not None:
            self.selected = lane
        self.refresh()

    def sync_lanes(self) -> bool:
        """Rebuild the rows when actors appear or the view changes; True if they changed."""
        store = self.store
        # only the cores view has a lane per core: the others do not pay, at every live
        # frame, for finding the cores of every new event
        cores = len(store.cores()) if self.view == "cores" else 0
        key = (len(store.actors), store.renames, cores, self.view, self.lang)
        if key == self._lane_key:
            return False
        self._lane_key = key
        self.lanes = lanes_for(store, self.view)
        self.titles = [words.lane_title(store.header, lane, self.lang) for lane in self.lanes]
        self._longest = max(
            (2 * lane.depth + cell_len(t) for lane, t in zip(self.lanes, self.titles, strict=True)),
            default=0,
        )
        self._resize_virtual()
        self.refresh()
        return True

    def _resize_virtual(self) -> None:
        # the width is never scrolled; the footer's rows count so the last lane can be reached
        size = Size(1, len(self.lanes) * self.row_height + self.footer_height)
        height = self.size.height
        if height and max(size.height, self.virtual_size.height) <= height:
            # nothing scrolls before or after: no layout for it (a new screen's first frame
            # would be laid out again, since its width, and so the legend's rows, came later)
            self.set_reactive(Gantt.virtual_size, size)
        else:
            self.virtual_size = size

    def watch_lang(self) -> None:
        self._cache.clear()
        self.sync_lanes()
        self.refresh()

    def watch_view(self) -> None:
        self.selected = None
        self.sync_lanes()
        self.scroll_to(y=0, animate=False)

    def on_resize(self) -> None:
        self._resize_virtual()

    def time_at(self, x: int) -> int | None:
        """The time under column ``x`` of the widget, if it is in the chart."""
        col = x - self.name_width - 1
        if col < 0 or col >= self.cells:
            return None
        return int(self.start + (col + 0.5) * (self.end - self.start) / self.cells)

    def lane_at(self, y: int) -> int | None:
        """The lane under row ``y`` of the widget (None on the footer or past the lanes)."""
        if y >= self.lane_rows:
            return None
        row = (y + self.scroll_offset.y) // self.row_height
        return row if 0 <= row < len(self.lanes) else None

    # -- keys and mouse ---------------------------------------------------------------------

    def action_pan(self, by: float) -> None:
        self.post_message(Panned(by))

    def on_click(self, event: Click) -> None:
        lane = self.lane_at(event.y)
        if event.y >= self.lane_rows:
            return
        t = self.time_at(event.x)
        if t is None and lane is not None:
            t = self.cursor
        if t is not None:
            self.post_message(CursorMoved(t, lane))

    def _pan_or_scroll(self, by: float, event: MouseScrollDown | MouseScrollUp) -> None:
        if len(self.lanes) * self.row_height <= self.lane_rows or event.shift:
            event.stop()
            event.prevent_default()
            self.post_message(Panned(by))

    def on_mouse_scroll_down(self, event: MouseScrollDown) -> None:
        self._pan_or_scroll(0.1, event)

    def on_mouse_scroll_up(self, event: MouseScrollUp) -> None:
        self._pan_or_scroll(-0.1, event)

    def on_mouse_scroll_right(self, event: MouseScrollRight) -> None:
        event.stop()
        self.post_message(Panned(0.1))

    def on_mouse_scroll_left(self, event: MouseScrollLeft) -> None:
        event.stop()
        self.post_message(Panned(-0.1))

    # -- rendering --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        strip = self._line(y)
        if self._painting:  # Textual's paint, not a caller reading a row
            self._shown[y] = strip
        return strip

    def _line(self, y: int) -> Strip:
        """Row ``y`` of the widget as it looks now (cached under everything that changes it)."""
        width, _, scroll_y = self._sizes()
        base = self._style("")
        if width <= 0:
            return Strip.blank(width, base)
        foot = y - self.lane_rows
        if foot >= 0:
            return self._footer(foot, width)
        line = y + scroll_y
        row, part = divmod(line, self.row_height)
        if not self.lanes:
            if line == 0:
                note = " " + say(empty_note(self.store, self.view), self.lang)
                return Strip(
                    [Segment(note[:width], self._style("heading"))], width
                ).extend_cell_length(width, base)
            return Strip.blank(width, base)
        if row >= len(self.lanes):
            return Strip.blank(width, base)
        lane = self.lanes[row]
        length = self._lane_length(lane)
        cells = self.cells
        cursor_col = None
        if self.cursor is not None and self.start <= self.cursor < self.end:
            cursor_col = glyphs.column(self.cursor, self.start, self.end, cells)
        frame = (
            row,
            lane,
            self.start,
            self.end,
            self.now,
            cells,
            cursor_col,
            self.selected == row,
            width,
        )
        key = (*frame, length, self.store.version if lane.core is not None else 0)
        # the paint that follows a live frame's diff shows the rows the diff drew: the lanes'
        # lengths may have grown since (the collector runs meanwhile), and drawing each row
        # again for that was half a frame at a million events a second (measured)
        strip = self._this_frame.get(frame) if self._painting else None
        if strip is None:
            strip = self._cache.get(key)
        if strip is None:
            codes, look = self._codes(lane, cells)
            cut = glyphs.shown_cells(self.start, self.end, cells, self.now)
            codes[cut:] = [_FUTURE] * (cells - cut)
            # a live frame moves "now" but mostly not the picture: the same cells are the
            # same strip, not a new one (a strip costs more than the cells it shows)
            drawn = (row, lane, tuple(codes), cursor_col, self.selected == row, width)
            strip = self._cache.get(drawn)
            if strip is None:
                strip = self._render_lane(row, lane, codes, look, cursor_col, width)
                self._cache[drawn] = strip
            self._cache[key] = strip
        if self._diffing:
            self._this_frame[frame] = strip
        if part:  # a tall lane's lower line: the same cells under a blank name
            lower = self._cache.get((*key, "lower"))
            if lower is None:
                name_width = self.name_width
                blank = Strip.blank(name_width, self._style("name"))
                lower = Strip.join([blank, strip.crop(name_width, width)])
                self._cache[(*key, "lower")] = lower
            return lower
        return strip

    def _footer(self, row: int, width: int) -> Strip:
        """The axis (marks, then labels) and the legend, from the very window the lanes use."""
        indent = self.name_width + 1
        future = self._style("future")
        if row < 2:
            window = (self.start, self.end, self.cells, self.origin)
            key: tuple[object, ...] = ("axis", row, *window, width)
            strip = self._cache.get(key)
            if strip is None:
                marks, labels = glyphs.axis_text(*window, seconds)
                text = (marks, labels)[row]
                strip = (
                    Strip([Segment(" " * indent, future), Segment(text, future)], width)
                    .crop(0, width)
                    .extend_cell_length(width, self._style(""))
                )
                self._cache[key] = strip
            return strip
        lines = self._geometry()[2]
        k = row - 2
        if k >= len(lines):
            return Strip.blank(width, self._style(""))
        key = ("legend", tuple(lines[k]), width)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._cache[key] = self._legend_line(lines[k], width)
        return strip

    def _legend_line(self, line: list[tuple[str, str, str]], width: int) -> Strip:
        segments = [Segment("  ", self._style(""))]
        for i, (glyph, look, word) in enumerate(line):
            if i:
                segments.append(Segment(" " * glyphs.LEGEND_GAP, self._style("")))
            style = (
                self._style("") + Style(color=glyphs.actor_colour(int(look[1:])))
                if look.startswith("@")
                else self._style(look)
            )
            segments.append(Segment(glyph, style))
            segments.append(Segment(f" {word}", self._style("")))
        return Strip(segments).crop(0, width).extend_cell_length(width, self._style(""))

    def _lane_length(self, lane: Lane) -> int:
        if lane.actor is not None:
            return len(self.store.actors[lane.actor])
        return 0

    def _render_lane(
        self,
        row: int,
        lane: Lane,
        codes: list[int],
        look: dict[int, tuple[str, Style]],
        cursor_col: int | None,
        width: int,
    ) -> Strip:
        cells = len(codes)
        name_width = self.name_width
        name_style = self._style("heading" if lane.heading else "name")
        if self.selected == row:
            name_style += self._style("selected")
        title = glyphs.cut("  " * lane.depth + self.titles[row], name_width)
        segments = [
            Segment(pad(title, name_width), name_style),
            Segment("│", self._style("future")),
        ]
        if cursor_col is not None and 0 <= cursor_col < cells:
            code = codes[cursor_col]
            glyph, style = look[code]
            codes[cursor_col] = _CURSOR
            cursor = ("┊" if glyph == " " else glyph, style + self._style("cursor"))
            look = {**look, _CURSOR: cursor}  # a lane's look may be shared: not changed here
        # one segment per run of equal cells: segments, not cells, are what a frame costs
        for code, run in groupby(codes):
            glyph, style = look[code]
            segments.append(Segment(glyph * len(list(run)), style))
        if name_width + 1 + cells == width:  # the usual case: no crop, no second strip
            return Strip(segments, width)
        return Strip(segments, width).crop(0, width)

    def _codes(self, lane: Lane, cells: int) -> tuple[list[int], dict[int, tuple[str, Style]]]:
        """Each cell as a small code, and what each code looks like (glyph, style)."""
        if lane.core is not None:
            cells_of = self._occupancy(lane.core, cells)
            base = self._style("")
            look: dict[int, tuple[str, Style]] = {
                _FUTURE: (" ", self._style("future")),
                -1: (" ", base),
            }
            codes = []
            for owner, busy in zip(cells_of.owners, cells_of.busy, strict=True):
                level = glyphs.eighths(busy)
                if owner < 0 or not level:
                    codes.append(-1)
                    continue
                code = owner * 9 + level
                if code not in look:
                    look[code] = (
                        glyphs.BUSY[level],
                        base + Style(color=glyphs.actor_colour(owner)),
                    )
                codes.append(code)
            return codes, look
        assert lane.actor is not None
        actor = self.store.actors[lane.actor]
        process = actor.kind == Kind.PROCESS
        return list(self._states(actor, cells)), self._look(process)

    def _look(self, process: bool) -> dict[int, tuple[str, Style]]:
        """What each state's code looks like in a thread's lane or a process's, made once per
        style (a frame's forty lanes each built it: a twentieth of a large frame)."""
        look = self._looks.get(process)
        if look is None:
            glyph = _PROCESS_GLYPH if process else GLYPH
            look = {_FUTURE: (" ", self._style("future")), -1: (glyph[-1], self._style(""))}
            for state, name in glyphs.LOOK.items():
                if process and state == State.RUNNING:
                    name = "process"
                look[state] = (glyph[state], self._style(name))
            self._looks[process] = look
        return look

    def _occupancy(self, core: int, cells: int) -> raster.Occupancy:
        """One core's cells for the window now, shared by its lane and the key, reusing the
        cells that cannot change any more (the rule of :meth:`_states`, over every thread:
        a cell is final once it ends before "now" and before each running thread's last
        event). So a replay's frame computes the cells its clock moved over, not the lane."""
        start, end, now, store = self.start, self.end, self.now, self.store
        frame = (core, start, end, now, cells, store.version)
        got = self._cores_frame.get(frame)
        if got is not None:
            return got
        upto = glyphs.shown_cells(start, end, cells, now)
        settled, edits = now, 0
        for a in store.actors:
            if a.kind == Kind.THREAD and len(a):
                edits += a.edits
                if a.state[-1] not in FINAL_STATES:
                    settled = a.t[-1] if settled is None else min(settled, a.t[-1])
        final = (
            cells
            if settled is None
            else max(0, min(cells, glyphs.column(settled, start, end, cells)))
        )
        key = (core, edits, start, end, cells)
        cached = self._cores_final.get(key)
        k0 = min(cached[0], final, upto) if cached is not None else 0
        owners = cached[1].owners[:k0] if cached is not None else []
        busy = cached[1].busy[:k0] if cached is not None else []
        if upto > k0:
            width = (end - start) / cells
            fresh = raster.core_occupancy(
                store, core, int(start + k0 * width), int(start + upto * width), upto - k0, now
            )
            owners += fresh.owners
            busy += fresh.busy
        got = raster.Occupancy(owners + [-1] * (cells - upto), busy + [0.0] * (cells - upto))
        keep = max(k0, min(final, upto))
        if cached is None or keep > cached[0]:
            self._cores_final.discard(key)
            self._cores_final[key] = (keep, got)
        self._cores_frame[frame] = got
        return got

    def _drawn_on_cores(self, cells: int) -> list[tuple[int, str]]:
        """Who the core lanes show in the window now, in tree order: the key's entries."""
        drawn: set[int] = set()
        for core in self.store.cores():
            drawn.update(self._occupancy(core, cells).owners)
        h, lang = self.store.header, self.lang
        return [
            (a.index, words.name(h, a.name, lang))
            for _, a in self.store.ordered()
            if a.index in drawn
        ]

    def _states(self, actor: Actor, cells: int) -> list[int]:
        """The lane's cells up to now (-1 after it), reusing those that cannot change any more.

        A cell is final once it ends before both "now" (a replay's clock: the file's future is
        hidden until the clock reaches it) and, unless the actor has ended, its last event (a
        live lane's open state still grows, and late events land after the last one). So a live
        frame computes the one or two newest cells of a lane, and a replay frame the cells its
        clock moved over, never the whole lane.
        """
        batch = self._batch
        if batch is not None:  # a frame is being drawn: its lanes are computed together
            got = batch.pop(actor.index, None)
            if got is not None:
                return got
            if not self._batched:
                self._batched = True
                actors = self._visible_actors()
                if actor not in actors:
                    actors.append(actor)
                rows = self._states_many(actors, cells)
                batch.update(zip((a.index for a in actors), rows, strict=True))
                return batch.pop(actor.index)
        return self._states_many([actor], cells)[0]

    def _visible_actors(self) -> list[Actor]:
        """The actors of the lanes on screen now, top to bottom."""
        _, _, scroll_y = self._sizes()
        first = scroll_y // self.row_height
        last = (scroll_y + self.lane_rows - 1) // self.row_height
        actors = self.store.actors
        return [
            actors[lane.actor] for lane in self.lanes[first : last + 1] if lane.actor is not None
        ]

    def _states_many(self, actors: list[Actor], cells: int) -> list[list[int]]:
        """:meth:`_states` of several lanes: the lanes whose new cells span the same stretch
        of the window are rasterised together (a replay frame's lanes, a pan, a zoom)."""
        start, end, now = self.start, self.end, self.now
        upto = glyphs.shown_cells(start, end, cells, now)
        width = (end - start) / cells
        out: list[list[int]] = []
        todo: dict[int, list[int]] = {}
        # per lane: its cache key, the cells reused, the cells final now, those cached before
        plans: list[tuple[tuple[int, ...], int, int, int] | None] = []
        for k, actor in enumerate(actors):
            if not len(actor):
                out.append([-1] * cells)
                plans.append(None)
                continue
            settled = now
            if actor.state[-1] not in FINAL_STATES:
                last = actor.t[-1]
                settled = last if settled is None else min(settled, last)
            final = (
                cells
                if settled is None
                else max(0, min(cells, glyphs.column(settled, start, end, cells)))
            )
            key = (actor.index, actor.edits, start, end, cells)
            cached = self._lane_states.get(key)
            k0 = 0
            prefix: list[int] = []
            if cached is not None:  # its final cells that are final at this "now" too
                k0 = min(cached[0], final, upto)
                prefix = cached[1][:k0]
            out.append(prefix)
            plans.append((key, k0, final, cached[0] if cached is not None else -1))
            if upto > k0:
                todo.setdefault(k0, []).append(k)
        for k0, ks in todo.items():
            rows = raster.buckets_many(
                self.store,
                [actors[k] for k in ks],
                int(start + k0 * width),
                int(start + upto * width),
                upto - k0,
                now,
            )
            for k, row in zip(ks, rows, strict=True):
                out[k] = out[k] + row
        for k, plan in enumerate(plans):
            if plan is None:
                continue
            lane_key, k0, final, had = plan
            states = out[k]
            keep = max(k0, min(final, upto))
            if keep > had:
                self._remember(lane_key, (keep, states[:keep]))
            out[k] = states + [-1] * (cells - upto)
        return out

    def _remember(self, key: tuple[int, ...], entry: tuple[int, list[int]]) -> None:
        # Textual's LRUCache.set leaves an existing key's value as it was: replace, don't set
        self._lane_states.discard(key)
        self._lane_states[key] = entry


_FUTURE = -2
_CURSOR = -3


_PROCESS_GLYPH = {**GLYPH, State.RUNNING: PROCESS_ALIVE}
