"""Refresh speed and memory, termnews against newsboat, pair by pair in the same run (issue 8).

Scenarios (each a whole process per run; the starting cache is restored before every run):

| scenario | corpus | server | cache before each run |
|---|---|---|---|
| cold | 200 x 50 | normal | subscribed, no articles |
| cold + indexes | 200 x 50 | normal | the same, by ``termnews refresh --index`` |
| same content again | 200 x 50 | ``full``: same bodies, no validators | after one refresh |
| all-304 | 200 x 50 | normal | after one refresh (newsboat: two, to hold validators) |
| all-304 over 100k | 1,000 x 100 | normal | 100,000 articles and every feed's validators |
| all-304 over empty | 1,000 x 100 | normal | the same validators, no articles |
| all-304 over 100k, 100 ms | 1,000 x 100 | normal, 100 ms before each answer | as "over 100k" |

The "over empty" caches are made from the primed ones: termnews's subscribed cache with the
primed cache's fetch state (ETag, Last-Modified, body hash, TTL) copied in; newsboat's primed
cache with every item deleted. termnews runs with the profile of ``termnews_side.py``
(defaults, ``per_host = 16``); newsboat with ``reload-threads 8`` (``newsboat.py``).

``termnews refresh`` stores the articles and leaves the search index and related stories to
the pass after it (``src/termnews/core/indexing.py``); the "then the indexes" row times that
pass too, inside the same command, so the table shows what the work costs in all.

Each run's peak RSS is the larger of GNU time's high-water mark and the sampled sum over the
process tree (termnews parses in worker processes). The server's status counts of the last
run of each scenario are kept in the JSON to show what was actually answered.

    python benchmarks/refresh_bench.py --workdir /tmp/termnews-bench [--runs 3] [--json out]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bench_setup
import harness
import newsboat
import termnews_side

TARGETS = {
    "cold": 0.5,
    "same": 0.3,
    "304": 0.5,
    "304_100k": 0.05,
    "304_100k_latency": 0.05,
}


@dataclass
class Scenario:
    key: str
    title: str
    pair: harness.Pair
    server_stats: dict[str, Any]
    termnews_summary: str


def _tn_empty_with_validators(state: bench_setup.TermnewsState, dest: Path) -> Path:
    """The subscribed cache plus the primed cache's fetch state: validators, no articles."""
    shutil.copyfile(state.subscribed, dest)
    for suffix in ("-wal", "-shm"):
        dest.with_name(dest.name + suffix).unlink(missing_ok=True)
    cols = (
        "etag",
        "last_modified",
        "source_hash",
        "ttl_minutes",
        "next_check",
        "last_checked",
        "last_success",
        "title",
        "site_url",
    )
    sets = ", ".join(
        f"{c} = (SELECT pf.{c} FROM p.feeds pf WHERE pf.url = feeds.url)" for c in cols
    )
    db = sqlite3.connect(dest)
    try:
        # A plain path: without uri=True a "file:" name would attach a new, empty file.
        db.execute("ATTACH DATABASE ? AS p", (str(state.primed),))
        db.execute(f"UPDATE feeds SET {sets}")
        db.commit()
        db.execute("DETACH DATABASE p")
        (validated,) = db.execute("SELECT count(*) FROM feeds WHERE etag IS NOT NULL").fetchone()
        # The copy is in WAL mode: fold the WAL in, or copying the main file alone (as
        # restore does) would lose the update.
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    if validated == 0:
        raise RuntimeError(f"no validators copied from {state.primed} into {dest}")
    return dest


def _nb_empty_with_validators(state: bench_setup.NewsboatState, dest: Path) -> Path:
    shutil.copyfile(state.primed, dest)
    db = sqlite3.connect(dest)
    try:
        db.execute("DELETE FROM rss_item")
        db.commit()
        db.execute("VACUUM")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return dest


def _measure_pair(
    key: str,
    title: str,
    server: Any,
    mode: str,
    tn: bench_setup.TermnewsState,
    tn_start: Path,
    nb: bench_setup.NewsboatState,
    nb_start: Path | None,
    runs: int,
    with_newsboat: bool,
    tn_args: tuple[str, ...] = (),
) -> Scenario:
    bench_setup.log(f"refresh: {title} ({runs} runs)")
    last_stats: dict[str, Any] = {}
    summaries: list[str] = []

    def setup_tn(_: int) -> None:
        server.control(mode=mode, reset=1)
        termnews_side.restore(tn.profile, tn_start)

    def setup_nb(_: int) -> None:
        server.control(mode=mode, reset=1)
        newsboat.restore(nb.profile, nb_start)

    def run_tn(_: int) -> harness.Run:
        run = termnews_side.refresh(tn.profile, *tn_args)
        summaries.append(termnews_side.refresh_summary(run))
        last_stats["termnews"] = server.stats()
        return run

    def run_nb(_: int) -> harness.Run:
        run = newsboat.reload(nb.profile)
        last_stats["newsboat"] = server.stats()
        return run

    if with_newsboat:
        pair = harness.paired(
            title, ("termnews", run_tn), ("newsboat", run_nb), runs, setup_tn, setup_nb
        )
    else:
        series = harness.repeat("termnews", run_tn, runs, setup_tn)
        pair = harness.Pair(title, series, harness.Series("newsboat", ()))
    return Scenario(key, title, pair, last_stats, summaries[-1] if summaries else "")


