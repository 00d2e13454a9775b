"""Opening the SQLite cache: pragmas, migrations, and corrupt/foreign files.

A ``sqlite3`` connection belongs to the thread that made it, so callers open
one :class:`~termnews.core.store.articles.Store` per worker thread; WAL mode
lets the UI read while a refresh writes, and ``busy_timeout`` makes a second
process wait for the writer instead of failing with "database is locked".
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from termnews.core.errors import StoreError
from termnews.core.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

BUSY_TIMEOUT_MS = 30_000


class CacheMovedAside(StoreError):
    """The cache file was corrupt or foreign; it was moved and a new one started.

    Raised only as a notice: :func:`open_connection` returns a fresh connection and
    records the message so the edge can show it.
    """


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA cache_size = -16000")
    conn.execute("PRAGMA mmap_size = 268435456")


def _migrate(conn: sqlite3.Connection) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        # Named by path: the line said which schema, not which cache (a user who went
        # back to an older termnews may have several, or a script's --data-dir).
        path = conn.execute("PRAGMA database_list").fetchone()[2] or "(in memory)"
        raise StoreError(
            f"cache {path} is from a newer termnews (schema version {version}; this one "
            f"reads up to {SCHEMA_VERSION}) and is left as it is: upgrade termnews, or "
            "use another cache with --data-dir"
        )
    if version == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Re-read inside the write lock: another process may have migrated meanwhile.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        for number in range(version, SCHEMA_VERSION):
            for statement in MIGRATIONS[number]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number + 1}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # SQLite may have rolled back already (disk full, I/O error)
            conn.execute("ROLLBACK")
        raise


FTS_HASHSIZE = 8 * 1024 * 1024
"""Bytes of pending terms FTS5 holds before it writes them out as a segment (default 1 MiB).

With the default, each search-index batch of a refresh (1,000 articles, ~2.6 MB of
text) was written as several small segments that FTS5 then merged again: a cold
refresh of 10,000 articles ended with 8 segments. At 8 MiB a batch is one segment
(4 at the end, so searches read fewer), and building the index costs ~8% less
(0.49 -> 0.45 s of the writer's CPU for 10,000 articles, same terms, same ranking).
It bounds the memory of one batch's pending terms, so refresh memory stays bounded.
"""


def _tune_fts(conn: sqlite3.Connection) -> None:
    """Set :data:`FTS_HASHSIZE` once per cache (FTS5 keeps it in ``articles_fts_config``).

    Not a migration: an SQLite whose FTS5 lacks the option refuses it, and the
    cache must still open (the index then works as before, with the default).
    """
    row = conn.execute("SELECT 1 FROM articles_fts_config WHERE k = 'hashsize'").fetchone()
    if row is not None:
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO articles_fts(articles_fts, rank) VALUES ('hashsize', ?)", (FTS_HASHSIZE,)
        )
        conn.execute("COMMIT")
    except sqlite3.OperationalError:
        if conn.in_transaction:
            conn.execute("ROLLBACK")


def _looks_foreign(conn: sqlite3.Connection) -> bool:
    """True when the file is a SQLite database that termnews did not create."""
    # One statement, so one snapshot: read separately, another process's migration
    # committed in between (id still 0, tables now there) looked like a foreign file,
    # and its brand-new cache was moved aside while it was using it.
    app_id, tables = conn.execute(
        "SELECT (SELECT application_id FROM pragma_application_id),"
        " (SELECT count(*) FROM sqlite_master)"
    ).fetchone()
    if app_id == APPLICATION_ID:
        return False
    return bool(app_id) or tables > 0


def _connect(path: Path) -> sqlite3.Connection:
    is_new = not path.exists() or path.stat().st_size == 0
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.row_factory = sqlite3.Row
    _configure(conn)
    if is_new:
        # 8 KiB pages make a 100,000-article cache about a third smaller (PERF-NOTES).
        conn.execute("PRAGMA page_size = 8192")
    return conn


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL, which rewrites the file header: only once the file is known to be ours.

    SQLite takes the lock for that header write without calling the busy handler,
    so while another process holds the write lock (several processes creating one
    new cache at once) the switch fails at once with "database is locked" instead
    of waiting. It is retried here for as long as ``busy_timeout`` would have waited.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.001
    while True:
        try:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            break
        except sqlite3.OperationalError as exc:
            code = getattr(exc, "sqlite_errorcode", None)
            busy = isinstance(code, int) and code & 0xFF == sqlite3.SQLITE_BUSY
            if not busy or time.monotonic() >= deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.05)
    if str(mode).lower() != "wal":
        raise sqlite3.DatabaseError(f"cannot switch to WAL journal mode (got {mode})")


def move_aside(path: Path) -> Path:
    """Rename a bad cache file (and its WAL/SHM files) out of the way; never delete it."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.broken-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.broken-{stamp}-{n}")
    path.rename(target)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    return target


_WRITE_FAILURES = frozenset(
    {sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_BUSY,
     sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM}
)  # fmt: skip


def is_write_failure(exc: sqlite3.OperationalError) -> bool:
    """True when a write failed for a reason outside termnews (disk, permissions, locks)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in _WRITE_FAILURES


def is_corruption(exc: BaseException) -> bool:
    """True for SQLITE_CORRUPT / SQLITE_NOTADB: the file itself is damaged."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
    text = str(exc)
    return "malformed" in text or "not a database" in text


