"""Files as an attacker or a careless user sends them: each is one line naming file, line and
field, exit 2, no traceback, in bounded time -- or, where it is valid, shown without letting
its text drive the terminal or the app."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from scenarios.wire import Kind
from tests.apps import CLOCK, LOAD
from tui import cli, formats
from tui.app.cookline import CooklineApp
from tui.formats import deck
from tui.report import headless
from tui.trace.lanes import lanes_for
from tui.trace.store import TraceStore

HEADER: dict[str, Any] = {"format": "cookline", "version": 1, "scenario": "x", "machine": {}}
ACTOR: dict[str, Any] = {
    "type": "actor", "id": 0, "kind": "thread", "parent": None, "name": "a", "pid": 1, "tid": 1,
}  # fmt: skip


def state(**kw: Any) -> dict[str, Any]:
    base = {"type": "state", "t": 0, "actor": 0, "state": "running", "reason": None,
            "core": 0, "label": None}  # fmt: skip
    return {**base, **kw}


def write(path: Path, *lines: Any, header: dict[str, Any] = HEADER) -> Path:
    with path.open("w") as f:
        for line in (header, *lines):
            f.write((line if isinstance(line, str) else json.dumps(line)) + "\n")
    return path


def one_line(capsys: pytest.CaptureFixture[str], argv: list[str], code: int = 2) -> str:
    assert cli.main(argv) == code
    cap = capsys.readouterr()
    assert cap.out == "" and cap.err.count("\n") == 1, cap.err
    assert "Traceback" not in cap.err and cap.err.startswith("cookline: ")
    return cap.err


RECORDINGS: dict[str, tuple[list[Any], dict[str, Any], str]] = {
    "t-2**80": ([ACTOR, state(t=2**80)], {}, ":3: state.t: "),
    "t-2**63": ([ACTOR, state(t=2**63)], {}, ":3: state.t: "),
    "core-70000": ([ACTOR, state(core=70000)], {}, ":3: state.core: 70000"),
    "value-10**400": (
        [ACTOR, '{"type":"value","t":0,"actor":0,"name":"v","value":1' + "0" * 400 + "}"],
        {},
        ":3: value: not a finite number",
    ),
    "value-1e400": (
        [ACTOR, '{"type":"value","t":0,"actor":0,"name":"v","value":1e400}'],
        {},
        ":3: value: not a finite number",
    ),
    "value-NaN": (
        [ACTOR, '{"type":"value","t":0,"actor":0,"name":"v","value":NaN}'],
        {},
        ":3: value: not a finite number",
    ),
    "nested-5000": ([ACTOR, "[" * 5000 + "]" * 5000], {}, ":3: nested too deep"),
    "digits-5000": ([ACTOR, state(), '{"type":"state","t":' + "9" * 5000 + "}"], {}, ":4: "),
    "machine-oops": ([ACTOR], {"machine": "oops"}, ":1: header.machine: expected an object"),
    "cpus-abc": ([ACTOR], {"machine": {"cpus": "abc"}}, ":1: header.machine.cpus: expected"),
    "cpus-huge": ([ACTOR], {"machine": {"cpus": [70000]}}, ":1: header.machine.cpus: expected"),
    "header-nested-900": (
        [ACTOR],
        {"params": json.loads('{"a":' * 900 + "1" + "}" * 900)},
        ":1: header: nested too deep",
    ),
    "title-123": ([ACTOR], {"title": 123}, ":1: header.title: expected a string, got 123"),
    "runs-numbers": ([ACTOR], {"runs": [1, 2]}, ":1: header.runs: "),
    "own-parent": ([{**ACTOR, "parent": 0}], {}, ":2: actor.parent: actor 0 is its own parent"),
    "parent-cycle": (
        [{**ACTOR, "parent": 1}, {**ACTOR, "id": 1, "parent": 0}],
        {},
        ":2: actor.parent: actor 0 is its own ancestor",
    ),
    "pid-huge": ([{**ACTOR, "pid": 2**64}], {}, ":2: actor.pid: "),
    "exit-code-text": (
        [ACTOR, {"type": "end", "outcome": "done", "message": "", "exit_code": "x"}],
        {},
        ":3: end.exit_code: ",
    ),
    "type-list": ([ACTOR, {"type": ["state"]}], {}, ":3: unknown type ['state']"),
}


@pytest.mark.parametrize("case", RECORDINGS)
def test_hostile_recordings_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    lines, header, expected = RECORDINGS[case]
    f = write(tmp_path / "r.jsonl", *lines, header={**HEADER, **header})
    err = one_line(capsys, ["replay", str(f), "--headless"])
    assert f"r.jsonl{expected}" in err, err
    assert len(err) < 300  # the value is cut, not printed whole


CHROME: dict[str, tuple[str, str]] = {
    "ts-1e308": ('[{"ph":"X","ts":1e308,"dur":1,"pid":1,"tid":1}]', '"ts": 1e+308 µs is out'),
    "ts-Infinity": ('[{"ph":"X","ts":Infinity,"dur":1,"pid":1,"tid":1}]', '"ts": inf µs'),
    "dur-1e300": ('[{"ph":"X","ts":1,"dur":1e300,"pid":1,"tid":1}]', '"dur": 1e+300 µs'),
    "pid-Infinity": ('[{"ph":"X","ts":1,"dur":1,"pid":Infinity,"tid":1}]', "].pid: expected"),
    "pid-bool": ('[{"ph":"X","ts":1,"dur":1,"pid":true,"tid":1}]', "].pid: expected"),
    "args-list": ('[{"ph":"X","ts":1,"dur":1,"pid":1,"tid":1,"args":[1]}]', "].args: expected"),
    "core-70000": (
        '[{"ph":"X","ts":1,"dur":1,"pid":1,"tid":1,"args":{"core":70000}}]',
        "].args.core: 70000",
    ),
    "otherData-list": (
        '{"traceEvents":[{"ph":"X","ts":1,"dur":1,"pid":1,"tid":1}],"otherData":[1]}',
        "otherData: expected an object",
    ),
    "machine-cpus": (
        '{"traceEvents":[{"ph":"X","ts":1,"dur":1,"pid":1,"tid":1}],'
        '"otherData":{"machine":{"cpus":"abc"}}}',
        "otherData.machine.cpus: expected",
    ),
    "nested-5000": ('{"traceEvents":' + "[" * 5000 + "]" * 5000 + "}", "nested too deep"),
}


@pytest.mark.parametrize("case", CHROME)
def test_hostile_chrome_traces_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    content, expected = CHROME[case]
    f = tmp_path / "t.json"
    f.write_text(content)
    assert expected in one_line(capsys, ["replay", str(f), "--headless"])


def test_64_bit_and_string_ids_keep_their_own_lanes(tmp_path: Path) -> None:
    """tid 1 and 1 + 2**24 were one lane (``tid & 0xFFFFFF``); ray's ids are strings."""
    events = [
        {"ph": "X", "ts": 1, "dur": 1, "pid": 1, "tid": 1, "name": "f"},
        {"ph": "X", "ts": 2, "dur": 1, "pid": 1, "tid": 1 + 2**24, "name": "f"},
        {"ph": "X", "ts": 3, "dur": 1, "pid": "node:10.0.0.1", "tid": "worker:1a2b", "name": "f"},
    ]
    f = tmp_path / "t.json"
    f.write_text(json.dumps({"traceEvents": events}))
    names = sorted(a.name for a in formats.load(f).actors)
    assert names == [
        "process 1", "process node:10.0.0.1", "thread 1", "thread 16777217", "thread worker:1a2b",
    ]  # fmt: skip


