"""The producer side must start light and never depend on the consumer side."""

from __future__ import annotations

import json
import subprocess
import sys


def test_scenarios_never_import_textual_rich_numpy_or_tui() -> None:
    """Import every scenarios module in a fresh interpreter and look at sys.modules."""
    code = (
        "import importlib, json, pkgutil, sys, scenarios, scenarios.kitchen\n"
        "for pkg in (scenarios, scenarios.kitchen):\n"
        "    for m in pkgutil.iter_modules(pkg.__path__, pkg.__name__ + '.'):\n"
        "        importlib.import_module(m.name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(out.stdout)
    assert "scenarios.kitchen.knives" in loaded  # the walk really imported the scenarios
    bad = [m for m in loaded if m.split(".")[0] in ("textual", "rich", "tui", "numpy")]
    assert bad == []


def test_cli_module_is_light() -> None:
    """Spawned workers re-import the entry module: it must not pull in Textual or Rich."""
    code = (
        "import sys, tui.cli\n"
        "print(any(m.split('.')[0] in ('textual', 'rich') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
