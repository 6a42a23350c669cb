"""Where a run screen's data comes from: a live run, a recording, or a store someone else feeds.

The screens ask a :class:`Source` and never a runner: whether it still grows, how to stop it,
how to have it again. So the live screen can be driven by a test or a benchmark that feeds a
store by hand, with a pinned clock and no processes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from scenarios.kitchen.menu import BY_ID
from scenarios.supervisor.interpreter import Interpreter
from scenarios.supervisor.runner import Run
from scenarios.supervisor.traced import Program, TraceRun
from tui.app.load import LoadSource, machine_load
from tui.formats import disk
from tui.runs import session
from tui.trace.store import TraceStore


def _nowhere(note: str) -> None:
    return None


@dataclass(frozen=True)
class Host:
    """What the app lends its run screens: the clock, the machine-load reader, and where to
    tell of a run recorded (said again once the terminal is back). A test pins all three."""

    clock: Callable[[], int] = time.monotonic_ns
    load: LoadSource = machine_load
    noted: Callable[[str], None] = field(default=_nowhere)


class Source(Protocol):
    """One run's data, as a screen sees it."""

    store: TraceStore

    @property
    def live(self) -> bool:
        """Fed while it is watched (a run), not read from a finished file."""
        ...

    @property
    def growing(self) -> bool:
        """Still fed: its store holds only the past, and the chart's "now" is the clock."""
        ...

    @property
    def saved(self) -> str | None:
        """Where the run was recorded, once it was."""
        ...

    @property
    def save_failed(self) -> str | None:
        """Why the run could not be recorded, if it could not (one line)."""
        ...

    @property
    def restartable(self) -> bool:
        """:meth:`again` gives a new source."""
        ...

    def stop(self, why: str) -> None:
        """Stop feeding and keep what was recorded; when it returns, nothing of it runs."""
        ...

    def again(self) -> Source | None:
        """The same again from its start (a new run), or None where that means nothing."""
        ...


@dataclass(frozen=True)
class LiveSpec:
    """What ``cookline run`` asked for."""

    scenario_id: str
    scale: float = 1.0
    cores: int | None = None
    timeout: float = 60.0
    stall: float = 5.0
    record: str | None = None
    python: Interpreter | None = None
    """The interpreter the kitchen runs under (``--python``); None: Cookline's own."""
    settings: dict[str, float] = field(default_factory=dict)
    """The scenario's parameters changed from their defaults (``--set``, the tour)."""

    @property
    def name(self) -> str:
        return self.scenario_id

    def start(self) -> LiveRun:
        return LiveRun(self)


class LiveRun:
    """A scenario's worker tree feeding a new store, recorded to ``spec.record`` when it ends."""

    live = True
    restartable = True

    def __init__(self, spec: LiveSpec) -> None:
        self.spec = spec
        self.run: Run | TraceRun
        self.run, self.store = session.start(
            BY_ID[spec.scenario_id],
            {**spec.settings, "scale": spec.scale},
            cores=spec.cores,
            timeout=spec.timeout,
            stall_after=spec.stall,
            python=spec.python,
        )
        self._recording(spec.record)

    def _recording(self, path: str | None) -> None:
        self.saved: str | None = None
        self.save_failed: str | None = None
        """Why the recording could not be written, if it could not."""
        self.recorder: session.Recorder | None = None
        if path:
            try:
                self.recorder = session.Recorder(self.store, path)
            except disk.FileError as exc:
                self.save_failed = str(exc)

    @property
    def growing(self) -> bool:
        return not self.run.finished

    def stop(self, why: str) -> None:
        if not self.run.finished:
            self.run.stop(why)
            self.run.wait(10)
        recorder, self.recorder = self.recorder, None
        if recorder is not None:
            try:
                recorder.finish()
                self.saved = recorder.path
            except disk.FileError as exc:  # told on screen and after the app; the run stays
                self.save_failed = str(exc)

    def again(self) -> LiveRun:
        return LiveRun(self.spec)


@dataclass(frozen=True)
class TraceSpec:
    """What ``cookline trace`` asked for, in the app."""

    program: Program
    record: str | None = None

    @property
    def name(self) -> str:
        return self.program.title

    def start(self) -> LiveTrace:
        return LiveTrace(self)


class LiveTrace(LiveRun):
    """A user's own program feeding a new store; its output is the run's narration."""

    def __init__(self, spec: TraceSpec) -> None:
        self.spec = spec  # type: ignore[assignment]
        self.run, self.store = session.start_trace(spec.program)  # type: ignore[assignment]
        self._recording(spec.record)

    def again(self) -> LiveTrace:
        return LiveTrace(self.spec)  # type: ignore[arg-type]


class Replay:
    """A finished run read from a file (or made by a comparison): nothing more will come."""

    live = False
    growing = False
    restartable = False
    saved = None
    save_failed = None

    def __init__(self, store: TraceStore) -> None:
        self.store = store

    def stop(self, why: str) -> None:
        return None

    def again(self) -> None:
        return None


class Fed:
    """A store that someone else fills while the screen watches, live, until ``stop``: a
    benchmark's feeder, a test's hand-made batches."""

    live = True
    restartable = False
    saved = None
    save_failed = None

    def __init__(self, store: TraceStore) -> None:
        self.store = store
        self.growing = True

    def stop(self, why: str) -> None:
        self.growing = False

    def again(self) -> None:
        return None
