"""The headless view: readable in a pipe, sized to the terminal, drawn from the store."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import DATA


def _replay(width: int, *extra: str) -> str:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "tui",
            "replay",
            str(DATA / "one-knife.jsonl"),
            "--headless",
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=30,
        env={"COLUMNS": str(width), "PATH": ""},
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_piped_output_has_no_colour_codes_and_fits() -> None:
    text = _replay(90)
    assert "\x1b[" not in text
    assert max(len(line) for line in text.splitlines()) <= 90
    for name in ("Cook A", "Cook B", "Cook C", "parallelism", "running", "ready"):
        assert name in text


def test_lanes_show_the_one_knife_turn_taking() -> None:
    text = _replay(120)
    lanes = [line for line in text.splitlines() if "• Cook" in line]
    assert len(lanes) == 3
    for lane in lanes:
        assert "█" in lane and "▒" in lane  # running and ready, alternating


def test_japanese_narration() -> None:
    assert "包丁" in _replay(100, "--lang", "ja")


def test_list_and_version() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "tui", "list"],
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": ""},
    )
    for sid in (
        "abc-async",
        "abc-threads",
        "abc-processes",
        "abc-sequential",
        "one-knife",
        "two-kitchens",
        "potato-salad",
        "potato-salad-sequential",
    ):
        assert sid in out.stdout
    ver = subprocess.run([sys.executable, "-m", "tui", "--version"], capture_output=True, text=True)
    assert ver.stdout.startswith("cookline ")
