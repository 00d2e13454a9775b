"""Bodies whose plain text a cold refresh left for the index pass to make.

An article's plain text (what search and related stories read, and its summary
when the feed gives none of its own) is made from its HTML by
``content.html_to_text``, a third of a parse worker's time per article. A
``termnews refresh`` that only stores (:mod:`termnews.core.indexing`) has no use
for it, so for a feed never fetched before it stores the HTML alone and the text
is made by whoever first needs it, each article once:

* the pass after a refresh makes it with the related-stories term counts, in
  worker processes (``related_counting.count_job``), and writes it back before
  the search index and related stories read it (``related.index_backlog``);
* the search index fills in any left (``Store.index_pending``, :func:`fill_pending`),
  a search's catch-up on first use among them;
* an article read before that (``Store._article``, a related-stories query) gets
  its summary and text made on the spot (:func:`text_and_summary`), the same ones.

Such a row is marked by an empty ``content_hash`` (:data:`PENDING_HASH`); its
``content`` is empty, and so is its ``summary`` when the body is to give it. The
filled row is exactly what an ingest that made the text would have stored (the
same text, summary and hash), so a later refresh of the feed finds it unchanged.

Only rows that need no text to be keyed and titled are deferred (the parser
checks: an entry with a guid or link, and a title), so deferring changes no key.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from termnews.core.store.rows import (
    AUTHOR,
    CONTENT,
    HASH,
    HTML,
    LINK,
    SUMMARY,
    TITLE,
    Row,
    content_hash,
)

__all__ = [
    "PENDING_HASH",
    "SUMMARY_CHARS",
    "complete_row",
    "fill_pending",
    "filled",
    "pending_ids",
    "summary_of",
    "text_and_summary",
    "write_filled",
]

PENDING_HASH = ""
"""The ``content_hash`` of a row whose text is still to be made (no real hash is empty)."""

SUMMARY_CHARS = 600
"""A summary taken from the body is cut to this many characters, at a word."""

Filled = tuple[int, str, bytes, str]
"""(article id, summary, plain text as UTF-8, content hash): one row's update."""


def summary_of(text: str) -> str:
    """The summary a body's plain text gives: its first :data:`SUMMARY_CHARS`, cut at a word."""
    if len(text) > SUMMARY_CHARS:
        return text[: SUMMARY_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return text


def text_and_summary(html: str, summary: str) -> tuple[str, str]:
    """(plain text, summary) of a deferred body: ``summary`` kept if the feed gave one."""
    from termnews.core.content import html_to_text  # lxml: only when a body's text is made

    text = html_to_text(html) if html else ""
    return text, summary or summary_of(text)


def filled(row: Sequence[Any]) -> Filled:
    """The update of one pending row (id, title, summary, content_html, link, author)."""
    article_id, title, summary, html, link, author = row
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    text, summary = text_and_summary(html or "", summary or "")
    body = text.encode("utf-8", "replace")
    return article_id, summary, body, content_hash(title, summary, body, link, author)


def complete_row(row: Row) -> Row:
    """A pending row made whole (text, summary, hash), for the writer's rare need of one.

    An ingest that meets a pending row for an article already stored compares hashes,
    so it needs the real one (a ``--force`` refresh never defers; this is the safety net).
    """
    if row[HASH] != PENDING_HASH or row[HTML] is None:
        return row
    html = row[HTML]
    _id, summary, body, digest = filled((0, row[TITLE], row[SUMMARY], html, row[LINK], row[AUTHOR]))
    out = list(row)
    out[SUMMARY], out[CONTENT], out[HASH] = summary, body, digest
    return tuple(out)


_SELECT = (
    "SELECT id, title, summary, content_html, link, author FROM articles"
    " WHERE content_hash = '' AND id > ? AND id <= ?"
)
"""The pending rows of an id range, through the partial index of schema 10."""


def pending_ids(conn: sqlite3.Connection, after: int, last: int) -> list[int]:
    """The ids of the pending rows in ``(after, last]``: a read of a (nearly empty) index."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT id FROM articles WHERE content_hash = '' AND id > ? AND id <= ?",
            (after, last),
        )
    ]


def write_filled(conn: sqlite3.Connection, updates: Iterable[Filled]) -> int:
    cur = conn.executemany(
        "UPDATE articles SET summary = ?, content = CAST(? AS TEXT), content_hash = ?"
        " WHERE id = ? AND content_hash = ''",
        ((summary, body, digest, article_id) for article_id, summary, body, digest in updates),
    )
    return int(cur.rowcount)


def fill_pending(conn: sqlite3.Connection, after: int, last: int) -> int:
    """Make the text of every pending row with an id in ``(after, last]``; returns how many.

    Runs inside the caller's write transaction, in this process: for a search's
    catch-up and the rows a pass's workers did not make (``related.index_backlog``
    has them made with the term counts, on every core).
    """
    if last <= after:
        return 0
    rows = conn.execute(_SELECT, (after, last)).fetchall()
    return write_filled(conn, (filled(r) for r in rows)) if rows else 0