def describe_failure(path: Path, exc: sqlite3.Error) -> str:
    """One line for a cache error met while in use; a damaged file is moved aside.

    Corruption inside pages (a bad disk, a copy taken mid-write) is not seen when
    the file is opened, only when a query reads the damaged page. The file is then
    treated as at start-up: moved aside, never deleted, and the next run starts a
    new cache. Callers close their connections first.
    """
    if not is_corruption(exc):
        return f"cache {path}: {exc}"
    try:
        moved = move_aside(path)
    except OSError as move_exc:
        return (
            f"cache {path} is damaged ({exc}) and could not be moved aside: "
            f"{move_exc.strerror or move_exc}"
        )
    return f"cache {path} is damaged ({exc}); moved it to {moved}; the next run starts a new cache"


def _mkdir_problem(directory: Path, exc: OSError) -> str:
    """Why the data directory could not be made: a file in the way says more than errno."""
    for ancestor in (directory, *directory.parents):
        if ancestor.exists():
            if not ancestor.is_dir():
                return f"{ancestor} is a file, not a directory"
            break
    return exc.strerror or str(exc)


def _open_problem(path: Path) -> str | None:
    """Why SQLite could not open ``path``, in the system's words, or None if none is seen.

    SQLite says only "unable to open database file" whether the cache is a
    directory, its directory is read-only or the disk is: the same opens done
    here with ``os.open`` give the errno that names the real cause. A probe file
    this makes (the cache or its ``-wal``, when missing) is removed again.
    """
    shm = Path(f"{path}-shm")
    for target in (path, Path(f"{path}-wal"), shm):
        name = "it" if target == path else str(target)
        if target.is_dir():
            return f"{name} is a directory, not a file"
        existed = target.exists()
        if target == shm and not existed:
            continue  # made by SQLite as it opens: no probe (another process may be opening)
        try:
            fd = os.open(target, os.O_RDWR | (0 if existed else os.O_CREAT | os.O_EXCL), 0o600)
        except FileExistsError:  # made meanwhile by another process: not a problem
            continue
        except OSError as exc:
            if existed:
                return f"{name} cannot be opened for writing ({exc.strerror})"
            return f"cannot create files in {target.parent} ({exc.strerror})"
        os.close(fd)
        if not existed:
            target.unlink(missing_ok=True)
    return None


def write_failure(path: Path | None, exc: sqlite3.Error) -> StoreError:
    """The "cannot write cache PATH: ..." error and, when read-only, which file is.

    SQLite says "attempt to write a readonly database" when the cache is, and also
    when its ``-wal`` or ``-shm`` is: a cache once opened while read-only leaves them
    with its mode, and with the cache made writable again every write still failed,
    the line naming only the file the user had fixed (seen by qa17).
    """
    message = f"cannot write cache {path}: {exc}"
    if path is not None and "readonly" in str(exc):  # (None: an in-memory cache)
        problem = _open_problem(path)
        if problem is not None:
            message += f" ({problem})"
    return StoreError(message)


def _unopenable(path: Path) -> StoreError | None:
    """A one-line error for a cache the system will not let SQLite open, or None."""
    problem = _open_problem(path)
    if problem is None:
        return None
    return StoreError(
        f"cannot open cache {path}: {problem}; fix that or choose another place "
        "with --data-dir or TERMNEWS_DATA_DIR"
    )


def open_connection(path: Path, notices: list[str] | None = None) -> sqlite3.Connection:
    """Open (creating and migrating) the cache at ``path``.

    A corrupt or foreign file is moved aside with a notice naming both paths, and
    a fresh cache is started: the user's old data stays on disk for recovery.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        problem = _mkdir_problem(path.parent, exc)
        raise StoreError(f"cannot create data directory {path.parent}: {problem}") from exc
    try:
        conn = _connect(path)
        if _looks_foreign(conn):
            conn.close()
            raise sqlite3.DatabaseError("not a termnews cache")
        _enable_wal(conn)
        _migrate(conn)
        _tune_fts(conn)
        return conn
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError) and (
            "unable to open" in str(exc) or "readonly" in str(exc) or "disk I/O" in str(exc)
        ):
            unopenable = _unopenable(path)
            if unopenable is not None:
                raise unopenable from exc
        if isinstance(exc, sqlite3.OperationalError) and not path.exists():
            raise StoreError(f"cannot open cache {path}: {exc}") from exc
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            raise StoreError(f"cache {path} is locked by another process: {exc}") from exc
        if isinstance(exc, sqlite3.OperationalError) and (
            "readonly" in str(exc) or "unable to open" in str(exc) or "disk" in str(exc)
        ):
            raise write_failure(path, exc) from exc
        try:
            moved = move_aside(path)
        except OSError as move_exc:
            raise StoreError(
                f"cache {path} is unreadable ({exc}) and could not be moved aside: "
                f"{move_exc.strerror}"
            ) from exc
        message = (
            f"cache {path} was unreadable ({exc}); moved it to {moved} and started a new cache"
        )
        if notices is not None:
            notices.append(message)
        conn = _connect(path)
        _enable_wal(conn)
        _migrate(conn)
        _tune_fts(conn)
        return conn