def test_special_files_are_refused_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    t = time.monotonic()
    for path, expected in [
        ("/dev/zero", "not a regular file"),
        (str(fifo), "not a regular file"),
        (str(tmp_path), "is a directory"),
        (str(loop), "a loop of symbolic links"),
        (str(tmp_path / "nope"), "no such file"),
    ]:
        assert expected in one_line(capsys, ["replay", path, "--headless"]), path
        assert expected in one_line(capsys, ["present", path]), path
    assert time.monotonic() - t < 10  # none of them read without end


def test_a_bom_and_a_long_header_still_open(tmp_path: Path) -> None:
    """600 CPUs make a header longer than the 4,096 bytes once sniffed (it was refused as a
    bad Chrome trace); an editor's BOM gave a misleading message."""
    cpus = list(range(600))
    machine = {"cpus": cpus, "cpus_allowed": cpus}
    f = write(tmp_path / "r.jsonl", ACTOR, state(), header={**HEADER, "machine": machine})
    assert len(f.read_bytes().split(b"\n", 1)[0]) > 4096
    assert formats.load(f).events == 1
    f.write_bytes(b"\xef\xbb\xbf" + f.read_bytes())
    assert formats.load(f).events == 1


ESCAPES = "\x1b]2;PWNED\x07\x1b]52;c;aGk=\x07\x9b31m\x00"


