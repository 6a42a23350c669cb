"""How a state looks, in the headless view and the app alike: readable without colour."""

from __future__ import annotations

from scenarios.model import State

GLYPH: dict[int, str] = {
    -1: " ",
    State.NEW: "·",
    State.READY: "▒",
    State.RUNNING: "█",
    State.WAITING: "─",
    State.DONE: "▏",
    State.FAILED: "×",
}
"""-1 is "not there (yet)"."""

PROCESS_ALIVE = "━"
"""A process lane shows its life, not CPU: its threads carry the work."""

WORD: dict[int, str] = {
    State.NEW: "new",
    State.READY: "ready (no CPU / GIL / loop)",
    State.RUNNING: "running",
    State.WAITING: "waiting",
    State.DONE: "done",
    State.FAILED: "failed",
}

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
