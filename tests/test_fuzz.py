"""Property tests of every loader: a valid file, broken in one place by a hostile value, is
either shown (with no control character reaching the output) or refused in one line naming the
file, exit 2 -- never a traceback, never a hang.

A few hundred examples in the suite; ``make fuzz`` runs 10,000 (``COOKLINE_FUZZ`` examples
per loader) and prints how many were shown and how many refused.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui import cli
from tui.formats import columns

EXAMPLES = int(os.environ.get("COOKLINE_FUZZ", "100"))
TIME_BOUND = 10.0
"""Seconds one example may take, loaded machine included (they take ~20 ms)."""

OUTCOMES: Counter[str] = Counter()

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)

CONTROL = "\x00\x07\x1b\x9b\x7f"
hostile_text = st.text(
    alphabet=st.sampled_from(["a", "[", "]", "/", "@", "=", "\n", "\t", "日", *CONTROL]),
    max_size=30,
)
leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([-1, 0, 1, 2**15, 2**31, 2**62, 2**63, 2**64, 10**30]),
    st.floats(allow_nan=True, allow_infinity=True),
    hostile_text,
)
hostile = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(hostile_text, inner, max_size=3)
    ),
    max_leaves=6,
)
DEEP = "[" * 3000 + "]" * 3000


def _valid_recording() -> list[dict[str, Any]]:
    actor = {"type": "actor", "kind": "thread", "pid": 7, "tid": 8}
    state = {"type": "state", "actor": 1, "reason": None, "label": None, "core": 0}
    return [
        {
            "format": "cookline",
            "version": 1,
            "scenario": "fuzz",
            "title": "Fuzz",
            "machine": {"cpus": [0, 1], "cores": 2, "python": "3.11", "gil_enabled": True},
        },
        {**actor, "id": 0, "kind": "process", "parent": None, "name": "kitchen", "tid": 0},
        {**actor, "id": 1, "parent": 0, "name": "cook"},
        {**state, "t": 0, "state": "running", "label": "chop"},
        {**state, "t": 10, "state": "waiting", "reason": "sleep", "core": None},
        {"type": "cue", "t": 5, "actor": 1, "text": "a cue", "text_ja": "合図"},
        {"type": "value", "t": 6, "actor": 1, "name": "n", "value": 3},
        {"type": "lock", "t": 7, "actor": 1, "lock": "knife", "held": True},
        {**state, "t": 20, "state": "done", "core": None},
        {"type": "end", "outcome": "done", "message": "ok", "exit_code": 0},
    ]


def _valid_recording_v2() -> list[dict[str, Any]]:
    """The same run in version 2: labels in a table, each actor's states in columns."""
    v1 = _valid_recording()
    header = {**v1[0], "version": 2, "codes": columns.CODES}
    return [
        header,
        v1[1],
        v1[2],
        {"type": "label", "id": 1, "text": "chop"},
        {"type": "states", "actor": 1, "t": [0, 10, 10], "state": "234",
         "reason": "010", "core": [0, -1, -1], "label": [1, 0, 0]},
        *v1[5:8],
        v1[9],
    ]  # fmt: skip


def _valid_chrome() -> dict[str, Any]:
    return {
        "traceEvents": [
            {"ph": "M", "name": "process_name", "pid": 1, "tid": 0, "args": {"name": "k"}},
            {"ph": "M", "name": "thread_name", "pid": 1, "tid": 2, "args": {"name": "cook"}},
            {"ph": "X", "name": "chop", "cat": "running", "ts": 0, "dur": 5, "pid": 1, "tid": 2},
            {"ph": "B", "name": "wait", "ts": 6, "pid": 1, "tid": 2},
            {"ph": "E", "ts": 9, "pid": 1, "tid": 2},
            {"ph": "i", "name": "cue", "ts": 3, "pid": 1, "tid": 2, "args": {"ja": "合図"}},
        ],
        "otherData": {"machine": {"cpus": [0, 1]}},
    }


@st.composite
def broken_recording(draw: st.DrawFn) -> str:
    lines: list[Any] = draw(st.sampled_from([_valid_recording, _valid_recording_v2]))()
    k = draw(st.integers(0, len(lines) - 1))
    how = draw(st.sampled_from(["set", "set", "set", "drop", "raw", "swap"]))
    if how == "raw":
        lines[k] = draw(st.sampled_from([DEEP, "{", "null", "[]", "\x00\x01", '{"type": 1}']))
    elif how == "swap":
        j = draw(st.integers(0, len(lines) - 1))
        lines[k], lines[j] = lines[j], lines[k]
    else:
        obj = dict(lines[k])
        field = draw(st.sampled_from([*obj, "extra"]))
        if how == "drop":
            obj.pop(field, None)
        else:
            obj[field] = draw(hostile)
        lines[k] = obj
    return "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"


