"""Everything the reader's first screen shows, read from the cache in one store call.

Why one call, and why it starts before Textual is even imported: the first screen
needs the sections and feeds with their counts, the first page of headlines of the
view the reader left, and the article to open. Asked for one after the other from
the main screen's start-up worker, each waited for the one before (and for the
mute-rule check queued between them), and none could start before the app had
imported Textual, composed and mounted its widgets (most of a start). The factory
now hands :func:`load_first_screen` to the store thread as soon as the store thread
exists, and the screen fills in one go when it is done.

It is read *before* Textual is imported, not beside it (the factory waits for it,
up to ``FIRST_SCREEN_ALONE_S``): ``sqlite3`` releases the GIL around every step of
a query and takes it back for each row it returns, so beside the importing main
thread each of the ~1,200 rows read here (1,000 feeds, 200 headlines) waited for a
GIL switch and made the main thread give the GIL up. Measured in the pty at 100,000
articles (session 20): the read took ~150 ms of wall and ~45 ms of CPU on the store
thread instead of ~11 ms and ~12 ms alone, and the main thread ~20 ms longer to
import; waiting for it first brought the first full screen ~25 ms sooner.

This module must not import Textual (it is imported before it): it resolves the view
to plain values, and the main screen turns them into its ``View``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from termnews.app.headline_query import PAGE_SIZE, HeadlineQuery
from termnews.app.search_views import load_saved, saved_name, saved_sections
from termnews.app.state import UiState
from termnews.core.config import Config
from termnews.core.errors import NotFoundError
from termnews.core.models import Article, Feed, Headline, Section, VirtualSection
from termnews.core.search.mute import sync_mute_rules
from termnews.core.store import Store
from termnews.core.text import clean_line
from termnews.core.trending import trending_count

if TYPE_CHECKING:
    from termnews.core.search import SavedSearch


def with_trending(sections: list[Section], store: Store, hours: int) -> list[Section]:
    """Add the Trending section (stories told by several feeds) after Starred.

    Shown once the related-stories engine groups stories; its count is the number of
    trending stories in the last ``hours``.
    """
    if any(s.name == VirtualSection.TRENDING.value for s in sections):
        return sections
    count = trending_count(store, hours=hours)
    section = Section(VirtualSection.TRENDING.value, count, 0, virtual=True)
    at = next((i + 1 for i, s in enumerate(sections) if s.name == VirtualSection.STARRED.value), 0)
    return [*sections[:at], section, *sections[at:]]


@dataclass(frozen=True)
class FirstScreen:
    """The first screen's data, as read in one go on the store thread."""

    sections: list[Section]
    """The cache's sections with counts, Trending included, saved searches not."""
    feeds: list[Feed]
    saved: list[SavedSearch]
    section: str
    """The view to show: the saved one if it still exists, else All."""
    feed_id: int | None
    feed_title: str | None
    rows: list[Headline]
    total: int
    article: Article | None
    """The article to open: the one the reader left open, else the first headline."""
    restored: bool
    """True when ``article`` is the one left open (it is not marked read again)."""
    missing_article: bool
    """The article left open is no longer in the cache."""


def _view(
    state: UiState, sections: list[Section], saved: list[SavedSearch], feeds: list[Feed]
) -> tuple[str, int | None, str | None]:
    """The saved section (or feed) if the section list will show it, else All.

    The same rule as the section list's nodes: a feed is shown under its section when
    that section is a real one; a section name is shown if listed (saved searches too).
    """
    listed = {s.name for s in sections} | {s.name for s in saved_sections(saved)}
    real = {s.name for s in sections if not s.virtual}
    if state.section is not None and state.feed_id is not None:
        feed = next((f for f in feeds if f.id == state.feed_id), None)
        if feed is not None and feed.section in real:
            return feed.section, feed.id, clean_line(feed.title)
    elif state.section is not None and state.section in listed:
        return state.section, None, None
    return VirtualSection.ALL.value, None, None


def load_first_screen(
    store: Store, state: UiState, config: Config, *, unread_only: bool, first_run: bool
) -> FirstScreen:
    """Read the first screen (runs on the store thread).

    The mute rules are brought up to date first, as the start-up always did, so the
    counts and headlines already leave out what they mute.
    """
    sync_mute_rules(store, config)
    hours = config.related.trending_hours
    sections = with_trending(store.sections(), store, hours)
    feeds = store.feeds()
    saved = load_saved(store, config.search.saved)
    section, feed_id, feed_title = _view(state, sections, saved, feeds)
    name = saved_name(section)
    saved_query = next((s.query for s in saved if s.name == name), "") if name else ""
    query = HeadlineQuery(
        section=section,
        feed_id=feed_id,
        unread=unread_only,
        trending_hours=hours,
        saved_query=saved_query,
    )
    rows, total = query.first_page(store, PAGE_SIZE)
    article: Article | None = None
    restored = missing = False
    if not first_run and feeds:
        if state.article_id is not None:
            try:
                article = store.article(state.article_id)
                restored = True
            except NotFoundError:
                missing = True
        elif rows:
            article = store.article(rows[0].id)
    return FirstScreen(
        sections=sections,
        feeds=feeds,
        saved=saved,
        section=section,
        feed_id=feed_id,
        feed_title=feed_title,
        rows=rows,
        total=total,
        article=article,
        restored=restored,
        missing_article=missing,
    )
