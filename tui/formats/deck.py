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
set = { unit = 0.5 } # optional: the scenario's parameters (`cookline list --params ID`)

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
from scenarios.kitchen.params import ParamError, check
from tui.formats import disk
from tui.formats.recording import short
from tui.trace.lanes import VIEWS
from tui.trace.text import cut, one_line

MAX_SCALE = 1000.0
"""As ``--scale`` on the command line: durations × scale, at most a thousand times longer."""

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
    settings: tuple[tuple[str, float], ...] = ()
    """The scenario's parameters changed from the defaults (the step's ``set``)."""

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
    if "\0" in name:
        raise DeckError(f"{name!r}: a path cannot hold a NUL character")
    p = Path(name)
    if p.exists() or p.is_symlink():
        return p
    bundled = BUNDLED / f"{name}.toml"
    if bundled.exists():
        return bundled
    have = ", ".join(sorted(f.stem for f in BUNDLED.glob("*.toml")))
    raise DeckError(f"{name}: no such file, and no bundled deck of that name (bundled: {have})")


def load(path: Path, *, outside: bool = False) -> Deck:
    """Read and check a deck. ``outside``: the user allowed recordings outside the deck's
    folder (a deck from someone else must not open ``../../etc/passwd`` as a step)."""
    name = str(path)
    try:
        raw = disk.read_regular(path, disk.DECK_CAP, "deck")
    except disk.FileError as exc:
        raise DeckError(str(exc)) from None
    try:
        doc = tomllib.loads(raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8"))
    except RecursionError:
        raise DeckError(f"{name}: not valid TOML: nested too deep") from None
    except UnicodeDecodeError:
        raise DeckError(f"{name}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        where = f"{name}:{m.group(1)}" if m else name
        what = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise DeckError(f"{where}: not valid TOML: {what}") from None
    steps_raw = doc.get("step")
    if not isinstance(steps_raw, list) or not steps_raw:
        raise DeckError(f"{name}: a deck needs at least one [[step]]")
    folder = path.resolve().parent
    steps = tuple(_step(name, folder, k + 1, s, outside) for k, s in enumerate(steps_raw))
    title, title_ja = doc.get("title", path.stem), doc.get("title_ja", "")
    for field, v in (("title", title), ("title_ja", title_ja)):
        if not isinstance(v, str):
            raise DeckError(f"{name}: {field}: expected a string, got {short(v)}")
    return Deck(one_line(title), one_line(title_ja), steps)


def _step(name: str, folder: Path, n: int, raw: Any, outside: bool) -> Step:
    where = f"{name}: step {n}"
    if not isinstance(raw, dict):
        raise DeckError(f"{where}: expected a table")
    known = {"title", "title_ja", "scenario", "recording", "scale", "view", "cores", "set"}
    for key in raw:
        if key not in known:
            raise DeckError(f"{where}: unknown field {key!r} (known: {', '.join(sorted(known))})")
    title, title_ja = raw.get("title"), raw.get("title_ja", "")
    if not isinstance(title, str) or not title:
        raise DeckError(f'{where}: missing field "title"')
    if not isinstance(title_ja, str):
        raise DeckError(f"{where}: title_ja: expected a string, got {short(title_ja)}")
    scenario, recording = raw.get("scenario"), raw.get("recording")
    if (scenario is None) == (recording is None):
        raise DeckError(f'{where}: give one of "scenario" or "recording"')
    if scenario is not None and (not isinstance(scenario, str) or scenario not in BY_ID):
        raise DeckError(f"{where}: scenario: unknown scenario {short(scenario)}")
    rec = None
    if recording is not None:
        rec = _recording(where, folder, recording, outside)
    scale = raw.get("scale", 1.0)
    if (
        not isinstance(scale, int | float)
        or isinstance(scale, bool)
        or not 0 < scale <= MAX_SCALE  # NaN fails both
    ):
        raise DeckError(
            f"{where}: scale: expected a number above 0 and at most {MAX_SCALE:g},"
            f" got {short(scale)}"
        )
    view = raw.get("view", "threads")
    if not isinstance(view, str) or view not in VIEWS:
        raise DeckError(f"{where}: view: expected one of {', '.join(VIEWS)}, got {short(view)}")
    cores = raw.get("cores")
    if cores is not None and (
        not isinstance(cores, int) or isinstance(cores, bool) or not 1 <= cores <= 4096
    ):
        raise DeckError(f"{where}: cores: expected a whole number of CPUs, got {short(cores)}")
    settings = raw.get("set", {})
    if not isinstance(settings, dict) or (settings and scenario is None):
        raise DeckError(f"{where}: set: expected a table of a scenario's parameters")
    try:
        checked = check(BY_ID[scenario], settings) if settings and scenario else {}
    except ParamError as exc:
        raise DeckError(f"{where}: set: {exc}") from None
    return Step(
        one_line(title),
        one_line(title_ja),
        scenario,
        rec,
        float(scale),
        view,
        cores,
        tuple(checked.items()),
    )


def _recording(where: str, folder: Path, recording: Any, outside: bool) -> Path:
    """A step's recording, under the deck's folder unless the user allowed otherwise."""
    if not isinstance(recording, str) or not recording:
        raise DeckError(f"{where}: recording: expected a path, got {short(recording)}")
    if "\0" in recording:
        raise DeckError(f"{where}: recording: a path cannot hold a NUL character")
    shown = cut(one_line(recording), 80)
    try:
        rec = (folder / recording).resolve()
    except (OSError, RuntimeError):  # a loop of symbolic links
        raise DeckError(f"{where}: recording: {shown}: a loop of symbolic links") from None
    bundled = folder == BUNDLED.resolve() and rec.is_relative_to(RECORDINGS.resolve())
    if not outside and not bundled and not rec.is_relative_to(folder):  # ours may read ours
        raise DeckError(
            f"{where}: recording: {shown} is outside the deck's folder"
            " (--allow-outside lets a deck you trust read it)"
        )
    if not rec.is_file():
        raise DeckError(f"{where}: recording: {shown} does not exist")
    return rec
