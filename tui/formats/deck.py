"""Decks for ``cookline present``: a TOML file listing the steps of a talk, each a scenario
(run live, or its bundled recording with ``--replay-only``) or a recording file.

```toml
title = "The kitchen tour"
title_ja = "キッチンツアー"

[[step]]
title = "Three orders, one after another"
title_ja = "三つの注文を順番に"
scenario = "abc-sequential"
scale = 0.5          # optional: durations × scale
view = "threads"     # optional: threads, cores or coroutines
cores = 2            # optional: pin the run to N CPUs

[[step]]
title = "A run recorded earlier"
recording = "talk/one-knife.jsonl"   # relative to the deck file
```
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scenarios.kitchen.menu import BY_ID
from tui.trace.lanes import VIEWS

BUNDLED = Path(__file__).parent.parent / "decks"
RECORDINGS = Path(__file__).parent.parent / "recordings"


class DeckError(Exception):
    """What is wrong with a deck, and where: ``FILE: step N: field: what``."""


@dataclass(frozen=True)
class Step:
    title: str
    title_ja: str
    scenario: str | None
    recording: Path | None
    scale: float = 1.0
    view: str = "threads"
    cores: int | None = None

    def source(self, replay_only: bool) -> Path | None:
        """The recording to show, or None to run the scenario live."""
        if self.recording is not None:
            return self.recording
        if replay_only:
            return RECORDINGS / f"{self.scenario}.jsonl"
        return None


@dataclass(frozen=True)
class Deck:
    title: str
    title_ja: str
    steps: tuple[Step, ...]


def find(name: str) -> Path:
    """A deck by path, or by the name of a bundled one (``kitchen-tour``)."""
    p = Path(name)
    if p.exists():
        return p
    bundled = BUNDLED / f"{name}.toml"
    if bundled.exists():
        return bundled
    have = ", ".join(sorted(f.stem for f in BUNDLED.glob("*.toml")))
    raise DeckError(f"{name}: no such file, and no bundled deck of that name (bundled: {have})")


def load(path: Path) -> Deck:
    name = str(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        where = f"{name}:{m.group(1)}" if m else name
        what = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise DeckError(f"{where}: not valid TOML: {what}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DeckError(f"{name}: cannot read: {exc}") from None
    raw = doc.get("step")
    if not isinstance(raw, list) or not raw:
        raise DeckError(f"{name}: a deck needs at least one [[step]]")
    steps = tuple(_step(name, path.parent, k + 1, s) for k, s in enumerate(raw))
    return Deck(str(doc.get("title", path.stem)), str(doc.get("title_ja", "")), steps)


def _step(name: str, folder: Path, n: int, raw: Any) -> Step:
    where = f"{name}: step {n}"
    if not isinstance(raw, dict):
        raise DeckError(f"{where}: expected a table")
    known = {"title", "title_ja", "scenario", "recording", "scale", "view", "cores"}
    for key in raw:
        if key not in known:
            raise DeckError(f"{where}: unknown field {key!r} (known: {', '.join(sorted(known))})")
    title = raw.get("title")
    if not isinstance(title, str) or not title:
        raise DeckError(f'{where}: missing field "title"')
    scenario, recording = raw.get("scenario"), raw.get("recording")
    if (scenario is None) == (recording is None):
        raise DeckError(f'{where}: give one of "scenario" or "recording"')
    if scenario is not None and scenario not in BY_ID:
        raise DeckError(f"{where}: scenario: unknown scenario {scenario!r}")
    rec = None
    if recording is not None:
        rec = (folder / str(recording)).resolve()
        if not rec.is_file():
            raise DeckError(f"{where}: recording: {recording} does not exist")
    scale = raw.get("scale", 1.0)
    if not isinstance(scale, int | float) or isinstance(scale, bool) or scale <= 0:
        raise DeckError(f"{where}: scale: expected a number above 0, got {scale!r}")
    view = raw.get("view", "threads")
    if view not in VIEWS:
        raise DeckError(f"{where}: view: expected one of {', '.join(VIEWS)}, got {view!r}")
    cores = raw.get("cores")
    if cores is not None and (not isinstance(cores, int) or isinstance(cores, bool) or cores < 1):
        raise DeckError(f"{where}: cores: expected a whole number of CPUs, got {cores!r}")
    return Step(title, str(raw.get("title_ja", "")), scenario, rec, float(scale), view, cores)
