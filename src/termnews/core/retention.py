"""Retention: how old articles leave the cache (``termnews cleanup``).

The rules protect what a user cares about: starred articles are never removed,
and unread articles younger than ``keep_unread_days`` stay even past the age
limit, so a week away from the terminal does not silently eat the news.

What cleanup removes stays removed: the keys of removed articles are kept
(``removed_entries``, schema 9) so that a refresh does not bring back, as new
and unread, an entry its feed still lists.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from termnews.core.config import RetentionConfig
from termnews.core.store import Store
from termnews.core.store.schema import FORGET_REMOVED_DAYS

_DAY = 86400.0


@dataclass(frozen=True, slots=True)
class CleanupResult:
    """What a cleanup removed and how the file size changed."""

    removed: int
    bytes_before: int
    bytes_after: int


def _removable_ids(store: Store, rules: RetentionConfig, now: float) -> list[int]:
    protect_unread_after = now - rules.keep_unread_days * _DAY
    ids: set[int] = set()
    if rules.max_age_days:
        cutoff = now - rules.max_age_days * _DAY
        ids.update(
            r[0]
            for r in store.conn.execute(
                "SELECT id FROM articles WHERE starred = 0 AND sort_ts < ? "
                "AND (read = 1 OR sort_ts < ?)",
                (cutoff, protect_unread_after),
            )
        )
    if rules.max_per_feed:
        ids.update(
            r[0]
            for r in store.conn.execute(
                "SELECT id FROM (SELECT id, starred, read, sort_ts, row_number() OVER "
                "(PARTITION BY feed_id ORDER BY sort_ts DESC, id DESC) AS n FROM articles) "
                "WHERE n > ? AND starred = 0 AND (read = 1 OR sort_ts < ?)",
                (rules.max_per_feed, protect_unread_after),
            )
        )
    return sorted(ids)


def cleanup(
    store: Store, rules: RetentionConfig, vacuum: bool = True, now: float | None = None
) -> CleanupResult:
    """Apply the retention rules, then vacuum so the file really shrinks."""
    before = store.stats()["bytes"]
    now = time.time() if now is None else now
    ids = _removable_ids(store, rules, now)
    with store.transaction() as conn:
        store.remove_articles(conn, ids, now)
        store.forget_removed(conn, now - FORGET_REMOVED_DAYS * _DAY)
        store.index_missed(conn)
    if vacuum:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.conn.execute("VACUUM")
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return CleanupResult(len(ids), before, store.stats()["bytes"])
