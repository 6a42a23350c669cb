"""``cookline trace``'s cost to the program it traces: ``python -m benchmarks trace``.

Each program in ``benchmarks/programs/`` prints its own wall time (its main code's start to
end, so interpreter start-up is not in it). Per round: untraced, traced by Cookline,
traced by viztracer, then the three again backwards (each figure of a round is the sum of its
two runs); five rounds; each figure is the median of the per-round ratios to the
untraced run of the same round, with their range, and a goal is judged on the median (one
round on this shared machine moves by more than the goal). Voluntary context switches of the
four CPU threads (the GIL's hand-overs) are read from the kernel's accounting of the reaped
children, outside the program.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from scenarios.supervisor.traced import Program
from tui.runs import session

PROGRAMS = Path(__file__).parent / "programs"
CASES = (
    ("four CPU threads", "cpu_threads.py"),
    ("asyncio, 10,000 tasks sleeping", "many_tasks.py"),
    ("16-thread pool, loopback sockets", "socket_pool.py"),
)
ROUNDS = 5


def _elapsed(text: str, what: str = "elapsed") -> float:
    """The last ``what 1.234`` the program printed (seconds)."""
    for line in reversed(text.splitlines()):
        if f"{what} " in line:
            return float(line.rsplit(f"{what} ", 1)[1])
    raise RuntimeError(f"no {what} time in: {text[-300:]!r}")


FIRST_STEPS: dict[str, list[float]] = {"untraced": [], "traced": []}
"""The asyncio program's first loop iteration (its 10,000 first steps), untraced and traced:
the burst where a tracer's cost to it lies, the rest of its run being sleeps."""


def _first_steps(side: str, path: Path, text: str) -> None:
    if path.name == "many_tasks.py":
        FIRST_STEPS[side].append(_elapsed(text, "first steps"))


def _switches() -> int:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_nvcsw


def untraced(path: Path) -> tuple[float, int]:
    before = _switches()
    out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, check=True)
    _first_steps("untraced", path, out.stderr)
    return _elapsed(out.stderr), _switches() - before


OWN_CPU: dict[str, list[float]] = {}
"""Per program, Cookline's own CPU seconds while it traced it (its collector, sampler and
store): on two cores, CPU the traced program may have to share."""


def traced(path: Path) -> tuple[float, int]:
    before = _switches()
    cpu = time.process_time()
    run, store = session.start_trace(Program((str(path),), passthrough=False))
    result = run.wait()
    OWN_CPU.setdefault(path.name, []).append(time.process_time() - cpu)
    assert result is not None and result.ok, result
    switches = _switches() - before
    said = "\n".join(en for _, _, en, _ in store.cues)
    _first_steps("traced", path, said)
    return _elapsed(said), switches


def viztraced(path: Path) -> float:
    with tempfile.TemporaryDirectory() as folder:
        out = subprocess.run(
            [sys.executable, "-m", "viztracer", "--quiet", "-o", f"{folder}/t.json", str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
    return _elapsed(out.stderr)


def _range(xs: list[float]) -> str:
    return f"{statistics.median(xs):.3f}× ({min(xs):.3f}–{max(xs):.3f})"


def bench_trace(report: Callable[[str, str, str, bool], None]) -> None:
    try:
        import viztracer  # noqa: F401
    except ImportError:
        print("     viztracer not installed: pip install -e '.[bench]'")
        return
    ours: dict[str, list[float]] = {name: [] for name, _ in CASES}
    peer: dict[str, list[float]] = {name: [] for name, _ in CASES}
    switches: list[float] = []
    for _ in range(ROUNDS):
        for name, program in CASES:
            path = PROGRAMS / program
            # untraced, Cookline, viztracer, then the same backwards: each runs once early and
            # once late in the round, so neither drift nor order favours one of them
            base1, base_sw1 = untraced(path)
            mine1, mine_sw1 = traced(path)
            viz = viztraced(path) + viztraced(path)
            mine2, mine_sw2 = traced(path)
            base2, base_sw2 = untraced(path)
            base = base1 + base2
            ours[name].append((mine1 + mine2) / base)
            peer[name].append(viz / base)
            if program == "cpu_threads.py":
                switches.append((mine_sw1 + mine_sw2) / max(base_sw1 + base_sw2, 1))
    for name, program in CASES:
        own = OWN_CPU.get(program, [])
        if own:
            print(
                f"     ({name}: Cookline's own CPU while tracing it {statistics.median(own):.2f} s"
                f" ({min(own):.2f}–{max(own):.2f}))"
            )
    untraced_steps, traced_steps = FIRST_STEPS["untraced"], FIRST_STEPS["traced"]
    if untraced_steps:  # two runs a side each round, in the order the rounds ran them
        steps = [
            (traced_steps[k] + traced_steps[k + 1]) / (untraced_steps[k] + untraced_steps[k + 1])
            for k in range(0, len(untraced_steps) - 1, 2)
        ]
        print(
            f"     (asyncio, its first loop iteration, the 10,000 first steps: traced"
            f" {_range(steps)} untraced, {statistics.median(untraced_steps) * 1e3:.0f} ms"
            " untraced)"
        )
    for name, _ in CASES:
        med = statistics.median(ours[name])
        viz = statistics.median(peer[name])
        smaller = (viz - 1) / max(med - 1, 1e-9)
        report(
            f"trace: {name}",
            f"{_range(ours[name])}; viztracer {_range(peer[name])}",
            "≤ 1.05× and overhead ≥ 10× smaller than viztracer's (medians)",
            med <= 1.05 and smaller >= 10,
        )
    report(
        "trace: GIL switches of four CPU threads",
        f"{_range(switches)} the untraced run's voluntary context switches",
        "within 1.2× (median)",
        statistics.median(switches) <= 1.2,
    )
