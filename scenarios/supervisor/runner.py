"""The supervisor: start a scenario's worker tree, collect its events, end it cleanly.

Three threads on the Cookline side, none in a worker:

* the *supervisor* starts the worker and lives as long as the run (``PR_SET_PDEATHSIG`` fires when
  the thread that started a child exits), watches the time limit, stalls, crashes and kills;
* the *collector* (``collector``) reads batches off the queue and hands them, decoded once, to
  ``on_batch`` (the trace store) and to what the watchdog has ``Seen``;
* the caller's thread, which may ``stop()`` or ``wait()``.

Every ending -- done, failed, killed, stalled, timed out, stopped -- ends the same way: the whole
tree is gone, every event sent before the end has been handed over, and a :class:`RunResult`
says what happened in one line.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scenarios import probe
from scenarios.kitchen.menu import Scenario
from scenarios.supervisor import watchdog
from scenarios.supervisor.affinity import choose_cpus
from scenarios.supervisor.collector import BatchSink, Collector, close_writer, new_queue
from scenarios.supervisor.guard import guard
from scenarios.supervisor.interpreter import Interpreter, spawning_with
from scenarios.supervisor.tree import adopt_orphans, descendants, kill_tree, tree_cpu

_chunk_iters = 0

SCAN_EVERY = 0.25
"""Seconds between walks of the worker tree (descendants and their CPU time)."""


def chunk_iterations() -> int:
    """Calibrated once per Cookline process, so every worker of a session does equal work."""
    global _chunk_iters
    if not _chunk_iters:
        _chunk_iters = probe.calibrate()
    return _chunk_iters


@dataclass(frozen=True)
class RunResult:
    """How a run ended."""

    outcome: str
    """``done``, ``failed``, ``killed``, ``stalled``, ``deadlock``, ``timeout`` or ``stopped``."""
    message: str
    """One line for the user."""
    exit_code: int | None
    """The worker's exit status (negative: killed by that signal)."""
    error: str = ""
    """The traceback of a failure, when the worker sent one."""
    quiet_since_ns: int | None = None
    """A stall's start (``monotonic_ns``): from then on the whole tree sent nothing and used
    no CPU, so no cook was running, whatever its last word said."""

    @property
    def ok(self) -> bool:
        return self.outcome == "done"


def signal_name(signum: int) -> str:
    """``SIGKILL`` for 9; "signal 77" for a number with no name."""
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


class Control:
    """What a caller does with a run, whoever supervises it (a kitchen's or a traced
    program's): ``stop()`` from anywhere, ``wait()``, ``finished``."""

    result: RunResult | None

    def _controls(self) -> None:
        self._stop = threading.Event()
        self._stop_reason = ""
        self._done = threading.Event()
        self._started = threading.Event()

    def stop(self, why: str = "stopped by the user") -> None:
        if not self._stop.is_set():
            self._stop_reason = why
            self._stop.set()

    def wait(self, timeout: float | None = None) -> RunResult | None:
        self._done.wait(timeout)
        return self.result

    @property
    def finished(self) -> bool:
        return self._done.is_set()


