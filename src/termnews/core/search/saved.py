"""Saved searches: named queries shown as sections, with their own counts.

They come from two places. ``[search] saved`` in the config file is the user's
own, hand-edited list; termnews never writes that file (comments and layout stay
theirs, see :mod:`termnews.core.config`). Searches saved from the TUI ("save this
search") go to the ``saved_searches`` table of the cache instead, next to the
subscriptions, so the CLI and the TUI see the same list. On a name clash the
config file wins.

Listing them needs no query engine (the reader's first screen lists them before
anything is searched): the parser and the counter are imported where a query runs.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from termnews.core.errors import QueryError
from termnews.core.store import Store
from termnews.core.text import clean_line

MAX_NAME_CHARS = 60


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A named query, and where it is kept."""

    name: str
    query: str
    source: Literal["config", "cache"]


@dataclass(frozen=True, slots=True)
class SavedCount:
    """A saved search's badge: matching articles, unread ones, or why it cannot run."""

    total: int
    unread: int
    error: str | None = None


def saved_searches(store: Store, configured: Mapping[str, str]) -> list[SavedSearch]:
    """Config searches (in file order), then those saved from the TUI (in saved order)."""
    result = [SavedSearch(clean_line(n), q, "config") for n, q in configured.items()]
    names = {s.name.casefold() for s in result}
    for row in store.conn.execute(
        "SELECT name, query FROM saved_searches ORDER BY position, created"
    ):
        if str(row[0]).casefold() not in names:
            result.append(SavedSearch(row[0], row[1], "cache"))
    return result


def save_search(store: Store, name: str, query: str) -> SavedSearch:
    """Keep ``query`` under ``name`` in the cache (replacing a search of that name)."""
    name = clean_line(name)
    if not name:
        raise QueryError("a saved search needs a name")
    if len(name) > MAX_NAME_CHARS:
        raise QueryError(f"saved search names are at most {MAX_NAME_CHARS} characters")
    from termnews.core.search.query import parse_query

    query = query.strip()
    if parse_query(query).is_empty:
        raise QueryError("cannot save an empty search")
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO saved_searches(name, query, position, created) VALUES (?, ?, "
            "(SELECT coalesce(max(position), 0) + 1 FROM saved_searches), ?) "
            "ON CONFLICT(name) DO UPDATE SET query = excluded.query",
            (name, query, time.time()),
        )
    return SavedSearch(name, query, "cache")


def delete_saved_search(store: Store, name: str) -> bool:
    """Forget a search saved in the cache; False if there is none by that name."""
    with store.transaction() as conn:
        n = conn.execute(
            "DELETE FROM saved_searches WHERE name = ? COLLATE NOCASE", (clean_line(name),)
        ).rowcount
    return n > 0


def saved_search_counts(
    store: Store, saved: Mapping[str, str], now: datetime | None = None
) -> dict[str, SavedCount]:
    """(total, unread) per saved search; a query that does not parse gets its error instead.

    Meant for a worker thread: the UI shows the section list at once and fills
    the badges in when this returns (start-up never waits for it).
    """
    from termnews.core.search.execute import counts
    from termnews.core.search.query import parse_query

    now = now or datetime.now(UTC)
    result: dict[str, SavedCount] = {}
    for name, text in saved.items():
        try:
            total, unread = counts(store, parse_query(text, now=now), now=now)
        except QueryError as exc:
            result[name] = SavedCount(0, 0, str(exc))
            continue
        result[name] = SavedCount(total, unread)
    return result
