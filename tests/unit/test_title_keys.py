"""Entries with neither guid nor link are one article however their text changes.

Such entries were keyed by a hash of their text, so each edited body (a corrected
story, a counter, a changed tracking parameter) came back as a new, unread article
beside the old one. They are keyed by title and date now, as newsboat keys them;
cached rows keyed the old way take the new key when the cache is migrated. Real
parts: feeds served from 127.0.0.1 and SQLite files in tmp dirs.
"""

from __future__ import annotations

import hashlib

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
    """The key an older termnews gave an entry with neither guid nor link."""
    return "sha1:" + hashlib.sha1(f"{title}\n{summary}\n{markdown}".encode()).hexdigest()


def _keys(store: Store) -> dict[str, str]:
    return {r[0]: r[1] for r in store.conn.execute("SELECT title, guid FROM articles")}


def test_a_row_an_older_termnews_keyed_by_text_takes_its_new_key_and_is_updated(
    server: Loopback, store: Store
) -> None:
    server.routes["/f"] = static(feed(item("Storm warning", "Winds of 120 km/h expected.")))
    feed_row, _ = store.add_feed(server.url("/f"))
    jan_1 = 1704103200.0  # the item's date
    with store.transaction() as conn:  # rows as an older termnews wrote them
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
    # The feed's edited item updates the old row: still one article, still read.
    outcome = run(store).outcomes[0]
    assert (outcome.new, outcome.updated) == (0, 1)
    assert ("Storm warning", "Winds of 120 km/h expected.", True) in articles(store)
    assert len(articles(store)) == 2
    keys = _keys(store)
    assert keys["Storm warning"].startswith("title:")
    assert keys["Untitled items are…"].startswith("sha1:")
    # And the next refresh finds it by its new key at once.
    assert run(store).outcomes[0].new == 0 and len(articles(store)) == 2


def test_feeds_with_guids_never_look_for_text_keyed_rows(server: Loopback, store: Store) -> None:
    """The re-keying reads a feed's old rows only for a new title key."""
    body = (
        b"<?xml version='1.0'?><rss version='2.0'><channel><title>G</title>"
        b"<item><title>A</title><guid>a</guid><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>"
        b"</item></channel></rss>"
    )
    server.routes["/g"] = static(body)
    store.add_feed(server.url("/g"))
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    assert run(store).outcomes[0].new == 1
    store.conn.set_trace_callback(None)
    assert not any("'sha1:'" in s for s in statements)
