"""Related stories, same-story grouping and trending, over the user's own cache.

No model, no network: every article gets a small term *signature* when it
arrives (see :mod:`termnews.core.related_text`), and relatedness is the cosine
of two signatures.

* **Related stories** (:func:`related_articles`): the article's rarest heavy
  terms form one full-text query (FTS5, bm25) that proposes candidates; the
  candidates are re-scored by signature cosine. Keeping only terms found in
  few articles is what makes the query fast at 100,000 articles (shared
  PERF-NOTES); re-scoring is what makes it good. Other versions of the same
  story come first, then the rest by score; recency only breaks ties. The
  article itself and exact duplicates of it (same link, or the same normalised
  title and text) are never listed.
* **Same-story grouping** (:func:`index_new_articles`, run once per refresh
  from ``refresh.after_ingest``): each new article is compared with articles
  published within ``GROUP_WINDOW_HOURS`` of it; if the best match scores at
  least ``GROUP_THRESHOLD`` it joins that match's story, otherwise it stands
  alone (no row in ``article_stories``, the narrow table stories live in since
  schema 8). Only the new articles and that recent window are read, so a
  refresh costs the same with 1,000 or 100,000 cached articles, and start-up
  does no work at all.
* **Trending** (:func:`trending`): stories told by the most distinct feeds in
  the last hours.
"""

from __future__ import annotations

import math
import sqlite3
import threading
import time
from collections import Counter, OrderedDict, defaultdict, deque
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from itertools import chain, islice
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from termnews.core.errors import NotFoundError
from termnews.core.models import Headline
from termnews.core.related_text import (
    DocTerms,
    batch_document_frequencies,
    cosine,
    cosine_packed,
    cosine_stored,
    decode_terms,
    doc_terms,
    idf_table,
    lead_text,
    signature,
    stored_weights,
    surface_forms,
    unpack,
    weigh,
)
from termnews.core.store import Store
from termnews.core.store.deferred_text import PENDING_HASH, Filled, text_and_summary

if TYPE_CHECKING:
    from termnews.core.related_counting import BacklogCounter

GROUP_THRESHOLD = 0.25
"""Signature cosine from which two articles are taken to tell the same story."""
GROUP_WINDOW_HOURS = 72.0
"""A story spans at most this long from its first article (one event, not a topic)."""
GROUP_KEYS = 12
"""Heaviest rare terms of a new article used to find grouping candidates."""
GROUP_KEY_FRACTION = 0.01
GROUP_KEY_MIN_DF = 50
"""A key term is in at most max(GROUP_KEY_MIN_DF, GROUP_KEY_FRACTION * articles) articles:
one event is told with rare words (names, places); common ones only find its topic."""
GROUP_CANDIDATES = 20
"""At most this many candidates (most shared key terms first) are scored per new article."""
QUERY_TERMS = 12
"""Terms in the full-text query that proposes related candidates."""
RARE_FRACTION = 0.02
RARE_MIN_DF = 200
"""A query term must be in at most max(RARE_MIN_DF, RARE_FRACTION * articles) articles."""
QUERY_POSTINGS = 2000
"""At most this many postings in that query: the articles the full-text index holds each
word in, summed. bm25 costs ~2.5 us per posting; 4,000 (counted in ``related_df``, which
the stemmed index can exceed) let 5% of queries take 9-22 ms of CPU. 2,000 in the index
gives the same precision on every labelled set and the synthetic 100,000 (RELATED.md)."""
CANDIDATES = 60
"""Candidates the full-text query proposes for re-scoring."""
MIN_SCORE = 0.03
"""A related story must score above this (a story of the same event is listed whatever it scores).

Why: any shared word gave a score, so a small cache showed noise as "You may also like":
a central bank's rates beside an earthquake in central Chile (0.028), a headset review
beside Sudan sanctions (0.008), where an earthquake beside another scores 0.074. On the
labelled sets (related_quality.py) 0.03 changes nothing but BBC precision@5, 0.868 ->
0.867; 0.06 takes that to 0.837."""
STORY_CANDIDATES = 50
"""Newest members of the article's story added to the candidates."""
BACKFILL_LIMIT = 20_000
"""A cache older than this feature has its newest articles indexed once, on the next refresh."""

BACKLOG_BATCH = 10_000
"""Articles per batch of :func:`index_backlog` (as a refresh's largest related batch)."""

_META_UPTO = "related_indexed_upto"
_META_SEEN = "related_docs_seen"
_CHUNK = 500
_POSTINGS_SCANNED = 64
"""Per key term, how many of the latest postings are counted when grouping."""
_FTS_STEP_BUDGET = 150
"""Thousands of SQLite steps a related-stories full-text query may take: at 100,000
articles a usual one takes about 20 (95% under 50), one with a word the index holds
in most articles about 1,300."""
_SAME_BEYOND_DOUBT = 0.9
"""A candidate this close is a near-duplicate: stop scoring the others."""
_MEMBERS = "article_stories s CROSS JOIN articles a ON a.id = s.article_id"
"""A story's members with their article rows, found through the story index first.

CROSS JOIN keeps that order: the planner, which has no statistics, could otherwise walk
the articles in time order (to skip a sort) and look each one's story up."""
_MEMBER_TIMES = (
    "article_stories s CROSS JOIN articles a INDEXED BY idx_articles_search ON a.id = s.article_id"
)
"""A story's members with their ``sort_ts``, read from the covering search index (schema 6,
keyed by id) rather than the article rows: ~100 entries a page against one ~5 KB row a page,
so the time spans of a grouping batch's stories cost 5 ms instead of 24 for 10,000 members."""


