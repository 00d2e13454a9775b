"""Subscribing to a URL: a feed as it is, or a web page through its announced feeds.

``termnews add https://example.org/`` should just work whether the URL is the
feed itself or the site's home page. The URL is fetched once: a feed is
subscribed directly (under its permanent address if it has moved), an HTML
page is searched for ``<link rel="alternate">`` feeds (see
:mod:`termnews.core.sources.discover`) and the first one, or every one, is
subscribed. Anything else is refused with the parser's one-line reason, so a
typo never leaves a dead subscription behind. The articles themselves are
read by the refresh that follows.
"""

from __future__ import annotations

from termnews.core.config import Config
from termnews.core.errors import SourceError
from termnews.core.models import UNTITLED_FEED, Feed
from termnews.core.sources.discover import find_feed_links
from termnews.core.sources.fetch import fetch_result, url_problem
from termnews.core.sources.parse import FeedParseError, parse_feed_bytes
from termnews.core.store import Store
from termnews.core.text import plural

__all__ = ["add_remote", "normalise_feed_url"]


def normalise_feed_url(url: str) -> str:
    """Trim, and turn ``feed://`` / ``feed:https://`` into plain HTTP(S)."""
    url = url.strip()
    if url.lower().startswith("feed:"):
        rest = url[5:]
        url = rest if rest.lower().startswith(("http://", "https://")) else "http:" + rest
    return url


def _looks_like_html(data: bytes, content_type: str | None) -> bool:
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return True
    return "html" in (content_type or "").lower() and b"<rss" not in head and b"<feed" not in head


def _is_opml(data: bytes) -> bool:
    """An OPML list: ``add`` of one was refused as 'no RSS, Atom or RDF root element'."""
    from termnews.core.sources.folder import root_element

    return root_element(data[:4096].lstrip()) == "opml"


def add_remote(
    store: Store,
    url: str,
    section: str | None = None,
    title: str | None = None,
    offline: bool = False,
    settings: Config | None = None,
    all_feeds: bool = False,
    notes: list[str] | None = None,
) -> list[Feed]:
    """Subscribe to ``url`` (a feed, or a page announcing feeds); returns the feeds added.

    With ``offline`` nothing is fetched: the URL is subscribed as given and the
    next refresh will tell whether it is a feed. Raises :class:`SourceError`
    when the URL cannot be fetched or holds neither a feed nor a feed link.
    ``notes`` receives lines worth telling the user (which page feeds were
    found and not added).
    """
    url = normalise_feed_url(url)
    if offline:
        # Not fetched now, but a URL no refresh could ever fetch is not worth subscribing.
        problem = url_problem(url)
        if problem:
            raise SourceError(url, problem)
        feed, _new = store.add_feed(url, title=title, section=section)
        return [feed]
    existing = store.feed_by_url(url)
    if existing is not None:
        return [existing]
    network = (settings or Config()).network
    result = fetch_result(url, network)
    if result.error or result.body is None:
        raise SourceError(url, result.error or f"HTTP {result.status}: no content")
    body = result.body
    feed_url = result.permanent_url or url
    try:
        parsed = parse_feed_bytes(body, result.final_url)
    except FeedParseError as exc:
        if _is_opml(body):
            raise SourceError(
                url, f"an OPML subscription list, not a feed; use 'termnews import {url}'"
            ) from exc
        if not _looks_like_html(body, result.content_type):
            raise SourceError(url, str(exc)) from exc
    else:
        feed, _new = store.add_feed(
            feed_url,
            title=title or (parsed.title if parsed.title != UNTITLED_FEED else None),
            section=section,
            site_url=parsed.link,
        )
        return [feed]
    links = find_feed_links(body, result.final_url)
    if not links:
        raise SourceError(
            url,
            'no feed found: the page links no RSS, Atom or JSON feed (<link rel="alternate">)',
        )
    chosen = links if all_feeds else links[:1]
    if notes is not None:
        notes.append(f"{url} is a web page; found {plural(len(links), 'feed link')} on it")
        if len(links) > len(chosen):
            others = ", ".join(link.url for link in links[len(chosen) :][:5])
            notes.append(f"added the first; --all adds the others too: {others}")
    added: list[Feed] = []
    for link in chosen:
        feed, _new = store.add_feed(
            link.url,
            title=title if len(chosen) == 1 else None,
            section=section,
            site_url=result.final_url,
        )
        added.append(feed)
    return added
