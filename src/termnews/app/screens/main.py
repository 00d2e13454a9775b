"""The reader's one main screen: sections, headlines, article, related stories.

The screen owns the reading state (which view is listed, which article is
open, the unread-only toggle, the filter, the layout) and the panes show it.
Every cache access goes through the app's :class:`StoreThread` from async
workers, so a keypress is never stuck behind SQLite; refreshes, and the index passes
after them, run in a child process (:mod:`termnews.app.refresh_process`) and report
back with messages.
"""

from __future__ import annotations

import asyncio
import gc
import sqlite3
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, cast

from textual import messages, on, work
from textual._time import get_time
from textual.app import ComposeResult
from textual.containers import Container, Horizontal
from textual.geometry import Size
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import OptionList
from textual.worker import Worker, WorkerState, get_current_worker

from termnews.app.commands import screen_bindings
from termnews.app.feed_names import shown_name
from termnews.app.first_screen import FirstScreen, with_trending
from termnews.app.gil_switch import restore_switching
from termnews.app.headline_query import PAGE_SIZE, HeadlineQuery
from termnews.app.layout_echoes import drop_layout_echoes, standing_requests
from termnews.app.links import browsable_url
from termnews.app.messages import FeedFailure, IndexFinished, RefreshFinished, RefreshProgress
from termnews.app.refresh_pause import TICK_S as PAUSE_TICK_S
from termnews.app.refresh_pause import RefreshPauser
from termnews.app.screens.feed_actions import FeedActionsMixin
from termnews.app.screens.search import SearchMixin
from termnews.app.search_views import SAVED_PREFIX, saved_name
from termnews.app.state import LAYOUTS, UiState
from termnews.app.widgets.article_body import ArticleBody
from termnews.app.widgets.article_view import ArticleView
from termnews.app.widgets.headline_list import WINDOW_KEEP, HeadlineList
from termnews.app.widgets.key_footer import KeyFooter
from termnews.app.widgets.related_panel import RelatedPanel
from termnews.app.widgets.section_list import SectionList, View
from termnews.app.widgets.status_bar import StatusBar
from termnews.core.errors import NotFoundError, TermnewsError
from termnews.core.models import Article, Feed, Headline, Section, VirtualSection
from termnews.core.text import clean_line, outlet_name, plural

if TYPE_CHECKING:
    import subprocess
    from collections.abc import Awaitable, Callable, Sequence

    from textual import events
    from textual.widgets.option_list import Option

    from termnews.app.app import TermnewsApp
    from termnews.app.idle_gc import IdleCollector
    from termnews.app.refresh_process import RefreshRequest
    from termnews.app.widgets.search_bar import SearchBar
    from termnews.core.refresh_progress import PendingFeeds
    from termnews.core.related import RelatedItem
    from termnews.core.search import SavedSearch
    from termnews.core.store import Store


ALL = View(VirtualSection.ALL.value)
STACK_BELOW = 110
"""Narrower terminals stack the panes: lists on top, the article below."""
COLUMNS_FROM = 78
"""Narrowest terminal the columns fit in (the lists' 48 cells and the article's 30,
termnews.tcss): a forced "columns" layout is drawn stacked below it, else the
headline list's right border and the whole article ran off the screen."""
WIDE_FROM = 160
"""From this width the related stories move to a column beside the article."""
SMALL_HEIGHT = 30
BOTTOM_APPEND = 1_000
"""``G`` with at most this many rows left below the window loads them below it;
with more, the window moves to the query's last page (see ``_go_bottom``)."""
FIRST_FRAME_WAIT_S = 1.0
"""How long the first frame waits for the first screen's data before it is drawn empty."""
RELATED_AFTER_KEYS_S = 0.2
"""Related stories load once keys pause this long (opening, moving on): not between them."""
MID_REFRESH_RELOAD_S = 3.0
"""While a long refresh brings new articles, recount the sections at most this often."""
CACHE_CHECK_S = 10.0
"""How often the reader looks whether another process changed the cache: a
'termnews refresh' from cron, another reader, 'termnews read --all'."""
WAITING_TICK_S = 1.0
"""While a refresh runs, how often the top line looks whether it waits on a slow feed."""
PROGRESS_AFTER_KEYS_S = 0.2
"""Refresh progress that arrives while keys are pressed is shown once they pause this long."""
PROGRESS_MAX_WAIT_S = 1.0
"""...but the status line's count is never older than this while a refresh runs."""

WELCOME = """\
You are looking at the **demo**: a few bundled sample feeds in a throwaway cache,
so you can try every key before subscribing to anything.

## Add your own feeds

Press `a` and give a feed's URL (or a web page that links one, or a feed file, folder or
OPML list): termnews subscribes to it in your own cache and reopens there. Or quit with
`q`, then in your shell:

- `termnews add URL` subscribes to a feed (or a web page that links one)
- `termnews import FILE.opml` brings your subscriptions from another reader
- `termnews import --starter` subscribes to a small set of well-known news feeds

Then run `termnews` again: your feeds replace this demo.

## Reading

- `j` / `k` move, `Enter` opens, `h` / `l` or `Tab` switch panes
- `n` / `p` jump to the next / previous unread article
- `space` / `b` page through the article, `o` opens the original
- `?` lists every key, `Ctrl+P` finds sections, feeds and actions
"""

NO_FEEDS = """\
There is nothing in the cache yet.

- `a` here, or `termnews add URL`, subscribes to a feed
- `termnews import FILE.opml` imports subscriptions
- `termnews import --starter` subscribes to a starter set

Then press `R` here (or run `termnews refresh`).
"""


def _with_options(
    rows: list[Headline], build: Callable[[Sequence[Headline]], list[Option]]
) -> tuple[list[Headline], list[Option]]:
    """``rows`` and their list options, both made on the store thread (see ``build_options``)."""
    return rows, build(rows)


def _with_kept_row(
    rows: list[Headline],
    options: list[Option],
    kept: Headline,
    build: Callable[[Sequence[Headline]], list[Option]],
) -> tuple[list[Headline], list[Option]]:
    """``rows`` with ``kept`` put back where it sorts (newest first), if it is not there.

    A row of the first page only: one that sorts below the last loaded row is not
    put back, as pages loaded later would then list newer rows beneath it.
    """
    if any(h.id == kept.id for h in rows):
        return rows, options

    def key(h: Headline) -> tuple[float, int]:
        return (h.published.timestamp() if h.published else 0.0, h.id)

    index = next((i for i, h in enumerate(rows) if key(h) < key(kept)), None)
    if index is None:
        return rows, options
    return [*rows[:index], kept, *rows[index:]], [
        *options[:index],
        *build([kept]),
        *options[index:],
    ]


def _data_version(store: Store) -> int:
    """SQLite's count of commits by other connections (see _check_cache_changed)."""
    return int(store.conn.execute("PRAGMA data_version").fetchone()[0])


def _left_unindexed(store: Store) -> tuple[int, int]:
    """What the indexes lack (:func:`termnews.core.indexing.pending`), imported off the loop."""
    from termnews.core.indexing import pending

    return pending(store)


def _unread_articles(count: int) -> str:
    """``1 unread article`` / ``12 unread articles``, for confirmations."""
    return plural(count, "unread article")


