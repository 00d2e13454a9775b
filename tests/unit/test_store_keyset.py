"""Keyset pages and positions (the headline list's window) agree with plain OFFSET paging."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from termnews.core.models import EntryData, ParsedFeed
from termnews.core.store import Store

START = datetime(2026, 11, 20, tzinfo=UTC)


def _entries(prefix: str, count: int) -> tuple[EntryData, ...]:
    # Every third pair of items shares a date: ties are ordered by id, as the list is.
    return tuple(
        EntryData(
            guid=f"{prefix}{n}",
            link=f"https://{prefix}.example/{n}",
            title=f"{prefix} story {n}",
            published=START - timedelta(minutes=n - (n % 3 == 1)),
            summary=f"summary {n}",
        )
        for n in range(count)
    )


@pytest.fixture
def store(db_path: Path) -> Store:
    store = Store.open(db_path)
    world, _ = store.add_feed("https://w.example/rss", "World wire", "World")
    tech, _ = store.add_feed("https://t.example/rss", "Tech wire", "Tech")
    store.ingest(world.id, ParsedFeed(title="W", entries=_entries("w", 60)))
    store.ingest(tech.id, ParsedFeed(title="T", entries=_entries("t", 45)))
    ids = [h.id for h in store.headlines(limit=1000)]
    store.set_read(ids[::4], True)
    store.set_starred(ids[::7], True)
    store.conn.execute("UPDATE articles SET muted = 1 WHERE id IN (?, ?, ?)", tuple(ids[5:8]))
    store.conn.commit()
    return store


QUERIES: list[dict[str, object]] = [
    {},
    {"section": "World"},
    {"unread": True},
    {"starred": True},
    {"section": "Tech", "unread": True},
    {"include_muted": True},
    {"feed": "Tech wire"},
]


def _args(store: Store, query: dict[str, object]) -> dict[str, object]:
    args = dict(query)
    if "feed" in args:
        args["feed_id"] = store.find_feed(str(args.pop("feed"))).id
    return args


@pytest.mark.parametrize("query", QUERIES)
def test_pages_beside_a_row_are_the_offset_pages(store: Store, query: dict[str, object]) -> None:
    args = _args(store, query)
    every = store.headlines(limit=1000, **args)  # type: ignore[arg-type]
    ids = [h.id for h in every]
    assert len(ids) > 10
    assert [h.id for h in store.headlines_beside(None, older=True, limit=7, **args)] == ids[:7]  # type: ignore[arg-type]
    assert [h.id for h in store.headlines_beside(None, older=False, limit=7, **args)] == ids[-7:]  # type: ignore[arg-type]
    for index in (0, 3, len(ids) // 2, len(ids) - 1):
        below = store.headlines_beside(ids[index], older=True, limit=5, **args)  # type: ignore[arg-type]
        above = store.headlines_beside(ids[index], older=False, limit=5, **args)  # type: ignore[arg-type]
        assert [h.id for h in below] == ids[index + 1 : index + 6]
        assert [h.id for h in above] == ids[max(0, index - 5) : index]
        assert store.position(ids[index], **args) == index  # type: ignore[arg-type]


def test_a_row_that_left_the_query_still_marks_its_place(store: Store) -> None:
    # "Unread only": the row the reader just read is no longer listed, but the
    # next page goes on below it, and its position is where it would sort.
    unread = [h.id for h in store.headlines(unread=True, limit=1000)]
    anchor = unread[10]
    store.set_read([anchor], True)
    after = [h.id for h in store.headlines_beside(anchor, older=True, limit=4, unread=True)]
    assert after == unread[11:15]
    assert store.position(anchor, unread=True) == 10


def test_a_removed_article_has_no_place(store: Store) -> None:
    assert store.position(10**9) is None
    assert store.headlines_beside(10**9, older=True, limit=5) == []
