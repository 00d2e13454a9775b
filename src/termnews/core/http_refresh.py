"""Refreshing HTTP feeds: fetch concurrently, parse on every core, write in one thread.

The pipeline has three stages, each where it runs best:

1. **Fetch** on an asyncio event loop in a helper thread, through one shared
   :class:`~termnews.core.sources.fetch.Fetcher` (bounded overall and per host,
   conditional GET with the stored ETag / Last-Modified, a deadline per feed).
2. **Parse** in a process pool (:mod:`termnews.core.parse_pool`), so parsing
   never blocks the loop and uses both cores. A 200 whose body hashes the same
   as the last one ingested is not parsed at all ("unchanged").
3. **Write** in the calling thread, which owns the :class:`Store` (a SQLite
   connection belongs to one thread): a single writer takes results as they
   complete, one transaction per changed feed, and adds new articles to the
   search index (:data:`FTS_BATCH`) and to related stories (:data:`RELATED_BATCH`)
   while it waits for more. 304s, unchanged bodies and
   failures touch no article; their fetch state (``last_checked``,
   ``last_success``, errors) is written for all of them in **one** small
   transaction at the end, so an all-304 refresh costs the same whatever the
   size of the cache.

Because the loop runs in its own thread via :func:`asyncio.run`, this works the
same from the CLI's main thread and from a TUI worker thread. One failing feed
never delays the others: each fetch has its own deadline, a slow host holds
only its own per-host slots, and every error becomes that feed's outcome.

Politeness: a feed is not fetched before its ``next_check`` (set from the
feed's own ``ttl`` / ``sy:updatePeriod``, capped at a day, or from a 429/503
``Retry-After``), and a feed that answered 410 Gone is kept, marked dead and
not fetched again; ``force`` overrides all of that and also sends no validators.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import BrokenExecutor, Future
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from termnews.core.config import Config, NetworkConfig
from termnews.core.indexing import needs_search_index
from termnews.core.models import UNTITLED_FEED, Feed, ParsedFeed
from termnews.core.parse_pool import (
    MIN_FEEDS_FOR_PROCESSES,
    FetchedJob,
    ParsePool,
    fetched_job,
    parse_and_count_job,
)
from termnews.core.refresh import FeedOutcome, status_for
from termnews.core.refresh_progress import (
    STATUS_FAILED,
    STATUS_NOT_MODIFIED,
    STATUS_SKIPPED,
    STATUS_UNCHANGED,
)
from termnews.core.sources.coding import body_hash
from termnews.core.sources.fetch import Fetcher, FetchResult
from termnews.core.store import FeedRows, Store

if TYPE_CHECKING:
    from termnews.core.related import RefreshTerms

__all__ = ["MAX_TTL_MINUTES", "refresh_remote"]

MAX_TTL_MINUTES = 24 * 60
"""A feed asking to be polled less than daily is still checked daily."""

_POLL_SECONDS = 0.2
"""How often the writer looks at the cancel event while waiting for results."""

FTS_BATCH = 1000
"""New articles after which an idle writer adds them to the search index.

The FTS index used to be built in one batch after the last feed, while the
parse workers sat idle (0.5 s of a 6 s cold refresh of 10,000 articles). The
writer mostly waits for parsed feeds, so it indexes in that time instead,
in batches big enough that FTS5 merges stay cheap; ``after_ingest`` indexes
the rest as before.
"""

FTS_TAIL_FACTOR = 2
"""The search index leaves this many times the articles not yet in a related-stories batch
for the end of a refresh (:class:`_Indexer`).

