"""Retention never removes starred (or recent unread) articles; cleanup shrinks the cache."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from termnews.core.config import RetentionConfig
from termnews.core.models import EntryData, ParsedFeed
from termnews.core.retention import cleanup
from termnews.core.store import Store


def _entries(days_old: list[int]) -> ParsedFeed:
    now = datetime.now(UTC)
    return ParsedFeed(
        title="F",
        entries=tuple(
            EntryData(
                guid=f"g{i}",
                link=None,
                title=f"T{i}",
                content="x " * 200,
                published=now - timedelta(days=d),
            )
            for i, d in enumerate(days_old)
        ),
    )


def test_age_rule_keeps_starred_and_recent_unread(tmp_path: Path) -> None:
    with Store.open(tmp_path / "c.db") as store:
        feed, _ = store.add_feed("https://a.example/rss")
        store.ingest(feed.id, _entries([1, 40, 50, 60, 70]))
        store.index_pending()
        by_title = {a.title: a.id for a in store.articles()}
        store.set_read([by_title["T1"], by_title["T2"], by_title["T0"]])
        store.set_starred([by_title["T2"]])
        rules = RetentionConfig(max_age_days=30, keep_unread_days=65)
        result = cleanup(store, rules)
        left = {a.title for a in store.articles()}
        # T1 read & old -> gone; T2 starred -> kept; T3 unread 60d < 65 -> kept;
        # T4 unread 70d > 65 -> gone; T0 young -> kept.
        assert left == {"T0", "T2", "T3"}
        assert result.removed == 2
        store.conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")


def test_per_feed_cap_never_removes_starred(tmp_path: Path) -> None:
    with Store.open(tmp_path / "c.db") as store:
        feed, _ = store.add_feed("https://a.example/rss")
        store.ingest(feed.id, _entries(list(range(1, 21))))
        oldest = store.articles(limit=100)[-1]
        store.set_starred([oldest.id])
        store.mark_all_read()
        cleanup(store, RetentionConfig(max_per_feed=5, keep_unread_days=0), now=time.time())
        left = store.articles(limit=100)
        assert len(left) == 6 and oldest.id in {a.id for a in left}


def test_no_rules_removes_nothing(tmp_path: Path) -> None:
    with Store.open(tmp_path / "c.db") as store:
        feed, _ = store.add_feed("https://a.example/rss")
        store.ingest(feed.id, _entries([400, 800]))
        assert cleanup(store, RetentionConfig()).removed == 0
        assert len(store.articles()) == 2


def test_articles_after_a_cleanup_of_the_newest_ids_are_indexed(tmp_path: Path) -> None:
    # The ids a cleanup frees at the top are handed out again: below the full-text
    # index's mark, those articles were never indexed (settle_watermarks).
    from termnews.core.search import search

    with Store.open(tmp_path / "c.db") as store:
        feed, _ = store.add_feed("https://a.example/rss")
        store.ingest(feed.id, _entries([1, 2]))
        old, _ = store.add_feed("https://old.example/rss")
        store.ingest(old.id, _entries([80, 90]))  # the highest ids, and the oldest
        store.index_pending()
        store.mark_all_read()
        assert cleanup(store, RetentionConfig(max_age_days=30, keep_unread_days=0)).removed == 2
        store.ingest(
            old.id,
            ParsedFeed("F", (EntryData(guid="n1", link=None, title="Lighthouse restored"),)),
        )
        store.index_pending()
        assert [h.title for h in search(store, "lighthouse")] == ["Lighthouse restored"]
        store.conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
