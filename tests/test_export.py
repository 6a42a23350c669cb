"""Export to the Chrome Trace Event Format, checked by a real consumer (Perfetto's trace
processor in viztracer's vizviewer, in headless Chromium); SVG and text exports; Chrome traces
from other tools opened as runs."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from scenarios.wire import State
from tests.browser import chromium, free_port, open_page, wait_listening, with_group
from tests.conftest import DATA
from tui import cli, formats
from tui.formats import chrome_export, chrome_import, recording
from tui.trace.summary import summarise

VIZVIEWER = Path(sys.executable).parent / "vizviewer"


@pytest.mark.skipif(chromium() is None, reason="no chromium here (.ci/run installs Debian's)")
@pytest.mark.skipif(not VIZVIEWER.exists(), reason="no vizviewer (pip install -e '.[bench]')")
def test_perfetto_reads_the_chrome_export(tmp_path: Path) -> None:
    store = recording.load(DATA / "one-knife.jsonl")
    trace = tmp_path / "one-knife.json"
    chrome_export.save(store, trace)
    ours = json.loads(trace.read_text())["traceEvents"]
    x_events = [e for e in ours if e["ph"] == "X"]
    instants = [e for e in ours if e["ph"] == "i"]  # cues: Perfetto keeps them as 0-length slices
    cook_a = next(a for a in summarise(store).actors if a.actor.name == "Cook A")

    port = free_port()
    viewer = subprocess.Popen(
        [str(VIZVIEWER), "--server_only", "--port", str(port), str(trace)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_listening(port, viewer)

        async def ask() -> dict[str, object]:
            async with open_page(f"http://127.0.0.1:{port}/") as page:
                await page.wait_for("!!(window.app && app.trace && app.trace.engine)", 90)
                return await page.evaluate(  # type: ignore[no-any-return]
                    """(async () => {
                  const e = app.trace.engine;
                  const one = async (sql, spec) => (await e.query(sql)).firstRow(spec);
                  const n = await one("select count(*) as n from slice", {n: 0});
                  const bad = await one(
                    "select count(*) as n from stats where value > 0 " +
                    "and severity in ('error', 'data_loss')", {n: 0});
                  const cook = await one(
                    "select sum(s.dur) as d, count(*) as k from slice s " +
                    "join thread_track tt on s.track_id = tt.id join thread t using(utid) " +
                    "where t.name = 'Cook A' and s.category = 'running'", {d: 0, k: 0});
                  const names = await one(
                    "select group_concat(distinct name) as s from slice", {s: 'str'});
                  return {slices: n.n, errors: bad.n, cook_ns: cook.d, cook_slices: cook.k,
                          names: names.s};
                })()"""
                )

        got = asyncio.run(ask())
    finally:
        with_group(viewer)
    assert got["errors"] == 0  # nothing dropped or misread
    assert got["slices"] == len(x_events) + len(instants)  # every span and cue arrived
    # Cook A's running time as Perfetto adds it up: ours, less a nanosecond per span
    assert abs(int(got["cook_ns"]) - cook_a.running) <= int(got["cook_slices"])  # type: ignore[call-overload]
    assert "chopping" in str(got["names"]) and "Cook A" in str(got["names"])


RECORDINGS = Path(__file__).parent.parent / "tui" / "recordings"


@pytest.mark.parametrize(
    "name", ["one-knife", "abc-async", "burnt-dish", "carrots-and-sink", "frozen-cook"]
)
def test_chrome_export_round_trips_through_replay(tmp_path: Path, name: str) -> None:
    """Cookline's own export opened again is the run it was: the kitchen's track is the
    process (its CPU used to come back as a cook's, one-knife at parallelism 1.99), tasks are
    tasks, names carry no suffix, the header, errors and outcome come back, and the headless
    view prints the same page."""
    from tui.report import headless

    store = recording.load(RECORDINGS / f"{name}.jsonl")
    trace = chrome_export.save(store, tmp_path / "t.json")
    back = chrome_import.load(trace)
    a, b = summarise(store), summarise(back)
    assert (a.wall, a.cpu, a.max_running, a.per_core) == (b.wall, b.cpu, b.max_running, b.per_core)
    for x, y in zip(a.actors, b.actors, strict=True):
        assert (x.actor.name, x.actor.kind, x.actor.parent) == (
            y.actor.name,
            y.actor.kind,
            y.actor.parent,
        )
        assert (x.running, x.ready, x.waiting, x.final) == (y.running, y.ready, y.waiting, y.final)
    assert [e[1:] for e in store.errors] == [e[1:] for e in back.errors]
    assert back.end == store.end and back.header["title"] == store.header["title"]
    assert headless.text(back, 120) == headless.text(store, 120)
    assert not back.cues or back.cues[0][2] != chrome_import.NOTE  # no "cannot show" note


def test_a_viztracer_trace_opens_as_thread_lanes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    viztracer = pytest.importorskip("viztracer")
    import threading

    def work(n: int) -> int:
        return sum(i * i for i in range(n))

    tracer = viztracer.VizTracer(verbose=0, output_file=str(tmp_path / "viz.json"))
    tracer.start()
    t = threading.Thread(target=work, args=(200_000,), name="helper")
    t.start()
    work(100_000)
    t.join()
    tracer.stop()
    tracer.save()
    store = chrome_import.load(tmp_path / "viz.json")
    threads = [a for a in store.actors if a.kind.name == "THREAD"]
    assert len(threads) >= 2
    assert any(State.RUNNING in a.state for a in threads)
    assert store.cues[0][2] == chrome_import.NOTE  # says what the file cannot show
    assert cli.main(["replay", str(tmp_path / "viz.json"), "--headless", "--width", "90"]) == 0
    assert "Chrome trace" in capsys.readouterr().out


def test_export_saves_any_recording_or_trace_in_the_current_format(tmp_path: Path) -> None:
    """A v1 recording and a Chrome trace, saved by ``export --format cookline``: the new file is
    version 2 and replays to the same figures as what it came from."""
    v1 = DATA / "two-kitchens.jsonl"
    trace = chrome_export.save(recording.load(v1), tmp_path / "t.json")
    for src in (v1, trace):
        out = tmp_path / f"{src.stem}.v2.jsonl"
        assert cli.main(["export", str(src), "--format", "cookline", "-o", str(out)]) == 0
        assert json.loads(out.read_text().splitlines()[0])["version"] == 2
        before, after = summarise(formats.load(src)), summarise(recording.load(out))
        assert (before.wall, before.cpu, before.per_core) == (after.wall, after.cpu, after.per_core)
        assert [a.running for a in before.actors] == [a.running for a in after.actors]
    # the input is never the output (its default name would be itself)
    assert cli.main(["export", str(v1), "--format", "cookline"]) == 2


def test_svg_and_text_exports(tmp_path: Path) -> None:
    src = str(DATA / "two-kitchens.jsonl")
    svg, txt = tmp_path / "k.svg", tmp_path / "k.txt"
    assert cli.main(["export", src, "--format", "svg", "-o", str(svg), "--view", "cores"]) == 0
    assert cli.main(["export", src, "--format", "txt", "-o", str(txt), "--width", "90"]) == 0
    assert svg.read_text().lstrip().startswith("<svg") and "core&#160;0" in svg.read_text()
    text = txt.read_text()
    assert "Kitchen 1" in text and "\x1b[" not in text  # the headless view, no colour codes


_ACTOR = {"id": 0, "kind": "thread", "parent": None, "name": "cook", "pid": 1, "tid": 1}


def _own(book: dict[str, object], tid: int = 1) -> str:
    """A Chrome trace that says Cookline made it, with ``book`` over a valid one."""
    full = {
        "header": {"scenario": "x", "machine": {"python": "3.11"}},
        "actors": [_ACTOR],
        "final": ["done"],
        "end": None,
        **book,
    }
    events = [{"ph": "X", "ts": 0, "dur": 5, "pid": 1, "tid": tid, "cat": "running"}]
    return json.dumps(
        {"traceEvents": events, "otherData": {"producer": "cookline", "cookline": full}}
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"traceEvents": [\n{"ph": "X", "ts": 1,', ":2: not valid JSON"),
        ('{"traceEvents": 3}', 'needs a "traceEvents" list'),
        ('{"traceEvents": [{"ph": "M", "name": "thread_name", "args": {}}]}', "no slices"),
        (
            '[{"ph": "X", "ts": "soon", "pid": 1, "tid": 1}]',
            "\"ts\": expected a number, got 'soon'",
        ),
        (_own({"actors": [{"id": 0, "kind": "kitchen"}]}), "otherData.cookline.actors[0]: "),
        (_own({"actors": [{"id": 3}]}), "actors[0]: expected the actor with id 0"),
        (_own({"final": []}), "otherData.cookline.final: expected one entry per actor"),
        (_own({"actors": [_ACTOR | {"parent": 0}]}), "its own parent"),
        (_own({"end": {"outcome": 3}}), "otherData.cookline.end: end.outcome: expected str"),
        (_own({"header": {"scenario": "x"}}), 'header: missing field "machine"'),
        (_own({}, tid=7), "track 1/7: not one of otherData.cookline.actors"),
    ],
)
def test_bad_chrome_traces_are_one_line(
    tmp_path: Path, capsys, content: str, expected: str
) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "bad.json"
    f.write_text(content)
    assert cli.main(["replay", str(f), "--headless"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err and str(f) in err
