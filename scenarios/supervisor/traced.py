"""A user's own program, run unmodified and traced: the counterpart of ``runner.Run``.

The program is started as the user would start it (``python script.py args``, ``python -m
module args``), with the boot folder first on ``PYTHONPATH`` and a private Unix socket named in
its environment (``scenarios.program``). Three threads on Cookline's side: this run's
supervisor (start, time limit, stop, end), the listener (the program's batches) and the sampler
(what the kernel says of each of its threads). Every ending leaves no process of the program's
tree behind, and says in one line what happened.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from scenarios.program import ENV_ROOT, ENV_SOCKET, ENV_TOP
from scenarios.supervisor import watchdog
from scenarios.supervisor.collector import BatchSink
from scenarios.supervisor.guard import guard
from scenarios.supervisor.interpreter import ROOT, Interpreter, own_gil_enabled
from scenarios.supervisor.listener import Listener
from scenarios.supervisor.runner import SCAN_EVERY, Control, RunResult, signal_name
from scenarios.supervisor.sampler import Sampler
from scenarios.supervisor.tree import adopt_orphans, descendants, kill_tree
from scenarios.wire import Error, State, kitchen_of

BOOT = str(Path(__file__).resolve().parent.parent / "program" / "boot")
"""The folder whose ``sitecustomize`` starts the hooks in every Python process of the program."""


@dataclass(frozen=True)
class Program:
    """What ``cookline trace`` was asked to run: a script or a module, and its own arguments."""

    argv: tuple[str, ...]
    """After the interpreter: ``("script.py", *args)`` or ``("-m", "module", *args)``."""
    python: Interpreter | None = None
    timeout: float | None = None
    stall: float = 5.0
    """Seconds every thread may sit in lock, queue or join waits, off the CPU, with no cycle
    to show, before the run is called stalled and stopped."""
    passthrough: bool = True
    """The program's stdin, stdout and stderr are Cookline's (headless); else its output is
    handed line by line to ``on_output`` and its stdin is empty (the app owns the terminal)."""

    @property
    def title(self) -> str:
        return " ".join(self.argv[:2] if self.argv[0] == "-m" else self.argv[:1])

    @property
    def command(self) -> list[str]:
        exe = self.python.executable if self.python else sys.executable
        return [exe, *self.argv]


@dataclass
class TraceRun(Control):
    """One traced run. ``start()``, then ``wait()``; ``stop()`` from anywhere."""

    program: Program
    on_batch: BatchSink
    on_end: Callable[[RunResult], None] | None = None
    on_start: Callable[[int], None] | None = None
    on_output: Callable[[int, str, str], None] | None = None
    """``(monotonic_ns, "stdout" or "stderr", line)`` for each line the program writes."""
    t0: int = 0
    pid: int | None = None
    result: RunResult | None = None
    seen: watchdog.Seen = field(default_factory=watchdog.Seen)
    seen_pids: set[int] = field(default_factory=set)
    """Every process of the program's tree seen while it ran (for leak checks)."""
    sampler: Sampler | None = None

    def __post_init__(self) -> None:
        self._controls()

    # -- the caller's side ------------------------------------------------------------------

    def start(self) -> None:
        adopt_orphans()
        threading.Thread(target=self._supervise, name="cookline-trace", daemon=True).start()
        self._started.wait(30)

    # -- the supervisor thread ---------------------------------------------------------------

    def _sink(self, states: Any, records: Any) -> None:
        """The listener's batches go to the store and tell the sampler what was announced."""
        self.on_batch(states, records)
        sampler = self.sampler
        if sampler is not None:
            sampler.see(states, records)

    def _env(self, socket_path: str) -> dict[str, str]:
        env = dict(os.environ)
        env[ENV_SOCKET] = socket_path
        env[ENV_ROOT] = ROOT
        env[ENV_TOP] = str(os.getpid())
        env["PYTHONPATH"] = os.pathsep.join(p for p in (BOOT, env.get("PYTHONPATH")) if p)
        return env

    def _supervise(self) -> None:
        folder = tempfile.mkdtemp(prefix="cookline-")  # 0700: only this user can connect
        try:
            self._run_in(folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _run_in(self, folder: str) -> None:
        listener = Listener(folder, self._sink, self.seen)
        listening = threading.Thread(target=listener.run, name="cookline-listener")
        listening.start()
        prog = self.program
        out: Any = None if prog.passthrough else subprocess.PIPE
        gil = prog.python.gil_enabled if prog.python else own_gil_enabled()
        sampler = self.sampler = Sampler(0, self.on_batch, gil=gil)  # before a word is sent
        self.t0 = time.monotonic_ns()
        if self.on_start is not None:
            self.on_start(self.t0)
        try:
            proc = subprocess.Popen(
                prog.command,
                env=self._env(listener.path),
                stdin=None if prog.passthrough else subprocess.DEVNULL,
                stdout=out,
                stderr=out,
                process_group=0,  # a group of its own, for the guard and for Ctrl-C
            )
        except OSError as exc:
            listener.stop()
            listening.join()
            self._finish(RunResult("failed", f"could not start the program: {exc}", None))
            return
        self.pid = proc.pid
        guard().watch(proc.pid)
        handed = prog.passthrough and _hand_terminal(proc.pid)
        sampler.root = proc.pid
        sampling = threading.Thread(target=sampler.run, name="cookline-sampler")
        sampling.start()
        readers = [
            threading.Thread(target=self._read, args=(stream, name), daemon=True)
            for stream, name in ((proc.stdout, "stdout"), (proc.stderr, "stderr"))
            if stream is not None
        ]
        for r in readers:
            r.start()
        self._started.set()
        outcome = self._watch(proc, sampler)
        if outcome is not None:  # Cookline ends it: the kill is not the program's doing
            sampler.ended_at = time.monotonic_ns()
        tree = descendants(proc.pid) | self.seen_pids
        if proc.poll() is None:
            with contextlib.suppress(OSError):
                proc.kill()
        kill_tree(tree - {proc.pid})
        code = proc.wait()
        if code and outcome is None:  # it ended itself: a "done" said at exit may hide a status
            t = time.monotonic_ns()
            why = f"exit status {code}" if code > 0 else f"killed by signal {-code}"
            end = array("q", [t, kitchen_of(proc.pid), int(State.FAILED), 0, -1, 0])
            self.on_batch(end, [Error(t, kitchen_of(proc.pid), why)])
        if handed:
            _hand_terminal(os.getpgrp())
        guard().release(proc.pid)
        for r in readers:
            r.join(2)
        sampler.stop()
        sampling.join()
        listener.stop()
        listening.join()
        self._finish(self._judge(outcome, code))

    def _watch(self, proc: subprocess.Popen[bytes], sampler: Sampler) -> tuple[str, str] | None:
        started = time.monotonic()
        scanned = float("-inf")
        timeout = self.program.timeout
        cycles = watchdog.CycleClock()
        while True:
            # not proc.wait(timeout): it polls with sleeps from 0.5 ms up, a dozen wake-ups
            # of Cookline a tick, on the cores the program is measured on
            self._stop.wait(0.05)
            if proc.poll() is not None:
                return None
            now = time.monotonic()
            if self._stop.is_set():
                return ("stopped", self._stop_reason)
            if timeout is not None and now - started > timeout:
                return ("timeout", f"stopped after the {timeout:g} s time limit")
            seen = self.seen
            cycle = watchdog.lock_cycle(dict(seen.tails), dict(seen.wants), dict(seen.holders))
            # a cycle's words may be stale (a wait's end rides with the thread's next batch):
            # it is a deadlock only if nobody in it has been on a CPU meanwhile
            still = int(watchdog.DEADLOCK_AFTER * 1e9)
            stuck = bool(cycle) and sampler.still([a for a, _, _ in cycle], still)
            if cycles.lasted(cycle if stuck else [], now):
                return ("deadlock", watchdog.describe(cycle, seen.names))
            stall = self.program.stall
            if sampler.stuck_for() > stall * 1e9:
                return (
                    "stalled",
                    f"every thread has waited on a lock, queue or join for {stall:g} s"
                    " with no cycle Cookline can see (locks of C code or of another process)",
                )
            if now - scanned >= SCAN_EVERY:
                scanned = now
                self.seen_pids |= descendants(proc.pid)

    def _read(self, stream: IO[bytes], name: str) -> None:
        for raw in stream:
            if self.on_output is not None:
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                self.on_output(time.monotonic_ns(), name, line)

    def _judge(self, outcome: tuple[str, str] | None, code: int) -> RunResult:
        errors = self.seen.errors
        tracebacks = [e for e in errors if "Traceback" in e]  # the program's own, not a status
        error = (tracebacks or errors or [""])[-1]
        if outcome is not None:
            return RunResult(outcome[0], outcome[1], code, error)
        if code == 0:
            return RunResult("done", "the program finished", code, error)
        if code < 0:
            name = signal_name(-code)
            return RunResult("killed", f"the program was killed by {name}", code, error)
        last = error.strip().splitlines()[-1] if error.strip() else ""
        why = f": {last}" if last else ""
        return RunResult("failed", f"the program exited with status {code}{why}", code, error)

    def _finish(self, result: RunResult) -> None:
        self.result = result
        self._started.set()
        if self.on_end is not None:
            self.on_end(result)
        self._done.set()


def _hand_terminal(group: int) -> bool:
    """Make ``group`` the terminal's foreground (headless): the program reads the keyboard and
    gets Ctrl-C as if it had been started alone; Cookline takes the terminal back at the end."""
    try:
        if not os.isatty(0) or os.tcgetpgrp(0) not in (os.getpgrp(), group):
            return False
        # blocked on this thread, SIGTTOU does not stop a background Cookline taking it back
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTTOU})
        os.tcsetpgrp(0, group)
        return True
    except OSError:  # no terminal of ours
        return False


def check_program(argv: Sequence[str]) -> str | None:
    """Why ``argv`` (a script and its arguments, or ``-m module …``) cannot be traced, in one
    line; None when it can. A script must exist, be a file and compile."""
    if not argv:
        return "name a script (or -m MODULE) to trace"
    if argv[0] == "-m":
        return None if len(argv) > 1 else "-m: name a module"
    path = Path(argv[0])
    if not path.is_file():
        return f"{argv[0]}: no such file" if not path.exists() else f"{argv[0]}: not a file"
    try:
        source = path.read_bytes()
    except OSError as exc:
        return f"{argv[0]}: {exc.strerror or exc}"
    try:
        compile(source, str(path), "exec", dont_inherit=True)
    except SyntaxError as exc:
        if exc.lineno is None or b"\0" in source:
            return f"{argv[0]}: not a Python script ({exc.msg})"
        return f"{argv[0]}, line {exc.lineno}: {exc.msg} (not Python, or a syntax error)"
    except ValueError as exc:  # null bytes: a binary
        return f"{argv[0]}: not a Python script ({exc})"
    return None
