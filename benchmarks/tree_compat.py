"""Calls whose form changed between the source trees the benchmark tools run.

The A/B tools run one script against two ``src`` trees (this checkout's and an
older revision's), so where an internal API changed they must call each tree
the way it expects.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def term_keys(entries: Sequence[Any]) -> Sequence[Any]:
    """What ``RefreshTerms.add`` takes for a feed's entries in the tree on ``sys.path``.

    Since the parse workers hand the writer rows (``termnews.core.store.rows``),
    ``add`` takes each entry's dedupe key, as the rows carry it; before, it took the
    entries and made the keys itself. Given the wrong one, ``add`` keeps counts
    under keys no article has, and the batch silently counts every article again.
    """
    try:
        from termnews.core.store.rows import entry_key
    except ImportError:  # an older tree
        return entries
    return [entry_key(e) for e in entries]
