"""``cookline serve``: the app in a browser through textual-serve, on this machine only by
default, with nothing fetched from elsewhere (the page template is ours: see ``web/``).

Each browser tab gets its own Cookline process, started by textual-serve with the command
below; closing the server stops them.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

TEMPLATES = Path(__file__).parent / "web" / "templates"


def command(lang: str, scale: float) -> str:
    """The Cookline each browser session runs: the tour, in the chosen language."""
    return shlex.join([sys.executable, "-m", "tui", "--lang", lang, "--scale", f"{scale:g}"])


def serve(host: str, port: int, lang: str = "en", scale: float = 1.0) -> None:
    from textual_serve.server import Server

    server = Server(
        command(lang, scale),
        host=host,
        port=port,
        title="Cookline",
        templates_path=TEMPLATES,
    )
    server.serve()
