"""A run as a Chrome Trace Event Format file, for Perfetto and chrome://tracing.

Layout (README, "Measured here"): only complete events (``ph: "X"``, each with
``name`` and ``cat``; no ``B``/``E`` pairs, which some viewers drop), small integer pids and
tids (Perfetto mishandles 64-bit ones), and process/thread name metadata. Every actor is a track
of its own: a kitchen is a process whose first track is the kitchen itself; cooks and tasks are
threads of it. The cores are a process of their own, one track per core, showing who ran there.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scenarios.wire import Kind, Reason, State, name_of
from tui.formats import disk
from tui.formats.recording import actor_record
from tui.trace.store import TraceStore

CORES_PROCESS = "CPU cores"
"""The process whose tracks are the CPU cores (the import leaves it to the cores view)."""


def _us(ns: int) -> float:
    return ns / 1000


def _kitchens(store: TraceStore) -> list[int]:
    """The process actor each actor belongs to (itself for a kitchen), every chain walked
    once: linear in the actors, and a parent loop (refused at load) still ends."""
    out: list[int | None] = [None] * len(store.actors)
    for start in range(len(store.actors)):
        path: list[int] = []
        i: int | None = start
        found: int | None = None
        while i is not None and len(path) <= len(out):
            if out[i] is not None:
                found = out[i]
                break
            a = store.actors[i]
            path.append(i)
            if a.kind == Kind.PROCESS or a.parent is None:
                found = i
                break
            i = a.parent
        for k in path:
            out[k] = start if found is None else found
    return [k if k is not None else n for n, k in enumerate(out)]


def chrome(store: TraceStore) -> dict[str, Any]:
    """The run as a Chrome Trace Event Format object (``{"traceEvents": [...]}``)."""
    events: list[dict[str, Any]] = []
    lo = store.bounds()[0]
    pids: dict[int, int] = {}
    tids: dict[int, tuple[int, int]] = {}
    kitchen_of = _kitchens(store)
    for _, a in store.ordered():
        kitchen = kitchen_of[a.index]
        if kitchen not in pids:
            pids[kitchen] = len(pids) + 1
            events.append(_meta("process_name", pids[kitchen], 0, store.actors[kitchen].name))
            events.append(_sort("process_sort_index", pids[kitchen], 0, pids[kitchen]))
        pid = pids[kitchen]
        tid = a.index + 1
        tids[a.index] = (pid, tid)
        events.append(_meta("thread_name", pid, tid, a.name))
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
                    ev = _instant(f"{a.name} failed", sp.start - lo, pid, tid, "t")
                    ev["cat"] = "failed"  # told by the actor's final state on the way back
                    events.append(ev)
                continue
            if sp.end <= sp.start:
                continue
            state = name_of(State, sp.state)
            args: dict[str, Any] = {"state": state, "actor": a.name}
            if sp.reason:  # why it waited, or why it was ready
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
        ev["cat"] = "error"
        ev["args"] = {"traceback": text}
        events.append(ev)
    return {
        "traceEvents": events,
        "displayTimeUnit": "ms",
        "otherData": {
            "producer": "cookline",
            "scenario": store.header.get("scenario"),
            "machine": store.header.get("machine"),
            COOKLINE: _book(store),
        },
    }


COOKLINE = "cookline"
"""``otherData``'s key for what a track cannot say, so that Cookline's own export comes back
as the run it was: the header, each track's actor (its kind and parent: a kitchen's own track
is the process, a task is not a thread) and how it ended, and the run's outcome."""


def _book(store: TraceStore) -> dict[str, Any]:
    """Track ``tid`` is actor ``tid - 1``: the actors as a recording declares them."""
    final = []
    for a in store.actors:
        last = a.state[-1] if len(a) else None
        final.append(name_of(State, last) if last in (State.DONE, State.FAILED) else None)
    return {
        "header": {k: v for k, v in store.header.items() if k not in ("format", "version")},
        "actors": [{k: v for k, v in actor_record(a).items() if k != "type"} for a in store.actors],
        "final": final,
        "end": store.end or None,
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


def save(store: TraceStore, path: str | Path) -> Path:
    out = Path(path)
    disk.write_text(out, json.dumps(chrome(store), ensure_ascii=False))
    return out
