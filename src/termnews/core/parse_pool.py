"""Parsing fetched feeds off the event loop, on every core.

Parsing is the most expensive step of a refresh (feedparser, then HTML to
Markdown for every item), and it is CPU-bound Python: threads would share one
core through the GIL. A refresh of many feeds therefore parses in a process
pool, so a 2-core machine parses two feeds at once while the main process
downloads and writes SQLite. :func:`parse_job` returns frozen dataclasses,
which pickle cheaply back to the writer.

The pool uses the ``forkserver`` start method: a refresh may run in a worker
thread of the TUI, and forking a process that has other threads running can
copy a lock held by one of them into the child (and deadlock it). The fork
server starts once per termnews process with the parser modules preloaded, so
each later pool starts in a few milliseconds. A refresh of only a few feeds
parses in a thread instead: starting processes would cost more than it saves.

:func:`parse_and_count_job` also counts each entry's terms for related stories
(:func:`termnews.core.related_text.entry_terms`) while the text is in hand, so
that work runs on every core too instead of in the single writer, and hands the
entries over as the rows the writer inserts (:mod:`termnews.core.store.rows`): their
keys, content hashes and JSON lists are made here, and the bodies travel as the UTF-8
SQLite stores, encoded once.

Parse workers run at background priority (:func:`termnews.core.priority.lower_priority`:
``SCHED_IDLE`` on Linux, and :data:`PARSE_WORKER_NICE`): a refresh is background work,
and on a 2-core machine two busy parsers would otherwise take the cores from whatever
the user is doing, the reader's key presses first. Where only niceness is available
they sit below the refresh process itself
(:data:`termnews.core.priority.BACKGROUND_NICE` when the reader runs it), whose writer
holds the SQLite write lock: starved by its own parsers it held the lock longer, and
the reader's next write (marking an article read) waited for it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.context
import os
import threading
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from termnews.core.models import ParsedFeed
from termnews.core.priority import idle_policy, is_idle, lower_niceness
from termnews.core.related_text import entry_terms
from termnews.core.sources.coding import body_hash, decode_body
from termnews.core.store.rows import FeedRows

__all__ = [
    "MIN_FEEDS_FOR_PROCESSES",
    "PARSE_WORKER_NICE",
    "FetchedJob",
    "ParsePool",
    "fetched_job",
    "parse_and_count_job",
    "parse_job",
    "parse_workers",
    "start_fork_server",
    "worker_priority",
    "worker_ready",
]

MIN_FEEDS_FOR_PROCESSES = 4
"""Below this many feeds to fetch, parsing runs in a thread (no process start-up)."""

_PRELOAD = [
    "termnews.core.parse_pool",
    "termnews.core.sources.parse",
    "termnews.core.sources.fastparse",
]
"""What the fork server imports once for every worker: the parsers, not only this module.

This module imports no parser itself: the refresh process that starts the pool
never parses an HTTP feed (its workers do), and importing feedparser and lxml
there cost ~0.1-0.2 s of CPU at the start of every refresh, before the first fetch.
"""

PARSE_WORKER_NICE = 15
"""The niceness of parse workers: below their writer's, whatever that is.

Measured (200 feeds of all-new items, a busy reader beside it): with the workers at
the writer's 10, another process waited p95 79-92 ms for the write lock; at 15,
20-24 ms, and the refresh was no slower (the writer is its serial part).
"""


def worker_priority(niceness: int, idle: bool) -> None:
    """A parse worker's start: ``niceness``, and ``SCHED_IDLE`` when its refresh runs so.

    The policy follows the refresh process (the reader's background refresh is idle;
    ``termnews refresh`` in a shell is not: someone waits for it). A worker inherits
    it from the fork server anyway; set here too, so a fork server started before
    the refresh lowered itself cannot leave a worker above it.
    """
    if idle:
        idle_policy()
    lower_niceness(niceness)


def parse_job(
    data: bytes, url: str, defer_text: bool = False
) -> tuple[ParsedFeed | None, str | None]:
    """Parse one feed body: ``(parsed, None)`` or ``(None, one-line reason)``; never raises.

    ``defer_text`` leaves the bodies' plain text to be made later
    (:mod:`termnews.core.store.deferred_text`).
    """
    from termnews.core.sources.parse import FeedParseError, deferring_text, parse_feed_bytes

    try:
        with deferring_text(defer_text):
            return parse_feed_bytes(data, url), None
    except FeedParseError as exc:
        return None, str(exc)
    except Exception as exc:  # a parser bug must cost one feed, not the refresh
        return None, f"parser failed: {type(exc).__name__}: {exc}"


def parse_and_count_job(
    data: bytes,
    url: str,
    since: datetime | None = None,
    count: bool = True,
    defer_text: bool = False,
) -> tuple[FeedRows | ParsedFeed | None, str | None, tuple[bytes, ...]]:
    """:func:`parse_job` plus each entry's encoded term counts (empty if counting failed).

    ``count`` false counts nothing: a refresh that leaves related stories to the
    index pass after it (:mod:`termnews.core.indexing`), which counts from the
    stored text.

    Only entries dated after ``since`` (or undated) are counted: see
    :func:`termnews.core.related_text.entry_terms`. The entries come back as the
    rows the writer inserts (:class:`~termnews.core.store.rows.FeedRows`), made here
    on a core of their own; a feed whose rows cannot be made comes back parsed, and
    the writer fails it as it would have done.
    """
    parsed, error = parse_job(data, url, defer_text and not count)
    if parsed is None:
        return parsed, error, ()
    try:
        terms = entry_terms(parsed.entries, since) if count else ()
    except Exception:  # only a shortcut: the writer counts from the stored text instead
        terms = ()
    try:
        return FeedRows.of(parsed), error, terms
    except Exception:  # a body SQLite cannot store as text: the writer reports it
        return parsed, error, terms


@dataclass(frozen=True, slots=True)
class FetchedJob:
    """What :func:`fetched_job` made of one fetched body."""

    digest: str | None
    """The decoded body's :func:`~termnews.core.sources.coding.body_hash` (None: not decoded)."""
    parsed: FeedRows | ParsedFeed | None = None
    error: str | None = None
    """Why the body could not be decoded (``digest`` None: a fetch failure), else parsed."""
    terms: tuple[bytes, ...] = ()


