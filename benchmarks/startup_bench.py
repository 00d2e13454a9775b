"""Headless start-up over a big cache: ``termnews articles --unread --limit 50`` against
``newsboat -x print-unread`` (issue 8), at 1,000 and at 100,000 cached articles.

Both are whole processes started cold (a new process, the cache file in the page cache, as
when a user runs them twice), measured alternately pair by pair. They do not do the same
work: newsboat loads its whole cache and prints one line (the unread count); termnews prints
50 unread articles (title, feed, date, link) from its indexes. That is the comparison the
issue asks for: what each program makes a user wait for before the first useful output.

The caches are those of ``bench_setup``: the 10 x 100 and 1,000 x 100 corpora (seed 1),
newsboat's after two reloads, termnews's after one refresh (``--via fill``: filled through
``Store.ingest`` without fetching, for a quick run). Checks: newsboat's count equals the
cache's article count, and termnews printed 50 articles.

    python benchmarks/startup_bench.py --workdir /tmp/termnews-bench [--runs 5] [--large-runs 3]
"""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bench_setup
import harness
import newsboat
import termnews_side

TARGET_RATIO = 0.01
TARGET_SECONDS = 1.0
RATIO_TARGET_FROM = 100_000


@dataclass
class Startup:
    articles: int
    pair: harness.Pair
    termnews_lines: int
    newsboat_unread: int | None
    profile: termnews_side.Profile | None = None


def growth(small: Startup, large: Startup, runs: int) -> harness.Pair:
    """termnews alone at both cache sizes, alternated (AB, BA, ...): does start-up grow?

    The growth row compares termnews with itself, so its samples are taken side by side
    here, not from the pairs with newsboat: there each termnews sample at 100,000
    articles followed a ~100 s ``print-unread`` of newsboat, and the first of them (or
    one just after) came out up to twice as slow as the rest (session 20: 0.08-0.17 s
    against 0.07 s for every run here and by hand).
    """
    assert small.profile is not None and large.profile is not None
    sp, lp = small.profile, large.profile
    return harness.paired(
        f"start-up growth, {small.articles:,} vs {large.articles:,} articles",
        (f"{small.articles:,}", lambda _: termnews_side.articles_unread(sp)),
        (f"{large.articles:,}", lambda _: termnews_side.articles_unread(lp)),
        runs,
    )


def measure(
    workdir: Path,
    feeds: int,
    items: int,
    runs: int,
    via: str = "refresh",
    with_newsboat: bool = True,
) -> Startup:
    corpus = bench_setup.corpus(workdir, feeds, items)
    with bench_setup.start_server(workdir, corpus) as server:
        tn = bench_setup.termnews_state(workdir, corpus, server, via=via)
        nb = bench_setup.newsboat_state(workdir, corpus, server) if with_newsboat else None
    # No server from here on: neither command opens a connection.
    termnews_side.restore(tn.profile, tn.primed)
    if nb is not None:
        newsboat.restore(nb.profile, nb.primed)
    bench_setup.log(f"start-up over {tn.articles:,} articles ({runs} runs)")
    lines: list[int] = []
    counts: list[int] = []

    def run_tn(_: int) -> harness.Run:
        run = termnews_side.articles_unread(tn.profile)
        lines.append(len([line for line in run.stdout.splitlines() if line.strip()]))
        return run

    def run_nb(_: int) -> harness.Run:
        assert nb is not None
        run = newsboat.print_unread(nb.profile)
        counts.append(newsboat.unread_count(run))
        return run

    if nb is not None:
        pair = harness.paired(
            f"start-up, {tn.articles:,} articles", ("termnews", run_tn), ("newsboat", run_nb), runs
        )
    else:
        pair = harness.Pair(
            f"start-up, {tn.articles:,} articles",
            harness.repeat("termnews", run_tn, runs),
            harness.Series("newsboat", ()),
        )
    return Startup(
        tn.articles, pair, min(lines) if lines else 0, counts[-1] if counts else None, tn.profile
    )


