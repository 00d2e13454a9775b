"""The UI's own cache connection, on a thread of its own.

A ``sqlite3`` connection belongs to the thread that opened it, and a query run
on Textual's event loop freezes every keypress for as long as it takes. So the
UI does all its reads and small writes through :class:`StoreThread`: one worker
thread owning one :class:`~termnews.core.store.Store`, reached with
``await store_thread.call(fn)``. Calls run one at a time, in order, which keeps
read-after-write simple (star, then reload the row). Refreshes open their own
store in their own thread; WAL lets both work at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from termnews.core.errors import StoreError
from termnews.core.store import Store
from termnews.core.store.db import describe_failure, is_corruption

T = TypeVar("T")


class StoreThread:
    """Runs store calls on one dedicated thread."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="termnews-store")
        self._store: Store | None = None
        self.notices: list[str] = []

    def _run(self, fn: Callable[[Store], T]) -> T:
        if self._store is None:
            self._store = Store.open(self.db_path)
            self.notices.extend(self._store.notices)
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
        return await loop.run_in_executor(self._executor, self._run, fn)

    def close(self) -> None:
        """Close the connection on its own thread and stop the thread."""

        def _close() -> None:
            if self._store is not None:
                self._store.close()
                self._store = None

        # Closing must never raise at exit.
        with contextlib.suppress(Exception):
            self._executor.submit(_close).result(timeout=10)
        self._executor.shutdown(wait=False, cancel_futures=True)
