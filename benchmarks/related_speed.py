"""Time related stories and same-story grouping on a synthetic 100,000-article cache.

The corpus comes from ``benchmarks/gen_corpus.py`` (seeded, with story/topic
truth). Every feed file is parsed by termnews's own parser, then the articles
are fed to a fresh cache **in time order, 1,000 new articles per refresh**
(each batch grouped by feed and ingested with ``Store.ingest``), the way a
reader that refreshes regularly would receive them. Per batch we time:

* ``ingest``: ``Store.ingest`` of the batch's feeds;
* ``fts``: ``Store.index_pending`` (the full-text index a refresh always builds);
* ``related``: ``related.index_new_articles`` (signatures, term counts, grouping),
  the cost this feature adds.

Then, on the full cache: the related-stories query (``related_articles``,
limit 6) for ``--queries`` random articles (median, p95, max), the story-group
and trending queries, source counts for a page of headlines, and how much of
the file the related tables take (SQLite's ``dbstat``). The synthetic truth
also gives a sanity check of grouping (B-cubed) and story-level precision@5.

Usage::

    python benchmarks/related_speed.py                  # 100,000 articles
    python benchmarks/related_speed.py --articles 20000 --queries 200
    python benchmarks/related_speed.py --write          # also update benchmarks/RELATED.md
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import gen_corpus
from related_quality import bcubed, write_section

from termnews.core.models import EntryData, ParsedFeed
from termnews.core.related import (
    index_new_articles,
    related_articles,
    story_group,
    trending,
    with_sources,
)
from termnews.core.sources.local import read_feed_file
from termnews.core.store import Store

ITEMS_PER_FEED = 50
BATCH = 1000


def _parse(path: str) -> tuple[str, ParsedFeed, float]:
    started = time.perf_counter()
    parsed, _ = read_feed_file(Path(path))
    return path, parsed, time.perf_counter() - started


def corpus(folder: Path, articles: int, seed: int) -> tuple[list[tuple[str, ParsedFeed]], float]:
    """Generate (once) and parse (once, cached as a pickle) the corpus; returns parse s/article."""
    feeds = max(1, articles // ITEMS_PER_FEED)
    stamp = folder / f"parsed-{feeds}x{ITEMS_PER_FEED}-{seed}.pkl"
    if stamp.exists():
        data = pickle.loads(stamp.read_bytes())
        return data["feeds"], data["parse_per_article"]
    print(f"generating {feeds} feeds x {ITEMS_PER_FEED} items in {folder} ...", file=sys.stderr)
    gen_corpus.generate(folder, feeds, ITEMS_PER_FEED, seed, jobs=2)
    paths = sorted(str(p) for p in (folder / "feeds").glob("*.xml"))
    print(f"parsing {len(paths)} feed files with termnews's parser ...", file=sys.stderr)
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(_parse, paths, chunksize=16))
    parsed = [(p, f) for p, f, _ in results]
    per_article = sum(s for _, _, s in results) / sum(len(f.entries) for _, f in parsed)
    stamp.write_bytes(pickle.dumps({"feeds": parsed, "parse_per_article": per_article}))
    return parsed, per_article


def batches(feeds: list[tuple[str, ParsedFeed]]) -> list[dict[str, list[EntryData]]]:
    """All entries in time order, cut into refreshes of BATCH new articles."""
    entries = [(e.published, path, e) for path, f in feeds for e in f.entries]
    entries.sort(key=lambda t: (t[0] is None, t[0], t[1]))
    out = []
    for start in range(0, len(entries), BATCH):
        by_feed: dict[str, list[EntryData]] = defaultdict(list)
        for _, path, e in entries[start : start + BATCH]:
            by_feed[path].append(e)
        out.append(dict(by_feed))
    return out


def pct(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--corpus", type=Path, default=Path(tempfile.gettempdir()) / "termnews-related-corpus"
    )
    parser.add_argument("--write", action="store_true", help="update benchmarks/RELATED.md")
    parser.add_argument("--keep", type=Path, help="copy the finished cache file here")
    args = parser.parse_args(argv)

    feeds, _ = corpus(args.corpus, args.articles, args.seed)
    # Parse cost of 1,000 articles, timed now (same machine load as the rest), in one process.
    sample_paths = [path for path, _ in feeds[:20]]
    started = time.perf_counter()
    parsed_items = sum(len(_parse(p)[1].entries) for p in sample_paths)
    parse_s = (time.perf_counter() - started) / parsed_items
    titles = {path: f.title for path, f in feeds}
    plan = batches(feeds)
    truth = json.loads((args.corpus / "truth.json").read_text(encoding="utf-8"))["items"]

    with tempfile.TemporaryDirectory(prefix="termnews-related-speed-") as tmp:
        store = Store.open(Path(tmp) / "termnews.db")
        feed_ids: dict[str, int] = {}
        rows = []
        started = time.perf_counter()
        for n, batch in enumerate(plan):
            for path in batch:
                if path not in feed_ids:
                    feed_ids[path] = store.add_feed(f"file://{path}", titles[path], "News")[0].id
            t0 = time.perf_counter()
            new: list[int] = []
            for path, entries in batch.items():
                new.extend(
                    store.ingest(feed_ids[path], ParsedFeed(titles[path], tuple(entries))).new_ids
                )
            t1 = time.perf_counter()
            store.index_pending()
            t2 = time.perf_counter()
            index_new_articles(store, new)
            t3 = time.perf_counter()
            rows.append((len(new), t1 - t0, t2 - t1, t3 - t2))
            if n % 10 == 9:
                done = sum(r[0] for r in rows)
                print(
                    f"  {done:>7} articles, {time.perf_counter() - started:.0f} s", file=sys.stderr
                )
        total = sum(r[0] for r in rows)

        # Queries on the full cache.
        ids = [r[0] for r in store.conn.execute("SELECT id FROM articles ORDER BY id")]
        sample = random.Random(args.seed).sample(ids, min(args.queries, len(ids)))
        for aid in sample[:5]:
            related_articles(store, aid)
        lat = []
        p5 = 0.0
        guid_of = dict(store.conn.execute("SELECT id, guid FROM articles").fetchall())
        story_of = {i: truth[g]["story"] for i, g in guid_of.items() if g in truth}
        members: dict[str, set[int]] = defaultdict(set)
        for i, s in story_of.items():
            members[s].add(i)
        for aid in sample:
            t0 = time.perf_counter()
            items = related_articles(store, aid, limit=6)
            lat.append((time.perf_counter() - t0) * 1000)
            relevant = members[story_of[aid]] - {aid}
            if relevant:
                top = [i.article_id for i in items[:5]]
                p5 += sum(1 for i in top if i in relevant) / min(5, len(relevant))
        with_story = sum(1 for aid in sample if members[story_of[aid]] - {aid})
        group_lat = []
        for aid in sample[:100]:
            t0 = time.perf_counter()
            story_group(store, aid)
            group_lat.append((time.perf_counter() - t0) * 1000)
        now = gen_corpus.NOW.timestamp()
        t0 = time.perf_counter()
        trend = trending(store, hours=24, now=now - 36 * 3600)
        trend_ms = (time.perf_counter() - t0) * 1000
        heads = store.headlines(limit=200)
        t0 = time.perf_counter()
        with_sources(store, heads)
        sources_ms = (time.perf_counter() - t0) * 1000

        pred = []
        gold = []
        for aid, story in store.conn.execute("SELECT id, story_id FROM articles"):
            if aid in story_of:
                pred.append(story if story is not None else -aid)
                gold.append(story_of[aid])
        bp, br, bf = bcubed(pred, gold)

        sizes = dict(
            store.conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
        )
        store.close()
        file_bytes = (Path(tmp) / "termnews.db").stat().st_size
        if args.keep:
            shutil.copyfile(Path(tmp) / "termnews.db", args.keep)

    related_bytes = sum(v for k, v in sizes.items() if k.startswith("related_"))
    fts_bytes = sum(v for k, v in sizes.items() if k.startswith("articles_fts"))
    all_bytes = sum(sizes.values())

    def per_k(seconds: float, n: int) -> float:
        return seconds / n * 1000 * 1000  # ms per 1,000 articles

    late = rows[-10:]
    late_n = sum(r[0] for r in late)
    ingest_ms = per_k(sum(r[1] for r in late), late_n)
    fts_ms = per_k(sum(r[2] for r in late), late_n)
    rel_ms = per_k(sum(r[3] for r in late), late_n)
    parse_ms = parse_s * 1000 * 1000
    all_n = total
    rel_all = per_k(sum(r[3] for r in rows), all_n)
    base_all = per_k(sum(r[1] + r[2] for r in rows), all_n)

    speed = [
        f"Synthetic cache: {total:,} articles from {len(feed_ids):,} feeds "
        f"(`gen_corpus.py --seed {args.seed}`), fed in time order as "
        f"{len(rows)} refreshes of {BATCH:,} new articles; {len(sample)} random queries. "
        "2-core machine shared with other jobs; figures vary by ±30% between runs.",
        "",
        "| measure | figure | goal |",
        "|---|---:|---|",
        "| related query (`related_articles`, limit 6), median | "
        f"{statistics.median(lat):.1f} ms | |",
        f"| related query, p95 | {pct(lat, 0.95):.1f} ms | < 20 ms |",
        f"| related query, max | {max(lat):.1f} ms | |",
        f"| story group query, median / p95 | {statistics.median(group_lat):.1f} / "
        f"{pct(group_lat, 0.95):.1f} ms | |",
        f"| trending (24 h window) | {trend_ms:.1f} ms ({len(trend)} stories) | |",
        f"| source counts for 200 headlines | {sources_ms:.1f} ms | |",
        f"| refresh of 1,000 new articles at ~{total - late_n:,}+: parse (termnews parser) "
        f"| {parse_ms:.0f} ms | |",
        f"| ... ingest + full-text index | {ingest_ms + fts_ms:.0f} ms | |",
        f"| ... related indexing and grouping (added) | {rel_ms:.0f} ms | |",
        f"| added cost vs the whole refresh (parse + ingest + FTS) | "
        f"{rel_ms / (parse_ms + ingest_ms + fts_ms) * 100:.0f}% | < 10% |",
        f"| added cost vs the database work alone (ingest + FTS) | "
        f"{rel_ms / (ingest_ms + fts_ms) * 100:.0f}% | < 10% |",
        f"| same, averaged over all {len(rows)} refreshes | "
        f"{rel_all / base_all * 100:.0f}% of ingest + FTS | |",
        f"| related tables on disk | {related_bytes / 2**20:.1f} MiB = "
        f"{related_bytes / all_bytes * 100:.1f}% of the file "
        f"({all_bytes / 2**20:.0f} MiB; FTS {fts_bytes / 2**20:.0f} MiB) | |",
        "| start-up work added | none (nothing is loaded or computed on open) | none |",
        f"| synthetic truth: same-story precision@5 (of possible) | "
        f"{p5 / max(1, with_story):.3f} | |",
        f"| synthetic truth: grouping B-cubed P / R / F1 | {bp:.3f} / {br:.3f} / {bf:.3f} | |",
    ]
    text = "\n".join(speed)
    print(text)
    print(f"(file size {file_bytes / 2**20:.0f} MiB before checkpoint)", file=sys.stderr)
    if args.write:
        write_section(Path(__file__).with_name("RELATED.md"), "speed", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