class Run(Control):
    """One scenario run. ``start()``, then ``wait()``; ``stop()`` from anywhere."""

    def __init__(
        self,
        scenario: Scenario,
        params: dict[str, float],
        *,
        on_batch: BatchSink,
        cores: int | None = None,
        timeout: float | None = None,
        stall_after: float = 5.0,
        on_end: Callable[[RunResult], None] | None = None,
        on_start: Callable[[int], None] | None = None,
        probed: bool = True,
        python: Interpreter | None = None,
    ) -> None:
        self.scenario = scenario
        self.python = python
        """The interpreter the worker tree runs under (None: Cookline's own)."""
        self.params = {**scenario.params, **params}
        self.cpus = choose_cpus(cores)
        self.timeout = timeout
        self.stall_after = stall_after
        self.on_batch = on_batch
        self.on_end = on_end
        self.on_start = on_start
        self.probed = probed
        self.t0 = 0
        """``monotonic_ns`` just before the worker was started: time zero of the run."""
        self.pid: int | None = None
        self.ended_ns = 0
        """``monotonic_ns`` when the run's result was known (the tree is gone by then)."""
        self.seen_pids: set[int] = set()
        """Every process of the worker tree seen while it ran (for leak checks)."""
        self.result: RunResult | None = None
        self._started_at = time.monotonic()
        self.seen = watchdog.Seen()
        """What the batches said: each thread's last word, names, locks, errors."""
        self._collector: Collector | None = None
        self.ctx_switches: tuple[int, int] | None = None
        """(voluntary, involuntary) context switches of the whole worker tree, read by
        Cookline from the kernel's accounting of reaped children, never inside the worker."""
        self.deadlock: watchdog.Cycle = []
        """The cycle that ended the run: (actor, lock it holds, lock it waits for) each."""
        self._quiet_since_ns: int | None = None
        self._controls()
        self._supervisor = threading.Thread(
            target=self._supervise, name="cookline-supervisor", daemon=True
        )

    # -- the caller's side ------------------------------------------------------------------

    def start(self) -> None:
        adopt_orphans()
        self._supervisor.start()
        self._started.wait(30)

    # -- the supervisor thread ---------------------------------------------------------------

    def _supervise(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        queue = new_queue(ctx) if self.probed else None
        proc = ctx.Process(
            target=probe.worker_main,
            args=(
                queue,
                self.scenario.entry,
                self.scenario.title,
                self.params,
                self.cpus,
                chunk_iterations(),
                os.getpid(),
            ),
            name=f"cookline-worker-{self.scenario.id}",
            daemon=False,
        )
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.t0 = time.monotonic_ns()
        if self.on_start is not None:
            self.on_start(self.t0)
        try:
            with spawning_with(self.python):
                proc.start()
        except Exception as exc:
            self._finish(RunResult("failed", f"could not start the worker: {exc}", None), None)
            return
        assert proc.pid is not None  # started
        pid: int = proc.pid
        self.pid = pid
        guard().watch(pid)  # the worker leads its own group (worker_main's first act)
        self._started.set()
        collector = None
        if queue is not None:
            close_writer(queue)
            self._collector = Collector(queue, self.on_batch, self.seen)
            collector = threading.Thread(
                target=self._collector.run, name="cookline-collector", daemon=True
            )
            collector.start()
        tree: set[int] = set()
        outcome: tuple[str, str] | None = None
        t_start = time.monotonic()
        cpu_seen = -1.0
        cpu_moved = time.monotonic()
        scanned = float("-inf")
        cycles = watchdog.CycleClock()
        while True:
            proc.join(0.05)
            if proc.exitcode is not None:
                break
            now = time.monotonic()
            if self._stop.is_set():
                outcome = ("stopped", self._stop_reason)
                break
            seen = self.seen
            cycle = watchdog.lock_cycle(seen.tails, dict(seen.wants), dict(seen.holders))
            if cycles.lasted(cycle, now):
                self.deadlock = cycle
                outcome = ("deadlock", watchdog.describe(cycle, seen.names))
                break
            if self.timeout is not None and now - t_start > self.timeout:
                outcome = ("timeout", f"stopped after the {self.timeout:g} s time limit")
                break
            if now - scanned < SCAN_EVERY:
                continue
            # Walking /proc for the tree and its CPU costs ~1 ms here (more on a busy laptop):
            # a few times a second is plenty for stalls measured in seconds.
            scanned = now
            tree |= descendants(pid)
            self.seen_pids |= tree | {pid}
            cpu = tree_cpu(pid, tree)
            if cpu > cpu_seen + 0.01:
                cpu_seen, cpu_moved = cpu, now
            quiet_for = min(now - self._last_batch(), now - cpu_moved)
            if watchdog.stalled(quiet_for, self.stall_after, dict(seen.tails)):
                self._quiet_since_ns = int(max(self._last_batch(), cpu_moved) * 1e9)
                outcome = (
                    "stalled",
                    f"no event, no CPU and no announced wait for {self.stall_after:g} s",
                )
                break
        if proc.exitcode is None:
            tree |= descendants(pid)
            self.seen_pids |= tree | {pid}
            proc.kill()  # our own child: reaped by join below, so its status is kept
        kill_tree(tree)
        proc.join(5)
        guard().release(pid)  # anything of its group the walks never saw
        # A child's own reaped children count in its figures: the whole tree, once reaped.
        # Another run ending at the same moment in this process would count here too.
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.ctx_switches = (after.ru_nvcsw - before.ru_nvcsw, after.ru_nivcsw - before.ru_nivcsw)
        if collector is not None:
            collector.join(5)
        self._finish(self._judge(outcome, proc.exitcode), proc)

    def _judge(self, outcome: tuple[str, str] | None, code: int | None) -> RunResult:
        errors = self.seen.errors
        error = errors[-1] if errors else ""  # the worker's own, last to be sent
        if outcome is not None:
            return RunResult(outcome[0], outcome[1], code, error, self._quiet_since_ns)
        if code == 0:
            return RunResult("done", "finished", code, error)
        if code is not None and code < 0:
            return RunResult(
                "killed", f"the worker was killed by {signal_name(-code)}", code, error
            )
        last = error.strip().splitlines()[-1] if error.strip() else f"exit code {code}"
        return RunResult("failed", f"the scenario failed: {last}", code, error)

    def _finish(self, result: RunResult, proc: Any) -> None:
        self.ended_ns = time.monotonic_ns()
        self.result = result
        self._started.set()
        if proc is not None:
            proc.close()
        if self.on_end is not None:
            self.on_end(result)
        self._done.set()

    def _last_batch(self) -> float:
        """When the latest batch arrived (a run without a probe: when it started)."""
        c = self._collector
        return c.last_batch if c is not None else self._started_at

    @property
    def events(self) -> int:
        """State events collected so far."""
        return self._collector.events if self._collector is not None else 0
