"""Search latency of an earlier revision and of this tree, side by side in one process.

The machine is shared, so two runs minutes apart see different loads; here each
query is timed with both versions in turn (alternating which goes first), on the
cache ``search_speed.py`` builds, so both see the same load. The earlier
``core/search/execute.py`` is read from git; it runs on a copy of the cache without
the indexes it did not know (``--drop-index``), since SQLite may pick them up.

Usage::

    python benchmarks/search_speed.py --db /tmp/s.db       # build the cache once
    python benchmarks/search_compare.py --db /tmp/s.db --before 6a845d8
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import module_at_revision
from search_speed import NOW, SEED, Plan, _p95, build_queries

from termnews.core.search import execute as after
from termnews.core.search import parse_query
from termnews.core.store import Store


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="cache from search_speed.py")
    parser.add_argument("--before", required=True, help="git revision to compare with")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--drop-index", action="append", default=["idx_articles_search"])
    args = parser.parse_args(argv)
    plan = Plan(**json.loads(args.db.with_name(args.db.name + ".plan.json").read_text()))
    old_db = args.db.with_name(args.db.name + ".before")
    with Store.open(args.db):
        pass  # brings the cache up to this tree's schema before it is copied
    shutil.copyfile(args.db, old_db)
    with Store.open(old_db) as store:
        for name in args.drop_index:
            store.conn.execute(f"DROP INDEX IF EXISTS {name}")
    before = module_at_revision(
        args.before, "src/termnews/core/search/execute.py", args.db.parent, "execute_before"
    )
    print(f"load average {os.getloadavg()[0]:.1f}", file=sys.stderr)
    lines = [
        f"| query set | wall median / p95 ms, {args.before} | this tree "
        f"| CPU median / p95 ms, {args.before} | this tree |",
        "|---|---:|---:|---:|---:|",
    ]
    with Store.open(old_db) as old_store, Store.open(args.db) as new_store:
        sides = (("before", before, old_store), ("after", after, new_store))
        queries = build_queries(new_store, plan, SEED)
        queries["word: common + rarer (not in search_speed.py)"] = [
            "the government",
            "the people",
            "said report",
            "the election",
        ]
        for category, texts in queries.items():
            t: dict[str, tuple[list[float], list[float]]] = {n: ([], []) for n, *_ in sides}
            for text in texts:
                query = parse_query(text, partial=category.startswith("typing"), now=NOW)
                for _, module, store in sides:
                    module.search(store, query, now=NOW)  # warm-up
                for r in range(args.repeat):
                    for name, module, store in sides if r % 2 else sides[::-1]:
                        start, cpu = time.perf_counter(), time.thread_time()
                        module.search(store, query, limit=50, now=NOW)
                        t[name][0].append((time.perf_counter() - start) * 1000)
                        t[name][1].append((time.thread_time() - cpu) * 1000)

            def f(v: list[float]) -> str:
                return f"{statistics.median(v):.1f} / {_p95(v):.1f}"

            b, a = t["before"], t["after"]
            lines.append(f"| {category} | {f(b[0])} | {f(a[0])} | {f(b[1])} | {f(a[1])} |")
    print("\n".join(lines))
    print(f"load average {os.getloadavg()[0]:.1f}", file=sys.stderr)
    old_db.unlink()
    for suffix in ("-wal", "-shm"):
        Path(str(old_db) + suffix).unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
