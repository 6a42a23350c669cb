"""``cookline serve``: the app in a browser through textual-serve, driven only by its owner.

A web server on this machine is reachable by every page the user visits: without checks, a
page on any site could open the websocket and press keys in Cookline (cross-site websocket
hijacking), or reach it through a name it controls (DNS rebinding). So:

- a random token, printed in the URL at start (as Jupyter does), is needed for the page and
  for the websocket (in its path: the page's script adds its own query);
- the ``Host`` of every request must be the served address (on loopback), and the
  websocket's ``Origin`` this server's own page;
- sessions are capped, and so is the terminal size a client may ask for (each session is a
  Cookline process, each cell costs memory in it);
- when a client goes, its Cookline process group is ended (asked, then terminated, then
  killed): a dropped client once left its app blocked forever writing to a full pipe;
- only a loopback address unless the user says ``--public``, IPv4 or IPv6.

Nothing is fetched from elsewhere (the page template is ours: see ``web/``).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import secrets
import shlex
import signal
import socket
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from scenarios.probe import tie_to_parent

if TYPE_CHECKING:
    from aiohttp import web

TEMPLATES = Path(__file__).parent / "web" / "templates"

MAX_SESSIONS = 4
"""Browser sessions at once: each runs its own Cookline, and a talk needs one or two."""
MAX_COLUMNS, MAX_ROWS = 500, 200
"""The largest terminal a client may ask for (a 2000×2000 one cost 100–225 MB an app)."""
END_WAIT = 1.0
"""Seconds a session's app has to quit when asked, then again after SIGTERM."""


class ServeError(Exception):
    """Why the server cannot start; one line."""


def command(lang: str, scale: float) -> str:
    """The Cookline each browser session runs: the tour, in the chosen language. ``exec``: the
    shell textual-serve starts becomes the app, so its pid is the app's own."""
    args = [sys.executable, "-m", "tui", "--lang", lang, "--scale", f"{scale:g}"]
    return "exec " + shlex.join(args)


def is_loopback(host: str) -> bool:
    """Every address ``host`` names is this machine's own (``localhost``, 127.x, ``::1``)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    return bool(infos) and all(
        ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_loopback for info in infos
    )


def check_bind(host: str, port: int) -> None:
    """Bind the address once before serving, IPv4 or IPv6, so a busy port is one line."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise ServeError(f"--host {host}: not an address here ({exc})") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(address)
        except OSError as exc:
            raise ServeError(f"--port {port}: cannot listen on {host}: {exc.strerror}") from None


def url_host(host: str) -> str:
    """``host`` as it stands in a URL: an IPv6 address in brackets."""
    try:
        return f"[{host}]" if ipaddress.ip_address(host).version == 6 else host
    except ValueError:
        return host


def serve(
    host: str,
    port: int,
    lang: str = "en",
    scale: float = 1.0,
    *,
    token: str | None = None,
    max_sessions: int = MAX_SESSIONS,
    announce: Any = print,
) -> None:
    server = _guarded_server(
        command(lang, scale), host, port, token or secrets.token_urlsafe(24), max_sessions
    )
    server.run(lambda: announce(f"Cookline on {server.page_url}  (Ctrl+C stops it)"))


