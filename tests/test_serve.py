"""``cookline serve`` in a real browser: the tour renders in the page, nothing is fetched from
anywhere but this machine, and stopping the server leaves no process behind."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.browser import chromium, open_page, with_group
from tests.conftest import wait_gone

COOKLINE = Path(sys.executable).parent / "cookline"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.skipif(chromium() is None, reason="no chromium here (.ci/run installs Debian's)")
def test_the_tour_in_a_browser_offline(tmp_path: Path) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [str(COOKLINE), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # the server and every app it starts: one group to stop
    )
    tree: set[int] = set()
    try:
        deadline = time.monotonic() + 20
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert server.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.1)

        async def visit() -> tuple[bool, list[str]]:
            async with open_page(f"http://127.0.0.1:{port}/") as page:
                seen = False
                for _ in range(120):
                    await asyncio.sleep(0.25)
                    if b"Orders A, B, C one after another" in b"".join(page.frames):
                        seen = True
                        break
                await asyncio.sleep(0.5)
                await page.screenshot(tmp_path / "served.png")
                tree.update(c.pid for c in psutil.Process(server.pid).children(recursive=True))
                return seen, page.requests

        seen, requests = asyncio.run(visit())
    finally:
        with_group(server)
    assert seen, "the tour's text never reached the page"
    assert (tmp_path / "served.png").stat().st_size > 10_000  # a picture, not a blank page
    local = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "about:")
    assert requests and all(u.startswith(local) for u in requests), requests
    assert len(tree) >= 1  # the Cookline app this page started
    assert wait_gone(tree | {server.pid}) == []
