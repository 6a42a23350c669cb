"""End to end in a real terminal: tmux runs Cookline as a person would, then ``q`` quits."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psutil
import pytest

from tests.conftest import wait_gone

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def _tmux(sock: str, *args: str) -> str:
    out = subprocess.run(["tmux", "-L", sock, *args], capture_output=True, text=True, timeout=10)
    return out.stdout


def _screen_until(sock: str, wanted: str, within: float = 30) -> str:
    deadline = time.monotonic() + within
    screen = ""
    while time.monotonic() < deadline:
        screen = _tmux(sock, "capture-pane", "-p")
        if wanted in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{wanted!r} never showed; the screen was:\n{screen}")


def test_live_run_in_tmux_then_quit_leaves_nothing(tmp_path: Path) -> None:
    sock = f"cookline-{uuid.uuid4().hex[:8]}"
    conf = tmp_path / "tmux.conf"
    conf.write_text('set -g default-terminal "xterm-256color"\n')
    status = tmp_path / "status"
    cmd = f"{sys.executable} -m tui run one-knife --scale 0.2; echo $? > {status}; sleep 30"
    _tmux(sock, "-f", str(conf), "new-session", "-d", "-x", "120", "-y", "32", cmd)
    try:
        pane_pid = int(_tmux(sock, "display-message", "-p", "#{pane_pid}").strip())
        screen = _screen_until(sock, "ENDED")
        for lane in ("Cook A", "Cook B", "Cook C", "Head cook"):
            assert lane in screen
        assert "█" in screen and "▒" in screen  # running and ready cells were drawn
        assert "parallelism" in screen
        tree = {p.pid for p in psutil.Process(pane_pid).children(recursive=True)}
        _tmux(sock, "send-keys", "c")
        assert "core 0" in _screen_until(sock, "core 0")
        _tmux(sock, "send-keys", "q")
        deadline = time.monotonic() + 15
        while not status.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert status.read_text().strip() == "0"
        cookline = {p for p in tree if "sleep" not in " ".join(_cmdline(p))}
        assert wait_gone(cookline) == []
    finally:
        _tmux(sock, "kill-server")


def _cmdline(pid: int) -> list[str]:
    try:
        return psutil.Process(pid).cmdline()
    except psutil.Error:
        return []
