"""``ready`` says why where the lanes can know: a task's loop was busy, a kitchen was starting.

Live runs for the behaviour, the bundled recording read as plain JSON for the file's own
words, and the headless view for the picture.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from scenarios.kitchen import expect
from scenarios.wire import START_CPU, Kind, Reason, State
from tests.conftest import Kitchen, parallel
from tui.report import glyphs
from tui.trace.store import TraceStore
from tui.trace.summary import ready_causes, summarise

RECORDINGS = Path(__file__).parent.parent / "tui" / "recordings"


def test_a_task_is_ready_because_its_loop_runs_another(kitchen: Kitchen) -> None:
    """slow-print: the ovens are due while the printer holds the loop: their ready is loop."""
    done = kitchen("slow-print", scale=0.3)
    assert done.result.ok, done.result.message
    store = done.store
    ovens = [a for a in store.actors if a.kind == Kind.TASK and a.name.startswith("Oven")]
    assert ovens
    for oven in ovens:
        causes = ready_causes(store, oven)
        assert causes and set(causes) == {int(Reason.LOOP)}, (oven.name, causes)
        assert causes[int(Reason.LOOP)] > 0.1 * (store.bounds()[1] - store.bounds()[0])
    loop = store.by_name("Cook (event loop)")
    assert int(Reason.LOOP) not in ready_causes(store, loop)  # a thread is not its own loop


def test_a_new_kitchen_is_starting_not_waiting_for_a_knife(kitchen: Kitchen) -> None:
    """two-kitchens: from start() to its first cook's first step a kitchen is starting up."""
    done = kitchen("two-kitchens", scale=0.2)
    assert done.result.ok, done.result.message
    store = done.store
    for name in ("Kitchen 1", "Kitchen 2"):
        proc = store.by_name(name)
        causes = ready_causes(store, proc)
        assert set(causes) == {int(Reason.START)}, causes
        started = store.by_name(f"{name} · main").t[0]
        ready_at = next(t for t, s in zip(proc.t, proc.state, strict=True) if s == State.READY)
        assert started - ready_at > 10e6  # an interpreter and its imports: tens of ms here
        assert abs(causes[int(Reason.START)] - (started - ready_at)) < 5e6
        # what starting cost in CPU, said by the kitchen itself: more than nothing, and no
        # more than its start lasted (one thread starts an interpreter)
        main = store.by_name(f"{name} · main").index
        spent = [v * 1e6 for _, a, what, v in store.values if a == main and what == START_CPU]
        assert len(spent) == 1 and 1e6 < spent[0] <= started - ready_at + 5e6, spent
    total = sum(v * 1e6 for _, _, what, v in store.values if what == START_CPU)
    assert abs(summarise(store).start_cpu - total) < 2  # counted, beside the lanes' CPU


def test_the_recording_alone_says_why() -> None:
    """The file, read as JSON lines without Cookline: every ready of a task is "loop"."""
    lines = (RECORDINGS / "slow-print.jsonl").read_text().splitlines()
    codes = json.loads(lines[0])["codes"]
    ready, loop = str(codes["state"].index("ready")), str(codes["reason"].index("loop"))
    tasks = {
        o["id"] for o in map(json.loads, lines[1:]) if o["type"] == "actor" and o["kind"] == "task"
    }
    seen = 0
    for o in map(json.loads, lines[1:]):
        if o["type"] == "states" and o["actor"] in tasks:
            for state, reason in zip(
                o["state"], o.get("reason", "0" * len(o["state"])), strict=True
            ):
                if state == ready:
                    assert reason == loop
                    seen += 1
    assert seen >= 4


def _lanes(name: str) -> str:
    f = str(RECORDINGS / f"{name}.jsonl")
    out = subprocess.run(
        [sys.executable, "-m", "tui", "replay", f, "--headless", "--width", "120"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.split("┬")[0]


def test_each_cause_is_drawn_and_named_in_the_legend() -> None:
    loop_glyph = glyphs.GLYPH[glyphs.ready_code(Reason.LOOP)]
    start_glyph = glyphs.GLYPH[glyphs.ready_code(Reason.START)]
    ovens = [line for line in _lanes("slow-print").splitlines() if "◦ Oven" in line]
    assert ovens and all(loop_glyph in line for line in ovens)
    kitchens = [line for line in _lanes("two-kitchens").splitlines() if "▣ Kitchen" in line]
    assert len(kitchens) == 2 and all(start_glyph in line for line in kitchens)
    words = [word for _, _, word in glyphs.LEGEND]
    assert "ready: loop busy" in words and "starting" in words and "ready: no free core" in words


def _share(store: TraceStore, name: str, reason: Reason) -> float:
    causes = ready_causes(store, store.by_name(name))
    return causes.get(int(reason), 0) / max(1, sum(causes.values()))


def test_cooks_of_one_knife_are_ready_for_the_gil(kitchen: Kitchen) -> None:
    """Read by the kernel's run-queue count from Cookline's side: two cores idle, three cooks
    of one kitchen wait for the knife, not for a core."""
    done = kitchen("one-knife", scale=0.3)
    assert done.result.ok, done.result.message
    if not expect.gil_enabled():
        return
    shares = {c: _share(done.store, c, Reason.GIL) for c in ("Cook A", "Cook B", "Cook C")}
    parallel(min(shares.values()) >= 0.8, f"ready for the GIL: {shares}")


def test_two_kitchens_on_one_core_are_ready_for_the_core(kitchen: Kitchen) -> None:
    done = kitchen("two-kitchens", scale=0.3, cores=1)
    assert done.result.ok, done.result.message
    for cook in ("Kitchen 1 · main", "Kitchen 2 · main"):
        share = _share(done.store, cook, Reason.CORE)
        assert share >= 0.8, (cook, share)