class MainScreen(SearchMixin, FeedActionsMixin, Screen[None]):
    """Sections | headlines | article + related, with a status line and a footer."""

    BINDINGS = screen_bindings()  # type: ignore[assignment]

    _standing_requests: set[Widget] | None = None
    """During a full layout: the widgets that asked for a layout or repaint before it."""

    def __init__(self, state: UiState, config_unread_only: bool = False) -> None:
        super().__init__()
        self.initial_state = state
        self.view_: View = ALL
        self.unread_only = state.unread_only or config_unread_only
        self.filter_text = ""
        self.article: Article | None = None
        self.layout_mode = state.layout if state.layout in LAYOUTS else "auto"
        self.show_related: bool | None = state.show_related
        self.zoomed = state.zoom
        # Focused as the screen starts, so no other pane is focused (and restyled) first.
        # (an instance value: Textual reads self.AUTO_FOCUS when the screen resumes)
        self.AUTO_FOCUS = "#article" if self.zoomed else "#headlines"  # type: ignore[misc]
        self.refreshing = False
        self.indexing = False
        """A child builds the indexes now (after a refresh, or at start: see ``start_index``)."""
        self._index_again = False
        """Articles were stored while a child ran: look whether any are left unindexed after."""
        self._generation = 0
        self._last_mid_reload = 0.0
        self._new_this_refresh = 0
        """New articles the running refresh has stored so far."""
        self._progress_seen: tuple[int, int] | None = None
        """The running refresh's last (done, total), shown or waiting for a pause in keys."""
        self._progress_shown_at = 0.0
        self._new_uncounted = 0
        """New articles not in the section counts yet (recounted every few seconds)."""
        self._started = False
        self._saved_error_told: tuple[str, str] | None = None
        """The saved search (label, query) whose parse error was last notified."""
        self._refresh_cancel = threading.Event()
        """Set to stop the running child (refresh or index pass): the reader quits."""
        self.auto_refresh_timer: Timer | None = None
        """Refreshes everything every ``general.auto_refresh_minutes`` (None when off)."""
        self._last_key = 0.0
        """When the last key was pressed (``time.monotonic``)."""
        self._idle_gc: IdleCollector | None = None
        """Runs full garbage collections while no key is pressed (from the end of start-up)."""
        self._pauser = RefreshPauser()
        """Stops the refresh child while keys are pressed (app/refresh_pause.py)."""
        self._data_version: int | None = None
        """The cache's ``PRAGMA data_version`` at the last look (_check_cache_changed)."""
        self._awaited: PendingFeeds | None = None
        """The running refresh's feeds not finished yet (named when it waits on them)."""
        self._waiting_timer: Timer | None = None
        self._pause_timer: Timer | None = None
        self._resumed = False
        self._first_frame_at = 0.0
        """When the first frame's layout began (Textual's clock; 0: not yet)."""
        self._painting_first_frame = False
        self._css_count_at_compose = -1
        self._search_bar_mounted: asyncio.Future[SearchBar] | None = None
        """The search bar's mount, from its first request (see :meth:`mount_search_bar`)."""

    # ------------------------------------------------------------ plumbing

    @property
    def tn(self) -> TermnewsApp:
        """The app with its services (store thread, config, flags)."""
        return cast("TermnewsApp", self.app)

    @property
    def sections_pane(self) -> SectionList:
        return self.query_one(SectionList)

    @property
    def headlines(self) -> HeadlineList:
        return self.query_one(HeadlineList)

    @property
    def article_view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def related(self) -> RelatedPanel:
        return self.query_one(RelatedPanel)

    @property
    def status(self) -> StatusBar:
        return self.query_one(StatusBar)

    @property
    def _search_bar(self) -> SearchBar | None:
        """The search bar, once mounted (None before: nothing can have been searched)."""
        for child in self.query_children("#search"):
            return cast("SearchBar", child)
        return None

    async def mount_search_bar(self) -> SearchBar:
        """The search bar, mounted now if it was not yet (hidden until opened).

        It is mounted by the first ``/``, not in the first compose nor right after the
        first frame: its input widget, the query parser it checks text with and their
        styles cost the first frame ~10 ms, and mounting even a hidden widget lays out
        and repaints the whole screen, a full frame right behind the first (issue 8).
        A ``/`` pressed while the start is still going on waits here for the mount.
        """
        if self._search_bar_mounted is None:
            from termnews.app.widgets.search_bar import SearchBar

            bar = SearchBar(id="search")
            bar.display = False
            self._search_bar_mounted = asyncio.ensure_future(
                self._mount_then(bar, self.mount(bar, after=self.query_one("#body")))
            )
        return await asyncio.shield(self._search_bar_mounted)

    @staticmethod
    async def _mount_then(bar: SearchBar, mounting: Awaitable[object]) -> SearchBar:
        await mounting
        return bar

    def close_search(self, cleared: bool) -> None:
        """Close the search bar (if it is mounted), dropping the search if ``cleared``."""
        bar = self._search_bar
        if bar is not None:
            bar.close(cleared=cleared)

    @property
    def sections(self) -> list[Section]:
        """Sections with counts, as last loaded (for the palette)."""
        return self.sections_pane.sections

    @property
    def feeds(self) -> list[Feed]:
        """Feeds with counts, as last loaded (for the palette)."""
        return self.sections_pane.feeds

    def compose(self) -> ComposeResult:
        self._css_count_at_compose = self.app._css_update_count
        # The layout classes before the panes are mounted: each is then styled once,
        # where set after the mount they restyled the whole screen (issue 8).
        self._set_layout_classes()
        status = StatusBar(id="status")
        status.offline = self.tn.offline
        status.demo = self.tn.demo
        yield status
        with Container(id="body"):
            with Horizontal(id="browse"):
                sections = SectionList(id="sections")
                sections.border_title = "Sections"
                yield sections
                headlines = HeadlineList(clock=self.tn.clock, id="headlines")
                headlines.border_title = "Headlines"
                yield headlines
            with Container(id="reader"):
                yield ArticleView(self.tn.body_cache.parse, id="article")
                yield RelatedPanel(clock=self.tn.clock, id="related")
        # The search bar is mounted by the first '/' (see mount_search_bar).
        yield KeyFooter()

    async def on_mount(self) -> None:
        self._apply_layout()
        # Ticks only while the refresh is stopped for keys: no wake-ups otherwise.
        self._pause_timer = self.set_interval(PAUSE_TICK_S, self._pause_tick, pause=True)
        # Ctrl+Z stopped the reader; the refresh child (a session of its own) goes on,
        # but if the key itself had stopped it, no timer would continue it until fg.
        self.app.app_suspend_signal.subscribe(self, lambda _app: self._pauser.let_run())
        # The first frame waits (briefly) for the first screen's data, so it is drawn
        # once, full, rather than empty and then again with everything in it.
        first = await self._first_screen(wait=FIRST_FRAME_WAIT_S)
        if first is not None:
            await self._fill_first_screen(first)
        self._startup(first)
        minutes = self.tn.config.general.auto_refresh_minutes
        if minutes > 0 and not self.tn.offline:
            self.auto_refresh_timer = self.set_interval(minutes * 60, self.refresh_on_timer)

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Later resumes, or any change of CSS since the compose (a theme set
        # meanwhile), go on to Screen._on_screen_resume (Textual calls it after this).
        first = not self._resumed
        self._resumed = True
        if not first or self.app._css_update_count != self._css_count_at_compose:
            return
        # The first one is the start. Screen's handler would restyle the whole screen
        # (every widget was just styled as it mounted, in on_load's theme: ~10 ms
        # redone) and, after laying it out and painting it, ask for the whole screen
        # to be painted again: a second full frame right behind the first (issue 8).
        # The rest of it, here:
        event.prevent_default()
        app = self.app
        if app.SUSPENDED_SCREEN_CLASS:
            self.remove_class(app.SUSPENDED_SCREEN_CLASS)
        self.stack_updates += 1
        if app._notifications:
            # With none, this only hid the (already hidden) toast rack: a layout
            # and a repaint of the whole screen right behind the first frame.
            app._refresh_notifications()
        self._update_auto_focus()
        if self.is_attached:
            if self._size != app.size:
                self._first_frame_at = get_time()
                self._painting_first_frame = True
                try:
                    self._refresh_layout(app.size)
                finally:
                    self._painting_first_frame = False
            else:
                self.refresh()

    def _refresh_layout(self, size: Size | None = None, scroll: bool = False) -> None:
        # A full layout (not only a scroll's): note the requests standing before it,
        # so that those the layout makes itself can be dropped (app/layout_echoes.py).
        full = not (scroll and not self._layout_widgets)
        self._standing_requests = standing_requests(self) if full else None
        try:
            super()._refresh_layout(size, scroll)
        finally:
            self._standing_requests = None

    def _compositor_refresh(self) -> None:
        if self._standing_requests is not None and not self._painting_first_frame:
            drop_layout_echoes(self, self._standing_requests, self._first_layout_settled)
        if self._painting_first_frame:
            # The first layout, just done, resized every widget, and each asked to be
            # repainted for it; the paint below is of that very layout. Left set,
            # those requests repainted the whole screen again a frame later, identical
            # (~25 KB to the terminal, ~10 ms, issue 8). Requests made while painting
            # (a list measuring its lines, its scrollbar) come after this and stay.
            # The regions the layout marked go too: kept, the next small repaint of
            # a widget (a row marked read) repainted all of it.
            widgets = list(self.walk_children(Widget, with_self=True))
            for widget in widgets:
                widget._repaint_required = False
                widget._repaint_regions.clear()
            if self._first_layout_settled(widgets):
                # The same for the layout requests: each widget the layout resized
                # (scrollbars included) asked for a layout of its own, and the screen
                # did the whole layout again right behind this frame, with not one
                # region or scrollbar different (~10-15 ms of CPU while the terminal
                # drew the frame).
                for widget in widgets:
                    widget._layout_required = False
                    for bar in (widget._vertical_scrollbar, widget._horizontal_scrollbar):
                        if bar is not None:
                            bar._layout_required = False
        super()._compositor_refresh()

    def _first_layout_settled(self, widgets: list[Widget]) -> bool:
        """Whether the first layout placed every scrollbar the widgets now want.

        The layout places the scrollbars a widget wants when it is arranged; then
        each resized widget updates its virtual size (a list measuring its lines at
        its new width) and with it whether it wants a scrollbar. Where that changed,
        the layout is stale and is done again, as Textual does; otherwise the same
        layout would come out (regions, sizes and scrollbars as painted).
        """
        placed = self._compositor._full_map
        for widget in widgets:
            if not widget.is_scrollable or widget not in placed:
                continue
            shown = widget.styles.scrollbar_visibility == "visible"
            for wants, size, bar in (
                (
                    widget.show_vertical_scrollbar,
                    widget.scrollbar_size_vertical,
                    widget._vertical_scrollbar,
                ),
                (
                    widget.show_horizontal_scrollbar,
                    widget.scrollbar_size_horizontal,
                    widget._horizontal_scrollbar,
                ),
            ):
                if bool(wants and size and shown) != (bar is not None and bar in placed):
                    return False
        return True

    async def _on_update(self, message: messages.Update) -> None:
        """Drop repaint requests made before the first frame: it painted everything."""
        if message.time < self._first_frame_at:
            message.stop()
            message.prevent_default()

    async def _on_layout(self, message: messages.Layout) -> None:
        """Drop layout requests made before the first frame: it laid everything out."""
        if message.time < self._first_frame_at:
            message.stop()
            message.prevent_default()

    def _screen_resized(self, size: Size) -> None:
        # The Resize events queued behind the first frame (the app's first size, and
        # the screen's own from its first layout) are of the size it was laid out at:
        # each laid out and repainted the whole screen again. A layout asked for
        # meanwhile is done by the screen's update timer as usual.
        if self._first_frame_at and size == self._compositor.size:
            return
        super()._screen_resized(size)

    def on_resize(self) -> None:
        self._apply_layout()

    def on_unmount(self) -> None:
        # Quitting mid-refresh: let the refresh thread stop at the next feed (or batch).
        self._pauser.detach()
        self._refresh_cancel.set()
        if self._idle_gc is not None:
            self._idle_gc.uninstall()

    def on_key(self, event: events.Key) -> None:
        self._last_key = time.monotonic()
        if self._idle_gc is not None:
            self._idle_gc.input_seen()
        if self.refreshing or self.indexing:
            self._pauser.key_pressed()
            if self._pauser.stopped and self._pause_timer is not None:
                self._pause_timer.resume()

    def _pause_tick(self) -> None:
        """Let the stopped refresh go on once keys pause (see app/refresh_pause.py)."""
        self._pauser.tick()
        if not self._pauser.stopped and self._pause_timer is not None:
            self._pause_timer.pause()

    # -------------------------------------------------------------- layout

    def _layout_size(self) -> Size:
        """The screen's size; the terminal's before the screen is first laid out."""
        return self.size if self.size.area else self.app.size

    def related_visible(self) -> bool:
        """Whether the related panel shows: the user's toggle, else config and size."""
        if self.show_related is not None:
            return self.show_related
        size = self._layout_size()
        small = size.width < STACK_BELOW or size.height < SMALL_HEIGHT
        return self.tn.config.general.show_related and not small

    def _set_layout_classes(self) -> None:
        width = self._layout_size().width
        stacked = self.layout_mode == "stacked" or (
            width < STACK_BELOW and (self.layout_mode == "auto" or width < COLUMNS_FROM)
        )
        self.update_classes(
            {
                "-stacked": stacked,
                "-wide": not stacked and width >= WIDE_FROM,
                "-related-hidden": not self.related_visible(),
                "-zoomed": self.zoomed,
            }
        )

    def _apply_layout(self) -> None:
        self._set_layout_classes()
        focused = self.focused
        in_search = focused is not None and getattr(focused.parent, "id", None) == "search"
        if focused is not None and focused not in self._panes() and not in_search:
            (self.article_view if self.zoomed else self.headlines).focus()

    def _panes(self) -> list[Widget]:
        """Focusable panes in Tab order, skipping hidden ones."""
        if self.zoomed:
            return [self.article_view]
        panes: list[Widget] = [self.sections_pane, self.headlines, self.article_view]
        if self.related_visible():
            panes.append(self.related)
        return panes

    # ------------------------------------------------------------- loading

    def current_query(self) -> HeadlineQuery:
        """The headline selection in force."""
        return HeadlineQuery(
            section=self.view_.section,
            feed_id=self.view_.feed_id,
            unread=self.unread_only,
            text=self.filter_text,
            trending_hours=self.tn.config.related.trending_hours,
            saved_query=self.saved_query_for(self.view_.section),
            include_muted=self.show_muted,
        )

    # A fixed description: without one, Textual's @work describes the call with the
    # repr of its arguments, here every feed, headline and the article of the first
    # screen (~360,000 characters, ~11 ms before the first frame with 1,000 feeds
    # over 100,000 articles, ~1 ms with 10 feeds: a cost growing with the cache).
    @work(exclusive=True, group="startup", exit_on_error=False, description="startup")
    async def _startup(self, first: FirstScreen | None) -> None:
        """Finish the start: ``first`` is the first screen already shown, if it was."""
        if first is None:
            first = await self._first_screen()
            if first is not None:
                await self._fill_first_screen(first)
            else:
                await self._start_step_by_step()
        self._started = True
        self.save_state()
        await self._painted()
        # Everything built so far (Textual, the widgets, the styles) lives as long as
        # the app: moved out of the collector's sight, so a full collection during a
        # key press no longer walks it (tens of thousands of objects). The CLI turned
        # the collector off until this first frame (cli.start_without_gc): the start
        # allocates little garbage and each collection walked all of it again.
        gc.freeze()
        gc.enable()
        restore_switching()
        from termnews.app.idle_gc import TICK_S, IdleCollector

        # The full collections that remain wait for a moment without key presses.
        self._idle_gc = IdleCollector()
        self._idle_gc.install()
        self.set_interval(TICK_S, self._idle_gc.tick)
        self._check_cache_changed()  # the mark the next looks compare with
        self.set_interval(CACHE_CHECK_S, self._check_cache_changed)
        # A 'termnews refresh' from cron stores only: its articles are not searchable
        # nor in related stories or Trending until an index pass.
        self.index_if_pending()

    async def _start_step_by_step(self) -> None:
        """No prefetched data (or reading it failed): one query after the other."""
        state = self.initial_state
        self.sync_mute_at_start()
        await self._reload_sections()
        view = ALL
        if state.section is not None:
            wanted = View(state.section, state.feed_id, None)
            node = self.sections_pane.node_for(wanted)
            if node is not None and node.data is not None:
                view = node.data
        self._notify_store_notices()
        await self._set_view(view, keep_id=state.article_id)
        await self._show_start_article(state)

    async def _fill_first_screen(self, first: FirstScreen) -> None:
        self._show_first_screen(first)
        if first.article is not None:
            await self._open_loaded(first.article, mark_read=not first.restored)
        elif first.missing_article:
            # Removed since (its feed unsubscribed, a cleanup): the pane was left blank,
            # two rules and no words; the list's highlighted headline takes its place.
            self.notify("That article is no longer in the cache.", severity="warning")
            await self._show_start_article(replace(self.initial_state, article_id=None))
        else:
            await self._show_start_article(self.initial_state)

    async def _first_screen(self, wait: float | None = None) -> FirstScreen | None:
        """The prefetched first screen (see app/first_screen.py), or None to load it here.

        With ``wait``, None also when it is not read within ``wait`` seconds; it is
        then still there for the next call.
        """
        future = self.tn.first_screen
        if future is None:
            return None
        if wait is not None:
            done, _ = await asyncio.wait({asyncio.wrap_future(future)}, timeout=wait)
            if not done:
                return None
        self.tn.first_screen = None
        try:
            return await asyncio.wrap_future(future)
        except (TermnewsError, sqlite3.Error) as exc:
            self.notify(clean_line(str(exc)), severity="error", timeout=15)
            return None

    def _notify_store_notices(self) -> None:
        for notice in self.tn.store_thread.notices:
            self.notify(clean_line(notice), severity="warning", timeout=10)

    def _show_first_screen(self, first: FirstScreen) -> None:
        """Fill the section list, the headlines and the status line from one read."""
        self.report_mute_problems()
        self._show_sections(first.sections, first.saved, first.feeds)
        self._notify_store_notices()
        view = View(first.section, first.feed_id, first.feed_title)
        self._select_view(view)
        self._generation += 1
        keep = self.initial_state.article_id
        self._show_headlines(first.rows, first.total, self.current_query(), keep)

    async def _show_start_article(self, state: UiState) -> None:
        """The article pane at start when no article was read with the first screen."""
        if self.tn.first_run:
            self.related.show_hint("Open an article to see related stories here.")
            await self.article_view.show_message("Welcome to termnews", WELCOME)
            self.notify(
                "This is the demo. Press a to add a real feed, or use 'termnews add URL', "
                "'termnews import FILE.opml' or 'termnews import --starter'.",
                title="Welcome to termnews",
                timeout=20,
            )
        elif not self.feeds:
            self.related.show_hint("Open an article to see related stories here.")
            await self.article_view.show_message("No feeds yet", NO_FEEDS)
        elif state.article_id is not None and await self._show_article(
            state.article_id, mark_read=False
        ):
            return
        elif self.headlines.current is not None:
            await self._show_article(self.headlines.current.id, mark_read=True)
        elif not any(s.total for s in self.sections if not s.virtual):
            # Subscribed but never fetched (an import only subscribes): "press ] for the
            # next one" sent the reader round every empty section.
            self.related.show_hint("Open an article to see related stories here.")
            await self.article_view.show_message("Nothing fetched yet", self._nothing_fetched())
        else:
            self.related.show_hint("Open an article to see related stories here.")
            await self.article_view.show_message(
                "Nothing to read here", "No articles in this section. Press `]` for the next one."
            )

    def _nothing_fetched(self) -> str:
        """What to do when feeds are subscribed and no article is cached yet."""
        count = len(self.feeds)
        feeds = f"{plural(count, 'feed')} {'has' if count == 1 else 'have'}"
        them = "it" if count == 1 else "them"
        if self.tn.offline:
            return (
                f"Your {feeds} no articles in the cache yet, and `--offline` reads only "
                f"the cache. Start termnews without `--offline` and press `R` to fetch {them}."
            )
        return (
            f"Your {feeds} not been fetched yet. Press `R` to fetch {them}: the refresh runs "
            "in the background and the lists fill as feeds arrive (or run `termnews refresh`)."
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed says so in one line (they run with exit_on_error=False)."""
        error = event.worker.error
        if event.state != WorkerState.ERROR or error is None:
            return
        if isinstance(error, TermnewsError):
            self.notify(clean_line(str(error)), severity="error", timeout=15)
            return
        # A bug, not a user's mistake: keep reading possible, say what broke, log it all.
        self.log.error(f"worker {event.worker.name} failed", error)
        self.notify(
            clean_line(f"{type(error).__name__}: {error}") or type(error).__name__,
            title=f"termnews: {event.worker.name} failed",
            severity="error",
            timeout=15,
        )

    async def _reload_sections(self) -> None:
        hours = self.tn.config.related.trending_hours

        def load(store: Store) -> tuple[list[Section], list[Feed], list[SavedSearch]]:
            sections = with_trending(store.sections(), store, hours)
            return sections, store.feeds(), self.load_saved(store)

        try:
            sections, feeds, saved = await self.tn.store_thread.call(load)
        except TermnewsError as exc:  # also runs from message handlers: never crash the app
            self.notify(clean_line(str(exc)), severity="error", timeout=15)
            return
        self._show_sections(sections, saved, feeds)
        self._update_unread()

    def _show_sections(
        self, sections: list[Section], saved: list[SavedSearch], feeds: list[Feed]
    ) -> None:
        """Fill the section list (saved searches included) and the last-refresh time."""
        self.sections_pane.set_data(self.with_saved_sections(sections, saved), feeds)
        self.count_saved_searches()  # Badges follow in the background.
        self._show_last_refresh(feeds)

    def _show_last_refresh(self, feeds: list[Feed]) -> None:
        successes = [f.last_success for f in feeds if f.last_success is not None]
        if successes:
            newest = max(successes)
            current = self.status.last_refresh
            self.status.last_refresh = newest if current is None else max(current, newest)

    @work(exclusive=True, group="sections", exit_on_error=False)
    async def reload_sections(self) -> None:
        """Reload section and feed counts (after reads, stars, refreshes)."""
        await self._reload_sections()

    def _update_unread(self) -> None:
        view = self.view_
        if view.feed_id is not None:
            feed = next((f for f in self.feeds if f.id == view.feed_id), None)
            self.status.unread = feed.unread if feed else 0
            self.status.empty = feed is None or feed.total == 0
        else:
            section = self.sections_pane.section(view.section)
            if section is None:
                self.status.unread = 0
            elif section.name in (VirtualSection.STARRED.value, VirtualSection.TRENDING.value):
                # Their section counts are what they hold (starred articles, stories),
                # not what is unread: count the unread rows listed.
                self.status.unread = sum(1 for h in self.headlines.rows if not h.read)
            else:
                self.status.unread = section.unread
            if section is not None and section.name == VirtualSection.UNREAD.value:
                # Its total is what is unread: with everything read, "all read" is
                # true unless the cache holds nothing at all.
                section = self.sections_pane.section(VirtualSection.ALL.value)
            # No section (a saved search): empty when its query lists nothing.
            self.status.empty = (
                section.total == 0 if section is not None else not self.headlines.rows
            )
        self.status.location = view.label

    def _select_view(self, view: View) -> None:
        """Make ``view`` current at once (so quick ]]] presses step from it)."""
        self.view_ = view
        self.sections_pane.activate(view, move_cursor=True)
        self.headlines.border_title = clean_line(view.label)
        self._pick_source_column()
        self._update_unread()

    def _pick_source_column(self) -> None:
        """Show the source column unless every row is the one feed's on screen.

        In a feed's list each row repeated the feed's name, 12-18 cells a row the
        titles went without ("Tottenham Hotspur v Manchester United: Pr…  The
        Guardian", seen by ui20). A search there that names its own section: or
        feed: lists other feeds' articles: their sources are shown.
        """
        one_feed = self.view_.feed_id is not None
        if one_feed and self.filter_text:
            from termnews.app.search_views import names_a_place

            one_feed = not names_a_place(self.filter_text)
        self.headlines.show_source = not one_feed

    async def _set_view(self, view: View, keep_id: int | None = None) -> None:
        self._select_view(view)
        await self._load_headlines(keep_id=keep_id)
        if self._started:
            self.save_state()

    async def _load_headlines(
        self, keep_id: int | None = None, at_least: int = PAGE_SIZE, keep: Headline | None = None
    ) -> None:
        """List the current query; ``keep``: a row to leave in place though it left the query."""
        self._generation += 1
        generation = self._generation
        query = self.current_query()
        build = self.headlines.build_options

        def load(store: Store) -> tuple[list[Headline], int, list[Option]]:
            # The rows' options are made here, off the loop: after a refresh this
            # reloads every new article (10,000 in the benchmark).
            rows, total = query.first_page(store, at_least)
            return rows, total, build(rows)

        rows, total, options = await self.tn.store_thread.call(load)
        if generation != self._generation:
            return
        if keep is not None and query.unread and query.paged:
            rows, options = _with_kept_row(rows, options, keep, self.headlines.build_options)
        self._show_headlines(rows, total, query, keep_id, options)

    def _show_headlines(
        self,
        rows: list[Headline],
        total: int,
        query: HeadlineQuery,
        keep_id: int | None,
        options: list[Option] | None = None,
        start: int = 0,
    ) -> None:
        note = None
        if not rows and not self.filter_text:  # a search says why in its own bar
            from termnews.app.empty_notes import empty_note

            note = empty_note(self.view_, query.unread, self.tn.keymap_in_force())
        elif not rows and not self._search_bar_open():
            note = self._kept_search_note(query.unread)
        self.headlines.show_rows(
            rows, total, keep_id=keep_id, options=options, start=start, note=note
        )
        count = plural(total, "article")
        self.headlines.border_subtitle = f"{count} · unread only (u)" if query.unread else count
        trouble = self._feed_trouble()
        if trouble:
            self.headlines.border_subtitle = f"{trouble} · {self.headlines.border_subtitle}"
        self._update_unread()
        label = clean_line(self.view_.label)
        if query.saved_query and not total:
            self._say_why_saved_search_is_empty(label, query.saved_query)
        bar = self._search_bar
        if bar is not None and self.filter_text:
            from termnews.app.search_views import names_a_place

            elsewhere = names_a_place(self.filter_text)
            # A typed section:/feed: looks there, not in the view: the list's title
            # named the feed on screen over another section's articles.
            label = "Search results" if elsewhere else label
            where = None if elsewhere else self.view_.label
            if total:
                bar.show_matches(total, where, query.unread)
            else:
                self._explain_no_match(self.filter_text, where, query.unread)
        self.headlines.border_title = label

    def _feed_trouble(self) -> str:
        """What is wrong with the one feed on screen, for the list's edge ('' if nothing).

        Opened in the reader, a feed whose refreshes fail showed its articles and a
        ⚠ in the section list, and the reason only in the palette; the reader of
        that very feed had to go looking (seen by qa18 with a feed gone 404).
        """
        feed_id = self.view_.feed_id
        feed = next((f for f in self.feeds if f.id == feed_id), None) if feed_id else None
        if feed is None or not feed.failing:
            return ""
        why = clean_line(feed.last_error or "")
        if feed.dead:
            return f"⚠ dead{f' ({why})' if why else ''}: no longer fetched"
        return f"⚠ {why}" if why else "⚠ its last refresh failed"

    def _say_why_saved_search_is_empty(self, label: str, saved_query: str) -> None:
        """A saved search whose query does not parse lists nothing: say why, once.

        The reader showed it as an empty list, 'all read', with no word of the
        error (``termnews search --saved`` names it; seen by qa18).
        """
        from termnews.core.errors import QueryError
        from termnews.core.search import parse_query

        try:
            parse_query(saved_query)
        except QueryError as exc:
            self.headlines.border_subtitle = "the saved query does not parse"
            if self._saved_error_told != (label, saved_query):
                self._saved_error_told = (label, saved_query)
                self.notify(
                    f"Saved search '{label.removeprefix(SAVED_PREFIX)}' lists nothing: "
                    f"its query does not parse ({clean_line(str(exc))}).",
                    severity="warning",
                    timeout=10,
                )

    @work(exclusive=True, group="search-note", exit_on_error=False)
    async def _explain_no_match(self, text: str, where: str | None, unread_only: bool) -> None:
        """Tell the search bar why a search found nothing: where it looked, and a filter
        that matches nothing ("no section matches 'zzz'", as ``termnews search`` says)."""

        def notes(store: Store) -> list[str]:
            from termnews.core.errors import QueryError
            from termnews.core.search import parse_query, query_warnings

            try:
                return query_warnings(store, parse_query(text, partial=True))
            except QueryError:
                return []

        warnings = await self.tn.store_thread.call(notes)
        bar = self._search_bar
        if bar is not None and text == self.filter_text:
            bar.show_matches(0, where, unread_only, warnings)

    @work(exclusive=True, group="headlines", exit_on_error=False)
    async def reload_headlines(
        self, keep_place: bool = True, extra: int = 0, keep_read_row: bool = False
    ) -> None:
        """Reload the list for the current query, keeping the highlighted article.

        The reload reads a window around that article from where it sorts now
        (:meth:`_reload_window`): the rows above it on screen, plus ``extra`` (how
        many articles were added: a refresh's new ones, none of which can push it
        further down than that), to :data:`WINDOW_KEEP` at most, and a page below.
        Reloading from the top read every row down to the reader's: 99,800 after
        ``G`` in a section of 100,000, and after a refresh of 10,000 new articles
        10,200 rows made into options, most of them trimmed off again at once.

        ``keep_read_row`` (a refresh's reload): with "unread only", the highlighted
        article stays listed though it was read meanwhile. The reload dropped it and
        put the cursor back on the top row, under a reader in the middle of the list.
        """
        current = self.headlines.current
        keep = current.id if (keep_place and current) else None
        kept = current if (keep_read_row and keep_place and current and current.read) else None
        if keep is None or not self.current_query().paged:
            # A search or Trending lists its whole result at once.
            await self._load_headlines(keep_id=keep, keep=kept)
            return
        above = min(WINDOW_KEEP, (self.headlines.highlighted or 0) + max(0, extra))
        await self._reload_window(keep, kept, above)

    async def _reload_window(self, keep_id: int, kept: Headline | None, above: int) -> None:
        """List ``above`` rows above ``keep_id`` (where it sorts now) and a page below it."""
        self._generation += 1
        generation = self._generation
        query = self.current_query()
        build = self.headlines.build_options
        # The place the window had: where a saved search's reload starts from.
        fallback = max(0, self.headlines.start + (self.headlines.highlighted or 0) - above)

        def load(store: Store) -> tuple[list[Headline], int, int, list[Option]]:
            window = query.window_at(store, keep_id, above, PAGE_SIZE)
            if window is None:
                # A saved search (no cheap position), or the article is gone: from
                # the window's start, with the rows that can have come above it.
                start = fallback
                rows = query.page(store, start, above + PAGE_SIZE)
                window = rows, max(query.count(store), start + len(rows)), start
            rows, total, start = window
            return rows, total, start, build(rows)

        rows, total, start, options = await self.tn.store_thread.call(load)
        if generation != self._generation:
            return
        if kept is not None and query.unread:
            rows, options = _with_kept_row(rows, options, kept, build)
        self._show_headlines(rows, total, query, keep_id, options, start=start)

    def show_view(self, view: View, focus_headlines: bool = False) -> None:
        """List ``view``'s headlines (from the section list, ]/[, the palette)."""
        self._select_view(view)
        self._load_view(focus_headlines)

    @work(exclusive=True, group="view", exit_on_error=False)
    async def _load_view(self, focus_headlines: bool) -> None:
        await self._load_headlines()
        if self._started:
            self.save_state()
        if focus_headlines and not self.zoomed:
            self.headlines.focus()

    @on(HeadlineList.NeedMore)
    def _need_more(self) -> None:
        self._load_more()

    @work(exclusive=True, group="more", exit_on_error=False)
    async def _load_more(self) -> None:
        await self._append_pages(everything=False)

    @on(HeadlineList.NeedEarlier)
    def _need_earlier(self) -> None:
        self._load_earlier()

    @work(exclusive=True, group="earlier", exit_on_error=False)
    async def _load_earlier(self) -> None:
        await self._prepend_page()

    async def _prepend_page(self) -> int:
        """Load the page above the window (it starts below the query's first row).

        Returns how many rows were added. The far end of the window is trimmed
        (:meth:`HeadlineList.trim`), so moving back up a long list holds no more
        rows than moving down it.
        """
        query = self.current_query()
        hl = self.headlines
        if not query.paged or not hl.has_earlier:
            return 0
        if not hl.rows:
            return 0
        generation = self._generation
        build = hl.build_options
        first, start = hl.rows[0], hl.start

        def load(store: Store) -> tuple[list[Headline], int, list[Option]]:
            rows, begin = query.previous_page(store, first, start)
            return rows, begin, build(rows)

        rows, begin, options = await self.tn.store_thread.read(load)
        if generation != self._generation:
            return 0
        before = len(hl.rows)
        hl.prepend_rows(rows, begin, options)
        added = len(hl.rows) - before
        hl.trim(query.offset_after)
        return added

    async def _append_pages(self, everything: bool) -> int:
        """Load the next page (or every remaining page) of the current query.

        Returns how many rows were added.
        """
        query = self.current_query()
        if not query.paged:
            return 0
        generation = self._generation
        build = self.headlines.build_options
        added = 0
        while self.headlines.has_more:
            loaded, start = list(self.headlines.rows), self.headlines.start
            limit = BOTTOM_APPEND if everything else PAGE_SIZE
            # The read connection: a page asked for by a key press (j near the end of
            # the loaded rows) must not wait behind a write; new rows only (append_rows
            # skips loaded ones), so a mark-read still in flight changes nothing here.
            rows, options = await self.tn.store_thread.read(
                lambda s, r=loaded, o=start, n=limit: _with_options(  # type: ignore[misc]
                    query.next_page(s, r, o, n), build
                )
            )
            if generation != self._generation:
                return added
            if not rows:
                self.headlines.total = self.headlines.start + len(self.headlines.rows)
                break
            before = len(self.headlines.rows)
            self.headlines.append_rows(rows, self.headlines.total, options)
            added += len(self.headlines.rows) - before
            self.headlines.trim(query.offset_after)
            if not everything:
                break
        return added

    # ------------------------------------------------------------- articles

    async def _show_article(self, article_id: int, mark_read: bool = True) -> bool:
        """Show the article now; mark it read, find related stories and save state after.

        False (and a note) when it is no longer in the cache.

        Only the read of the article stands between the key and the paint. Marking it
        read (a write: a commit on the store thread), repainting its row and the counts,
        the related-stories query and writing the state file wait until the frame
        with the article is on the screen: together they were most of the time from
        Enter to the article.
        """
        try:
            # The read connection: never behind the last article's mark-read, which
            # waits while the refresh child writes (issue 8).
            article = await self.tn.store_thread.read(lambda s: s.article(article_id))
        except NotFoundError:
            self.notify("That article is no longer in the cache.", severity="warning")
            return False
        await self._open_loaded(article, mark_read)
        return True

    async def _open_loaded(self, article: Article, mark_read: bool) -> None:
        """Show an article already read from the cache; the rest follows the paint."""
        self.article = article
        await self.article_view.show_article(article)
        if mark_read and not article.read:
            self._mark_opened_read(article)
        self._load_related(article.id)
        if self._started:
            self.call_after_refresh(self.save_state)

    async def _painted(self) -> None:
        """Return once the screen has been refreshed with what is queued so far."""
        painted = asyncio.Event()
        self.call_after_refresh(painted.set)
        await painted.wait()

    # Described without the repr of the article (its whole body) at every open.
    @work(group="mark-opened", exit_on_error=False, description="mark opened read")
    async def _mark_opened_read(self, article: Article) -> None:
        """Mark an opened article read, after it is painted (one worker per article).

        Not exclusive: opening the next article must not cancel this one's mark. A
        failed write is logged and said in one line; the article stays shown, unread.
        """
        await self._painted()
        article_id = article.id

        def mark(store: Store) -> tuple[bool, bool]:
            changed = store.set_read([article_id], True) > 0
            return changed, changed and store.is_muted(article_id)

        try:
            changed, muted = await self.tn.store_thread.call(mark)
        except (TermnewsError, sqlite3.Error) as exc:
            self.log.warning(f"marking article {article_id} read failed: {exc!r}")
            self.notify(
                clean_line(f"Could not mark the article read: {exc}"),
                severity="warning",
                timeout=8,
            )
            return
        if not changed:
            return
        if self.article is not None and self.article.id == article_id:
            self.article = replace(self.article, read=True)
        self.headlines.update_row(article_id, read=True)
        self._counts_changed(article, muted, unread=-1)

    @work(exclusive=True, group="article", exit_on_error=False)
    async def open_article(self, article_id: int, mark_read: bool = True) -> None:
        """Show an article in the article pane (and mark it read)."""
        await self._show_article(article_id, mark_read)

    def open_headline(self, index: int) -> None:
        """Highlight and open the headline at ``index``."""
        if 0 <= index < len(self.headlines.rows):
            self.headlines.highlighted = index
            self.open_article(self.headlines.rows[index].id)

    async def _key_pause(self, seconds: float) -> None:
        """Return once no key has been pressed for ``seconds``.

        For work a reader does not wait for (the related stories): keys come 60-100 ms
        apart when someone reads down a list, and work started between two of them
        took the CPU the next one needed, most on a busy machine (issue 8).
        """
        while (left := self._last_key + seconds - time.monotonic()) > 0:
            await asyncio.sleep(left)

    @work(exclusive=True, group="related", exit_on_error=False)
    async def _load_related(self, article_id: int, changed_only: bool = False) -> None:
        """The open article's related stories into the panel.

        ``changed_only`` (the indexes grew): the panel is rebuilt only if the stories
        differ, so its cursor and scroll stay where the reader left them.
        """
        # After the article's frame: the query shares the store thread with the next
        # open, and the panel's new rows cost a layout of their own.
        await self._painted()
        await self._key_pause(RELATED_AFTER_KEYS_S)
        limit = self.tn.config.related.limit

        def related(store: Store) -> list[RelatedItem]:
            # Imported here, on the store thread, after the first frame: the engine
            # is not needed to draw it (~15 ms of the start-up, issue 8).
            from termnews.core.related import related_articles

            return related_articles(store, article_id, limit)

        try:
            items = await self.tn.store_thread.read(related)
        except Exception as exc:
            self.log.warning(f"related stories failed: {exc!r}")
            items = []
        if self.article is not None and self.article.id == article_id:
            if changed_only and items == self.related.items:
                return
            self.related.show_items(items)

    # -------------------------------------------------------- pane messages

    @on(SectionList.Chosen)
    def _section_chosen(self, event: SectionList.Chosen) -> None:
        if event.view != self.view_:
            self.show_view(event.view)

    @on(SectionList.Entered)
    def _section_entered(self, event: SectionList.Entered) -> None:
        if event.view != self.view_:
            self.show_view(event.view, focus_headlines=True)
        else:
            self.headlines.focus()

    @on(HeadlineList.Opened)
    def _headline_opened(self, event: HeadlineList.Opened) -> None:
        self.open_article(event.headline.id)

    @on(RelatedPanel.Opened)
    def _related_opened(self, event: RelatedPanel.Opened) -> None:
        index = self.headlines.index_of(event.article_id)
        if index is not None:
            self.headlines.highlighted = index
        self.open_article(event.article_id)

    @on(ArticleBody.LinkClicked)
    def _link_clicked(self, event: ArticleBody.LinkClicked) -> None:
        event.stop()
        base = self.article.link if self.article else None
        self._open_url(event.href, base)

    def on_search_bar_changed(self, event: SearchBar.Changed) -> None:
        # Handlers by name, not @on(SearchBar...): the bar's module (and its Input)
        # is imported after the first frame.
        self.filter_text = event.text.strip()
        self.status.filter_text = self.filter_text
        self._pick_source_column()
        self.reload_headlines(keep_place=False)

    def on_search_bar_closed(self, event: SearchBar.Closed) -> None:
        if event.cleared and self.filter_text:
            self.filter_text = ""
            self.status.filter_text = ""
            self._pick_source_column()
            self.reload_headlines(keep_place=True)
        elif self.filter_text and not self.headlines.rows:
            # Kept with Enter, a search that matches nothing: the bar that said so
            # is gone, and the list was a blank box over "0 articles" (seen by ui20).
            self.headlines.show_rows([], 0, note=self._kept_search_note(self.unread_only))
        self.headlines.focus()

    def _search_bar_open(self) -> bool:
        bar = self._search_bar
        return bar is not None and bar.display

    def _kept_search_note(self, unread_only: bool) -> str:
        """What the list says under a kept search that matches nothing, and the way out."""
        from termnews.app.commands import first_key
        from termnews.app.search_views import names_a_place

        keys = self.tn.keymap_in_force()
        scope = "" if names_a_place(self.filter_text) else f" in {clean_line(self.view_.label)}"
        among = " among unread articles" if unread_only else ""
        return (
            f"No article matches “{clean_line(self.filter_text)}”{scope}{among}. "
            f"{first_key(keys, 'back')} clears, {first_key(keys, 'search')} edits the search."
        )

    # -------------------------------------------------------------- moving

    def _focused_pane(self) -> Widget | None:
        focused = self.focused
        while focused is not None and focused not in (
            self.sections_pane,
            self.headlines,
            self.article_view,
            self.related,
        ):
            parent = focused.parent
            focused = parent if isinstance(parent, Widget) else None
        return focused

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def _move(self, step: int) -> None:
        pane = self._focused_pane()
        bar = self._search_bar
        if pane is None and bar is not None and bar.has_focus_within:
            # Down/Up while typing a search walk its results (the input keeps the
            # keys: j and k are letters there); Enter then keeps them on that row.
            pane = self.headlines
        if isinstance(pane, SectionList | OptionList):
            pane.action_cursor_down() if step > 0 else pane.action_cursor_up()
        elif isinstance(pane, ArticleView):
            pane.scroll_down(animate=False) if step > 0 else pane.scroll_up(animate=False)

    def action_next_pane(self) -> None:
        self._cycle_pane(1)

    def action_previous_pane(self) -> None:
        self._cycle_pane(-1)

    def _cycle_pane(self, step: int) -> None:
        panes = self._panes()
        pane = self._focused_pane()
        index = panes.index(pane) if pane in panes else 0
        panes[(index + step) % len(panes)].focus()

    def action_go_top(self) -> None:
        pane = self._focused_pane()
        if isinstance(pane, SectionList):
            pane.move_cursor_to_line(0)
        elif isinstance(pane, HeadlineList) and pane.has_earlier:
            self._go_top()
        elif isinstance(pane, OptionList):
            pane.action_first()
        elif isinstance(pane, ArticleView):
            pane.scroll_home(animate=False)

    def action_go_bottom(self) -> None:
        pane = self._focused_pane()
        if isinstance(pane, SectionList):
            pane.move_cursor_to_line(pane.last_line)
        elif isinstance(pane, HeadlineList):
            self._go_bottom()
        elif isinstance(pane, OptionList):
            pane.action_last()
        elif isinstance(pane, ArticleView):
            pane.scroll_end(animate=False)

    @work(exclusive=True, group="bottom", exit_on_error=False)
    async def _go_bottom(self) -> None:
        """The last row of the query: the window moves to the last page when it is far.

        Loading every row down to it took 165 MiB at 100,000 articles (issue 8);
        rows between are loaded as the reader moves back up (``NeedEarlier``).
        """
        hl = self.headlines
        query = self.current_query()
        if hl.has_more and query.paged:
            left = hl.total - hl.start - len(hl.rows)
            if left <= BOTTOM_APPEND:
                await self._append_pages(everything=True)
            else:
                self._generation += 1
                generation = self._generation
                build = hl.build_options

                def load(store: Store) -> tuple[list[Headline], int, int, list[Option]]:
                    rows, total, start = query.last_page(store, PAGE_SIZE)
                    return rows, total, start, build(rows)

                rows, total, start, options = await self.tn.store_thread.read(load)
                if generation != self._generation:
                    return
                self._show_headlines(rows, total, query, None, options, start=start)
        hl.action_last()

    @work(exclusive=True, group="bottom", exit_on_error=False)
    async def _go_top(self) -> None:
        """The first row of the query: its first page again when the window is further down."""
        await self._load_headlines()
        self.headlines.action_first()

    # Article scrolling is immediate, not animated: a reader paging through text wants
    # the next screenful now, and key repeat must not queue animations.

    def action_page_down(self) -> None:
        self.article_view.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.article_view.scroll_page_up(animate=False)

    def action_next_section(self) -> None:
        self._step_section(1)

    def action_previous_section(self) -> None:
        self._step_section(-1)

    def _step_section(self, step: int) -> None:
        names = self.sections_pane.section_names()
        if not names:
            return
        index = names.index(self.view_.section) if self.view_.section in names else 0
        if self.view_.feed_id is not None and step < 0:
            step = 0  # from a feed, [ goes back to its own section first
        self.show_view(View(names[(index + step) % len(names)]))

    def action_open(self) -> None:
        pane = self._focused_pane()
        if isinstance(pane, SectionList):
            pane.action_select_cursor()
        elif isinstance(pane, OptionList):
            pane.action_select()

    def action_back(self) -> None:
        bar = self._search_bar
        if bar is not None and (bar.display or self.filter_text):
            bar.close(cleared=True)
        elif self.zoomed:
            self.action_toggle_zoom()

    # ------------------------------------------------------------- reading

    def action_next_unread(self) -> None:
        self._next_unread(1)

    def action_previous_unread(self) -> None:
        self._next_unread(-1)

    @work(exclusive=True, group="unread", exit_on_error=False)
    async def _next_unread(self, step: int) -> None:
        # From the open article when it is in this list; else from the highlighted
        # row itself (entering a section opens nothing, so its top story is next).
        anchor = None
        if self.article is not None:
            anchor = self.headlines.index_of(self.article.id)
        if anchor is None:
            anchor = (self.headlines.highlighted or 0) - step
        index = anchor + step
        while True:
            rows = self.headlines.rows
            while 0 <= index < len(rows):
                if not rows[index].read and (
                    self.article is None or rows[index].id != self.article.id
                ):
                    self.open_headline(index)
                    return
                index += step
            # Past the window's end: load the next page (or the one above) and go
            # on from the last row looked at, found again by id (a trim moves rows).
            edge = (rows[-1] if step > 0 else rows[0]).id if rows else None
            if step > 0 and self.headlines.has_more and self.current_query().paged:
                if not await self._append_pages(everything=False):
                    break
            elif step < 0 and self.headlines.has_earlier:
                if not await self._prepend_page():
                    break
            else:
                break
            found = self.headlines.index_of(edge) if edge is not None else None
            index = found + step if found is not None else 0
        await self._jump_to_unread_section(step)

    async def _jump_to_unread_section(self, step: int = 1) -> None:
        """Open the first unread article of the next view with unread ones (``n``), or
        the last unread one of the previous view (``p``, ``step`` -1).

        The order is the section list's: in one feed, the section's later feeds come
        first (n jumped from a feed straight to the next section, past the unread
        ones of the feeds below it); then the later sections, and at last, wrapping
        round, the sections above and this one, whose unread articles may all be
        above the open one (they were never reached: "No unread articles left").
        ``p`` walks the same order backwards (it stopped at "No earlier unread
        article here" while ``n`` went on).
        """
        await self._reload_sections()
        here = self.view_
        target: View | None = None
        if here.feed_id is not None:
            siblings = [f for f in self.feeds if f.section == here.section]
            ids = [f.id for f in siblings]
            if here.feed_id in ids:
                at_feed = ids.index(here.feed_id)
                beyond = siblings[at_feed + 1 :] if step > 0 else siblings[:at_feed][::-1]
                feed = next((f for f in beyond if f.unread > 0), None)
                if feed is not None:
                    target = View(here.section, feed.id, clean_line(feed.title))
        if target is None:
            user = [s for s in self.sections if not s.virtual]
            names = [s.name for s in user]
            at = names.index(here.section) if here.section in names else -1
            if step > 0:
                order = user[at + 1 :] + user[: at + 1]
            elif at < 0:
                order = user[::-1]  # from All or Unread (above them all): the last first
            else:
                order = user[:at][::-1] + user[at:][::-1]
            section = next((s for s in order if s.unread > 0), None)
            if section is not None:
                target = View(section.name)
        if target is None:
            self.notify("No unread articles left.")
            return
        await self._set_view(target)
        open_id = self.article.id if self.article is not None else None
        index = await self._unread_row(step, open_id)
        if index is None:
            # Only the open article is unread (m marked it so): nothing else to go to.
            self.notify("No unread articles left.")
            return
        kind = "feed" if target.feed_id is not None else "section"
        name = clean_line(target.feed_title or target.section)
        self.notify(f"{'Next' if step > 0 else 'Previous'} unread {kind}: {name}")
        self.headlines.highlighted = index
        await self._show_article(self.headlines.rows[index].id)

    async def _unread_row(self, step: int, open_id: int | None) -> int | None:
        """The list's row of its first unread article (``step`` 1) or its last (-1).

        The last may lie past the loaded window (the list holds a page or two of a
        section of thousands): it is looked up in the cache and a window around it
        is loaded, as a reload deep in the list does.
        """
        hl = self.headlines
        query = self.current_query()
        if step > 0 or not (hl.has_more and query.paged):
            rows = hl.rows
            order = range(len(rows)) if step > 0 else range(len(rows) - 1, -1, -1)
            return next((i for i in order if not rows[i].read and rows[i].id != open_id), None)
        self._generation += 1
        generation = self._generation
        build = hl.build_options

        def load(store: Store) -> tuple[int, list[Headline], int, int, list[Option]] | None:
            last = query.last_unread(store, skip=open_id)
            if last is None:
                return None
            window = query.window_at(store, last, PAGE_SIZE // 2, PAGE_SIZE)
            if window is None:
                return None
            rows, total, start = window
            return last, rows, total, start, build(rows)

        found = await self.tn.store_thread.read(load)
        if found is None or generation != self._generation:
            return None
        last, rows, total, start, options = found
        self._show_headlines(rows, total, query, last, options, start=start)
        return hl.index_of(last)

    def _target_id(self) -> int | None:
        """The article a key acts on: the highlighted headline when the list has focus,
        else the open article."""
        if self._focused_pane() is self.headlines and self.headlines.current is not None:
            return self.headlines.current.id
        if self.article is not None:
            return self.article.id
        current = self.headlines.current
        return current.id if current else None

    async def _target_article(self, article_id: int | None) -> Article | None:
        """The article a key acts on, by the id :meth:`_target_id` gave when the key came.

        The actions run as workers, which start after the keys already queued: a
        target looked up there was the row a following ``j`` had moved to ('s j s'
        typed quickly starred the second headline twice and never the first).
        """
        if article_id is None:
            self.notify("No article selected.")
            return None
        if self.article is not None and self.article.id == article_id:
            return self.article
        try:
            return await self.tn.store_thread.call(lambda s: s.article(article_id))
        except NotFoundError:
            return None

    def action_open_in_browser(self) -> None:
        self._open_in_browser(self._target_id())

    @work(group="actions", exit_on_error=False)
    async def _open_in_browser(self, article_id: int | None) -> None:
        article = await self._target_article(article_id)
        if article is not None:
            self._open_url(article.link, None)

    def _open_url(self, href: str | None, base: str | None) -> None:
        url = browsable_url(href, base)
        if url is None:
            self.notify(
                "This link cannot be opened safely (not http or https).", severity="warning"
            )
            return
        self.tn.open_link(url)

    def action_show_links(self) -> None:
        """The links list of the article in the pane (:mod:`termnews.app.screens.links`)."""
        from termnews.app.screens.links import LinkChoice, LinksScreen, article_links

        article = self.article
        if article is None:
            self.notify("No article open.")
            return
        document = self.article_view.query_one(ArticleBody).document
        links = article_links(
            (*document.links, article.link or ""),
            (*document.labels, "The original article"),
            article.link,
        )
        if not links:
            self.notify("This article has no web links.")
            return

        def chosen(choice: LinkChoice | None) -> None:
            if choice is None:
                return
            if choice.action == "open":
                self._open_url(choice.url, None)
            else:
                self.app.copy_to_clipboard(choice.url)
                self.notify(f"Copied {clean_line(choice.url)}")

        self.app.push_screen(LinksScreen(article.title, links), chosen)

    def action_copy_link(self) -> None:
        self._copy_link(self._target_id())

    @work(group="actions", exit_on_error=False)
    async def _copy_link(self, article_id: int | None) -> None:
        article = await self._target_article(article_id)
        if article is None:
            return
        url = browsable_url(article.link, None)
        if url is None:
            self.notify("This article has no web link to copy.", severity="warning")
            return
        self.app.copy_to_clipboard(url)
        self.notify(f"Copied {clean_line(url)}")

    def action_toggle_star(self) -> None:
        article_id = self._target_id()  # now, not when the worker starts (_target_article)
        if article_id is not None:
            self._toggle_star(article_id)

    @work(group="actions", exit_on_error=False)
    async def _toggle_star(self, article_id: int) -> None:
        starred = await self._flip(article_id, "starred")
        self.notify("Starred ★" if starred else "Unstarred")

    def action_toggle_read(self) -> None:
        article_id = self._target_id()
        if article_id is not None:
            self._toggle_read(article_id)

    @work(group="actions", exit_on_error=False)
    async def _toggle_read(self, article_id: int) -> None:
        read = await self._flip(article_id, "read")
        self.notify("Marked read" if read else "Marked unread")

    async def _flip(self, article_id: int, flag: str) -> bool:
        def flip(store: Store) -> bool:
            value = not getattr(store.article(article_id), flag)
            if flag == "read":
                store.set_read([article_id], value)
            else:
                store.set_starred([article_id], value)
            return value

        def flip_and_load(store: Store) -> tuple[bool, Article, bool]:
            value = flip(store)
            return value, store.article(article_id), store.is_muted(article_id)

        value, article, muted = await self.tn.store_thread.call(flip_and_load)
        self.headlines.update_row(article_id, **{flag: value})
        if self.article is not None and self.article.id == article_id:
            self.article = replace(self.article, **{flag: value})  # type: ignore[arg-type]
        if flag == "read":
            self._counts_changed(article, muted, unread=-1 if value else 1)
        else:
            self._counts_changed(article, muted, starred=1 if value else -1)
        return value

    def _counts_changed(
        self, article: Article, muted: bool, unread: int = 0, starred: int = 0
    ) -> None:
        """Update the counts for one article's change in place, not by a full recount.

        A muted article is not counted (``Store.sections``), so its changes are not
        either; saved-search badges are recounted in the background as before.
        """
        if not muted:
            self.sections_pane.adjust_counts(
                article.section, article.feed_id, unread=unread, starred=starred
            )
            self._update_unread()
        self.count_saved_searches()

    def action_mark_section_read(self) -> None:
        view = self.view_
        rows_unread = [h.id for h in self.headlines.rows if not h.read]
        if self.filter_text:
            ids = rows_unread
            what = f"{_unread_articles(len(ids))} matching '{self.filter_text}'"
        elif view.section == VirtualSection.TRENDING.value:
            ids = rows_unread
            what = f"the {_unread_articles(len(ids))} in Trending"
        elif saved_name(view.section) is not None:
            ids = rows_unread
            what = f"the {_unread_articles(len(ids))} listed in {shown_name(view.label)}"
        else:
            ids = []
            count = self.status.unread
            every = "the" if count == 1 else "all"
            what = f"{every} {_unread_articles(count)} in {shown_name(view.label)}"
        if (self.filter_text and not ids) or (not self.filter_text and self.status.unread == 0):
            self.notify("Nothing unread here.")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._mark_read(view, ids)

        from termnews.app.screens.confirm import ConfirmScreen

        self.app.push_screen(ConfirmScreen(f"Mark {what} as read?"), answered)

    # Described without the repr of ``ids`` (a whole section's: 100,000 at most).
    @work(group="actions", exit_on_error=False, description="mark read")
    async def _mark_read(self, view: View, ids: list[int]) -> None:
        def mark(store: Store) -> int:
            if ids:
                return store.set_read(ids, True)
            return store.mark_all_read(section=view.section, feed_id=view.feed_id)

        count = await self.tn.store_thread.call(mark)
        if view == self.view_:
            if ids:
                for article_id in ids:
                    self.headlines.update_row(article_id, read=True)
            else:
                self.headlines.mark_all_read()
        if self.article is not None and (not ids or self.article.id in ids):
            self.article = replace(self.article, read=True)
        await self._reload_sections()
        self.notify(f"Marked {plural(count, 'article')} read.")

    def action_full_text(self) -> None:
        self._full_text(self._target_id())

    @work(exclusive=True, group="fulltext", exit_on_error=False)
    async def _full_text(self, article_id: int | None) -> None:
        try:
            from termnews.core.fulltext import fetch_full_text
        except ImportError:
            self.notify("Fetching the full text is not available yet.")
            return
        if self.tn.offline:
            self.notify("Offline (--offline): the full text cannot be fetched.", severity="warning")
            return
        article = await self._target_article(article_id)
        if article is None:
            return
        self.notify("Fetching the full text…")
        db_path = self.tn.store_thread.db_path
        config = self.tn.config

        def fetch() -> Article:
            # Network I/O: a thread and a store of its own, never the UI's store thread.
            from termnews.core.store import Store

            store = Store.open(db_path)
            try:
                return fetch_full_text(store, article.id, config)
            finally:
                store.close()

        try:
            updated = await asyncio.get_running_loop().run_in_executor(None, fetch)
        except TermnewsError as exc:
            self.notify(clean_line(str(exc)), severity="error")
            return
        if updated.full_content:
            words = len(updated.full_content.split())
            self.notify(f"Full text fetched ({words} words).")
        else:
            reason = clean_line(updated.full_error) or "no article text found on the page"
            self.notify(f"No full text: {reason}", severity="warning")
        if self.article is not None and self.article.id == updated.id:
            self.article = updated
            await self.article_view.show_article(updated)

    # ---------------------------------------------------------------- view

    async def action_search(self) -> None:
        if self.zoomed:
            self.action_toggle_zoom()
        bar = await self.mount_search_bar()
        bar.open(self.filter_text)

    def action_toggle_unread_only(self) -> None:
        self.unread_only = not self.unread_only
        self.notify("Showing unread articles only" if self.unread_only else "Showing all articles")
        self.reload_headlines(keep_place=True)
        self.save_state()

    def action_toggle_related(self) -> None:
        self.show_related = not self.related_visible()
        if self.zoomed and self.show_related:
            self.zoomed = False
        self._apply_layout()
        self.save_state()

    def action_toggle_zoom(self) -> None:
        self.zoomed = not self.zoomed
        self._apply_layout()
        (self.article_view if self.zoomed else self.headlines).focus()
        self.save_state()

    def action_cycle_layout(self) -> None:
        self.layout_mode = LAYOUTS[(LAYOUTS.index(self.layout_mode) + 1) % len(LAYOUTS)]
        self._apply_layout()
        cramped = self.layout_mode == "columns" and self._layout_size().width < COLUMNS_FROM
        note = f" (stacked until the terminal is {COLUMNS_FROM} wide)" if cramped else ""
        self.notify(f"Layout: {self.layout_mode}{note}")
        self.save_state()

    def action_help(self) -> None:
        from termnews.app.screens.help import HelpScreen

        config = self.tn.config_path
        self.app.push_screen(HelpScreen(self.tn.keymap_in_force(), str(config) if config else None))

    def save_state(self) -> None:
        """Write where the reader is to the state file."""
        self.tn.save_state(
            UiState(
                section=self.view_.section,
                feed_id=self.view_.feed_id,
                article_id=self.article.id if self.article else None,
                theme=self.tn.theme_to_remember(),
                layout=self.layout_mode,
                show_related=self.show_related,
                unread_only=self.unread_only,
                zoom=self.zoomed,
            )
        )

    # ------------------------------------------------------------- refresh

    def action_refresh_current(self) -> None:
        view = self.view_
        if view.feed_id is not None:
            self.start_refresh(feed_ids=[view.feed_id], section=None, label=view.label)
        elif self.sections_pane.section(view.section) is not None and not any(
            s.virtual and s.name == view.section for s in self.sections
        ):
            self.start_refresh(feed_ids=None, section=view.section, label=view.section)
        else:
            self.start_refresh(feed_ids=None, section=None, label="all feeds")

    def action_refresh_all(self) -> None:
        self.start_refresh(feed_ids=None, section=None, label="all feeds")

    def refresh_on_timer(self) -> None:
        """The timer's refresh of everything: quiet, and skipped while one runs."""
        if not self.refreshing:
            self.start_refresh(feed_ids=None, section=None, label="all feeds", quiet=True)

    def start_refresh(
        self,
        feed_ids: list[int] | None,
        section: str | None,
        label: str,
        quiet: bool = False,
    ) -> None:
        """Refresh in a child process followed by a thread; reading goes on meanwhile."""
        if self.refreshing:
            done = self.status.progress
            where = f" ({done[0]}/{done[1]})" if done else ""
            self.notify(f"A refresh is already running{where}.")
            return
        if self.tn.offline:
            self.notify(
                "Offline (--offline): web feeds are not fetched; local feed files are re-read. "
                "Start termnews without --offline to refresh from the web.",
                title="Offline",
                severity="warning",
            )
        elif not quiet:
            self.notify(f"Refreshing {clean_line(label)}…")
        self.refreshing = True
        self.status.progress = (0, 0)
        self._awaited = self._awaited_feeds(feed_ids, section)
        if self._waiting_timer is None:
            self._waiting_timer = self.set_interval(WAITING_TICK_S, self._show_waiting)
        self._waiting_timer.resume()
        self._progress_seen = None
        self._progress_shown_at = self._last_mid_reload = time.monotonic()
        self._new_this_refresh = self._new_uncounted = 0
        self._refresh_cancel = threading.Event()
        self._refresh_worker(feed_ids, section, self._refresh_cancel)

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def _refresh_worker(
        self, feed_ids: list[int] | None, section: str | None, cancel: threading.Event
    ) -> None:
        """Runs the refresh as a child process and turns its progress lines into messages.

        The child (``termnews refresh --progress jsonl``) fetches, parses and writes
        with an interpreter lock and a CPU priority of its own: done in this process,
        that work made key presses wait hundreds of milliseconds (issue 8). This
        thread only waits for its lines. Its summary line is the end of the refresh
        for the reader (RefreshFinished: the new headlines); the child then builds the
        indexes (``--index``), and its exit is IndexFinished. Quitting sets ``cancel``:
        the child is stopped.
        """
        from termnews.app.refresh_process import (
            IndexFailed,
            RefreshCancelled,
            RefreshFailed,
            RefreshRequest,
            run_refresh,
        )
        from termnews.core.refresh_progress import (
            STATUS_FAILED,
            STATUS_SKIPPED,
            DoneEvent,
            FeedEvent,
        )

        tn = self.tn
        worker = get_current_worker()
        failures: list[FeedFailure] = []
        skipped = 0
        new = 0
        total = 0
        child: subprocess.Popen[bytes] | None = None
        summarised = False

        def progress(events: Sequence[FeedEvent]) -> None:
            nonlocal skipped, new, total
            for event in events:
                if event.status == STATUS_FAILED:
                    failures.append(
                        FeedFailure(
                            clean_line(event.title),
                            clean_line(event.error or "failed"),
                            event.feed_id,
                        )
                    )
                elif event.status == STATUS_SKIPPED:
                    skipped += 1
            brought = sum(event.new for event in events)
            new += brought
            total = events[-1].total
            finished = tuple(event.feed_id for event in events)
            self.post_message(RefreshProgress(events[-1].done, total, brought, finished))

        def started(proc: subprocess.Popen[bytes]) -> None:
            nonlocal child
            child = proc
            self._pauser.attach(proc)

        def done(summary: DoneEvent) -> None:
            # The headlines now; the child goes on with the indexes (IndexFinished).
            nonlocal summarised
            summarised = True
            totals = summary.totals
            self.post_message(
                RefreshFinished(
                    totals.get("feeds", total),
                    totals.get("new_articles", new),
                    tuple(failures),
                    totals.get("skipped", skipped),
                    indexing=True,
                )
            )

        request = RefreshRequest(
            data_dir=tn.locations.data_dir,
            config_file=tn.config_path,
            offline=tn.offline,
            feed_ids=feed_ids,
            section=section,
        )
        try:
            run_refresh(
                request,
                progress,
                lambda: cancel.is_set() or worker.is_cancelled,
                on_start=started,
                on_done=done,
            )
        except RefreshCancelled:
            return
        except IndexFailed as exc:  # after the summary: the refresh itself is done
            self.post_message(IndexFinished(error=str(exc)))
            return
        except RefreshFailed as exc:
            self.post_message(RefreshFinished(total, new, tuple(failures), skipped, error=str(exc)))
            return
        except Exception as exc:  # following the child broke (a pipe error): one line, not stuck
            if summarised:
                self.post_message(IndexFinished(error=f"index pass failed: {exc}"))
            else:
                self.post_message(
                    RefreshFinished(
                        total, new, tuple(failures), skipped, error=f"refresh failed: {exc}"
                    )
                )
            return
        finally:
            if child is not None:
                self._pauser.detach(child)
        self.post_message(IndexFinished())

    def _child_request(self) -> RefreshRequest:
        """The reader's own cache, config and ``--offline``, for a child."""
        from termnews.app.refresh_process import RefreshRequest

        tn = self.tn
        return RefreshRequest(tn.locations.data_dir, tn.config_path, offline=tn.offline)

    @work(exclusive=True, group="index-check", exit_on_error=False)
    async def index_if_pending(self) -> None:
        """Start an index pass if the cache holds articles the indexes lack.

        At start (cron's ``termnews refresh`` only stores), and after a feed was added
        while a child ran. Asked on the read thread: two reads of the marks, and a
        count when something is left (:func:`termnews.core.indexing.pending`).
        """
        try:
            left = await self.tn.store_thread.read(_left_unindexed)
        except Exception as exc:  # a cache it cannot read: nothing to do here
            self.log.warning(f"looking for unindexed articles failed: {exc!r}")
            return
        if any(left) and not self.refreshing and not self.indexing:
            self.start_index()

    def index_after_change(self) -> None:
        """Articles were stored outside a refresh (a feed added): index them now or after."""
        if self.refreshing or self.indexing:
            self._index_again = True  # the running child may have started its pass before
        else:
            self.start_index()

    def start_index(self) -> None:
        """Build the indexes in a child (``termnews index``), as a refresh's pass does."""
        self.indexing = True
        self.status.indexing = True
        self._refresh_cancel = threading.Event()
        self._index_worker(self._refresh_cancel)

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def _index_worker(self, cancel: threading.Event) -> None:
        """Runs ``termnews index`` in a child, as ``_refresh_worker`` runs the refresh.

        The same group: a refresh started meanwhile stops this pass (its own child
        indexes after it, from where this one got).
        """
        from termnews.app.refresh_process import IndexFailed, RefreshCancelled, run_index

        worker = get_current_worker()
        child: subprocess.Popen[bytes] | None = None

        def started(proc: subprocess.Popen[bytes]) -> None:
            nonlocal child
            child = proc
            self._pauser.attach(proc)

        try:
            run_index(
                self._child_request(),
                lambda: cancel.is_set() or worker.is_cancelled,
                on_start=started,
            )
        except RefreshCancelled:
            return
        except IndexFailed as exc:
            self.post_message(IndexFinished(error=str(exc)))
            return
        except Exception as exc:  # following the child broke: one line, not stuck
            self.post_message(IndexFinished(error=f"index pass failed: {exc}"))
            return
        finally:
            if child is not None:
                self._pauser.detach(child)
        self.post_message(IndexFinished())

    @work(exclusive=True, group="cache-check", exit_on_error=False)
    async def _check_cache_changed(self) -> None:
        """Show what another process wrote: new articles, counts, read marks.

        The lists and counts were read once and then changed only by the reader's own
        actions and refreshes: with 'termnews refresh' run from cron, the reader said
        "2 unread" for good while the cache held 7 (seen by qa17). SQLite's
        ``data_version`` changes when another connection commits (the reader's own
        writes do not change it): checked every :data:`CACHE_CHECK_S`, a change
        reloads the counts and the list, keeping the place, once keys pause. The
        reader's own refresh reloads when it ends; its writes only re-set the mark.
        """
        try:
            version = await self.tn.store_thread.call(_data_version)
        except TermnewsError:
            return
        previous, self._data_version = self._data_version, version
        if previous is None or version == previous or self.refreshing or self.indexing:
            return  # their ends reload (the index pass commits every batch)
        await self._key_pause(RELATED_AFTER_KEYS_S)
        total = self.sections[0].total if self.sections else 0
        await self._reload_sections()
        grown = (self.sections[0].total if self.sections else 0) - total
        self.reload_headlines(keep_place=True, extra=max(0, grown), keep_read_row=True)

    def _awaited_feeds(self, feed_ids: list[int] | None, section: str | None) -> PendingFeeds:
        """The feeds this refresh will read, as the child picks them (see cmd_refresh)."""
        from termnews.core.refresh_progress import PendingFeeds

        wanted = set(feed_ids) if feed_ids is not None else None
        return PendingFeeds(
            (f.id, clean_line(outlet_name(f.title)))
            for f in self.feeds
            if (wanted is None or f.id in wanted) and (section is None or f.section == section)
        )

    def _show_waiting(self) -> None:
        """Once no feed has finished for a while, the top line names one still awaited.

        One slow server held "refreshing 2/3" for up to a minute (total_timeout) with no
        word of which feed it was (seen by qa17). Quiet while keys come is not counted:
        the refresh is stopped then (refresh_pause).
        """
        if not self.refreshing or self._awaited is None:
            return
        waiting = self._awaited.waiting(quiet_since=self._last_key)
        if waiting != self.status.waiting:
            self.status.waiting = waiting

    @on(RefreshProgress)
    def _refresh_progress(self, event: RefreshProgress) -> None:
        if self._awaited is not None:
            for feed_id in event.feed_ids:
                self._awaited.done(feed_id)
        if self.status.waiting is not None:
            self.status.waiting = None  # a feed finished: the next quiet spell says again
        self._new_this_refresh += event.new
        self._new_uncounted += event.new
        self._progress_seen = (event.done, event.total)
        now = time.monotonic()
        if now - self._last_key >= PROGRESS_AFTER_KEYS_S:
            self._show_progress(recount=True)
            return
        # Keys are coming: the counts can wait for a pause, the status line up to a second.
        if now - self._progress_shown_at >= PROGRESS_MAX_WAIT_S:
            self._show_progress(recount=False)
        self._show_progress_after_keys()

    @work(exclusive=True, group="progress", exit_on_error=False)
    async def _show_progress_after_keys(self) -> None:
        """The latest progress, once keys pause (a newer message restarts the wait).

        Each update repaints the status line, and every few seconds the section
        counts; the terminal then draws them too. Done between two key presses, that
        work took the CPU the next press needed (issue 8); the count is no less
        right a fraction of a second later.
        """
        await self._key_pause(PROGRESS_AFTER_KEYS_S)
        self._show_progress(recount=True)

    def _show_progress(self, recount: bool) -> None:
        if not self.refreshing or self._progress_seen is None:
            return  # finished meanwhile: the end of the refresh has shown everything
        now = time.monotonic()
        self.status.progress = self._progress_seen
        self._progress_shown_at = now
        if recount and self._new_uncounted and now - self._last_mid_reload > MID_REFRESH_RELOAD_S:
            # Counts only (one row per feed since the kept counts): the headline list is
            # not rebuilt mid-refresh. Reloading it cost hundreds of ms of UI time per
            # reload while keys were being pressed, and moved the rows under the
            # reader; the new headlines are merged in once, when the refresh ends.
            self._last_mid_reload = now
            self._new_uncounted = 0
            self.reload_sections()
            total = self.headlines.total
            self.headlines.border_subtitle = (
                f"{plural(total, 'article')} · {self._new_this_refresh} new on refresh"
            )

    @work(exclusive=True, group="open-article-update", exit_on_error=False)
    async def _update_open_article(self, shown: Article) -> None:
        """Show the open article again if the refresh rewrote it, where the reader was.

        A feed that corrects a story sends it again with the same guid; the refresh
        stores the new text, but the pane kept the old one until it was opened again.
        One row read by id after each refresh; the pane is redrawn only if what it
        shows changed, and keeps its scroll position (clamped to the new length).
        """
        try:
            fresh = await self.tn.store_thread.read(lambda s: s.article(shown.id))
        except NotFoundError:
            return  # removed (unsubscribed, retention): the pane keeps what it has
        if self.article is not shown or _shown_fields(fresh) == _shown_fields(shown):
            return
        view = self.article_view
        y = view.scroll_y
        self.article = fresh
        await view.show_article(fresh)
        view.call_after_refresh(view.scroll_to, y=y, animate=False)

    @on(RefreshFinished)
    async def _refresh_finished(self, event: RefreshFinished) -> None:
        self.refreshing = False
        # Before the progress goes: the top line then says "indexing…" at once, not
        # first the age it stands in for.
        self.indexing = self.status.indexing = event.indexing
        if not event.indexing and self._index_again:
            self._index_again = False
            self.index_if_pending()
        self._progress_seen = None
        self.status.progress = None
        self.status.waiting = None
        self._awaited = None
        self._data_version = None  # the child's writes are shown below: a new mark next look
        if self._waiting_timer is not None:
            self._waiting_timer.pause()
        if event.feeds - len(event.failures) - event.skipped > 0:
            self.status.last_refresh = datetime.now(UTC)
        await self._reload_sections()
        # A feed unsubscribed (X) while the refresh ran "failed" with "no feed with id".
        subscribed = {f.id for f in self.feeds}
        failures = [f for f in event.failures if f.feed_id is None or f.feed_id in subscribed]
        self.reload_headlines(keep_place=True, extra=event.new, keep_read_row=True)
        if self.article is not None:
            self._update_open_article(self.article)
        if self.article is None and event.new and not self.tn.first_run:
            # The pane still said "Your N feeds have not been fetched yet. Press R".
            await self.article_view.show_message(
                "New articles",
                f"{plural(event.new, 'new article')} arrived. Press `n` to read the first "
                "unread one, or `Enter` on a headline.",
            )
        if event.error:
            self.notify(
                clean_line(event.error), title="Refresh failed", severity="error", timeout=10
            )
            return
        if failures:
            shown = "; ".join(f"{f.title}: {f.error}" for f in failures[:3])
            more = f" (+{len(failures) - 3} more)" if len(failures) > 3 else ""
            self.notify(
                f"{shown}{more}",
                title=f"{len(failures)} of {plural(event.feeds, 'feed')} failed",
                severity="warning",
                timeout=12,
            )
        summary = plural(event.new, "new article")
        if event.skipped and self.tn.offline:
            summary += f"; {plural(event.skipped, 'web feed')} skipped (offline)"
        elif event.skipped:  # online, a feed is skipped for its TTL, a Retry-After or a 410
            summary += f"; {plural(event.skipped, 'feed')} skipped (not due yet, or gone)"
        self.notify(summary, title="Refresh done")

    @on(IndexFinished)
    def _index_finished(self, event: IndexFinished) -> None:
        self.indexing = self.status.indexing = False
        if event.error:
            # The articles are stored and listed; only the indexes are behind, and the
            # next pass (or a search, on first use) catches them up: one quiet line.
            self.notify(clean_line(f"Related stories not updated: {event.error}"), timeout=6)
        if self._index_again:
            self._index_again = False
            self.index_if_pending()
        self._show_indexed()

    @work(exclusive=True, group="after-index", exit_on_error=False)
    async def _show_indexed(self) -> None:
        """Re-read what the index pass changed, once keys pause.

        The Trending section and its count, the saved searches' badges (both come
        with the sections), the list (its "+N sources", a search or Trending listed)
        and the open article's related stories: all were read before the pass, from
        indexes without the new articles.
        """
        await self._key_pause(RELATED_AFTER_KEYS_S)
        try:
            # The mark first: what the pass (or cron) wrote up to it is read below,
            # anything later is seen by the next look (_check_cache_changed).
            self._data_version = await self.tn.store_thread.call(_data_version)
        except TermnewsError:
            self._data_version = None
        await self._reload_sections()
        self.reload_headlines(keep_place=True, keep_read_row=True)
        if self.article is not None:
            self._load_related(self.article.id, changed_only=True)


def _shown_fields(article: Article) -> tuple[object, ...]:
    """What the article pane shows of ``article`` (not its read or starred state)."""
    return (
        article.title,
        article.author,
        article.published,
        article.updated,
        article.summary,
        article.content,
        article.full_content,
        article.full_error,
        article.link,
    )
