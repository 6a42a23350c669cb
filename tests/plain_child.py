"""A scenario entry for tests: a worker that starts a plain ``subprocess`` (no probe, no tie to
its parent) and waits, as a user's program might."""

from __future__ import annotations

import subprocess
import time


def spawn(params: dict[str, float]) -> None:
    subprocess.Popen(["sleep", "300"])
    time.sleep(300)