def run_benchmark(
    workdir: Path,
    *,
    runs: int,
    large_runs: int,
    small: tuple[int, int] = (200, 50),
    large: tuple[int, int] | None = (1000, 100),
    via: str = "refresh",
    latency_ms: float = 100,
    with_newsboat: bool = True,
) -> list[Scenario]:
    out: list[Scenario] = []
    corpus = bench_setup.corpus(workdir, *small)
    with bench_setup.start_server(workdir, corpus) as server:
        tn = bench_setup.termnews_state(workdir, corpus, server, via=via)
        nb = bench_setup.newsboat_state(workdir, corpus, server) if with_newsboat else None
        n = f"{small[0]} feeds x {small[1]}"
        common = {"server": server, "tn": tn, "nb": nb, "with_newsboat": with_newsboat}
        out.append(
            _measure_pair(
                "cold",
                f"cold refresh, {n}",
                mode="normal",
                tn_start=tn.subscribed,
                nb_start=None,
                runs=runs,
                **common,  # type: ignore[arg-type]
            )
        )
        out.append(
            _measure_pair(
                "cold_index",
                f"cold refresh then the indexes (--index), {n}",
                mode="normal",
                tn_start=tn.subscribed,
                nb_start=None,
                runs=runs,
                tn_args=("--index",),
                **common,  # type: ignore[arg-type]
            )
        )
        out.append(
            _measure_pair(
                "same",
                f"same content again, {n}",
                mode="full",
                tn_start=tn.primed,
                nb_start=nb.primed if nb else None,
                runs=runs,
                **common,  # type: ignore[arg-type]
            )
        )
        out.append(
            _measure_pair(
                "304",
                f"all-304, {n}",
                mode="normal",
                tn_start=tn.primed,
                nb_start=nb.primed if nb else None,
                runs=runs,
                **common,  # type: ignore[arg-type]
            )
        )
    if large is None:
        return out
    corpus = bench_setup.corpus(workdir, *large)
    with bench_setup.start_server(workdir, corpus) as server:
        tn = bench_setup.termnews_state(workdir, corpus, server, via=via)
        nb = bench_setup.newsboat_state(workdir, corpus, server) if with_newsboat else None
        state_dir = tn.primed.parent
        tn_empty = _tn_empty_with_validators(tn, state_dir / "validators-only.db")
        nb_empty = (
            _nb_empty_with_validators(nb, nb.primed.parent / "validators-only.db") if nb else None
        )
        feeds = large[0]
        common = {"server": server, "tn": tn, "nb": nb, "with_newsboat": with_newsboat}
        out.append(
            _measure_pair(
                "304_100k",
                f"all-304, {feeds} feeds over {tn.articles:,} articles",
                mode="normal",
                tn_start=tn.primed,
                nb_start=nb.primed if nb else None,
                runs=large_runs,
                **common,  # type: ignore[arg-type]
            )
        )
        out.append(
            _measure_pair(
                "304_empty",
                f"all-304, {feeds} feeds over an empty cache",
                mode="normal",
                tn_start=tn_empty,
                nb_start=nb_empty,
                runs=large_runs,
                **common,  # type: ignore[arg-type]
            )
        )
        server.control(latency_ms=latency_ms)
        out.append(
            _measure_pair(
                "304_100k_latency",
                f"all-304, {feeds} feeds over {tn.articles:,} articles, "
                f"{latency_ms:.0f} ms latency",
                mode="normal",
                tn_start=tn.primed,
                nb_start=nb.primed if nb else None,
                runs=large_runs,
                **common,  # type: ignore[arg-type]
            )
        )
        server.control(latency_ms=0)
    return out


