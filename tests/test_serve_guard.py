"""``cookline serve`` only for its owner: token, Host and Origin checks, the session cap, a
dropped client's app ended, loopback unless asked. Real server, real websockets."""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import psutil
import pytest

from tests.browser import free_port, with_group
from tests.conftest import wait_gone

COOKLINE = Path(sys.executable).parent / "cookline"


class Served:
    def __init__(self, proc: subprocess.Popen[bytes], url: str, port: int) -> None:
        self.proc, self.url, self.port = proc, url, port
        self.token = url.split("token=", 1)[1]
        self.origin = f"http://127.0.0.1:{port}"

    def ws(self, token: str | None = None, size: int = 80) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/{token or self.token}?width={size}&height={size}"

    def apps(self) -> list[psutil.Process]:
        """The Cookline apps the server started (each leads its own process group)."""
        kids = psutil.Process(self.proc.pid).children()
        return [k for k in kids if "tui" in " ".join(k.cmdline())]


@pytest.fixture
def served() -> Iterator[Served]:
    port = free_port()
    proc = subprocess.Popen(
        [str(COOKLINE), "serve", "--port", str(port), "--max-sessions", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().decode()  # printed once the socket listens
    m = re.search(r"(http://\S+)", line)
    assert m, line
    try:
        yield Served(proc, m.group(1), port)
    finally:
        with_group(proc)


def _status(url: str, headers: dict[str, str] | None = None) -> int:
    async def get() -> int:
        async with aiohttp.ClientSession() as s, s.get(url, headers=headers or {}) as r:
            return r.status

    return asyncio.run(get())


def test_the_page_needs_the_printed_token_and_this_host(served: Served) -> None:
    assert _status(served.url) == 200
    assert _status(f"http://127.0.0.1:{served.port}/") == 403
    assert _status(f"http://127.0.0.1:{served.port}/?token=guess") == 403
    # DNS rebinding: a name the attacker controls, pointing here, is another Host
    assert _status(served.url, {"Host": f"evil.example:{served.port}"}) == 403


def test_websockets_need_token_and_own_origin_and_sessions_are_capped(served: Served) -> None:
    async def probe() -> list[object]:
        out: list[object] = []
        async with aiohttp.ClientSession() as s:
            for url, origin in [
                (served.ws(), "http://evil.example"),  # any page the user visits
                (served.ws(), None),
                (served.ws("wrong"), served.origin),
            ]:
                try:
                    async with s.ws_connect(url, headers={"Origin": origin} if origin else {}):
                        out.append("open")
                except aiohttp.WSServerHandshakeError as exc:
                    out.append(exc.status)
            opened = []
            for _ in range(3):
                try:
                    opened.append(
                        await s.ws_connect(served.ws(), headers={"Origin": served.origin})
                    )
                    out.append("open")
                except aiohttp.WSServerHandshakeError as exc:
                    out.append(exc.status)
            for w in opened:
                await w.close()
        return out

    assert asyncio.run(probe()) == [403, 403, 403, "open", "open", 503]


_CLIENT = """
import asyncio, sys, aiohttp
async def main():
    async with aiohttp.ClientSession() as s:
        w = await s.ws_connect(sys.argv[1], headers={"Origin": sys.argv[2]})
        print("connected", flush=True)
        while True:
            await w.receive()
asyncio.run(main())
"""


def test_a_dropped_huge_client_leaves_no_app_behind(served: Served) -> None:
    """A client asks for 2000×2000 (clamped) and vanishes without a close frame: its app,
    which may be blocked writing to a pipe nobody reads, is gone within 2 s."""
    client = subprocess.Popen(
        [sys.executable, "-c", _CLIENT, served.ws(size=2000), served.origin],
        stdout=subprocess.PIPE,
    )
    try:
        assert client.stdout is not None and client.stdout.readline() == b"connected\n"
        deadline = time.monotonic() + 20
        while not (apps := served.apps()) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert apps, "no app started for the client"
        time.sleep(2)  # the app draws its first screens into the pipe
        client.send_signal(signal.SIGKILL)
        client.wait(5)
        t = time.monotonic()
        assert wait_gone({a.pid for a in apps}, within=2) == []
        assert time.monotonic() - t <= 2.5
    finally:
        client.kill()


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
def test_only_loopback_unless_asked(host: str) -> None:
    r = subprocess.run(
        [str(COOKLINE), "serve", "--host", host, "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and "--public" in r.stderr, r.stderr


def test_ipv6_loopback_serves() -> None:
    port = free_port()
    proc = subprocess.Popen(
        [str(COOKLINE), "serve", "--host", "::1", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode()
        assert f"http://[::1]:{port}/?token=" in line, line
        assert _status(line.split()[2]) == 200
    finally:
        with_group(proc)
