"""The indexes worked out from stored articles: search, mute flags, related stories.

A refresh stores articles; the full-text index, the mute flags that need it and the
related-stories data (signatures, story groups) are worked out from what it stored.
None of them is needed to read an article, and together they cost more than the
storing: a cold refresh of 200 feeds x 50 items took 0.89x newsboat's time with them
and 0.46x without (``benchmarks/RESULTS.md``, session 19), and the reader showed the
new headlines only after them. So ``termnews refresh`` stores, and the indexes are
brought up to date afterwards, each piece of work done once (the watermarks in
``meta`` say how far each index got):

* by the reader, in a background process of its own after each refresh and at start
  when something is left (:func:`index_all` through ``termnews index``);
* by ``termnews index``, or ``termnews refresh --index`` (or ``index_on_refresh``);
* on first use: a search catches the full-text index up first
  (:func:`catch_up_search`: SQLite's C code, ~40 us an article, and the plain text
  of the bodies a refresh left, ``store.deferred_text``), and ``related``,
  ``story`` and ``trending`` run :func:`index_all`.

Mute rules are the exception: a muted article must never show, so with rules set a
refresh builds the search index and applies them before it ends
(:func:`needs_search_index`). Related stories are still left for later.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from termnews.core.config import Config
from termnews.core.errors import StoreError

if TYPE_CHECKING:
    from termnews.core.related_counting import BacklogCounter
    from termnews.core.store import Store
    from termnews.core.store.deferred_text import Filled

__all__ = [
    "CATCH_UP_WAIT_MS",
    "IndexReport",
    "catch_up_all",
    "catch_up_search",
    "index_all",
    "needs_search_index",
    "pending",
]


CATCH_UP_WAIT_MS = 200
"""How long a search waits for the write lock to catch the index up before it searches."""


@dataclass(frozen=True, slots=True)
class IndexReport:
    """What one :func:`index_all` pass added."""

    search: int = 0
    """Articles added to the full-text index."""
    related: int = 0
    """Articles given related-stories data."""
    muted: int = 0
    """Articles newly hidden by mute rules."""
    complete: bool = True
    """False when the pass was stopped (``cancel``) before the end."""


_RELATED = "related_indexed_upto"


def needs_search_index(settings: object | None) -> bool:
    """Whether a refresh must build the search index itself: mute rules are set.

    The mute flags are worked out with the index, and a muted article must not show
    in the reader between a refresh and the index pass after it.
    """
    return isinstance(settings, Config) and bool(settings.search.mute)


def pending(store: Store) -> tuple[int, int]:
    """(articles not in the search index, articles without related data): cheap to ask."""
    conn = store.conn
    top = store.top_id(conn)
    marks = dict(
        conn.execute(
            "SELECT key, CAST(value AS INTEGER) FROM meta"
            " WHERE key IN ('fts_indexed_upto', 'related_indexed_upto')"
        ).fetchall()
    )
    fts = int(marks.get("fts_indexed_upto", 0) or 0)
    related = int(marks.get("related_indexed_upto", 0) or 0)
    if top <= fts and top <= related:
        return 0, 0
    count = "SELECT count(*) FROM articles WHERE id > ?"
    return (
        int(conn.execute(count, (fts,)).fetchone()[0]) if top > fts else 0,
        int(conn.execute(count, (related,)).fetchone()[0]) if top > related else 0,
    )


@contextmanager
def _brief_waits(conn: sqlite3.Connection) -> Iterator[None]:
    """Writes that wait :data:`CATCH_UP_WAIT_MS` for the write lock, not the usual 30 s.

    Catching up on first use is a favour to the query that asked: another process's
    long write (a refresh's transaction, an index pass) must not hold that query up.
    """
    wait = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
    conn.execute(f"PRAGMA busy_timeout = {CATCH_UP_WAIT_MS}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA busy_timeout = {wait}")


def catch_up_search(store: Store) -> int:
    """Add the articles the full-text index lacks before a search; returns how many.

    Cheap when there are none (two reads of an index's last entry). Never raises:
    where the cache cannot be written just now (another process holds the write
    lock, a read-only file) the search runs on the index as it is, and misses only
    the newest articles until the next pass. So it does while more bodies' text is
    still to be made (``store.deferred_text``, in Python, ~70 us an article) than
    the store's ``catch_up_texts``: the reader sets that on its own connection, so a
    search or saved-search count never holds the interpreter lock the screen needs
    for long (its index child makes them).
    """
    conn = store.conn
    if conn.in_transaction:  # inside another write: that caller indexes, if it must
        return 0
    try:
        upto = store.get_meta("fts_indexed_upto")
        if upto is None or (top := store.top_id(conn)) <= int(upto or 0):
            return 0
        if store.catch_up_texts is not None:
            from termnews.core.store.deferred_text import pending_ids

            if len(pending_ids(conn, int(upto or 0), top)) > store.catch_up_texts:
                return 0
        with _brief_waits(conn):
            return store.index_pending()
    except (StoreError, sqlite3.Error):
        return 0


def catch_up_all(store: Store, settings: object | None = None) -> IndexReport | None:
    """:func:`index_all` on first use (``related``, ``trending``) when anything is left.

    None when nothing was left, or the cache could not be written just now: the
    command then reads the indexes as they are.
    """
    if store.conn.in_transaction:
        return None
    try:
        left = pending(store)
        if not any(left):
            return None
        with _brief_waits(store.conn):
            return index_all(store, settings, left=left)
    except (StoreError, sqlite3.Error):
        return None


def index_all(
    store: Store,
    settings: object | None = None,
    cancel: threading.Event | None = None,
    left: tuple[int, int] | None = None,
) -> IndexReport:
    """Bring every index up to date: search, mute flags and related stories.

    ``settings`` (a :class:`Config`) says what the mute rules are; without it they
    are left as they are. ``cancel`` stops the related-stories pass between batches:
    what was written stays, and the next pass goes on from there. ``left`` is
    :func:`pending` when the caller has just asked it.

    A small backlog is indexed here in that order. A large one goes batch by batch
    (:func:`termnews.core.related.index_backlog`): worker processes count each
    batch's terms and make the plain text a refresh left, and the search index is
    built up to each part they hand back; mute flags follow at the end.
    """
    from termnews.core.related import BACKLOG_BATCH, index_backlog
    from termnews.core.search.mute import sync_mute_rules

    config = settings if isinstance(settings, Config) else None

    counter = _counter(store, (left or pending(store))[1])
    try:
        # Without the memory map, as a refresh: a pass reads back much of what it writes,
        # and mapped pages stayed in this process's resident memory (Store.unmapped).
        with store.unmapped():
            if counter is None:
                search = store.index_pending()
                mute = sync_mute_rules(store, config)
                related = index_backlog(store, cancel=cancel)
            else:
                # The workers count each batch's terms, and make the plain text a
                # refresh left (store.deferred_text), while this process writes the
                # texts, builds the search index up to the batch (SQLite's C,
                # without Python's lock) and weighs and groups the batch before.
                upto = int(store.get_meta(_RELATED, "0") or 0)
                counter.ahead(upto, min(store.top_id(store.conn), upto + BACKLOG_BATCH))
                added = [0]

                def search_upto(last: int, texts: Sequence[Filled]) -> None:
                    added[0] += store.index_pending(last, texts)

                related = index_backlog(
                    store, cancel=cancel, counter=counter, texts_stored=search_upto
                )
                search = added[0]
                if cancel is None or not cancel.is_set():
                    search += store.index_pending()
                mute = sync_mute_rules(store, config)
    finally:
        if counter is not None:
            counter.close()
    complete = cancel is None or not cancel.is_set()
    return IndexReport(search, related, mute.muted, complete)


def _counter(store: Store, related_left: int) -> BacklogCounter | None:
    """Worker processes to count terms in, for a backlog big enough to pay for them."""
    from termnews.core.parse_pool import parse_workers
    from termnews.core.related_counting import MIN_FOR_PROCESSES, BacklogCounter

    if store.path is None or parse_workers() < 2:
        return None
    if related_left < MIN_FOR_PROCESSES:
        return None
    try:
        return BacklogCounter(store.path, parse_workers())
    except Exception:  # no processes here (a sandbox without semaphores): count in the pass
        return None
