"""The rooms' import rules, checked in a fresh interpreter (what is loaded is what is imported).

* ``scenarios`` (the producer side) never imports textual, rich, numpy or ``tui``: a worker
  starts light and never depends on the side that shows it;
* the trace core, the file formats, the orchestration and the headless report never import
  textual: only ``tui.app`` does, so every headless command runs without it;
* the command-line module imports nothing heavy: spawned workers re-import it.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import DATA


def _loaded(code: str) -> list[str]:
    """Top-level names of every module loaded once ``code`` has run in a fresh interpreter."""
    code += "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def _walk(*packages: str) -> str:
    """Code that imports every module of ``packages``, subpackages included."""
    return (
        "import importlib, pkgutil\n"
        f"for name in {list(packages)!r}:\n"
        "    pkg = importlib.import_module(name)\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, name + '.'):\n"
        "        importlib.import_module(m.name)\n"
    )


def _roots(modules: list[str], *names: str) -> list[str]:
    return [m for m in modules if m.split(".")[0] in names or m.startswith(names)]


def test_scenarios_never_import_textual_rich_numpy_or_tui() -> None:
    loaded = _loaded(_walk("scenarios"))
    # the walk really reached every room
    for room in (
        "scenarios.kitchen.knives",
        "scenarios.probe._asyncio",
        "scenarios.supervisor.runner",
    ):
        assert room in loaded
    assert _roots(loaded, "textual", "rich", "tui", "numpy") == []


def test_the_data_core_formats_runs_and_report_never_import_textual() -> None:
    loaded = _loaded(_walk("tui.trace", "tui.formats", "tui.runs", "tui.report"))
    assert "tui.formats.chrome_import" in loaded and "tui.report.headless" in loaded
    assert _roots(loaded, "textual", "tui.app") == []


def test_the_trace_core_and_formats_never_import_rich_either() -> None:
    loaded = _loaded(_walk("tui.trace", "tui.formats"))
    assert "tui.trace.store" in loaded
    assert _roots(loaded, "textual", "rich", "tui.app", "tui.report", "tui.runs") == []


def test_headless_commands_never_import_textual() -> None:
    code = (
        "import contextlib, io\n"
        "from tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['replay', {str(DATA / 'one-knife.jsonl')!r}, '--headless']) == 0\n"
        "    assert main(['list']) == 0\n"
    )
    loaded = _loaded(code)
    assert "tui.report.headless" in loaded  # the command really ran
    assert _roots(loaded, "textual", "tui.app") == []


def test_cli_module_is_light() -> None:
    """Spawned workers re-import the entry module: it must not pull in Textual or Rich."""
    assert _roots(_loaded("import tui.cli"), "textual", "rich", "numpy") == []
