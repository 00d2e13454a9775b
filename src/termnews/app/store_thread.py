"""The UI's own cache connection, on a thread of its own.

A ``sqlite3`` connection belongs to the thread that opened it, and a query run
on Textual's event loop freezes every keypress for as long as it takes. So the
UI does all its reads and small writes through :class:`StoreThread`: one worker
thread owning one :class:`~termnews.core.store.Store`, reached with
``await store_thread.call(fn)``. Calls run one at a time, in order, which keeps
read-after-write simple (star, then reload the row). Refreshes open their own
store in their own thread; WAL lets both work at once.

Reads on the key path (the article opened, the next page of headlines, related
stories) go through :meth:`StoreThread.read` instead: a second thread with a
read-only connection. A write on the first thread (marking the last article
read) waits while the refresh child holds the cache's write lock, up to the busy
timeout; a read queued behind it waited as long, and so did the key press that
asked for it (issue 8). A read that must see every write asked for before it (a
reload of the list or the counts) says so with ``after_writes=True``.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from termnews.core.errors import StoreError
from termnews.core.store import Store
from termnews.core.store.db import describe_failure, is_corruption
from termnews.core.store.reader import open_reader

T = TypeVar("T")


READER_CATCH_UP_TEXTS = 300
"""At most this many bodies' plain text a search makes in the reader (~20 ms of Python);
more are left to the index child (:func:`termnews.core.indexing.catch_up_search`)."""


class StoreThread:
    """Runs store calls on one dedicated thread."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="termnews-store")
        self._store: Store | None = None
        self.notices: list[str] = []
        self._read_executor = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="termnews-store-read"
        )
        self._reader: Store | None = None
        self._reader_failed = False
        """Set once the read-only connection could not be opened: reads use ``call``."""
        self._last_write: asyncio.Future[Any] | None = None

    def _run(self, fn: Callable[[Store], T]) -> T:
        if self._store is None:
            self._store = Store.open(self.db_path)
            self.notices.extend(self._store.notices)
            # A search's catch-up here makes few bodies' text (Python, holding the
            # lock the screen needs); the reader's index child makes the rest.
            self._store.catch_up_texts = READER_CATCH_UP_TEXTS
        try:
            return fn(self._store)
        except sqlite3.DatabaseError as exc:
            if not is_corruption(exc):
                raise
            # A damaged page met mid-session: treated as at start-up. The file is
            # moved aside (never deleted), the next call opens a new cache, and the
            # caller gets one readable line instead of a raw sqlite3 error.
            self._store.close()
            self._store = None
            raise StoreError(describe_failure(self.db_path, exc)) from exc

    def submit(self, fn: Callable[[Store], T]) -> Future[T]:
        """Queue ``fn(store)`` without an event loop (the factory, before the app runs)."""
        return self._executor.submit(self._run, fn)

    async def call(self, fn: Callable[[Store], T]) -> T:
        """Run ``fn(store)`` on the store thread and return its result."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._executor, self._run, fn)
        self._last_write = future
        return await future

    async def read(self, fn: Callable[[Store], T], *, after_writes: bool = False) -> T:
        """Run ``fn(store)`` on the read-only connection's thread: never behind a write.

        ``fn`` must only read. With ``after_writes``, it starts once every call
        queued before it has finished, so it sees their writes. Whatever goes wrong
        on the read connection (it cannot be opened, a damaged page) is handed to
        the write thread, which deals with it as before (moving a damaged file
        aside, one line for the user).
        """
        if after_writes and self._last_write is not None and not self._last_write.done():
            # Only waiting: the caller of that call sees its error, not this reader.
            await asyncio.wait({self._last_write})
        if self._reader_failed:
            return await self.call(fn)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._read_executor, self._read, fn)
        except _ReaderUnavailable:
            return await self.call(fn)

    def _read(self, fn: Callable[[Store], T]) -> T:
        if self._reader is None:
            try:
                self._reader = open_reader(self.db_path)
            except StoreError as exc:
                self._reader_failed = True
                raise _ReaderUnavailable() from exc
        try:
            return fn(self._reader)
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and not is_corruption(exc):
                raise
            # Damaged (or replaced) under us: drop this connection, let the write
            # thread meet the same error and handle it as it always has.
            self._reader.close()
            self._reader = None
            raise _ReaderUnavailable() from exc

    def close(self) -> None:
        """Close the connection on its own thread and stop the thread."""

        def _close() -> None:
            if self._store is not None:
                self._store.close()
                self._store = None

        def _close_reader() -> None:
            if self._reader is not None:
                self._reader.close()
                self._reader = None

        # Closing must never raise at exit.
        with contextlib.suppress(Exception):
            self._read_executor.submit(_close_reader).result(timeout=10)
        self._read_executor.shutdown(wait=False, cancel_futures=True)
        with contextlib.suppress(Exception):
            self._executor.submit(_close).result(timeout=10)
        self._executor.shutdown(wait=False, cancel_futures=True)


class _ReaderUnavailable(Exception):
    """The read-only connection cannot serve this read; the write thread will."""
