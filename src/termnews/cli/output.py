"""Printing for the CLI: safe plain text, stable JSON, one-line errors.

Everything that is not ``--json`` passes through :func:`termnews.core.text` so no
escape sequence from a feed reaches the terminal; JSON is safe by construction
(``json.dumps`` escapes control characters).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from termnews.core.dates import short_age as age
from termnews.core.errors import ERROR_PREFIX
from termnews.core.models import Article, Feed
from termnews.core.text import clean_line

__all__ = [
    "age",
    "article_json",
    "error_line",
    "feed_json",
    "iso",
    "notice_line",
    "print_json",
    "section_named",
]


def error_line(message: str) -> None:
    """One readable error line on stderr."""
    print(f"{ERROR_PREFIX}{clean_line(message)}", file=sys.stderr)


def section_named(names: Sequence[str], wanted: str) -> str | None:
    """The section ``wanted`` names: its exact name first, else one in any case.

    Sections that differ only in case are apart (a folder's ``tech / chips`` and an
    OPML list's ``Tech / Chips``); a case-folded lookup alone always found the same
    one of them, and ``--section`` could never reach the other.
    """
    if wanted in names:
        return wanted
    folded = wanted.casefold()
    return next((name for name in names if name.casefold() == folded), None)


def notice_line(message: str) -> None:
    """One readable notice on stderr (not an error)."""
    print(f"termnews: {clean_line(message)}", file=sys.stderr)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC, or None."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def writes_utf8(stream: Any) -> bool:
    """Whether ``stream`` encodes as UTF-8 (and so can write any feed text as it is)."""
    return (getattr(stream, "encoding", "") or "").lower().replace("-", "") == "utf8"


def print_json(data: Any) -> None:
    """Pretty, stable JSON on stdout; ``\\u`` escapes where stdout is not UTF-8.

    The same data either way: a script reading it gets every character back,
    where replacing what a latin-1 or ASCII stdout cannot hold would lose them.
    """
    text = json.dumps(data, ensure_ascii=not writes_utf8(sys.stdout), indent=2)
    sys.stdout.write(text + "\n")


def article_json(article: Article, with_body: bool = False) -> dict[str, Any]:
    """The documented JSON shape of an article (README: "JSON output")."""
    data: dict[str, Any] = {
        "id": article.id,
        "feed": article.feed_title,
        "feed_id": article.feed_id,
        "section": article.section,
        "title": article.title,
        "link": article.link,
        "author": article.author,
        "published": iso(article.published or article.updated),
        "updated": iso(article.updated),
        "fetched": iso(article.fetched_at),
        "read": article.read,
        "starred": article.starred,
        "categories": list(article.categories),
        "summary": article.summary,
    }
    if with_body:
        data["content"] = article.body
    return data


def feed_json(feed: Feed) -> dict[str, Any]:
    """The documented JSON shape of a feed."""
    return {
        "id": feed.id,
        "title": feed.title,
        "url": feed.url,
        "section": feed.section,
        "kind": feed.kind,
        "articles": feed.total,
        "unread": feed.unread,
        "last_checked": iso(feed.last_checked),
        "last_success": iso(feed.last_success),
        "last_error": feed.last_error,
        "failures": feed.failures,
        "dead": feed.dead,
    }
