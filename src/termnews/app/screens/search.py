"""Search on the main screen: saved searches as sections, mute rules, "save this search".

The main screen mixes in :class:`SearchMixin`; its state (the saved searches and
their badges, the "show muted" toggle) and actions live here so the screen's own
module only calls a few hooks: ``with_saved_sections`` when sections load,
``count_saved_searches`` after, ``saved_query_for`` when it builds its headline
query, and ``report_mute_problems`` (or ``sync_mute_at_start``) once.

Saved-search badges are counted in a worker after the section list is shown:
start-up never waits for them (10 saved searches take ~60 ms at 100,000 articles,
benchmarks/SEARCH.md). A burst of reloads (reading article after article)
coalesces into one count.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, ClassVar, cast

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from termnews.app.search_views import (
    count_saved,
    load_saved,
    saved_name,
    saved_section,
    saved_sections,
    scoped_text,
)
from termnews.app.widgets.search_bar import SearchBar
from termnews.core.errors import QueryError
from termnews.core.models import Section
from termnews.core.search import (
    FILTERS,
    SavedCount,
    SavedSearch,
    delete_saved_search,
    parse_query,
    save_search,
)
from termnews.core.search.mute import compile_rules, sync_mute_rules
from termnews.core.store import Store
from termnews.core.text import clean_line

if TYPE_CHECKING:
    from termnews.app.screens.main import MainScreen

COUNT_DELAY_S = 0.4
"""Badges are recounted this long after the last section reload (bursts coalesce)."""


SYNTAX: tuple[tuple[str, str], ...] = (
    ("climate policy", "both words, in the title, summary or text (word forms too)"),
    ('"sea level"', "the words together, in this order"),
    ("rust OR golang", "either one"),
    ("-sponsored  NOT ad", "without this word or phrase (or filter: -feed:x)"),
    ("elect*", "words starting with elect (4 letters at least)"),
)
"""The query language without its filters, for the help screen."""


def search_reference() -> Table:
    """The query language as a table for the help screen (generated from FILTERS)."""
    table = Table.grid(padding=(0, 2), expand=True)
    table.add_column(no_wrap=True, width=24)
    table.add_column(ratio=1)
    for example, meaning in SYNTAX:
        table.add_row(Text(example, style="bold"), Text(meaning))
    for key, example in FILTERS.items():
        shown, _, note = example.partition("  ")
        table.add_row(Text(f"{key}:", style="bold"), Text(f"{shown} {note}".strip()))
    table.add_row(
        Text("S / D / M", style="bold"),
        Text("save the search as a section / forget a saved one / show muted articles"),
    )
    return table


class SaveSearchScreen(ModalScreen[str | None]):
    """Ask for a saved search's name; returns it, or None if cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, query: str, name: str = "") -> None:
        super().__init__()
        self.query_text = query
        self.suggested = name

    def compose(self) -> ComposeResult:
        with Vertical(id="save-search-box"):
            yield Static(Content.styled("Save this search", "bold"))
            yield Static(Content(clean_line(self.query_text)), id="save-search-query")
            yield Input(
                value=self.suggested, placeholder="name in the section list", id="save-search-name"
            )
            yield Static(
                Content("Enter saves it as a section; Esc cancels."), id="save-search-keys"
            )

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = clean_line(event.value)
        if name:
            self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)