@dataclass(frozen=True, slots=True)
class RelatedItem:
    """One related article, as the related panel and ``termnews related`` show it."""

    article_id: int
    title: str
    section: str
    feed_title: str
    feed_id: int
    published: datetime | None
    score: float
    """Signature cosine with the article asked about, 0..1."""
    same_story: bool
    """True when both articles are grouped as one story."""


@dataclass(frozen=True, slots=True)
class TrendingStory:
    """A story told by several sources recently, shown through one of its articles."""

    story_id: int
    article_id: int
    """The representative: the story's most recent article in the window."""
    title: str
    section: str
    feed_title: str
    sources: int
    """Distinct feeds that told the story in the window."""
    articles: int
    latest: datetime


def _dt(ts: float | None) -> datetime | None:
    return datetime.fromtimestamp(ts, UTC) if ts is not None else None


def _chunks(ids: Sequence[int], size: int = _CHUNK) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _marks(n: int) -> str:
    return ",".join("?" * n)


def _norm_link(link: str | None) -> str | None:
    """A link without scheme, ``www.``, query, fragment or trailing slash (for duplicates).

    Plain string operations: this runs for every candidate of every query.
    """
    if not link:
        return None
    rest = link.strip().split("://", 1)[-1].split("#", 1)[0].split("?", 1)[0]
    host, _, path = rest.partition("/")
    host = host.lower().removeprefix("www.")
    return f"{host}/{path.rstrip('/')}" if host else None


# ------------------------------------------------------------------ indexing


def _df_totals(conn: sqlite3.Connection, batch: Mapping[int, int]) -> dict[int, int]:
    """Document frequencies of a batch's terms once the batch is added (reads only).

    The batch goes into a TEMP table, which needs no write lock on the cache:
    this runs beside the full-text indexing of the same refresh.
    """
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS related_batch (term INTEGER PRIMARY KEY, n INT)")
    conn.execute("DELETE FROM temp.related_batch")
    conn.executemany("INSERT INTO temp.related_batch(term, n) VALUES (?, ?)", batch.items())
    totals = dict(batch)
    for term, df in _tuples(
        conn, "SELECT b.term, d.df FROM temp.related_batch b JOIN related_df d USING (term)"
    ):
        totals[term] += df
    conn.execute("DELETE FROM temp.related_batch")
    return totals


