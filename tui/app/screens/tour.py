"""The guided tour: the kitchen's scenarios grouped by lesson; Enter runs one live."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from scenarios.kitchen.menu import BY_ID, GROUPS_JA, SCENARIOS
from scenarios.kitchen.params import ParamError, declared, parse
from tui.app.messages import LanguageChanged, RunScenario
from tui.app.widgets.key_bar import KeyBar
from tui.report.words import say


def _groups() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for s in SCENARIOS:
        out.setdefault(s.group, []).append(s.id)
    return out


SET_HINT = "NAME=VALUE …, Enter to keep, Esc to leave"
"""What the settings field says while empty."""


class TourScreen(Screen[None]):
    """Pick a kitchen; the panel on the right tells its story before it runs."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "run", "Run", show=True),
        Binding("s", "settings", "Set parameters"),
        Binding("l", "language", "日本語/EN"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, lang: str = "en") -> None:
        super().__init__()
        self.lang = lang
        self.settings: dict[str, dict[str, float]] = {}
        """Per scenario, the parameters changed with ``s`` (kept while the app runs)."""
        self._problem = ""
        """The last setting refused, said under the parameters."""

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="tour-title")
        with Horizontal(id="tour-body"):
            yield OptionList(*self._options(), id="tour-list")
            with Vertical(id="tour-side"):
                yield Static(id="tour-story")
                yield Input(id="tour-set", placeholder=say(SET_HINT, self.lang))
        yield KeyBar()

    def _title(self) -> Text:
        t = Text(" Cookline ", style="bold reverse")
        t.append(
            "  "
            + say(
                "process = kitchen · thread = cook · asyncio = one cook, many dishes"
                " · GIL = the one knife",
                self.lang,
            ),
            style="dim",
        )
        return t

    def on_resize(self) -> None:
        self.set_class(self.size.width < 60, "-narrow")

    def _options(self) -> list[Option | None]:
        out: list[Option | None] = []
        for group, ids in _groups().items():
            if out:
                out.append(None)
            heading = GROUPS_JA.get(group, group) if self.lang == "ja" else group.upper()
            out.append(Option(Text(heading, style="bold"), disabled=True))
            for sid in ids:
                s = BY_ID[sid]
                title = s.title_ja if self.lang == "ja" else s.title
                # one line an item, cut with an ellipsis: a wrapped id lost its indent
                prompt = Text.assemble(
                    ("  " + title, "bold"), (f"  {s.id}", "dim"), no_wrap=True, overflow="ellipsis"
                )
                out.append(Option(prompt, id=sid))
        return out

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        ol.focus()
        ol.highlighted = next(i for i, o in enumerate(ol.options) if not o.disabled)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        ol = self.query_one(OptionList)
        first = next(i for i, o in enumerate(ol.options) if not o.disabled)
        if event.option_index == first:  # Home: the first group's heading stays in view
            self.call_after_refresh(ol.scroll_home, animate=False)
        if event.option.id:
            self._problem = ""
            self.query_one("#tour-story", Static).update(self._story(event.option.id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.post_message(RunScenario(event.option.id, self.settings.get(event.option.id, {})))

    def _highlighted(self) -> str | None:
        ol = self.query_one(OptionList)
        if ol.highlighted is None:
            return None
        return ol.get_option_at_index(ol.highlighted).id

    def action_run(self) -> None:
        sid = self._highlighted()
        if sid:
            self.post_message(RunScenario(sid, self.settings.get(sid, {})))

    def action_settings(self) -> None:
        """Type the parameters to change (``cooks=8 work_ms=500``), checked as ``--set`` is."""
        sid = self._highlighted()
        if not sid or not BY_ID[sid].params or self.has_class("-narrow"):
            return  # a narrow terminal has no story panel to type in
        field = self.query_one("#tour-set", Input)
        field.value = " ".join(f"{k}={v:g}" for k, v in self.settings.get(sid, {}).items())
        field.add_class("-open")
        field.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        sid = self._highlighted()
        if sid is None:
            return
        try:
            self.settings[sid] = parse(BY_ID[sid], event.value.split())
            self._problem = ""
            self._close_settings()
        except ParamError as exc:
            self._problem = str(exc)
        self.query_one("#tour-story", Static).update(self._story(sid))

    def key_escape(self) -> None:
        if self.query_one("#tour-set", Input).has_class("-open"):
            self._close_settings()

    def _close_settings(self) -> None:
        field = self.query_one("#tour-set", Input)
        field.remove_class("-open")
        self.query_one(OptionList).focus()

    def _story(self, sid: str) -> Text:
        s = BY_ID[sid]
        ja = self.lang == "ja"
        t = Text()
        t.append(f"{s.title_ja if ja else s.title}\n\n", style="bold")
        t.append(f"{s.analogy_ja if ja else s.analogy}\n\n")
        lang = self.lang
        t.append(f"{say('model', lang)} ", style="dim")
        t.append(f"{say(s.model, lang)}   ")
        t.append(f"{say('bound', lang)} ", style="dim")
        t.append(f"{say(s.bound, lang)}\n\n")
        t.append(f"{say('lesson', lang)} ", style="dim")
        t.append(f"{s.lesson_ja if ja and s.lesson_ja else s.lesson}\n\n")
        changed = self.settings.get(sid, {})
        if s.params:
            t.append(say("parameters", lang), style="dim")
            t.append(say("  s to change", lang) + "\n", style="dim italic")
            for p, default in declared(s):
                value = changed.get(p.name, default)
                shown = f"{value:g}"
                t.append(f"  {p.name} ", style="dim")
                t.append(shown, style="bold" if p.name in changed else "")
                t.append(f"  {p.bounds()}  {p.meaning_ja if ja else p.meaning}\n", style="dim")
            t.append("\n")
        if self._problem:
            t.append(f"{self._problem}\n\n", style="bold red")
        sets = "".join(f" --set {k}={v:g}" for k, v in changed.items())
        t.append(f"cookline run {s.id}{sets}", style="italic dim")
        return t

    def action_language(self) -> None:
        self.lang = "ja" if self.lang == "en" else "en"
        self.post_message(LanguageChanged(self.lang))
        self.query_one("#tour-title", Static).update(self._title())
        self.query_one("#tour-set", Input).placeholder = say(SET_HINT, self.lang)
        self.refresh_bindings()
        ol = self.query_one(OptionList)
        at = ol.highlighted
        ol.clear_options()
        ol.add_options(self._options())
        ol.highlighted = at

    def action_help(self) -> None:
        if self.app.screen.query("HelpPanel"):
            self.app.action_hide_help_panel()
        else:
            self.app.action_show_help_panel()
