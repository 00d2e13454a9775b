"""The cache store: feeds, articles, read/starred state and the FTS index.

One :class:`Store` wraps one SQLite connection and must be used from the thread
that opened it (open one per worker thread). All writes that belong together
run in one ``BEGIN IMMEDIATE`` transaction so a crash never leaves half a feed.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from termnews.core.errors import NotFoundError, StoreError
from termnews.core.models import (
    DEFAULT_SECTION,
    Article,
    Feed,
    Headline,
    ParsedFeed,
    Section,
    VirtualSection,
    body_markdown,
)
from termnews.core.store import deferred_text
from termnews.core.store.db import is_write_failure, open_connection, write_failure
from termnews.core.store.deferred_text import PENDING_HASH, complete_row, text_and_summary
from termnews.core.store.rows import (
    BODY_COLUMNS,
    HASH,
    KEY,
    LINK,
    PUBLISHED,
    ROW_COLUMNS,
    TEXT_KEY_PREFIX,
    TITLE_KEY_PREFIX,
    UPDATED,
    FeedRows,
    Row,
    content_hash,
    row_entry,
    stored_title_key,
)
from termnews.core.text import clean_line

WATERMARKS = ("fts_indexed_upto", "mute_applied_upto", "related_indexed_upto")
"""``meta`` keys marking the highest article id a later pass has already taken up."""
_HEADLINE_COLUMNS = (
    "a.id, a.feed_id, f.title AS feed_title, a.section, a.title, a.published, a.updated,"
    " a.fetched_at, a.read, a.starred, s.story_id"
)
_ARTICLE_COLUMNS = (
    "a.id, a.feed_id, f.title AS feed_title, a.section, a.guid, a.link, a.title, a.author,"
    " a.published, a.updated, a.summary, a.content, a.content_html, a.content_base,"
    " a.categories, a.image, a.enclosures, a.read, a.starred, a.fetched_at, a.full_content,"
    " a.full_error, s.story_id, a.content_hash"
)
"""Named, not ``a.*``: the articles table still has its pre-schema-8 ``story_id`` column,
whose values are stale; an article's story is its ``article_stories`` row (schema.py)."""
_ARTICLES_FROM = (
    "articles a JOIN feeds f ON f.id = a.feed_id LEFT JOIN article_stories s ON s.article_id = a.id"
)
_FEED_STATE_COLUMNS = frozenset(
    {
        "url",
        "title",
        "site_url",
        "etag",
        "last_modified",
        "last_checked",
        "last_success",
        "last_error",
        "failures",
        "next_check",
        "dead",
        "full_text",
        "ttl_minutes",
        "source_hash",
    }
)


def _ts(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def _dt(value: float | None) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value is not None else None


def _now() -> float:
    return time.time()


_DAY = 86400.0


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What one ingest of a parsed feed changed."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    new_ids: tuple[int, ...] = ()


def _legacy_same(row: Row, old: tuple[int, str, bool]) -> bool:
    """True if a row stored as Markdown (schema < 4) holds this entry unchanged.

    Such rows were hashed over the Markdown, so the new plain-text hash never
    matches them. Their first re-ingest converts the body once to compare; an
    unchanged row is then rewritten in the new form without counting as updated.
    """
    if row[_HTML] is None or not old[2]:
        return False
    entry = row_entry(row)
    markdown = entry.markdown
    return content_hash(entry.title, entry.summary, markdown, entry.link, entry.author) == old[1]


_HTML = ROW_COLUMNS.index("content_html")


def _placeholder(column: str) -> str:
    return "CAST(? AS TEXT)" if column in BODY_COLUMNS else "?"


_INSERT = (
    "INSERT INTO articles(feed_id, section, fetched_at, sort_ts, "
    + ", ".join(ROW_COLUMNS)
    + ") VALUES (?, ?, ?, ?, "
    + ", ".join(map(_placeholder, ROW_COLUMNS))
    + ")"
)
"""A new article: (feed id, section, fetched at, sort time) and then its row."""

_UPDATE = (
    "UPDATE articles SET "
    + ", ".join(f"{c} = {_placeholder(c)}" for c in ROW_COLUMNS if c != "guid")
    + ", sort_ts = coalesce(?, sort_ts) WHERE id = ?"
)
"""A changed article: its row without the key, then its sort time (None keeps it) and id."""


_MAX_ROWID = 2**63 - 1


def _hashes(existing: Mapping[str, tuple[int, str, bool]]) -> set[str]:
    """The content hashes of a feed's articles (see ``Store.ingest``), as a set.

    Not the empty one of rows whose text is still to be made (deferred_text): it
    is every such row's, and would make them all one article.
    """
    return {old[1] for old in existing.values() if old[1]}


def _pending_same(conn: sqlite3.Connection, article_id: int, row: Row) -> bool:
    """True if a stored row whose text is still to be made holds ``row``'s text unchanged.

    Its hash is made now, as the index pass would make it: a refresh that comes
    before that pass must not find every such article changed.
    """
    stored = conn.execute(
        "SELECT id, title, summary, content_html, link, author FROM articles WHERE id = ?",
        (article_id,),
    ).fetchone()
    return stored is not None and deferred_text.filled(stored)[3] == row[HASH]


def _text_keyed(
    conn: sqlite3.Connection, feed_id: int, existing: Mapping[str, object]
) -> dict[str, str]:
    """``{title key: old key}`` of a feed's articles keyed by a hash of their text.

    Before title keys (rows.title_key), an entry with neither guid nor link was keyed
    by its text's hash. Such a row takes its title key when the feed next lists the
    entry (``Store.ingest``), so it is updated in place instead of coming back as a
    new, unread article. Done then and not by a schema migration: finding those rows
    in a whole cache read its (feed, key) index at the next start (0.18 s and 34 MB of
    mapped pages at 100,000 articles), for rows few caches hold. Called only for a
    new title key, so a feed with guids or links never pays it.
    """
    if not any(k.startswith(TEXT_KEY_PREFIX) for k in existing):
        return {}
    found: dict[str, str] = {}
    for guid, title, summary, published, updated in conn.execute(
        "SELECT guid, title, summary, published, updated FROM articles"
        " WHERE feed_id = ? AND guid >= ? AND guid < ?",  # the prefix's range of the index
        (feed_id, TEXT_KEY_PREFIX, TEXT_KEY_PREFIX[:-1] + chr(ord(TEXT_KEY_PREFIX[-1]) + 1)),
    ):
        new = stored_title_key(title, summary, published, updated)
        if new is not None:
            found.setdefault(new, guid)
    return found


def _insert_new(conn: sqlite3.Connection, feed_id: int, fresh: Sequence[Row]) -> list[int]:
    """Insert a feed's new articles (rows of :data:`_INSERT`) in one ``executemany``; their ids.

    One call instead of one ``execute`` per article: each ``execute`` makes a cursor
    and looks the statement up again, ~3 us of a cold refresh's 10,000 inserts that
    the writer thread spends holding the interpreter lock. Their ids follow from
    SQLite's rowid rule: without AUTOINCREMENT a new row gets the largest rowid in
    the table plus one, and this connection is the only writer inside its
    transaction, so ``n`` inserts after a largest id of ``top`` get ``top + 1`` to
    ``top + n``, in order, the ids one ``execute`` at a time would have got. Only
    past the largest possible rowid does SQLite pick ids at random; then they are
    read back by key.
    """
    top = int(conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0])
    conn.executemany(_INSERT, fresh)
    n = len(fresh)
    # (``Cursor.lastrowid`` is not set by executemany; the connection's is.)
    last = int(conn.execute("SELECT last_insert_rowid()").fetchone()[0])
    if top + n < _MAX_ROWID and last == top + n:
        return list(range(top + 1, top + n + 1))
    guid = 4 + KEY  # (feed id, section, fetched at, sort time, *row)
    ids = dict(
        conn.execute("SELECT guid, id FROM articles WHERE feed_id = ?", (feed_id,)).fetchall()
    )
    return [int(ids[r[guid]]) for r in fresh]


