"""Feed autodiscovery: the RSS, Atom and JSON feeds a web page links to.

A site announces its feeds with ``<link rel="alternate" type="application/rss+xml"
href="...">`` in its ``<head>`` (the convention every reader follows). The
href may be relative: it resolves against ``<base href>`` when the page has
one, else against the page's own (final, after redirects) URL. Comment feeds
are listed after the site's main feeds, since "add this site" rarely means
"add the comments on its latest post".
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from termnews.core.text import clean_line

__all__ = ["FEED_TYPES", "DiscoveredFeed", "find_feed_links"]

FEED_TYPES: dict[str, str] = {
    "application/rss+xml": "rss",
    "application/atom+xml": "atom",
    "application/rdf+xml": "rdf",
    "application/feed+json": "json",
    "application/json": "json",
    "application/x.atom+xml": "atom",
    "application/x-atom+xml": "atom",
    "application/x-rss+xml": "rss",
    "text/xml": "rss",
    "application/xml": "rss",
}
"""``type`` values of alternate links that point at feeds."""

_MAX_PAGE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class DiscoveredFeed:
    """A feed a page links to."""

    url: str
    title: str | None
    kind: str
    """rss, atom, rdf or json."""


def _is_comments(feed: DiscoveredFeed) -> bool:
    text = f"{feed.title or ''} {feed.url}".lower()
    return "comment" in text


def find_feed_links(page: bytes, page_url: str) -> list[DiscoveredFeed]:
    """Feeds announced by ``page`` (HTML bytes), main feeds first; never raises."""
    if not page.strip():
        return []
    try:
        parser = lxml_html.HTMLParser(no_network=True, remove_comments=True)
        root = lxml_html.document_fromstring(page[:_MAX_PAGE_BYTES], parser=parser)
    except (etree.ParserError, ValueError):
        return []
    base = page_url
    for node in root.iter("base"):
        href = node.get("href")
        if href and href.strip():
            # A malformed host such as "http://[zz]/" leaves the page's own address.
            with contextlib.suppress(ValueError):
                base = urljoin(page_url, href.strip())
            break
    found: list[DiscoveredFeed] = []
    seen: set[str] = set()
    for link in root.iter("link", "a"):
        rel = {r.lower() for r in (link.get("rel") or "").split()}
        if "alternate" not in rel:
            continue
        kind = FEED_TYPES.get((link.get("type") or "").split(";")[0].strip().lower())
        href = (link.get("href") or "").strip()
        if kind is None or not href:
            continue
        try:
            url = urljoin(base, href)
            if url.lower().startswith("feed:"):
                url = url[5:] if url[5:].lower().startswith("http") else "http:" + url[5:]
            scheme = urlsplit(url).scheme
        except ValueError:  # a malformed host such as "http://[zz]/feed"
            continue
        if scheme not in ("http", "https") or url in seen:
            continue
        seen.add(url)
        found.append(DiscoveredFeed(url, clean_line(link.get("title")) or None, kind))
    return [f for f in found if not _is_comments(f)] + [f for f in found if _is_comments(f)]
