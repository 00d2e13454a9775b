"""Turning feed bytes (RSS, Atom, RDF, JSON Feed) into a :class:`ParsedFeed`.

feedparser is the reference parser. Its HTML sanitiser and relative-URI pass
are most of its run time on long items, and termnews cleans every body itself
(HTML to Markdown when it is read, see :mod:`termnews.core.content`), so both
are turned off: each body is cleaned by termnews's own sanitising converter.
JSON Feed, which feedparser cannot read, goes to :mod:`termnews.core.sources.jsonfeed`.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import feedparser

from termnews.core.content import MAX_INPUT_CHARS, html_to_text, safe_url
from termnews.core.dates import clamp_future, from_struct
from termnews.core.models import UNTITLED, UNTITLED_FEED, EntryData, ParsedFeed
from termnews.core.sources.jsonfeed import looks_like_json_feed, parse_json_feed
from termnews.core.sources.xml_guard import UnsafeXMLError, check_xml_declarations
from termnews.core.store.deferred_text import summary_of
from termnews.core.store.rows import TITLE_KEY_PREFIX, title_key
from termnews.core.text import clean_line, terminal_form

_DEFER_TEXT: ContextVar[bool] = ContextVar("termnews_defer_text", default=False)
"""Set by :func:`deferring_text`: bodies' plain text is left for later."""


@contextmanager
def deferring_text(defer: bool = True) -> Iterator[None]:
    """Parse leaving each body's plain text to be made later, where that changes no key.

    A parse worker of a refresh that only stores parses so (``parse_pool.fetched_job``):
    the text is a third of its time per article, and nothing in that refresh reads it.
    See :mod:`termnews.core.store.deferred_text` for who makes it, and when.
    """
    token = _DEFER_TEXT.set(defer)
    try:
        yield
    finally:
        _DEFER_TEXT.reset(token)


class FeedParseError(ValueError):
    """The bytes are not a feed termnews can read; the message says why."""


