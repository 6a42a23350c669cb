"""The ``cookline`` command: parse, dispatch, and turn every expected failure into one line.

Imported by spawned workers' re-import of ``__main__`` too, so it imports nothing heavy at
module level: each sub-command pulls in what it needs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from rich.console import Console

    from scenarios.kitchen.menu import Scenario
    from scenarios.supervisor.interpreter import Interpreter
    from scenarios.supervisor.runner import Run, RunResult
    from scenarios.supervisor.traced import TraceRun
    from tui.runs import verdict
    from tui.trace.store import TraceStore

EXIT_USAGE = 2


class CliError(Exception):
    """A mistake the user can fix; printed as ``cookline: message``."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def number(
    kind: type[float] | type[int], low: float, high: float = float("inf"), *, above: bool = False
) -> Callable[[str], float]:
    """An argparse type: a finite number in ``[low, high]`` (``(low, high]`` with ``above``).

    Every number on the command line is checked here, once, the same way: ``nan``, ``inf``
    and values out of range are one line and exit 2, never a run that fails later.
    """
    import math

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            what = "a whole number" if kind is int else "a number"
            raise argparse.ArgumentTypeError(f"{text}: not {what}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"{text}: must be a finite number")
        if value < low or (above and value == low) or value > high:
            lower = f"above {low:g}" if above else f"at least {low:g}"
            upper = f" and at most {high:g}" if high != float("inf") else ""
            raise argparse.ArgumentTypeError(f"{text}: must be {lower}{upper}")
        return value

    parse.__name__ = kind.__name__
    return parse


SCALE = number(float, 0, 1000, above=True)
SECONDS = number(float, 0, 86_400, above=True)
WIDTH = number(int, 20, 10_000)

SUFFIX = {"chrome": ".json", "svg": ".svg", "txt": ".txt", "cookline": ".jsonl"}
"""``cookline export --format``: each format and the suffix of the file it writes."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line (``cookline: --scale nan: must be …``), exit 2."""

    def error(self, message: str) -> NoReturn:
        import re

        m = re.fullmatch(r"argument ([^:]+): (.*)", message, flags=re.S)
        if m:  # "argument --scale: 0: must be …" → "--scale 0: must be …"
            option = m.group(1).split("/")[-1]
            message = f"{option} {m.group(2)}" if ": " in m.group(2) else f"{option}: {m.group(2)}"
        print(f"cookline: {' '.join(message.split())}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    from scenarios import __version__
    from tui.trace.lanes import VIEWS

    p = _Parser(
        prog="cookline",
        description=(
            "Watch how Python schedules work: coroutines, threads and processes in a kitchen."
        ),
    )
    p.add_argument("--version", action="version", version=f"cookline {__version__}")
    p.add_argument(
        "--lang", choices=("en", "ja"), default="en", help="language of the screen and the output"
    )
    p.add_argument("--scale", type=SCALE, default=1.0, help="durations × scale for the tour's runs")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def lang(sp: argparse.ArgumentParser) -> None:
        # SUPPRESS: a sub-command's --lang is used only when given, else the top-level one
        sp.add_argument("--lang", choices=("en", "ja"), default=argparse.SUPPRESS, help="language")

    def scale(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--scale", type=SCALE, default=1.0, help="durations × scale (default 1)")

    def pin(sp: argparse.ArgumentParser, what: str) -> None:
        sp.add_argument("--cores", type=number(int, 1, 4096), default=None, help=what)

    def printed(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "--headless", action="store_true", help="accepted: this command always prints"
        )

    lst = sub.add_parser("list", help="the kitchen scenarios")
    printed(lst)
    lang(lst)
    lst.add_argument("--width", type=WIDTH, default=None, help="output width")
    lst.add_argument(
        "--params", metavar="ID", help="the parameters one scenario takes (for run --set)"
    )

    def force(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--force", action="store_true", help="replace a file that exists")

    def recorded(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--record", metavar="FILE", help="save the run as a JSON Lines recording")
        force(sp)

    def python(sp: argparse.ArgumentParser, what: str) -> None:
        sp.add_argument(
            "--python",
            metavar="PYTHON",
            help=f"run {what} under another CPython 3.11+ (a path, or e.g. python3.13)",
        )

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument(
            "--headless",
            action="store_true",
            help="print a Gantt and a summary instead of opening the app",
        )
        lang(sp)
        sp.add_argument("--width", type=WIDTH, default=None, help="output width (headless)")
        sp.add_argument(
            "--view",
            choices=VIEWS,
            default=None,
            help="headless: the app's threads, cores or coroutines lanes (default: every actor)",
        )

    run = sub.add_parser("run", help="run a scenario")
    run.add_argument("scenario", help="scenario id (see `cookline list`)")
    scale(run)
    run.add_argument(
        "--set",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="change one of the scenario's parameters (repeatable; `cookline list --params ID`)",
    )
    run.add_argument(
        "--cores", type=number(int, 1, 4096), default=None, help="pin the worker tree to N CPUs"
    )
    recorded(run)
    python(run, "the kitchen")
    run.add_argument("--timeout", type=SECONDS, default=60.0, help="stop the run after S seconds")
    run.add_argument(
        "--stall",
        type=SECONDS,
        default=5.0,
        help="call the run stalled after S quiet seconds (no event, no CPU)",
    )
    common(run)

    cmp = sub.add_parser(
        "compare",
        help="one workload in every model, stacked on one time axis (cpu, io) or over 1-64 cooks",
    )
    cmp.add_argument("workload", choices=("cpu", "io", "cooks"), help="what to compare")
    scale(cmp)
    pin(cmp, "pin every run to N CPUs")
    cmp.add_argument("--record", metavar="FILE", help="save the stacked runs as a recording")
    force(cmp)
    common(cmp)

    tab = sub.add_parser(
        "table",
        help="the 8 kitchens of processes × threads × cores, and threads in C code releasing"
        " the GIL, measured with affinity",
    )
    scale(tab)
    pin(tab, 'give the "all cores" rows N CPUs (the 1-core rows keep one)')
    printed(tab)
    lang(tab)
    tab.add_argument("--width", type=WIDTH, default=None, help="output width")

    exp = sub.add_parser(
        "export",
        help="write a recording as a Chrome trace (Perfetto), an SVG picture, text, or a"
        " recording in the current format (cookline)",
    )
    exp.add_argument("file", help="a recording (or a Chrome trace)")
    exp.add_argument("--format", choices=tuple(SUFFIX), default="chrome")
    exp.add_argument(
        "-o", "--output", help="where to write (default: FILE with the format's suffix)"
    )
    force(exp)
    exp.add_argument(
        "--view",
        choices=VIEWS,
        default=None,
        help="the lanes of one view (svg default: threads; txt default: every actor)",
    )
    exp.add_argument("--width", type=WIDTH, default=120, help="columns (svg, txt)")
    exp.add_argument("--height", type=number(int, 10, 1000), default=36, help="rows (svg)")
    lang(exp)

    pre = sub.add_parser("present", help="a talk: the steps of a deck file, PageDown/PageUp")
    pre.add_argument("deck", help="a deck (TOML) or a bundled deck's name: kitchen-tour")
    pre.add_argument(
        "--replay-only",
        action="store_true",
        help="play each step's bundled recording instead of running it (no busy-laptop risk)",
    )
    pre.add_argument(
        "--allow-outside",
        action="store_true",
        help="let the deck's steps read recordings outside the deck's folder (a deck you trust)",
    )
    lang(pre)

    srv = sub.add_parser("serve", help="the app in a web browser (textual-serve), offline")
    srv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    srv.add_argument("--port", type=number(int, 1, 65535), default=8000, help="port (default 8000)")
    srv.add_argument(
        "--public",
        action="store_true",
        help="allow an address other machines can reach (anyone with the URL drives the app)",
    )
    srv.add_argument(
        "--max-sessions",
        type=number(int, 1, 64),
        default=4,
        help="browser sessions at once, each its own Cookline (default 4)",
    )
    lang(srv)
    scale(srv)

    tr = sub.add_parser(
        "trace",
        help="your own program, unmodified: trace [OPTIONS] script.py ARGS | -m MODULE ARGS",
        usage="cookline trace [OPTIONS] SCRIPT [ARGS ...] | -m MODULE [ARGS ...]",
        description="Trace your own Python program in the same lanes. Cookline's options come"
        " first; everything from the script (or -m MODULE) on is the program's own.",
    )
    recorded(tr)
    python(tr, "the program")
    tr.add_argument(
        "--timeout", type=SECONDS, default=None, help="stop the program after S seconds (no limit)"
    )
    tr.add_argument(
        "--stall",
        type=SECONDS,
        default=5.0,
        help="call it stalled after S seconds with every thread in lock, queue or join waits",
    )
    common(tr)
    tr.add_argument("program", nargs="*", help=argparse.SUPPRESS)

    rep = sub.add_parser("replay", help="show a recording (or a Chrome trace) again")
    rep.add_argument("file", help="a recording made with --record, or a Chrome trace")
    common(rep)
    return p


_TRACE_VALUES = frozenset(
    {"--record", "--python", "--timeout", "--stall", "--lang", "--width", "--view"}
)
_TOP_VALUES = frozenset({"--lang", "--scale"})


def split_trace(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """``cookline [top] trace [options] PROGRAM…`` → (Cookline's words, the program's).

    The program's own arguments may look like Cookline's options (``-m tool --width 3``), so
    they are cut off before argparse sees them: the program starts at the first word that is
    not one of ``trace``'s options (or at ``-m``, or after ``--``)."""
    words = list(argv)
    i = 0
    while i < len(words) and words[i].startswith("-"):
        i += 2 if words[i] in _TOP_VALUES else 1
    if i >= len(words) or words[i] != "trace":
        return words, []
    i += 1
    while i < len(words):
        w = words[i]
        if w == "--":
            return words[:i], words[i + 1 :]
        if w == "-m" or not w.startswith("-"):
            return words[:i], words[i:]
        i += 2 if w in _TRACE_VALUES else 1
    return words, []


def main(argv: Sequence[str] | None = None) -> int:
    mine, program = split_trace(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(mine)
    if args.command == "trace":
        args.program = program
    try:
        if args.command == "list":
            return cmd_list(args)
        commands = {
            "run": cmd_run,
            "replay": cmd_replay,
            "compare": cmd_compare,
            "table": cmd_table,
            "export": cmd_export,
            "present": cmd_present,
            "serve": cmd_serve,
            "trace": cmd_trace,
        }
        return commands.get(args.command, cmd_tour)(args)
    except CliError as exc:
        print(f"cookline: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("cookline: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def _console(args: argparse.Namespace) -> Console:
    from rich.console import Console

    return Console(width=args.width) if args.width else Console()


def cmd_list(args: argparse.Namespace) -> int:
    from rich.table import Table

    from scenarios.kitchen.menu import SCENARIOS
    from tui.report.words import say

    lang = args.lang
    ja = lang == "ja"
    if args.params is not None:
        return _list_params(args, _scenario(args.params), ja)
    table = Table(title="キッチン" if ja else "The kitchen", title_justify="left")
    # an id is a word to copy: never split; the prose columns wrap at word boundaries
    table.add_column("id", no_wrap=True)
    table.add_column(say("title", lang), overflow="fold", ratio=2)
    table.add_column(say("model", lang), no_wrap=True)
    table.add_column(say("bound", lang), no_wrap=True)
    table.add_column(say("lesson", lang), overflow="fold", ratio=3)
    for s in SCENARIOS:
        title, lesson = (s.title_ja, s.lesson_ja) if ja else (s.title, s.lesson)
        table.add_row(s.id, title, say(s.model, lang), say(s.bound, lang), lesson)
    _console(args).print(table)
    return 0


def _check_cores(cores: int | None) -> None:
    """``--cores N`` this machine can give (one line, exit 2, before anything runs)."""
    from scenarios.supervisor.affinity import CoresError, choose_cpus

    try:
        choose_cpus(cores)
    except CoresError as exc:
        raise CliError(str(exc)) from None


def _scenario(sid: str) -> Scenario:
    from scenarios.kitchen.menu import UnknownScenario, get

    try:
        return get(sid)
    except UnknownScenario as exc:
        raise CliError(str(exc)) from None


def _settings(scenario: Scenario, settings: list[str]) -> dict[str, float]:
    """``--set`` values, checked: one line naming the scenario's parameters when wrong."""
    from scenarios.kitchen.params import ParamError, parse

    try:
        return parse(scenario, settings)
    except ParamError as exc:
        raise CliError(f"--set {exc}") from None


def _list_params(args: argparse.Namespace, scenario: Scenario, ja: bool) -> int:
    from rich.table import Table

    from scenarios.kitchen.params import declared
    from tui.report.words import say

    table = Table(title=f"{scenario.id}: {scenario.title_ja if ja else scenario.title}")
    lang = "ja" if ja else "en"
    for col in ("name", "type", "default", "bounds"):
        table.add_column(say(col, lang), no_wrap=True)
    table.add_column(say("meaning", lang), overflow="fold")
    for p, default in declared(scenario):
        shown = f"{int(default):,}" if p.kind is int else f"{default:g}"
        table.add_row(p.name, p.kind.__name__, shown, p.bounds(), p.meaning_ja if ja else p.meaning)
    table.add_row("scale", "float", "1", "above 0 – 1000", say("durations × scale (--scale)", lang))
    _console(args).print(table)
    print(f"cookline run {scenario.id} --set NAME=VALUE …")
    return 0


def _run_app(**kwargs: object) -> int:
    """Open the Textual app; helpers start first, so spawning from inside it works."""
    import multiprocessing.resource_tracker

    # Spawning from a running Textual app fails with "bad value(s) in fds_to_keep" unless the
    # resource tracker already runs (README, "Measured here").
    multiprocessing.resource_tracker.ensure_running()
    from tui.app.cookline import CooklineApp

    app = CooklineApp(**kwargs)  # type: ignore[arg-type]
    app.run()
    for note in app.exit_notes:  # the terminal is back: say where the run was kept
        print(f"cookline: {note}")
    return app.return_code or 0


def cmd_tour(args: argparse.Namespace) -> int:
    return _run_app(lang=args.lang, scale=args.scale)


def cmd_run(args: argparse.Namespace) -> int:
    from tui.runs import session

    scenario = _scenario(args.scenario)
    settings = _settings(scenario, args.set)
    _check_cores(args.cores)
    python = _interpreter(args.python)
    if args.record:
        _check_writable(args.record, force=args.force)
    if not args.headless:
        from tui.app.sources import LiveSpec

        spec = LiveSpec(
            scenario.id,
            args.scale,
            args.cores,
            args.timeout,
            args.stall,
            args.record,
            python,
            settings,
        )
        return _run_app(live=spec, lang=args.lang)
    run, store = session.start(
        scenario,
        {**settings, "scale": args.scale},
        cores=args.cores,
        timeout=args.timeout,
        stall_after=args.stall,
        python=python,
    )
    result = _headless(args, run, store, f"running {scenario.id}…")
    return 0 if result.ok else 1


def _interpreter(name: str | None) -> Interpreter | None:
    """``--python NAME``, asked what it is; refused in one line unless CPython 3.11+."""
    if not name:
        return None
    from scenarios.supervisor.interpreter import InterpreterError, find

    try:
        return find(name)
    except InterpreterError as exc:
        raise CliError(str(exc)) from None


def cmd_trace(args: argparse.Namespace) -> int:
    from scenarios.supervisor.traced import Program, check_program
    from tui.runs import session

    problem = check_program(args.program)
    if problem:
        raise CliError(problem)
    python = _interpreter(args.python)
    if args.record:
        _check_writable(args.record, force=args.force)
    program = Program(
        tuple(args.program), python, args.timeout, args.stall, passthrough=args.headless
    )
    if not args.headless:
        from tui.app.sources import TraceSpec

        return _run_app(live=TraceSpec(program, args.record), lang=args.lang)
    run, store = session.start_trace(program)
    result = _headless(args, run, store, None)
    if result.ok:
        return 0
    code = result.exit_code
    return code if code is not None and 0 < code < 126 else 1


def _headless(
    args: argparse.Namespace, run: Run | TraceRun, store: TraceStore, status: str | None
) -> RunResult:
    """Watch a started run to its end in the terminal (``--record`` as it goes; Ctrl-C and
    SIGTERM stop it, and what it measured is kept), then print it. ``status``: a spinner line
    (None: the program's own output has the terminal)."""
    import contextlib
    import signal

    from tui.formats import disk
    from tui.report import headless
    from tui.runs import session

    console = _console(args)
    recorder = None
    if args.record:
        try:
            recorder = session.Recorder(store, args.record)
        except disk.FileError as exc:
            run.stop("could not record")
            run.wait()
            raise CliError(str(exc)) from None

    def terminated(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # SIGTERM ends the run as Ctrl-C does: stopped, recorded

    previous = signal.signal(signal.SIGTERM, terminated)
    spinner = console.status(status, spinner="dots") if status else contextlib.nullcontext()
    try:
        with spinner:
            while run.wait(0.2) is None:
                pass
    except KeyboardInterrupt:
        run.stop("stopped by the user (Ctrl-C or SIGTERM)")
        run.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
    result = run.result
    assert result is not None
    if recorder is not None:
        _saving(recorder.finish)
        console.print(f"recorded {store.events} events to {args.record}", markup=False, style="dim")
    headless.show(store, console, args.lang, args.view)
    return result


def _check_writable(
    path: str, option: str = "--record", *, force: bool, inputs: tuple[str, ...] = ()
) -> None:
    """Before any work: a target that cannot be written, or would be replaced unasked."""
    from tui.formats import disk

    try:
        disk.check_target(path, option, force=force, inputs=inputs)
    except disk.FileError as exc:
        raise CliError(str(exc)) from None


def _saving(save: Callable[..., object], *args: object, **kwargs: object) -> None:
    """A save whose failure (full disk, no permission) is one line, exit 2, the old file whole."""
    from tui.formats import disk

    try:
        save(*args, **kwargs)
    except disk.FileError as exc:
        raise CliError(str(exc)) from None


SHOW_LOADING = 32 << 20
"""A file this large shows how far its reading has got (a gigabyte of trace takes a minute)."""


def _open(path: str) -> TraceStore:
    """A recording or a Chrome trace, as a store; bad input is one line and status 2.

    A large file shows a progress bar on stderr while it loads (when stderr is a terminal),
    gone once the file is open."""
    import os

    from tui import formats

    try:
        big = os.stat(path).st_size >= SHOW_LOADING
    except (OSError, ValueError):
        big = False  # the loader says what is wrong with it
    try:
        if not (big and sys.stderr.isatty()):
            return formats.load(path)
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        bar = Progress(
            TextColumn(f"reading {os.path.basename(path)}"),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        task = bar.add_task("read", total=None)
        with bar:
            return formats.load(
                path, lambda done, size: bar.update(task, completed=done, total=size)
            )
    except formats.RecordingError as exc:
        raise CliError(str(exc)) from None


def cmd_present(args: argparse.Namespace) -> int:
    from tui.formats import deck

    try:
        d = deck.load(deck.find(args.deck), outside=args.allow_outside)
    except deck.DeckError as exc:
        raise CliError(str(exc)) from None
    if args.replay_only:
        missing = [str(p) for s in d.steps if (p := s.source(True)) is not None and not p.is_file()]
        if missing:
            raise CliError(f"--replay-only: no recording {missing[0]}")
    return _run_app(deck=d, replay_only=args.replay_only, lang=args.lang)


def cmd_serve(args: argparse.Namespace) -> int:
    from tui.app import serve

    try:
        serve.check_bind(args.host, args.port)
    except serve.ServeError as exc:
        raise CliError(str(exc)) from None
    if not serve.is_loopback(args.host):
        if not args.public:
            raise CliError(
                f"--host {args.host}: reachable from other machines; add --public if that is"
                " what you want (anyone with the printed URL can drive Cookline)"
            )
        print(
            f"cookline: warning: serving on {args.host}, reachable from other machines:"
            " anyone with the URL below can drive Cookline",
            file=sys.stderr,
            flush=True,
        )
    serve.serve(
        args.host,
        args.port,
        args.lang,
        args.scale,
        max_sessions=args.max_sessions,
        announce=lambda line: print(line, flush=True),
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    store = _open(args.file)
    out = args.output or str(Path(args.file).with_suffix(SUFFIX[args.format]))
    _check_writable(out, "--output", force=args.force, inputs=(args.file,))
    if args.format == "chrome":
        from tui.formats import chrome_export

        _saving(chrome_export.save, store, out)
    elif args.format == "cookline":
        from tui.formats import recording

        _saving(recording.save, store, out)
    elif args.format == "txt":
        from tui.formats import disk
        from tui.report import headless

        _saving(disk.write_text, out, headless.text(store, args.width, args.lang, args.view))
    else:
        from tui.app import screenshot

        _saving(
            screenshot.save,
            store,
            out,
            width=args.width,
            height=args.height,
            view=args.view or "threads",
            lang=args.lang,
        )
    print(f"wrote {out}", flush=True)
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    from tui.report import headless

    store = _open(args.file)
    if not args.headless:
        return _run_app(replay=store, lang=args.lang)
    headless.show(store, _console(args), args.lang, args.view)
    return 0


def _series(
    args: argparse.Namespace, plan: list[verdict.Plan], console: Console
) -> list[verdict.Measured]:
    """Run a series with a status line that says which run of how many is going."""
    from tui.runs import verdict

    status = console.status("starting…", spinner="dots")
    with status:

        def progress(done: int, total: int, label: str) -> None:
            status.update(f"run {done + 1} of {total}: {label}…")

        entries = verdict.run_series(plan, progress=progress)
    failed = [e for e in entries if not e.result.ok]
    if failed:
        e = failed[0]
        raise CliError(f"{e.label}: {e.result.outcome}: {e.result.message}", code=1)
    return entries


def cmd_compare(args: argparse.Namespace) -> int:
    from tui.report import headless
    from tui.runs import verdict

    console = _console(args)
    if args.record:
        _check_writable(args.record, force=args.force)
    _check_cores(args.cores)
    entries = _series(args, verdict.compare_plan(args.workload, args.scale, args.cores), console)
    merged = verdict.merge(args.workload, entries)
    if args.record:
        from tui.formats import recording

        _saving(recording.save, merged, args.record)
        console.print(
            f"recorded {merged.events} events to {args.record}", markup=False, style="dim"
        )
    if not args.headless:
        console.print(verdict.compare_table(args.workload, entries, args.lang))
        return _run_app(replay=merged, lang=args.lang, autoplay=False)
    headless.show(merged, console, args.lang, args.view)
    console.print(verdict.compare_table(args.workload, entries, args.lang))
    return 0


def cmd_table(args: argparse.Namespace) -> int:
    from tui.runs import verdict

    console = _console(args)
    _check_cores(args.cores)
    entries = _series(args, verdict.table_plan(args.scale, args.cores), console)
    console.print(verdict.table_view(verdict.table_rows(entries), args.lang))
    return 0


def entry() -> None:
    """The console script: exit with main's status."""
    sys.exit(main())