class SearchMixin:
    """Saved searches, mute rules and the "show muted" toggle for the main screen."""

    show_muted: bool = False
    """List articles hidden by mute rules too."""
    _saved: tuple[SavedSearch, ...] = ()
    _saved_counts: Mapping[str, SavedCount] = MappingProxyType({})
    """The badges last counted (shown until the next count arrives)."""

    @property
    def _screen(self) -> MainScreen:
        return cast("MainScreen", self)

    # ------------------------------------------------------------ hooks

    def saved_query_for(self, section: str) -> str:
        """The query of the saved search shown as ``section`` ('' for a real section)."""
        name = saved_name(section)
        if name is None:
            return ""
        return next((s.query for s in self._saved if s.name == name), "")

    def load_saved(self, store: Store) -> list[SavedSearch]:
        """Saved searches (config + cache); runs on the store thread with the sections."""
        return load_saved(store, self._screen.tn.config.search.saved)

    def with_saved_sections(
        self, sections: list[Section], saved: list[SavedSearch]
    ) -> list[Section]:
        """``sections`` followed by the saved searches, with their last known badges."""
        self._saved = tuple(saved)
        return sections + saved_sections(saved, self._saved_counts)

    @work(exclusive=True, group="saved-counts", exit_on_error=False)
    async def count_saved_searches(self) -> None:
        """Recount the saved searches' badges in the background, then relabel them."""
        if not self._saved:
            return  # nothing to count: do not hold a worker open for the delay
        await asyncio.sleep(COUNT_DELAY_S)
        saved = self._saved
        if not saved:
            return
        screen = self._screen
        numbers = await screen.tn.store_thread.call(lambda s: count_saved(s, saved))
        self._saved_counts = numbers
        pane = screen.sections_pane
        real = [s for s in pane.sections if saved_name(s.name) is None]
        pane.set_data(real + saved_sections(saved, numbers), pane.feeds)
        screen._update_unread()

    def report_mute_problems(self) -> None:
        """Say which mute rules in the config cannot be used (one line each)."""
        screen = self._screen
        for problem in compile_rules(screen.tn.config.search.mute)[1]:
            screen.notify(clean_line(problem), severity="warning", timeout=10)

    @work(group="mute-sync", exit_on_error=False)
    async def sync_mute_at_start(self) -> None:
        """Apply changed mute rules once at start-up (cheap when nothing changed).

        Only when the first screen was not prefetched: the prefetch brings the rules
        up to date itself before it counts (app/first_screen.py).
        """
        screen = self._screen
        config = screen.tn.config
        self.report_mute_problems()
        report = await screen.tn.store_thread.call(lambda s: sync_mute_rules(s, config))
        if report.muted or report.unmuted or report.marked_read:
            screen.reload_sections()
            screen.reload_headlines(keep_place=True)

    # ---------------------------------------------------------- actions

    def action_toggle_show_muted(self) -> None:
        """Show or hide the articles mute rules hide."""
        screen = self._screen
        self.show_muted = not self.show_muted
        screen.notify("Showing muted articles too" if self.show_muted else "Hiding muted articles")
        screen.reload_headlines(keep_place=True)

    def action_save_search(self) -> None:
        """Ask for a name and keep the current search as a saved search."""
        screen = self._screen
        text = screen.filter_text.strip()
        if not text:
            screen.notify("Search first: press / and type a query, then save it.")
            return
        view = screen.view_
        query = scoped_text(
            text, view.section, view.feed_title if view.feed_id is not None else None,
            self.saved_query_for(view.section),
        )  # fmt: skip
        try:
            parse_query(query)
        except QueryError as exc:
            screen.notify(clean_line(str(exc)), severity="warning")
            return

        def chosen(name: str | None) -> None:
            if name:
                self._save(name, query)

        screen.app.push_screen(SaveSearchScreen(query, text[:40]), chosen)

    @work(group="actions", exit_on_error=False)
    async def _save(self, name: str, query: str) -> None:
        screen = self._screen
        try:
            saved = await screen.tn.store_thread.call(lambda s: save_search(s, name, query))
        except QueryError as exc:
            screen.notify(clean_line(str(exc)), severity="warning")
            return
        if saved.name in screen.tn.config.search.saved:
            screen.notify(
                f"The config file already has a saved search {saved.name!r}; it wins.",
                severity="warning",
            )
        screen.filter_text = ""
        screen.status.filter_text = ""
        screen.query_one(SearchBar).close(cleared=True)
        await screen._reload_sections()
        from termnews.app.widgets.section_list import View

        screen.show_view(View(saved_section(saved.name)), focus_headlines=True)
        screen.notify(f"Saved search {clean_line(saved.name)!r} is now in the section list.")

    def action_forget_search(self) -> None:
        """Delete the saved search on screen (one saved from here, not from the config)."""
        screen = self._screen
        name = saved_name(screen.view_.section)
        if name is None:
            screen.notify("Go to a saved search in the section list to forget it.")
            return
        if name in screen.tn.config.search.saved:
            path = screen.tn.config_path
            screen.notify(f"{clean_line(name)!r} is in the config file ({path}); remove it there.")
            return
        from termnews.app.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self._forget(name)

        screen.app.push_screen(ConfirmScreen(f"Forget the saved search {name!r}?"), answered)

    @work(group="actions", exit_on_error=False)
    async def _forget(self, name: str) -> None:
        screen = self._screen
        await screen.tn.store_thread.call(lambda s: delete_saved_search(s, name))
        await screen._reload_sections()
        from termnews.app.widgets.section_list import View

        screen.show_view(View("All"))
        screen.notify(f"Forgot the saved search {clean_line(name)!r}.")
