"""Refresh orchestration: read every due source, ingest it, report per feed.

One failing source never stops the others: each outcome carries its own
one-line error, and whatever was cached before stays. With ``index`` (the
default of :func:`refresh`; ``termnews refresh`` passes it only when asked) the
FTS index and related stories are brought up to date in batches while HTTP feeds
arrive (``http_refresh._Indexer``), and for whatever is left once all sources are
ingested (:func:`after_ingest`). Without it the refresh only stores, and the
indexes are built after it (:mod:`termnews.core.indexing` says why and by whom).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from termnews.core.config import Config
from termnews.core.errors import SourceError, StoreError
from termnews.core.indexing import needs_search_index
from termnews.core.models import UNTITLED_FEED, Feed
from termnews.core.refresh_progress import (  # defined there: the reader reads them too
    STATUS_FAILED,
    STATUS_NEW,
    STATUS_NOT_MODIFIED,
    STATUS_SKIPPED,
    STATUS_UNCHANGED,
    STATUS_UPDATED,
)
from termnews.core.store import IngestResult, Store
from termnews.core.text import clean_line

if TYPE_CHECKING:
    from termnews.core.related import RefreshTerms


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    """What refreshing one feed did."""

    feed_id: int
    title: str
    url: str
    status: str
    new: int = 0
    updated: int = 0
    error: str | None = None
    warnings: tuple[str, ...] = ()
    new_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class RefreshReport:
    """Every feed's outcome plus totals, as ``termnews refresh --json`` prints it."""

    outcomes: tuple[FeedOutcome, ...] = field(default_factory=tuple)

    @property
    def failed(self) -> int:
        """How many feeds failed."""
        return sum(1 for o in self.outcomes if o.status == STATUS_FAILED)

    @property
    def new(self) -> int:
        """How many new articles arrived."""
        return sum(o.new for o in self.outcomes)

    @property
    def updated(self) -> int:
        """How many cached articles changed."""
        return sum(o.updated for o in self.outcomes)

    def totals(self) -> dict[str, int]:
        """Counts by status plus article totals."""
        counts = {
            s: 0
            for s in (
                STATUS_NEW,
                STATUS_UPDATED,
                STATUS_UNCHANGED,
                STATUS_NOT_MODIFIED,
                STATUS_FAILED,
                STATUS_SKIPPED,
            )
        }
        for o in self.outcomes:
            counts[o.status] = counts.get(o.status, 0) + 1
        return {
            "feeds": len(self.outcomes),
            **counts,
            "new_articles": self.new,
            "updated_articles": self.updated,
        }


ProgressCallback = Callable[[FeedOutcome, int, int], None]
"""Called after each feed with (outcome, done, total)."""


def status_for(result: IngestResult) -> str:
    """Summarise an ingest as a feed status."""
    if result.new:
        return STATUS_NEW
    if result.updated:
        return STATUS_UPDATED
    return STATUS_UNCHANGED


def record_success(store: Store, feed: Feed, **extra: object) -> None:
    """Note a successful check on a feed (clears its error state)."""
    now = datetime.now(UTC)
    store.update_feed(
        feed.id, last_checked=now, last_success=now, last_error=None, failures=0, dead=0, **extra
    )


def record_failure(store: Store, feed: Feed, error: str, **extra: object) -> None:
    """Note a failed check on a feed; cached articles are left alone."""
    store.update_feed(
        feed.id,
        last_checked=datetime.now(UTC),
        last_error=error,
        failures=feed.failures + 1,
        **extra,
    )


def refresh_local(store: Store, feed: Feed, force: bool = False) -> FeedOutcome:
    """Re-read a local feed file or article source and ingest what changed."""
    # Imported here: it brings the feed parser (feedparser, lxml: ~0.1-0.2 s), which an
    # HTTP refresh never uses in this process (its parse workers import it themselves).
    from termnews.core.sources.local import KIND_ARTICLES, read_article_source, read_feed_file

    path = Path(feed.url)
    try:
        if feed.kind == KIND_ARTICLES:
            parsed, fingerprint, warnings = read_article_source(path)
        else:
            parsed, fingerprint = read_feed_file(path)
            warnings = list(parsed.warnings)
        if not force and fingerprint == store.feed_source_hash(feed.id):
            record_success(store, feed)
            return FeedOutcome(feed.id, feed.title, feed.url, STATUS_UNCHANGED)
        result = store.ingest(feed.id, parsed, source_hash=fingerprint)
        extra: dict[str, object] = {}
        if feed.title == feed.url and parsed.title:
            # A feed that names itself nothing is named by its file ("world.xml" ->
            # "world"), as the source column can show, not "(untitled feed)".
            untitled = parsed.title == UNTITLED_FEED
            extra["title"] = (clean_line(path.stem) or parsed.title) if untitled else parsed.title
        if parsed.link and not feed.site_url:
            extra["site_url"] = parsed.link
        record_success(store, feed, **extra)
        return FeedOutcome(
            feed.id,
            str(extra.get("title", feed.title)),
            feed.url,
            status_for(result),
            result.new,
            result.updated,
            warnings=tuple(warnings),
            new_ids=result.new_ids,
        )
    except SourceError as exc:
        record_failure(store, feed, exc.reason)
        return FeedOutcome(feed.id, feed.title, feed.url, STATUS_FAILED, error=exc.reason)