Those articles go to the refresh's last related-stories batch, which runs after the last
feed is written, in Python, on one core (~0.2 s for the last ~2,000 of a cold refresh of
10,000), while the other core had only the rest of the search index to build (~45 us per
article, in SQLite's C, beside it). Indexing about twice the related batch's articles
there fills that core, and takes the same work off the middle of the refresh, where both
cores are busy parsing.
"""

FTS_TAIL_MAX = 4000
"""At most this many articles are left out of the search index for the end (~0.2 s of work):
a bigger last related-stories batch hides no more of it, and the index keeps closer behind."""

RELATED_BATCH = 4000
"""New articles after which an idle writer gives them related-stories signatures and stories.

Bigger batches group better and cost less per article (each batch rescans the
articles of its time window), smaller ones hold less in memory: on the 200 x 50
corpus's story truth, grouping B-cubed F1 is 0.822 in one batch, 0.774 in
batches of 5,000, 0.761 of 4,000, 0.754 of 2,000 (related precision@5 0.95-0.99
in all cases; the 100,000-article figure of refreshes of 1,000 is 0.531).

Related-stories indexing used to run once, after the last feed, over every new
article of the refresh: 1.6 s of a 7.9 s cold refresh of 10,000 articles spent
while the parse workers had nothing left to do, holding every new article's
term counts in memory (peak RSS grew with the refresh: 218 MB for 10,000,
650 MB for 100,000). Batches done while the writer waits keep both bounded.
"""

BODY_BACKLOG = 16
"""Fetches sure to bring a body (never fetched, or ``--force``) in flight, plus two per
parse worker: parsing, not the network, bounds a refresh that brings bodies, and more
of them in flight only holds memory and the fetch thread's CPU (a cold refresh of 200 x
50 at 32 in flight: +2% wall, +25 MB). Conditional fetches, mostly 304s, are not held to it.
"""

RELATED_MAX_BATCH = 10_000
"""The largest related-stories batch (see :class:`_Indexer`)."""

_FORCE_FACTOR = 2
"""A batch this many times over its size is indexed even when results are waiting.

When the writer itself is the bottleneck it is never idle; without this the
whole refresh would again be indexed after the last feed.
"""


@dataclass(frozen=True, slots=True)
class _Fetched:
    """One feed's trip through fetch and parse, handed to the writer."""

    feed: Feed
    result: FetchResult
    parsed: FeedRows | ParsedFeed | None = None
    parse_error: str | None = None
    body_hash: str | None = None
    unchanged: bool = False
    terms: tuple[bytes, ...] = ()
    """Each entry's related-stories term counts, made by the parse worker."""


@dataclass
class _LoopHandle:
    """Lets the writer thread cancel the fetch loop."""

    loop: asyncio.AbstractEventLoop | None = None
    task: asyncio.Task[None] | None = None
    pool: ParsePool | None = None
    """The parse workers, which also work out related-stories batches (:class:`_Indexer`)."""

    def cancel(self) -> None:
        if self.loop is not None and self.task is not None and not self.loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                self.loop.call_soon_threadsafe(self.task.cancel)


