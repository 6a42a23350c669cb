"""A run in other shapes: the Chrome Trace Event Format (Perfetto, chrome://tracing), an SVG
picture made by the app, or the headless view as plain text.

Chrome trace layout (README, "Measured here"): only complete events (``ph: "X"``, each with
``name`` and ``cat``; no ``B``/``E`` pairs, which some viewers drop), small integer pids and
tids (Perfetto mishandles 64-bit ones), and process/thread name metadata. Every actor is a track
of its own: a kitchen is a process whose first track is the kitchen itself; cooks and tasks are
threads of it. The cores are a process of their own, one track per core, showing who ran there.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
from pathlib import Path
from typing import Any

from scenarios.wire import Kind, Reason, State, name_of
from tui.report import headless
from tui.trace.store import TraceStore

FORMATS = ("chrome", "svg", "txt")
SUFFIX = {"chrome": ".json", "svg": ".svg", "txt": ".txt"}
CORES_PROCESS = "CPU cores"


def _us(ns: int) -> float:
    return ns / 1000


def _kitchen_of(store: TraceStore, index: int) -> int:
    """The process actor an actor belongs to (itself for a kitchen)."""
    a = store.actors[index]
    while a.kind != Kind.PROCESS and a.parent is not None:
        a = store.actors[a.parent]
    return a.index


def chrome(store: TraceStore) -> dict[str, Any]:
    """The run as a Chrome Trace Event Format object (``{"traceEvents": [...]}``)."""
    events: list[dict[str, Any]] = []
    lo = store.bounds()[0]
    pids: dict[int, int] = {}
    tids: dict[int, tuple[int, int]] = {}
    for _, a in store.ordered():
        kitchen = _kitchen_of(store, a.index)
        if kitchen not in pids:
            pids[kitchen] = len(pids) + 1
            events.append(_meta("process_name", pids[kitchen], 0, store.actors[kitchen].name))
            events.append(_sort("process_sort_index", pids[kitchen], 0, pids[kitchen]))
        pid = pids[kitchen]
        tid = a.index + 1
        tids[a.index] = (pid, tid)
        kind = {Kind.PROCESS: "kitchen", Kind.THREAD: "cook", Kind.TASK: "task"}[a.kind]
        events.append(_meta("thread_name", pid, tid, f"{a.name} ({kind})"))
        events.append(_sort("thread_sort_index", pid, tid, tid))
    cores_pid = len(pids) + 1
    cores = sorted(c for c in store.cores() if c >= 0)
    if cores:
        events.append(_meta("process_name", cores_pid, 0, CORES_PROCESS))
        events.append(_sort("process_sort_index", cores_pid, 0, cores_pid))
        for c in cores:
            events.append(_meta("thread_name", cores_pid, c + 1, f"core {c}"))
    on_cores: list[tuple[int, int, int, str, str]] = []
    for a in store.actors:
        pid, tid = tids[a.index]
        for sp in store.spans(a):
            if sp.state in (State.DONE, State.FAILED):
                if sp.state == State.FAILED:
                    events.append(_instant(f"{a.name} failed", sp.start - lo, pid, tid, "t"))
                continue
            if sp.end <= sp.start:
                continue
            state = name_of(State, sp.state)
            args: dict[str, Any] = {"state": state, "actor": a.name}
            if sp.state == State.WAITING and sp.reason:
                args["reason"] = name_of(Reason, sp.reason)
            if sp.core >= 0:
                args["core"] = sp.core
            events.append(
                {
                    "ph": "X",
                    "name": sp.label or state,
                    "cat": state,
                    "ts": _us(sp.start - lo),
                    "dur": _us(_dur(sp.start, sp.end)),
                    "pid": pid,
                    "tid": tid,
                    "args": args,
                }
            )
            if sp.state == State.RUNNING and a.kind == Kind.THREAD and sp.core >= 0:
                on_cores.append((sp.core, sp.start - lo, sp.end - lo, a.name, sp.label))
    # Two cooks' spans on one core can overlap by a probe chunk's boundary: a track's complete
    # events must not overlap (Perfetto drops them), so each starts where the one before ended.
    on_cores.sort()
    last_end: dict[int, int] = {}
    for core, start, end, who, label in on_cores:
        start = max(start, last_end.get(core, start))
        if end - start < 1_000:  # under a microsecond left: nothing to see
            continue
        last_end[core] = end
        events.append(
            {
                "ph": "X",
                "name": who,
                "cat": "core",
                "ts": _us(start),
                "dur": _us(_dur(start, end)),
                "pid": cores_pid,
                "tid": core + 1,
                "args": {"actor": who, "label": label},
            }
        )
    for t, actor, en, ja in store.cues:
        pid, tid = tids[actor]
        ev = _instant(en, t - lo, pid, tid, "g")
        ev["args"] = {"ja": ja}
        events.append(ev)
    for t, actor, text in store.errors:
        pid, tid = tids[actor]
        ev = _instant("error", t - lo, pid, tid, "t")
        ev["args"] = {"traceback": text}
        events.append(ev)
    return {
        "traceEvents": events,
        "displayTimeUnit": "ms",
        "otherData": {
            "producer": "cookline",
            "scenario": store.header.get("scenario"),
            "machine": store.header.get("machine"),
        },
    }


def _dur(start: int, end: int) -> int:
    """A span's length less one nanosecond: readers turn float microseconds into integer
    nanoseconds, and a span ending exactly where the next begins can then overlap it by one."""
    return max(0, end - start - 1)


def _meta(name: str, pid: int, tid: int, value: str) -> dict[str, Any]:
    return {"ph": "M", "name": name, "pid": pid, "tid": tid, "args": {"name": value}}


def _sort(name: str, pid: int, tid: int, index: int) -> dict[str, Any]:
    return {"ph": "M", "name": name, "pid": pid, "tid": tid, "args": {"sort_index": index}}


def _instant(name: str, t: int, pid: int, tid: int, scope: str) -> dict[str, Any]:
    return {"ph": "i", "name": name, "cat": "cue", "ts": _us(t), "pid": pid, "tid": tid, "s": scope}


def text(store: TraceStore, width: int = 120, lang: str = "en") -> str:
    """The headless view, without colour codes."""
    from rich.console import Console

    console = Console(width=width, file=io.StringIO(), color_system=None, record=True)
    headless.show(store, console, lang)
    return console.export_text()


_WEB_FONT = re.compile(r',?\s*url\("https?://[^"]*"\)\s*format\("[^"]*"\)')


def offline_svg(svg: str) -> str:
    """An app screenshot that asks the internet for nothing.

    Rich's SVG names its font by ``local(...)`` and then by a CDN address; a talk machine off
    the network would wait for it, then draw with a fallback. The CDN addresses go; the local
    names stay, and the family falls back to the machine's own monospace.
    """
    svg = _WEB_FONT.sub("", svg)
    return svg.replace('local("FiraCode-Regular")', 'local("Fira Code"), local("FiraCode-Regular")')


async def _svg(
    store: TraceStore, path: Path, size: tuple[int, int], view: str, lang: str = "en"
) -> None:
    from tui.app.cookline import CooklineApp

    app = CooklineApp(replay=store, clock=lambda: 0, load=lambda: [], autoplay=False, lang=lang)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        if view != "threads":
            await pilot.press({"cores": "c", "coroutines": "a"}[view])
            await pilot.pause()
        path.write_text(offline_svg(app.export_screenshot()), encoding="utf-8")


def write(
    store: TraceStore,
    path: str | Path,
    fmt: str,
    *,
    width: int = 120,
    height: int = 36,
    view: str = "threads",
    lang: str = "en",
) -> Path:
    out = Path(path)
    if fmt == "chrome":
        out.write_text(json.dumps(chrome(store), ensure_ascii=False), encoding="utf-8")
    elif fmt == "txt":
        out.write_text(text(store, width, lang), encoding="utf-8")
    elif fmt == "svg":
        asyncio.run(_svg(store, out.resolve(), (width, height), view, lang))
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return out
