"""The UI's read-only connection: reads never wait on a write lock, writes fail at once.

Real SQLite files in tmp dirs; the write lock is held by a real second connection
(``BEGIN IMMEDIATE``), as the refresh child holds it while it stores a feed.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from termnews.app.store_thread import StoreThread
from termnews.core.errors import StoreError
from termnews.core.store import Store
from termnews.core.store.reader import open_reader

FEED = Path(__file__).parents[1] / "data" / "feeds" / "world.xml"


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    """A cache with the World fixture feed's articles in it."""
    from termnews.core.refresh import refresh

    path = tmp_path / "termnews.db"
    with Store.open(path) as store:
        feed, _ = store.add_feed(str(FEED), section="World")
        refresh(store, [feed], offline=True)
        assert store.count() > 1
    return path


@pytest.fixture
def write_lock(cache: Path) -> Iterator[sqlite3.Connection]:
    """Another connection holding the cache's write lock until the test ends."""
    conn = sqlite3.connect(cache, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    yield conn
    conn.rollback()
    conn.close()


def test_reader_reads_under_a_held_write_lock_and_cannot_write(
    cache: Path, write_lock: sqlite3.Connection
) -> None:
    reader = open_reader(cache)
    try:
        first = reader.headlines(limit=1)[0]
        assert reader.article(first.id).title == first.title
        # A write cannot even start: it fails as read-only at once; waiting for the lock
        # would end in "locked" after the 30 s busy timeout instead.
        with pytest.raises(StoreError, match="readonly"):
            reader.set_read([first.id], True)
    finally:
        reader.close()


def test_reader_refuses_a_missing_cache(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        open_reader(tmp_path / "none.db")
    assert not (tmp_path / "none.db").exists()  # and never creates one


async def test_read_answers_while_a_write_waits_for_the_lock(
    cache: Path, write_lock: sqlite3.Connection
) -> None:
    thread = StoreThread(cache)
    try:
        ids = await thread.read(lambda s: [h.id for h in s.headlines(limit=2)])
        write = asyncio.ensure_future(thread.call(lambda s: s.set_read([ids[0]], True)))
        await asyncio.sleep(0.05)
        assert not write.done()  # blocked behind the other connection's lock
        # A plain read does not queue behind it...
        article = await asyncio.wait_for(thread.read(lambda s: s.article(ids[1])), 5)
        assert article.id == ids[1]
        # ...a read that must see earlier writes waits for them.
        after = asyncio.ensure_future(
            thread.read(lambda s: s.article(ids[0]).read, after_writes=True)
        )
        await asyncio.sleep(0.05)
        assert not after.done()
        write_lock.rollback()
        assert await write == 1
        assert await after is True
    finally:
        thread.close()


async def test_read_falls_back_to_the_write_thread_without_a_cache_yet(tmp_path: Path) -> None:
    # No file yet: the read connection cannot open; the write thread creates the
    # cache, as it always has, and answers.
    thread = StoreThread(tmp_path / "new.db")
    try:
        assert await thread.read(lambda s: s.count()) == 0
        assert (tmp_path / "new.db").exists()
    finally:
        thread.close()
