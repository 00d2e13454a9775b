"""Related-stories query latency of an earlier revision and of this tree, side by side.

Both versions of ``core/related.py`` (the earlier one read from git) answer the
same random articles of one cache, alternating which goes first, so both see the
same machine load; the synthetic truth gives same-story precision@5 for each.

Both versions must read the cache's schema: a revision from before schema 8 reads
stories from ``articles.story_id``, which a cache of this tree leaves NULL, and
without the index that column had (every story lookup a scan), so compare with
revisions from schema 8 on (``benchmarks/related_batch_ab.py`` compares two trees
each on its own cache).

Usage::

    python benchmarks/related_speed.py --refresh-runs 0 --keep /tmp/r.db   # once
    python benchmarks/related_compare.py --db /tmp/r.db --before 6a845d8
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

from harness import module_at_revision
from related_speed import pct

from termnews.core import related as after
from termnews.core.store import Store


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="cache kept by related_speed.py")
    parser.add_argument("--before", required=True, help="git revision to compare with")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--truth",
        type=Path,
        default=Path(tempfile.gettempdir()) / "termnews-related-corpora/2000x50-1/truth.json",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        before = module_at_revision(
            args.before, "src/termnews/core/related.py", Path(tmp), "related_before"
        )
    store = Store.open(args.db)
    truth = json.loads(args.truth.read_text(encoding="utf-8"))["items"]
    guid_of = dict(store.conn.execute("SELECT id, guid FROM articles").fetchall())
    story_of = {i: truth[g]["story"] for i, g in guid_of.items() if g in truth}
    members: dict[str, set[int]] = defaultdict(set)
    for i, s in story_of.items():
        members[s].add(i)
    sample = random.Random(args.seed).sample(sorted(guid_of), args.queries)
    sides: list[tuple[str, Callable[..., list[after.RelatedItem]]]] = [
        ("before", before.related_articles),
        ("after", after.related_articles),
    ]
    for aid in sample[:5]:
        for _, fn in sides:
            fn(store, aid)
    cpu: dict[str, list[float]] = {n: [] for n, _ in sides}
    wall: dict[str, list[float]] = {n: [] for n, _ in sides}
    p5: dict[str, list[float]] = {n: [] for n, _ in sides}
    print(f"load average {os.getloadavg()[0]:.1f}", file=sys.stderr)
    for k, aid in enumerate(sample):
        for name, fn in sides if k % 2 else sides[::-1]:
            start, c = time.perf_counter(), time.thread_time()
            items = fn(store, aid, limit=6)
            wall[name].append((time.perf_counter() - start) * 1000)
            cpu[name].append((time.thread_time() - c) * 1000)
            relevant = members[story_of.get(aid, "")] - {aid}
            if relevant:
                top = [i.article_id for i in items[:5]]
                p5[name].append(sum(1 for i in top if i in relevant) / min(5, len(relevant)))
    print(f"load average {os.getloadavg()[0]:.1f}", file=sys.stderr)
    print("| version | wall median / p95 / max ms | CPU median / p95 / max ms | same-story p@5 |")
    print("|---|---:|---:|---:|")
    for name, _ in sides:
        label = args.before if name == "before" else "this tree"
        w, c = wall[name], cpu[name]
        print(
            f"| {label} | {statistics.median(w):.1f} / {pct(w, 0.95):.1f} / {max(w):.1f} "
            f"| {statistics.median(c):.1f} / {pct(c, 0.95):.1f} / {max(c):.1f} "
            f"| {statistics.mean(p5[name]):.3f} |"
        )
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
