"""Time related stories and same-story grouping on a synthetic 100,000-article cache.

The corpus comes from ``benchmarks/gen_corpus.py`` (seeded, with story/topic
truth). Every feed file is parsed by termnews's own parser, then the articles
are fed to a fresh cache **in time order, 1,000 new articles per refresh**
(each batch grouped by feed and ingested with ``Store.ingest``), the way a
reader that refreshes regularly would receive them. Per batch we time, as wall
time and as CPU time of this process (the machine is shared, so CPU time is the
steadier figure):

* ``ingest``: ``Store.ingest`` of the batch's feeds;
* ``fts``: ``Store.index_pending`` (the full-text index a refresh always builds);
* ``related``: ``related.index_new_articles``, the cost this feature adds to the
  writer; and ``count``: the term counts the parse worker processes make beside
  the parser (``related_text.entry_terms``) for the entries dated after a
  feed's last fetch, which here is every entry of a batch (they come in time
  order), as in a real refresh.

Then, on the full cache: the related-stories query (``related_articles``,
limit 6) for ``--queries`` random articles (median, p95, max), the story-group
and trending queries, source counts for a page of headlines, and how much of
the file the related tables take (SQLite's ``dbstat``). The synthetic truth
also gives a sanity check of grouping (B-cubed) and story-level precision@5.

Two cold cases follow: the first 10,000 articles (200 feeds x 50) written to an
empty cache in one batch (ingest + FTS vs related, counts made as the workers
do), and, unless ``--refresh-runs 0``, whole HTTP refreshes of a 200 x 50
corpus from the loopback feed server into an empty cache, with related stories
on and off in turn (off: ``index_new_articles`` does nothing and the workers
only parse), each in its own process.

Usage::

    python benchmarks/related_speed.py                  # 100,000 articles
    python benchmarks/related_speed.py --articles 20000 --queries 200
    python benchmarks/related_speed.py --write          # also update benchmarks/RELATED.md
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import pickle
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).parent))

import gen_corpus
from related_quality import bcubed, write_section
from tree_compat import term_keys

from termnews.core.models import EntryData, ParsedFeed
from termnews.core.related import (
    RefreshTerms,
    index_new_articles,
    related_articles,
    story_group,
    trending,
    with_sources,
)
from termnews.core.related_text import entry_terms
from termnews.core.sources.local import read_feed_file
from termnews.core.store import Store

ITEMS_PER_FEED = 50
BATCH = 1000
COLD_FEEDS = 200

T = TypeVar("T")


def _parse(path: str) -> tuple[str, ParsedFeed, float]:
    started = time.perf_counter()
    parsed, _ = read_feed_file(Path(path))
    return path, parsed, time.perf_counter() - started


def corpus_dir(root: Path, articles: int, seed: int) -> Path:
    """Where the corpus of this size lives (one folder per size: each has its own truth)."""
    return root / f"{max(1, articles // ITEMS_PER_FEED)}x{ITEMS_PER_FEED}-{seed}"


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


def timed(fn: Callable[[], T]) -> tuple[T, float, float]:
    """``fn()``, its wall time and this process's CPU time, in seconds."""
    c0, t0 = time.process_time(), time.perf_counter()
    result = fn()
    return result, time.perf_counter() - t0, time.process_time() - c0


@dataclasses.dataclass
class Batch:
    new: int
    ingest: tuple[float, float]
    fts: tuple[float, float]
    related: tuple[float, float]
    count_cpu: float
    """CPU of the term counts the parse workers make (not the writer's)."""


def feed_in(
    store: Store,
    batch: dict[str, list[EntryData]],
    feed_ids: dict[str, int],
    titles: dict[str, str],
) -> Batch:
    """One refresh's writer work for ``batch``, timed phase by phase."""
    for path in batch:
        if path not in feed_ids:
            feed_ids[path] = store.add_feed(f"file://{path}", titles[path], "News")[0].id

    def ingest() -> list[int]:
        new: list[int] = []
        for path, entries in batch.items():
            parsed = ParsedFeed(titles[path], tuple(entries))
            new.extend(store.ingest(feed_ids[path], parsed).new_ids)
        return new

    new, ingest_w, ingest_c = timed(ingest)
    _, fts_w, fts_c = timed(store.index_pending)
    terms = RefreshTerms()

    def count() -> None:
        for path, entries in batch.items():
            terms.add(feed_ids[path], term_keys(entries), entry_terms(entries))

    _, _, count_cpu = timed(count)
    _, related_w, related_c = timed(lambda: index_new_articles(store, new, terms))
    return Batch(len(new), (ingest_w, ingest_c), (fts_w, fts_c), (related_w, related_c), count_cpu)


def per_k(seconds: float, n: int) -> float:
    return seconds / max(1, n) * 1000 * 1000  # ms per 1,000 articles


