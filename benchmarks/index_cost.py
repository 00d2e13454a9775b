"""What each index on ``articles`` costs a cold refresh's writer: replay a primed cache's rows.

Every article a cold refresh inserts also goes into each index on ``articles`` whose
partial-index condition it meets (schema.py): the UNIQUE (feed_id, guid) index, and
idx_articles_section_ts, _feed_ts, _ts, _unread and _search; the related-stories write then
gives most of them a row in ``article_stories`` (schema 8; before, it set
``articles.story_id``, which filled idx_articles_story). Whether trimming an index
is worth a slower query needs its cost per article, which a whole refresh (seconds of CPU,
most of it parsing) is far too noisy to show.

So this replays the articles of a primed cache (``bench_setup``'s
``tn-200x50-refresh/primed.db``: 10,000 articles of 200 feeds, as a cold refresh wrote
them) into a fresh cache made by ``Store.open`` (the real schema and pragmas), the way
``Store.ingest`` writes them: one transaction per feed, its existing rows read first, then
one INSERT per row (its one upsert of the feed's counts is left out: it touches no
index on ``articles``); then the story ids in one transaction, sorted by id, written as
``related._write`` does. The same replay runs with one index dropped (the UNIQUE index by
rebuilding the empty table without the constraint), with none, and with all, in a shuffled
order each round; the figure is the writer's CPU (``time.process_time``) of the inserts
and of the story updates, median over rounds, and what each variant saves against "all".

    python benchmarks/index_cost.py [--db PRIMED.db] [--rounds 9]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from termnews.core.store import Store

DEFAULT_DB = Path("/tmp/termnews-bench/tn-200x50-refresh/primed.db")
INDEXES = (
    "idx_articles_section_ts",
    "idx_articles_feed_ts",
    "idx_articles_ts",
    "idx_articles_unread",
    "idx_articles_search",
)
UNIQUE = "UNIQUE (feed_id, guid)"
COLUMNS = (
    "feed_id, section, guid, link, title, author, published, updated, sort_ts, summary,"
    " content, categories, image, enclosures, content_hash, fetched_at, content_html,"
    " content_base"
)
"""What ``Store.ingest`` inserts (the rest keep their defaults)."""
STORY_WRITE = (
    "INSERT INTO article_stories(article_id, story_id) SELECT ?2, ?1"
    " WHERE EXISTS (SELECT 1 FROM articles INDEXED BY idx_articles_search WHERE id = ?2)"
    " ON CONFLICT(article_id) DO UPDATE SET story_id = excluded.story_id"
)
"""The related-stories write of ``related._write`` ((story_id, article_id) pairs). It asks
idx_articles_search whether each article exists, so the replay without that index asks the
table instead (:data:`STORY_WRITE_BY_ROW`): dropping the index would mean changing it so."""
STORY_WRITE_BY_ROW = STORY_WRITE.replace(" INDEXED BY idx_articles_search", "")


Rows = list[tuple[Any, ...]]
Replay = tuple[list[str], Rows, dict[int, Rows], Rows]
"""Feed columns, feed rows, article rows by feed, (story_id, id) pairs."""


def _load(db: Path) -> Replay:
    src = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    feed_columns = [r[1] for r in src.execute("PRAGMA table_info(feeds)")]
    feeds = src.execute("SELECT * FROM feeds ORDER BY id").fetchall()
    by_feed: dict[int, Rows] = {}
    for row in src.execute(f"SELECT {COLUMNS} FROM articles ORDER BY id"):
        by_feed.setdefault(row[0], []).append(row)
    narrow = src.execute("SELECT 1 FROM sqlite_master WHERE name = 'article_stories'").fetchone()
    stories = src.execute(
        "SELECT story_id, article_id FROM article_stories ORDER BY article_id"
        if narrow
        else "SELECT story_id, id FROM articles WHERE story_id IS NOT NULL ORDER BY id"
    ).fetchall()
    src.close()
    return feed_columns, feeds, by_feed, stories


def _without_unique(conn: sqlite3.Connection) -> None:
    """Rebuild the (empty) articles table without UNIQUE (feed_id, guid), same indexes."""
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'articles'").fetchone()[0]
    assert UNIQUE in sql, "schema changed: UNIQUE (feed_id, guid) not found"
    others = [
        r[0]
        for r in conn.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'articles' AND sql IS NOT NULL"
            " AND type IN ('index', 'trigger')"
        )
    ]
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("DROP TABLE articles")
    conn.execute(sql.replace(",\n            " + UNIQUE, "").replace(", " + UNIQUE, ""))
    for statement in others:
        conn.execute(statement)
    conn.execute("PRAGMA foreign_keys = ON")


def replay(data: Replay, drop: Sequence[str], workdir: Path) -> tuple[float, float]:
    """(insert CPU s, story-update CPU s) of the replay into a fresh cache without ``drop``."""
    feed_columns, feeds, by_feed, stories = data
    path = workdir / "replay.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = Store.open(path)
    conn = store.conn
    for name in drop:
        if name == UNIQUE:
            _without_unique(conn)
        else:
            conn.execute(f"DROP INDEX {name}")
    marks = ",".join("?" * len(feed_columns))
    conn.executemany(f"INSERT INTO feeds({','.join(feed_columns)}) VALUES ({marks})", feeds)
    insert = f"INSERT INTO articles({COLUMNS}) VALUES ({','.join('?' * 18)})"
    start = time.process_time()
    for feed_id, rows in by_feed.items():
        with store.transaction() as tx:
            tx.execute(
                "SELECT guid, id, content_hash, content_html IS NULL FROM articles"
                " WHERE feed_id = ?",
                (feed_id,),
            ).fetchall()
            for row in rows:
                tx.execute(insert, row)
    inserts = time.process_time() - start
    start = time.process_time()
    with store.transaction() as tx:
        tx.executemany(
            STORY_WRITE_BY_ROW if "idx_articles_search" in drop else STORY_WRITE, stories
        )
    updates = time.process_time() - start
    store.close()
    return inserts, updates


def main(argv: Sequence[str] | None = None) -> int:
    """Print each variant's median insert and story-update CPU, and its saving."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=DEFAULT_DB, help="a primed cache to replay")
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--seed", type=int, default=1, help="shuffles the variants' order")
    args = ap.parse_args(argv)
    if not args.db.exists():
        print(f"no primed cache at {args.db} (bench_setup.py builds it)", file=sys.stderr)
        return 2
    data = _load(args.db)
    articles = sum(len(rows) for rows in data[2].values())
    variants: list[tuple[str, tuple[str, ...]]] = [("all", ())]
    variants += [(f"-{name}", (name,)) for name in (*INDEXES, UNIQUE)]
    # (Without the UNIQUE index too, ingest's per-feed lookup of existing rows scans the table.)
    variants.append(("-all but UNIQUE", INDEXES))
    rng = random.Random(args.seed)
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in variants}
    with tempfile.TemporaryDirectory(prefix="index-cost-") as tmp:
        replay(data, (), Path(tmp))  # warm-up: page cache, imports
        for _ in range(args.rounds):
            order = variants[:]
            rng.shuffle(order)
            for name, drop in order:
                runs[name].append(replay(data, drop, Path(tmp)))
    base_ins = statistics.median(r[0] for r in runs["all"])
    base_upd = statistics.median(r[1] for r in runs["all"])
    print(f"{articles} articles, {len(data[3])} story ids, {args.rounds} rounds (CPU, median)")
    heads = ("inserts", "saves", "(min)", "stories", "saves")
    print(f"{'variant':26s} " + " ".join(f"{h:>8s}" for h in heads))
    min_ins = min(r[0] for r in runs["all"])
    for name, _ in variants:
        ins = statistics.median(r[0] for r in runs[name])
        upd = statistics.median(r[1] for r in runs[name])
        least = min(r[0] for r in runs[name])
        print(
            f"{name:26s} {ins * 1e3:7.1f}ms {(base_ins - ins) * 1e3:6.1f}ms"
            f" {(min_ins - least) * 1e3:6.1f}ms {upd * 1e3:7.1f}ms {(base_upd - upd) * 1e3:6.1f}ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
