"""What the headline list asks the cache for, and how it is fetched page by page.

A :class:`HeadlineQuery` is the list's whole selection: section or feed, the
unread-only toggle and the title filter. Plain queries page through
``Store.headlines(limit, offset)``. The title filter is a stopgap until
full-text search replaces the search bar: it scans titles in chunks on the
store thread and returns every match at once (a filtered list is short, and the
list widget adds thousands of rows in milliseconds).
"""

from __future__ import annotations

from dataclasses import dataclass

from termnews.core.models import Headline, VirtualSection
from termnews.core.store import Store

PAGE_SIZE = 200
"""Headlines loaded per page."""
_SCAN_CHUNK = 2000
MAX_FILTER_MATCHES = 10_000


@dataclass(frozen=True, slots=True)
class HeadlineQuery:
    """One selection of headlines."""

    section: str
    feed_id: int | None = None
    unread: bool = False
    text: str = ""
    trending_hours: int = 24

    @property
    def paged(self) -> bool:
        """False when the whole result comes back in one call (filter, Trending)."""
        return not self.text and self.section != VirtualSection.TRENDING.value

    def _args(self) -> dict[str, object]:
        return {"section": self.section, "feed_id": self.feed_id, "unread": self.unread}

    def first_page(self, store: Store, limit: int = PAGE_SIZE) -> tuple[list[Headline], int]:
        """The first ``limit`` rows and the total the query would list."""
        if self.section == VirtualSection.TRENDING.value and not self.text:
            rows = _trending(store, self.trending_hours)
            if self.unread:
                rows = [h for h in rows if not h.read]
            return rows, len(rows)
        if self.text:
            rows = self._filtered(store)
            return rows, len(rows)
        rows = store.headlines(limit=limit, offset=0, **self._args())  # type: ignore[arg-type]
        total = store.count(**self._args())  # type: ignore[arg-type]
        return rows, max(total, len(rows))

    def page(self, store: Store, offset: int, limit: int = PAGE_SIZE) -> list[Headline]:
        """Rows ``offset`` .. ``offset + limit`` (plain queries only)."""
        if not self.paged:
            return []
        return store.headlines(limit=limit, offset=offset, **self._args())  # type: ignore[arg-type]

    def _filtered(self, store: Store) -> list[Headline]:
        words = self.text.casefold().split()
        found: list[Headline] = []
        offset = 0
        while len(found) < MAX_FILTER_MATCHES:
            chunk = store.headlines(limit=_SCAN_CHUNK, offset=offset, **self._args())  # type: ignore[arg-type]
            if not chunk:
                break
            for h in chunk:
                title = h.title.casefold()
                if all(w in title for w in words):
                    found.append(h)
            offset += len(chunk)
        return found[:MAX_FILTER_MATCHES]


def _trending(store: Store, hours: int) -> list[Headline]:
    try:
        from termnews.core.related import trending_headlines
    except ImportError:
        return []
    return list(trending_headlines(store, hours=hours))
