"""Store.feeds reads tuples in Feed's field order: it must equal the Row-based reading."""

from __future__ import annotations

from pathlib import Path

from termnews.core.models import EntryData, ParsedFeed
from termnews.core.store import Store


def test_feeds_match_the_row_by_row_reading(tmp_path: Path) -> None:
    with Store.open(tmp_path / "t.db") as store:
        a, _ = store.add_feed("http://a.example/feed", title="A", section="World")
        store.add_feed("http://b.example/feed", title="B", section="Tech", site_url="http://b")
        entries = tuple(
            EntryData(guid=f"g{i}", link=None, title=f"T{i}", content="x") for i in range(3)
        )
        store.ingest(a.id, ParsedFeed(title="A", entries=entries))
        store.conn.execute(
            "UPDATE feeds SET etag = 'e', last_modified = 'm', last_checked = 1.5e9, "
            "last_success = 1.6e9, last_error = 'boom', failures = 2, next_check = 1.7e9, "
            "dead = 1, full_text = 1 WHERE id = ?",
            (a.id,),
        )
        rows = store.conn.execute(
            "SELECT f.*, coalesce(c.total, 0) AS total, coalesce(c.unread, 0) AS unread "
            "FROM feeds f LEFT JOIN sections s ON s.name = f.section "
            "LEFT JOIN feed_counts c ON c.feed_id = f.id "
            "ORDER BY coalesce(s.position, 1e9), f.section, lower(f.title)"
        ).fetchall()
        expected = [Store._feed(r) for r in rows]
        assert store.feeds() == expected
        assert expected[0].total == 3 and expected[0].dead and expected[0].last_success


def test_feed_article_counts_count_what_remove_feed_deletes(tmp_path: Path) -> None:
    # The reader says this before it unsubscribes: starred and muted articles go too.
    with Store.open(tmp_path / "t.db") as store:
        a, _ = store.add_feed("http://a.example/feed", title="A", section="World")
        b, _ = store.add_feed("http://b.example/feed", title="B", section="World")
        entries = tuple(
            EntryData(guid=f"g{i}", link=None, title=f"T{i}", content="x") for i in range(4)
        )
        store.ingest(a.id, ParsedFeed(title="A", entries=entries))
        store.ingest(b.id, ParsedFeed(title="B", entries=entries[:1]))
        ids = [
            r[0] for r in store.conn.execute("SELECT id FROM articles WHERE feed_id = ?", (a.id,))
        ]
        store.set_starred(ids[:2])
        store.conn.execute("UPDATE articles SET muted = 1 WHERE id = ?", (ids[3],))
        assert store.feed_article_counts(a.id) == (4, 2)
        assert store.feed_article_counts(b.id) == (1, 0)
        assert store.remove_feed(a.id) == 4
        assert store.feed_article_counts(a.id) == (0, 0)
