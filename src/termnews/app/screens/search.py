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
from typing import TYPE_CHECKING, cast

from textual import work

from termnews.app.feed_names import shown_name
from termnews.app.search_views import (
    count_saved,
    load_saved,
    saved_name,
    saved_section,
    saved_sections,
    scoped_text,
)
from termnews.core.errors import QueryError
from termnews.core.models import Section
from termnews.core.search.mute import compile_rules, sync_mute_rules
from termnews.core.text import clean_line

if TYPE_CHECKING:
    from termnews.app.screens.main import MainScreen
    from termnews.core.search import SavedCount, SavedSearch
    from termnews.core.store import Store

# The query engine, the search bar and the "save this search" dialog are imported
# where they are used: the reader's first screen needs none of them (issue 8).

COUNT_DELAY_S = 0.4
"""Badges are recounted this long after the last section reload (bursts coalesce)."""


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
        if not screen.tn.config.search.mute and not self.show_muted:
            # "Showing muted articles too" with no rule: as if something had been hidden.
            screen.notify("No mute rules are set ([search] mute in the config): nothing is hidden.")
            return
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
        from termnews.app.screens.save_search import SaveSearchScreen
        from termnews.core.search import parse_query

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
        from termnews.core.search import save_search

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
        screen.close_search(cleared=True)
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

        question = f"Forget the saved search '{shown_name(name)}'?"
        screen.app.push_screen(ConfirmScreen(question), answered)

    @work(group="actions", exit_on_error=False)
    async def _forget(self, name: str) -> None:
        from termnews.core.search import delete_saved_search

        screen = self._screen
        await screen.tn.store_thread.call(lambda s: delete_saved_search(s, name))
        await screen._reload_sections()
        from termnews.app.widgets.section_list import View

        screen.show_view(View("All"))
        screen.notify(f"Forgot the saved search {clean_line(name)!r}.")
