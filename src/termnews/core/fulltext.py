"""Full text for teaser-only feeds: fetch the article page, extract, cache it.

Many feeds carry a two-line teaser. For a feed switched to full text (``termnews
full-text FEED on`` or ``[fulltext] feeds`` in the config), each new article's
page is fetched after a refresh; for any single article, ``termnews fetch-full ID``
(or ``f`` in the reader) does it on demand. The extracted Markdown is stored next
to the feed's own version (``articles.full_content``), so it reads offline.

Fetches go through the same :class:`~termnews.core.sources.fetch.Fetcher` as feed
refresh: the same concurrency, per-host, timeout and size limits. A failure keeps
the feed's text and records one line (``articles.full_error``) the reader shows.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from termnews.core.config import Config, NetworkConfig
from termnews.core.models import Article, Feed
from termnews.core.sources.fetch import HTML_ACCEPT, Fetcher, FetchResult
from termnews.core.store import Store

MIN_WORDS = 40
"""Extracted text shorter than this is no better than a teaser: keep the feed's."""

_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


@dataclass(frozen=True, slots=True)
class FullTextOutcome:
    """What fetching one article's page gave."""

    article_id: int
    ok: bool
    words: int = 0
    error: str | None = None


def _extract(result: FetchResult) -> tuple[str | None, str | None]:
    """(markdown, error) for a fetched page."""
    if result.error:
        return None, result.error
    if result.body is None:
        return None, f"HTTP {result.status}"
    ctype = (result.content_type or "").split(";")[0].strip().lower()
    if ctype and not ctype.startswith(_HTML_TYPES):
        return None, f"not a web page ({ctype})"
    page = result.body.decode("utf-8", errors="replace")
    # Imported here: every refresh imports this module to ask ``wants_full_text``, and
    # the extractor brings lxml and the HTML converter (~60 ms) into a process that
    # otherwise never needs them.
    from termnews.core.extract import extract_article

    try:
        extracted = extract_article(page, result.final_url)
    except Exception as exc:  # extractors are third-party code fed hostile pages
        return None, f"could not extract the article text: {type(exc).__name__}"
    words = len(extracted.text.split())
    if words < MIN_WORDS:
        return None, "no article text found on the page"
    return extracted.markdown, None


async def _fetch_all(
    articles: Sequence[Article], network: NetworkConfig
) -> list[tuple[int, str | None, str | None]]:
    async with Fetcher(network) as fetcher:

        async def one(article: Article) -> tuple[int, str | None, str | None]:
            assert article.link is not None
            result = await fetcher.fetch(article.link, accept=HTML_ACCEPT)
            markdown, error = await asyncio.to_thread(_extract, result)
            return article.id, markdown, error

        return list(await asyncio.gather(*(one(a) for a in articles)))


def fetch_full_texts(
    store: Store, article_ids: Sequence[int], settings: Config | None = None
) -> list[FullTextOutcome]:
    """Fetch and store the full text of several articles; never raises for I/O."""
    network = settings.network if settings is not None else NetworkConfig()
    articles = store.articles_by_ids(article_ids)
    outcomes: list[FullTextOutcome] = []
    fetchable = []
    for article in articles:
        if not article.link or not article.link.startswith(("http://", "https://")):
            store.set_full_text(article.id, None, "the article has no web link")
            outcomes.append(FullTextOutcome(article.id, False, error="the article has no web link"))
        else:
            fetchable.append(article)
    if fetchable:
        results = asyncio.run(_fetch_all(fetchable, network))
        for article_id, markdown, error in results:
            store.set_full_text(article_id, markdown, error)
            words = len(markdown.split()) if markdown else 0
            outcomes.append(FullTextOutcome(article_id, markdown is not None, words, error))
    # In the order asked for: articles without a web link were reported first, so
    # 'fetch-full 5 6 7 8' (and its --json) came back as 8, 5, 6, 7.
    order: dict[int, int] = {}
    for index, article_id in enumerate(article_ids):
        order.setdefault(article_id, index)
    outcomes.sort(key=lambda o: order.get(o.article_id, len(order)))
    return outcomes


def fetch_full_text(store: Store, article_id: int, settings: Config | None = None) -> Article:
    """Fetch one article's full text now (the reader's ``f`` key); returns it updated."""
    store.article(article_id)  # NotFoundError for a bad id, before any network
    fetch_full_texts(store, [article_id], settings)
    return store.article(article_id)


def wants_full_text(feed: Feed, settings: Config | None) -> bool:
    """A feed gets full text if switched on in the cache or listed in ``[fulltext] feeds``."""
    if feed.full_text:
        return True
    if settings is None:
        return False
    wanted = {name.strip().lower() for name in settings.fulltext.feeds}
    return feed.url.lower() in wanted or feed.title.lower() in wanted or str(feed.id) in wanted