@st.composite
def broken_chrome(draw: st.DrawFn) -> str:
    doc = _valid_chrome()
    events = doc["traceEvents"]
    where = draw(st.sampled_from(["event", "event", "event", "other", "raw"]))
    if where == "raw":
        return draw(st.sampled_from([DEEP, '{"traceEvents": ' + DEEP + "}", "[", "{}", "[1]"]))
    if where == "other":
        target = doc if draw(st.booleans()) else doc["otherData"]
        target[draw(st.sampled_from(["otherData", "machine", "traceEvents"]))] = draw(hostile)
    else:
        ev = events[draw(st.integers(0, len(events) - 1))]
        ev[draw(st.sampled_from(["ph", "ts", "dur", "pid", "tid", "name", "cat", "args"]))] = draw(
            hostile
        )
    return json.dumps(doc)


TOML_VALUES = [
    "nan", "inf", "-inf", "1e308", "-1", "0", "10000000000000000000", "true", "[]", "{}",
    '"../../../etc/passwd"', '"/etc/passwd"', '"a\\u0000b"', '"\\u001b]2;x\\u0007"', '"[/]"',
    "[" * 200 + "]" * 200, '"one-knife"', '"cores"', "3", '"run.jsonl"', '"run[/].jsonl"',
]  # fmt: skip


@st.composite
def broken_deck(draw: st.DrawFn) -> str:
    keys = ["title", "title_ja", "scenario", "recording", "scale", "view", "cores", "speed"]
    top = draw(st.sampled_from(["", 'title = "Talk"\n', "title = 3\n", "x = " + "[" * 500 + "\n"]))
    steps = []
    for _ in range(draw(st.integers(1, 3))):
        fields = {"title": '"Step"', "scenario": '"one-knife"', "scale": "0.5"}
        for key in draw(st.lists(st.sampled_from(keys), min_size=1, max_size=3, unique=True)):
            if draw(st.integers(0, 4)):
                fields[key] = draw(st.sampled_from(TOML_VALUES))
            else:
                fields.pop(key, None)
        steps.append("[[step]]\n" + "".join(f"{k} = {v}\n" for k, v in fields.items()))
    return top + "".join(steps)


def _check(argv: list[str], path: Path) -> str:
    """Run one command in-process: shown (0) or one line naming the file (2), in time."""
    out, err = io.StringIO(), io.StringIO()
    t = time.monotonic()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    took = time.monotonic() - t
    assert took < TIME_BOUND, f"{took:.1f} s"
    text = err.getvalue()
    if code == 2:
        assert text.count("\n") == 1 and text.startswith("cookline: "), text
        assert path.name in text or "--" in text, text
        return "refused"
    assert code == 0 and text == "", (code, text)
    shown = out.getvalue()
    assert not any(c in shown for c in CONTROL), repr(shown)
    return "shown"


def test_the_unbroken_recordings_are_the_same_run(tmp_path: Path) -> None:
    """The fuzzer's starting points load, both versions, into the same figures: a mutation
    that is refused is refused for what it broke."""
    from tui.formats import recording
    from tui.trace.summary import summarise

    got = []
    for make in (_valid_recording, _valid_recording_v2):
        f = tmp_path / f"{make.__name__}.jsonl"
        f.write_text("\n".join(json.dumps(x) for x in make()) + "\n")
        store = recording.load(f)
        s = summarise(store)
        got.append((store.events, s.wall, s.cpu, store.cues, store.values, store.locks))
    assert got[0] == got[1] and got[0][0] == 3


@FUZZ
@given(content=broken_recording())
def test_recordings(tmp_path: Path, content: str) -> None:
    f = tmp_path / "fuzz.jsonl"
    f.write_text(content, encoding="utf-8", errors="surrogatepass")
    outcome = _check(["replay", str(f), "--headless", "--width", "80"], f)
    if outcome == "shown":  # and the export walks the same tree without looping
        _check(["export", str(f), "-o", str(tmp_path / "out.json"), "--force"], f)
    OUTCOMES[f"recording {outcome}"] += 1


@FUZZ
@given(content=broken_chrome())
def test_chrome_traces(tmp_path: Path, content: str) -> None:
    f = tmp_path / "fuzz.json"
    f.write_text(content, encoding="utf-8", errors="surrogatepass")
    OUTCOMES[f"chrome {_check(['replay', str(f), '--headless', '--width', '80'], f)}"] += 1


@FUZZ
@given(content=broken_deck())
def test_decks(tmp_path: Path, content: str, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "run.jsonl").write_text("\n".join(json.dumps(x) for x in _valid_recording()) + "\n")
    f = tmp_path / "fuzz.toml"
    f.write_text(content, encoding="utf-8", errors="surrogatepass")
    # the app itself is not opened: the deck is checked before it would be
    monkeypatch.setattr(cli, "_run_app", lambda **kw: 0)
    OUTCOMES[f"deck {_check(['present', str(f)], f)}"] += 1


def test_outcomes_said() -> None:
    """Last in the file: how the examples ended (shown with ``-s``; ``make fuzz`` prints it),
    and the memory bound: no example may have grown this process past 1 GiB (its peak)."""
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("\nfuzz outcomes:", dict(sorted(OUTCOMES.items())), f"peak RSS {peak_mib:.0f} MiB")
    assert peak_mib < 1024
