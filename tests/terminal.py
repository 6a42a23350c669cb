"""Cookline in a real terminal: tmux runs it as a person would, keys go in, the screen comes out.

The pilot lays the app out once at its given size with a pinned clock; tmux resizes after
start-up, plays replays frame by frame and sends Escape to whatever screen is on top. Each
session has its own server socket (``-L``) and a config that sets a 256-colour terminal.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HAVE_TMUX = shutil.which("tmux") is not None


class Terminal:
    """One tmux session running one command; ``status`` is its exit code once it ended."""

    def __init__(self, args: list[str], width: int = 120, height: int = 40) -> None:
        self.sock = f"cookline-{uuid.uuid4().hex[:8]}"
        self.dir = Path(tempfile.mkdtemp(prefix="cookline-tmux-"))
        conf = self.dir / "tmux.conf"
        conf.write_text('set -g default-terminal "xterm-256color"\nset -g status off\n')
        self.status_file = self.dir / "status"
        command = " ".join(shlex.quote(a) for a in [sys.executable, "-m", "tui", *args])
        # Textual draws on stderr, so nothing is redirected: the pane stays open after the app
        # ends, and the screen it left (a traceback, a line it printed) can be read
        shell = f"cd {shlex.quote(str(ROOT))} && {command}; echo $? > {self.status_file}; sleep 120"
        env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TEXTUAL")}
        subprocess.run(
            [
                "tmux",
                "-L",
                self.sock,
                "-f",
                str(conf),
                "new-session",
                "-d",
                "-x",
                str(width),
                "-y",
                str(height),
                shell,
            ],
            check=True,
            timeout=10,
            env=env,
        )

    def tmux(self, *args: str) -> str:
        out = subprocess.run(
            ["tmux", "-L", self.sock, *args], capture_output=True, text=True, timeout=10
        )
        return out.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p")

    def lines(self) -> list[str]:
        return self.screen().split("\n")

    def keys(self, *keys: str, pause: float = 0.15) -> None:
        for k in keys:
            self.tmux("send-keys", k)
            time.sleep(pause)

    def wait_for(self, wanted: str, within: float = 30) -> str:
        deadline = time.monotonic() + within
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if wanted in screen:
                return screen
            if self.status is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"{wanted!r} never showed; the screen was:\n{screen}")

    def wait_quiet(self, settle: float = 0.5, within: float = 10) -> str:
        """The screen once it stopped changing for ``settle`` seconds."""
        deadline = time.monotonic() + within
        last = self.screen()
        since = time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.1)
            now = self.screen()
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= settle:
                break
        return last

    def resize(self, width: int, height: int) -> None:
        self.tmux("resize-window", "-x", str(width), "-y", str(height))

    @property
    def status(self) -> int | None:
        try:
            return int(self.status_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def wait_exit(self, within: float = 20) -> int:
        deadline = time.monotonic() + within
        while self.status is None and time.monotonic() < deadline:
            time.sleep(0.1)
        status = self.status
        assert status is not None, f"the app never exited; the screen was:\n{self.screen()}"
        return status

    def pane_pid(self) -> int:
        return int(self.tmux("display-message", "-p", "#{pane_pid}").strip())

    def close(self) -> None:
        self.tmux("kill-server")
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- reading the chart off the screen ---------------------------------------------------------


class Chart:
    """The lanes and the axis as a person sees them: names, cells and tick labels."""

    def __init__(self, lines: list[str]) -> None:
        marks_at = next(
            (i for i, line in enumerate(lines) if "┬" in line and line.strip()[:1] in "┬─"),
            None,
        )
        assert marks_at is not None, "no time axis on the screen:\n" + "\n".join(lines)
        marks = lines[marks_at]
        self.indent = len(marks) - len(marks.lstrip(" "))
        run = marks[self.indent :]
        self.cells = len(run) - len(run.lstrip("─┬"))
        self.marks = run[: self.cells]
        self.labels = lines[marks_at + 1][self.indent : self.indent + self.cells]
        self.name_width = self.indent - 1
        self.rows: list[tuple[str, str]] = []
        """(name, cells) of each lane on screen, top to bottom (a tall lane's lower line is
        left out)."""
        for text in lines[:marks_at]:
            line = _columns(text)
            if len(line) > self.name_width and line[self.name_width] == "│":
                name = "".join(line[: self.name_width])
                if name.strip():
                    cells = "".join(line[self.indent : self.indent + self.cells])
                    self.rows.append((name.rstrip(), cells.ljust(self.cells)))


def _columns(line: str) -> list[str]:
    """``line`` as the terminal lays it out, one item a column: a wide (Japanese) character
    takes two, the second empty, so a name's column count is its screen width."""
    from tui.trace.text import columns

    out: list[str] = []
    for ch in line:
        out.append(ch)
        if columns(ch) == 2:
            out.append("")
    return out


def expected_rows(store, lanes, start, end, cells, name_width, now, lang="en"):  # type: ignore[no-untyped-def]
    """The same lanes from the headless view's own renderer, for the same window."""
    from tui.report import glyphs, headless, words

    out = []
    for lane in lanes:
        shown = words.lane_title(store.header, lane, lang)
        title = glyphs.cut("  " * lane.depth + shown, name_width)
        if lane.core is not None:
            row = headless.core_lane(store, lane.core, start, end, cells, now).plain
        else:
            row = headless.lane(store, lane.actor, start, end, cells, now).plain
        out.append((title.rstrip(), row.ljust(cells)))
    return out


def expected_axis(start: int, end: int, cells: int, origin: int) -> tuple[str, str]:
    from tui.report import glyphs
    from tui.report.headless import seconds

    return glyphs.axis_text(start, end, cells, origin, seconds)
