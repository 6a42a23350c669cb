"""The Textual app: the tour, and run screens shown from a source (a live run, a recording).

The app takes what it shows in its constructor (a run to start, a store to replay or a source,
the clock and the machine-load reader), so tests drive it with recordings or hand-fed stores, a
pinned clock and fixed load.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import Hit, Hits, Provider
from textual.screen import Screen

from scenarios.kitchen.menu import SCENARIOS
from tui import formats
from tui.app.load import LoadSource, machine_load
from tui.app.messages import BackToTour, LanguageChanged, RunScenario
from tui.app.screens.run import RunScreen
from tui.app.screens.tour import TourScreen
from tui.app.sources import Host, LiveSpec, Replay, Source, TraceSpec
from tui.formats.deck import Deck
from tui.trace.store import TraceStore

__all__ = ["CooklineApp"]


class ScenarioCommands(Provider):
    """Every scenario in the command palette: "Run one-knife — Cooks sharing one knife"."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        app = self.app
        assert isinstance(app, CooklineApp)
        ja = app.lang == "ja"
        for s in SCENARIOS:
            text = f"{'実行' if ja else 'Run'} {s.id} — {s.title_ja if ja else s.title}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(app.run_scenario, s.id),
                    help=s.lesson_ja if ja else s.lesson,
                )


class CooklineApp(App[int]):
    CSS_PATH = "cookline.tcss"
    TITLE = "Cookline"
    COMMANDS = App.COMMANDS | {ScenarioCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        # A presenter's clicker sends Page Down / Page Up; only when presenting a deck, and
        # before the chart's own paging (priority): a long chart must not swallow "next step"
        Binding("pagedown", "deck(1)", "Next step", key_display="PgDn", priority=True),
        Binding("pageup", "deck(-1)", "Previous step", key_display="PgUp", priority=True),
    ]

    def __init__(
        self,
        *,
        live: LiveSpec | TraceSpec | None = None,
        replay: TraceStore | None = None,
        source: Source | None = None,
        clock: Callable[[], int] = time.monotonic_ns,
        load: LoadSource = machine_load,
        autoplay: bool = True,
        lang: str = "en",
        scale: float = 1.0,
        deck: Deck | None = None,
        replay_only: bool = False,
    ) -> None:
        super().__init__()
        self.deck = deck
        self.replay_only = replay_only
        self.step = 0
        self.live = live
        self.first: Source | None = Replay(replay) if replay is not None else source
        """What the first screen shows (a replay, or a source fed by a test or a benchmark)."""
        self.exit_notes: list[str] = []
        """Lines to print once the terminal is back (where a run was recorded)."""
        self.host = Host(clock, load, self.exit_notes.append)
        self.sources: list[Source] = []
        """Every source the app showed, so a closed terminal stops them all."""
        self.autoplay = autoplay
        self.lang = lang
        self.scale = scale
        """The tour's runs use this scale."""

    def get_default_screen(self) -> Screen[Any]:
        # The first screen the user sees is the app's bottom screen, not one pushed over an
        # empty default: measured, that spared a whole frame before the first one that counts.
        if self.first is not None:
            return self._screen(self.first, autoplay=self.autoplay, lang=self.lang)
        if self.live is not None or self.deck is not None:
            return Screen(id="_default")  # runs start once the app is up: see on_mount
        return TourScreen(self.lang)

    def on_mount(self) -> None:
        # a terminal closed or a `kill`: quit as `q` does, so the terminal is given back
        # (alternate screen off, mouse reporting off) and the worker tree is stopped
        loop = asyncio.get_running_loop()
        handlers = ((signal.SIGTERM, self.exit), (signal.SIGHUP, self._terminal_gone))
        for sig, handler in handlers:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, handler)  # fails off the main thread: fine
        if self.live is not None:
            self._start(self.live)
        elif self.deck is not None:
            self.show_step(0)

    def _terminal_gone(self) -> None:
        """SIGHUP: the terminal is gone, so there is nothing to give back. Textual's own exit
        then blocks for ever writing to it (seen: the app and its resource tracker left behind
        after `tmux kill-server`), so stop the worker trees, keep what was recorded, and leave."""
        for source in self.sources:
            source.stop("the terminal was closed")
        os._exit(128 + signal.SIGHUP)

    def _screen(self, source: Source, **options: Any) -> RunScreen:
        """A run screen for ``source``, lent the app's clock, load reader and notes."""
        self.sources.append(source)
        return RunScreen(source, self.host, **options)

    # -- present mode -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "deck":
            return self.deck is not None
        return True

    def action_deck(self, by: int) -> None:
        assert self.deck is not None
        k = self.step + by
        if not 0 <= k < len(self.deck.steps):
            self.bell()
            where = "last" if by > 0 else "first"
            self.notify(f"the {where} step of the deck ({self.step + 1}/{len(self.deck.steps)})")
            return
        self.show_step(k)

    def show_step(self, k: int) -> None:
        """Step ``k`` of the deck: its recording, or its scenario started now."""
        assert self.deck is not None
        self.step = k
        step = self.deck.steps[k]
        d = self.deck
        where = f"{k + 1}/{len(d.steps)}"
        caption = (
            f"{d.title} · {where} · {step.title}",
            f"{d.title_ja or d.title} · {where} · {step.title_ja or step.title}",
        )
        path = step.source(self.replay_only)
        try:
            if path is not None:
                source: Source = Replay(formats.load(path))
            else:
                assert step.scenario is not None
                source = LiveSpec(
                    step.scenario, step.scale, step.cores, settings=dict(step.settings)
                ).start()
            screen = self._screen(
                source,
                autoplay=self.autoplay,
                lang=self.lang,
                caption=caption,
                present=True,
                view=step.view,
            )
        except Exception as exc:  # shown, and the talk goes on
            self.notify(f"step {k + 1}: {exc}", severity="error", markup=False)
            return
        if isinstance(self.screen, RunScreen):
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def show_tour(self) -> None:
        """Back from a run to the tour: the one on the stack, or a new one on top.

        The app's first screen was never pushed, so it cannot be switched away (Textual keeps
        no result callback for it): a run that started the app stays at the bottom, stopped.
        """
        while len(self.screen_stack) > 1 and not isinstance(self.screen, TourScreen):
            self.pop_screen()
        if not isinstance(self.screen, TourScreen):
            self.push_screen(TourScreen(self.lang))
        elif self.screen.lang != self.lang:
            self.screen.action_language()

    def _start(self, spec: LiveSpec | TraceSpec) -> None:
        try:
            source = spec.start()
        except Exception as exc:  # shown, and the app goes on
            self.notify(f"could not start {spec.name}: {exc}", severity="error", markup=False)
            return
        self.push_screen(self._screen(source, lang=self.lang))

    def run_scenario(self, scenario_id: str, settings: dict[str, float] | None = None) -> None:
        live = self.live
        base = live if isinstance(live, LiveSpec) else LiveSpec(scenario_id, scale=self.scale)
        spec = LiveSpec(
            scenario_id,
            base.scale,
            base.cores,
            base.timeout,
            base.stall,
            None,
            base.python,
            settings or {},
        )
        self.show_tour()
        self._start(spec)

    def on_run_scenario(self, message: RunScenario) -> None:
        self.run_scenario(message.scenario_id, message.settings)

    def on_back_to_tour(self, message: BackToTour) -> None:
        self.show_tour()

    def on_language_changed(self, message: LanguageChanged) -> None:
        self.lang = message.lang