# ------------------------------------------------------------ HTTP cold refresh


def parse_without_counting(
    data: bytes, url: str, since: object = None
) -> tuple[ParsedFeed | None, str | None, tuple[bytes, ...]]:
    """The parse workers' job with related stories off: parse only."""
    from termnews.core.parse_pool import parse_job

    parsed, error = parse_job(data, url)
    return parsed, error, ()


def fetched_without_counting(
    data: bytes, encoding: str | None, max_bytes: int, url: str, since: object = None
) -> object:
    """The parse workers' job for a feed never fetched, with related stories off."""
    from termnews.core import parse_pool

    job = getattr(parse_pool, "FetchedJob", None)
    if job is None:  # a tree from before the workers decoded bodies
        raise RuntimeError("fetched_job called on a tree without it")
    from termnews.core.sources.coding import body_hash, decode_body

    body, problem = decode_body(data, encoding, max_bytes) if encoding else (data, None)
    if body is None:
        return job(None, error=problem)
    parsed, error, _ = parse_without_counting(body, url)
    return job(body_hash(body), parsed, error)


def refresh_child(base_url: str, feeds: int, mode: str) -> None:
    """(In a child process) refresh ``feeds`` loopback feeds into an empty cache; print JSON."""
    from termnews.core import http_refresh, related
    from termnews.core.config import Config
    from termnews.core.refresh import refresh

    if mode == "off":

        class NoIndexing:
            def finish(self, store: Store) -> int:
                return 0

        related.start_indexing = lambda store, ids, terms=None: NoIndexing()  # type: ignore[assignment,misc,return-value]
        # No related batches during the refresh either (http_refresh._Indexer).
        http_refresh.RELATED_BATCH = http_refresh.RELATED_MAX_BATCH = 1 << 62
        http_refresh.parse_and_count_job = parse_without_counting  # type: ignore[assignment]
        if hasattr(http_refresh, "fetched_job"):  # the job for feeds never fetched
            http_refresh.fetched_job = fetched_without_counting
    # What the refresh waits for after the full-text index: the related thread's
    # remaining work and the writes (the thread's CPU is in the process's CPU).
    indexing: dict[str, float] = {}
    finish = related.Indexing.finish

    def timed_finish(self: related.Indexing, store: Store) -> int:
        n, indexing["wall"], indexing["cpu"] = timed(lambda: finish(self, store))
        return n

    related.Indexing.finish = timed_finish  # type: ignore[method-assign]
    # One host stands in for 200 sites: lift the per-host limit as termnews_side.py does.
    base = Config()
    config = dataclasses.replace(base, network=dataclasses.replace(base.network, per_host=16))
    with tempfile.TemporaryDirectory(prefix="termnews-related-refresh-") as tmp:
        store = Store.open(Path(tmp) / "termnews.db")
        for i in range(feeds):
            url = f"{base_url}/feeds/{i:04d}.xml"
            store.add_feed(url, url, "News")
        report, wall, cpu = timed(lambda: refresh(store, settings=config))
        store.close()
    print(
        json.dumps(
            {
                "new": report.new,
                "wall": wall,
                "cpu": cpu,
                "related_wall": indexing.get("wall", 0.0),
                "related_cpu": indexing.get("cpu", 0.0),
            }
        )
    )


def http_refreshes(folder: Path, seed: int, runs: int) -> dict[str, list[dict[str, float]]]:
    """Whole cold refreshes of 200 x 50 from the loopback server, related on/off in turn."""
    from feedserver import ServerProcess

    served = folder / f"http-{COLD_FEEDS}x{ITEMS_PER_FEED}-{seed}"
    if not (served / "feeds").is_dir():
        gen_corpus.generate(served, COLD_FEEDS, ITEMS_PER_FEED, seed, jobs=2)
    results: dict[str, list[dict[str, float]]] = {"on": [], "off": []}
    with ServerProcess(served, max_seconds=3600) as server:
        for run in range(runs):
            for mode in ("off", "on") if run % 2 == 0 else ("on", "off"):
                out = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--refresh-child",
                        server.base_url,
                        str(COLD_FEEDS),
                        mode,
                    ],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                results[mode].append(json.loads(out.strip().splitlines()[-1]))
                print(f"  refresh {mode}: {results[mode][-1]}", file=sys.stderr)
    return results


