"""A/B the related-stories batch of a cold refresh: two ``src`` trees, one run.

A cold refresh of 200 feeds x 50 items writes 10,000 new articles, and the
related-stories batch (``related.index_new_articles``: read, weigh, group,
write) runs over them in batches. This times that batch alone, as CPU time
per article, for two source trees side by side (each side in its own process,
the sides alternating, several rounds), and checks that both write the same
related data (signatures, dup keys, document frequencies, story ids, meta).

Each child parses the corpus with its own tree (once, before the clock), then
per repeat: a fresh empty cache, the articles ingested feed by feed in
``--batches`` parts (the search index built after each, as a refresh does),
the term counts the parse workers would make, and ``index_new_articles`` after
each part, timed. Only the batch is timed; ingest and counting are not.

Usage::

    mkdir -p /tmp/old && git -C /work/main archive main src | tar -x -C /tmp/old
    python benchmarks/related_batch_ab.py /tmp/old/src src --rounds 3
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_CORPUS = Path("/tmp/termnews-bench/corpus-200x50/feeds")


def child(
    corpus: Path,
    batches: int,
    repeats: int,
    profile: str | None,
    dump: Path | None,
    as_refresh: bool = False,
) -> None:
    """(In a child process, with the tree under test first on sys.path) time and digest."""
    from tree_compat import term_keys

    from termnews.core.errors import SourceError
    from termnews.core.related import RefreshTerms, batch_job, index_new_articles, write_batch
    from termnews.core.related_text import entry_terms
    from termnews.core.sources.local import read_feed_file
    from termnews.core.store import Store

    paths = sorted(corpus.glob("*.xml"))
    feeds = []
    for path in paths:
        try:
            feeds.append((path, read_feed_file(path)[0]))
        except SourceError:  # a real corpus has malformed feeds: they add no articles
            continue
    per = -(-len(feeds) // batches)
    parts = [feeds[i : i + per] for i in range(0, len(feeds), per)]
    cpu: list[float] = []
    digest = ""
    n_articles = 0
    for _ in range(repeats):
        with tempfile.TemporaryDirectory(prefix="termnews-relbatch-") as tmp:
            store = Store.open(Path(tmp) / "termnews.db")
            if as_refresh:
                # As a refresh runs: the writer's connection unmapped (refresh.refresh),
                # the batch read through batch_job's own read-only connection.
                store.conn.execute("PRAGMA mmap_size = 0")
            spent = 0.0
            n_articles = 0
            for part in parts:
                new: list[int] = []
                terms = RefreshTerms()
                for path, parsed in part:
                    feed_id = store.add_feed(f"file://{path}", parsed.title, "News")[0].id
                    new.extend(store.ingest(feed_id, parsed).new_ids)
                    terms.add(feed_id, term_keys(parsed.entries), entry_terms(parsed.entries))
                store.index_pending()
                if profile:
                    import cProfile

                    prof = cProfile.Profile()
                    prof.enable()
                started = time.process_time()
                if as_refresh:
                    last = store.conn.execute("SELECT max(id) FROM articles").fetchone()[0]
                    work, _ = batch_job(str(store.path), terms.encoded(), int(last))
                    n_articles += write_batch(store, work)
                else:
                    n_articles += index_new_articles(store, new, terms)
                spent += time.process_time() - started
                if profile:
                    prof.disable()
                    prof.dump_stats(f"{profile}.{len(cpu)}.{parts.index(part)}")
            cpu.append(spent)
            digest = tables_digest(store.conn)
            if dump is not None:
                rows = [[tuple(r) for r in store.conn.execute(sql)] for sql in tables(store.conn)]
                dump.write_bytes(pickle.dumps(rows))
            store.close()
    print(json.dumps({"cpu": cpu, "articles": n_articles, "digest": digest}))


TABLES = [
    "SELECT article_id, sig, dup_key FROM related_docs ORDER BY article_id",
    "SELECT term, df FROM related_df ORDER BY term",
    "SELECT a.id, s.story_id FROM articles a"
    " LEFT JOIN article_stories s ON s.article_id = a.id ORDER BY a.id",
    "SELECT key, value FROM meta WHERE key LIKE 'related%' ORDER BY key",
]
"""Everything related stories write, row by row in key order."""
STORIES_BEFORE_SCHEMA_8 = "SELECT id, story_id FROM articles ORDER BY id"
"""The story rows of a tree from before ``article_stories`` (schema 8): the same
(article id, story id or None) tuples in the same order, so the digests compare."""


def tables(conn: object) -> list[str]:
    """:data:`TABLES` as the tree that wrote ``conn`` keeps them."""
    has_table = conn.execute(  # type: ignore[attr-defined]
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'article_stories'"
    ).fetchone()
    return (
        TABLES if has_table else [STORIES_BEFORE_SCHEMA_8 if "story_id" in t else t for t in TABLES]
    )


def tables_digest(conn: object) -> str:
    """A hash of the :data:`TABLES` rows."""
    h = hashlib.sha256()
    for sql in tables(conn):
        for row in conn.execute(sql):  # type: ignore[attr-defined]
            h.update(repr(tuple(row)).encode())
        h.update(b"|")
    return h.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", type=Path, help="the baseline src folder")
    parser.add_argument("new", type=Path, help="the src folder under test")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=2, help="timed repeats per child")
    parser.add_argument("--batches", type=int, default=3, help="refresh parts (1: one batch)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--dump", type=Path, help="pickle each side's related rows to DUMP-old / DUMP-new"
    )
    parser.add_argument("--profile", help="write cProfile stats with this prefix (child)")
    parser.add_argument(
        "--as-refresh",
        action="store_true",
        help="run each batch as a refresh does: related.batch_job on its own read-only"
        " connection, the writer's connection unmapped",
    )
    args = parser.parse_args()
    if args.child:
        child(args.corpus, args.batches, args.repeats, args.profile, args.dump, args.as_refresh)
        return 0
    results: dict[str, list[dict[str, object]]] = {"old": [], "new": []}
    for run in range(args.rounds):
        for side in ("old", "new") if run % 2 == 0 else ("new", "old"):
            # A fixed hash seed: doc_terms appends title-only terms in set order, so two
            # runs can order tied signature terms differently (a 3-in-10,000 flake).
            env = dict(
                os.environ, PYTHONPATH=str(getattr(args, side).resolve()), PYTHONHASHSEED="0"
            )
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    str(args.old),
                    str(args.new),
                    "--child",
                    "--corpus",
                    str(args.corpus),
                    "--batches",
                    str(args.batches),
                    "--repeats",
                    str(args.repeats),
                    *(["--profile", f"{args.profile}-{side}"] if args.profile else []),
                    *(["--dump", f"{args.dump}-{side}"] if args.dump and not args.child else []),
                    *(["--as-refresh"] if args.as_refresh else []),
                ],
                check=True,
                capture_output=True,
                text=True,
                env=env,
            ).stdout
            results[side].append(json.loads(out.strip().splitlines()[-1]))
            print(f"  {side}: {results[side][-1]}", file=sys.stderr)
    per: dict[str, float] = {}
    for side, runs in results.items():
        times = [t for r in runs for t in r["cpu"]]  # type: ignore[attr-defined]
        n = int(runs[0]["articles"])  # type: ignore[call-overload]
        per[side] = statistics.median(times) / n * 1e6
        lo, hi = min(times) / n * 1e6, max(times) / n * 1e6
        print(f"{side}: {per[side]:.1f} us/article (min {lo:.1f}, max {hi:.1f}; {n} articles)")
    print(f"new/old: {per['new'] / per['old']:.3f}")
    digests = {str(r["digest"]) for runs in results.values() for r in runs}
    print("related tables identical" if len(digests) == 1 else f"DIFFERENT: {digests}")
    return 0 if len(digests) == 1 else 1


if __name__ == "__main__":
    raise SystemExit(main())
