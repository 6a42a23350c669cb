"""Recordings: a live run saved and loaded is the same run; bad files get one clear line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, Kitchen
from tui.cli import main
from tui.formats import recording
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
