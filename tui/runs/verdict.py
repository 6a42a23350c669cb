"""The verdict: one workload run in every model (``cookline compare``), the eight kitchens of
the processes-and-threads table (``cookline table``), and the too-many-cooks sweep.

Each run is a real, separate worker tree started one after another, so the runs do not
compete for the cores. ``compare`` stacks their lanes in one store on one time axis (each run
from its own time zero), which the app and the headless view show like any run.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from scenarios.kitchen import names
from scenarios.kitchen.menu import get
from scenarios.supervisor.runner import Run, RunResult
from tui.report.headless import seconds
from tui.report.words import say
from tui.runs import session
from tui.trace.store import TraceStore
from tui.trace.summary import Summary, summarise

MODELS = ("sequential", "asyncio", "threads", "processes")

CLAIMS = {
    "cpu": "processes > threads > asyncio (CPU-bound)",
    "io": "asyncio > threads > processes (I/O-bound)",
    "cooks": "more threads, more context switches, no speed-up (CPU-bound)",
}
CLAIMS_JA = {
    "cpu": "プロセス > スレッド > asyncio（CPUバウンド）",
    "io": "asyncio > スレッド > プロセス（I/Oバウンド）",
    "cooks": "スレッドを増やしても速くならず、コンテキストスイッチが増える（CPUバウンド）",
}
COOKS = (1, 4, 16, 64)


@dataclass
class Measured:
    """One run of a series, finished."""

    label: str
    scenario: str
    params: dict[str, float]
    cores: int | None
    store: TraceStore
    result: RunResult
    run: Run

    @property
    def wall_s(self) -> float:
        return summarise(self.store, peak=False, cores=False).wall / 1e9

    def summary(self) -> Summary:
        return summarise(self.store)


Plan = tuple[str, str, dict[str, float], int | None]
"""One run of a series: (label, scenario id, parameters, cores)."""

Progress = Callable[[int, int, str], None]
"""Told (done so far, how many, what runs now) before each run."""


def run_series(
    plan: list[Plan],
    *,
    timeout: float = 60.0,
    progress: Progress | None = None,
) -> list[Measured]:
    """Run ``(label, scenario id, params, cores)`` one after another; stop at the first that
    does not finish (its result says why)."""
    out = []
    for k, (label, sid, params, cores) in enumerate(plan):
        if progress is not None:
            progress(k, len(plan), label)
        run, store = session.start(get(sid), params, cores=cores, timeout=timeout)
        try:
            result = run.wait()
        except KeyboardInterrupt:
            run.stop("stopped by the user (Ctrl-C)")
            run.wait()
            raise
        assert result is not None
        out.append(Measured(label, sid, params, cores, store, result, run))
        if not result.ok:
            break
    return out


def compare_plan(kind: str, scale: float, cores: int | None = None) -> list[Plan]:
    """Every run of a comparison; ``cores``: each pinned to that many CPUs."""
    if kind == "cooks":
        return [
            (f"{n} cook{'s' if n > 1 else ''}", "many-cooks", {"scale": scale, "cooks": n}, cores)
            for n in COOKS
        ]
    return [(model, f"{kind}-{model}", {"scale": scale}, cores) for model in MODELS]


def ranking(entries: list[Measured], lang: str = "en") -> str:
    """Fastest first; ``≈`` between runs within 10 % of each other."""
    ordered = sorted(entries, key=lambda e: e.wall_s)
    text = _label(ordered[0].label, lang)
    for prev, e in pairwise(ordered):
        text += (" ≈ " if e.wall_s <= prev.wall_s * 1.1 else " > ") + _label(e.label, lang)
    return text


def _label(label: str, lang: str) -> str:
    """A run's label (a model, a number of cooks, a table row) as the screen says it."""
    if lang != "ja":
        return label
    label = re.sub(r"\b(\d+) cores?\b", r"コア\1つ", label)
    for en, ja in TABLE_WORDS_JA:
        label = label.replace(en, ja)
    return names.ja(label)


TABLE_HEADINGS_JA = {"most running at once": "同時最大", "CPUs": "CPU数"}
"""The table's headings where the general word is too long for a column."""

OBSERVED_JA = {"parallelism": "並列", "concurrency": "並行", "none": "なし"}
"""What the lanes showed, as the table's verdict word (parallelism here is a kind, not the
figure)."""


TABLE_WORDS_JA = (
    (", C code releasing the GIL", "、C のコードが GIL を手放す"),  # spaces: GIL never folded
    ("single process", "単一プロセス"),
    ("multi process", "マルチプロセス"),
    ("single thread", "シングルスレッド"),
    ("multi thread", "マルチスレッド"),
    ("all cores", "全コア"),
    (" + ", "＋"),
    (", ", "、"),
)
"""The table's row labels, phrase by phrase (``1 core``, ``2 cores`` by their number)."""

