"""Which rows a view shows, in what order: the threads, cores and coroutines views, as data.

The app's chart, the headless view's rows and the cursor readout all take their lanes from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from scenarios.wire import Kind

if TYPE_CHECKING:
    from tui.trace.store import TraceStore

VIEWS = ("threads", "cores", "coroutines")
"""Every view, in the order the keys and the help list them."""
MAX_INDENT = 12
"""Tree levels shown by indenting: a chain 100,000 deep must not make rows that long."""


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
            heading = a.kind == Kind.PROCESS
            out.append(Lane(a.name, min(depth, MAX_INDENT), actor=a.index, heading=heading))
        elif view == "coroutines":
            has_tasks = any(c.kind == Kind.TASK for c in store.children(a.index))
            if a.kind == Kind.TASK:
                out.append(Lane(a.name, 1, actor=a.index))
            elif a.kind == Kind.THREAD and has_tasks:
                title = a.name if "loop" in a.name else f"{a.name} (loop)"
                out.append(Lane(title, 0, actor=a.index, heading=True))
    return out


def empty_note(store: TraceStore, view: str) -> str:
    """What an empty view says instead of staying blank."""
    if not store.actors:
        return "no events yet"
    if view == "coroutines":
        return "no asyncio tasks in this run: t shows its threads"
    if view == "cores":
        return "no thread has run on a core yet"
    return "no threads yet"
