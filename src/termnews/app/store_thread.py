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
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from termnews.core.store import Store

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
        return fn(self._store)

    async def call(self, fn: Callable[[Store], T]) -> T:
        """Run ``fn(store)`` on the store thread and return its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._run, fn)

    def call_sync(self, fn: Callable[[Store], T]) -> T:
        """Run ``fn(store)`` and wait (only for start-up and shutdown, never per key)."""
        return self._executor.submit(self._run, fn).result()

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
