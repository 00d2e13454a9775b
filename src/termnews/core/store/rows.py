"""Parsed entries in the form :meth:`Store.ingest` writes them, made where a feed is parsed.

A refresh parses feeds in worker processes (:mod:`termnews.core.parse_pool`) and writes
them from one thread, the serial part of a cold refresh. Each entry's dedupe key, content
hash, timestamps and JSON lists depend on the entry alone, so the worker that parsed it
makes them (:meth:`FeedRows.of`) and ships the row the ``INSERT`` binds, not an
:class:`~termnews.core.models.EntryData` for the writer to take apart.

The two bodies (``content``, ``content_html``, ~5 KB an entry) travel as UTF-8 bytes,
bound through ``CAST(? AS TEXT)``: SQLite stores a cast blob's bytes as text in the
database's encoding (UTF-8), so the stored value is the same text. As ``str`` they were
encoded to UTF-8 by pickle in the worker, decoded by the writer's unpickler and encoded
again by ``sqlite3`` to bind them; as bytes the worker's encoding is the only one, and it
is also the bytes the content hash reads.

This module imports neither SQLite nor a parser: the parse workers build rows with it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from json.encoder import encode_basestring_ascii
from operator import itemgetter
from typing import Any

from termnews.core.models import UNTITLED, EntryData, ParsedFeed

__all__ = [
    "AUTHOR",
    "BODY_COLUMNS",
    "CONTENT",
    "HASH",
    "HTML",
    "KEY",
    "LINK",
    "PUBLISHED",
    "ROW_COLUMNS",
    "SUMMARY",
    "TEXT_KEY_PREFIX",
    "TITLE",
    "TITLE_KEY_PREFIX",
    "UPDATED",
    "FeedRows",
    "Row",
    "content_hash",
    "entry_key",
    "entry_row",
    "json_list",
    "row_entry",
    "stored_title_key",
    "title_key",
]

Row = tuple[Any, ...]
"""One entry's values for :data:`ROW_COLUMNS`, in that order."""

ROW_COLUMNS = (
    "guid",
    "link",
    "title",
    "author",
    "published",
    "updated",
    "summary",
    "content",
    "categories",
    "image",
    "enclosures",
    "content_hash",
    "content_html",
    "content_base",
)
"""The ``articles`` columns a row holds (``guid`` is the entry's dedupe key)."""

BODY_COLUMNS = frozenset({"content", "content_html"})
"""The columns a row holds as UTF-8 bytes (or None), written through ``CAST(? AS TEXT)``."""

KEY = 0
"""The dedupe key (``guid``) comes first: ``row[1:]`` is what an update writes."""
PUBLISHED = ROW_COLUMNS.index("published")
UPDATED = ROW_COLUMNS.index("updated")
HASH = ROW_COLUMNS.index("content_hash")
LINK = ROW_COLUMNS.index("link")
TITLE = ROW_COLUMNS.index("title")
AUTHOR = ROW_COLUMNS.index("author")
SUMMARY = ROW_COLUMNS.index("summary")
CONTENT = ROW_COLUMNS.index("content")
HTML = ROW_COLUMNS.index("content_html")


TEXT_KEY_PREFIX = "sha1:"
"""The key of an entry told apart by its text alone (see :func:`entry_key`)."""
TITLE_KEY_PREFIX = "title:"
"""The key of an entry with neither guid nor link, by its title and date (:func:`title_key`)."""


def title_key(title: str, when: float) -> str:
    """The key of an entry with neither guid nor link but a title and a date.

    Why not the text's hash: a body changes between fetches (a counter, a
    correction, a tracking parameter), and each change made the article a new,
    unread one beside the old. Newsboat and FeedDemon key such items by title
    and date too. The date is whole seconds, so a key made from a stored row's
    timestamp (:func:`stored_title_key`) is the one the parser makes.
    """
    import hashlib  # see entry_key

    digest = hashlib.sha1(f"{title}\n{int(when)}".encode("utf-8", "replace"))
    return TITLE_KEY_PREFIX + digest.hexdigest()


def stored_title_key(
    title: str | None, summary: str | None, published: float | None, updated: float | None
) -> str | None:
    """The :func:`title_key` the parser now gives a row an older termnews keyed by its text.

    ``store._text_keyed`` re-keys such rows with it. None for a row whose title the
    parser made up (no title in the feed: the placeholder, or the summary's start)
    or that has no date: the parser keys those by their text still. A row whose date
    was clamped from the future gets another key than the parser's, and comes back
    once as new.
    """
    when = published if published is not None else updated
    if not title or when is None or title in (UNTITLED, summary):
        return None
    if title.endswith("…") and (summary or "").startswith(title[:-1]):
        return None
    return title_key(title, when)


