"""Managing feeds from the reader: add, details, rename, move, full text, unsubscribe.

The main screen mixes in :class:`FeedActionsMixin` (as it does
:class:`~termnews.app.screens.search.SearchMixin`; ``self._screen`` is the
:class:`~termnews.app.screens.main.MainScreen`): the screen's module holds the reading
and the lists, this one what changes subscriptions. Slow work runs off the event loop:
``termnews add`` in a child process (:mod:`termnews.app.subscribe_process`), a move or
an unsubscribe (which rewrite every article of the feed) in a thread with its own
connection, the rest on the store thread.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar, cast

from textual import work

from termnews.app.feed_names import feed_name, shown_name
from termnews.app.widgets.section_list import View
from termnews.core.errors import NotFoundError
from termnews.core.models import Feed, VirtualSection
from termnews.core.text import clean_line, plural

if TYPE_CHECKING:
    from collections.abc import Callable

    from termnews.app.screens.main import MainScreen
    from termnews.app.subscribe_process import Added
    from termnews.core.store import Store

T = TypeVar("T")
ALL = View(VirtualSection.ALL.value)


def _removal_note(cached: int, starred: int) -> str:
    """What unsubscribing takes with it, as ``termnews remove`` counts it (every cached
    article of the feed, starred ones included), for the question before it."""
    if cached == 0:
        return "It has no cached articles."
    verb = "goes" if cached == 1 else "go"
    note = f"Its {plural(cached, 'cached article')} {verb} too"
    if starred == 1:
        note += ", the starred one included"
    elif starred > 1:
        note += f", {starred} starred ones included"
    return note + "."


class FeedActionsMixin:
    """The feed-managing keys' actions, for :class:`~termnews.app.screens.main.MainScreen`."""

    @property
    def _screen(self) -> MainScreen:
        return cast("MainScreen", self)

    def action_add_feed(self) -> None:
        """Subscribe from the reader (:mod:`termnews.app.screens.add_feed`)."""
        screen = self._screen
        from termnews.app.screens.add_feed import AddFeedScreen

        home = screen.tn.home
        note = None
        if home is not None:
            note = (
                f"The demo's cache is thrown away: the feed goes into your own"
                f" ({home.data_dir}), and the reader reopens there."
            )
        target = home or screen.tn.locations
        sections = [] if home is not None else sorted({f.section for f in screen.feeds})
        config_file = target.config_file if home is not None else screen.tn.config_path
        dialog = AddFeedScreen(target.data_dir, config_file, sections, note, screen.tn.offline)
        screen.app.push_screen(dialog, screen._added)

    def _added(self, added: Added | None) -> None:
        screen = self._screen
        if added is None:
            return
        home = screen.tn.home
        if home is not None:  # into the user's own cache: reopen the reader there, on it
            from termnews.app.state import load_state, save_state

            first = added.feeds[0]
            state = replace(load_state(home.state_file), section=first.section)
            state = replace(state, feed_id=first.id, article_id=None, theme=screen.app.theme)
            save_state(home.state_file, state)
            screen.tn.reopen_home = True
            screen.app.exit()
            return
        screen._show_added(added)

    @work(group="actions", exit_on_error=False)
    async def _show_added(self, added: Added) -> None:
        """List the first feed added, and say what was subscribed (and what failed)."""
        screen = self._screen
        known = {f.id for f in screen.feeds}
        if added.new_articles:
            # 'termnews add' stores only: searching, related stories and Trending
            # need the index pass, in the background as after a refresh.
            screen.index_after_change()
        await screen._reload_sections()
        first = added.feeds[0]
        screen.show_view(View(first.section, first.id, first.title), focus_headlines=True)
        verb = "Already subscribed:" if first.id in known else "Subscribed to"
        more = len(added.feeds) - 1
        also = f" (and {plural(more, 'more feed')})" if more > 0 else ""
        if first.error:
            news = f"not read yet: {clean_line(first.error)}"
        else:
            news = plural(added.new_articles, "new article")
        where = shown_name(first.section)
        name = shown_name(first.title)
        screen.notify(f"{verb} {name} in {where}{also}: {news}.", timeout=8)
        for note in added.notes[:3]:
            warn = note.startswith(("warning", "error"))
            screen.notify(
                clean_line(note), severity="warning" if warn else "information", timeout=10
            )

    # ------------------------------------------------------- managing feeds

    def _target_feed(self) -> Feed | None:
        """The feed a feed key (``i``, rename, move, unsubscribe) acts on, taken now.

        The feed under the section list's cursor when that list has focus (a section
        with one feed stands for it); else the feed on screen; else the feed of the
        headline the list highlights, or of the open article, as for ``s`` or ``o``.
        """
        screen = self._screen
        feed_id: int | None = None
        pane = screen.sections_pane
        if screen._focused_pane() is pane:
            node = pane.cursor_node
            view = node.data if node is not None else None
            if view is not None and view.feed_id is not None:
                feed_id = view.feed_id
            elif view is not None:
                inside = [f.id for f in screen.feeds if f.section == view.section]
                feed_id = inside[0] if len(inside) == 1 else None
            if feed_id is None:
                screen.notify("Move to a feed first: under a section, or on a headline.")
                return None
        elif screen.view_.feed_id is not None:
            feed_id = screen.view_.feed_id
        else:
            current = screen.headlines.current
            if screen._focused_pane() is screen.headlines and current is not None:
                feed_id = current.feed_id
            elif screen.article is not None:
                feed_id = screen.article.feed_id
            elif current is not None:
                feed_id = current.feed_id
        feed = next((f for f in screen.feeds if f.id == feed_id), None)
        if feed is None:
            screen.notify("No feed here: move to one in the section list or to a headline.")
        return feed

    def action_feed_details(self) -> None:
        """What the cache knows of a feed, with the keys that manage it."""
        screen = self._screen
        feed = screen._target_feed()
        if feed is not None:
            screen._feed_details(feed)

    @work(group="actions", exit_on_error=False)
    async def _feed_details(self, listed: Feed) -> None:
        screen = self._screen
        from termnews.app.screens.feed_details import FeedDetails, FeedDetailsScreen

        config = screen.tn.config

        def load(store: Store) -> FeedDetails:
            # On the read thread: the fetcher's modules come with wants_full_text.
            from termnews.core.fulltext import wants_full_text

            # Fetch state as stored now; counts as the section list shows them.
            feed = replace(store.feed(listed.id), total=listed.total, unread=listed.unread)
            cached, starred = store.feed_article_counts(feed.id)
            in_config = wants_full_text(replace(feed, full_text=False), config)
            return FeedDetails(feed, cached, starred, in_config)

        try:
            details = await screen.tn.store_thread.read(load, after_writes=True)
        except NotFoundError:
            screen.notify("That feed is no longer subscribed.", severity="warning")
            await screen._reload_sections()
            return
        dialog = FeedDetailsScreen(details, screen.tn.keymap_in_force())
        screen.app.push_screen(dialog, lambda choice: screen._manage(details.feed, choice))

    def _manage(self, feed: Feed, command_id: str | None) -> None:
        """Run the command chosen in the details screen on its feed."""
        screen = self._screen
        if command_id == "rename-feed":
            screen._ask_rename(feed)
        elif command_id == "move-feed":
            screen._ask_move(feed)
        elif command_id == "feed-full-text":
            screen._toggle_feed_full_text(feed)
        elif command_id == "unsubscribe":
            screen._ask_unsubscribe(feed)

    def action_rename_feed(self) -> None:
        screen = self._screen
        feed = screen._target_feed()
        if feed is not None:
            screen._ask_rename(feed)

    def _ask_rename(self, feed: Feed) -> None:
        screen = self._screen
        from termnews.app.screens.feed_details import FeedFieldScreen

        title = clean_line(feed.title)

        def answered(name: str | None) -> None:
            if name is not None and name != title:
                screen._rename_feed(feed, name)

        dialog = FeedFieldScreen(
            "Rename feed",
            f"The name the reader shows for {feed_name(feed)}; a refresh keeps it.",
            title,
            "feed name",
            "renames it",
        )
        screen.app.push_screen(dialog, answered)

    @work(group="actions", exit_on_error=False)
    async def _rename_feed(self, feed: Feed, name: str) -> None:
        screen = self._screen
        await screen.tn.store_thread.call(lambda s: s.update_feed(feed.id, title=name))
        await screen._feed_changed(feed.id, screen.view_)
        screen.notify(f"Renamed {feed_name(feed)}: now {shown_name(name)}.")

    def action_move_feed(self) -> None:
        screen = self._screen
        feed = screen._target_feed()
        if feed is not None:
            screen._ask_move(feed)

    def _ask_move(self, feed: Feed) -> None:
        screen = self._screen
        from termnews.app.screens.feed_details import FeedFieldScreen

        sections = sorted({f.section for f in screen.feeds}, key=str.casefold)
        # A section named "All" or "Starred" would be listed beside the reader's own.
        refuse = {
            v.value.casefold(): f"'{v.value}' is one of the reader's own sections: pick another."
            for v in VirtualSection
        }
        current = shown_name(feed.section)

        def answered(name: str | None) -> None:
            if name is None:
                return
            # "world" typed without taking the suggestion is the section World.
            name = next((s for s in sections if s.casefold() == name.casefold()), name)
            if name == feed.section:
                screen.notify(f"{feed_name(feed)} is in {current} already.")
                return
            screen._move_feed(feed, name)

        dialog = FeedFieldScreen(
            f"Move {feed_name(feed)}",
            f"Now in {current}. Type one of your sections (→ takes the suggestion) or a new one.",
            "",
            "section name",
            "moves it",
            suggestions=[s for s in sections if s != feed.section],
            refuse=refuse,
        )
        screen.app.push_screen(dialog, answered)

    @work(group="actions", exit_on_error=False)
    async def _move_feed(self, feed: Feed, section: str) -> None:
        # Every article of the feed is rewritten: a connection and a thread of its own,
        # so the reader's store thread (the next article, a mark read) never waits on it.
        screen = self._screen
        await screen._own_store(lambda s: s.set_feed_section(feed.id, section))
        before = screen.view_
        if before.feed_id is None and before.section == feed.section:
            # The section on screen, which the feed may have been the last of.
            follow = View(section, feed.id, clean_line(feed.title))
        else:
            follow = ALL
        await screen._feed_changed(feed.id, follow)
        screen.notify(f"Moved {feed_name(feed)} to {shown_name(section)}.")

    async def _own_store(self, fn: Callable[[Store], T]) -> T:
        """Run ``fn`` on a store of its own in a thread (a long write off the store thread)."""
        screen = self._screen
        db_path = screen.tn.store_thread.db_path

        def run() -> T:
            from termnews.core.store import Store

            store = Store.open(db_path)
            try:
                return fn(store)
            finally:
                store.close()

        return await asyncio.get_running_loop().run_in_executor(None, run)

    async def _feed_changed(self, feed_id: int, fallback: View) -> None:
        """After a rename or a move: counts, the view, its rows and the open article.

        The view follows the feed when it is the feed on screen; a section that is
        gone (its last feed moved away or unsubscribed) gives way to ``fallback``.
        """
        screen = self._screen
        await screen._reload_sections()
        feed = next((f for f in screen.feeds if f.id == feed_id), None)
        view: View | None = screen.view_
        if screen.view_.feed_id == feed_id:
            view = View(feed.section, feed.id, clean_line(feed.title)) if feed else None
        if view is None or not screen.sections_pane.has_view(view):
            view = fallback if screen.sections_pane.has_view(fallback) else ALL
        if view != screen.view_:
            await screen._set_view(view)
        else:
            screen._select_view(view)  # a renamed feed on screen: its label
            screen.reload_headlines(keep_place=True)
            screen.save_state()
        article = screen.article
        if article is None or article.feed_id != feed_id:
            if article is not None:
                screen._load_related(article.id)  # its tags may name the feed's section
            return
        try:
            fresh = await screen.tn.store_thread.read(lambda s: s.article(article.id))
        except NotFoundError:
            await screen._article_gone()
            return
        if screen.article is article:
            pane = screen.article_view
            y = pane.scroll_y
            screen.article = fresh
            await pane.show_article(fresh)
            pane.call_after_refresh(pane.scroll_to, y=y, animate=False)
            screen._load_related(fresh.id)

    async def _article_gone(self) -> None:
        """The open article's feed was unsubscribed: the pane says so, not its old text."""
        screen = self._screen
        screen.article = None
        screen.related.show_hint("Open an article to see related stories here.")
        await screen.article_view.show_message(
            "Unsubscribed",
            "This article's feed was unsubscribed, and its cached articles went with it.\n\n"
            "Press `n` for the next unread article, or `Enter` on a headline.",
        )
        screen.save_state()

    def action_toggle_feed_full_text(self) -> None:
        screen = self._screen
        feed = screen._target_feed()
        if feed is not None:
            screen._toggle_feed_full_text(feed)

    @work(group="actions", exit_on_error=False)
    async def _toggle_feed_full_text(self, feed: Feed) -> None:
        screen = self._screen
        from termnews.app.screens.feed_details import KIND_ARTICLES

        title = feed_name(feed)
        if feed.kind == KIND_ARTICLES:
            screen.notify(f"{title} is a folder or file of articles, already read in full.")
            return
        config = screen.tn.config

        def flip(store: Store) -> tuple[bool, bool]:
            from termnews.core.fulltext import wants_full_text

            fresh = store.feed(feed.id)
            store.update_feed(feed.id, full_text=int(not fresh.full_text))
            return not fresh.full_text, wants_full_text(replace(fresh, full_text=False), config)

        on_now, in_config = await screen.tn.store_thread.call(flip)
        await screen._reload_sections()
        if on_now:
            screen.notify(f"Full text on for {title}: each refresh fetches new articles' pages.")
        elif in_config:
            where = clean_line(str(screen.tn.config_path or "the config file"))
            screen.notify(
                f"Full text stays on for {title}: {where} lists it under [fulltext] feeds;"
                " remove it there (termnews never writes your config).",
                severity="warning",
                timeout=12,
            )
        else:
            screen.notify(f"Full text off for {title}.")

    def action_unsubscribe(self) -> None:
        screen = self._screen
        feed = screen._target_feed()
        if feed is not None:
            screen._ask_unsubscribe(feed)

    @work(group="actions", exit_on_error=False)
    async def _ask_unsubscribe(self, feed: Feed) -> None:
        screen = self._screen
        from termnews.app.screens.confirm import ConfirmScreen

        cached, starred = await screen.tn.store_thread.read(
            lambda s: s.feed_article_counts(feed.id), after_writes=True
        )
        title = feed_name(feed)

        def answered(yes: bool | None) -> None:
            if yes:
                screen._unsubscribe(feed)

        question = f"Unsubscribe from {title}? {_removal_note(cached, starred)}"
        screen.app.push_screen(ConfirmScreen(question), answered)

    @work(group="actions", exit_on_error=False)
    async def _unsubscribe(self, feed: Feed) -> None:
        # As 'termnews remove': the articles (starred ones too) and their search index
        # go in one transaction, on a connection of its own (see _move_feed).
        screen = self._screen
        removed = await screen._own_store(lambda s: s.remove_feed(feed.id))
        await screen._reload_sections()
        section = View(feed.section)
        view = screen.view_
        if view.feed_id == feed.id or not screen.sections_pane.has_view(view):
            await screen._set_view(section if screen.sections_pane.has_view(section) else ALL)
        else:
            screen.reload_headlines(keep_place=True)
        if screen.article is not None and screen.article.feed_id == feed.id:
            await screen._article_gone()
        elif screen.article is not None:
            screen._load_related(screen.article.id)
        title = feed_name(feed)
        screen.notify(f"Unsubscribed from {title}: {plural(removed, 'cached article')} removed.")
