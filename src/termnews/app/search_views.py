"""Search in the reader: the search bar's results and saved searches as sections.

Two things become headline lists here, both through the core's query language:

* **The search bar** searches the list on screen: in All, everything; in a
  section or a feed, just that (as newsboat's ``/`` does); with "unread only" on,
  unread articles. Results come best first, with the matched words marked.
* **Saved searches** (``[search] saved`` in the config, plus those saved from the
  palette into the cache) appear after the sections as virtual sections whose
  names start with :data:`SAVED_PREFIX`. Their list is newest first and paged like
  a section's; typing in the search bar narrows it further (the two queries are
  joined, since every term must match anyway).

Everything here runs on the store thread (it is handed a :class:`Store`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from termnews.core.models import Headline, Section, VirtualSection

if TYPE_CHECKING:
    from termnews.core.search import Query, SavedCount, SavedSearch
    from termnews.core.store import Store

# The query engine (parser, FTS5 search, counts) is imported by the functions that
# run a query: the reader's first screen lists a section, never a search, and the
# engine's import was ~30 ms of its start-up (issue 8).

SAVED_PREFIX = "⌕ "
"""Marks a section-list entry that is a saved search (no feed's section starts so)."""
MAX_RESULTS = 500
"""Search-bar results listed at once (best first; refine the query for more)."""


def saved_section(name: str) -> str:
    """The section-list name of the saved search ``name``."""
    return SAVED_PREFIX + name


def saved_name(section: str) -> str | None:
    """The saved search a section-list name stands for, or None for a real section."""
    return section[len(SAVED_PREFIX) :] if section.startswith(SAVED_PREFIX) else None


def load_saved(store: Store, configured: Mapping[str, str]) -> list[SavedSearch]:
    """Saved searches from the config and the cache, in display order."""
    from termnews.core.search.saved import saved_searches

    return saved_searches(store, configured)


def saved_sections(
    saved: Sequence[SavedSearch], numbers: Mapping[str, SavedCount] | None = None
) -> list[Section]:
    """Section-list entries for saved searches; counts are 0 until ``numbers`` arrive."""
    out: list[Section] = []
    for s in saved:
        n = (numbers or {}).get(s.name)
        total, unread = (n.total, n.unread) if n is not None and n.error is None else (0, 0)
        out.append(Section(saved_section(s.name), total, unread, virtual=True))
    return out


def count_saved(store: Store, saved: Sequence[SavedSearch]) -> dict[str, SavedCount]:
    """Badges for the saved-search sections (run after start-up, never before it)."""
    from termnews.core.search import saved_search_counts

    return saved_search_counts(store, {s.name: s.query for s in saved})


_STATE_VIEWS = frozenset(
    {
        VirtualSection.ALL.value,
        VirtualSection.UNREAD.value,
        VirtualSection.STARRED.value,
        VirtualSection.TRENDING.value,
    }
)
"""Virtual sections that stand for a state, not a place: ``section:``/``feed:`` narrow them."""


def names_a_place(text: str) -> bool:
    """Whether typed ``text`` has its own ``section:`` or ``feed:`` filter.

    Such a filter says where to look, so it takes the place of the section or feed
    on screen instead of narrowing it (``feed:x`` typed inside another feed found
    nothing at all, whatever ``x`` was).
    """
    from termnews.core.errors import QueryError
    from termnews.core.search.query import parse_query

    try:
        query = parse_query(text, partial=True)
    except QueryError:
        return False
    return bool(query.sections or query.feeds)


def scoped_text(text: str, section: str, feed_title: str | None, saved_query: str = "") -> str:
    """What typed ``text`` means in this view, as a query that stands on its own.

    Saving a search made inside a section or a feed keeps that scope, written
    in the query language so it reads back in the config or ``--saved`` list.
    """

    def quoted(value: str) -> str:
        return '"' + value.replace('"', "") + '"'

    parts = [saved_query.strip(), text.strip()]
    if saved_name(section) is None:
        in_a_place = feed_title is not None or section not in _STATE_VIEWS
        if in_a_place and names_a_place(text):
            return " ".join(p for p in parts if p)
        if feed_title is not None:
            parts.append(f"feed:{quoted(feed_title)}")
        elif section == VirtualSection.UNREAD.value:
            parts.append("is:unread")
        elif section == VirtualSection.STARRED.value:
            parts.append("is:starred")
        elif section not in (VirtualSection.ALL.value, VirtualSection.TRENDING.value):
            parts.append(f"section:{quoted(section)}")
    return " ".join(p for p in parts if p)


def view_query(
    text: str,
    section: str,
    feed_id: int | None = None,
    unread: bool = False,
    saved_query: str = "",
) -> Query:
    """The query a view runs: its saved query, what was typed, scoped to the view."""
    from termnews.core.search import parse_query

    joined = " ".join(t for t in (saved_query.strip(), text.strip()) if t)
    query = parse_query(joined, partial=bool(text.strip()))
    typed_place = bool(query.sections or query.feeds)
    if saved_name(section) is None and not (
        typed_place and (feed_id is not None or section not in _STATE_VIEWS)
    ):
        if feed_id is not None:
            query = replace(query, feed_ids=(feed_id,))
        elif section == VirtualSection.UNREAD.value:
            query = replace(query, unread=True)
        elif section == VirtualSection.STARRED.value:
            query = replace(query, starred=True)
        elif section not in (VirtualSection.ALL.value, VirtualSection.TRENDING.value):
            query = replace(query, sections=(*query.sections, section))
    if unread:
        query = replace(query, unread=True)
    return query


def search_rows(
    store: Store,
    query: Query,
    *,
    ranked: bool,
    offset: int = 0,
    limit: int = MAX_RESULTS,
    include_muted: bool = False,
) -> list[Headline]:
    """Rows for the headline list: best first when ``ranked``, else newest first."""
    from termnews.core.search import search

    hits = search(
        store,
        query,
        limit=limit,
        offset=offset,
        order="relevance" if ranked and query.has_text else "newest",
        include_muted=include_muted,
    )
    return [h.headline() for h in hits]


def first_rows(
    store: Store,
    query: Query,
    *,
    ranked: bool,
    limit: int,
    include_muted: bool = False,
) -> tuple[list[Headline], int]:
    """The first rows and the total: a ranked search lists all it shows at once."""
    if ranked:
        rows = search_rows(
            store, query, ranked=True, limit=MAX_RESULTS, include_muted=include_muted
        )
        return rows, len(rows)
    from termnews.core.search import counts

    rows = search_rows(store, query, ranked=False, limit=limit, include_muted=include_muted)
    total, _ = counts(store, query, include_muted=include_muted)
    return rows, max(total, len(rows))