def _sniff_html(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or (
        b"<html" in head and b"<rss" not in head and b"<feed" not in head
    )


def _is_html(detail: Any) -> bool:
    ctype = str(detail.get("type", "")) if hasattr(detail, "get") else ""
    return "html" in ctype or "xml" in ctype


_REAL_TAG = re.compile(r"<[a-zA-Z/!]")
_ESCAPED_OPENING = re.compile(r"\s*&lt;(?:!--|[a-zA-Z][a-zA-Z0-9]*(?:\s|/?&gt;))")
_ESCAPED_CLOSING = re.compile(r"&lt;/[a-zA-Z][a-zA-Z0-9]*\s*&gt;")


def _unescape_escaped_markup(value: str) -> str:
    """HTML escaped twice by the feed ("&amp;lt;p&amp;gt;Hey Reddit!") read as HTML.

    Reddit's old RSS, Hugo themes and other generators escape the HTML of a body once
    too often, so the markup is text and the reader showed ``<div class="md"><p>Hey``.
    Feed readers differ: feedparser, NetNewsWire and lemon24/reader leave it (the feed
    is wrong), and decoding every body twice was a bug in miniflux (its issue 1076:
    ``std::unique_ptr&lt;S&gt;`` in a code sample became a tag). So only a run that is
    clearly markup is decoded once more: it opens the body with an escaped tag or
    comment, holds an escaped closing tag, and comes before any real tag (reddit's
    "submitted by <a ...>" follows its escaped post). A body that opens with a real
    tag, or whose escaped text opens with no tag ("&lt;3", "a &lt; b"), is as it was.
    """
    if not value.startswith(("&lt;", " ", "\n", "\t", "\r")):
        return value
    real = _REAL_TAG.search(value)
    end = real.start() if real else len(value)
    run = value[:end]
    if not _ESCAPED_OPENING.match(run) or not _ESCAPED_CLOSING.search(run):
        return value
    return html.unescape(run) + value[end:]


def _body(entry: Any, defer: bool = False) -> tuple[str, str, str, bool]:
    """(content as plain text, summary as plain text, content HTML, text deferred).

    ``defer``: leave the body's text (and the summary, when the body gives it) empty
    for later, and say so, unless the feed's own summary has no text (the body would
    give the summary then, and an empty one is what tells the two cases apart).

    The body is **not** converted to Markdown here: that was most of the cost
    of a refresh, for articles most of which are never opened. The HTML is
    stored and converted when an article is read (:attr:`EntryData.markdown`,
    ``Store`` rows); search and related stories use the plain text, which is
    also the summary when the feed gives no separate one, so each body is
    parsed once at ingest.
    """
    content_html = ""
    contents = entry.get("content") or []
    for part in contents:
        value = part.get("value") or ""
        if len(value) > len(content_html):
            content_html = value
            if not _is_html(part):
                content_html = _escape_plain(value)
            else:
                content_html = _unescape_escaped_markup(value)
    summary_src = entry.get("summary") or ""
    summary_detail = entry.get("summary_detail") or {}
    # An entry with content and no summary gets the content copied into its summary
    # (feedparser does this, and the fast parser as feedparser does) without a type:
    # it is that content part, HTML or text as the part says, not plain text to escape.
    copied = next((p for p in contents if summary_src and p.get("value") == summary_src), None)
    if copied is not None and not summary_detail:
        summary_detail = copied
    if summary_src and not _is_html(summary_detail):
        summary_src = _escape_plain(summary_src)
    elif summary_src:
        summary_src = _unescape_escaped_markup(summary_src)
    if not content_html:
        content_html = summary_src
    if len(content_html) > MAX_INPUT_CHARS:
        content_html = content_html[:MAX_INPUT_CHARS]
    separate = bool(summary_src) and summary_src != content_html
    if defer and content_html:
        if not separate:
            return "", "", content_html, True
        summary = summary_of(html_to_text(summary_src))
        if summary:
            return "", summary, content_html, True
    text = html_to_text(content_html) if content_html else ""
    # The summary is the body's own text unless the feed has a separate one.
    summary = html_to_text(summary_src) if separate else text
    return text, summary_of(summary), content_html, False


def _title_text(title: Any, detail: Any) -> str:
    """An entry's title as one line of text: an HTML title is read as HTML.

    Google Alerts' Atom titles are ``type="html"`` ("&lt;b&gt;Slack&lt;/b&gt; Stock"),
    and RSS titles that look like HTML are HTML to feedparser too ("AT&amp;amp;T"):
    the reader and every listing showed "<b>Slack</b> Stock" and "AT&amp;T".
    """
    text = title if isinstance(title, str) else ""
    if text and ("<" in text or "&" in text) and _is_html(detail or {}):
        text = html_to_text(text)
    return clean_line(text)


def _escape_plain(text: str) -> str:
    """Plain-text bodies go through the HTML path as escaped paragraphs."""
    paragraphs = [p.strip() for p in text.replace("\r", "").split("\n\n") if p.strip()]
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def _first_image(entry: Any) -> str | None:
    for key in ("media_thumbnail", "media_content"):
        for media in entry.get(key) or []:
            url = media.get("url")
            if isinstance(url, str) and url:
                return url
    image = entry.get("image")
    if isinstance(image, dict) and isinstance(image.get("href"), str):
        return str(image["href"])
    return None


def _entry(entry: Any, feed_link: str | None, now: datetime, url: str | None) -> EntryData:
    # Relative item links are resolved against the feed's own address; links a
    # reader must never open (javascript:, file:, data:, ...) are dropped here.
    link = clean_line(safe_url(entry.get("link"), feed_link or url)) or None
    base = link or feed_link
    given_title = title = _title_text(entry.get("title"), entry.get("title_detail"))
    guid = clean_line(entry.get("id")) or None
    # Deferred only where the text keys and titles nothing (see rows.entry_key).
    defer = _DEFER_TEXT.get() and bool(given_title) and (guid is not None or link is not None)
    content, summary, content_html, pending = _body(entry, defer)
    if not title:
        title = (summary[:80].rsplit(" ", 1)[0] + "…") if len(summary) > 80 else summary
        title = title or UNTITLED
    categories = tuple(
        dict.fromkeys(
            clean_line(t.get("term") or t.get("label")) for t in entry.get("tags") or []
        ).keys()
    )
    enclosures = tuple(
        href
        for e in entry.get("enclosures") or []
        if isinstance(e.get("href"), str) and (href := safe_url(e["href"], base))
    )
    raw_published = from_struct(entry.get("published_parsed"))
    raw_updated = from_struct(dict.get(entry, "updated_parsed"))
    when = raw_published or raw_updated
    if guid is None and link is None and given_title and when is not None:
        # Keyed by title and the feed's own date (before clamping: a future date
        # clamped to "now" would make a new key every fetch). See rows.title_key.
        # In the form emoji sequences were stored in before they were kept whole
        # (text.terminal_form): an item keyed so then keeps its key.
        guid = title_key(terminal_form(given_title), when.timestamp())
    return EntryData(
        guid=guid,
        link=link,
        title=title,
        author=clean_line(entry.get("author")) or None,
        published=clamp_future(raw_published, now),
        updated=clamp_future(raw_updated, now),
        summary=summary,
        content=content,
        content_html=content_html or None,
        content_base=base,
        text_pending=pending,
        categories=tuple(c for c in categories if c),
        image=safe_url(_first_image(entry), base, image=True),
        enclosures=enclosures,
    )


def entries_of(
    raw_entries: Iterable[Any], feed_link: str | None, now: datetime, url: str | None
) -> tuple[EntryData, ...]:
    """The feed's entries; two that only a title and date key alike keep text keys.

    A feed may list two undated-by-guid items under one title at one time ("Flood
    warning" twice a minute apart is the same minute's second): one key would
    merge them, so those fall back to the hash of their text, as before.
    """
    entries = tuple(_entry(e, feed_link, now, url) for e in raw_entries)
    keys = Counter(e.guid for e in entries if e.guid and e.guid.startswith(TITLE_KEY_PREFIX))
    if not keys or max(keys.values()) == 1:
        return entries
    return tuple(
        replace(e, guid=None) if e.guid is not None and keys.get(e.guid, 0) > 1 else e
        for e in entries
    )


def _ttl(feed: Any) -> int | None:
    ttl = feed.get("ttl")
    try:
        if ttl:
            return max(0, int(str(ttl).strip()))
    except ValueError:
        pass
    period = str(feed.get("sy_updateperiod", "")).strip().lower()
    minutes = {"hourly": 60, "daily": 1440, "weekly": 10080, "monthly": 43200, "yearly": 525600}
    if period in minutes:
        try:
            frequency = max(1, int(str(feed.get("sy_updatefrequency", "1")).strip()))
        except ValueError:
            frequency = 1
        return minutes[period] // frequency
    return None


_SAX_POSITION = re.compile(r"^<unknown>:(\d+):(\d+): (.*)$")


def describe_bozo(exc: object) -> str:
    """feedparser's "<unknown>:2:0: syntax error" as "syntax error at line 2, column 0"."""
    text = clean_line(str(exc))[:200]
    match = _SAX_POSITION.match(text)
    if match:
        return f"{match.group(3)} at line {match.group(1)}, column {match.group(2)}"
    return text or type(exc).__name__


def _is_syntax_error(exc: object) -> bool:
    """XML syntax errors matter to a user; feedparser's encoding/content-type notes do not."""
    name = type(exc).__name__
    return name not in {
        "CharacterEncodingOverride",
        "NonXMLContentType",
        "CharacterEncodingUnknown",
    }


def _parse_fast(data: bytes, url: str | None) -> ParsedFeed | None:
    """The lxml fast path for well-formed RSS 2.0 / Atom 1.0 (None: use feedparser).

    It gives the same entries as feedparser on the real-feed corpus
    (benchmarks/parser_compare.py) at a fraction of the cost.
    """
    from termnews.core.sources.fastparse import parse_fast

    return parse_fast(data, url)


def _plain_text(data: bytes) -> bool:
    """True when the document starts with printable text and has no markup near it.

    Every XML feed starts with ``<`` (after a UTF-8 byte-order mark and blank space),
    or, broken, with a line of server noise (a PHP warning) before it, which
    feedparser may still read: so only a start with no ``<`` in its first 4 KiB is
    text. UTF-16 and UTF-32 documents start with a byte-order mark or a NUL byte,
    which are not printable, so they are never taken for text here.
    """
    head = data.lstrip(b" \t\r\n").removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    return bool(head) and 0x20 < head[0] < 0x7F and b"<" not in head[:4096]


def parse_feed_bytes(data: bytes, url: str | None = None) -> ParsedFeed:
    """Parse a feed document; raise :class:`FeedParseError` if it is not a usable feed."""
    if not data.strip():
        raise FeedParseError("empty document")
    if looks_like_json_feed(data):
        try:
            return parse_json_feed(data, url)
        except ValueError as exc:
            raise FeedParseError(str(exc)) from exc
    if data.lstrip()[:1] in (b"{", b"["):
        raise FeedParseError("JSON but not a JSON Feed (no jsonfeed.org version)")
    if _sniff_html(data):
        raise FeedParseError("not a feed: looks like an HTML page")
    if _plain_text(data):
        # feedparser's word for it was "syntax error at line 2, column 0".
        raise FeedParseError("not a feed: plain text, neither XML nor JSON")
    try:
        check_xml_declarations(data)
    except UnsafeXMLError as exc:
        raise FeedParseError(str(exc)) from exc
    fast = _parse_fast(data, url)
    if fast is not None:
        return fast
    try:
        doc = feedparser.parse(
            data,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as exc:  # feedparser is meant never to raise; be safe anyway
        raise FeedParseError(f"parser failed: {exc}") from exc
    feed = doc.get("feed", {})
    raw_entries = doc.get("entries", [])
    version = doc.get("version", "")
    if not raw_entries and not version:
        reason = doc.get("bozo_exception")
        detail = describe_bozo(reason) if reason else "no RSS, Atom or RDF root element"
        raise FeedParseError(f"not a feed: {detail}")
    bozo = doc.get("bozo_exception") if doc.get("bozo") else None
    if not raw_entries and bozo is not None and _is_syntax_error(bozo):
        raise FeedParseError(f"malformed XML: {describe_bozo(bozo)}")
    now = datetime.now(UTC)
    feed_link = safe_url(feed.get("link"), url)
    warnings: list[str] = []
    if bozo is not None and _is_syntax_error(bozo):
        warnings.append(f"malformed XML, read what could be read: {describe_bozo(bozo)}")
    entries = entries_of(raw_entries, feed_link, now, url)
    return ParsedFeed(
        title=clean_line(feed.get("title")) or UNTITLED_FEED,
        entries=entries,
        link=clean_line(feed_link) or None,
        ttl_minutes=_ttl(feed),
        warnings=tuple(warnings),
    )
