"""JSON Feed 1.0 / 1.1 parser.

feedparser 6 returns no entries for JSON Feed, so termnews reads it itself. The
spec is small; real feeds still get types wrong (numbers as ids, a string where
a list belongs), so every field is read defensively and a wrong type is skipped
rather than trusted.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from feedparser.mixin import _FeedParserMixin

from termnews.core.content import html_to_markdown, html_to_text, safe_url
from termnews.core.dates import clamp_future, parse_date
from termnews.core.models import UNTITLED, UNTITLED_FEED, EntryData, ParsedFeed
from termnews.core.text import clean_block, clean_line

JSON_FEED_VERSIONS = ("https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1")


JSON_SNIFF_BYTES = 65536
"""How far into a document :func:`looks_like_json_feed` looks for the version URL."""


def looks_like_json_feed(data: bytes) -> bool:
    """Cheap sniff: a JSON object mentioning the jsonfeed.org version URL.

    The URL may be written with escaped slashes (``https:\\/\\/jsonfeed.org\\/version\\/1``,
    PHP's ``json_encode`` default and so common on WordPress sites): such feeds were
    refused as "JSON but not a JSON Feed".
    """
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{"):
        return False
    window = data[:JSON_SNIFF_BYTES]
    return b"jsonfeed.org/version" in window or b"jsonfeed.org\\/version" in window


def _title(value: str) -> str:
    """A JSON Feed title (or summary) is plain text, but many CMSs write it HTML-escaped
    ("Add Task &amp; Sub Tasks", "I&#039;m A Guest!"): one that looks like HTML, by
    feedparser's conservative test (known tags and entities only), is read as HTML.
    """
    if ("&" in value or "<" in value) and _FeedParserMixin.looks_like_html(value):
        return clean_line(html_to_text(value))
    return clean_line(value)


def _str(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _author(item: dict[str, Any], feed: dict[str, Any]) -> str | None:
    for source in (item, feed):
        authors = source.get("authors")
        if isinstance(authors, list):
            names = [
                clean_line(_str(a.get("name")))
                for a in authors
                if isinstance(a, dict) and _str(a.get("name"))
            ]
            if names:
                return ", ".join(names)
        author = source.get("author")
        if isinstance(author, dict) and _str(author.get("name")):
            return clean_line(_str(author.get("name")))
    return None


def parse_json_feed(data: bytes, base_url: str | None = None) -> ParsedFeed:
    """Parse JSON Feed bytes; raises ``ValueError`` with a readable reason."""
    try:
        doc = json.loads(data.decode("utf-8-sig", errors="replace"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"malformed JSON at line {exc.lineno} column {exc.colno}") from exc
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply") from exc
    if not isinstance(doc, dict):
        raise ValueError("JSON Feed must be an object")
    version = _str(doc.get("version")) or ""
    # Some real feeds (pxlnv.com's, in NetNewsWire's tests) write the URL with http://.
    if not version.startswith(("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")):
        raise ValueError("not a JSON Feed (no jsonfeed.org version)")
    items = doc.get("items")
    if not isinstance(items, list):
        raise ValueError("JSON Feed has no items list")
    home = safe_url(_str(doc.get("home_page_url")), base_url)
    base = home or safe_url(_str(doc.get("feed_url")), base_url) or base_url
    entries: list[EntryData] = []
    now = datetime.now(UTC)  # future dates are clamped to it, as in RSS and Atom
    for item in items:
        if not isinstance(item, dict):
            continue
        # Links a reader must never open (javascript:, file:, ...) are dropped.
        url = safe_url(_str(item.get("url")), base)
        link = clean_line(url or safe_url(_str(item.get("external_url")), base)) or None
        html = _str(item.get("content_html"))
        text = _str(item.get("content_text"))
        summary_src = _str(item.get("summary"))
        content = html_to_markdown(html, link or base) if html else clean_block(text)
        summary = _title(summary_src) if summary_src else html_to_text(html or text or "")
        title = _title(_str(item.get("title")) or "")
        if not title:
            title = summary[:80] or UNTITLED
        tags = item.get("tags")
        categories = (
            tuple(clean_line(t) for t in tags if isinstance(t, str) and t.strip())
            if isinstance(tags, list)
            else ()
        )
        attachments = item.get("attachments")
        enclosures = (
            tuple(
                url
                for a in attachments
                if isinstance(a, dict) and (url := safe_url(_str(a.get("url")), base))
            )
            if isinstance(attachments, list)
            else ()
        )
        image = safe_url(_str(item.get("image")) or _str(item.get("banner_image")), base,
                         image=True)  # fmt: skip
        entries.append(
            EntryData(
                guid=clean_line(_str(item.get("id"))) or None,
                link=link,
                title=title,
                author=_author(item, doc),
                published=clamp_future(parse_date(_str(item.get("date_published"))), now),
                updated=clamp_future(parse_date(_str(item.get("date_modified"))), now),
                summary=summary[:1000],
                content=content,
                categories=categories,
                image=image,
                enclosures=enclosures,
            )
        )
    return ParsedFeed(
        title=clean_line(_str(doc.get("title"))) or UNTITLED_FEED,
        entries=tuple(entries),
        link=home,
    )