KIND_JA = {
    "cpu": "切る作業（CPUバウンド）",
    "io": "オーブン待ち（I/Oバウンド）",
    "cooks": "コックの人数",
}
"""What each ``cookline compare KIND`` compares, as the Japanese title says it."""


def compare_table(kind: str, entries: list[Measured], lang: str = "en") -> Group:
    base = entries[0].wall_s
    table = Table(title=f"cookline compare {kind}", title_justify="left")
    table.add_column(say("run", lang))
    table.add_column(say("wall", lang), justify="right")
    table.add_column(say("speed-up", lang), justify="right")
    table.add_column(say("parallelism", lang), justify="right")
    if kind == "cooks":
        table.add_column(say("involuntary switches", lang), justify="right")
        table.add_column(say("voluntary switches", lang), justify="right")
    for e in entries:
        s = e.summary()
        row = [
            _label(e.label, lang),
            seconds(s.wall),
            f"{base / e.wall_s:.2f}×",
            f"{s.parallelism:.2f}",
        ]
        if kind == "cooks":
            vol, invol = e.run.ctx_switches or (0, 0)
            row += [f"{invol:,}", f"{vol:,}"]
        table.add_row(*row)
    claims = CLAIMS_JA if lang == "ja" else CLAIMS
    # the verdict under the table, as wide as the terminal: a caption wraps at the table's width
    verdict = Text.assemble(
        (say("measured: ", lang), "dim"),
        ranking(entries, lang),
        "\n",
        (say("the text says: ", lang), "dim"),
        claims[kind],
    )
    return Group(table, verdict)


def merge(kind: str, entries: list[Measured]) -> TraceStore:
    """One store holding every run's lanes, each run shifted to start at time zero and its
    top lane named with its model and wall time."""
    first = entries[0].store
    merged = TraceStore(
        {
            **first.header,
            "scenario": f"compare-{kind}",
            "title": f"The verdict: {kind}",
            "title_ja": f"判定：{KIND_JA.get(kind, kind)}",
            "runs": [e.store.header.get("scenario") for e in entries],
        }
    )
    base = entries[0].wall_s
    roots: list[int] = []
    """Each run's top lane: its cues are told with its run (``TraceStore.story``)."""
    for k, e in enumerate(entries):
        store = e.store
        lo = store.bounds()[0]
        offset = len(merged.actors)  # run k's actor i is merged actor offset + i
        for a in store.actors:
            name = a.name
            if a.parent is None:
                # the speed-up first: where a narrow name column cuts the name, it stays
                name = f"{e.label} {base / e.wall_s:.2f}× · {seconds(e.wall_s * 1e9)}"
                if kind == "cooks":  # the lesson of this sweep is in the kernel's counts
                    vol, invol = e.run.ctx_switches or (0, 0)
                    name += f" · {invol:,} forced switches"
            m = merged.declare(
                (k, a.index),
                a.kind,
                name,
                parent=offset + a.parent if a.parent is not None else None,
                pid=a.pid,
                tid=a.tid,
            )
            if a.parent is None:
                roots.append(m)
            labels = array("i", (merged.label(store.labels[i]) if i else 0 for i in a.label))
            merged.add_states(
                m,
                array("q", (t - lo for t in a.t)),
                array("b", a.state),
                array("b", a.reason),
                array("h", a.core),
                labels,
            )
        for t, actor, en, ja in store.cues:
            merged.add_cue(
                t - lo, offset + actor, f"{e.label}: {en}", f"{_label(e.label, 'ja')}：{ja}"
            )
        for t, actor, name, value in store.values:
            merged.add_value(t - lo, offset + actor, f"{e.label}.{name}", value)
        for t, actor, text in store.errors:
            merged.add_error(t - lo, offset + actor, text)
    last = max(e.store.bounds()[1] - e.store.bounds()[0] for e in entries)
    if kind == "cooks":
        for e, root in zip(entries, roots, strict=False):
            vol, invol = e.run.ctx_switches or (0, 0)
            merged.add_cue(
                last,
                root,
                f"{e.label}: {invol:,} involuntary and {vol:,} voluntary context switches",
                f"{_label(e.label, 'ja')}：切り替えは強制 {invol:,} 回・自発 {vol:,} 回",
            )
    # the verdict's cues belong to the last run, so that told in story order they come last
    end = len(merged.actors) - 1
    merged.add_cue(
        last, end, f"measured: {ranking(entries)}", f"測定結果：{ranking(entries, 'ja')}"
    )
    merged.add_cue(last, end, f"the text says: {CLAIMS[kind]}", f"記事では：{CLAIMS_JA[kind]}")
    ok = all(e.result.ok for e in entries)
    merged.end_run("done" if ok else "failed", f"measured: {ranking(entries)}")
    return merged


