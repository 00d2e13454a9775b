"""Mute rules: queries from ``[search] mute`` whose matches are hidden or marked read.

Muting is kept as a flag on each article (``articles.muted``), maintained
incrementally, rather than as a filter evaluated on every list and count: a
headline list or an unread badge must not run a full-text query each time.

* After each refresh (:func:`termnews.core.refresh.after_ingest`) only the articles
  that arrived since the last check are matched against the rules; the meta key
  ``mute_applied_upto`` is the highest article id already checked.
* When the rules change (their fingerprint is kept in meta as ``mute_rules``),
  the flags are recomputed over the whole cache once, so editing a rule hides
  old matches too, and removing one brings its articles back.
* With ``mute_mark_read = true`` matches are marked read *on arrival* instead and
  stay visible. Old articles are never marked read when rules change: that would
  rewrite the user's reading state behind their back, and could not be undone.

Articles are checked once they are in the FTS index (after ``index_pending``),
since rules with words need it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from termnews.core.config import Config, SearchConfig
from termnews.core.errors import QueryError

if TYPE_CHECKING:
    from termnews.core.search.query import Query
    from termnews.core.store import Store

RULES_KEY = "mute_rules"
APPLIED_KEY = "mute_applied_upto"
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class MuteReport:
    """What applying the mute rules changed."""

    muted: int = 0
    """Articles newly hidden."""
    unmuted: int = 0
    """Articles shown again (a rule was removed or changed)."""
    marked_read: int = 0
    """Articles marked read on arrival (``mute_mark_read``)."""
    recomputed: bool = False
    """True when the rules had changed and the whole cache was checked."""
    errors: tuple[str, ...] = ()
    """One line per rule that could not be parsed (the rule is skipped)."""


def compile_rules(rules: Sequence[str]) -> tuple[list[Query], list[str]]:
    """Parse each rule; a bad rule becomes an error line naming it, the others still apply."""
    queries: list[Query] = []
    errors: list[str] = []
    if not rules:  # the usual case: no query parser to import
        return queries, errors
    from termnews.core.search.query import parse_query

    for rule in rules:
        try:
            query = parse_query(rule)
        except QueryError as exc:
            errors.append(f"[search] mute rule {rule!r}: {exc}")
            continue
        if query.is_empty:
            errors.append(f"[search] mute rule {rule!r} is empty and would hide everything")
            continue
        queries.append(query)
    return queries, errors


NO_RULES_FINGERPRINT = {
    False: "397d9d65397d62f31e50c38082bd345ddc0d5d61",
    True: "5874b674aa61a3cfaf1dd8606fa5f8b1697c7f96",
}
"""The digest of no rules, by mode: what :func:`rules_fingerprint` computes for them."""


def rules_fingerprint(rules: Sequence[str], mark_read: bool) -> str:
    """A stable digest of the rules and the mode, to notice when they change.

    Every start (the reader's, every command's) checks it, and most profiles have no
    rules: their digest is a constant, so the start does not load hashlib and OpenSSL
    (~3.5 ms of CPU, issue 8) for it.
    """
    if not rules:
        return NO_RULES_FINGERPRINT[bool(mark_read)]
    import hashlib

    data = json.dumps({"rules": list(rules), "mark_read": mark_read}, sort_keys=True)
    return hashlib.sha1(data.encode("utf-8")).hexdigest()


def _matches(store: Store, queries: Sequence[Query], id_range: tuple[int, int] | None) -> set[int]:
    found: set[int] = set()
    if not queries:
        return found
    # Imported here: every command checks the rules at start, and there are rarely any.
    from termnews.core.search.execute import matching_ids

    for query in queries:
        found.update(matching_ids(store, query, id_range=id_range, include_muted=True))
    return found


def _update(store: Store, sql: str, ids: Iterable[int]) -> int:
    """Run ``sql`` (with ``{ids}`` for the placeholders) over ``ids`` in chunks; rows changed."""
    wanted = sorted(ids)
    changed = 0
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        changed += store.conn.execute(sql.format(ids=",".join("?" * len(chunk))), chunk).rowcount
    return changed


def _currently_muted(store: Store) -> set[int]:
    return {
        int(r[0])
        for r in store.conn.execute(
            "SELECT id FROM articles INDEXED BY idx_articles_muted WHERE muted = 1"
        )
    }


def apply_mute_rules(
    store: Store,
    rules: Sequence[str],
    *,
    mark_read: bool = False,
    new_ids: Sequence[int] | None = None,
) -> MuteReport:
    """Apply ``rules`` to ``new_ids`` (just arrived), or recompute for every article.

    ``new_ids=None`` recomputes the hidden set from scratch (hide mode) or clears it
    (mark-read mode). With ``new_ids`` only those articles are checked: hidden, or
    marked read when ``mark_read``.
    """
    queries, errors = compile_rules(rules)
    muted = unmuted = marked = 0
    with store.transaction():
        if new_ids is None:
            current = _currently_muted(store)
            wanted = set() if mark_read else _matches(store, queries, None)
            unmuted = _update(
                store, "UPDATE articles SET muted = 0 WHERE id IN ({ids})", current - wanted
            )
            muted = _update(
                store, "UPDATE articles SET muted = 1 WHERE id IN ({ids})", wanted - current
            )
        elif new_ids and queries:
            new = set(new_ids)
            found = _matches(store, queries, (min(new), max(new))) & new
            if mark_read:
                marked = _update(
                    store, "UPDATE articles SET read = 1 WHERE id IN ({ids}) AND read = 0", found
                )
            else:
                muted = _update(
                    store, "UPDATE articles SET muted = 1 WHERE id IN ({ids}) AND muted = 0", found
                )
    return MuteReport(muted, unmuted, marked, new_ids is None, tuple(errors))


def _search_settings(settings: Config | SearchConfig) -> SearchConfig:
    return settings.search if isinstance(settings, Config) else settings


def sync_mute_rules(store: Store, settings: Config | SearchConfig | None) -> MuteReport:
    """Bring mute flags up to date: everything if the rules changed, else new arrivals.

    Cheap when nothing changed (two meta reads), so it runs at start-up and after
    every refresh. ``settings=None`` means the rules are unknown: nothing is done
    (not "no rules", which would unmute everything).
    """
    if settings is None:
        return MuteReport()
    search = _search_settings(settings)
    rules, mark_read = list(search.mute), search.mute_mark_read
    fingerprint = rules_fingerprint(rules, mark_read)
    if rules:
        # The rules match through the search index, which a refresh may have left
        # behind (core/indexing): what it lacks now would go unmuted until later.
        from termnews.core.indexing import catch_up_search

        catch_up_search(store)
    indexed = int(store.get_meta("fts_indexed_upto", "0") or 0)
    applied = int(store.get_meta(APPLIED_KEY, "0") or 0)
    previous = store.get_meta(RULES_KEY)
    changed = previous != fingerprint
    if not changed and applied >= indexed:
        return MuteReport()
    report = MuteReport()
    if changed:
        report = apply_mute_rules(store, rules, mark_read=mark_read, new_ids=None)
    arrived = MuteReport()
    if rules and indexed > applied:
        # Articles that arrived since the last check: just their id range, inclusive.
        ids = [
            int(r[0])
            for r in store.conn.execute(
                "SELECT id FROM articles WHERE id > ? AND id <= ?", (applied, indexed)
            )
        ]
        # The first check ever has no "arrival" to speak of: a cache from before
        # mute rules existed must not have its old articles marked read.
        if (mark_read and previous is not None) or not changed:
            arrived = apply_mute_rules(store, rules, mark_read=mark_read, new_ids=ids)
    with store.transaction():
        store.set_meta(RULES_KEY, fingerprint)
        store.set_meta(APPLIED_KEY, str(indexed))
    return MuteReport(
        muted=report.muted + arrived.muted,
        unmuted=report.unmuted,
        marked_read=arrived.marked_read,
        recomputed=changed,
        errors=report.errors or arrived.errors,
    )