def fetched_job(
    data: bytes,
    encoding: str | None,
    max_bytes: int,
    url: str,
    since: datetime | None = None,
    count: bool = True,
    defer_text: bool = False,
) -> FetchedJob:
    """A fetched body as sent (gzip, deflate or plain) to rows: decode, hash, parse, count.

    The fetch thread leaves bodies encoded (``Fetcher.fetch(decode=False)``) and this
    job, in a parse worker, inflates them with the fetcher's own decoder and cap
    (``max_bytes`` of decoded bytes: a decompression bomb fails with the fetcher's
    line). That takes the inflating off the refresh process, which shares one
    interpreter lock between the fetch loop and the writer, and sends each body to
    the worker at its compressed size. Used for bodies sure to be parsed (a feed
    never fetched, or ``--force``): one that may be unchanged is decoded and hashed
    by the fetch thread, so that an unchanged refresh starts no workers. Never
    raises: see :func:`parse_and_count_job`. ``defer_text`` (a refresh that only stores,
    of a feed never fetched): see :func:`parse_job`.
    """
    body: bytes | None = data
    if encoding:
        body, problem = decode_body(data, encoding, max_bytes)
        if body is None:
            return FetchedJob(None, error=problem)
    assert body is not None
    parsed, error, terms = parse_and_count_job(body, url, since, count, defer_text)
    return FetchedJob(body_hash(body), parsed, error, terms)


def worker_ready() -> int:
    """A job that does nothing: submitted to start the workers early (see ``ParsePool.warm_up``)."""
    return os.getpid()


def parse_workers() -> int:
    """How many parse processes: one per core."""
    return max(1, os.cpu_count() or 1)


def _context() -> multiprocessing.context.BaseContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return context


def start_fork_server(feeds: int) -> None:
    """Start the fork server now, for a refresh of ``feeds`` HTTP feeds sure to parse some.

    The fork server spends ~0.1 s of CPU starting Python and importing the parsers
    before it can fork the first worker. Started by :meth:`ParsePool.warm_up`, that
    came after the refresh process's own imports (httpx, the fetch and refresh
    modules) and its first fetches, on one core, while the second sat idle: started
    here, as the refresh begins, the two overlap. Does nothing for a refresh that
    parses in a thread, and when the server runs already; never raises (the pool
    starts it on first use instead).
    """
    if feeds < MIN_FEEDS_FOR_PROCESSES or parse_workers() < 2:
        return
    from multiprocessing import forkserver

    with contextlib.suppress(Exception):
        _context()
        forkserver.ensure_running()


class ParsePool:
    """A lazily started executor: processes for big refreshes, a thread for small ones."""

    def __init__(self, processes: bool) -> None:
        self.processes = processes and parse_workers() > 1
        self._executor: Executor | None = None

    @property
    def workers(self) -> int:
        """How many parses can run at once."""
        return parse_workers() if self.processes else 1

    def executor(self) -> Executor:
        """The executor, started on first use (a refresh of all-304s never starts it)."""
        if self._executor is None:
            if self.processes:
                self._executor = ProcessPoolExecutor(
                    parse_workers(),
                    mp_context=_context(),
                    initializer=worker_priority,
                    initargs=(PARSE_WORKER_NICE, is_idle()),
                )
            else:
                self._executor = ThreadPoolExecutor(1, thread_name_prefix="termnews-parse")
        return self._executor

    def warm_up(self) -> Future[int] | None:
        """Start the worker processes now, before the first body arrives to be parsed.

        Starting them (the fork server, its parser imports, a worker) takes
        ~0.15-0.2 s, and the first ``submit`` waits for it: done lazily, from the
        fetch loop, the loop stood still meanwhile and the first bodies waited.
        A refresh that is sure to parse (a feed never fetched, or ``force``)
        calls this as it starts: a thread makes the first submission while the
        loop fetches. One that may get nothing but 304s still starts them
        lazily. Returns a future of the worker's pid (None without processes).
        """
        if not self.processes:
            return None
        executor = self.executor()
        started: Future[int] = Future()

        def submit() -> None:
            try:
                started.set_result(executor.submit(worker_ready).result())
            except BaseException as exc:  # shut down or broken meanwhile: first use retries
                started.set_exception(exc)

        threading.Thread(target=submit, name="termnews-parse-start", daemon=True).start()
        return started

    def fall_back_to_thread(self) -> None:
        """After a worker process died (killed, out of memory), parse in a thread instead."""
        broken = self._executor
        self.processes = False
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="termnews-parse")
        if broken is not None:
            broken.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the workers (pending parses are dropped when cancelled)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
