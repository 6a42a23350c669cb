"""``cookline serve`` in a real browser: the tour renders in the page, nothing is fetched from
anywhere but this machine, and stopping the server leaves no process behind."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from tests.browser import chromium, free_port, open_page, wait_listening, with_group
from tests.conftest import wait_gone

COOKLINE = Path(sys.executable).parent / "cookline"


@pytest.mark.skipif(chromium() is None, reason="no chromium here (.ci/run installs Debian's)")
def test_the_tour_in_a_browser_offline(tmp_path: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [str(COOKLINE), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    tree: set[int] = set()
    try:
        assert server.stdout is not None
        url = server.stdout.readline().decode().split()[2]  # printed once it listens
        wait_listening(port, server)

        async def visit() -> tuple[bool, list[str]]:
            async with open_page(url) as page:
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
