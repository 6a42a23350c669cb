"""Tracebacks without this machine in them.

Recordings are shared and committed: a path like ``/home/someone/...`` says nothing about the
kitchen and a lot about the machine.
"""

from __future__ import annotations

import os
import traceback


def _prefixes() -> list[tuple[str, str]]:
    import sysconfig  # only when a cook fails: a worker starts without it

    # scenarios/probe/_scrub.py -> the project's root, three folders up
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    paths = sysconfig.get_paths()
    pairs = [(paths["purelib"], "<site-packages>"), (paths["stdlib"], "<stdlib>"), (root, "")]
    return [(p.rstrip("/") + "/", short + "/" if short else "") for p, short in pairs]


def traceback_text() -> str:
    """The current exception's traceback with this machine's folders taken out."""
    return scrub(traceback.format_exc())


def scrub(text: str) -> str:
    """``text`` with the standard library's, site-packages' and Cookline's folders short."""
    for long, short in _prefixes():
        text = text.replace(long, short)
    return text
