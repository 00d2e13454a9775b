"""Which stories trend: told by the most distinct feeds in the last hours.

The grouping query alone, apart from :mod:`termnews.core.related` (which builds the
Trending list's rows from it): the reader's first screen shows the Trending
section's count, and importing the related-stories engine for one query was
~15 ms of its start-up (issue 8).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from termnews.core.store import Store

TRENDING_LIMIT = 30
"""Stories listed in Trending."""


def trending_groups(
    store: Store, hours: float = 24, limit: int = TRENDING_LIMIT, now: float | None = None
) -> list[tuple[int, int, int, float]]:
    """``(story_id, feeds, articles, latest sort_ts)`` of the trending stories, best first.

    A story trends when at least two distinct feeds told it since ``hours`` ago.
    Articles a mute rule hides do not count (mute rules hide from every list).
    The window's articles come from the time index, and each one's story from the
    narrow ``article_stories`` (CROSS JOIN keeps that order): an article outside
    any story has no row there.
    """
    since = (time.time() if now is None else now) - hours * 3600.0
    return store.conn.execute(
        "SELECT s.story_id, count(DISTINCT a.feed_id) AS n, count(*), max(a.sort_ts) AS latest "
        "FROM articles a INDEXED BY idx_articles_ts CROSS JOIN article_stories s"
        " ON s.article_id = a.id WHERE a.sort_ts >= ? AND a.muted = 0 "
        "GROUP BY s.story_id HAVING n >= 2 ORDER BY n DESC, latest DESC LIMIT ?",
        (since, limit),
    ).fetchall()


def trending_count(store: Store, hours: float = 24, now: float | None = None) -> int:
    """How many stories the Trending section lists."""
    return len(trending_groups(store, hours, TRENDING_LIMIT, now))