# ------------------------------------------------------------------ main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--corpus",
        type=Path,
        default=Path(tempfile.gettempdir()) / "termnews-related-corpora",
        help="folder for the generated corpora (one subfolder per size)",
    )
    parser.add_argument(
        "--refresh-runs",
        type=int,
        help="HTTP cold refreshes per side (default 3 at 100,000 articles, else 1; 0: none)",
    )
    parser.add_argument("--write", action="store_true", help="update benchmarks/RELATED.md")
    parser.add_argument("--keep", type=Path, help="copy the finished cache file here")
    parser.add_argument("--refresh-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.refresh_child:
        base_url, feeds, mode = args.refresh_child
        refresh_child(base_url, int(feeds), mode)
        return 0

    load_before = os.getloadavg()
    folder = corpus_dir(args.corpus, args.articles, args.seed)
    feeds, _ = corpus(folder, args.articles, args.seed)
    # Parse and count costs of 1,000 articles, timed now (same machine load as the rest).
    sample_paths = [path for path, _ in feeds[:20]]
    parsed_sample, _, parse_cpu = timed(lambda: [_parse(p)[1] for p in sample_paths])
    sample_n = sum(len(f.entries) for f in parsed_sample)
    _, _, count_sample_cpu = timed(lambda: [entry_terms(f.entries) for f in parsed_sample])
    titles = {path: f.title for path, f in feeds}
    plan = batches(feeds)
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))["items"]

    with tempfile.TemporaryDirectory(prefix="termnews-related-speed-") as tmp:
        store = Store.open(Path(tmp) / "termnews.db")
        feed_ids: dict[str, int] = {}
        rows: list[Batch] = []
        started = time.perf_counter()
        for n, batch in enumerate(plan):
            rows.append(feed_in(store, batch, feed_ids, titles))
            if n % 10 == 9:
                done = sum(r.new for r in rows)
                print(
                    f"  {done:>7} articles, {time.perf_counter() - started:.0f} s", file=sys.stderr
                )
        total = sum(r.new for r in rows)

        # Queries on the full cache.
        ids = [r[0] for r in store.conn.execute("SELECT id FROM articles ORDER BY id")]
        sample = random.Random(args.seed).sample(ids, min(args.queries, len(ids)))
        for aid in sample[:5]:
            related_articles(store, aid)
        lat = []
        lat_cpu = []
        p5 = 0.0
        guid_of = dict(store.conn.execute("SELECT id, guid FROM articles").fetchall())
        story_of = {i: truth[g]["story"] for i, g in guid_of.items() if g in truth}
        members: dict[str, set[int]] = defaultdict(set)
        for i, s in story_of.items():
            members[s].add(i)
        for aid in sample:
            items, wall, cpu = timed(lambda aid=aid: related_articles(store, aid, limit=6))
            lat.append(wall * 1000)
            lat_cpu.append(cpu * 1000)
            relevant = members[story_of[aid]] - {aid}
            if relevant:
                top = [i.article_id for i in items[:5]]
                p5 += sum(1 for i in top if i in relevant) / min(5, len(relevant))
        with_story = sum(1 for aid in sample if members[story_of[aid]] - {aid})
        group_lat = [
            timed(lambda aid=aid: story_group(store, aid))[1] * 1000 for aid in sample[:100]
        ]
        now = gen_corpus.NOW.timestamp()
        trend, trend_s, _ = timed(lambda: trending(store, hours=24, now=now - 36 * 3600))
        heads = store.headlines(limit=200)
        _, sources_s, _ = timed(lambda: with_sources(store, heads))

        pred = []
        gold = []
        for aid, story in store.conn.execute(
            "SELECT a.id, s.story_id FROM articles a"
            " LEFT JOIN article_stories s ON s.article_id = a.id"
        ):
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

    # Cold: the first COLD_FEEDS feeds' articles into an empty cache in one refresh.
    cold_feeds = dict(feeds[:COLD_FEEDS])
    with tempfile.TemporaryDirectory(prefix="termnews-related-cold-") as tmp:
        store = Store.open(Path(tmp) / "termnews.db")
        cold = feed_in(store, {p: list(f.entries) for p, f in cold_feeds.items()}, {}, titles)
        store.close()

    runs = args.refresh_runs
    if runs is None:
        runs = 3 if args.articles >= 100_000 else 1
    refreshes = http_refreshes(args.corpus, args.seed, runs) if runs else {}
    load_after = os.getloadavg()

    related_bytes = sum(v for k, v in sizes.items() if k.startswith("related_"))
    fts_bytes = sum(v for k, v in sizes.items() if k.startswith("articles_fts"))
    all_bytes = sum(sizes.values())

    late = rows[-10:]
    late_n = sum(r.new for r in late)

    def late_ms(phase: str, cpu: bool) -> float:
        return per_k(sum(getattr(r, phase)[int(cpu)] for r in late), late_n)

    parse_ms = per_k(parse_cpu, sample_n)
    count_ms = per_k(count_sample_cpu, sample_n)
    base_w = late_ms("ingest", False) + late_ms("fts", False)
    base_c = late_ms("ingest", True) + late_ms("fts", True)
    rel_w, rel_c = late_ms("related", False), late_ms("related", True)
    late_count = per_k(sum(r.count_cpu for r in late), late_n)
    all_rel = sum(r.related[1] for r in rows)
    all_base = sum(r.ingest[1] + r.fts[1] for r in rows)
    cold_base_w = cold.ingest[0] + cold.fts[0]
    cold_base_c = cold.ingest[1] + cold.fts[1]

    def ratio(a: float, b: float) -> str:
        return f"{a / b * 100:.0f}%" if b else "n/a"

    speed = [
        f"Synthetic cache: {total:,} articles from {len(feed_ids):,} feeds "
        f"(`gen_corpus.py --seed {args.seed}`), fed in time order as "
        f"{len(rows)} refreshes of {BATCH:,} new articles; {len(sample)} random queries. "
        f"2-core machine shared with other jobs: load average {load_before[0]:.1f} at the start, "
        f"{load_after[0]:.1f} at the end. Wall time moves with the load; CPU time (this "
        "process) is steadier, so both are shown.",
        "",
        "| measure | figure | goal |",
        "|---|---:|---|",
        "| related query (`related_articles`, limit 6), median | "
        f"{statistics.median(lat):.1f} ms (CPU {statistics.median(lat_cpu):.1f} ms) | |",
        f"| related query, p95 | {pct(lat, 0.95):.1f} ms (CPU {pct(lat_cpu, 0.95):.1f} ms) "
        "| < 20 ms |",
        f"| related query, max | {max(lat):.1f} ms | |",
        f"| story group query, median / p95 | {statistics.median(group_lat):.1f} / "
        f"{pct(group_lat, 0.95):.1f} ms | |",
        f"| trending (24 h window) | {trend_s * 1000:.1f} ms ({len(trend)} stories) | |",
        f"| source counts for 200 headlines | {sources_s * 1000:.1f} ms | |",
        f"| refresh of 1,000 new articles at ~{total - late_n:,}+: parse (termnews parser, "
        f"one core) | CPU {parse_ms:.0f} ms | |",
        f"| ... ingest + full-text index | {base_w:.0f} ms (CPU {base_c:.0f} ms) | |",
        f"| ... related indexing and grouping, refresh process (added) "
        f"| {rel_w:.0f} ms (CPU {rel_c:.0f} ms) | |",
        f"| ... term counting in the parse workers (added) | CPU {late_count:.0f} ms | |",
        f"| added CPU vs the whole refresh (parse + ingest + FTS) "
        f"| {ratio(rel_c + late_count, parse_ms + base_c)} | < 10% |",
        f"| added refresh-process CPU vs the database work alone (ingest + FTS) "
        f"| {ratio(rel_c, base_c)} | < 10% |",
        f"| same, wall time | {ratio(rel_w, base_w)} | |",
        f"| same, CPU, averaged over all {len(rows)} refreshes | "
        f"{ratio(all_rel, all_base)} of ingest + FTS | |",
        f"| cold: {cold.new:,} new articles ({COLD_FEEDS} feeds x {ITEMS_PER_FEED}) into an "
        f"empty cache: ingest + full-text index | {cold_base_w * 1000:.0f} ms "
        f"(CPU {cold_base_c * 1000:.0f} ms) | |",
        f"| ... related indexing and grouping, refresh process (terms counted by the workers) "
        f"| {cold.related[0] * 1000:.0f} ms (CPU {cold.related[1] * 1000:.0f} ms) "
        f"= {ratio(cold.related[1], cold_base_c)} of ingest + FTS CPU | |",
        f"| ... term counting in the parse workers | CPU {cold.count_cpu * 1000:.0f} ms "
        f"({count_ms:.0f} ms per 1,000 = {ratio(count_ms, parse_ms)} of parsing) | |",
    ]
    if refreshes:
        on, off = refreshes["on"], refreshes["off"]

        def med(runs: list[dict[str, float]], key: str) -> float:
            return statistics.median(r[key] for r in runs)

        wall_off, wall_on = med(off, "wall"), med(on, "wall")
        speed += [
            f"| whole cold HTTP refresh, {COLD_FEEDS} feeds x {ITEMS_PER_FEED} from loopback, "
            f"related off / on (median of {len(on)}) | {wall_off:.2f} / {wall_on:.2f} s "
            f"(+{ratio(wall_on - wall_off, wall_off)}) | < 10% |",
            f"| ... CPU of the refresh process (the workers not counted), off / on | "
            f"{med(off, 'cpu'):.2f} / {med(on, 'cpu'):.2f} s | |",
            f"| ... waited for related stories after the full-text index (the rest ran "
            f"beside it in a thread) | {med(on, 'related_wall'):.2f} s | |",
        ]
    speed += [
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