def table_plan(scale: float, cores_all: int | None = None) -> list[Plan]:
    """The eight kitchens; ``cores_all``: how many CPUs the "all cores" rows get (None: all)."""
    plan = []
    for procs in (1, 2):
        for threads in (1, 2):
            for cores in (1, cores_all):
                label = (
                    f"{'single' if procs == 1 else 'multi'} process + "
                    f"{'single' if threads == 1 else 'multi'} thread, "
                    f"{'1 core' if cores == 1 else f'{cores} cores' if cores else 'all cores'}"
                )
                params = {"scale": scale, "processes": procs, "threads": threads}
                plan.append((label, "one-core-vs-many", params, cores))
    # the ninth: the row the text allows and pure-Python chopping never shows
    cores_label = f"{cores_all} cores" if cores_all else "all cores"
    label = f"single process + multi thread, {cores_label}, C code releasing the GIL"
    plan.append((label, "food-processor", {"scale": scale, "cooks": 2, "work_ms": 300}, cores_all))
    return plan


SHAPE = {"food-processor": lambda p: (1, int(p["cooks"]))}
"""(processes, threads) of a table row that is not one-core-vs-many."""


TABLE_CLAIMS = {
    (1, 1, True): "none",
    (1, 1, False): "none (one core used)",
    (1, 2, True): "concurrency",
    (1, 2, False): "parallelism possible",
    (2, 1, True): "concurrency",
    (2, 1, False): "parallelism possible",
    (2, 2, True): "concurrency",
    (2, 2, False): "parallelism (most)",
}


def observed_class(s: Summary, workers: int) -> str:
    """What the lanes show: two cooks' worth running at once (over 50 ms) is
    parallelism; cooks taking turns is concurrency; a single cook is neither."""
    if s.max_running >= 2:
        return "parallelism"
    if workers >= 2:
        return "concurrency"
    return "none"


def table_rows(entries: list[Measured]) -> list[dict[str, Any]]:
    rows = []
    for e in entries:
        shape = SHAPE.get(e.scenario)
        procs, threads = (
            shape(e.params) if shape else (int(e.params["processes"]), int(e.params["threads"]))
        )
        s = e.summary()
        one_core = e.cores == 1
        rows.append(
            {
                "label": e.label,
                "cpus": e.store.header["machine"]["cpus_used"],
                "max_running": s.max_running,
                "parallelism": s.parallelism,
                "wall_s": s.wall / 1e9,
                "observed": observed_class(s, procs * threads),
                "claim": TABLE_CLAIMS[(procs, threads, one_core)],
            }
        )
    return rows


def table_view(rows: list[dict[str, Any]], lang: str = "en") -> Table:
    ja = lang == "ja"
    title = (
        "プロセス × スレッド × コア、実測（002の表）"
        if ja
        else "Processes × threads × cores, measured (002's table)"
    )
    table = Table(title=title, title_justify="left")
    for col, justify in (
        ("kitchen", "left"),
        ("CPUs", "right"),
        ("most running at once", "right"),
        ("parallelism", "right"),
        ("wall", "right"),
        ("observed", "left"),
        ("the text says", "left"),
    ):
        # a verdict word is what the reader came for: never cut it, wrap the headings instead
        keep = col in ("observed", "the text says", "parallelism", "wall", "CPUs")
        table.add_column(
            TABLE_HEADINGS_JA.get(col, say(col, lang)) if ja else col,
            justify=justify,  # type: ignore[arg-type]
            no_wrap=keep and col != "the text says",
            min_width=len("parallelism") if col in ("observed", "the text says") else None,
            # Japanese has no spaces to wrap at: fold it, never cut it with an ellipsis
            overflow="fold" if ja else "ellipsis",
        )
    for r in rows:
        style = "green" if r["observed"] == "parallelism" else ""
        table.add_row(
            _label(r["label"], lang),
            str(r["cpus"]),
            str(r["max_running"]),
            f"{r['parallelism']:.2f}",
            seconds(r["wall_s"] * 1e9),
            Text(
                OBSERVED_JA.get(r["observed"], r["observed"]) if ja else r["observed"], style=style
            ),
            say(r["claim"], lang),
        )
    table.caption = (
        "CPythonのスレッドはGILを一つ共有する：記事がマルチスレッドのプロセスは並列に動けると"
        "言うところで、ここではスレッドは交代で動く。ただしGILを手放すCのコード（最後の行："
        "hashlib）なら並列に動く。プロセスはコアがあれば並列に動く。"
        if ja
        else "CPython threads hold one GIL: where the text says a multi-thread process may run "
        "in parallel, its threads here take turns, unless their work is C code that releases "
        "the GIL (the last row: hashlib); processes are parallel given the cores."
    )
    table.caption_justify = "left"
    return table
