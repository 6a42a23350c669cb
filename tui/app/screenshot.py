"""SVG pictures of the app, made by the app itself from a recording.

The README's pictures and ``cookline export --format svg`` are the app's own screen: a replay
at its end, rendered once at a fixed size with a pinned clock, never drawn by other code.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from tui.app.cookline import CooklineApp
from tui.formats import disk
from tui.trace.store import TraceStore

_WEB_FONT = re.compile(r',?\s*url\("https?://[^"]*"\)\s*format\("[^"]*"\)')


def offline_svg(svg: str) -> str:
    """An app screenshot that asks the internet for nothing.

    Rich's SVG names its font by ``local(...)`` and then by a CDN address; a talk machine off
    the network would wait for it, then draw with a fallback. The CDN addresses go; the local
    names stay, and the family falls back to the machine's own monospace.
    """
    svg = _WEB_FONT.sub("", svg)
    return svg.replace('local("FiraCode-Regular")', 'local("Fira Code"), local("FiraCode-Regular")')


async def _svg(
    store: TraceStore, path: Path, size: tuple[int, int], view: str, lang: str = "en"
) -> None:
    app = CooklineApp(replay=store, clock=lambda: 0, load=lambda: [], autoplay=False, lang=lang)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        if view != "threads":
            await app.run_action(f"view({view!r})", app.screen)
            await pilot.pause()
        disk.write_text(path, offline_svg(app.export_screenshot()))


def save(
    store: TraceStore,
    path: str | Path,
    *,
    width: int = 120,
    height: int = 36,
    view: str = "threads",
    lang: str = "en",
) -> Path:
    out = Path(path)
    asyncio.run(_svg(store, out.resolve(), (width, height), view, lang))
    return out