def _tuples(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
    """Rows as plain tuples (cheaper than the store's ``sqlite3.Row`` for long scans)."""
    cursor = conn.cursor()
    cursor.row_factory = None
    return cursor.execute(sql, params)


def _df_lookup(conn: sqlite3.Connection, terms: Sequence[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    for chunk in _chunks(terms):
        found.update(
            conn.execute(
                f"SELECT term, df FROM related_df WHERE term IN ({_marks(len(chunk))})", chunk
            ).fetchall()
        )
    return found


def _pending_ids(
    conn: sqlite3.Connection, new_ids: Iterable[int], last: int | None = None
) -> list[int]:
    """New ids plus anything past the watermark (a refresh that died before indexing).

    ``last``, if given, is the highest id to take (a batch started while the
    writer goes on adding articles takes those written before it started).
    """
    upto = _meta_int(conn, _META_UPTO)
    ids = set(new_ids)
    ids.update(
        r[0]
        for r in _tuples(
            conn,
            "SELECT id FROM articles WHERE id > ? AND id <= ? ORDER BY id DESC LIMIT ?",
            (upto, (1 << 63) - 1 if last is None else last, BACKFILL_LIMIT),
        )
    )
    if not ids:
        return []
    pending = sorted(ids)[-BACKFILL_LIMIT:]
    done: set[int] = set()
    for chunk in _chunks(pending):
        done.update(
            r[0]
            for r in _tuples(
                conn,
                f"SELECT article_id FROM related_docs WHERE article_id IN ({_marks(len(chunk))})",
                chunk,
            )
        )
    return [i for i in pending if i not in done]


def _meta_int(conn: sqlite3.Connection, key: str) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return int(row[0] or 0) if row is not None else 0


class RefreshTerms:
    """Term counts made in the parse worker processes, waiting for their article ids.

    A refresh parses feeds on every core (:mod:`termnews.core.parse_pool`);
    counting an article's terms is most of the cost of indexing it, so the
    workers count them beside the parser, for the entries likely to be new
    (see ``related_text.entry_terms``). The writer adds them here by (feed id,
    entry key), and :func:`index_new_articles` takes the ones of articles that
    turned out new; any other new article is counted from its stored text.

    At most ``BACKFILL_LIMIT`` counts are kept, the latest added (about 1 KB
    each): one refresh indexes no more articles than that, the latest written,
    so a refresh of a thousand new feeds does not hold every count in memory.
    """

    def __init__(self) -> None:
        self._encoded: OrderedDict[tuple[int, str], bytes] = OrderedDict()

    def __len__(self) -> int:
        return len(self._encoded)

    def add(self, feed_id: int, keys: Sequence[str], encoded: Sequence[bytes]) -> None:
        """Keep one feed's counts: ``encoded[i]`` for the entry keyed ``keys[i]``, if not empty."""
        if len(keys) != len(encoded):
            return
        kept = self._encoded
        for key, blob in zip(keys, encoded, strict=True):
            if blob:
                kept.setdefault((feed_id, key), blob)
        while len(kept) > BACKFILL_LIMIT:
            kept.popitem(last=False)

    def take(self, feed_id: int, key: str) -> DocTerms | None:
        """The counts of one article (by its feed and stored key), if the workers made them."""
        blob = self._encoded.pop((feed_id, key), None)
        return None if blob is None else decode_terms(blob)

    def encoded(self) -> dict[tuple[int, str], bytes]:
        """A copy of the counts kept, to hand to a batch in another process."""
        return dict(self._encoded)

    def forget(self, keys: Iterable[tuple[int, str]]) -> None:
        """Drop the counts a batch in another process has used."""
        for key in keys:
            self._encoded.pop(key, None)

    @classmethod
    def of(cls, encoded: Mapping[tuple[int, str], bytes]) -> RefreshTerms:
        """Counts handed over by :meth:`encoded`."""
        terms = cls()
        terms._encoded.update(encoded)
        return terms


@dataclass(slots=True)
class _Doc:
    """An article taking part in grouping (new, or cached in the time window)."""

    id: int
    ts: float
    story_id: int | None
    keys: tuple[int, ...]
    """A new article's rare heavy terms, which find its grouping candidates (for a
    window article: the new articles' key terms it has)."""
    blob: bytes
    """The packed signature, unpacked only when the article is compared."""
    terms: tuple[int, ...] = ()
    """A new article's signature term ids (what :func:`weigh` gave; the blob holds them
    too), for the postings it joins once grouped; empty for a window article."""


def _select(conn: sqlite3.Connection, columns: str, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for chunk in _chunks(ids):
        rows.extend(
            conn.execute(
                f"SELECT {columns} FROM articles WHERE id IN ({_marks(len(chunk))})", chunk
            ).fetchall()
        )
    return rows


@dataclass(frozen=True, slots=True)
class _Indexing:
    """What indexing a batch of new articles writes, worked out before any write."""

    ids: list[int]
    batch_df: Mapping[int, int]
    docs: list[tuple[int, bytes, int]]
    """(article id, packed signature, dup key) rows of ``related_docs``."""
    stories: list[tuple[int, int]]
    """(story id, article id) memberships to write."""


def index_new_articles(
    store: Store, new_ids: Sequence[int], terms: RefreshTerms | None = None
) -> int:
    """Give new articles their signatures and join them to stories; returns how many.

    Called once per refresh (``refresh.after_ingest``, through
    :func:`start_indexing`) with the ids that refresh added, and the term
    counts its parse workers made (``terms``). Articles past the
    ``related_indexed_upto`` watermark are picked up as well, so an
    interrupted refresh heals on the next one.
    """
    return _write(store, _work_out(store.conn, new_ids, terms))


def index_backlog(
    store: Store,
    batch: int = BACKLOG_BATCH,
    cancel: threading.Event | None = None,
    counter: BacklogCounter | None = None,
    texts_stored: Callable[[int, Sequence[Filled]], None] | None = None,
) -> int:
    """Give every article past the ``related_indexed_upto`` watermark its related data.

    The pass :mod:`termnews.core.indexing` runs after a refresh that only stored
    its articles: oldest first, ``batch`` ids at a time, one transaction each, so
    an interrupted pass (``cancel`` set, the process killed) keeps what it wrote
    and the next pass goes on from the mark. Each batch also scans the articles
    already in its time window, so batches are large (see ``RELATED_MAX_BATCH`` in
    ``http_refresh``). With a ``counter`` the terms are counted in its worker
    processes, the next batch's while this one is weighed and grouped
    (:mod:`termnews.core.related_counting`), and the plain text a refresh left to be
    made is made there with them and written back first (``store.deferred_text``).
    ``texts_stored(upto, texts)``, when given, stores the texts the workers made
    instead, part by part as they come in and before the batch is weighed: every
    article up to ``upto`` has its text then (the pass builds the search index up to
    there in the same transaction). Returns how many articles were indexed.
    """
    store_texts: Callable[[int, Sequence[Filled]], object] = texts_stored or (
        lambda _upto, texts: store.write_texts(texts)
    )
    done = 0
    while cancel is None or not cancel.is_set():
        conn = store.conn
        upto = _meta_int(conn, _META_UPTO)
        top = store.top_id(conn)
        if top <= upto:
            break
        last = min(top, upto + batch)
        terms = None
        if counter is not None:
            counts = counter.take(upto, last, store_texts)
            counter.ahead(last, min(top, last + batch))
            terms = None if counts is None else RefreshTerms.of(counts)
        # Any text still to be made (no workers, or they failed): made here.
        store.fill_texts(upto, last)
        store_texts(last, ())
        work = _work_out(conn, (), terms, last)
        if work is None:
            # Every id in the range is indexed already (or gone): move the mark past it.
            with store.transaction():
                store.set_meta(_META_UPTO, str(last))
            continue
        # The mark goes to ``last`` even if the range's newest ids were deleted meanwhile.
        done += _write(store, work, upto=last)
    return done


def _work_out(
    conn: sqlite3.Connection,
    new_ids: Sequence[int],
    terms: RefreshTerms | None,
    last: int | None = None,
) -> _Indexing | None:
    """Read, count, weigh and group a batch without writing to the cache.

    Everything is batched: one read of the new rows (the text only of
    articles the workers did not count), one query for document frequencies,
    and one in-memory pass that weighs and groups.
    """
    ids = _pending_ids(conn, new_ids, last)
    if not ids:
        return None
    rows = _select(conn, "id, feed_id, guid, sort_ts", ids)
    rows.sort(key=itemgetter(3, 0))
    counted = [None if terms is None else terms.take(r[1], r[2]) for r in rows]
    missing = [r[0] for r, t in zip(rows, counted, strict=True) if t is None]
    if missing:
        texts = {r[0]: r[1:] for r in _select(conn, "id, title, summary, content", missing)}
        counted = [
            t if t is not None else doc_terms(texts[r[0]][0], lead_text(*texts[r[0]][1:]))
            for r, t in zip(rows, counted, strict=True)
        ]
    docs_terms = [t for t in counted if t is not None]
    del counted
    batch_df = batch_document_frequencies(docs_terms)
    seen = _meta_int(conn, _META_SEEN) + len(rows)
    df = _df_totals(conn, batch_df)
    idf = idf_table(df, seen)
    unseen = math.log(seen + 1)
    key_df = max(GROUP_KEY_MIN_DF, GROUP_KEY_FRACTION * seen)
    rare = {h for h, n in df.items() if n <= key_df}.__contains__
    new_docs = []
    written = []
    for r, t in zip(rows, docs_terms, strict=True):
        top, blob = weigh(t, idf, unseen)
        new_docs.append(
            _Doc(r[0], r[3], None, tuple(islice(filter(rare, top), GROUP_KEYS)), blob, top)
        )
        written.append((r[0], blob, t.dup_key))
    del docs_terms
    return _Indexing(ids, batch_df, written, _group(conn, new_docs))


def batch_job(
    path: str, encoded: Mapping[tuple[int, str], bytes], last: int
) -> tuple[_Indexing | None, list[tuple[int, str]]]:
    """(In a helper process) work out a refresh's batch of articles up to id ``last``.

    Reads through its own read-only connection and writes nothing: the writer
    writes the result (:func:`write_batch`). Returns the work and the keys of
    the counts it used, for the writer to drop. In another process, the batch's
    Python (most of its cost) holds neither the writer's nor the fetch loop's
    interpreter lock, and its memory goes when the process does.
    """
    terms = RefreshTerms.of(encoded)
    conn = sqlite3.connect(
        f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, isolation_level=None, timeout=30
    )
    try:
        work = _work_out(conn, (), terms, last)
    finally:
        conn.close()
    return work, [key for key in encoded if key not in terms._encoded]


def write_batch(store: Store, work: _Indexing | None) -> int:
    """Write what :func:`batch_job` worked out, in one transaction; returns how many articles."""
    return _write(store, work)


def _write(store: Store, work: _Indexing | None, upto: int = 0) -> int:
    """Write a batch's related data in one transaction; returns how many articles.

    The watermark moves to the batch's highest id, or to ``upto`` if that is higher
    (a backlog batch covers its whole id range, deleted ids included).

    Rows go in key order: each b-tree is then walked once, left to right, instead
    of jumping between pages for every term (tens of thousands per batch).

    A story membership is written only while its article exists (the batch may
    have been worked out in another thread or process while the article was
    deleted): like the UPDATE of ``articles`` it replaces, it must not leave a
    row behind for an id SQLite can hand to a later article. Whether it exists
    is asked of the covering search index, not the table: an article row is
    ~5 KB, so each check read a page of its own (3.8 against 2.0 us per
    membership with the page cache a refresh's unmapped connection has).
    """
    if work is None:
        return 0
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO related_df(term, df) VALUES (?, ?) "
            "ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
            sorted(work.batch_df.items()),
        )
        conn.executemany(
            "INSERT OR REPLACE INTO related_docs(article_id, sig, dup_key) VALUES (?, ?, ?)",
            sorted(work.docs, key=itemgetter(0)),
        )
        conn.executemany(
            "INSERT INTO article_stories(article_id, story_id) SELECT ?2, ?1"
            " WHERE EXISTS (SELECT 1 FROM articles INDEXED BY idx_articles_search WHERE id = ?2)"
            " ON CONFLICT(article_id) DO UPDATE SET story_id = excluded.story_id",
            sorted(work.stories, key=itemgetter(1)),
        )
        store.set_meta(_META_SEEN, str(_meta_int(conn, _META_SEEN) + len(work.docs)))
        store.set_meta(_META_UPTO, str(max(_meta_int(conn, _META_UPTO), max(work.ids), upto)))
    return len(work.docs)


class Indexing:
    """Related-stories indexing of a refresh's new articles, started in a thread.

    The reading, counting, weighing and grouping (most of the cost, in Python)
    run in a thread with its own connection while the refresh's writer builds
    the full-text index, which SQLite does without holding Python's lock;
    :meth:`finish` then writes the result in one transaction. A cache without
    a file (in memory), or a failure in the thread, falls back to doing all of
    it in :meth:`finish`.
    """

    def __init__(self, store: Store, new_ids: Sequence[int], terms: RefreshTerms | None) -> None:
        self._new_ids = new_ids
        self._terms = terms
        self._work: _Indexing | None = None
        self._failed = False
        self._thread: threading.Thread | None = None
        if new_ids and store.path is not None:
            self._thread = threading.Thread(
                target=self._run, args=(store.path,), name="termnews-related", daemon=True
            )
            self._thread.start()

    def _run(self, path: Path) -> None:
        try:
            # Read-only, and not through Store.open: this connection must never
            # migrate the cache or move a damaged one aside under the writer.
            conn = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None, timeout=30
            )
            try:
                self._work = _work_out(conn, self._new_ids, self._terms)
            finally:
                conn.close()
        except Exception:  # the writer does the whole job instead
            self._failed = True

    def finish(self, store: Store) -> int:
        """Wait for the thread and write; returns how many articles were indexed."""
        if self._thread is None:
            return index_new_articles(store, self._new_ids, self._terms)
        self._thread.join()
        if self._failed:
            return index_new_articles(store, self._new_ids, self._terms)
        return _write(store, self._work)


def start_indexing(
    store: Store, new_ids: Sequence[int], terms: RefreshTerms | None = None
) -> Indexing:
    """Start :func:`index_new_articles` for a refresh; call ``finish(store)`` to complete it."""
    return Indexing(store, new_ids, terms)


def _window(
    conn: sqlite3.Connection, new_docs: list[_Doc], keys: set[int]
) -> tuple[list[_Doc], dict[int, tuple[float, float]]]:
    """Cached articles near the new ones in time that share a key term with any of them.

    The scan reads the time index (no article row) and the packed signatures,
    and keeps only rows sharing a key, checked in C on the packed term ids.
    Returns those articles, oldest first, and the time span (first, last
    article) of their stories.
    """
    window = GROUP_WINDOW_HOURS * 3600.0
    new_ids = {d.id for d in new_docs}
    found: list[_Doc] = []
    for aid, ts, blob in conn.execute(
        "SELECT a.id, a.sort_ts, d.sig FROM articles a JOIN related_docs d"
        " ON d.article_id = a.id WHERE a.sort_ts BETWEEN ? AND ? ORDER BY a.sort_ts",
        (new_docs[0].ts - window, new_docs[-1].ts + window),
    ):
        # (one pass over the packed ids: most window articles share a key)
        shared = keys.intersection(memoryview(blob)[: 4 * (len(blob) // 6)].cast("I"))
        if not shared or aid in new_ids:
            continue
        found.append(_Doc(aid, ts, None, tuple(shared), blob))
    stories: dict[int, int] = {}
    for chunk in _chunks([d.id for d in found]):
        stories.update(
            conn.execute(
                "SELECT article_id, story_id FROM article_stories"
                f" WHERE article_id IN ({_marks(len(chunk))})",
                chunk,
            ).fetchall()
        )
    for d in found:
        d.story_id = stories.get(d.id)
    story_ids = sorted({d.story_id for d in found if d.story_id is not None})
    spans: dict[int, tuple[float, float]] = {}
    for chunk in _chunks(story_ids):
        for story, first, last in conn.execute(
            f"SELECT s.story_id, min(a.sort_ts), max(a.sort_ts) FROM {_MEMBER_TIMES}"
            f" WHERE s.story_id IN ({_marks(len(chunk))}) GROUP BY s.story_id",
            chunk,
        ):
            spans[story] = (first, last)
    return found, spans


def _group(conn: sqlite3.Connection, new_docs: list[_Doc]) -> list[tuple[int, int]]:
    """Assign stories to ``new_docs`` (sorted by time); returns (story_id, article id) updates.

    Candidates come from a small in-memory inverted index over the new
    articles' key terms, filled from the articles in the time window: only
    articles sharing a heavy rare term with a new one are ever scored.
    """
    if not new_docs:
        return []
    keys: set[int] = set()
    for d in new_docs:
        keys.update(d.keys)
    docs, spans = _window(conn, new_docs, keys)
    window = GROUP_WINDOW_HOURS * 3600.0
    # Only the latest postings of a term: a term shared by thousands of
    # articles (a feed of 20,000 look-alike items) would make this quadratic,
    # and the nearest in time are the best candidates.
    postings: defaultdict[int, deque[int]] = defaultdict(lambda: deque(maxlen=_POSTINGS_SCANNED))
    for index, d in enumerate(docs):
        for h in d.keys:
            postings[h].append(index)
    changes: dict[int, int] = {}
    for doc in new_docs:
        hits = Counter(chain.from_iterable(map(postings.__getitem__, doc.keys)))
        best: _Doc | None = None
        best_score = GROUP_THRESHOLD
        # The new article's stored weights by term, made once a candidate is scored.
        sig: dict[int, int] | None = None
        ts = doc.ts
        # (sorted in C, as Counter.most_common would order them, without its heap in Python)
        for index in sorted(hits, key=hits.__getitem__, reverse=True)[:GROUP_CANDIDATES]:
            other = docs[index]
            # A story spans at most GROUP_WINDOW_HOURS from its first article to
            # its last: without this bound, look-alike articles chain one story
            # along for weeks, and a story's size grows without end. The span is
            # the story's own (earliest to latest member), not measured from the
            # article that started it: a refresh indexes its articles in batches
            # in the order feeds arrive, so a story's first-indexed article need
            # not be its earliest, and a bound around that one would let a story
            # stretch twice as long.
            if abs(other.ts - ts) > window:
                continue
            if other.story_id is not None:
                first, last = spans.get(other.story_id, (other.ts, other.ts))
                if max(last, ts) - min(first, ts) > window:
                    continue
            if sig is None:
                sig = stored_weights(doc.terms, doc.blob)
            score = cosine_stored(sig, other.blob)
            if score >= best_score:
                best, best_score = other, score
                if score >= _SAME_BEYOND_DOUBT:
                    break
        if best is not None:
            if best.story_id is None:
                best.story_id = best.id
                changes[best.id] = best.id
                spans[best.id] = (best.ts, best.ts)
            doc.story_id = best.story_id
            changes[doc.id] = best.story_id
            first, last = spans.get(best.story_id, (best.ts, best.ts))
            spans[best.story_id] = (min(first, doc.ts), max(last, doc.ts))
        index = len(docs)
        docs.append(doc)
        for h in keys.intersection(doc.terms):
            postings[h].append(index)
    return [(story, aid) for aid, story in changes.items()]


# ------------------------------------------------------------------ querying


@dataclass(frozen=True, slots=True)
class _Query:
    id: int
    feed_id: int
    link: str | None
    story_id: int | None
    sig: dict[int, float]
    dup_key: int | None
    forms: dict[int, str]


def _load_query(store: Store, article_id: int) -> _Query:
    row = store.conn.execute(
        "SELECT a.id, a.feed_id, a.link, s.story_id, a.title, a.summary, a.content, d.sig,"
        " d.dup_key, a.content_hash, a.content_html FROM articles a"
        " LEFT JOIN related_docs d ON d.article_id = a.id"
        " LEFT JOIN article_stories s ON s.article_id = a.id WHERE a.id = ?",
        (article_id,),
    ).fetchone()
    if row is None:
        raise NotFoundError(f"no article with id {article_id}")
    summary, content = row[5], row[6]
    if row[9] == PENDING_HASH and row[10] is not None:
        # Its text is still to be made (store.deferred_text): made now, as it will be.
        content, summary = text_and_summary(row[10], summary)
    body = lead_text(summary, content)
    if row[7] is not None:
        sig, dup = unpack(row[7]), row[8]
    else:
        # Not indexed yet (older than the backfill): weigh it now, read-only.
        terms = doc_terms(row[4], body)
        seen = max(1, int(store.get_meta(_META_SEEN, "0") or 0))
        idf = idf_table(_df_lookup(store.conn, list(terms.weights)), seen)
        sig = signature(terms, idf, math.log(seen + 1))
        dup = terms.dup_key
    return _Query(row[0], row[1], row[2], row[3], sig, dup, surface_forms(row[4], body))


def _fts_candidates(store: Store, q: _Query) -> list[int]:
    """Articles sharing the query's rare heavy terms, best bm25 first."""
    ranked = [h for h in q.sig if h in q.forms][: QUERY_TERMS * 2]
    if not ranked:
        return []
    seen = max(1, int(store.get_meta(_META_SEEN, "0") or 0))
    cap = max(RARE_MIN_DF, RARE_FRACTION * seen)
    df = _df_lookup(store.conn, ranked)
    # Heaviest first, while the articles to score stay within the budget: bm25
    # scores every article that has any query term, so the budget bounds the time.
    # The budget is counted in the full-text index itself: it stems with Porter, so
    # a word rare here can match many more articles there ("negotiation", under the
    # cap here, also finds "negotiate": 4,488 articles). Counting a word's postings there
    # (at most the budget left + 1) costs a quarter or less of what bm25 spends on each.
    rare: list[int] = []
    budget = QUERY_POSTINGS
    for h in ranked:
        n = df.get(h, 0)
        if n <= cap and n <= budget:
            most = min(int(cap), budget)
            indexed = _indexed_count(store.conn, q.forms[h], most)
            if indexed > most:
                continue
            rare.append(h)
            budget -= indexed
            if len(rare) == QUERY_TERMS:
                break
    if len(rare) < 3:
        rare = sorted(ranked, key=lambda h: df.get(h, 0))[:3]
    words = [q.forms[h] for h in rare]
    try:
        return _ranked_match(store.conn, words)
    except _TooCostly:
        # The index stems with Porter, so a word rare here can be common there
        # ("accord" also matches "according"): keep the words it holds for at most
        # ``cap`` articles, and try once more.
        words = [w for w in words if not _indexed_more_than(store.conn, w, int(cap))]
        try:
            return _ranked_match(store.conn, words) if words else []
        except _TooCostly:
            return []


class _TooCostly(Exception):
    """A full-text query went over its step budget."""


def _ranked_match(conn: sqlite3.Connection, words: Sequence[str]) -> list[int]:
    """Articles with any of ``words``, best bm25 first; raises _TooCostly past the budget.

    bm25 scores every article that has any of the words, so the query's cost is
    bounded by SQLite's own step count (deterministic, unlike a clock).
    """
    steps = 0

    def progress() -> int:
        nonlocal steps
        steps += 1
        return int(steps > _FTS_STEP_BUDGET)

    conn.set_progress_handler(progress, 1000)
    try:
        return [
            r[0]
            for r in conn.execute(
                "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?",
                (" OR ".join(f'"{w}"' for w in words), CANDIDATES),
            )
        ]
    except sqlite3.OperationalError:
        if steps > _FTS_STEP_BUDGET:
            raise _TooCostly from None
        return []
    finally:
        conn.set_progress_handler(None, 0)


def _indexed_count(conn: sqlite3.Connection, word: str, most: int) -> int:
    """Articles the full-text index holds ``word`` in, counted up to ``most`` + 1."""
    row = conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? LIMIT ?)",
        (f'"{word}"', most + 1),
    ).fetchone()
    return int(row[0])


def _indexed_more_than(conn: sqlite3.Connection, word: str, n: int) -> bool:
    """Whether the full-text index has ``word`` in more than ``n`` articles (reads n + 1)."""
    row = conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? LIMIT ?)",
        (f'"{word}"', n + 1),
    ).fetchone()
    return bool(row[0] > n)


def _related(
    store: Store, q: _Query, ids: Iterable[int], members: Collection[int], limit: int | None
) -> list[RelatedItem]:
    """Rank candidates: same story first, then by score; recency breaks ties.

    The article itself and duplicates (its link, or a dup key already listed:
    the best-scored copy stays) are dropped. Candidates are scored from their
    signatures alone (a small table); article rows, which are large, are read
    only for the few that make the list, in rank order.
    """
    wanted = sorted(set(ids) - {q.id})
    found: list[tuple[float, int, int]] = []
    for chunk in _chunks(wanted):
        for aid, blob, dup in store.conn.execute(
            "SELECT article_id, sig, dup_key FROM related_docs"
            f" WHERE article_id IN ({_marks(len(chunk))})",
            chunk,
        ):
            found.append((cosine_packed(q.sig, blob), aid, dup))
    found.sort(key=lambda t: -t[0])
    link = _norm_link(q.link)
    copies = Counter(dup for _, _, dup in found)
    links: dict[int, str | None] = {}
    if link is not None:
        shared = [aid for _, aid, dup in found if copies[dup] > 1 and dup != q.dup_key]
        links = dict(_select(store.conn, "id, link", shared))
    listed = {q.dup_key}
    ranked: list[tuple[bool, float, float, int]] = []
    for score, aid, dup in found:
        if dup in listed:
            continue
        if copies[dup] > 1:
            if link is not None and _norm_link(links.get(aid)) == link:
                continue
            listed.add(dup)
        same = aid in members
        if score > MIN_SCORE or same:
            ranked.append((not same, -round(score, 3), score, aid))
    ranked.sort()
    # Read article rows in rank order until the list is full; rows tied with the
    # last one read are read too, since recency orders them. An article a mute rule
    # hides is left out here, as from every list.
    pairs: list[tuple[RelatedItem, float]] = []
    start = 0
    while start < len(ranked) and (limit is None or len(pairs) < limit):
        stop = len(ranked) if limit is None else start + limit - len(pairs) + 2
        while stop < len(ranked) and ranked[stop][:2] == ranked[stop - 1][:2]:
            stop += 1
        batch = ranked[start:stop]
        start = stop
        rows = {
            r[0]: r[1:]
            for r in store.conn.execute(
                "SELECT a.id, a.title, a.section, a.feed_id, f.title, a.published, a.updated,"
                " a.sort_ts, a.link FROM articles a JOIN feeds f ON f.id = a.feed_id"
                f" WHERE a.id IN ({_marks(len(batch))}) AND a.muted = 0",
                [r[3] for r in batch],
            )
        }
        for other_story, _, score, aid in batch:
            if aid not in rows:
                continue
            title, section, feed_id, feed_title, pub, upd, ts, clink = rows[aid]
            if link is not None and _norm_link(clink) == link:
                continue
            item = RelatedItem(
                aid, title, section, feed_title, feed_id, _dt(pub or upd), score, not other_story
            )
            pairs.append((item, ts))
    pairs.sort(key=lambda p: (not p[0].same_story, -round(p[0].score, 3), -p[1], -p[0].article_id))
    return [item for item, _ in pairs][:limit]


def related_articles(store: Store, article_id: int, limit: int = 6) -> list[RelatedItem]:
    """Other cached articles most related to ``article_id``, most related first."""
    q = _load_query(store, article_id)
    ids = set(_fts_candidates(store, q))
    same: set[int] = set()
    if q.story_id is not None:
        ids.update(_story_members(store, q.story_id, STORY_CANDIDATES))
        # Every member, to know which candidates share the story: read from the
        # story index alone (a covering index), not from the large article rows.
        same = {
            r[0]
            for r in store.conn.execute(
                "SELECT article_id FROM article_stories WHERE story_id = ?", (q.story_id,)
            )
        }
    return _related(store, q, ids, same, limit)


def _story_members(store: Store, story_id: int, limit: int, but_feed: int = -1) -> list[int]:
    """The newest members of a story (a story can grow large; the query must not)."""
    return [
        r[0]
        for r in store.conn.execute(
            f"SELECT s.article_id FROM {_MEMBERS} WHERE s.story_id = ? AND a.feed_id != ? "
            "ORDER BY a.sort_ts DESC LIMIT ?",
            (story_id, but_feed, limit),
        )
    ]


def story_group(store: Store, article_id: int) -> list[RelatedItem]:
    """The other sources' versions of this article's story: one per other feed, best first."""
    q = _load_query(store, article_id)
    if q.story_id is None:
        return []
    ids = _story_members(store, q.story_id, STORY_CANDIDATES * 4, but_feed=q.feed_id)
    best: dict[int, RelatedItem] = {}
    for item in _related(store, q, ids, set(ids), None):
        best.setdefault(item.feed_id, item)
    return list(best.values())


def article_similarity(store: Store, first: int, second: int) -> float:
    """The relatedness score of two cached articles (signature cosine, 0..1)."""
    return cosine(_load_query(store, first).sig, _load_query(store, second).sig)


# ------------------------------------------------------------- story counts


def story_sources(store: Store, story_ids: Iterable[int | None]) -> dict[int, int]:
    """Distinct feeds per story id (for "N sources" in the headline list)."""
    wanted = sorted({s for s in story_ids if s is not None})
    counts: dict[int, int] = {}
    for chunk in _chunks(wanted):
        counts.update(
            store.conn.execute(
                f"SELECT s.story_id, count(DISTINCT a.feed_id) FROM {_MEMBERS} "
                f"WHERE s.story_id IN ({_marks(len(chunk))}) GROUP BY s.story_id",
                chunk,
            ).fetchall()
        )
    return counts


def with_sources(store: Store, headlines: Sequence[Headline]) -> list[Headline]:
    """The headlines with ``sources`` filled in from their stories."""
    counts = story_sources(store, (h.story_id for h in headlines))
    return [
        replace(h, sources=counts[h.story_id]) if h.story_id in counts else h for h in headlines
    ]


def trending(
    store: Store, hours: float = 24, limit: int = 30, now: float | None = None
) -> list[TrendingStory]:
    """Stories told by the most distinct feeds in the last ``hours`` (at least two)."""
    from termnews.core.trending import trending_groups

    since = (time.time() if now is None else now) - hours * 3600.0
    groups = trending_groups(store, hours, limit, now)
    if not groups:
        return []
    stories = [g[0] for g in groups]
    reps: dict[int, tuple[int, str, str, str]] = {}
    for row in store.conn.execute(
        f"SELECT s.story_id, a.id, a.title, a.section, f.title FROM {_MEMBERS} "
        "JOIN feeds f ON f.id = a.feed_id "
        f"WHERE s.story_id IN ({_marks(len(stories))}) AND a.sort_ts >= ? AND a.muted = 0 "
        "ORDER BY a.sort_ts DESC, a.id DESC",
        (*stories, since),
    ):
        reps.setdefault(row[0], (row[1], row[2], row[3], row[4]))
    out = []
    for story, n, count, latest in groups:
        aid, title, section, feed_title = reps[story]
        out.append(
            TrendingStory(
                story,
                aid,
                title,
                section,
                feed_title,
                n,
                count,
                datetime.fromtimestamp(latest, UTC),
            )
        )
    return out


def trending_headlines(
    store: Store, hours: float = 24, limit: int = 30, now: float | None = None
) -> list[Headline]:
    """The Trending virtual section as headlines (one per story, ``sources`` filled in)."""
    stories = trending(store, hours, limit, now)
    by_id = {h.id: h for h in _headlines_by_ids(store, [s.article_id for s in stories])}
    return [
        replace(by_id[s.article_id], sources=s.sources) for s in stories if s.article_id in by_id
    ]


def _headlines_by_ids(store: Store, ids: Sequence[int]) -> list[Headline]:
    if not ids:
        return []
    rows = store.conn.execute(
        "SELECT a.id, a.feed_id, f.title, a.section, a.title, a.published, a.updated,"
        " a.fetched_at, a.read, a.starred, s.story_id FROM articles a"
        " JOIN feeds f ON f.id = a.feed_id LEFT JOIN article_stories s ON s.article_id = a.id"
        f" WHERE a.id IN ({_marks(len(ids))})",
        list(ids),
    ).fetchall()
    return [
        Headline(
            id=r[0],
            feed_id=r[1],
            feed_title=r[2],
            section=r[3],
            title=r[4],
            published=_dt(r[5] or r[6] or r[7]),
            read=bool(r[8]),
            starred=bool(r[9]),
            story_id=r[10],
        )
        for r in rows
    ]
