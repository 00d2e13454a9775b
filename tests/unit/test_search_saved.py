"""Saved searches: config and cache sources, counts, errors kept per search."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from termnews.core.errors import QueryError
from termnews.core.models import EntryData, ParsedFeed
from termnews.core.search import (
    SavedCount,
    SavedSearch,
    delete_saved_search,
    save_search,
    saved_search_counts,
    saved_searches,
)
from termnews.core.store import Store


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store.open(db_path) as s:
        feed, _ = s.add_feed("https://n.example/rss", "N", "World")
        entries = tuple(
            EntryData(
                guid=str(i),
                link=None,
                title=title,
                published=datetime(2026, 3, 1 + i, tzinfo=UTC),
            )
            for i, title in enumerate(
                ["Climate talks stall", "Climate fund grows", "Rust 2 released", "Quiet day"]
            )
        )
        s.ingest(feed.id, ParsedFeed("N", entries))
        s.index_pending()
        yield s


def test_counts_total_and_unread(store: Store) -> None:
    first = store.conn.execute("SELECT id FROM articles WHERE guid = '0'").fetchone()[0]
    store.set_read([first])
    result = saved_search_counts(
        store,
        {"Climate": "climate", "Rust or climate": "rust OR climate", "Unread": "is:unread"},
    )
    assert result == {
        "Climate": SavedCount(2, 1),
        "Rust or climate": SavedCount(3, 2),
        "Unread": SavedCount(3, 3),
    }


def test_a_bad_saved_query_keeps_its_error_and_others_still_count(store: Store) -> None:
    result = saved_search_counts(store, {"bad": "tag:x", "ok": "climate"})
    assert result["ok"] == SavedCount(2, 2)
    assert result["bad"].error is not None and 'unknown filter "tag:"' in result["bad"].error


def test_save_list_and_forget(store: Store) -> None:
    save_search(store, "Rusty", "rust")
    save_search(store, "Talks", '"climate talks"')
    save_search(store, "Rusty", "rust is:unread")  # Same name: replaced, keeps its place.
    listed = saved_searches(store, {"Mine": "climate", "talks": "from config wins"})
    assert listed == [
        SavedSearch("Mine", "climate", "config"),
        SavedSearch("talks", "from config wins", "config"),
        SavedSearch("Rusty", "rust is:unread", "cache"),
    ]
    assert delete_saved_search(store, "rusty")
    assert not delete_saved_search(store, "rusty")
    assert [s.name for s in saved_searches(store, {})] == ["Talks"]


@pytest.mark.parametrize(
    ("name", "query", "message"),
    [
        ("", "climate", "needs a name"),
        ("x" * 61, "climate", "at most 60"),
        ("Empty", "   ", "empty search"),
        ("Bad", "tag:x", "unknown filter"),
        ("Open", '"climate', "unbalanced quote"),
    ],
)
def test_saving_refuses_bad_input(store: Store, name: str, query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        save_search(store, name, query)
