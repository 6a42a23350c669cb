"""The verdict, the table and the too-many-cooks sweep: real series of runs, robust parts only."""

from __future__ import annotations

import pytest

from scenarios.kitchen import expect
from tests.conftest import busy_elsewhere, parallel, wait_gone
from tui import cli
from tui.runs import verdict


def _series(plan: list[verdict.Plan]) -> dict[str, verdict.Measured]:
    entries = verdict.run_series(plan)
    for e in entries:
        assert e.result.ok, (e.label, e.result.message)
        assert wait_gone(e.run.seen_pids) == []
    return {e.label: e for e in entries}


def test_on_cpu_work_processes_beat_threads(two_idle_cores: None) -> None:
    runs = _series(verdict.compare_plan("cpu", 1.0))
    processes, threads = runs["processes"], runs["threads"]
    # Parallelism counts CPU time (running is what each cook's CPU clock saw), so it is the
    # lesson itself; wall time alone is not: a kitchen's fixed start-up weighs more when the
    # session's calibration, made under load, gave every run less work (CI: 0.66 s vs 0.72 s).
    # Each kitchen's start-up (~70-100 ms) is CPU no lane holds: counted beside the lanes
    # (start_cpu), it belongs in the kitchens' work here. Without it one full-suite run read
    # 1.34 while the processes took 0.62 s against the threads' 0.98 s, and a run beside a
    # busy neighbour 1.15 at 0.88 s against 0.94 s. Either figure, held clearly, shows the
    # kitchens side by side.
    p = processes.summary()
    p_par = (p.cpu + p.start_cpu) / p.wall
    t_par = threads.summary().parallelism
    # A run beside a busy neighbour read 1.70 with the processes 0.85 s against the threads'
    # 0.83 s: four interpreters starting on two cores cost what short work gains. Parallelism
    # that high is the kitchens side by side whatever the wall says (one knife never reads it).
    side_by_side = (
        p_par >= 1.5
        or (p_par >= 1.4 and processes.wall_s < threads.wall_s)
        or (p_par >= 1.2 and processes.wall_s < 0.8 * threads.wall_s)
    )
    parallel(
        side_by_side,
        f"processes {processes.wall_s:.2f} s at parallelism {p_par:.2f}"
        f" vs threads {threads.wall_s:.2f} s at {t_par:.2f}",
    )
    assert t_par <= 1.3  # the GIL: one knife for four cooks


def test_on_io_work_asyncio_and_threads_beat_sequential(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["compare", "io", "--headless", "--scale", "0.5", "--width", "100"]) == 0
    out = capsys.readouterr().out
    walls = {}
    for line in out.splitlines():
        cells = [c.strip() for c in line.split("│")]
        if len(cells) >= 4 and cells[1] in verdict.MODELS:
            walls[cells[1]] = float(cells[3].rstrip("×"))  # the speed-up column
    assert set(walls) == set(verdict.MODELS)
    assert walls["asyncio"] >= 1.8 and walls["threads"] >= 1.8  # vs sequential's 1.00×
    assert "measured:" in out and "the text says:" in out
    # the four runs stacked on one axis, each under its own top lane
    assert "▣ sequential 1.00× ·" in out and "▣ processes " in out


def test_more_cooks_more_switches_no_speed_up() -> None:
    plan = [p for p in verdict.compare_plan("cooks", 0.3) if p[2]["cooks"] in (1, 64)]
    runs = _series(plan)
    one, many = runs["1 cook"], runs["64 cooks"]
    assert one.run.ctx_switches is not None and many.run.ctx_switches is not None
    assert sum(many.run.ctx_switches) >= 2 * sum(one.run.ctx_switches)
    assert many.wall_s >= 0.8 * one.wall_s  # splitting CPU work over threads does not help


def test_the_table_measured_with_affinity() -> None:
    # long enough that two spawned kitchens overlap for many 50 ms windows whatever the spread
    # of their start-ups: at 0.4 the two kitchens' cooks were never both on a core for a whole
    # 50 ms window in 5 of about 50 runs here (most running at once 1.00), a clean CI run's too
    entries = verdict.run_series(verdict.table_plan(0.8))
    assert all(e.result.ok for e in entries)
    rows = {r["label"]: r for r in verdict.table_rows(entries)}
    assert len(rows) == 9
    for label, r in rows.items():
        if label.endswith("1 core"):
            assert r["observed"] != "parallelism", label  # one core: nothing in parallel
            assert r["cpus"] == 1
    assert rows["single process + single thread, all cores"]["observed"] == "none"
    assert rows["single process + multi thread, all cores"]["observed"] != "none"
    why = busy_elsewhere()
    if why is not None:
        pytest.skip(f"the one-core rows hold; the all-cores rows cannot be judged: {why}")
    # the all-cores rows that need two cores: where one did not hold, the machine is asked
    # again, and the test skips (saying why) only if it still cannot give two cores
    if expect.gil_enabled():
        assert rows["single process + multi thread, all cores"]["observed"] == "concurrency"
        for label in (
            "multi process + single thread, all cores",
            "multi process + multi thread, all cores",
        ):
            parallel(rows[label]["observed"] == "parallelism", f"{label}: {rows[label]}")
    # the ninth row: threads of one kitchen whose work is C code that releases the GIL
    c_code = rows["single process + multi thread, all cores, C code releasing the GIL"]
    parallel(c_code["observed"] == "parallelism" and c_code["parallelism"] > 1.4, f"{c_code}")


def test_free_threaded_python_flips_one_knifes_lesson() -> None:
    """No free-threaded interpreter here: the logic is tested on its own."""
    with_gil = expect.one_knife(gil=True, cores=2)
    no_gil = expect.one_knife(gil=False, cores=2)
    assert not with_gil.parallel and "take turns" in with_gil.cue
    assert no_gil.parallel and "No GIL" in no_gil.cue and no_gil.cue_ja
    assert not expect.one_knife(gil=False, cores=1).parallel  # still one core