def _escaping(tmp_path: Path) -> Path:
    return write(
        tmp_path / "esc.jsonl",
        {**ACTOR, "name": f"cook{ESCAPES}A"},
        state(label=f"chop{ESCAPES}"),
        {"type": "cue", "t": 1, "actor": 0, "text": f"hello{ESCAPES}\nworld", "text_ja": ""},
        state(t=10, state="done"),
        header={**HEADER, "title": f"title{ESCAPES}"},
    )


def test_control_characters_never_reach_the_terminal_or_the_svg(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = formats.load(_escaping(tmp_path))
    assert store.actors[0].name == "cook]2;PWNED]52;c;aGk=31mA"
    assert store.cues[0][2] == "hello]2;PWNED]52;c;aGk=31m\nworld"  # a newline stays
    assert cli.main(["replay", str(tmp_path / "esc.jsonl"), "--headless", "--width", "100"]) == 0
    out = capsys.readouterr().out
    assert not any(c in out for c in "\x1b\x07\x9b\x00"), repr(out)
    svg = tmp_path / "esc.svg"
    assert cli.main(["export", str(tmp_path / "esc.jsonl"), "--format", "svg", "-o", str(svg)]) == 0
    ET.parse(svg)  # valid XML: a control character made it invalid


async def test_markup_in_a_file_is_text_not_markup(tmp_path: Path) -> None:
    """A name of ``[/]`` crashed the app (MarkupError); ``[@click=…]`` made a clickable link
    that wrote a file. A deck step whose file is bad shows its error as plain text."""
    click = "[@click=app.screenshot('pwn.svg','.')]CLICK ME[/]"
    f = write(
        tmp_path / "talk[v2].jsonl",
        {**ACTOR, "name": f"[/]{click}"},
        state(label="[b]not bold[/b]"),
        {"type": "cue", "t": 1, "actor": 0, "text": click, "text_ja": "[/]"},
        state(t=10, state="done"),
    )
    bad = write(tmp_path / "bad[red].jsonl", ACTOR, state(label=7))
    talk = tmp_path / "talk.toml"
    talk.write_text(
        f'[[step]]\ntitle = "[/] one"\nrecording = "{f.name}"\n'
        f'[[step]]\ntitle = "[red]two"\nrecording = "{bad.name}"\n'
    )
    app = CooklineApp(
        deck=deck.load(talk), clock=lambda: CLOCK, load=lambda: list(LOAD), autoplay=False
    )
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        shown = app.export_screenshot().replace("&#160;", " ")
        assert "CLICK ME" in shown and "[/]" in shown
        await pilot.press("pagedown")  # the bad step: a toast, and the talk goes on
        await pilot.pause()
        notes = [n.message for n in app._notifications]
        assert any("bad[red].jsonl:3: state.label" in str(m) for m in notes), notes
    assert not (tmp_path / "pwn.svg").exists() and not Path("pwn.svg").exists()


def test_decks_stay_in_their_folder_and_check_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = write(tmp_path / "run.jsonl", ACTOR, state(), state(t=5, state="done"))
    (tmp_path / "talks").mkdir()
    talk = tmp_path / "talks" / "talk.toml"
    for recording_path in ("../run.jsonl", str(outside), "../../../etc/passwd"):
        talk.write_text(f'[[step]]\ntitle = "a"\nrecording = "{recording_path}"\n')
        assert "is outside the deck's folder" in one_line(capsys, ["present", str(talk)])
    talk.write_text('[[step]]\ntitle = "a"\nrecording = "../run.jsonl"\n')
    assert deck.load(talk, outside=True).steps[0].recording == outside.resolve()
    for scale in ("nan", "inf", "1e308", "-1", "0"):
        talk.write_text(f'[[step]]\ntitle = "a"\nscenario = "one-knife"\nscale = {scale}\n')
        assert "step 1: scale: expected a number" in one_line(capsys, ["present", str(talk)])
    talk.write_text('[[step]]\ntitle = "a"\nrecording = "a\\u0000b"\n')
    assert "NUL" in one_line(capsys, ["present", str(talk)])
    talk.write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert "talk.toml" in one_line(capsys, ["present", str(talk)])
    assert "NUL" in one_line(capsys, ["present", "a\0b"])


def _recording_of(n: int, chain: bool, path: Path) -> Path:
    lines: list[Any] = [{**ACTOR, "kind": "process", "tid": 0}]
    for i in range(1, n):
        lines.append({**ACTOR, "id": i, "parent": i - 1 if chain else 0, "name": f"c{i}"})
    lines += [state(actor=i, t=i) for i in range(n)]
    return write(path, *lines)


@pytest.mark.parametrize("chain", [False, True])
def test_many_actors_take_linear_time(tmp_path: Path, chain: bool) -> None:
    """20 k actors took 36 s in the app and 10 s headless (the tree walked as n²); a
    100 k-deep chain ran out of memory. Four times the actors must cost about four times
    the time, not sixteen: a ratio, so a slow machine does not fail it."""

    def took(n: int) -> float:
        f = _recording_of(n, chain, tmp_path / f"{n}.jsonl")
        t = time.perf_counter()
        store = formats.load(f)
        assert "more lanes not printed" in headless.text(store, 100)
        assert len(lanes_for(store, "threads")) == n
        return time.perf_counter() - t

    small = min(took(2_000) for _ in range(2))
    big = min(took(8_000) for _ in range(2))
    assert big / small < 8, f"2k actors {small:.2f} s, 8k actors {big:.2f} s"


_LIMITED = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))
from tui import cli
sys.exit(cli.main(sys.argv[1:]))
"""


def test_writes_never_leave_half_a_file_nor_replace_unasked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = Path(__file__).parent.parent / "tui" / "recordings" / "one-knife.jsonl"
    out = tmp_path / "out.json"
    assert cli.main(["export", str(source), "-o", str(out)]) == 0
    capsys.readouterr()
    good = out.read_bytes()
    assert len(good) > 8192
    assert "exists (add --force" in one_line(capsys, ["export", str(source), "-o", str(out)])
    # a write limit (a full disk) mid-write: one line, and the old file whole
    r = subprocess.run(
        [sys.executable, "-c", _LIMITED, "export", str(source), "-o", str(out), "--force"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
        timeout=60,
    )
    assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
    assert "cannot write" in r.stderr and "Traceback" not in r.stderr
    assert out.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temporary file left
    # a hard link to the input is the input
    link = tmp_path / "link.jsonl"
    os.link(out, link)
    assert "is the input itself" in one_line(
        capsys, ["export", str(link), "--format", "chrome", "-o", str(out), "--force"]
    )
    for target in ("/dev/full", "/proc/version"):
        one_line(capsys, ["export", str(source), "-o", target, "--force"])


def test_a_store_keeps_labels_bounded() -> None:
    """A worker naming every event anew grew Cookline to 1 GB in 10 s."""
    from tui.trace.store import MAX_LABELS, TOO_MANY_LABELS

    store = TraceStore()
    for k in range(MAX_LABELS + 500):
        store.label(f"label {k}")
    assert len(store.labels) == MAX_LABELS + 1
    assert store.labels[-1] == TOO_MANY_LABELS


def test_metadata_is_bounded_too() -> None:
    from tui.trace.store import MAX_RECORDS

    store = TraceStore()
    store.declare(0, Kind.THREAD, "a")
    for k in range(MAX_RECORDS + 10):
        store.add_value(k, 0, "v", k)
    assert len(store.values) == MAX_RECORDS and store.dropped == 10


def test_a_run_past_the_store_cap_is_stopped_saying_why(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker sending without end grew Cookline to 1 GB in 10 s."""
    from scenarios.kitchen.menu import get
    from tui.runs import session

    monkeypatch.setattr(session, "MAX_EVENTS", 50)
    run, store = session.start(get("many-cooks"), {"scale": 1.0})
    result = run.wait(60)
    assert result is not None and result.outcome == "stopped", result
    assert "more than 50 events" in result.message
    assert store.end["outcome"] == "stopped"


def test_actor_counts_and_text_lengths_are_bounded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 1 GiB file of actor lines would be some 10 GB of lanes; a name of a megabyte, a lane."""
    from tui.formats import recording

    monkeypatch.setattr(recording, "MAX_ACTORS", 3)
    lines = [{**ACTOR, "id": i, "name": "x" * 2_000_000} for i in range(4)]
    f = write(tmp_path / "r.jsonl", *lines)
    assert "r.jsonl:5: actor: more than 3 actors" in one_line(capsys, ["replay", str(f)])
    monkeypatch.setattr(recording, "MAX_ACTORS", 10)
    store = formats.load(f)
    assert {len(a.name) for a in store.actors} == {1_000}


def test_a_value_the_door_refuses_from_the_wire_is_dropped_not_fatal() -> None:
    from array import array

    from scenarios.wire import Value

    store = TraceStore()
    store.ingest(array("q"), [Value(5, 1, "v", float("nan")), Value(6, 1, "w", 2.0)])
    assert [v[2] for v in store.values] == ["w"] and store.dropped == 1