def refresh(
    store: Store,
    feeds: Sequence[Feed] | None = None,
    *,
    force: bool = False,
    offline: bool = False,
    progress: ProgressCallback | None = None,
    settings: object | None = None,
    cancel: threading.Event | None = None,
    index: bool = True,
) -> RefreshReport:
    """Refresh ``feeds`` (all by default): local sources here, HTTP via the fetcher.

    With ``offline`` no network connection is opened: HTTP feeds are skipped.
    Setting ``cancel`` (e.g. from a signal handler) stops an HTTP refresh early;
    feeds not reached are reported as skipped, and related stories are left to
    the next refresh. ``index`` false stores only: the search index (unless mute
    rules need it now: :func:`termnews.core.indexing.needs_search_index`) and
    related stories are left to :func:`termnews.core.indexing.index_all`.
    """
    with store.unmapped():
        return _refresh(store, feeds, force, offline, progress, settings, cancel, index)


def _refresh(
    store: Store,
    feeds: Sequence[Feed] | None,
    force: bool,
    offline: bool,
    progress: ProgressCallback | None,
    settings: object | None,
    cancel: threading.Event | None,
    index: bool = True,
) -> RefreshReport:
    feeds = list(store.feeds_to_check() if feeds is None else feeds)
    terms: RefreshTerms | None = None
    local = [f for f in feeds if f.is_local]
    remote = [f for f in feeds if not f.is_local]
    total = len(feeds)
    outcomes: list[FeedOutcome] = []

    def done(outcome: FeedOutcome) -> None:
        outcomes.append(outcome)
        if progress is not None:
            progress(outcome, len(outcomes), total)

    for feed in local:
        try:
            done(refresh_local(store, feed, force))
        except StoreError as exc:
            done(FeedOutcome(feed.id, feed.title, feed.url, STATUS_FAILED, error=str(exc)))
    if remote:
        if offline:
            for feed in remote:
                done(FeedOutcome(feed.id, feed.title, feed.url, STATUS_SKIPPED, error="offline"))
        else:
            if force or any(f.last_success is None for f in remote):
                # Feeds never fetched will be parsed: the parse workers' fork server
                # starts its imports now, beside this process's (below).
                from termnews.core.parse_pool import start_fork_server

                start_fork_server(len(remote))
            # And the fetcher's TLS context is made in a thread meanwhile (sources.tls).
            from termnews.core.sources import tls

            tls.prepare()
            from termnews.core.http_refresh import refresh_remote

            if index:
                from termnews.core.related import RefreshTerms

                terms = RefreshTerms()
            refresh_remote(
                store,
                remote,
                force=force,
                on_outcome=done,
                settings=settings,
                cancel=cancel,
                terms=terms,
                index=index,
            )
    if cancel is not None and cancel.is_set():
        _after_cancel(store, settings, index)
    else:
        if not offline:
            _fetch_full_texts(store, feeds, outcomes, settings)
        if index:
            after_ingest(store, [i for o in outcomes for i in o.new_ids], settings, terms)
        elif needs_search_index(settings):
            _index_for_mute(store, settings)
    return RefreshReport(tuple(outcomes))


def _index_for_mute(store: Store, settings: object | None) -> None:
    """A refresh that only stores, under mute rules: the search index and the rules now.

    A muted article must not show in the reader until the index pass after the
    refresh; the rules are worked out with the search index, which SQLite builds
    in C (~40 us an article). Related stories still wait for that pass.
    """
    from termnews.core.search.mute import sync_mute_rules

    store.index_pending()
    sync_mute_rules(store, settings if isinstance(settings, Config) else None)


def _after_cancel(store: Store, settings: object | None, index: bool = True) -> None:
    """A cancelled refresh ends soon: the FTS index and mute rules, not related stories.

    Cancelling means someone is waiting (the reader quit, ``kill`` was sent). The
    search index is built by SQLite in C and is quick; related stories are Python
    work per article, and the next refresh picks the articles up from the
    ``related_indexed_upto`` watermark (see ``related._pending_ids``). A refresh
    that only stores leaves the search index too, unless mute rules need it.
    """
    if index or needs_search_index(settings):
        _index_for_mute(store, settings)


def _fetch_full_texts(
    store: Store, feeds: Sequence[Feed], outcomes: Sequence[FeedOutcome], settings: object | None
) -> None:
    """New articles of full-text feeds get their pages fetched (same limits as feeds)."""
    from termnews.core.fulltext import fetch_full_texts, wants_full_text

    config = settings if isinstance(settings, Config) else None
    by_id = {f.id: f for f in feeds}
    ids = [
        i
        for o in outcomes
        if o.new_ids and o.feed_id in by_id and wants_full_text(by_id[o.feed_id], config)
        for i in o.new_ids
    ]
    if ids:
        fetch_full_texts(store, ids, config)


def after_ingest(
    store: Store,
    new_ids: Sequence[int],
    settings: object | None = None,
    terms: RefreshTerms | None = None,
) -> None:
    """Work done once per refresh, in batches: the FTS index, then related-story data.

    For an HTTP refresh this is only what its writer had not indexed yet (less
    than a batch or two, see ``http_refresh._Indexer``); for local sources, and
    callers that ingest themselves, it is every new article.
    ``terms`` holds the related-stories term counts the parse workers made, if any.
    Related stories are worked out in a thread meanwhile (the FTS index is built
    by SQLite without holding Python's lock) and written last.
    """
    from termnews.core.related import start_indexing

    related = start_indexing(store, new_ids, terms)
    store.index_pending()
    # Mute rules need the FTS index; ``settings`` (a Config) says what they are.
    from termnews.core.search.mute import sync_mute_rules

    sync_mute_rules(store, settings if isinstance(settings, Config) else None)
    related.finish(store)