def entry_key(entry: EntryData) -> str:
    """The dedupe key within a feed: guid, else link, else a hash of the text.

    The parser gives an entry without either a :func:`title_key` as its guid when
    the feed gave it a title and a date (``sources.parse.entries_of``).
    """
    if entry.guid and entry.guid.strip():
        return entry.guid.strip()
    if entry.link and entry.link.strip():
        return entry.link.strip()
    # The Markdown, as before bodies were kept as HTML: the key must not change.
    import hashlib  # here, not at the top: the reader's start never hashes (issue 8)

    digest = hashlib.sha1(
        f"{entry.title}\n{entry.summary}\n{entry.markdown}".encode("utf-8", "replace")
    )
    return TEXT_KEY_PREFIX + digest.hexdigest()


def content_hash(
    title: str, summary: str, content: str | bytes, link: str | None, author: str | None
) -> str:
    """Hash of what a reader sees; ``content`` is the plain text when HTML is kept.

    The bytes hashed are each part followed by a NUL, as stored hashes were made
    (a changed value would make every cached article look changed). ``content``
    may come already encoded (the row's bytes, strict UTF-8: the same bytes as
    ``"replace"`` gives, since strict encoding fails on what ``"replace"`` would
    replace): the body is then not encoded a second time, and never copied into
    one joined text.
    """
    import hashlib  # a dict look-up once loaded (see entry_key)

    if isinstance(content, str):
        content = content.encode("utf-8", "replace")
    digest = hashlib.blake2b(f"{title}\x00{summary}\x00".encode("utf-8", "replace"), digest_size=12)
    digest.update(content)
    digest.update(f"\x00{link or ''}\x00{author or ''}\x00".encode("utf-8", "replace"))
    return digest.hexdigest()


def json_list(values: Sequence[str]) -> str:
    """``json.dumps(values)`` of a tuple of strings, "" when empty, without the encoder object.

    The same text as ``json.dumps`` (its own C string encoder, its default
    ``", "`` separator) at less than half the cost; anything but strings takes
    ``json.dumps`` itself.
    """
    if not values:
        return ""
    try:
        return "[" + ", ".join(map(encode_basestring_ascii, values)) + "]"
    except TypeError:
        return json.dumps(list(values))


def _ts(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def entry_row(entry: EntryData) -> Row:
    """``entry``'s row (see :data:`ROW_COLUMNS`).

    Raises ``UnicodeEncodeError`` for a body with a lone surrogate, which
    SQLite could never have stored as text either.
    """
    content = entry.content.encode()
    html = entry.content_html
    return (
        entry_key(entry),
        entry.link,
        entry.title,
        entry.author,
        _ts(entry.published),
        _ts(entry.updated),
        entry.summary,
        content,
        json_list(entry.categories),
        entry.image,
        json_list(entry.enclosures),
        (
            ""  # deferred_text.PENDING_HASH: the text is made later, and the hash with it
            if entry.text_pending
            else content_hash(entry.title, entry.summary, content, entry.link, entry.author)
        ),
        html.encode() if html is not None else None,
        entry.content_base,
    )


_KEYS = itemgetter(KEY)


def row_entry(row: Row) -> EntryData:
    """An entry with a row's text (key as guid; dates and lists left out).

    For the rare re-ingest that needs the entry itself (``_legacy_same``).
    """
    values = dict(zip(ROW_COLUMNS, row, strict=True))
    html = values["content_html"]
    return EntryData(
        guid=values["guid"],
        link=values["link"],
        title=values["title"],
        author=values["author"],
        summary=values["summary"],
        content=values["content"].decode(),
        content_html=html.decode() if html is not None else None,
        content_base=values["content_base"],
    )


@dataclass(frozen=True, slots=True)
class FeedRows:
    """A parsed feed with its entries as rows: what a parse worker hands the writer.

    Rows are plain tuples of strings, bytes, floats and None, which unpickle in C;
    an :class:`EntryData` is rebuilt through its (Python) constructor.
    """

    title: str
    rows: tuple[Row, ...]
    link: str | None = None
    ttl_minutes: int | None = None
    warnings: tuple[str, ...] = ()

    @classmethod
    def of(cls, parsed: ParsedFeed | FeedRows) -> FeedRows:
        """``parsed`` with its entries made rows (itself if it is rows already)."""
        if isinstance(parsed, FeedRows):
            return parsed
        return cls(
            parsed.title,
            tuple(map(entry_row, parsed.entries)),
            parsed.link,
            parsed.ttl_minutes,
            parsed.warnings,
        )

    @property
    def keys(self) -> list[str]:
        """Each row's dedupe key, in order."""
        return list(map(_KEYS, self.rows))
