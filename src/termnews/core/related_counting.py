"""Counting the terms of stored articles on every core, for the index pass after a refresh.

Counting an article's terms (:func:`~termnews.core.related_text.doc_terms`) is about
half of what related stories cost (1.0 of 2.2 s for 10,000 articles, one core). A
refresh used to count them in its parse workers; a refresh that only stores leaves
them to the index pass (:mod:`termnews.core.indexing`), which counts here, in
processes, by ranges of article ids read through read-only connections, while the
pass itself builds the search index (SQLite's C, without Python's lock) or weighs
and groups the batch before. Only weighing and grouping need the cache's statistics
and stay in the writer.

A failure here costs nothing but time: :func:`termnews.core.related._work_out`
counts any article it gets no counts for from its text itself.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from termnews.core.related_text import doc_terms, encode_terms, lead_text
from termnews.core.store.deferred_text import PENDING_HASH, Filled, filled

__all__ = ["MIN_FOR_PROCESSES", "BacklogCounter", "Counted", "count_job"]

MIN_FOR_PROCESSES = 1000
"""Below this many articles to index, counting stays in the pass's own process: the
workers' start (~0.2 s: a fork server importing the parsers) would cost more."""

Counts = dict[tuple[int, str], bytes]
"""Encoded term counts by (feed id, entry key), as ``related.RefreshTerms`` holds them."""


_PARTS_PER_WORKER = 2
"""Jobs a range is cut into, per worker (see :meth:`BacklogCounter.ahead`)."""

Counted = tuple[Counts, list[Filled]]
"""A range's counts, and the text made for its articles a refresh left it to (deferred_text)."""


def count_job(path: str, after: int, last: int) -> Counted:
    """(In a worker process) the encoded counts of the articles with ids in ``(after, last]``.

    An article whose plain text a refresh left to be made (``store.deferred_text``)
    gets it made here, once: the counts need it, and the pass writes it back
    (``related.index_backlog``) before the search index reads it.
    """
    conn = sqlite3.connect(
        f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, isolation_level=None, timeout=30
    )
    try:
        counts: Counts = {}
        made: list[Filled] = []
        for (
            article_id,
            feed_id,
            guid,
            title,
            summary,
            content,
            digest,
            html,
            link,
            author,
        ) in conn.execute(
            "SELECT id, feed_id, guid, title, summary, content, content_hash, content_html,"
            " link, author FROM articles WHERE id > ? AND id <= ?",
            (after, last),
        ):
            if digest == PENDING_HASH and html is not None:
                update = filled((article_id, title, summary, html, link, author))
                made.append(update)
                summary, content = update[1], update[2].decode("utf-8")
            counts[feed_id, guid] = encode_terms(doc_terms(title, lead_text(summary, content)))
        return counts, made
    finally:
        conn.close()


class BacklogCounter:
    """Worker processes counting ranges of article ids ahead of the pass that weighs them.

    :meth:`ahead` hands a range to the workers and returns at once; :meth:`take`
    waits for that range's counts (handing it over first if it was not), or returns
    None once the workers failed (the pass then counts in its own process).
    """

    def __init__(self, path: Path, workers: int) -> None:
        from termnews.core.parse_pool import PARSE_WORKER_NICE, worker_priority
        from termnews.core.parse_pool import _context as pool_context
        from termnews.core.priority import is_idle

        self._path = str(path.resolve())
        self._workers = workers
        self._pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            workers,
            mp_context=pool_context(),
            initializer=worker_priority,
            initargs=(PARSE_WORKER_NICE, is_idle()),
        )
        self._ahead: tuple[int, int, list[tuple[int, Future[Counted]]]] | None = None
        """The range handed out, and each part's last id with its job."""

    def ahead(self, after: int, last: int) -> None:
        """Start counting ``(after, last]``, split between the workers."""
        if self._pool is None or last <= after:
            return
        # Several parts per worker: the pass stores each part's texts (and indexes
        # them for search) while the workers make the next.
        step = max(1, -(-(last - after) // (self._workers * _PARTS_PER_WORKER)))
        try:
            ends = [(lo, min(last, lo + step)) for lo in range(after, last, step)]
            jobs = [(hi, self._pool.submit(count_job, self._path, lo, hi)) for lo, hi in ends]
        except Exception:  # the pool broke: the pass counts by itself
            self.close()
            return
        self._ahead = (after, last, jobs)

    def take(
        self, after: int, last: int, on_texts: Callable[[int, list[Filled]], object]
    ) -> Counts | None:
        """The counts of ``(after, last]`` (None: count them yourself).

        ``on_texts(upto, texts)`` gets the plain text the workers made (for articles a
        refresh left it to), part by part in id order as the parts come in: every
        article up to ``upto`` has its text once it has returned.
        """
        if self._ahead is None or self._ahead[:2] != (after, last):
            self.ahead(after, last)
        if self._ahead is None:
            return None
        jobs, self._ahead = self._ahead[2], None
        counts: Counts = {}
        try:
            for upto, job in jobs:
                some, texts = job.result()
                counts.update(some)
                on_texts(upto, texts)
        except Exception:  # a worker died (killed, out of memory): count in the pass
            self.close()
            return None
        return counts

    def close(self) -> None:
        """Stop the workers (a range still being counted is dropped)."""
        pool, self._pool, self._ahead = self._pool, None, None
        if pool is not None:
            with contextlib.suppress(Exception):
                pool.shutdown(wait=True, cancel_futures=True)
