"""Opening a new cache while other processes open it too (the six-process race).

Two races made a process that opened a brand-new cache at the same instant as
another fail or throw the other's fresh cache away:

* ``PRAGMA journal_mode = WAL`` writes the file header, but SQLite takes that
  write lock without calling the busy handler, so it failed at once with
  "database is locked" while another process held the lock (creating the schema).
* The "is this file ours?" check read the application id and the table count in
  two statements, each its own snapshot: another process's migration committed
  between them looked like a foreign SQLite file (no id, some tables), and the
  new cache was moved aside as ``.broken-`` under the other processes' feet.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from termnews.core.store import db
from termnews.core.store.schema import APPLICATION_ID, SCHEMA_VERSION


def test_the_wal_switch_waits_for_another_writer_instead_of_failing(tmp_path: Path) -> None:
    path = tmp_path / "cache.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # the write lock, as another process creating the schema
    release = threading.Timer(0.3, lambda: holder.execute("COMMIT"))
    release.start()
    try:
        conn = db.open_connection(path)
    finally:
        release.join()
        holder.close()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()
    assert not [p for p in tmp_path.iterdir() if ".broken-" in p.name]


class _MigratedMeanwhile:
    """A connection after whose first statement another process migrates the file."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self._path = path
        self._done = False

    def execute(self, sql: str) -> _Rows:
        rows = _Rows(self._conn.execute(sql).fetchall())  # done reading: no lock held
        if not self._done:
            self._done = True
            other = db.open_connection(self._path)  # the other process, start to finish
            other.close()
        return rows


class _Rows:
    def __init__(self, rows: list[sqlite3.Row]) -> None:
        self._rows = rows

    def fetchone(self) -> sqlite3.Row:
        return self._rows[0]


def test_a_cache_created_by_another_process_meanwhile_is_not_foreign(tmp_path: Path) -> None:
    path = tmp_path / "cache.db"
    conn = db._connect(path)
    probe = _MigratedMeanwhile(conn, path)
    assert db._looks_foreign(probe) is False  # type: ignore[arg-type]
    conn.close()
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    check.close()