async def _pipeline(
    feeds: Sequence[Feed],
    hashes: dict[int, str | None],
    network: NetworkConfig,
    force: bool,
    emit: Callable[[_Fetched, Callable[[], None]], None],
    handle: _LoopHandle,
    count: bool = True,
    defer_text: bool = False,
) -> None:
    handle.loop = asyncio.get_running_loop()
    handle.task = asyncio.current_task()
    loop = handle.loop
    pool = ParsePool(processes=len(feeds) >= MIN_FEEDS_FOR_PROCESSES)
    handle.pool = pool
    if force or any(hashes.get(feed.id) is None for feed in feeds):
        # Some body will be parsed for sure: a feed never fetched has no stored
        # hash (and ``force`` parses every body), so start the workers now.
        with contextlib.suppress(Exception):  # else they start on first use, as before
            pool.warm_up()
    # Bodies fetched but not yet written: bounded so memory does not grow with
    # the number of feeds when parsing is slower than the network.
    backlog = asyncio.Semaphore(min(max(1, network.concurrency), BODY_BACKLOG) + 2 * pool.workers)

    def release() -> None:
        with contextlib.suppress(RuntimeError):  # the loop may have finished already
            loop.call_soon_threadsafe(backlog.release)

    async def run(job: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        try:
            return await loop.run_in_executor(pool.executor(), job, *args)
        except BrokenExecutor:
            pool.fall_back_to_thread()
            return await loop.run_in_executor(pool.executor(), job, *args)

    try:
        async with Fetcher(network) as fetcher:

            async def one(feed: Feed) -> None:
                # A conditional GET mostly comes back 304, with no body: it takes its
                # backlog slot once answered, so such fetches run `concurrency` at once,
                # while those sure to bring a body are held to the backlog in flight.
                conditional = not force and bool(feed.etag or feed.last_modified)
                held = not conditional
                try:
                    known = None if force else hashes.get(feed.id)
                    result = await fetcher.fetch(
                        feed.url,
                        etag=None if force else feed.etag,
                        last_modified=None if force else feed.last_modified,
                        reserve=None if conditional else backlog,
                        # A body sure to be parsed is inflated by the parse worker.
                        decode=known is not None,
                    )
                    if not held:
                        await backlog.acquire()
                        held = True
                    if result.body is None or result.error:
                        emit(_Fetched(feed, result), release)
                        return
                    # The worker also counts related-stories terms of the entries
                    # likely to be new: all of a feed never fetched, else those dated
                    # after its last fetch (the writer counts any new one it missed).
                    since = _counting_since(feed)
                    bare = replace(result, body=None, content_encoding=None)
                    if known is None:
                        job: tuple[Any, ...] = (
                            result.body,
                            result.content_encoding,
                            network.max_bytes,
                            result.final_url,
                            since,
                            count,
                            # A feed never fetched: none of its keys is stored, so
                            # nothing compares hashes (not so under --force).
                            defer_text and not force,
                        )
                        done: FetchedJob = await run(fetched_job, job)
                        if done.digest is None:  # not decodable: a fetch failure, as before
                            emit(_Fetched(feed, replace(bare, error=done.error)), release)
                            return
                        parsed, error, terms, digest = (
                            done.parsed,
                            done.error,
                            done.terms,
                            done.digest,
                        )
                    else:
                        # Hashed here: an unchanged body needs no worker (nor their start).
                        digest = body_hash(result.body)
                        if digest == known:
                            emit(_Fetched(feed, bare, unchanged=True), release)
                            return
                        job = (result.body, result.final_url, since, count)
                        parsed, error, terms = await run(parse_and_count_job, job)
                    emit(_Fetched(feed, bare, parsed, error, digest, terms=terms), release)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # one feed's bug must not stop the others
                    failed = FetchResult(feed.url, feed.url, error=f"internal error: {exc}")
                    emit(_Fetched(feed, failed), release if held else _nothing)

            await asyncio.gather(*(one(f) for f in feeds))
    finally:
        pool.close()


def _nothing() -> None:
    """The release of a feed that failed before it took a backlog slot."""


def _counting_since(feed: Feed) -> datetime | None:
    """Entries dated after this are likely new (an hour's slack for clocks and late items)."""
    if feed.last_success is None:
        return None
    return feed.last_success - timedelta(hours=1)


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _skip_reason(feed: Feed, now: datetime) -> str | None:
    if feed.dead:
        return "gone (HTTP 410): kept but not fetched; use --force to try again"
    if feed.next_check is not None and feed.next_check > now:
        return f"not due before {_when(feed.next_check)} (feed TTL or Retry-After); use --force"
    return None


class _Writer:
    """Turns fetch/parse results into store writes and outcomes (calling thread)."""

    def __init__(
        self,
        store: Store,
        states: dict[int, tuple[str | None, int | None]],
        terms: RefreshTerms | None = None,
    ) -> None:
        self.store = store
        self.states = states
        self.terms = terms
        self.deferred: list[tuple[int, dict[str, Any]]] = []

    @staticmethod
    def _next_check(ttl: int | None, now: datetime) -> datetime | None:
        if ttl and ttl > 0:
            return now + timedelta(minutes=min(ttl, MAX_TTL_MINUTES))
        return None

    def _success_fields(self, feed: Feed, result: FetchResult, now: datetime) -> dict[str, Any]:
        fields: dict[str, Any] = {"last_checked": now, "last_success": now}
        if feed.failures or feed.last_error or feed.dead:
            fields.update(last_error=None, failures=0, dead=0)
        if result.etag and result.etag != feed.etag:
            fields["etag"] = result.etag
        if result.last_modified and result.last_modified != feed.last_modified:
            fields["last_modified"] = result.last_modified
        return fields

    def _move(self, feed: Feed, result: FetchResult, warnings: list[str]) -> str:
        """Store a permanent redirect's target as the feed's URL (unless taken)."""
        new_url = result.permanent_url
        if not new_url or new_url == feed.url:
            return feed.url
        other = self.store.feed_by_url(new_url)
        if other is not None:
            warnings.append(
                f"moved permanently to {new_url}, already subscribed as feed {other.id}"
            )
            return feed.url
        self.store.update_feed(feed.id, url=new_url)
        warnings.append(f"moved permanently; feed URL updated to {new_url}")
        return new_url

    def write(self, item: _Fetched) -> FeedOutcome:
        feed, result = item.feed, item.result
        now = datetime.now(UTC)
        error = result.error or item.parse_error
        if error:
            fields: dict[str, Any] = {
                "last_checked": now,
                "last_error": error,
                "failures": feed.failures + 1,
            }
            if result.gone:
                fields["dead"] = 1
            if result.retry_after:
                fields["next_check"] = now + timedelta(seconds=result.retry_after)
            self.deferred.append((feed.id, fields))
            return FeedOutcome(feed.id, feed.title, feed.url, STATUS_FAILED, error=error)
        warnings: list[str] = []
        url = self._move(feed, result, warnings)
        _hash, ttl = self.states.get(feed.id, (None, None))
        fields = self._success_fields(feed, result, now)
        if item.parsed is None:
            next_check = self._next_check(ttl, now)
            if next_check is not None:
                fields["next_check"] = next_check
            self.deferred.append((feed.id, fields))
            status = STATUS_UNCHANGED if item.unchanged else STATUS_NOT_MODIFIED
            return FeedOutcome(feed.id, feed.title, url, status, warnings=tuple(warnings))
        # Rows from the parse job; entries it could not make rows of fail here, as
        # they would in ingest (a body SQLite cannot store as text).
        parsed = FeedRows.of(item.parsed)
        fields["ttl_minutes"] = parsed.ttl_minutes
        fields["next_check"] = self._next_check(parsed.ttl_minutes, now)
        title = feed.title
        if parsed.title and feed.title in (feed.url, url, "") and parsed.title != UNTITLED_FEED:
            title = fields["title"] = parsed.title
        if parsed.link and not feed.site_url:
            fields["site_url"] = parsed.link
        ingest = self.store.ingest(feed.id, parsed, source_hash=item.body_hash, feed_fields=fields)
        if ingest.new and item.terms and self.terms is not None:
            self.terms.add(feed.id, parsed.keys, item.terms)
        warnings.extend(parsed.warnings)
        return FeedOutcome(
            feed.id,
            title,
            url,
            status_for(ingest),
            ingest.new,
            ingest.updated,
            warnings=tuple(warnings),
            new_ids=ingest.new_ids,
        )

    def flush(self) -> None:
        """Write every deferred fetch-state update in one transaction."""
        deferred, self.deferred = self.deferred, []
        self.store.update_feeds(deferred)


class _Indexer:
    """Keeps the search and related-stories indexes close behind the writer, in batches.

    Both indexes used to be built for the whole refresh after its last feed.
    The writer mostly waits for parsed feeds, so it indexes in those waits
    instead (``idle``), in batches big enough to stay cheap per article; and
    when it is never idle, once a batch is :data:`_FORCE_FACTOR` times over its
    size. Whatever is left ``refresh.after_ingest`` indexes as before. A failure
    here costs nothing: the watermarks of both indexes are only moved by a
    batch that committed, so the next batch or ``after_ingest`` picks the
    articles up again.

    A related-stories batch is worked out by a parse worker process
    (:func:`termnews.core.related.batch_job`) and written here when done: it is
    mostly Python, and in this process it held the interpreter lock for half a
    second at a time, stalling the fetch loop's thread (and a TUI's); a process
    of its own would add its own memory to the refresh's. One batch runs at a
    time. Batches grow with the refresh (up to :data:`RELATED_MAX_BATCH`): each
    also scans the articles already in its time window, so fixed small batches
    over 100,000 new articles would scan the earlier ones again and again.
    Without worker processes (a small refresh, or an in-memory cache) the
    writer works a batch out itself.
    """

    def __init__(
        self,
        store: Store,
        terms: RefreshTerms | None,
        handle: _LoopHandle | None = None,
        *,
        enabled: bool = True,
    ) -> None:
        self.enabled = enabled
        """False: a refresh that only stores (its indexes are built after it)."""
        self.store = store
        self.terms = terms
        self.handle = handle
        self.fts = 0
        """New articles not yet in the search index."""
        self.top = 0
        """The highest id of a new article written."""
        self.related = 0
        """New articles not yet handed to a related-stories batch."""
        self.related_done = 0
        self._job: Future[tuple[Any, list[tuple[int, str]]]] | None = None

    def _related_batch(self) -> int:
        return min(RELATED_MAX_BATCH, max(RELATED_BATCH, self.related_done // 2))

    def _fts_tail(self) -> int:
        """How many of the latest new articles the search index leaves for the end."""
        if self.terms is None:
            return 0
        return min(FTS_TAIL_FACTOR * self.related, FTS_TAIL_MAX)

    def added(self, new: int, *, idle: bool, last_id: int = 0) -> None:
        """Note ``new`` articles written (the highest id ``last_id``); index a batch if due.

        The search index is built up to :meth:`_fts_tail` articles behind the
        writer. When a related batch starts the tail kept for it shrinks, and the
        index catches up ``FTS_BATCH`` articles at a time, when the writer has no
        feed waiting, rather than in one long stall of the writer (which left the
        parse workers without bodies).
        """
        if not self.enabled:
            return
        self.fts += new
        self.related += new
        self.top = max(self.top, last_id)
        tail = self._fts_tail()
        due = self.fts - tail
        force = (2 if tail else 1) * _FORCE_FACTOR * FTS_BATCH
        if due >= FTS_BATCH and (idle or due >= force):
            chunk = min(due, FTS_BATCH) if tail else due
            # New articles' ids are consecutive: the chunk ends this far below the top.
            upto = self.top - (self.fts - chunk) if tail else None
            with contextlib.suppress(Exception):  # after_ingest tries again
                self.store.index_pending(upto)
            self.fts -= chunk
        if self.terms is None:
            return
        if self._job is not None and self._job.done():
            self._collect()
        batch = self._related_batch()
        due = self.related >= (batch if idle else _FORCE_FACTOR * batch)
        if self._job is None and due:
            self._start()

    def waiting(self) -> None:
        """The writer has nothing to write: write a finished related batch now.

        Otherwise a batch that finished while the writer waited would only be
        written after the next feed arrives, which may be seconds away (a slow
        site) or never (the last feeds).
        """
        if self._job is not None and self._job.done():
            self._collect()

    def _start(self) -> None:
        from termnews.core import related

        assert self.terms is not None
        self.related = 0
        last = self.store.top_id(self.store.conn)
        pool = self.handle.pool if self.handle is not None else None
        # Only once parsed feeds came back, so the executor exists (it starts lazily).
        if self.store.path is not None and pool is not None and pool.processes:
            try:
                self._job = pool.executor().submit(
                    related.batch_job, str(self.store.path.resolve()), self.terms.encoded(), last
                )
                return
            except Exception:  # the pool is shut down or broken: do it here instead
                self._job = None
        with contextlib.suppress(Exception):  # after_ingest tries again
            self.related_done += related.index_new_articles(self.store, (), self.terms)

    def _collect(self) -> None:
        from termnews.core import related

        assert self._job is not None and self.terms is not None
        job, self._job = self._job, None
        with contextlib.suppress(Exception):  # after_ingest tries again
            work, used = job.result()
            self.related_done += related.write_batch(self.store, work)
            self.terms.forget(used)

    def close(self, *, write: bool = True) -> None:
        """Wait for the batch in flight and write it (unless ``write`` is false)."""
        if self._job is not None:
            if write:
                self._collect()
            else:
                self._job.cancel()
                self._job = None


def refresh_remote(
    store: Store,
    feeds: Sequence[Feed],
    *,
    force: bool = False,
    on_outcome: Callable[[FeedOutcome], None],
    settings: object | None = None,
    cancel: threading.Event | None = None,
    terms: RefreshTerms | None = None,
    index: bool = True,
) -> None:
    """Refresh HTTP ``feeds`` into ``store``, calling ``on_outcome`` once per feed.

    Runs in (and writes from) the calling thread; fetching happens on an event
    loop in a helper thread. ``cancel``, when set, stops the refresh soon: feeds
    not yet done are reported as skipped ("cancelled"). Term counts the parse
    workers made for related stories are collected in ``terms`` (for
    ``refresh.after_ingest``); without ``terms`` the workers count none. ``index``
    false leaves the search index to the pass after the refresh as well (see
    :mod:`termnews.core.indexing`): the writer only stores.
    """
    config = settings if isinstance(settings, Config) else Config()
    # A refresh that only stores leaves the bodies' plain text to the index pass
    # too (store.deferred_text), unless mute rules make it build the search index.
    defer_text = not index and not needs_search_index(config)
    now = datetime.now(UTC)
    due: list[Feed] = []
    for feed in feeds:
        reason = None if force else _skip_reason(feed, now)
        if reason:
            on_outcome(FeedOutcome(feed.id, feed.title, feed.url, STATUS_SKIPPED, error=reason))
        else:
            due.append(feed)
    if not due:
        return
    states = store.fetch_states()
    hashes = {feed_id: state[0] for feed_id, state in states.items()}
    results: queue.Queue[tuple[_Fetched, Callable[[], None]] | None] = queue.Queue()
    handle = _LoopHandle()
    failure: list[BaseException] = []

    def run_loop() -> None:
        try:
            asyncio.run(
                _pipeline(
                    due,
                    hashes,
                    config.network,
                    force,
                    lambda item, done: results.put((item, done)),
                    handle,
                    terms is not None,
                    defer_text,
                )
            )
        except asyncio.CancelledError:
            pass
        except BaseException as exc:  # reported by the writer thread
            failure.append(exc)
        finally:
            results.put(None)

    thread = threading.Thread(target=run_loop, name="termnews-fetch", daemon=True)
    writer = _Writer(store, states, terms)
    pending = {feed.id: feed for feed in due}
    indexer = _Indexer(store, terms, handle, enabled=index)
    thread.start()
    try:
        while True:
            try:
                entry = results.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                if cancel is not None and cancel.is_set():
                    handle.cancel()
                indexer.waiting()
                continue
            if entry is None:
                break
            item, done = entry
            try:
                outcome = writer.write(item)
            except Exception as exc:  # a store error costs this feed only
                outcome = FeedOutcome(
                    item.feed.id, item.feed.title, item.feed.url, STATUS_FAILED, error=str(exc)
                )
            finally:
                done()
            pending.pop(item.feed.id, None)
            indexer.added(
                outcome.new, idle=results.empty(), last_id=max(outcome.new_ids, default=0)
            )
            on_outcome(outcome)
            if cancel is not None and cancel.is_set():
                handle.cancel()
    except BaseException:
        handle.cancel()
        indexer.close(write=False)
        thread.join(timeout=5)
        raise
    finally:
        writer.flush()
    thread.join()
    indexer.close()
    reason = "cancelled" if cancel is not None and cancel.is_set() else None
    if failure and reason is None:
        reason = f"refresh stopped: {type(failure[0]).__name__}: {failure[0]}"
    for feed in pending.values():
        on_outcome(
            FeedOutcome(
                feed.id, feed.title, feed.url, STATUS_SKIPPED, error=reason or "not fetched"
            )
        )
