"""Where the "You may also like" panel gets its stories.

The core's related-stories engine (``termnews.core.related``) is used when it is
installed; until then the app's simple fallback ranking stands in. Both share
``related_articles(store, article_id, limit) -> list[RelatedItem]``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from termnews.core.store import Store


class RelatedLike(Protocol):
    """The fields the panel reads from a related item."""

    @property
    def article_id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def section(self) -> str: ...
    @property
    def feed_title(self) -> str: ...
    @property
    def published(self) -> datetime | None: ...
    @property
    def score(self) -> float: ...


RelatedFinder = Callable[[Store, int, int], Sequence[RelatedLike]]


def _choose() -> RelatedFinder:
    try:
        from termnews.core import related
    except ImportError:
        from termnews.app import related_fallback

        return related_fallback.related_articles
    return related.related_articles


find_related: RelatedFinder = _choose()
