"""What the headline list asks the cache for, and how it is fetched page by page.

A :class:`HeadlineQuery` is the list's whole selection: section or feed, the
unread-only toggle, the search text and, for a saved search, its query. Plain
queries page through ``Store.headlines(limit, offset)``. A search (see
:mod:`termnews.app.search_views`) lists its best matches at once; a saved
search without typed text pages newest first like a section.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from termnews.app import search_views
from termnews.core.errors import QueryError
from termnews.core.models import Headline, VirtualSection

if TYPE_CHECKING:
    from termnews.core.search import Query
    from termnews.core.store import Store

PAGE_SIZE = 200
"""Headlines loaded per page."""


@dataclass(frozen=True, slots=True)
class HeadlineQuery:
    """One selection of headlines."""

    section: str
    feed_id: int | None = None
    unread: bool = False
    text: str = ""
    trending_hours: int = 24
    saved_query: str = ""
    """The query of the saved search this view lists (its section is a saved one)."""
    include_muted: bool = False
    """Also list articles hidden by mute rules ("show muted")."""

    @property
    def paged(self) -> bool:
        """False when the whole result comes back in one call (filter, Trending)."""
        return not self.text and self.section != VirtualSection.TRENDING.value

    def _args(self) -> dict[str, object]:
        return {
            "section": self.section,
            "feed_id": self.feed_id,
            "unread": self.unread,
            "include_muted": self.include_muted,
        }

    def _search(self) -> Query | None:
        """The search this view runs, if it is one (None when the text does not parse)."""
        try:
            return search_views.view_query(
                self.text, self.section, self.feed_id, self.unread, self.saved_query
            )
        except QueryError:
            return None

    def first_page(self, store: Store, limit: int = PAGE_SIZE) -> tuple[list[Headline], int]:
        """The first ``limit`` rows and the total the query would list."""
        if self.text or self.saved_query:
            query = self._search()
            if query is None:
                return [], 0
            return search_views.first_rows(
                store, query, ranked=bool(self.text), limit=limit,
                include_muted=self.include_muted,
            )  # fmt: skip
        if self.section == VirtualSection.TRENDING.value and not self.text:
            rows = _trending(store, self.trending_hours)
            if self.unread:
                rows = [h for h in rows if not h.read]
            return rows, len(rows)
        rows = store.headlines(limit=limit, offset=0, **self._args())  # type: ignore[arg-type]
        total = store.count(**self._args())  # type: ignore[arg-type]
        return rows, max(total, len(rows))

    def count(self, store: Store) -> int:
        """How many rows the query lists now (paged queries)."""
        if self.saved_query:
            query = self._search()
            if query is None:
                return 0
            from termnews.core.search import counts

            return counts(store, query, include_muted=self.include_muted)[0]
        return store.count(**self._args())  # type: ignore[arg-type]

    def last_page(self, store: Store, limit: int = PAGE_SIZE) -> tuple[list[Headline], int, int]:
        """The last ``limit`` rows, the total and the first row's offset (for ``G``)."""
        total = self.count(store)
        if self.saved_query:
            start = max(0, total - limit)
            rows = self.page(store, start, limit)
        else:
            rows = store.headlines_beside(None, older=False, limit=limit, **self._args())  # type: ignore[arg-type]
            start = max(0, total - len(rows))
        return rows, max(total, start + len(rows)), start

    def next_page(
        self, store: Store, loaded: Sequence[Headline], start: int, limit: int = PAGE_SIZE
    ) -> list[Headline]:
        """The rows below ``loaded`` (a window whose first row is at offset ``start``)."""
        if self.saved_query or not loaded:
            return self.page(store, start + self.offset_after(loaded), limit)
        return store.headlines_beside(loaded[-1].id, older=True, limit=limit, **self._args())  # type: ignore[arg-type]

    def previous_page(
        self, store: Store, first: Headline, start: int, limit: int = PAGE_SIZE
    ) -> tuple[list[Headline], int]:
        """Up to ``limit`` rows above ``first`` (at offset ``start``), and their first's offset.

        A plain query's rows come by keyset and the offset is counted from ``start``;
        one row more than needed is read to know whether any lie above the page (the
        query may have gained rows above since ``start`` was known): then the offset
        stays above 0, so they remain reachable.
        """
        if self.saved_query:
            begin = max(0, start - limit)
            rows = self.page(store, begin, start - begin)
            return rows, begin if len(rows) == start - begin else 0
        rows = store.headlines_beside(first.id, older=False, limit=limit + 1, **self._args())  # type: ignore[arg-type]
        if len(rows) <= limit:
            return rows, 0
        rows = rows[1:]
        return rows, max(1, start - len(rows))

    def window_at(
        self, store: Store, article_id: int, above: int, below: int
    ) -> tuple[list[Headline], int, int] | None:
        """``above`` rows above ``article_id`` and ``below`` from it on; rows, total, start.

        By keyset, from the article's place now: a reload deep in a long section
        (after ``G``) reads its window, not every row above it. When fewer than half
        a page more lie above the window, they are read too and the window starts at
        the query's first row (a reload near the top lists it from the top). None for
        a saved search (its order is the search engine's, with no cheap position) or
        when the article is gone.
        """
        if self.saved_query or not self.paged:
            return None
        args = self._args()
        where = store.position(article_id, **args)  # type: ignore[arg-type]
        if where is None:
            return None
        if where - above <= PAGE_SIZE // 2:
            above = where
        # One row above at least: the page below the last of them starts at the
        # article (if the query still lists it); with none above, the first page does.
        above = max(above, min(where, 1))
        rows: list[Headline] = []
        if above > 0:
            rows = store.headlines_beside(article_id, older=False, limit=above, **args)  # type: ignore[arg-type]
        start = max(0, where - len(rows))
        anchor = rows[-1].id if rows else None
        rows += store.headlines_beside(anchor, older=True, limit=below, **args)  # type: ignore[arg-type]
        return rows, max(self.count(store), start + len(rows)), start

    def last_unread(self, store: Store, skip: int | None = None) -> int | None:
        """The id of the query's last (oldest) unread row other than ``skip``, by keyset.

        For ``p`` arriving in a view from below: its last unread article may lie far
        past the first page (a section of 100,000), so it is looked up, not scanned
        for. None for a search or Trending (listed whole) or when none is unread.
        """
        if self.saved_query or not self.paged:
            return None
        args = {**self._args(), "unread": True}
        rows = store.headlines_beside(None, older=False, limit=2, **args)  # type: ignore[arg-type]
        ids = [h.id for h in reversed(rows) if h.id != skip]
        return ids[0] if ids else None

    def offset_after(self, loaded: Sequence[Headline]) -> int:
        """Where the next page starts: the loaded rows the query still lists.

        With "unread only" (or in Starred) a row read (unstarred) since it was loaded
        stays in the list but no longer counts in the query's order: an offset of
        every loaded row skipped as many unread articles the next page never showed.
        A saved search's own ``is:unread`` / ``is:starred`` count the same way.
        """
        unread = self.unread
        starred = self.section == VirtualSection.STARRED.value and not self.saved_query
        if self.saved_query:
            query = self._search()
            if query is not None:
                unread = unread or query.unread is True
                starred = query.starred is True
        if not (unread or starred):
            return len(loaded)
        return sum(1 for h in loaded if (h.starred or not starred) and (not h.read or not unread))

    def page(self, store: Store, offset: int, limit: int = PAGE_SIZE) -> list[Headline]:
        """Rows ``offset`` .. ``offset + limit`` (plain queries only)."""
        if not self.paged:
            return []
        if self.saved_query:
            query = self._search()
            if query is None:
                return []
            return search_views.search_rows(
                store, query, ranked=False, offset=offset, limit=limit,
                include_muted=self.include_muted,
            )  # fmt: skip
        return store.headlines(limit=limit, offset=offset, **self._args())  # type: ignore[arg-type]


def _trending(store: Store, hours: int) -> list[Headline]:
    try:
        from termnews.core.related import trending_headlines
    except ImportError:
        return []
    return list(trending_headlines(store, hours=hours))
