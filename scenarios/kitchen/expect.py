"""What a scenario's lanes should show on this interpreter, so narration and tests agree.

Free-threaded CPython (3.13t and later, ``sys._is_gil_enabled()`` false) gives every cook of a
kitchen a knife of its own: one-knife's lesson flips from "take turns" to "chop together".
"""

from __future__ import annotations

import sys
from dataclasses import dataclass


def gil_enabled() -> bool:
    """True on every CPython with a GIL, including builds that predate the question."""
    probe = getattr(sys, "_is_gil_enabled", None)
    return bool(probe()) if probe is not None else True


@dataclass(frozen=True)
class Expectation:
    parallel: bool
    """Whether several cooks should run at the same instant."""
    cue: str
    cue_ja: str


def one_knife(gil: bool, cores: int) -> Expectation:
    if gil:
        return Expectation(
            False,
            "One kitchen, one knife: the cooks must take turns",
            "キッチンは一つ、包丁は一本：コックは順番に使うしかない",
        )
    if cores < 2:
        return Expectation(
            False,
            "No GIL in this Python, but one core: the cooks still take turns at the stove",
            "このPythonにGILはないが、コアは一つ：コックはやはり順番",
        )
    return Expectation(
        True,
        "No GIL in this Python: every cook has a knife of their own and they chop together",
        "このPythonにはGILがない：コック一人ひとりに包丁があり、同時に切れる",
    )
