"""Another Python to run the kitchen under (``--python python3.12``): found, asked what it is,
and refused in one line unless it is a CPython the probe supports.

The worker needs only the standard library and ``scenarios`` (which it imports from the paths
Cookline's own interpreter has), so any CPython >= 3.11 can run it; what the run shows then is
that interpreter's scheduling, and the recording's header says which one it was.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_ASK = (
    "import json, platform, sys\n"
    "gil = getattr(sys, '_is_gil_enabled', None)\n"
    "sys.stdout.write(json.dumps({'executable': sys.executable,"
    " 'version': list(sys.version_info[:3]), 'implementation': platform.python_implementation(),"
    " 'gil_enabled': gil() if gil else True, 'path': sys.path[1:]}))\n"
)
"""Python 2 reads this too, so an old interpreter is named, not a syntax error."""


class InterpreterError(Exception):
    """Why an interpreter cannot run the kitchen; one line."""


@dataclass(frozen=True)
class Interpreter:
    executable: str
    version: tuple[int, int, int]
    implementation: str
    gil_enabled: bool
    path: tuple[str, ...] = ()
    """Its own ``sys.path`` (its standard library): a spawned child is otherwise handed
    Cookline's, and imports another version's standard library."""

    @property
    def version_text(self) -> str:
        return ".".join(map(str, self.version))


def own_gil_enabled() -> bool:
    """Whether Cookline's own interpreter runs with a GIL (a free-threaded build can say no)."""
    enabled = getattr(sys, "_is_gil_enabled", None)
    return bool(enabled()) if enabled is not None else True


def find(name: str) -> Interpreter:
    """The interpreter ``name`` (a path or a command on PATH), asked in a child what it is.

    A pyenv shim answers only for the versions pyenv has selected; a ``python3.12`` that pyenv
    has but does not select is then looked for among pyenv's own versions."""
    candidates = [exe for exe in [shutil.which(name)] if exe is not None]
    if os.sep not in name:
        root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
        candidates += sorted(str(p) for p in root.glob(f"versions/*/bin/{name}"))
    if not candidates:
        raise InterpreterError(f"--python {name}: no such interpreter")
    info: dict[str, Any] | None = None
    for exe in candidates:
        info = _ask(exe)
        if info is not None:
            break
    if info is None:
        raise InterpreterError(f"--python {name}: not a Python that Cookline can ask")
    version = (int(info["version"][0]), int(info["version"][1]), int(info["version"][2]))
    if info.get("implementation") != "CPython" or version < (3, 11):
        what = f"{info.get('implementation')} {'.'.join(map(str, version))}"
        raise InterpreterError(f"--python {name}: {what}; Cookline needs CPython 3.11 or later")
    path = tuple(str(p) for p in info.get("path", []))
    return Interpreter(str(info["executable"]), version, "CPython", bool(info["gil_enabled"]), path)


def _ask(exe: str) -> dict[str, Any] | None:
    try:  # -E -s, not -I: Python 2 must be able to say what it is
        out = subprocess.run(
            [exe, "-E", "-s", "-c", _ASK], capture_output=True, text=True, timeout=20, check=True
        ).stdout
        info = json.loads(out)
        if isinstance(info, dict) and len(info.get("version", [])) == 3:
            return info
    except (OSError, subprocess.SubprocessError, ValueError):
        pass
    return None


_SPAWN = threading.Lock()


ROOT = str(Path(__file__).resolve().parent.parent.parent)
"""The folder that holds ``scenarios``: all a worker imports besides the standard library."""


@contextmanager
def spawning_with(interpreter: Interpreter | None) -> Iterator[None]:
    """One worker start under ``interpreter`` (None: Cookline's own). multiprocessing's spawn
    takes its executable and the child's ``sys.path`` and main module from process-wide
    state, so every start takes one lock, and for another interpreter both are set for that
    start only: its own path plus ``scenarios``, and no main module to re-import (Cookline's
    or pytest's would not import there; the worker needs none)."""
    import multiprocessing.spawn as spawn

    with _SPAWN:
        if interpreter is None:
            yield
            return
        default, prepare = spawn.get_executable(), spawn.get_preparation_data

        def preparation(name: str) -> dict[str, Any]:
            data = prepare(name)
            data["sys_path"] = [ROOT, *interpreter.path]
            data.pop("init_main_from_name", None)
            data.pop("init_main_from_path", None)
            return data

        spawn.set_executable(interpreter.executable)
        spawn.get_preparation_data = preparation
        try:
            yield
        finally:
            spawn.set_executable(default)
            spawn.get_preparation_data = prepare