def _guarded_server(command: str, host: str, port: int, token: str, max_sessions: int) -> Any:
    """A textual-serve server with the checks above. Imported here: aiohttp is heavy, and
    only ``serve`` needs it."""
    import aiohttp_jinja2
    import jinja2
    from aiohttp import WSMsgType, web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server

    class Session(AppService):
        """One browser's Cookline, in a process group of its own so that it can be ended
        with everything it started."""

        async def _open_app_process(self, width: int = 80, height: int = 24) -> Any:
            env = self._build_environment(width=width, height=height)
            self._process = process = await asyncio.create_subprocess_shell(
                self.command,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=env,
                start_new_session=True,
                # dies with the server, even a SIGKILLed one (its own group is not ours)
                preexec_fn=partial(tie_to_parent, os.getpid()),
            )
            assert process.stdin is not None
            self._stdin = process.stdin
            return process

        async def end(self) -> None:
            """Ask the app to quit; if it does not (blocked on a full pipe), end its group."""
            process = self._process
            if process is None:
                return
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.send_meta({"type": "quit"}), END_WAIT)
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    await asyncio.wait_for(process.wait(), END_WAIT)
                    break
                except TimeoutError:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(process.pid, sig)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)  # anything the app left in its group
            if self._task is not None:
                self._task.cancel()
                with contextlib.suppress(BaseException):
                    await self._task
                self._task = None

    loopback = is_loopback(host)
    allowed_hosts = {f"{url_host(host)}:{port}".lower()}
    if loopback:
        allowed_hosts |= {f"{h}:{port}" for h in ("localhost", "127.0.0.1", "[::1]")}

    class Guarded(Server):  # type: ignore[misc]
        page_url = f"http://{url_host(host)}:{port}/?token={token}"
        sessions: ClassVar[set[Session]] = set()

        def run(self, listening: Any) -> None:
            """As ``Server.serve``, but says where the page is once the socket listens."""
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            loop.add_signal_handler(signal.SIGINT, self.request_exit)
            loop.add_signal_handler(signal.SIGTERM, self.request_exit)
            web.run_app(
                self._make_app(),
                host=self.host,
                port=self.port,
                handle_signals=False,
                loop=loop,
                print=lambda *_: listening(),
            )

        async def _make_app(self) -> web.Application:
            app = web.Application(middlewares=[self.check_host])
            aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
            app.add_routes(
                [
                    web.get("/", self.page, name="index"),
                    web.get("/ws/{token}", self.session, name="websocket"),
                    web.get("/download/{key}", self.handle_download, name="download"),
                    web.static("/static", self.statics_path, name="static"),
                ]
            )
            app.on_startup.append(self.on_startup)
            app.on_shutdown.append(self.on_shutdown)
            return app

        @web.middleware
        async def check_host(self, request: web.Request, handler: Any) -> web.StreamResponse:
            # --public: other machines name this one as they like; the token still guards it
            if loopback and request.headers.get("Host", "").lower() not in allowed_hosts:
                raise web.HTTPForbidden(text="cookline serve: unknown Host\n")
            return await handler(request)  # type: ignore[no-any-return]

        async def on_startup(self, app: web.Application) -> None:
            """Quiet: the command line has said where the page is."""

        async def on_shutdown(self, app: web.Application) -> None:
            for session in list(self.sessions):
                await session.end()

        def _token_ok(self, given: str) -> bool:
            return secrets.compare_digest(given.encode(), token.encode())

        async def page(self, request: web.Request) -> web.StreamResponse:
            if not self._token_ok(request.query.get("token", "")):
                raise web.HTTPForbidden(
                    text="cookline serve: open the URL the server printed (it holds a token)\n"
                )
            base = f"http://{request.host}"
            context = {
                "font_size": max(6, min(48, _int(request.query.get("fontsize"), 16))),
                "app_websocket_url": f"ws://{request.host}/ws/{token}",
                "config": {"static": {"url": f"{base}/static/"}},
                "application": {"name": self.title},
            }
            response = aiohttp_jinja2.render_template("app_index.html", request, context)
            response.headers["Referrer-Policy"] = "no-referrer"  # the token stays here
            return response

        async def session(self, request: web.Request) -> web.StreamResponse:
            if not self._token_ok(request.match_info["token"]):
                raise web.HTTPForbidden(text="cookline serve: wrong token\n")
            if request.headers.get("Origin", "").lower() != f"http://{request.host}".lower():
                raise web.HTTPForbidden(text="cookline serve: a page of another site\n")
            if len(self.sessions) >= max_sessions:
                raise web.HTTPServiceUnavailable(
                    text=f"cookline serve: {max_sessions} sessions already open\n"
                )
            websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=1 << 16)
            width = _clamp(request.query.get("width"), 80, MAX_COLUMNS)
            height = _clamp(request.query.get("height"), 24, MAX_ROWS)
            session = Session(
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,  # type: ignore[arg-type]
                download_manager=self.download_manager,
                debug=self.debug,
            )
            self.sessions.add(session)
            try:
                await websocket.prepare(request)
                await session.start(width, height)
                await self._messages(websocket, session)
            except (asyncio.CancelledError, ConnectionError):
                pass
            finally:
                self.sessions.discard(session)
                await session.end()
                with contextlib.suppress(Exception):
                    await websocket.close()
            return websocket

        async def _messages(self, websocket: web.WebSocketResponse, session: Session) -> None:
            """The browser's keys and sizes to the app; anything malformed is dropped."""
            async for message in websocket:
                if message.type != WSMsgType.TEXT:
                    continue
                try:
                    envelope = message.json()
                    kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
                except (ValueError, TypeError, KeyError, IndexError):
                    continue
                if kind == "stdin" and isinstance(data, str):
                    await session.send_bytes(data.encode("utf-8"))
                elif kind == "resize" and isinstance(data, dict):
                    await session.set_terminal_size(
                        _clamp(data.get("width"), 80, MAX_COLUMNS),
                        _clamp(data.get("height"), 24, MAX_ROWS),
                    )
                elif kind == "ping":
                    await websocket.send_json(["pong", data])
                elif kind == "blur":
                    await session.blur()
                elif kind == "focus":
                    await session.focus()

    server = Guarded(
        command,
        host=host,
        port=port,
        title="Cookline",
        public_url=f"http://{url_host(host)}:{port}",
        templates_path=TEMPLATES,
    )
    return server


def _int(text: object, default: int) -> int:
    try:
        return int(str(text))
    except ValueError:
        return default


def _clamp(value: object, default: int, high: int) -> int:
    """A terminal dimension from a client: a whole number in 1 .. ``high``."""
    n = value if isinstance(value, int) and not isinstance(value, bool) else _int(value, default)
    return max(1, min(high, n))
