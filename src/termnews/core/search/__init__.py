"""Search: the query language, full-text search, saved searches and mute rules.

* :mod:`.query`: text -> :class:`Query` (:func:`parse_query`, raising ``QueryError``)
* :mod:`.execute`: :func:`search` (ranked hits with highlight spans), :func:`count`
* :mod:`.where`: filters -> SQL; :func:`muted_clause` for lists outside search
* :mod:`.saved`: saved searches (config + cache) and their counts
* :mod:`.mute`: mute rules kept as a flag on articles, applied incrementally
"""

from termnews.core.search.execute import (
    MatchedHeadline,
    SearchHit,
    count,
    counts,
    matching_ids,
    query_warnings,
    search,
)
from termnews.core.search.query import FILTERS, Query, Term, TimeBound, parse_query
from termnews.core.search.saved import (
    SavedCount,
    SavedSearch,
    delete_saved_search,
    save_search,
    saved_search_counts,
    saved_searches,
)
from termnews.core.search.where import muted_clause

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
    "parse_query",
    "query_warnings",
    "save_search",
    "saved_search_counts",
    "saved_searches",
    "search",
]
