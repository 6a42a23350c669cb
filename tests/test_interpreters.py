"""``--python``: the kitchen under another CPython, found, checked, and recorded as such."""

from __future__ import annotations

import platform
from pathlib import Path

import pytest

from scenarios.supervisor.interpreter import Interpreter, InterpreterError, find
from tui import cli, formats
from tui.trace.summary import summarise


def _have(name: str) -> Interpreter | None:
    try:
        return find(name)
    except InterpreterError:
        return None


@pytest.mark.parametrize("name", ["python3.12", "python3.13"])
def test_the_gil_lesson_under_another_interpreter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    python = _have(name)
    if python is None:
        pytest.skip(f"no {name} on this machine")
    out = tmp_path / "run.jsonl"
    argv = ["run", "one-knife", "--headless", "--scale", "0.3", "--python", name]
    assert cli.main([*argv, "--record", str(out)]) == 0
    assert f"Python {python.version_text} CPython · GIL on" in capsys.readouterr().out
    store = formats.load(out)
    assert store.header["machine"]["python"] == python.version_text
    assert store.header["machine"]["gil_enabled"] is True
    threads = summarise(store)
    assert threads.parallelism <= 1.3  # one knife under this interpreter's GIL too
    # and the next run is Cookline's own interpreter again (the spawn setting was put back)
    assert cli.main(["run", "abc-sequential", "--headless", "--scale", "0.1"]) == 0
    assert f"Python {platform.python_version()} " in capsys.readouterr().out


def test_kitchens_of_another_interpreter_spawn_their_own(
    capsys: pytest.CaptureFixture[str],
) -> None:
    if _have("python3.12") is None:
        pytest.skip("no python3.12 on this machine")
    argv = ["run", "two-kitchens", "--headless", "--scale", "0.3", "--python", "python3.12"]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert "Kitchen 1 · main" in out and "Kitchen 2 · main" in out and "✓ finished" in out


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("no-such-python", "no such interpreter"),
        ("/bin/sh", "not a Python that Cookline can ask"),
        ("python2.7", "CPython 2.7"),
        ("python3.10", "CPython 3.10"),
    ],
)
def test_an_interpreter_it_cannot_use_is_one_line(
    capsys: pytest.CaptureFixture[str], name: str, expected: str
) -> None:
    if name in ("python2.7", "python3.10") and not _present(name):
        pytest.skip(f"no {name} here to refuse")
    assert cli.main(["run", "one-knife", "--headless", "--python", name]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"--python {name}: " in err and expected in err, err


def _present(name: str) -> bool:
    """Found, whether or not Cookline can use it."""
    try:
        find(name)
    except InterpreterError as exc:
        return "no such interpreter" not in str(exc)
    return True
