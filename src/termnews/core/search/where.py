"""Turning a :class:`Query`'s filters into SQL over the ``articles`` table (alias ``a``).

Section and feed names are resolved to exact values in Python first (there are
few of them), so the SQL compares ``a.section = ?`` and ``a.feed_id IN (...)``,
which the indexes on ``articles`` serve; a ``lower(...) LIKE`` in SQL would
scan every article instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from termnews.core.models import VirtualSection
from termnews.core.search.query import Query
from termnews.core.store import Store


def muted_clause(alias: str = "a") -> str:
    """The SQL condition that hides muted articles, for queries outside this package."""
    return f"{alias}.muted = 0"


@dataclass(slots=True)
class Where:
    """SQL conditions (ANDed) with their parameters, and notes for the user."""

    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)
    impossible: bool = False
    """True when a filter matched nothing (e.g. no such section): skip the query."""
    warnings: list[str] = field(default_factory=list)
    """Why a filter matches nothing, e.g. "no section matches 'wrld'"."""

    def add(self, clause: str, *params: Any) -> None:
        """AND one more condition."""
        self.clauses.append(clause)
        self.params.extend(params)

    def sql(self, leading: str = "WHERE") -> str:
        """``WHERE c1 AND c2`` (or ``AND c1 AND c2`` with ``leading="AND"``), or ''."""
        if not self.clauses:
            return ""
        return f"{leading} " + " AND ".join(self.clauses)


def _like_pattern(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _marks(values: list[Any]) -> str:
    return ",".join("?" * len(values))


def _resolve_sections(store: Store, wanted: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Section names matching each wanted value (exact, else prefix), and the unmatched."""
    names = [r[0] for r in store.conn.execute("SELECT DISTINCT section FROM feeds")]
    found: list[str] = []
    missing: list[str] = []
    for value in wanted:
        folded = value.casefold()
        exact = [n for n in names if n.casefold() == folded]
        matches = exact or [n for n in names if n.casefold().startswith(folded)]
        if matches:
            found.extend(m for m in matches if m not in found)
        else:
            missing.append(value)
    return found, missing


def _resolve_feeds(store: Store, wanted: tuple[str, ...]) -> tuple[list[int], list[str]]:
    """Feed ids matching each value (an id, or part of a title or URL), and the unmatched."""
    feeds = [
        (int(r[0]), str(r[1]).casefold(), str(r[2]).casefold())
        for r in store.conn.execute("SELECT id, title, url FROM feeds")
    ]
    found: list[int] = []
    missing: list[str] = []
    for value in wanted:
        folded = value.casefold()
        matches = [
            fid
            for fid, title, url in feeds
            if (value.isdigit() and fid == int(value)) or folded in title or folded in url
        ]
        if matches:
            found.extend(m for m in matches if m not in found)
        else:
            missing.append(value)
    return found, missing


def _virtual_sections(query: Query, real: set[str]) -> tuple[tuple[str, ...], bool, bool, bool]:
    """Split ``section:All|Unread|Starred`` (when no real section has that name) from the rest."""
    keep: list[str] = []
    all_ = unread = starred = False
    for value in query.sections:
        folded = value.casefold()
        if folded in real:
            keep.append(value)
        elif folded == VirtualSection.ALL.value.casefold():
            all_ = True
        elif folded == VirtualSection.UNREAD.value.casefold():
            unread = True
        elif folded == VirtualSection.STARRED.value.casefold():
            starred = True
        else:
            keep.append(value)
    return tuple(keep), all_, unread, starred


def build_where(store: Store, query: Query, now: datetime, *, include_muted: bool = False) -> Where:
    """The SQL conditions for every filter of ``query`` (not the FTS text part)."""
    w = Where()
    real = {r[0].casefold() for r in store.conn.execute("SELECT DISTINCT section FROM feeds")}
    sections, all_sections, virtual_unread, virtual_starred = _virtual_sections(query, real)
    if sections and not all_sections:
        found, missing = _resolve_sections(store, sections)
        for value in missing:
            w.warnings.append(f"no section matches {value!r}")
        if not found:
            w.impossible = True
        else:
            w.add(f"a.section IN ({_marks(found)})", *found)
    if query.not_sections:
        found, _ = _resolve_sections(store, query.not_sections)
        if found:
            w.add(f"a.section NOT IN ({_marks(found)})", *found)
    if query.feeds:
        ids, missing = _resolve_feeds(store, query.feeds)
        for value in missing:
            w.warnings.append(f"no feed matches {value!r}")
        if not ids:
            w.impossible = True
        else:
            w.add(f"a.feed_id IN ({_marks(ids)})", *ids)
    if query.feed_ids:
        w.add(f"a.feed_id IN ({_marks(list(query.feed_ids))})", *query.feed_ids)
    if query.not_feeds:
        ids, _ = _resolve_feeds(store, query.not_feeds)
        if ids:
            w.add(f"a.feed_id NOT IN ({_marks(ids)})", *ids)
    if query.authors:
        patterns = [_like_pattern(v) for v in query.authors]
        w.add("(" + " OR ".join(["a.author LIKE ? ESCAPE '\\'"] * len(patterns)) + ")", *patterns)
    for value in query.not_authors:
        w.add("coalesce(a.author, '') NOT LIKE ? ESCAPE '\\'", _like_pattern(value))
    unread = True if virtual_unread else query.unread
    if unread is not None:
        w.add("a.read = 0" if unread else "a.read = 1")
    starred = True if virtual_starred else query.starred
    if starred is not None:
        w.add("a.starred = 1" if starred else "a.starred = 0")
    if query.muted:
        w.add("a.muted = 1")
    elif not include_muted:
        w.add(muted_clause())
    if query.since is not None:
        w.add("a.sort_ts >= ?", query.since.timestamp(now))
    if query.before is not None:
        w.add("a.sort_ts < ?", query.before.timestamp(now))
    return w