class Store:
    """Access to one cache file through one connection (one thread)."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None) -> None:
        self.conn = conn
        self.path = path
        self.notices: list[str] = []
        self.catch_up_texts: int | None = None
        """At most this many bodies' text a search's catch-up makes on this connection
        (None: all; see :func:`termnews.core.indexing.catch_up_search`)."""

    @classmethod
    def open(cls, path: Path | str) -> Store:
        """Open or create the cache at ``path``; corrupt files are moved aside (see notices)."""
        path = Path(path)
        notices: list[str] = []
        try:
            conn = open_connection(path, notices)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open cache {path}: {exc}") from exc
        store = cls(conn, path)
        store.notices = notices
        return store

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with suppress(sqlite3.Error):
            self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that takes the write lock up front (no upgrade deadlocks)."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise write_failure(self.path, exc) from exc
        try:
            yield self.conn
        except sqlite3.OperationalError as exc:
            self._rollback()
            if is_write_failure(exc):
                raise write_failure(self.path, exc) from exc
            raise
        except BaseException:
            self._rollback()
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                self._rollback()
                raise write_failure(self.path, exc) from exc

    @contextmanager
    def unmapped(self) -> Iterator[None]:
        """Read the file without memory-mapping it, for a bulk write such as a refresh.

        Mapped pages a connection has read stay in its process's resident memory:
        a cold refresh reads back most of what it writes (search index, related
        stories), so with the map its RSS grew with the size of the refresh
        (+80 MB for 10,000 articles). Readers keep the map, which makes their
        page reads cheaper; a refresh's reads go through the bounded page cache.
        """
        size = int(self.conn.execute("PRAGMA mmap_size").fetchone()[0])
        self.conn.execute("PRAGMA mmap_size = 0")
        try:
            yield
        finally:
            with suppress(sqlite3.Error):
                self.conn.execute(f"PRAGMA mmap_size = {size}")

    def _rollback(self) -> None:
        """Undo the open transaction, if SQLite has not already undone it.

        After a full disk or an I/O error SQLite rolls back by itself, and a second
        ROLLBACK ("no transaction is active") would hide the error that matters.
        """
        if self.conn.in_transaction:
            with suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    # ----------------------------------------------------------------- meta

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        """A value from the meta table."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else default

    def set_meta(self, key: str, value: str) -> None:
        """Set a meta value (outside or inside a transaction)."""
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # ---------------------------------------------------------------- feeds

    @staticmethod
    def _feed(row: sqlite3.Row) -> Feed:
        keys = row.keys()
        return Feed(
            id=row["id"],
            url=row["url"],
            title=row["title"],
            section=row["section"],
            kind=row["kind"],
            site_url=row["site_url"],
            etag=row["etag"],
            last_modified=row["last_modified"],
            last_checked=_dt(row["last_checked"]),
            last_success=_dt(row["last_success"]),
            last_error=row["last_error"],
            failures=row["failures"],
            next_check=_dt(row["next_check"]),
            dead=bool(row["dead"]),
            full_text=bool(row["full_text"]),
            total=row["total"] if "total" in keys else 0,
            unread=row["unread"] if "unread" in keys else 0,
        )

    def add_feed(
        self,
        url: str,
        title: str | None = None,
        section: str | None = None,
        kind: str = "feed",
        site_url: str | None = None,
    ) -> tuple[Feed, bool]:
        """Subscribe to ``url``; returns the feed and whether it was new.

        Adding a URL that is already subscribed keeps the existing feed (and moves
        it to ``section`` if one is given), so imports can be re-run safely.
        """
        section = clean_line(section) or DEFAULT_SECTION
        title = clean_line(title) or url
        with self.transaction() as conn:
            row = conn.execute("SELECT * FROM feeds WHERE url = ?", (url,)).fetchone()
            if row is not None:
                return self._feed(row), False
            conn.execute(
                "INSERT INTO feeds(url, title, section, kind, site_url, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (url, title, section, kind, site_url, _now()),
            )
            conn.execute(
                "INSERT OR IGNORE INTO sections(name, position) "
                "VALUES (?, (SELECT coalesce(max(position), 0) + 1 FROM sections))",
                (section,),
            )
            row = conn.execute("SELECT * FROM feeds WHERE url = ?", (url,)).fetchone()
        return self._feed(row), True

    def feeds_to_check(self) -> list[Feed]:
        """All feeds with their fetch state but no counts (what a refresh needs).

        Counting articles costs time in proportion to the cache; a refresh where
        every feed answers 304 must not, so it lists feeds with this instead.
        """
        rows = self.conn.execute(
            "SELECT f.* FROM feeds f LEFT JOIN sections s ON s.name = f.section "
            "ORDER BY coalesce(s.position, 1e9), f.section, lower(f.title)"
        ).fetchall()
        return [self._feed(r) for r in rows]

    def feeds(self) -> list[Feed]:
        """All feeds with article and unread counts, by section then title.

        Read as plain tuples in :class:`Feed`'s field order: the reader's first
        screen lists every feed, and building 1,000 of them from ``sqlite3.Row``
        lookups by name took ~20 ms (issue 8), against ~10 ms this way.
        """
        # Counts come from feed_counts (schema migration 4), kept by triggers and
        # leaving out muted articles: one row per feed, whatever the cache's size.
        cursor = self.conn.cursor()
        cursor.row_factory = None
        rows = cursor.execute(
            "SELECT f.id, f.url, f.title, f.section, f.kind, f.site_url, f.etag, "
            "f.last_modified, f.last_checked, f.last_success, f.last_error, f.failures, "
            "f.next_check, f.dead, f.full_text, coalesce(c.total, 0), coalesce(c.unread, 0) "
            "FROM feeds f LEFT JOIN sections s ON s.name = f.section "
            "LEFT JOIN feed_counts c ON c.feed_id = f.id "
            "ORDER BY coalesce(s.position, 1e9), f.section, lower(f.title)"
        ).fetchall()
        return [
            Feed(
                r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], _dt(r[8]), _dt(r[9]), r[10],
                r[11], _dt(r[12]), bool(r[13]), bool(r[14]), r[15], r[16],
            )
            for r in rows
        ]  # fmt: skip

    def is_muted(self, article_id: int) -> bool:
        """Whether a mute rule hides the article (it is then left out of every count)."""
        row = self.conn.execute("SELECT muted FROM articles WHERE id = ?", (article_id,)).fetchone()
        return bool(row and row[0])

    def has_feeds(self) -> bool:
        """Whether anything is subscribed: one row read, not the per-feed counts of feeds()."""
        return self.conn.execute("SELECT 1 FROM feeds LIMIT 1").fetchone() is not None

    def feed(self, feed_id: int) -> Feed:
        """One feed by id."""
        row = self.conn.execute("SELECT * FROM feeds WHERE id = ?", (feed_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no feed with id {feed_id}")
        return self._feed(row)

    def find_feed(self, ref: str) -> Feed:
        """A feed by id, exact URL/path, or case-insensitive title."""
        ref = ref.strip()
        if ref.isdigit():
            row = self.conn.execute("SELECT * FROM feeds WHERE id = ?", (int(ref),)).fetchone()
            if row is not None:
                return self._feed(row)
        candidates = [ref]
        if not ref.startswith(("http://", "https://")):
            with suppress(OSError, RuntimeError):
                candidates.append(str(Path(ref).expanduser().resolve()))
        for cand in candidates:
            row = self.conn.execute("SELECT * FROM feeds WHERE url = ?", (cand,)).fetchone()
            if row is not None:
                return self._feed(row)
        rows = self.conn.execute(
            "SELECT * FROM feeds WHERE lower(title) = lower(?)", (ref,)
        ).fetchall()
        if len(rows) == 1:
            return self._feed(rows[0])
        if len(rows) > 1:
            raise NotFoundError(f"{len(rows)} feeds are titled {ref!r}; use the feed id")
        # Part of a title is not taken as the feed (remove would act on a guess), but
        # the feeds it is part of are named: "refresh daring" left a newsboat user
        # guessing the exact title.
        near = self.conn.execute(
            "SELECT id, title FROM feeds WHERE instr(lower(title), lower(?)) > 0 "
            "ORDER BY lower(title) LIMIT 4",
            (ref,),
        ).fetchall()
        hint = ""
        if ref and near and not ref.isdigit():  # a number was an id: no titles with "16"
            named = ", ".join(f"[{r['id']}] {clean_line(r['title'])}" for r in near[:3])
            hint = f"; titles with it: {named}" + (", ..." if len(near) > 3 else "")
        raise NotFoundError(f"no feed matches {ref!r} (give an id, URL, path or title{hint})")

    def feed_article_counts(self, feed_id: int) -> tuple[int, int]:
        """``(cached, starred)``: every article of the feed, muted ones included.

        What :meth:`remove_feed` deletes, for the reader to say before it asks: the
        feed's ``total`` leaves out muted articles, and starred ones go too (one
        range of the feed's index, not a scan).
        """
        row = self.conn.execute(
            "SELECT count(*), coalesce(sum(starred), 0) FROM articles WHERE feed_id = ?",
            (feed_id,),
        ).fetchone()
        return int(row[0]), int(row[1])

    def remove_feed(self, feed_id: int) -> int:
        """Unsubscribe; returns how many cached articles went with it."""
        with self.transaction() as conn:
            self._fts_forget(conn, "feed_id = ?", (feed_id,))
            n = conn.execute("DELETE FROM articles WHERE feed_id = ?", (feed_id,)).rowcount
            self.settle_watermarks(conn)
            conn.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))
            conn.execute("DELETE FROM sections WHERE name NOT IN (SELECT section FROM feeds)")
        return int(n)

    def set_feed_section(self, feed_id: int, section: str) -> None:
        """Move a feed (and its articles) to another section."""
        section = clean_line(section) or DEFAULT_SECTION
        with self.transaction() as conn:
            conn.execute("UPDATE feeds SET section = ? WHERE id = ?", (section, feed_id))
            conn.execute("UPDATE articles SET section = ? WHERE feed_id = ?", (section, feed_id))
            conn.execute(
                "INSERT OR IGNORE INTO sections(name, position) "
                "VALUES (?, (SELECT coalesce(max(position), 0) + 1 FROM sections))",
                (section,),
            )
            conn.execute("DELETE FROM sections WHERE name NOT IN (SELECT section FROM feeds)")

    @staticmethod
    def _feed_assignments(fields: Mapping[str, Any]) -> tuple[str, list[Any]]:
        """SQL ``col = ?`` list and values for fetch-state columns (names checked)."""
        bad = set(fields) - _FEED_STATE_COLUMNS
        if bad:
            raise ValueError(f"unknown feed fields: {sorted(bad)}")
        values = [_ts(v) if isinstance(v, datetime) else v for v in fields.values()]
        return ", ".join(f"{k} = ?" for k in fields), values

    def update_feed(self, feed_id: int, **fields: Any) -> None:
        """Update fetch-state columns of a feed (etag, last_error, failures, ...)."""
        if not fields:
            return
        assignments, values = self._feed_assignments(fields)
        with self.transaction() as conn:
            conn.execute(f"UPDATE feeds SET {assignments} WHERE id = ?", (*values, feed_id))

    def update_feeds(self, updates: Sequence[tuple[int, Mapping[str, Any]]]) -> None:
        """Update several feeds' fetch state in one transaction.

        A refresh where most feeds answer 304 writes their "checked" stamps here,
        once, instead of one transaction per feed.
        """
        pending = [(feed_id, fields) for feed_id, fields in updates if fields]
        if not pending:
            return
        with self.transaction() as conn:
            for feed_id, fields in pending:
                assignments, values = self._feed_assignments(fields)
                conn.execute(f"UPDATE feeds SET {assignments} WHERE id = ?", (*values, feed_id))

    def fetch_states(self) -> dict[int, tuple[str | None, int | None]]:
        """``{feed id: (source_hash, ttl_minutes)}``: what a refresh needs beyond :class:`Feed`."""
        return {
            r[0]: (r[1], r[2])
            for r in self.conn.execute("SELECT id, source_hash, ttl_minutes FROM feeds")
        }

    def feed_by_url(self, url: str) -> Feed | None:
        """The feed subscribed at exactly ``url``, if any."""
        row = self.conn.execute("SELECT * FROM feeds WHERE url = ?", (url,)).fetchone()
        return self._feed(row) if row is not None else None

    def feed_source_hash(self, feed_id: int) -> str | None:
        """Hash of the last ingested source bytes (skip re-parsing unchanged files)."""
        row = self.conn.execute("SELECT source_hash FROM feeds WHERE id = ?", (feed_id,)).fetchone()
        return str(row[0]) if row and row[0] else None

    # ------------------------------------------------------------- sections

    def sections(self) -> list[Section]:
        """Virtual sections (All, Unread, Starred) then the user's, with counts."""
        # Per-feed counts kept by triggers (feed_counts), muted articles left out.
        per_section: dict[str, tuple[int, int]] = {}
        starred = 0
        for name, total, unread, stars in self.conn.execute(
            "SELECT f.section, coalesce(sum(c.total), 0), coalesce(sum(c.unread), 0),"
            " coalesce(sum(c.starred), 0) "
            "FROM feeds f LEFT JOIN feed_counts c ON c.feed_id = f.id GROUP BY f.section"
        ):
            per_section[name] = (int(total), int(unread))
            starred += int(stars)
        ordered = [
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT f.section FROM feeds f LEFT JOIN sections s "
                "ON s.name = f.section ORDER BY coalesce(s.position, 1e9), f.section"
            )
        ]
        total = sum(t for t, _ in per_section.values())
        unread = sum(u for _, u in per_section.values())
        result = [
            Section(VirtualSection.ALL.value, total, unread, virtual=True),
            Section(VirtualSection.UNREAD.value, unread, unread, virtual=True),
            Section(VirtualSection.STARRED.value, starred, 0, virtual=True),
        ]
        result += [Section(name, *per_section.get(name, (0, 0))) for name in ordered]
        return result

    # ------------------------------------------------------------- ingest

    def ingest(
        self,
        feed_id: int,
        parsed: ParsedFeed | FeedRows,
        source_hash: str | None = None,
        feed_fields: Mapping[str, Any] | None = None,
    ) -> IngestResult:
        """Insert or update a parsed feed's entries, keeping read/starred state.

        Idempotent: entries are deduplicated on (feed, key) where the key is the
        guid, else the link, else a content hash; an entry whose text did not
        change is not written at all. ``feed_fields`` (fetch state: etag,
        last_success, ...) are written in the same transaction, so a refresh
        costs one transaction per changed feed. A refresh's parse workers hand
        over :class:`FeedRows` (see :mod:`termnews.core.store.rows`); entries
        parsed here are made rows first.
        """
        rows = FeedRows.of(parsed).rows
        now = _now()
        new_ids: list[int] = []
        updated = unchanged = 0
        with self.transaction() as conn:
            frow = conn.execute("SELECT section FROM feeds WHERE id = ?", (feed_id,)).fetchone()
            if frow is None:
                raise NotFoundError(f"no feed with id {feed_id}")
            section = frow[0]
            existing: dict[str, tuple[int, str, bool]] = {
                r[0]: (r[1], r[2], bool(r[3]))
                for r in conn.execute(
                    "SELECT guid, id, content_hash, content_html IS NULL FROM articles"
                    " WHERE feed_id = ?",
                    (feed_id,),
                )
            }
            # Entries retention removed (schema 9): one range of the primary key, like
            # the query above; nearly always empty.
            gone = {
                r[0]
                for r in conn.execute(
                    "SELECT guid FROM removed_entries WHERE feed_id = ?", (feed_id,)
                )
            }
            still_listed: list[str] = []
            seen: set[str] = set()
            known: set[str] | None = None  # the feed's content hashes, once one is needed
            text_keyed: dict[str, str] | None = None  # see _text_keyed, once one is needed
            fresh: list[Row] = []
            execute = conn.execute
            for index, row in enumerate(rows):
                key = row[KEY]
                if key in seen:
                    continue
                seen.add(key)
                old = existing.get(key)
                if old is None and key.startswith(TITLE_KEY_PREFIX):
                    # Keyed by its text by an older termnews: the row takes its new key.
                    if text_keyed is None:
                        text_keyed = _text_keyed(conn, feed_id, existing)
                    older = text_keyed.pop(key, None)
                    if older is not None:
                        execute(
                            "UPDATE articles SET guid = ? WHERE feed_id = ? AND guid = ?",
                            (key, feed_id, older),
                        )
                        old = existing[key] = existing.pop(older)
                if old is not None and row[HASH] == PENDING_HASH:
                    row = complete_row(row)  # compared below: it needs its real hash
                if old is None and key in gone:
                    still_listed.append(key)
                    unchanged += 1
                elif old is None:
                    # Only an entry with a link: without one, identical entries
                    # under different guids may be different things (test feeds).
                    if row[LINK] and row[HASH] != PENDING_HASH:
                        if known is None:
                            known = _hashes(existing)
                        if row[HASH] in known:
                            # The same text, title, link and author under a new key: a
                            # feed that mints guids per request. It is the one it has.
                            unchanged += 1
                            continue
                        known.add(row[HASH])  # and a copy later in this batch is too
                    # Undated entries keep feed order: newer first, a hair apart.
                    sort_ts = row[PUBLISHED] or row[UPDATED] or (now - index * 1e-3)
                    fresh.append((feed_id, section, now, sort_ts, *row))
                elif old[1] != row[HASH]:
                    if old[1] == PENDING_HASH and _pending_same(conn, old[0], row):
                        unchanged += 1
                        continue
                    changed = not _legacy_same(row, old)
                    self._fts_forget(conn, "id = ?", (old[0],))
                    # The key comes first in a row: the rest is what changes.
                    dated = row[PUBLISHED] or row[UPDATED]
                    execute(_UPDATE, (*row[1:], dated, old[0]))
                    self._fts_add(conn, "id = ?", (old[0],))
                    if changed:
                        updated += 1
                    else:
                        unchanged += 1
                else:
                    unchanged += 1
            if gone:
                self._settle_removed(conn, feed_id, gone, still_listed, bool(seen), now)
            if fresh:
                new_ids = _insert_new(conn, feed_id, fresh)
            if new_ids:
                # New rows are unread, unstarred and not muted (mute rules run after
                # the refresh, through the update trigger): schema migration 7.
                conn.execute(
                    "INSERT INTO feed_counts(feed_id, total, unread, starred) VALUES (?, ?, ?, 0)"
                    " ON CONFLICT(feed_id) DO UPDATE SET total = total + excluded.total,"
                    " unread = unread + excluded.unread",
                    (feed_id, len(new_ids), len(new_ids)),
                )
            if source_hash is not None:
                conn.execute(
                    "UPDATE feeds SET source_hash = ? WHERE id = ?", (source_hash, feed_id)
                )
            if feed_fields:
                assignments, values = self._feed_assignments(feed_fields)
                conn.execute(f"UPDATE feeds SET {assignments} WHERE id = ?", (*values, feed_id))
        return IngestResult(len(new_ids), updated, unchanged, tuple(new_ids))

    @staticmethod
    def _settle_removed(
        conn: sqlite3.Connection,
        feed_id: int,
        gone: set[str],
        still_listed: Sequence[str],
        complete: bool,
        now: float,
    ) -> None:
        """Keep the removed keys a feed still lists (stamped as seen); forget the others.

        A key the feed no longer lists has left the feed, so it goes. An empty batch
        (``complete`` false) says nothing about what the feed lists: a feed that
        briefly served no items must not let its removed entries back in after.
        The stamp is written at most once a day, so a feed refreshed every few
        minutes does not rewrite its keys each time.
        """
        if complete:
            conn.executemany(
                "DELETE FROM removed_entries WHERE feed_id = ? AND guid = ?",
                [(feed_id, key) for key in gone.difference(still_listed)],
            )
        conn.executemany(
            "UPDATE removed_entries SET listed_at = ?"
            " WHERE feed_id = ? AND guid = ? AND listed_at < ?",
            [(now, feed_id, key, now - _DAY) for key in still_listed],
        )

    def remove_articles(self, conn: sqlite3.Connection, ids: Sequence[int], now: float) -> int:
        """Delete articles inside ``conn``'s transaction, remembering their feeds' keys.

        The one way articles leave the cache other than unsubscribing (retention).
        Each key goes into ``removed_entries`` in the same transaction as the delete,
        so a refresh never finds the article gone and its key unrecorded: the feed
        may list the entry for weeks yet, and ingest would take it as new and unread.
        """
        removed = 0
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            self.fts_forget_ids(conn, chunk)
            conn.execute(
                "INSERT OR REPLACE INTO removed_entries(feed_id, guid, listed_at)"
                f" SELECT feed_id, guid, ? FROM articles WHERE id IN ({marks})",
                (now, *chunk),
            )
            removed += conn.execute(f"DELETE FROM articles WHERE id IN ({marks})", chunk).rowcount
        self.settle_watermarks(conn)
        return removed

    @staticmethod
    def forget_removed(conn: sqlite3.Connection, before: float) -> int:
        """Forget removed keys no ingest has seen listed since ``before``; how many."""
        return int(
            conn.execute("DELETE FROM removed_entries WHERE listed_at < ?", (before,)).rowcount
        )

    # ---------------------------------------------------------------- FTS

    @staticmethod
    def top_id(conn: sqlite3.Connection) -> int:
        """The highest article id (0 for none): the end of every index's "up to" range."""
        return int(conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0])

    @staticmethod
    def _fts_upto(conn: sqlite3.Connection) -> int:
        """The highest article id the full-text index has taken up (its watermark)."""
        return int(
            conn.execute("SELECT value FROM meta WHERE key = 'fts_indexed_upto'").fetchone()[0]
        )

    @staticmethod
    def _fts_forget(conn: sqlite3.Connection, where: str, params: Sequence[Any]) -> None:
        """Remove already-indexed rows from the external-content FTS index.

        Only rows the index holds (``articles_fts_docsize`` has one row per indexed
        article): a 'delete' of a row never indexed corrupts an FTS5 index, and the
        next search then found the cache damaged. Caches written before
        :meth:`settle_watermarks` can hold such rows below the mark.
        """
        upto = Store._fts_upto(conn)
        conn.execute(
            "INSERT INTO articles_fts(articles_fts, rowid, title, summary, content) "
            f"SELECT 'delete', id, title, summary, content FROM articles WHERE {where} AND id <= ?"
            " AND id IN (SELECT id FROM articles_fts_docsize)",
            (*params, upto),
        )

    @staticmethod
    def settle_watermarks(conn: sqlite3.Connection) -> None:
        """After articles are deleted: no "processed up to" mark above the highest id left.

        Article ids are SQLite rowids, which hand a new article the highest id in use
        plus one: once the newest articles are deleted (a feed just added is removed),
        the next ones get their ids again. The full-text index, the mute rules and
        related stories each take up the articles above their mark, so those were
        never indexed, muted or grouped, and a later delete of them took from the
        index what was never in it: the next search found the cache "damaged" and
        moved it aside (add A, add B, remove B, add C, remove C, search).
        """
        top = Store.top_id(conn)
        conn.execute(
            f"UPDATE meta SET value = ? WHERE key IN ({','.join('?' * len(WATERMARKS))})"
            " AND CAST(value AS INTEGER) > ?",
            (str(top), *WATERMARKS, top),
        )

    @staticmethod
    def index_missed(conn: sqlite3.Connection) -> int:
        """Index the articles below the mark the index does not hold; returns how many.

        Those a cache written before :meth:`settle_watermarks` missed (run by
        ``termnews cleanup``: one pass over the ids, not for every refresh).
        """
        upto = Store._fts_upto(conn)
        cur = conn.execute(
            "INSERT INTO articles_fts(rowid, title, summary, content) "
            "SELECT id, title, summary, content FROM articles WHERE id <= ?"
            " AND id NOT IN (SELECT id FROM articles_fts_docsize)",
            (upto,),
        )
        return int(cur.rowcount)

    def fts_forget_ids(self, conn: sqlite3.Connection, ids: Sequence[int]) -> None:
        """Drop these articles from the FTS index before they are deleted."""
        marks = ",".join("?" * len(ids))
        self._fts_forget(conn, f"id IN ({marks})", ids)

    @staticmethod
    def _fts_add(conn: sqlite3.Connection, where: str, params: Sequence[Any]) -> None:
        upto = Store._fts_upto(conn)
        conn.execute(
            "INSERT INTO articles_fts(rowid, title, summary, content) "
            f"SELECT id, title, summary, content FROM articles WHERE {where} AND id <= ?",
            (*params, upto),
        )

    def fill_texts(self, after: int = 0, last: int | None = None) -> int:
        """Make the plain text a refresh left to be made, for ids in ``(after, last]``.

        See :mod:`termnews.core.store.deferred_text`. A read of a nearly empty index
        when there is none, and no write transaction then.
        """
        conn = self.conn
        top = self.top_id(conn) if last is None else last
        if not deferred_text.pending_ids(conn, after, top):
            return 0
        with self.transaction() as conn:
            return deferred_text.fill_pending(conn, after, top)

    def write_texts(self, updates: Sequence[deferred_text.Filled]) -> int:
        """Store the texts worker processes made for rows a refresh left them to."""
        if not updates:
            return 0
        with self.transaction() as conn:
            return deferred_text.write_filled(conn, updates)

    def index_pending(
        self, upto_id: int | None = None, texts: Sequence[deferred_text.Filled] = ()
    ) -> int:
        """Add every article not yet in the FTS index, in one batch; returns how many.

        ``upto_id`` stops at that article id: a refresh leaves its latest articles
        for the end, where the index is built beside the last related-stories batch
        (``http_refresh._Indexer``). The watermark moves only as far as was indexed.
        Bodies whose plain text a refresh left get it first (``deferred_text``): the
        ``texts`` given (made by the pass's workers), then any still to be made.
        """
        with self.transaction() as conn:
            deferred_text.write_filled(conn, texts)
            upto = int(self.get_meta("fts_indexed_upto", "0") or 0)
            top = self.top_id(conn)
            if upto_id is not None:
                top = min(top, upto_id)
            if top <= upto:
                return 0
            # The index takes the text: make it first where a refresh left it to be made.
            deferred_text.fill_pending(conn, upto, top)
            cur = conn.execute(
                "INSERT INTO articles_fts(rowid, title, summary, content) "
                "SELECT id, title, summary, content FROM articles WHERE id > ? AND id <= ?",
                (upto, top),
            )
            self.set_meta("fts_indexed_upto", str(top))
            return int(cur.rowcount)

    # ------------------------------------------------------------ reading

    @staticmethod
    def _article(row: sqlite3.Row, with_body: bool = True) -> Article:
        return Article(
            id=row["id"],
            feed_id=row["feed_id"],
            feed_title=row["feed_title"],
            section=row["section"],
            guid=row["guid"],
            link=row["link"],
            title=row["title"],
            author=row["author"],
            published=_dt(row["published"]),
            updated=_dt(row["updated"]),
            summary=(
                # Stored empty by a refresh that left the body to give it: made now, as
                # it will be (a feed's own summary is stored as it is).
                text_and_summary(row["content_html"], "")[1]
                if not row["summary"]
                and row["content_hash"] == PENDING_HASH
                and row["content_html"] is not None
                else row["summary"]
            ),
            content=(
                body_markdown(row["content"], row["content_html"], row["content_base"])
                if with_body
                else ""
            ),
            categories=tuple(json.loads(row["categories"])) if row["categories"] else (),
            image=row["image"],
            enclosures=tuple(json.loads(row["enclosures"])) if row["enclosures"] else (),
            read=bool(row["read"]),
            starred=bool(row["starred"]),
            fetched_at=_dt(row["fetched_at"]) or datetime.now(UTC),
            full_content=row["full_content"],
            full_error=row["full_error"],
            story_id=row["story_id"],
        )

    @staticmethod
    def _headline(row: sqlite3.Row) -> Headline:
        return Headline(
            id=row["id"],
            feed_id=row["feed_id"],
            feed_title=row["feed_title"],
            section=row["section"],
            title=row["title"],
            published=_dt(row["published"] or row["updated"] or row["fetched_at"]),
            read=bool(row["read"]),
            starred=bool(row["starred"]),
            story_id=row["story_id"],
        )

    def article(self, article_id: int) -> Article:
        """One article by id."""
        row = self.conn.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM {_ARTICLES_FROM} WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no article with id {article_id}")
        return self._article(row)

    def articles_by_ids(self, ids: Iterable[int]) -> list[Article]:
        """Several articles, in the order of ``ids`` (missing ids skipped)."""
        wanted = list(ids)
        if not wanted:
            return []
        marks = ",".join("?" * len(wanted))
        rows = self.conn.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM {_ARTICLES_FROM} WHERE a.id IN ({marks})",
            wanted,
        ).fetchall()
        by_id = {r["id"]: self._article(r) for r in rows}
        return [by_id[i] for i in wanted if i in by_id]

    def _filter(
        self,
        section: str | None,
        feed_id: int | None,
        unread: bool,
        starred: bool,
        include_muted: bool = False,
    ) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if section == VirtualSection.UNREAD.value:
            unread = True
        elif section == VirtualSection.STARRED.value:
            starred = True
        elif section and section != VirtualSection.ALL.value:
            clauses.append("a.section = ?")
            params.append(section)
        if feed_id is not None:
            clauses.append("a.feed_id = ?")
            params.append(feed_id)
        if unread:
            clauses.append("a.read = 0")
        if starred:
            clauses.append("a.starred = 1")
        if not include_muted:
            clauses.append("a.muted = 0")  # Hidden by a mute rule (core/search/mute.py).
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        return where, params

    def headlines(
        self,
        section: str | None = None,
        feed_id: int | None = None,
        unread: bool = False,
        starred: bool = False,
        limit: int = 200,
        offset: int = 0,
        include_muted: bool = False,
    ) -> list[Headline]:
        """A page of headlines, newest first (cheap rows for the headline list).

        ``include_muted`` shows articles hidden by mute rules too ("show muted").
        """
        where, params = self._filter(section, feed_id, unread, starred, include_muted)
        rows = self.conn.execute(
            f"SELECT {_HEADLINE_COLUMNS} FROM {_ARTICLES_FROM} "
            f"{where} ORDER BY a.sort_ts DESC, a.id DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ).fetchall()
        return [self._headline(r) for r in rows]

    def headlines_beside(
        self,
        anchor_id: int | None,
        older: bool,
        limit: int = 200,
        section: str | None = None,
        feed_id: int | None = None,
        unread: bool = False,
        starred: bool = False,
        include_muted: bool = False,
    ) -> list[Headline]:
        """The ``limit`` headlines next to ``anchor_id`` in the list's order, newest first.

        ``older``: the rows below the anchor, else those above it; with no anchor,
        the first page (``older``) or the last one. Keyset paging, for the headline
        list's window: ``OFFSET 99,800`` steps through every row before it (244 ms
        and 250 MB of mapped cache pages for the last page of 100,000 articles, where
        this reads 200 rows in 1 ms). The anchor need not be in the query (a row read
        with "unread only" still marks a place); a removed anchor gives no rows.
        """
        where, params = self._filter(section, feed_id, unread, starred, include_muted)
        if anchor_id is not None:
            side = "<" if older else ">"
            beside = f"(a.sort_ts, a.id) {side} (SELECT sort_ts, id FROM articles WHERE id = ?)"
            where = f"{where} AND {beside}" if where else f"WHERE {beside}"
            params = [*params, anchor_id]
        order = "DESC" if older else "ASC"
        rows = self.conn.execute(
            f"SELECT {_HEADLINE_COLUMNS} FROM {_ARTICLES_FROM} "
            f"{where} ORDER BY a.sort_ts {order}, a.id {order} LIMIT ?",
            (*params, limit),
        ).fetchall()
        if not older:
            rows.reverse()
        return [self._headline(r) for r in rows]

    def position(
        self,
        article_id: int,
        section: str | None = None,
        feed_id: int | None = None,
        unread: bool = False,
        starred: bool = False,
        include_muted: bool = False,
    ) -> int | None:
        """How many rows of a headline query sort above ``article_id`` (None: no such article).

        The article need not be in the query (read, with "unread only"): this is where
        it would sort. A reload of a headline window far down a long section starts
        from here, not from the query's first row.
        """
        found = self.conn.execute(
            "SELECT sort_ts FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if found is None:
            return None
        where, params = self._filter(section, feed_id, unread, starred, include_muted)
        above = "(a.sort_ts, a.id) > (?, ?)"
        where = f"{where} AND {above}" if where else f"WHERE {above}"
        # The covering index holds every column the filter reads: 5-8 ms at 100,000
        # articles, where the planner's choice read the rows (150 ms). One feed's
        # rows are few, and its own index finds them.
        index = "" if feed_id is not None else "INDEXED BY idx_articles_search"
        return int(
            self.conn.execute(
                f"SELECT count(*) FROM articles a {index} {where}",
                (*params, found[0], article_id),
            ).fetchone()[0]
        )

    def count(
        self,
        section: str | None = None,
        feed_id: int | None = None,
        unread: bool = False,
        starred: bool = False,
        include_muted: bool = False,
    ) -> int:
        """How many articles a headline query would list in total."""
        where, params = self._filter(section, feed_id, unread, starred, include_muted=True)
        n = int(
            self.conn.execute(
                f"SELECT count(*) FROM articles a {self._count_index(where)} {where}", params
            ).fetchone()[0]
        )
        if not include_muted:  # Subtract, so the covering indexes still serve the count.
            muted = f"{where} AND a.muted = 1" if where else "WHERE a.muted = 1"
            n -= int(
                self.conn.execute(
                    f"SELECT count(*) FROM articles a INDEXED BY idx_articles_muted {muted}",
                    params,
                ).fetchone()[0]
            )
        return n

    @staticmethod
    def _count_index(where: str) -> str:
        """The partial index that counts ``where`` (an INDEXED BY clause), or ''.

        SQLite's planner, which has no statistics, would rather scan all of the
        covering ``idx_articles_search`` (schema 4) than a partial index it cannot
        size: 4-5 ms instead of 0.05-1 ms at 100,000 articles.
        """
        if "a.feed_id" in where:
            return ""  # idx_articles_feed_ts narrows to one feed first
        if "a.starred = 1" in where and "a.section" not in where:
            return "INDEXED BY idx_articles_starred"
        if "a.read = 0" in where:
            return "INDEXED BY idx_articles_unread"
        return ""

    def articles(
        self,
        section: str | None = None,
        feed_id: int | None = None,
        unread: bool = False,
        starred: bool = False,
        limit: int = 50,
        offset: int = 0,
        include_muted: bool = False,
        with_body: bool = True,
    ) -> list[Article]:
        """Whole articles, newest first (for the CLI).

        ``with_body=False`` leaves ``content`` empty: a listing shows titles only, and
        making each body's Markdown (lxml, ~2 ms an article) was most of what
        ``termnews articles`` cost, and grew with the bodies' length, not the listing's.
        """
        where, params = self._filter(section, feed_id, unread, starred, include_muted)
        rows = self.conn.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM {_ARTICLES_FROM} "
            f"{where} ORDER BY a.sort_ts DESC, a.id DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        ).fetchall()
        return [self._article(r, with_body) for r in rows]

    def section_names(self) -> list[str]:
        """The user's sections in display order."""
        return [s.name for s in self.sections() if not s.virtual]

    # -------------------------------------------------------------- state

    def set_read(self, ids: Iterable[int], read: bool = True) -> int:
        """Mark articles read or unread; returns how many changed."""
        return self._set_flag("read", ids, read)

    def set_starred(self, ids: Iterable[int], starred: bool = True) -> int:
        """Star or unstar articles; returns how many changed."""
        return self._set_flag("starred", ids, starred)

    def _set_flag(self, column: str, ids: Iterable[int], value: bool) -> int:
        wanted = list(ids)
        if not wanted:
            return 0
        changed = 0
        with self.transaction() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                changed += conn.execute(
                    f"UPDATE articles SET {column} = ? WHERE id IN ({marks}) AND {column} != ?",
                    (int(value), *chunk, int(value)),
                ).rowcount
        return changed

    def mark_all_read(
        self, section: str | None = None, feed_id: int | None = None, read: bool = True
    ) -> int:
        """Mark every unread article of a section (or feed, or everything) read, or with
        ``read`` False every read one unread; returns how many changed.

        One UPDATE: the feed_counts triggers keep the counts, as for ``set_read``.
        Articles hidden by mute rules are left as they are (they are not counted or
        listed, so "all" never meant them).
        """
        where, params = self._filter(section, feed_id, read, False)
        if not read:
            where = f"{where} AND a.read = 1" if where else "WHERE a.read = 1"
        with self.transaction() as conn:
            n = conn.execute(
                f"UPDATE articles SET read = ? WHERE id IN (SELECT a.id FROM articles a {where})",
                (int(read), *params),
            ).rowcount
        return int(n)

    def existing_ids(self, ids: Iterable[int]) -> set[int]:
        """Which of ``ids`` exist (to report unknown ids to the user)."""
        wanted = list(ids)
        found: set[int] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                r[0]
                for r in self.conn.execute(f"SELECT id FROM articles WHERE id IN ({marks})", chunk)
            )
        return found

    def set_full_text(self, article_id: int, markdown: str | None, error: str | None) -> None:
        """Store the fetched full text of an article (or why it failed)."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE articles SET full_content = coalesce(?, full_content), full_error = ? "
                "WHERE id = ?",
                (markdown, error, article_id),
            )

    def stats(self) -> dict[str, int]:
        """Counts and the cache's size on disk."""
        c = self.conn
        size = 0
        if self.path is not None:
            for suffix in ("", "-wal"):
                p = self.path.with_name(self.path.name + suffix)
                if p.exists():
                    size += p.stat().st_size
        return {
            "feeds": c.execute("SELECT count(*) FROM feeds").fetchone()[0],
            "sections": c.execute("SELECT count(DISTINCT section) FROM feeds").fetchone()[0],
            "articles": c.execute("SELECT count(*) FROM articles").fetchone()[0],
            "unread": c.execute(
                "SELECT count(*) FROM articles INDEXED BY idx_articles_unread WHERE read = 0"
            ).fetchone()[0],
            "starred": c.execute(
                "SELECT count(*) FROM articles INDEXED BY idx_articles_starred WHERE starred = 1"
            ).fetchone()[0],
            "failing_feeds": c.execute(
                "SELECT count(*) FROM feeds WHERE failures > 0 OR dead = 1"
            ).fetchone()[0],
            "bytes": size,
        }
