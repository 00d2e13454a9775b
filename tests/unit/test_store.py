"""The SQLite cache: migrations, idempotent ingest, state kept, counts, FTS."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from termnews.core.errors import NotFoundError, StoreError
from termnews.core.models import EntryData, ParsedFeed
from termnews.core.store import Store
from termnews.core.store.schema import SCHEMA_VERSION


def _entry(n: int, **kw: object) -> EntryData:
    base: dict[str, object] = {
        "guid": f"g{n}",
        "link": f"https://e.example/{n}",
        "title": f"Title {n}",
        "published": datetime(2026, 11, 1 + n % 20, tzinfo=UTC),
        "summary": f"summary {n}",
        "content": f"content number {n}",
    }
    base.update(kw)
    return EntryData(**base)  # type: ignore[arg-type]


def _feed(*entries: EntryData) -> ParsedFeed:
    return ParsedFeed(title="F", entries=entries)


def test_new_cache_is_migrated_and_marked(db_path: Path) -> None:
    with Store.open(db_path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # Reopening is a no-op migration.
    with Store.open(db_path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_migration_from_older_version_keeps_data(db_path: Path) -> None:
    from termnews.core.store import schema

    with Store.open(db_path) as store:
        feed, _ = store.add_feed("https://a.example/rss", "A", "World")
        store.ingest(feed.id, _feed(_entry(1)))
    extra = ["CREATE TABLE extra_for_test (x INTEGER)"]
    schema.MIGRATIONS.append(extra)
    try:
        from termnews.core.store import db as dbmod

        old = dbmod.SCHEMA_VERSION
        dbmod.SCHEMA_VERSION = len(schema.MIGRATIONS)
        try:
            with Store.open(db_path) as store:
                assert store.conn.execute("PRAGMA user_version").fetchone()[0] == old + 1
                store.conn.execute("SELECT count(*) FROM extra_for_test").fetchone()
                assert len(store.articles()) == 1
        finally:
            dbmod.SCHEMA_VERSION = old
    finally:
        schema.MIGRATIONS.pop()


def test_a_version_5_cache_gains_the_search_index_and_keeps_its_articles(db_path: Path) -> None:
    with Store.open(db_path) as store:
        feed, _ = store.add_feed("https://a.example/rss", "A", "World")
        store.ingest(feed.id, _feed(_entry(1), _entry(2)))
        store.index_pending()
        # As a cache written before schema 6 was.
        store.conn.execute("DROP INDEX idx_articles_search")
        store.conn.execute("PRAGMA user_version = 5")
    with Store.open(db_path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        plan = " ".join(
            str(r[3])
            for r in store.conn.execute(
                "EXPLAIN QUERY PLAN SELECT a.id FROM articles_fts CROSS JOIN articles a"
                " INDEXED BY idx_articles_search ON a.id = articles_fts.rowid"
                " WHERE articles_fts MATCH 'x' AND a.read = 0"
            )
        )
        assert "COVERING INDEX idx_articles_search" in plan
        assert len(store.articles()) == 2


def test_newer_schema_is_refused(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    with pytest.raises(StoreError, match="newer"):
        Store.open(db_path)


def test_ingest_is_idempotent_and_keeps_state(db_path: Path) -> None:
    with Store.open(db_path) as store:
        feed, new = store.add_feed("https://a.example/rss", "A", "World")
        assert new
        first = store.ingest(feed.id, _feed(_entry(1), _entry(2), _entry(3)))
        assert (first.new, first.updated, first.unchanged) == (3, 0, 0)
        ids = [a.id for a in store.articles()]
        store.set_read(ids[:1])
        store.set_starred(ids[1:2])
        again = store.ingest(feed.id, _feed(_entry(1), _entry(2), _entry(3)))
        assert (again.new, again.updated, again.unchanged) == (0, 0, 3)
        changed = store.ingest(feed.id, _feed(_entry(1, title="New title"), _entry(2), _entry(3)))
        assert (changed.new, changed.updated) == (0, 1)
        arts = {a.id: a for a in store.articles()}
        assert len(arts) == 3
        assert arts[ids[0]].read and arts[ids[1]].starred
        assert any(a.title == "New title" for a in arts.values())


def test_dedupe_fallbacks_link_then_hash(db_path: Path) -> None:
    with Store.open(db_path) as store:
        feed, _ = store.add_feed("https://a.example/rss")
        no_guid = _entry(1, guid=None)
        nothing = _entry(2, guid=None, link=None)
        dup_in_feed = _entry(3)
        r = store.ingest(feed.id, _feed(no_guid, nothing, dup_in_feed, dup_in_feed))
        assert r.new == 3
        r = store.ingest(feed.id, _feed(no_guid, nothing, dup_in_feed))
        assert r.new == 0
        guids = sorted(a.guid for a in store.articles())
        assert "https://e.example/1" in guids
        assert any(g.startswith("sha1:") for g in guids)


def test_same_guid_in_two_feeds_is_two_articles(db_path: Path) -> None:
    with Store.open(db_path) as store:
        a, _ = store.add_feed("https://a.example/rss")
        b, _ = store.add_feed("https://b.example/rss")
        store.ingest(a.id, _feed(_entry(1)))
        store.ingest(b.id, _feed(_entry(1)))
        assert len(store.articles()) == 2


def test_sections_counts_and_virtual(db_path: Path) -> None:
    with Store.open(db_path) as store:
        w, _ = store.add_feed("https://w.example/rss", "W", "World")
        t, _ = store.add_feed("https://t.example/rss", "T", "Tech")
        store.ingest(w.id, _feed(_entry(1), _entry(2)))
        store.ingest(t.id, _feed(_entry(3)))
        store.set_read([store.articles(section="World")[0].id])
        store.set_starred([store.articles(section="Tech")[0].id])
        sections = {s.name: s for s in store.sections()}
        assert [s.name for s in store.sections()][:3] == ["All", "Unread", "Starred"]
        assert (sections["All"].total, sections["All"].unread) == (3, 2)
        assert sections["Starred"].total == 1
        assert (sections["World"].total, sections["World"].unread) == (2, 1)
        assert store.count(section="Unread") == 2
        assert [h.title for h in store.headlines(section="Starred")] == ["Title 3"]
        assert store.mark_all_read(section="World") == 1
        assert store.count(section="World", unread=True) == 0


def test_headlines_newest_first_with_paging(db_path: Path) -> None:
    with Store.open(db_path) as store:
        f, _ = store.add_feed("https://a.example/rss", "A", "World")
        store.ingest(f.id, _feed(*(_entry(n) for n in range(1, 15))))
        page1 = store.headlines(section="World", limit=5)
        page2 = store.headlines(section="World", limit=5, offset=5)
        dates = [h.published for h in page1 + page2]
        assert dates == sorted(dates, reverse=True)
        assert not {h.id for h in page1} & {h.id for h in page2}


def test_fts_index_batches_and_follows_updates(db_path: Path) -> None:
    with Store.open(db_path) as store:
        f, _ = store.add_feed("https://a.example/rss")
        store.ingest(f.id, _feed(_entry(1, content="zebra crossing"), _entry(2)))
        assert store.index_pending() == 2
        assert store.index_pending() == 0

        def match(q: str) -> int:
            sql = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?"
            return int(store.conn.execute(sql, (q,)).fetchone()[0])

        assert match("zebra") == 1
        store.ingest(f.id, _feed(_entry(1, content="giraffe crossing"), _entry(2)))
        assert match("zebra") == 0 and match("giraffe") == 1
        store.remove_feed(f.id)
        assert match("giraffe") == 0
        store.conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")


def test_remove_feed_and_find(db_path: Path) -> None:
    with Store.open(db_path) as store:
        f, _ = store.add_feed("https://a.example/rss", "Alpha", "World")
        assert store.find_feed("alpha").id == f.id
        assert store.find_feed(str(f.id)).id == f.id
        assert store.find_feed("https://a.example/rss").id == f.id
        store.ingest(f.id, _feed(_entry(1)))
        assert store.remove_feed(f.id) == 1
        with pytest.raises(NotFoundError):
            store.find_feed("alpha")
        assert [s.name for s in store.sections()] == ["All", "Unread", "Starred"]


def test_adding_same_url_twice_keeps_one_feed(db_path: Path) -> None:
    with Store.open(db_path) as store:
        a, new_a = store.add_feed("https://a.example/rss")
        b, new_b = store.add_feed("https://a.example/rss", section="Other")
        assert new_a and not new_b and a.id == b.id
        assert len(store.feeds()) == 1


def test_corrupt_cache_is_moved_aside(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"this is not a database at all" * 100)
    with Store.open(db_path) as store:
        assert store.notices and "moved it to" in store.notices[0]
        assert store.feeds() == []
    moved = [p for p in db_path.parent.iterdir() if ".broken-" in p.name]
    assert len(moved) == 1 and moved[0].read_bytes().startswith(b"this is not")


def test_foreign_sqlite_file_is_moved_aside(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE bookmarks (url TEXT)")
    conn.execute("INSERT INTO bookmarks VALUES ('x')")
    conn.commit()
    conn.close()
    with Store.open(db_path) as store:
        assert store.notices
    moved = [
        p
        for p in db_path.parent.iterdir()
        if ".broken-" in p.name and not p.name.endswith(("-wal", "-shm"))
    ]
    assert moved
    check = sqlite3.connect(moved[0])
    assert check.execute("SELECT url FROM bookmarks").fetchone() == ("x",)


def _recount(store: Store) -> dict[int, tuple[int, int, int]]:
    """Counts the slow way, straight from the articles (what feed_counts must equal)."""
    return {
        r[0]: (r[1], r[2], r[3])
        for r in store.conn.execute(
            "SELECT f.id, count(a.id), coalesce(sum(a.read = 0), 0),"
            " coalesce(sum(a.starred != 0), 0) FROM feeds f"
            " LEFT JOIN articles a ON a.feed_id = f.id AND a.muted = 0 GROUP BY f.id"
        )
    }


def _kept(store: Store) -> dict[int, tuple[int, int, int]]:
    counts = {
        r[0]: (r[1], r[2], r[3])
        for r in store.conn.execute("SELECT feed_id, total, unread, starred FROM feed_counts")
    }
    return {f.id: counts.get(f.id, (0, 0, 0)) for f in store.feeds()}


def test_kept_counts_follow_every_change(db_path: Path) -> None:
    """feed_counts (triggers) equal a recount after ingest, flags, mutes, moves, deletes."""
    with Store.open(db_path) as store:
        a, _ = store.add_feed("https://a.example/rss", "A", "World")
        b, _ = store.add_feed("https://b.example/rss", "B", "Tech")
        store.ingest(a.id, _feed(*(_entry(n) for n in range(6))))
        store.ingest(b.id, _feed(*(_entry(n) for n in range(3))))
        assert _kept(store) == _recount(store)
        ids = [x.id for x in store.articles(section="World")]
        store.set_read(ids[:3])
        store.set_read(ids[:1], False)
        store.set_starred(ids[2:4])
        assert _kept(store) == _recount(store)
        # A changed body on re-ingest; the same items again.
        store.ingest(a.id, _feed(*(_entry(n, content=f"new {n}") for n in range(6))))
        assert _kept(store) == _recount(store)
        with store.transaction() as conn:  # what a mute rule does (core/search/mute.py)
            conn.execute("UPDATE articles SET muted = 1 WHERE id IN (?, ?)", (ids[2], ids[5]))
        assert _kept(store) == _recount(store)
        feeds = {f.id: f for f in store.feeds()}
        assert (feeds[a.id].total, feeds[a.id].unread) == (4, 3)
        sections = {s.name: s for s in store.sections()}
        assert (sections["All"].total, sections["All"].unread) == (7, 6)
        assert sections["Starred"].total == 1
        store.mark_all_read(section="Tech")
        store.set_feed_section(b.id, "World")
        with store.transaction() as conn:
            conn.execute("DELETE FROM articles WHERE id = ?", (ids[0],))
        assert _kept(store) == _recount(store)
        store.remove_feed(b.id)
        assert _kept(store) == _recount(store)
        assert (
            store.conn.execute(
                "SELECT count(*) FROM feed_counts WHERE feed_id = ?", (b.id,)
            ).fetchone()[0]
            == 0
        )


def test_a_version_6_cache_loses_the_per_row_count_trigger_and_keeps_counting(
    db_path: Path,
) -> None:
    """Migration 7: ingest counts its new rows itself; counts stay exact across it."""
    with Store.open(db_path) as store:
        a, _ = store.add_feed("https://a.example/rss", "A", "World")
        store.ingest(a.id, _feed(*(_entry(n) for n in range(3))))
        store.set_read([store.articles()[0].id])
        with store.transaction() as conn:  # what a version 6 file holds
            conn.execute("CREATE INDEX idx_articles_link ON articles(feed_id, link)")
            conn.execute(
                """CREATE TRIGGER feed_counts_insert AFTER INSERT ON articles
                WHEN new.muted = 0 BEGIN
                INSERT INTO feed_counts(feed_id, total, unread, starred)
                VALUES (new.feed_id, 1, new.read = 0, new.starred != 0)
                ON CONFLICT(feed_id) DO UPDATE SET total = total + 1,
                    unread = unread + excluded.unread, starred = starred + excluded.starred;
                END"""
            )
        store.conn.execute("PRAGMA user_version = 6")
    with Store.open(db_path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        names = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
        assert "feed_counts_insert" not in names and "idx_articles_link" not in names
        assert _kept(store) == _recount(store) == {a.id: (3, 2, 0)}
        # Counted once, not twice (trigger and ingest), and a new feed gets its row.
        store.ingest(a.id, _feed(*(_entry(n) for n in range(5))))
        b, _ = store.add_feed("https://b.example/rss", "B", "World")
        store.ingest(b.id, _feed(_entry(1)))
        assert _kept(store) == _recount(store) == {a.id: (5, 4, 0), b.id: (1, 1, 0)}


def test_kept_counts_are_built_for_an_older_cache(db_path: Path) -> None:
    """Migration 5 fills feed_counts from the articles already cached."""
    with Store.open(db_path) as store:
        a, _ = store.add_feed("https://a.example/rss", "A", "World")
        store.ingest(a.id, _feed(*(_entry(n) for n in range(5))))
        store.set_read([store.articles()[0].id])
        with store.transaction() as conn:
            conn.execute("DROP TABLE feed_counts")
            for name in ("insert", "delete", "update", "gc"):
                conn.execute(f"DROP TRIGGER IF EXISTS feed_counts_{name}")
        store.conn.execute("PRAGMA user_version = 4")
    with Store.open(db_path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert _kept(store) == _recount(store) == {a.id: (5, 4, 0)}


def _ids_by_guid(store: Store) -> dict[str, int]:
    return dict(store.conn.execute("SELECT guid, id FROM articles").fetchall())


def test_new_ids_match_rows_in_feed_order(db_path: Path) -> None:
    """executemany's ids are worked out, not read back: they must be each row's own."""
    with Store.open(db_path) as store:
        feed, _ = store.add_feed("https://a.example/rss", "A", "World")
        store.ingest(feed.id, _feed(_entry(1), _entry(2)))
        # One changed, two new in between: inserts and updates mixed in one feed.
        result = store.ingest(
            feed.id, _feed(_entry(3), _entry(1, title="changed"), _entry(4), _entry(2))
        )
        assert result.new == 2 and result.updated == 1
        by_guid = _ids_by_guid(store)
        assert result.new_ids == (by_guid["g3"], by_guid["g4"])
        assert list(result.new_ids) == sorted(result.new_ids)


def test_new_ids_past_the_largest_rowid_are_read_back(db_path: Path) -> None:
    """Once the largest rowid is taken SQLite picks ids at random; ingest reads them back."""
    with Store.open(db_path) as store:
        feed, _ = store.add_feed("https://a.example/rss", "A", "World")
        store.ingest(feed.id, _feed(_entry(1)))
        store.conn.execute("UPDATE articles SET id = ? WHERE guid = 'g1'", (2**63 - 1,))
        result = store.ingest(feed.id, _feed(_entry(1), _entry(2), _entry(3)))
        by_guid = _ids_by_guid(store)
        assert result.new_ids == (by_guid["g2"], by_guid["g3"])
        assert len(set(by_guid.values())) == 3


def test_fts_hashsize_is_set_once(db_path: Path) -> None:
    from termnews.core.store.db import FTS_HASHSIZE

    with Store.open(db_path) as store:
        row = store.conn.execute("SELECT v FROM articles_fts_config WHERE k = 'hashsize'")
        assert row.fetchone()[0] == FTS_HASHSIZE
    with Store.open(db_path) as store:  # a second open finds it and writes nothing
        assert store.conn.total_changes == 0


@pytest.mark.parametrize(
    "date",
    [
        "<pubDate>Thu, 01 Jan 1970 00:00:00 GMT</pubDate>",  # RSS, lxml fast path
        "<pubDate>Thu, 01 Jan 1970 00:00:00 +0000</pubDate>",
        "<dc:date>1970-01-01T00:00:00Z</dc:date>",
    ],
)
def test_the_unix_epoch_as_a_date_is_no_date_and_does_not_sort_as_now(
    db_path: Path, date: str
) -> None:
    """A feed that writes 0 for a missing date sends 1 January 1970. Stored as that date,
    its sort key (0.0) read as "no date" and the item sorted as just fetched: listed
    first, newest, by the reader ('now') and by 'articles', while 'articles' printed
    1970 beside it (seen by qa17). The epoch itself is taken for what it means: no date.
    A real old date (the next day) keeps its place at the bottom."""
    from termnews.core.sources.parse import parse_feed_bytes

    doc = (
        '<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<channel><title>Epoch</title><link>https://epoch.example/</link>"
        "<item><guid>dated</guid><title>Dated story</title><link>https://epoch.example/d</link>"
        "<pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate></item>"
        f"<item><guid>zero</guid><title>Zero story</title><link>https://epoch.example/z</link>"
        f"{date}</item>"
        "<item><guid>old</guid><title>Old story</title><link>https://epoch.example/o</link>"
        "<pubDate>Fri, 02 Jan 1970 00:00:00 GMT</pubDate></item>"
        "</channel></rss>"
    ).encode()
    parsed = parse_feed_bytes(doc, "https://epoch.example/rss")
    by_title = {e.title: e for e in parsed.entries}
    assert by_title["Zero story"].published is None and by_title["Zero story"].updated is None
    assert by_title["Old story"].published == datetime(1970, 1, 2, tzinfo=UTC)
    with Store.open(db_path) as store:
        feed, _ = store.add_feed("https://epoch.example/rss")
        store.ingest(feed.id, parsed)
        shown = {a.title: a for a in store.articles()}
        assert shown["Zero story"].published is None
        assert [a.title for a in store.articles()][-1] == "Old story"