def rows_for(
    results: Sequence[Startup], side_by_side: harness.Pair | None = None
) -> list[list[str]]:
    rows: list[list[str]] = []
    for r in results:
        has_nb = bool(r.pair.b.runs)
        ratio = r.pair.ratio() if has_nb else harness.Summary.of(())
        # The ratio target is for the 100,000-article cache; smaller caches are
        # there to show whether the time grows with the cache.
        big = r.articles >= RATIO_TARGET_FROM
        rows.append(
            [
                f"headless start-up, {r.articles:,} articles",
                r.pair.a.wall.fmt("s"),
                r.pair.b.wall.fmt("s") if has_nb else "not run",
                ratio.fmt("x", 4) if has_nb else "n/a",
                f"<= {TARGET_RATIO}x and < {TARGET_SECONDS:.0f} s"
                if big
                else f"< {TARGET_SECONDS:.0f} s",
                _status(ratio.median if has_nb else float("nan"), r.pair.a.wall.median)
                if big
                else harness.target_status(r.pair.a.wall.median, TARGET_SECONDS),
            ]
        )
    if len(results) >= 2:
        small, large = results[0], results[-1]
        if side_by_side is not None:
            grown = side_by_side.b.wall.median / side_by_side.a.wall.median
            how = (
                f"{grown:.2f}x ({side_by_side.a.wall.fmt('s')} vs {side_by_side.b.wall.fmt('s')},"
                f" {len(side_by_side.a.runs)} alternated runs each)"
            )
        else:
            grown = large.pair.a.wall.median / small.pair.a.wall.median
            how = f"{grown:.2f}x"
        rows.append(
            [
                f"termnews {large.articles:,} / {small.articles:,} articles",
                how,
                "",
                "",
                "no growth (<= 1.1x)",
                harness.target_status(grown, 1.1),
            ]
        )
    return rows


def _status(ratio: float, seconds: float) -> str:
    parts = []
    r = harness.target_status(ratio, TARGET_RATIO)
    s = harness.target_status(seconds, TARGET_SECONDS)
    if r == "met" and s == "met":
        return "met"
    if r != "met":
        parts.append(f"ratio {r}")
    if s != "met":
        parts.append(f"time {s}")
    return "; ".join(parts)


def rss_rows(results: Sequence[Startup]) -> list[list[str]]:
    return [
        [
            f"headless start-up, {r.articles:,} articles",
            r.pair.a.rss_mib.fmt("MB", 0),
            r.pair.b.rss_mib.fmt("MB", 0) if r.pair.b.runs else "not run",
        ]
        for r in results
    ]


def to_json(results: Sequence[Startup]) -> list[dict[str, Any]]:
    return [
        {
            "articles": r.articles,
            "pair": r.pair,
            "termnews_lines_printed": r.termnews_lines,
            "newsboat_unread_printed": r.newsboat_unread,
        }
        for r in results
    ]


def print_tables(results: Sequence[Startup], side_by_side: harness.Pair | None = None) -> None:
    harness.print_table(
        "Headless start-up: termnews articles --unread --limit 50 vs newsboat -x print-unread",
        ["measure", "termnews", "newsboat", "ratio", "target", "status"],
        rows_for(results, side_by_side),
        plain=True,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Headless start-up: termnews vs newsboat.")
    parser.add_argument("--workdir", type=Path, default=bench_setup.DEFAULT_WORKDIR)
    parser.add_argument("--runs", type=int, default=5, help="pairs at 1,000 articles")
    parser.add_argument("--large-runs", type=int, default=3, help="pairs at 100,000 articles")
    parser.add_argument("--via", choices=("refresh", "fill"), default="refresh")
    parser.add_argument("--no-newsboat", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not args.no_newsboat and shutil.which(newsboat.NEWSBOAT) is None:
        parser.error("newsboat is not installed (apt-get install newsboat), or use --no-newsboat")
    results = [
        measure(args.workdir, 10, 100, args.runs, args.via, not args.no_newsboat),
        measure(args.workdir, 1000, 100, args.large_runs, args.via, not args.no_newsboat),
    ]
    side_by_side = growth(results[0], results[-1], max(args.runs, 8))
    if args.json:
        harness.write_json(
            args.json,
            {
                "machine": harness.machine_info(),
                "startup": to_json(results),
                "growth": side_by_side,
            },
        )
    print_tables(results, side_by_side)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
