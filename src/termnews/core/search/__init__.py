"""Search: the query language, full-text search, saved searches and mute rules.

* :mod:`.query`: text -> :class:`Query` (:func:`parse_query`, raising ``QueryError``)
* :mod:`.execute`: :func:`search` (ranked hits with highlight spans), :func:`count`
* :mod:`.where`: filters -> SQL; :func:`muted_clause` for lists outside search
* :mod:`.saved`: saved searches (config + cache) and their counts
* :mod:`.mute`: mute rules kept as a flag on articles, applied incrementally

The names below are loaded from their submodule on first use (PEP 562): importing
one submodule (``mute`` at every command's start, ``query`` in the reader) must not
import them all, ``execute`` and its highlighter first; that was ~20 ms of every
``termnews articles``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from termnews.core.search.execute import (
        MatchedHeadline,
        SearchHit,
        count,
        counts,
        matching_ids,
        query_warnings,
        search,
    )
    from termnews.core.search.query import (
        FILTERS,
        Query,
        Term,
        TimeBound,
        nothing_to_search,
        parse_query,
    )
    from termnews.core.search.saved import (
        SavedCount,
        SavedSearch,
        delete_saved_search,
        save_search,
        saved_search_counts,
        saved_searches,
    )
    from termnews.core.search.where import muted_clause

_WHERE = {
    "execute": (
        "MatchedHeadline",
        "SearchHit",
        "count",
        "counts",
        "matching_ids",
        "query_warnings",
        "search",
    ),
    "query": ("FILTERS", "Query", "Term", "TimeBound", "nothing_to_search", "parse_query"),
    "saved": (
        "SavedCount",
        "SavedSearch",
        "delete_saved_search",
        "save_search",
        "saved_search_counts",
        "saved_searches",
    ),
    "where": ("muted_clause",),
}
_MODULE_OF = {name: module for module, names in _WHERE.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # the next lookup is a plain global
    return value


__all__ = [
    "FILTERS",
    "MatchedHeadline",
    "Query",
    "SavedCount",
    "SavedSearch",
    "SearchHit",
    "Term",
    "TimeBound",
    "count",
    "counts",
    "delete_saved_search",
    "matching_ids",
    "muted_clause",
    "nothing_to_search",
    "parse_query",
    "query_warnings",
    "save_search",
    "saved_search_counts",
    "saved_searches",
    "search",
]
