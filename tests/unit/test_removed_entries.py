"""Articles ``termnews cleanup`` removed stay removed when their feed changes.

A feed keeps listing an entry for weeks; a cleanup that removed it must not have the
next refresh of a changed feed ingest it again as a new, unread article. Real parts
throughout: a SQLite cache in a tmp dir and feeds served from 127.0.0.1.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from loopback_http import Loopback, rss, static

from termnews.core.config import Config, NetworkConfig, RetentionConfig
from termnews.core.models import Feed
from termnews.core.refresh import RefreshReport, refresh
from termnews.core.retention import cleanup
from termnews.core.store import Store

SETTINGS = Config(network=NetworkConfig(read_timeout=0.5, total_timeout=3.0))
BY_AGE = RetentionConfig(max_age_days=30, keep_unread_days=100_000)
"""Read articles older than 30 days go (``rss()`` dates its items in January 2024)."""


def run(store: Store, feeds: list[Feed] | None = None, **kw: object) -> RefreshReport:
    return refresh(store, feeds, settings=SETTINGS, **kw)  # type: ignore[arg-type]


def titles(store: Store) -> dict[str, bool]:
    """``{title: read}`` of every cached article."""
    return {a.title: a.read for a in store.articles(limit=1000)}


def test_a_cleaned_up_entry_does_not_come_back_when_the_feed_changes(
    server: Loopback, store: Store
) -> None:
    server.routes["/f"] = static(rss("News", items=3), ETag='"v1"')
    store.add_feed(server.url("/f"))
    assert run(store).outcomes[0].new == 3
    ids = {a.title: a.id for a in store.articles()}
    store.set_read([ids["News item 0"], ids["News item 1"]])
    assert cleanup(store, BY_AGE, vacuum=False).removed == 2

    # The feed still lists items 0-2 and gains item 3: a new ETag and body.
    server.routes["/f"] = static(rss("News", items=4), ETag='"v2"')
    outcome = run(store).outcomes[0]
    assert (outcome.status, outcome.new) == ("new", 1)
    assert titles(store) == {"News item 2": False, "News item 3": False}
    assert store.sections()[0].unread == 2
    # A forced refresh (no validators, re-read everything) keeps them out too.
    assert run(store, force=True).outcomes[0].new == 0
    assert set(titles(store)) == {"News item 2", "News item 3"}


def test_the_per_feed_cap_and_a_feed_file_keep_removed_entries_out_too(
    tmp_path: Path, store: Store
) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(rss("File", items=5))
    store.add_feed(str(path))
    assert run(store).outcomes[0].new == 5
    store.mark_all_read()
    cap = RetentionConfig(max_per_feed=2, keep_unread_days=0)
    assert cleanup(store, cap, vacuum=False).removed == 3
    left = set(titles(store))
    path.write_bytes(rss("File", items=6))  # one more item; the file changed
    outcome = run(store).outcomes[0]
    assert (outcome.status, outcome.new) == ("new", 1)
    assert set(titles(store)) == left | {"File item 5"}


def _keys(store: Store) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT guid FROM removed_entries")}


def test_a_removed_key_is_forgotten_once_the_feed_no_longer_lists_it(
    server: Loopback, store: Store
) -> None:
    server.routes["/f"] = static(rss("News", items=3))
    store.add_feed(server.url("/f"))
    run(store)
    store.mark_all_read()
    cleanup(store, BY_AGE, vacuum=False)
    item = "https://example.org/item/{}".format
    assert _keys(store) == {item(0), item(1), item(2)}

    # Items 1-2 and a new one listed: item 0 cannot come back, so its key goes.
    body = rss("News", items=3).replace(b"item/0", b"item/new").replace(b"item 0", b"item new")
    server.routes["/f"] = static(body)
    assert run(store).outcomes[0].new == 1
    assert _keys(store) == {item(1), item(2)}
    # A body without items (a feed briefly broken) says nothing: the keys stay.
    server.routes["/f"] = static(rss("News", items=0))
    run(store)
    assert _keys(store) == {item(1), item(2)}
    server.routes["/f"] = static(rss("News", items=3))
    assert run(store).outcomes[0].new == 1  # item 0 is new again: it was forgotten
    assert set(titles(store)) == {"News item 0", "News item new"}


def test_keys_no_refresh_has_seen_listed_for_a_year_are_forgotten(store: Store) -> None:
    from termnews.core.store.schema import FORGET_REMOVED_DAYS

    a, _ = store.add_feed("https://a.example/rss")
    day = 86400.0
    now = 2_000_000_000.0
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO removed_entries(feed_id, guid, listed_at) VALUES (?, ?, ?)",
            [
                (a.id, "stale", now - (FORGET_REMOVED_DAYS + 1) * day),
                (a.id, "seen lately", now - 10 * day),
            ],
        )
    cleanup(store, RetentionConfig(), vacuum=False, now=now)
    assert _keys(store) == {"seen lately"}


def test_a_listed_key_is_stamped_at_most_once_a_day(server: Loopback, store: Store) -> None:
    server.routes["/f"] = static(rss("News", items=2))
    store.add_feed(server.url("/f"))
    run(store)
    store.mark_all_read()
    cleanup(store, BY_AGE, vacuum=False)
    store.conn.execute("UPDATE removed_entries SET listed_at = 1000")
    server.routes["/f"] = static(rss("News", items=3))
    run(store)
    stamps = [r[0] for r in store.conn.execute("SELECT listed_at FROM removed_entries")]
    assert len(stamps) == 2 and all(s > 1000 for s in stamps)
    before = stamps
    server.routes["/f"] = static(rss("News", items=4))
    run(store)
    assert [r[0] for r in store.conn.execute("SELECT listed_at FROM removed_entries")] == before


def test_unsubscribing_drops_the_feeds_removed_keys(server: Loopback, store: Store) -> None:
    for name in ("a", "b"):
        server.routes[f"/{name}"] = static(rss(name, prefix=name))
        store.add_feed(server.url(f"/{name}"))
    run(store)
    store.mark_all_read()
    cleanup(store, BY_AGE, vacuum=False)
    assert len(_keys(store)) == 6
    store.remove_feed(store.find_feed(server.url("/a")).id)
    assert {k.split("/")[3] for k in _keys(store)} == {"b"}
    # Subscribed again, the feed is a new one: its entries arrive as they would.
    again, _ = store.add_feed(server.url("/a"))
    assert run(store, [again]).outcomes[0].new == 3


def test_ingest_reads_a_feeds_removed_keys_with_one_indexed_query(
    server: Loopback, store: Store
) -> None:
    server.routes["/f"] = static(rss("News", items=40))
    store.add_feed(server.url("/f"))
    run(store)
    store.mark_all_read()
    cleanup(store, BY_AGE, vacuum=False)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    server.routes["/f"] = static(rss("News", items=41))
    assert run(store).outcomes[0].new == 1
    store.conn.set_trace_callback(None)
    reads = [s for s in statements if "removed_entries" in s and s.lstrip().startswith("SELECT")]
    assert len(reads) == 1
    plan = " ".join(
        str(r[3])
        for r in store.conn.execute(
            "EXPLAIN QUERY PLAN " + reads[0].replace("feed_id = ?", "feed_id = 1")
        )
    )
    assert "USING PRIMARY KEY (feed_id=?)" in plan


def test_a_schema_8_cache_gains_the_table_and_keeps_its_articles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: Loopback
) -> None:
    from termnews.core.store import db as dbmod
    from termnews.core.store.schema import SCHEMA_VERSION

    path = tmp_path / "old" / "termnews.db"
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", 8)  # the migrations up to 8 only
    server.routes["/f"] = static(rss("News", items=3))
    with Store.open(path) as old:
        assert old.conn.execute("PRAGMA user_version").fetchone()[0] == 8
        names = {r[0] for r in old.conn.execute("SELECT name FROM sqlite_master")}
        assert "removed_entries" not in names
        feed, _ = old.add_feed(server.url("/f"))
        with old.transaction() as conn:  # articles as a schema 8 termnews wrote them
            conn.execute(
                "INSERT INTO articles(feed_id, section, guid, title, sort_ts, content_hash,"
                " fetched_at, read) VALUES (?, 'General', 'https://example.org/item/0',"
                " 'News item 0', 1704103200, 'h', 1704103200, 1)",
                (feed.id,),
            )
            conn.execute(
                "INSERT INTO feed_counts(feed_id, total, unread, starred) VALUES (?, 1, 0, 0)",
                (feed.id,),
            )
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", SCHEMA_VERSION)
    with Store.open(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        names = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
        assert {"removed_entries", "removed_entries_gc"} <= names
        assert titles(store) == {"News item 0": True}
        assert cleanup(store, BY_AGE, vacuum=False).removed == 1
        assert _keys(store) == {"https://example.org/item/0"}
        assert run(store).outcomes[0].new == 2
        assert set(titles(store)) == {"News item 1", "News item 2"}
