"""Recordings: a live run saved and loaded is the same run; bad files get one clear line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DATA, Kitchen
from tui.cli import main
from tui.formats import columns, recording
from tui.report import headless
from tui.trace.store import TraceStore


def _render(store: TraceStore) -> str:
    return headless.text(store, 100)


def test_round_trip_keeps_every_span(kitchen: Kitchen, tmp_path: Path) -> None:
    done = kitchen("abc-threads", scale=0.1)
    path = tmp_path / "run.jsonl"
    recording.save(done.store, path)
    again = recording.load(path)
    assert len(again.actors) == len(done.store.actors) >= 5
    for a, b in zip(done.store.actors, again.actors, strict=True):
        assert (a.name, a.kind, a.parent) == (b.name, b.kind, b.parent)
        assert done.store.spans(a) == again.spans(b)
    assert again.cues == done.store.cues
    assert again.end["outcome"] == "done"
    # the headless picture of the replay is the live picture
    assert _render(again) == _render(done.store)


def test_fixture_recordings_load() -> None:
    for path in sorted(DATA.glob("*.jsonl")):
        store = recording.load(path)
        assert store.events > 10, path
        assert store.header["machine"]["cores"] >= 1


def test_saved_file_documents_itself() -> None:
    first = json.loads((DATA / "one-knife.jsonl").read_text().splitlines()[0])
    assert first["format"] == "cookline" and first["version"] == 1
    for key in ("cores", "cpus_allowed", "python", "implementation", "gil_enabled", "platform"):
        assert key in first["machine"]


def _good_lines() -> list[str]:
    return (DATA / "abc-async.jsonl").read_text().splitlines()


def _state_line(lines: list[str]) -> int:
    return next(i for i, line in enumerate(lines) if '"type":"state"' in line)


def _make(kind: str, tmp_path: Path) -> tuple[Path, str]:
    """A bad recording of one kind, and what its error line must contain."""
    lines = _good_lines()
    p = tmp_path / "bad.jsonl"
    s = _state_line(lines)
    if kind == "truncated":
        text = "\n".join(lines)
        p.write_text(text[: len(text) - 25])
        return p, f"bad.jsonl:{len(lines)}: the file ends mid-line"
    if kind == "not-json":
        lines[3] = "{this is not json"
        return _write(p, lines), "bad.jsonl:4: not JSON"
    if kind == "unknown-type":
        lines[s] = lines[s].replace('"type":"state"', '"type":"stew"')
        return _write(p, lines), f"bad.jsonl:{s + 1}: unknown type 'stew'"
    if kind == "wrong-version":
        lines[0] = lines[0].replace('"version":1', '"version":7')
        return _write(p, lines), "bad.jsonl:1: version 7 is not supported"
    if kind == "missing-field":
        obj = json.loads(lines[s])
        del obj["state"]
        lines[s] = json.dumps(obj)
        return _write(p, lines), f'bad.jsonl:{s + 1}: state: missing field "state"'
    if kind == "negative-time":
        obj = json.loads(lines[s])
        obj["t"] = -5
        lines[s] = json.dumps(obj)
        return _write(p, lines), f"bad.jsonl:{s + 1}: state.t: negative time -5"
    if kind == "time-goes-back":
        first = json.loads(lines[s])
        later = next(
            i
            for i in range(s + 1, len(lines))
            if json.loads(lines[i]).get("actor") == first["actor"]
            and json.loads(lines[i]).get("type") == "state"
        )
        obj = json.loads(lines[later])
        obj["t"] = first["t"] - 1
        lines[later] = json.dumps(obj)
        return _write(p, lines), f"bad.jsonl:{later + 1}: state.t:"
    if kind == "undeclared-actor":
        obj = json.loads(lines[s])
        obj["actor"] = 99
        lines[s] = json.dumps(obj)
        return _write(p, lines), f"bad.jsonl:{s + 1}: state.actor: 99 was never declared"
    if kind == "bad-state":
        obj = json.loads(lines[s])
        obj["state"] = "simmering"
        lines[s] = json.dumps(obj)
        return _write(p, lines), f"bad.jsonl:{s + 1}: state.state: 'simmering' is not one of"
    if kind == "wrong-type":
        obj = json.loads(lines[s])
        obj["t"] = "soon"
        lines[s] = json.dumps(obj)
        return _write(p, lines), f"bad.jsonl:{s + 1}: state.t: expected int, got 'soon'"
    if kind == "empty":
        p.write_text("")
        return p, "bad.jsonl: empty file"
    if kind == "directory":
        d = tmp_path / "bad.jsonl"
        d.mkdir()
        return d, "bad.jsonl: is a directory"
    if kind == "missing":
        return tmp_path / "bad.jsonl", "bad.jsonl: no such file"
    if kind == "binary":
        p.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)))
        return p, "bad.jsonl:1: binary data"
    if kind == "not-cookline":
        lines[0] = json.dumps({"format": "soup", "version": 1})
        return _write(p, lines), "bad.jsonl:1: not a cookline recording"
    raise AssertionError(kind)


def _write(p: Path, lines: list[str]) -> Path:
    p.write_text("\n".join(lines) + "\n")
    return p


BAD = [
    "truncated",
    "not-json",
    "unknown-type",
    "wrong-version",
    "missing-field",
    "negative-time",
    "time-goes-back",
    "undeclared-actor",
    "bad-state",
    "wrong-type",
    "empty",
    "directory",
    "missing",
    "binary",
    "not-cookline",
]


@pytest.mark.parametrize("kind", BAD)
def test_bad_recording_gives_one_line_and_exit_2(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, expected = _make(kind, tmp_path)
    code = main(["replay", str(path), "--headless"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("cookline: ") and expected in lines[0], lines[0]
    assert "Traceback" not in err


def test_bad_recording_from_the_real_command(tmp_path: Path) -> None:
    """The installed entry point: exit status 2 and no traceback, as a user would see it."""
    path, expected = _make("not-json", tmp_path)
    out = subprocess.run(
        [sys.executable, "-m", "tui", "replay", str(path), "--headless"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2
    assert expected in out.stderr and "Traceback" not in out.stderr


def test_every_scenario_has_a_bundled_recording_that_loads() -> None:
    """``tui/recordings`` ships a run of each scenario (and the compare runs) for replay."""
    from scenarios.kitchen.menu import SCENARIOS
    from tui.pictures import COMPARES, RECORDINGS

    names = [s.id for s in SCENARIOS] + [f"compare-{k}" for k in COMPARES]
    for name in names:
        store = recording.load(RECORDINGS / f"{name}.jsonl")
        assert store.events > 0, name
        assert store.header["machine"]["python"], name


# -- version 2: state events in columns ---------------------------------------------------


def _v2(tmp_path: Path) -> list[dict[str, Any]]:
    """A real run saved as Cookline saves it now, as objects a test can break."""
    store = recording.load(DATA / "abc-async.jsonl")
    path = tmp_path / "good.jsonl"
    recording.save(store, path)
    return [json.loads(line) for line in path.read_text().splitlines()]


def _states_at(objs: list[dict[str, Any]]) -> int:
    """The longest ``states`` line."""
    k = [i for i, o in enumerate(objs) if o.get("type") == "states"]
    return max(k, key=lambda i: len(objs[i]["t"]))


def _broken_v2(kind: str, objs: list[dict[str, Any]]) -> str:
    """Break one thing; returns what the error line must say after the line number."""
    s = _states_at(objs)
    line = objs[s]
    if kind == "negative-distance":
        line["t"][3] = -7
        return "states.t[3]: negative distance -7"
    if kind == "back-in-time":  # split in two, the second half starting before the first ended
        half = len(line["t"]) // 2
        cut = [f for f, v in line.items() if isinstance(v, list | str) and f != "type"]
        tail: dict[str, Any] = {**line, **{f: line[f][half:] for f in cut}}
        line.update({f: line[f][:half] for f in cut})
        tail["t"][0] = 0
        objs.insert(s + 1, tail)
        return "states.t[0]: 0 goes back in time"
    if kind == "state-code":
        line["state"] = line["state"][:2] + "9" + line["state"][3:]
        return "states.state[2]: '9' is not a code of the header's codes.state (0 .. 5)"
    if kind == "short-column":
        line["state"] = line["state"][:-1]
        n = len(line["t"])
        return f"states.state: expected a string of {n} code characters (one per time), got {n - 1}"
    if kind == "bool":
        line["t"][1] = True
        return "states.t[1]: expected an integer, got True"
    if kind == "float":
        line["t"][1] = 2.5
        return "states.t[1]: expected an integer, got 2.5"
    if kind == "string-column":
        line["core"] = "0,1"
        return f"states.core: expected a list of {len(line['t'])} integers"
    if kind == "core-range":
        line["core"] = [40_000] * len(line["t"])
        return "states.core[0]: 40000 is out of range"
    if kind == "core-below":
        line["core"] = [-2] * len(line["t"])
        return "states.core[0]: -2 is outside -1 .. 32767"
    if kind == "past-2-62":
        line["t"][1] = 2**62
        return "states.t: times run past 2**62 ns"
    if kind == "undeclared-label":
        line["label"] = [0] * len(line["t"])
        line["label"][4] = 999
        return "states.label[4]: 999 is not the id of a label line before it"
    if kind == "label-order":
        at = next(i for i, o in enumerate(objs) if o.get("type") == "label")
        objs[at]["id"] = 5
        return "label.id: expected 1 (ids count up from 1)"
    if kind == "undeclared-actor":
        line["actor"] = 99
        return "states.actor: 99 was never declared"
    if kind == "v1-line-in-v2":
        line.clear()
        line.update({"type": "state", "t": 0, "actor": 1, "state": "running", "reason": None,
                     "core": 0, "label": None})  # fmt: skip
        return "unknown type 'state' (expected one of actor, label, states"
    if kind == "unknown-code":
        objs[0]["codes"]["state"][3] = "simmering"
        return "header.codes.state: 'simmering' is not one of new, ready"
    if kind == "no-codes":
        del objs[0]["codes"]
        return 'header.codes: expected {"state": [names], "reason": [names]}'
    raise AssertionError(kind)


BAD_V2 = [
    "negative-distance", "back-in-time", "state-code", "short-column", "bool", "float",
    "string-column", "core-range", "core-below", "past-2-62", "undeclared-label", "label-order",
    "undeclared-actor", "v1-line-in-v2", "unknown-code", "no-codes",
]  # fmt: skip


@pytest.mark.parametrize("kind", BAD_V2)
def test_a_bad_v2_line_is_named_by_line_and_place(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    objs = _v2(tmp_path)
    before = [json.dumps(o) for o in objs]
    expected = _broken_v2(kind, objs)
    after = [json.dumps(o) for o in objs]
    number = next(i + 1 for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b)
    number += kind == "back-in-time"  # the first half is whole; its second half is not
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(after) + "\n")
    assert main(["replay", str(bad), "--headless"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert f"bad.jsonl:{number}: {expected}" in err, err


def test_version_2_is_what_cookline_writes_and_reads_a_tenth_of_version_1(tmp_path: Path) -> None:
    """The same run in both versions: the same spans, cues and figures from either file, and
    version 2 (columns, a label table) far smaller on disk."""
    from tui.trace.summary import summarise

    old = recording.load(DATA / "one-knife.jsonl")
    v1, v2 = tmp_path / "v1.jsonl", tmp_path / "v2.jsonl"
    recording.save(old, v1, version=1)
    recording.save(old, v2)
    head = json.loads(v2.read_text().splitlines()[0])
    assert head["version"] == 2 and head["codes"]["state"][2] == "running"
    a, b = recording.load(v1), recording.load(v2)
    for x, y in zip(a.actors, b.actors, strict=True):
        assert (x.name, x.kind, x.parent, x.pid, x.tid) == (y.name, y.kind, y.parent, y.pid, y.tid)
        assert a.spans(x) == b.spans(y)
    meta = ("cues", "values", "errors", "locks", "end", "header")
    assert [getattr(a, m) for m in meta] == [getattr(b, m) for m in meta]
    assert summarise(a) == summarise(b) and _render(a) == _render(b)
    assert v2.stat().st_size < 0.5 * v1.stat().st_size


def test_a_v2_file_says_what_its_codes_mean(tmp_path: Path) -> None:
    """A file whose header lists the states in another order (a later Cookline's) reads the
    same run: codes are read through the header's table, not assumed."""
    objs = _v2(tmp_path)
    order = ["failed", "done", "waiting", "running", "ready", "new"]
    new_char = {name: columns.CODE_CHARS[k] for k, name in enumerate(order)}
    ours = objs[0]["codes"]["state"]
    objs[0]["codes"]["state"] = order
    for o in objs:
        if o.get("type") == "states":
            o["state"] = "".join(new_char[ours[columns.CODE_CHARS.index(c)]] for c in o["state"])
    moved = tmp_path / "moved.jsonl"
    moved.write_text("\n".join(json.dumps(o) for o in objs) + "\n")
    a, b = recording.load(tmp_path / "good.jsonl"), recording.load(moved)
    assert [a.spans(x) for x in a.actors] == [b.spans(y) for y in b.actors]


def test_a_recording_says_how_far_its_parsing_has_got(monkeypatch: pytest.MonkeyPatch) -> None:
    """``formats.load``'s progress hears a recording's parsing too, in order, within the file."""
    from tui import formats
    from tui.pictures import RECORDINGS

    monkeypatch.setattr(recording, "PROGRESS_EVERY", 1_000)
    path = RECORDINGS / "one-knife.jsonl"
    seen: list[tuple[int, int]] = []
    formats.load(path, lambda done, size: seen.append((done, size)))
    size = path.stat().st_size
    assert len(seen) >= 3 and all(s == size for _, s in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and seen[-1][0] < size
