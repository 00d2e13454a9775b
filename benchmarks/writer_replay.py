"""The writer's SQLite work of a cold refresh, replayed from a primed cache: CPU per phase.

A cold refresh's writer thread (``refresh_ab.py --threads``: ``writer (main)``) spends
most of its CPU in SQLite: ``Store.ingest`` (one transaction per feed: rows, indexes,
counts), ``Store.index_pending`` (FTS5, every :data:`~termnews.core.http_refresh.FTS_BATCH`
new articles and once at the end), the related-stories writes, and closing the
connection (the last one out checkpoints the WAL into the file). A whole refresh is
too noisy (parse workers, the fetch loop and the feed server share 2 cores) to show
a change of 20 ms there, so this replays what the writer writes, in one thread:

1. the articles of ``bench_setup``'s primed cache (``tn-200x50-refresh/primed.db``,
   10,000 articles of 200 feeds as a cold refresh stored them) as :class:`FeedRows`
   (bodies as UTF-8 bytes, as the parse workers ship them), fed one feed at a time
   to ``Store.ingest`` of a fresh cache made by ``Store.open``, inside
   ``Store.unmapped`` as a refresh runs;
2. ``index_pending`` after every FTS_BATCH new articles, and once at the end;
3. the primed cache's related data (related_df, related_docs, article_stories) in
   batches of 4,000 articles, through ``related._write``;
4. ``Store.close``.

Each phase's thread CPU (``time.thread_time``) is reported; ``--src`` picks the source
tree (run it for old and new, alternated by ``--ab OLD NEW``). With ``--check`` the
replayed cache's rows are compared with the primed cache's (ids, text, counts).

    python benchmarks/writer_replay.py --ab /tmp/old/src src [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DEFAULT_DB = Path("/tmp/termnews-bench/tn-200x50-refresh/primed.db")
PHASES = ("ingest", "fts", "related", "close", "total")


def _load(db: Path) -> dict[str, Any]:
    src = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    # In the order the refresh wrote them (its first article's id), so ids match.
    feeds = src.execute(
        "SELECT id, url, title, section FROM feeds"
        " ORDER BY (SELECT min(a.id) FROM articles a WHERE a.feed_id = feeds.id), id"
    ).fetchall()
    by_feed: dict[int, list[tuple[Any, ...]]] = {}
    for row in src.execute(
        "SELECT feed_id, guid, link, title, author, published, updated, summary, content,"
        " categories, image, enclosures, content_hash, content_html, content_base"
        " FROM articles ORDER BY id"
    ):
        r = list(row[1:])
        r[7] = r[7].encode()
        if r[12] is not None:
            r[12] = r[12].encode()
        by_feed.setdefault(row[0], []).append(tuple(r))
    df = src.execute("SELECT term, df FROM related_df").fetchall()
    docs = src.execute("SELECT article_id, sig, dup_key FROM related_docs").fetchall()
    stories = src.execute("SELECT story_id, article_id FROM article_stories").fetchall()
    return {"feeds": feeds, "by_feed": by_feed, "df": df, "docs": docs, "stories": stories}


def run_once(db: Path, out_dir: Path) -> dict[str, float]:
    """One replay in this process (``--src`` on sys.path already); phase CPU seconds."""
    from termnews.core import related
    from termnews.core.store import FeedRows, Store

    try:
        from termnews.core.http_refresh import FTS_BATCH
    except ImportError:
        FTS_BATCH = 1000
    data = _load(db)
    path = out_dir / "replay.db"
    store = Store.open(path)
    for _id, url, title, section in sorted(data["feeds"]):
        store.add_feed(url, title, section)
    ids = {r[0]: r[1] for r in store.conn.execute("SELECT url, id FROM feeds")}
    cpu = dict.fromkeys(PHASES, 0.0)
    t_all = time.thread_time()
    pending = 0
    with store.unmapped():
        for _old_id, url, title, _section in data["feeds"]:
            rows = FeedRows(title, tuple(data["by_feed"].get(_old_id, ())))
            t = time.thread_time()
            res = store.ingest(
                ids[url],
                rows,
                source_hash="http:x",
                feed_fields={"last_checked": 1.0, "last_success": 1.0, "etag": '"e"'},
            )
            cpu["ingest"] += time.thread_time() - t
            pending += res.new
            if pending >= FTS_BATCH:
                t = time.thread_time()
                store.index_pending()
                cpu["fts"] += time.thread_time() - t
                pending = 0
        t = time.thread_time()
        store.index_pending()
        cpu["fts"] += time.thread_time() - t
        t = time.thread_time()
        _write_related(store, related, data)
        cpu["related"] += time.thread_time() - t
    t = time.thread_time()
    store.close()
    cpu["close"] = time.thread_time() - t
    cpu["total"] = time.thread_time() - t_all
    return cpu


def _write_related(store: Any, related: Any, data: dict[str, Any]) -> None:
    """The primed related data in batches of 4,000 articles, as ``related._write`` writes."""
    docs = sorted(data["docs"])
    stories = {a: s for s, a in data["stories"]}
    df = dict(data["df"])
    for start in range(0, len(docs), 4000):
        chunk = docs[start : start + 4000]
        ids = [d[0] for d in chunk]
        # The df of the whole refresh goes with the first batch: the figure is the write.
        work = related._Indexing(
            ids,
            df if start == 0 else {},
            [(d[0], d[1], d[2]) for d in chunk],
            [(stories[i], i) for i in ids if i in stories],
        )
        _call_write(related, store, work)


def _call_write(related: Any, store: Any, work: Any) -> None:
    related._write(store, work)


def check(db: Path, replay: Path) -> list[str]:
    """Differences between the primed cache and a replayed one (empty: identical)."""
    a = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    b = sqlite3.connect(replay)
    problems: list[str] = []
    cols = (
        "id, feed_id, section, guid, link, title, author, published, updated, summary,"
        " content, categories, image, enclosures, content_hash, content_html, content_base,"
        " read, starred, muted"
    )
    ra = a.execute(f"SELECT {cols} FROM articles ORDER BY id").fetchall()
    rb = b.execute(f"SELECT {cols} FROM articles ORDER BY id").fetchall()
    if ra != rb:
        problems.append("articles differ")
    for table in ("feed_counts", "related_df", "related_docs", "article_stories"):
        if (
            a.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            != b.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        ):
            problems.append(f"{table} differs")
    for word in ("the", "market", "election", "climate", "data*", '"new york"', "zzzz"):
        q = (
            "SELECT rowid, bm25(articles_fts) FROM articles_fts WHERE articles_fts MATCH ?"
            " ORDER BY bm25(articles_fts), rowid LIMIT 50"
        )
        if a.execute(q, (word,)).fetchall() != b.execute(q, (word,)).fetchall():
            problems.append(f"fts {word!r} differs")
    if b.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
        problems.append("integrity_check")
    b.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
    return problems


def _child(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(Path(args.src).resolve()))
    with tempfile.TemporaryDirectory(prefix="writer-replay-") as tmp:
        cpu = run_once(Path(args.db), Path(tmp))
        if args.check:
            cpu["problems"] = check(Path(args.db), Path(tmp) / "replay.db")  # type: ignore[assignment]
    print(json.dumps(cpu))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=str(DEFAULT_DB))
    parser.add_argument("--src", help=argparse.SUPPRESS)
    parser.add_argument("--ab", nargs=2, metavar=("OLD", "NEW"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    if args.src:
        _child(args)
        return
    if not args.ab:
        parser.error("--ab OLD NEW is required")
    results: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
    for i in range(args.rounds):
        order = ("old", "new") if i % 2 == 0 else ("new", "old")
        for side in order:
            src = args.ab[0] if side == "old" else args.ab[1]
            cmd = [sys.executable, __file__, "--db", args.db, "--src", src]
            if args.check and i == 0:
                cmd.append("--check")
            env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
            out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
            got = json.loads(out.stdout.strip().splitlines()[-1])
            if "problems" in got:
                print(f"{side} check: {got.pop('problems') or 'identical'}")
            results[side].append(got)
            print(side, " ".join(f"{k} {got[k]:.3f}" for k in PHASES), flush=True)
    print()
    med = {s: {k: statistics.median(r[k] for r in rs) for k in PHASES} for s, rs in results.items()}
    for side in ("old", "new"):
        print(f"{side} median: " + " ".join(f"{k} {med[side][k]:.3f}" for k in PHASES))
    print("new-old:    " + " ".join(f"{k} {med['new'][k] - med['old'][k]:+.3f}" for k in PHASES))


if __name__ == "__main__":
    main()