def rows_for(scenarios: Sequence[Scenario]) -> list[list[str]]:
    """measure, termnews, newsboat, ratio, target, status (wall time), then RSS rows."""
    rows: list[list[str]] = []
    by_key = {s.key: s for s in scenarios}
    for s in scenarios:
        pair = s.pair
        has_nb = bool(pair.b.runs)
        ratio = pair.ratio() if has_nb else harness.Summary.of(())
        target = TARGETS.get(s.key)
        status = (
            harness.target_status(ratio.median, target) if target is not None and has_nb else ""
        )
        rows.append(
            [
                s.title,
                pair.a.wall.fmt("s"),
                pair.b.wall.fmt("s") if has_nb else "not run",
                ratio.fmt("x") if has_nb else "n/a",
                f"<= {target}x" if target is not None else "",
                status,
            ]
        )
    big, empty = by_key.get("304_100k"), by_key.get("304_empty")
    if big and empty:
        growth = big.pair.a.wall.median / empty.pair.a.wall.median
        rows.append(
            [
                "termnews all-304 over 100k / over empty cache",
                f"{growth:.2f}x",
                "",
                "",
                "<= 1.0x (no growth; 10% noise allowed)",
                harness.target_status(growth, 1.1),
            ]
        )
    return rows


def rss_rows(scenarios: Sequence[Scenario]) -> list[list[str]]:
    rows = []
    for s in scenarios:
        has_nb = bool(s.pair.b.runs)
        rows.append(
            [
                s.title,
                s.pair.a.rss_mib.fmt("MB", 0),
                s.pair.b.rss_mib.fmt("MB", 0) if has_nb else "not run",
                s.pair.ratio(lambda r: r.peak_rss_kib).fmt("x") if has_nb else "n/a",
                pss.fmt("MB", 0) if (pss := s.pair.a.pss_mib) is not None else "n/a",
                pss.fmt("MB", 0) if has_nb and (pss := s.pair.b.pss_mib) is not None else "n/a",
                s.pair.ratio(lambda r: r.tree_pss_kib or 0).fmt("x")
                if has_nb and s.pair.b.pss_mib is not None
                else "n/a",
            ]
        )
    by_key = {s.key: s for s in scenarios}
    few, many = by_key.get("304"), by_key.get("304_empty")
    if few and many:
        growth = many.pair.a.rss_mib.median / few.pair.a.rss_mib.median
        rows.append(
            [
                "termnews refresh peak RSS, 1,000 vs 200 feeds (all-304)",
                f"{growth:.2f}x",
                "",
                "",
                "",
                "",
                f"{harness.target_status(growth, 1.2)} (target: no growth, <= 1.2x)",
            ]
        )
    return rows


def to_json(scenarios: Sequence[Scenario]) -> list[dict[str, Any]]:
    return [
        {
            "key": s.key,
            "pair": s.pair,
            "target_ratio": TARGETS.get(s.key),
            "server_stats_last_run": s.server_stats,
            "termnews_summary": s.termnews_summary,
        }
        for s in scenarios
    ]


def print_tables(scenarios: Sequence[Scenario]) -> None:
    harness.print_table(
        "Refresh, wall time: median (min-max); ratio termnews/newsboat per pair",
        ["scenario", "termnews", "newsboat", "ratio", "target", "status"],
        rows_for(scenarios),
        plain=True,
    )
    harness.print_table(
        "Refresh, peak memory: RSS (termnews: summed over its process tree) and PSS (shared"
        " pages split between the processes sharing them)",
        [
            "scenario",
            "termnews RSS",
            "newsboat RSS",
            "ratio",
            "termnews PSS",
            "newsboat PSS",
            "ratio",
        ],
        rss_rows(scenarios),
        plain=True,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Refresh: termnews vs newsboat.")
    parser.add_argument("--workdir", type=Path, default=bench_setup.DEFAULT_WORKDIR)
    parser.add_argument("--runs", type=int, default=3, help="pairs per 200-feed scenario")
    parser.add_argument("--large-runs", type=int, default=3, help="pairs per 1,000-feed one")
    parser.add_argument("--via", choices=("refresh", "fill"), default="refresh")
    parser.add_argument("--no-large", action="store_true", help="skip the 1,000-feed scenarios")
    parser.add_argument("--no-newsboat", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not args.no_newsboat and shutil.which(newsboat.NEWSBOAT) is None:
        parser.error("newsboat is not installed (apt-get install newsboat), or use --no-newsboat")
    scenarios = run_benchmark(
        args.workdir,
        runs=args.runs,
        large_runs=args.large_runs,
        large=None if args.no_large else (1000, 100),
        via=args.via,
        with_newsboat=not args.no_newsboat,
    )
    if args.json:  # first: a table that fails to print must not lose the figures
        harness.write_json(
            args.json, {"machine": harness.machine_info(), "refresh": to_json(scenarios)}
        )
    print_tables(scenarios)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
