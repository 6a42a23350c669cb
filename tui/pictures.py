"""Bundled recordings and the README's pictures, each made by one command.

``python -m tui.pictures recordings [ID ...]`` runs every scenario (or those named) on this
machine and keeps the runs in
``tui/recordings/`` (the header says which machine); ``python -m tui.pictures screenshots``
replays them in the app and saves SVG screenshots to ``screenshots/``.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from scenarios.kitchen.menu import SCENARIOS
from tui.app.cookline import CooklineApp
from tui.app.screenshot import offline_svg
from tui.app.widgets.gantt import Gantt
from tui.formats import recording
from tui.runs import session

RECORDINGS = Path(__file__).parent / "recordings"
SCREENSHOTS = Path(__file__).parent.parent / "screenshots"

SCALE = {"two-kitchens": 0.5, "abc-sequential": 0.2, "potato-salad-sequential": 0.3}
"""Run length for the bundled recordings: long enough to read, small enough to ship."""

PICTURES = (
    # (file name, recording or None for the tour, keys to press or "click:X,Y", terminal size)
    ("tour", None, (), (120, 32)),
    ("one-knife-threads", "one-knife", (), (120, 24)),
    ("two-kitchens-cores", "two-kitchens", ("c",), (120, 24)),
    ("potato-salad-coroutines", "potato-salad", ("a",), (120, 24)),
    ("abc-async-cursor", "abc-async", ("a", "click:60,3"), (120, 24)),
    ("burnt-dish-failure", "burnt-dish", (), (120, 24)),
    ("carrots-and-sink-deadlock", "carrots-and-sink", (), (120, 20)),
    ("carrots-and-sink-ja", "carrots-and-sink", ("l",), (120, 20)),
    ("slow-print-coroutines", "slow-print", ("a",), (120, 20)),
    ("buffet-cores", "buffet", ("c",), (120, 16)),
    ("compare-cpu", "compare-cpu", (), (130, 34)),
    ("present-step", "deck:kitchen-tour", ("pagedown",) * 5, (120, 30)),
    ("trace-gil-threads", "trace-gil-threads", ("click:70,3",), (120, 20)),
    ("trace-hashlib-cores", "trace-hashlib-threads", ("c",), (120, 16)),
)

TRACES = {
    "trace-gil-threads": ("examples/gil_threads.py",),
    "trace-hashlib-threads": ("examples/hashlib_threads.py",),
    "trace-abc-asyncio": ("examples/abc_asyncio.py",),
}
"""``cookline trace`` runs of the examples bundled as recordings (paths from the project root,
so no machine's folders are in them)."""

COMPARES = ("cpu", "io")
"""``cookline compare`` runs bundled as recordings named ``compare-KIND``."""


def record_all(only: list[str]) -> None:
    """Record every scenario (and the compare runs), or only the ids named."""
    from tui.runs import verdict

    RECORDINGS.mkdir(exist_ok=True)
    for kind in COMPARES:
        if only and f"compare-{kind}" not in only:
            continue
        entries = verdict.run_series(verdict.compare_plan(kind, 1.0))
        path = RECORDINGS / f"compare-{kind}.jsonl"
        recording.save(verdict.merge(kind, entries), path)
        print(f"{path.name}: {verdict.ranking(entries)}")
    from scenarios.supervisor.traced import Program

    for name, argv in TRACES.items():
        if only and name not in only:
            continue
        trace, store = session.start_trace(Program(argv, timeout=60, passthrough=False))
        result = trace.wait()
        assert result is not None
        recording.save(store, RECORDINGS / f"{name}.jsonl")
        print(f"{name}.jsonl: {store.events} events, {result.outcome}")
    for s in SCENARIOS:
        if only and s.id not in only:
            continue
        run, store = session.start(s, {"scale": SCALE.get(s.id, 0.3)}, timeout=60, stall_after=1.0)
        result = run.wait()
        assert result is not None
        path = RECORDINGS / f"{s.id}.jsonl"
        recording.save(store, path)
        print(f"{path.name}: {store.events} events, {result.outcome}")


async def _shoot(
    name: str, source: str | None, keys: tuple[str, ...], size: tuple[int, int]
) -> None:
    if source is None:
        app = CooklineApp(clock=lambda: 0, load=lambda: [])
    elif source.startswith("deck:"):  # a talk's step, from the bundled recordings
        from tui.formats import deck

        talk = deck.load(deck.find(source[5:]))
        app = CooklineApp(
            deck=talk, replay_only=True, clock=lambda: 0, load=lambda: [], autoplay=False
        )
    else:
        store = recording.load(RECORDINGS / f"{source}.jsonl")
        app = CooklineApp(replay=store, clock=lambda: 0, load=lambda: [], autoplay=False)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for key in keys:
            if key.startswith("click:"):  # "click:X,Y" on the chart
                x, y = (int(v) for v in key[6:].split(","))
                await pilot.click(Gantt, offset=(x, y))
            else:
                await pilot.press(key)
        await pilot.pause()
        svg = offline_svg(app.export_screenshot())
        (SCREENSHOTS / f"{name}.svg").write_text(svg, encoding="utf-8")
    print(f"screenshots/{name}.svg")


def screenshots() -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    for name, source, keys, size in PICTURES:
        asyncio.run(_shoot(name, source, keys, size))


def main(argv: list[str]) -> int:
    what = argv[0] if argv else "screenshots"
    if what == "recordings":
        record_all(argv[1:])
    elif what == "screenshots":
        screenshots()
    else:
        print("usage: python -m tui.pictures [recordings|screenshots]", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
