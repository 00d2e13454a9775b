"""Entries with neither guid nor link are one article however their text changes.

Such entries were keyed by a hash of their text, so each edited body (a corrected
story, a counter, a changed tracking parameter) came back as a new, unread article
beside the old one. They are keyed by title and date now, as newsboat keys them;
cached rows keyed the old way take the new key when the cache is migrated. Real
parts: feeds served from 127.0.0.1 and SQLite files in tmp dirs.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from loopback_http import Loopback, static

from termnews.core.config import Config, NetworkConfig
from termnews.core.refresh import RefreshReport, refresh
from termnews.core.store import Store

SETTINGS = Config(network=NetworkConfig(read_timeout=0.5, total_timeout=3.0))


def run(store: Store) -> RefreshReport:
    return refresh(store, None, settings=SETTINGS, force=True)


def feed(*items: str) -> bytes:
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>Bulletins</title>{''.join(items)}</channel></rss>"
    ).encode()


def item(title: str | None, body: str, date: str | None = "Mon, 01 Jan 2024 10:00:00 GMT") -> str:
    parts = [f"<title>{title}</title>" if title is not None else ""]
    parts.append(f"<description>{body}</description>")
    if date:
        parts.append(f"<pubDate>{date}</pubDate>")
    return f"<item>{''.join(parts)}</item>"


def articles(store: Store) -> list[tuple[str, str, bool]]:
    return sorted((a.title, a.summary, a.read) for a in store.articles(limit=100))


def test_an_edited_body_updates_the_article_in_place(server: Loopback, store: Store) -> None:
    server.routes["/f"] = static(feed(item("Storm warning", "Winds of 80 km/h expected.")))
    store.add_feed(server.url("/f"))
    assert run(store).outcomes[0].new == 1
    store.set_read([a.id for a in store.articles()])

    server.routes["/f"] = static(feed(item("Storm warning", "Winds of 120 km/h expected.")))
    outcome = run(store).outcomes[0]
    assert outcome.new == 0
    assert articles(store) == [("Storm warning", "Winds of 120 km/h expected.", True)]


def test_a_future_date_clamped_to_now_still_gives_one_key(server: Loopback, store: Store) -> None:
    future = "Fri, 01 Jan 2100 10:00:00 GMT"
    server.routes["/f"] = static(feed(item("Launch", "Soon.", future)))
    store.add_feed(server.url("/f"))
    assert run(store).outcomes[0].new == 1
    server.routes["/f"] = static(feed(item("Launch", "Sooner.", future)))
    assert run(store).outcomes[0].new == 0
    assert [a[1] for a in articles(store)] == ["Sooner."]


@pytest.mark.parametrize(
    "items",
    [
        # Two items under one title at one time: one key would merge them.
        [item("Flood warning", "River A."), item("Flood warning", "River B.")],
        # No date, or no title of its own: nothing but the text tells them apart.
        [item("Notice", "First.", None), item("Notice", "Second.", None)],
        [item(None, "An untitled first."), item(None, "An untitled second.")],
    ],
)
def test_items_only_their_text_tells_apart_stay_apart(
    server: Loopback, store: Store, items: list[str]
) -> None:
    server.routes["/f"] = static(feed(*items))
    store.add_feed(server.url("/f"))
    assert run(store).outcomes[0].new == 2
    assert run(store).outcomes[0].new == 0


def _sha1_key(title: str, summary: str, markdown: str) -> str:
    """The key a cache before schema 10 gave an entry with neither guid nor link."""
    return "sha1:" + hashlib.sha1(f"{title}\n{summary}\n{markdown}".encode()).hexdigest()


def test_a_schema_9_cache_takes_the_new_keys_so_nothing_comes_back_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: Loopback
) -> None:
    from termnews.core.store import db as dbmod
    from termnews.core.store.schema import SCHEMA_VERSION

    path = tmp_path / "old" / "termnews.db"
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", 9)  # the migrations up to 9 only
    server.routes["/f"] = static(feed(item("Storm warning", "Winds of 120 km/h expected.")))
    jan_1 = 1704103200.0  # the item's date
    with Store.open(path) as old:
        feed_row, _ = old.add_feed(server.url("/f"))
        with old.transaction() as conn:  # as a schema 9 termnews wrote them
            for title, summary, read in (
                ("Storm warning", "Winds of 80 km/h expected.", 1),
                # Its title is the start of its summary: the parser made it up.
                ("Untitled items are…", "Untitled items are keyed by text still.", 0),
            ):
                conn.execute(
                    "INSERT INTO articles(feed_id, section, guid, title, summary, published,"
                    " sort_ts, content_hash, fetched_at, read) VALUES"
                    " (?, 'General', ?, ?, ?, ?, ?, 'h', ?, ?)",
                    (
                        feed_row.id,
                        _sha1_key(title, summary, summary),
                        title,
                        summary,
                        jan_1,
                        jan_1,
                        jan_1,
                        read,
                    ),
                )
            conn.execute(
                "INSERT INTO feed_counts(feed_id, total, unread, starred) VALUES (?, 2, 1, 0)",
                (feed_row.id,),
            )
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", SCHEMA_VERSION)
    with Store.open(path) as store:
        keys = {r[0]: r[1] for r in store.conn.execute("SELECT title, guid FROM articles")}
        assert keys["Storm warning"].startswith("title:")
        assert keys["Untitled items are…"].startswith("sha1:")
        # The feed's edited item updates the migrated row: still one article, still read.
        assert run(store).outcomes[0].new == 0
        assert ("Storm warning", "Winds of 120 km/h expected.", True) in articles(store)
        assert len(articles(store)) == 2
