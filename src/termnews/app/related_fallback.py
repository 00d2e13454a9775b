"""A simple "You may also like" ranking until the core's related-stories engine lands.

Same interface as ``termnews.core.related.related_articles(store, article_id, limit)``
so the panel switches to the real engine by import alone (see
``termnews.app.related_source``). The ranking is deliberately plain: recent
articles that share title words with this one, with a bonus for the same
section, then the section's newest as filler so the panel is never empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from termnews.core.errors import NotFoundError
from termnews.core.models import Headline
from termnews.core.store import Store

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "from",
        "that",
        "this",
        "into",
        "over",
        "after",
        "about",
        "than",
        "their",
        "they",
        "them",
        "have",
        "has",
        "had",
        "was",
        "were",
        "will",
        "would",
        "could",
        "should",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "how",
        "not",
        "are",
        "but",
        "its",
        "his",
        "her",
        "our",
        "your",
        "you",
        "new",
        "says",
        "said",
        "more",
        "most",
        "some",
        "just",
        "also",
        "been",
        "being",
        "out",
        "off",
        "per",
        "via",
        "amid",
        "against",
        "under",
    ]
)
_CANDIDATES = 400


@dataclass(frozen=True, slots=True)
class RelatedItem:
    """One related story, as the panel shows it."""

    article_id: int
    title: str
    section: str
    feed_title: str
    published: datetime | None
    score: float


def _words(title: str) -> set[str]:
    return {w for w in (m.group(0).lower() for m in _WORD.finditer(title)) if w not in _STOP}


def related_articles(store: Store, article_id: int, limit: int = 6) -> list[RelatedItem]:
    """Up to ``limit`` cached articles related to ``article_id``, best first."""
    try:
        article = store.article(article_id)
    except NotFoundError:
        return []
    words = _words(article.title)
    seen_titles = {article.title.strip().lower()}
    pool: dict[int, Headline] = {}
    for h in store.headlines(section=article.section, limit=_CANDIDATES):
        pool[h.id] = h
    for h in store.headlines(limit=_CANDIDATES):
        pool.setdefault(h.id, h)
    scored: list[tuple[float, float, Headline]] = []
    for h in pool.values():
        if h.id == article_id:
            continue
        shared = len(words & _words(h.title))
        score = 2.0 * shared + (1.0 if h.section == article.section else 0.0)
        if score <= 0:
            continue
        when = h.published.timestamp() if h.published else 0.0
        scored.append((score, when, h))
    scored.sort(key=lambda t: (t[0], t[1]), reverse=True)
    items: list[RelatedItem] = []
    for score, _when, h in scored:
        key = h.title.strip().lower()
        if key in seen_titles:
            continue
        seen_titles.add(key)
        items.append(RelatedItem(h.id, h.title, h.section, h.feed_title, h.published, score))
        if len(items) >= limit:
            break
    return items
