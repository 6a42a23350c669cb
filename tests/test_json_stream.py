"""The streamed Chrome trace reader: whatever the chunks' boundaries, the items ``json.loads``
would give, errors on their line, and a call tree reduced to its top level as it comes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui import formats
from tui.formats import chrome_import, json_stream
from tui.trace.summary import summarise

TRICKY = [
    {"ph": "X", "name": 'a "}," inside', "ts": 1, "dur": 2, "pid": 1, "tid": 1},
    {"ph": "X", "name": "ends with ]", "ts": 3.5, "dur": 1e3, "pid": 1, "tid": 1},
    {"ph": "i", "name": "日本語 and \\u escapes \u2603", "ts": 12345678901, "pid": 1, "tid": 2},
    {"ph": "M", "name": "thread_name", "pid": 1, "tid": 1, "args": {"name": "{[}]"}},
] * 50


def _chunks(data: bytes, size: int) -> Iterator[bytes]:
    return (data[k : k + size] for k in range(0, len(data), size))


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 4097, 1 << 20])
@pytest.mark.parametrize("shape", ["array", "object", "object-last", "no-bracket"])
def test_any_chunking_gives_the_items_json_loads_gives(size: int, shape: str) -> None:
    items = json.dumps(TRICKY, ensure_ascii=False, indent=1 if size % 2 else None)
    text = {
        "array": items,
        "object": '{"traceEvents": ' + items + ', "otherData": {"x": [1, {"y": "}"}]}}',
        "object-last": '{"displayTimeUnit": "ns", "n": 12345, "traceEvents":' + items + "}",
        "no-bracket": items.rstrip()[:-1].rstrip().rstrip(","),
    }[shape]
    data = ("\ufeff" if size == 3 else "").encode() + text.encode()
    got = json_stream.Items(_chunks(data, size), "traceEvents")
    assert list(got) == TRICKY
    if shape == "object":
        assert got.others == {"otherData": {"x": [1, {"y": "}"}]}}
    if shape == "object-last":
        assert got.others == {"displayTimeUnit": "ns", "n": 12345}


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        ('[\n{"ph": "X"},\n{"ph": "X" "ts": 1}\n]', 3, "not valid JSON: Expecting ',' delimiter"),
        ('{"traceEvents": [\n{"ph": "X", "ts": 1,', 2, "not valid JSON: the file ends early"),
        ('[{"ph": "X"}]\n\nextra', 3, "not valid JSON: Extra data"),
        ('{"traceEvents": [{}], "otherData" 3}', 1, "not valid JSON: expected ':'"),
        ("[" * 5000 + "]" * 5000, 1, "nested too deep"),
    ],
)
def test_an_error_names_its_line(text: str, line: int, what: str) -> None:
    with pytest.raises(json_stream.JsonError) as caught:
        list(json_stream.Items(_chunks(text.encode(), 5), "traceEvents"))
    assert (caught.value.line, caught.value.what[: len(what)]) == (line, what)


def _call_tree(order: str, depth: int, calls: int) -> list[dict[str, object]]:
    """``calls`` top-level calls on one thread, each ``depth`` deep, written in pre-order
    (a caller before its callees) or post-order (as viztracer writes them, callees first)."""
    events: list[dict[str, object]] = []
    for c in range(calls):
        tree = [
            {"ph": "X", "name": f"f{d}", "ts": c * 100 + d, "dur": 90 - 2 * d, "pid": 7, "tid": 7}
            for d in range(depth)
        ]
        events += tree if order == "pre" else tree[::-1]
    return events


@pytest.mark.parametrize("order", ["pre", "post"])
def test_a_deep_call_tree_keeps_only_its_top_level_as_it_comes(order: str) -> None:
    lanes = chrome_import._Lanes()
    for ev in _call_tree(order, depth=30, calls=200):
        lanes.event(ev)
    (lane,) = lanes.lanes.values()
    assert len(lane.start) == 200  # not 6,000: the nested calls went as they arrived
    store = chrome_import.parse("t.json", json.dumps(_call_tree(order, 30, 200)).encode())
    thread = next(a for a in store.actors if a.name == "thread 7")
    s = next(x for x in summarise(store).actors if x.actor is thread)
    assert s.running == 200 * 90_000  # each top-level call's 90 µs, nothing counted twice


def test_a_trace_opens_from_its_file_in_chunks_with_progress(tmp_path: Path) -> None:
    events = _call_tree("post", depth=5, calls=30_000)  # ~11 MB: more than one chunk
    f = tmp_path / "big.json"
    f.write_text(json.dumps({"traceEvents": events, "otherData": {"machine": {"cores": 2}}}))
    seen: list[tuple[int, int]] = []
    store = formats.load(f, progress=lambda done, size: seen.append((done, size)))
    size = f.stat().st_size
    assert size > 8 << 20 and len(seen) >= 2
    assert seen[-1] == (size, size) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert store.header["machine"]["cores"] == 2
    assert summarise(store).cpu == 30_000 * 90_000
