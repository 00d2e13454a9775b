"""A read-only connection to the cache, for reads that must never wait on a write.

In WAL mode a reader never waits for the writer, but a *connection* that also
writes does: a ``set_read`` on it waits (busy timeout) while another process (the
reader's own refresh child) holds the write lock, and every query queued behind
it on the same thread waits too. A key press that opens an article must not sit
behind such a write, so the UI reads on a second connection of its own.

``mode=ro`` makes that promise checkable: the connection cannot take the write
lock at all (a write through it fails at once instead of waiting). It never
creates or migrates the cache either; it expects the cache the write connection
already opened, and refuses one at another schema version.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

from termnews.core.errors import StoreError
from termnews.core.store.db import BUSY_TIMEOUT_MS, _configure
from termnews.core.store.schema import SCHEMA_VERSION
from termnews.core.store.store import Store


def open_reader(path: Path | str) -> Store:
    """A :class:`Store` over a read-only connection to the existing cache at ``path``.

    Raises :class:`StoreError` when the file is missing or not at this schema
    version (the caller then reads through its write connection, which handles
    both as at start-up).
    """
    path = Path(path)
    if not path.exists():
        raise StoreError(f"cannot read cache {path}: it does not exist")
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        conn = sqlite3.connect(
            uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
            check_same_thread=True,
        )  # fmt: skip
    except sqlite3.Error as exc:
        raise StoreError(f"cannot read cache {path}: {exc}") from exc
    try:
        conn.row_factory = sqlite3.Row
        _configure(conn)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error as exc:
        conn.close()
        raise StoreError(f"cannot read cache {path}: {exc}") from exc
    if version != SCHEMA_VERSION:
        conn.close()
        raise StoreError(f"cache {path} is at schema {version}, not {SCHEMA_VERSION}")
    return Store(conn, path)
