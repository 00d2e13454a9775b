"""Run the whole benchmark suite of issue 8 and print one table (optionally JSON).

    python benchmarks/run_all.py                      # the full suite (about an hour)
    python benchmarks/run_all.py --quick              # small corpora, a few minutes
    python benchmarks/run_all.py --json results.json --markdown table.md
    python benchmarks/run_all.py --only refresh,startup

Parts, each also a script of its own:

* ``refresh``  (refresh_bench.py): cold / same content / all-304 of 200 feeds, all-304 of
  1,000 feeds over 100,000 articles and over an empty cache, and with 100 ms latency;
  termnews/newsboat ratio pair by pair, peak RSS of each refresh;
* ``startup``  (startup_bench.py): ``termnews articles --unread --limit 50`` vs
  ``newsboat -x print-unread`` at 1,000 and 100,000 articles;
* ``tui``      (tui_bench.py): first full screen vs a minimal Textual app, TUI peak RSS on
  100,000 articles, key-press latency idle and during a refresh;
* ``related``, ``search`` (related_speed.py, search_speed.py, by their own authors): query
  latency at 100,000 articles, run as subprocesses when present; their p95 is read from the
  table they print.

Prepared states (corpora, primed caches of both programs) are cached in ``--workdir`` and
reused by later runs; see bench_setup.py. newsboat must be installed
(``apt-get install newsboat``); ``--no-newsboat`` runs the termnews side alone.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import bench_setup
import harness
import newsboat
import termnews_side

HERE = Path(__file__).resolve().parent
PARTS = ("refresh", "startup", "tui", "related", "search")
COLUMNS = ["measure", "termnews", "reference", "ratio", "target", "status"]


def _load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()
    except OSError:
        return "unknown"


def part_refresh(args: argparse.Namespace) -> tuple[list[list[str]], Any]:
    import refresh_bench

    if args.quick:
        scenarios = refresh_bench.run_benchmark(
            args.workdir,
            runs=2,
            large_runs=1,
            small=(20, 20),
            large=(50, 40),
            via=args.via,
            with_newsboat=not args.no_newsboat,
        )
    else:
        scenarios = refresh_bench.run_benchmark(
            args.workdir,
            runs=args.runs,
            large_runs=args.large_runs,
            via=args.via,
            with_newsboat=not args.no_newsboat,
        )
    rows = refresh_bench.rows_for(scenarios)
    for row in refresh_bench.rss_rows(scenarios):
        if row[0].startswith("termnews refresh peak RSS"):  # the growth row
            status = row[6].split(" (target", 1)[0]
            rows.append([row[0], row[1], "", "", "no growth (<= 1.2x)", status])
        else:
            rows.append([f"peak RSS: {row[0]}", row[1], row[2], row[3], "", ""])
    return rows, refresh_bench.to_json(scenarios)


def part_startup(args: argparse.Namespace) -> tuple[list[list[str]], Any]:
    import startup_bench

    sizes = [(10, 20), (50, 40)] if args.quick else [(10, 100), (1000, 100)]
    runs = [2, 1] if args.quick else [args.runs, args.large_runs]
    results = [
        startup_bench.measure(
            args.workdir, feeds, items, n, args.via, with_newsboat=not args.no_newsboat
        )
        for (feeds, items), n in zip(sizes, runs, strict=True)
    ]
    side_by_side = startup_bench.growth(results[0], results[-1], 2 if args.quick else 8)
    rows = startup_bench.rows_for(results, side_by_side)
    for row in startup_bench.rss_rows(results):
        rows.append([f"peak RSS: {row[0]}", row[1], row[2], "", "", ""])
    return rows, startup_bench.to_json(results)


def part_tui(args: argparse.Namespace) -> tuple[list[list[str]], Any]:
    import tui_bench

    if tui_bench.pyte is None:
        return [["TUI benchmarks", "skipped: pip install pyte", "", "", "", ""]], None
    if args.quick:
        results = tui_bench.run_benchmark(
            args.workdir,
            runs=2,
            small=(10, 20),
            large=(50, 40),
            keys=(20, 50),
            via=args.via,
            idle_rounds=4,
            during_rounds=4,
        )
    else:
        results = tui_bench.run_benchmark(
            args.workdir,
            runs=args.runs,
            small=(10, 100),
            large=(1000, 100),
            keys=(200, 50),
            via=args.via,
            idle_rounds=40,
            during_rounds=40,
        )
    rows = [[r[0], r[1], "", "", r[2], r[3]] for r in tui_bench.rows_for(results)]
    return rows, results


def _run_script(name: str, extra: Sequence[str]) -> subprocess.CompletedProcess[str] | None:
    script = HERE / name
    if not script.exists():
        return None
    bench_setup.log(f"running {name} {' '.join(extra)}")
    return subprocess.run(
        [sys.executable, str(script), *extra], capture_output=True, text=True, timeout=3 * 3600
    )


def part_related(args: argparse.Namespace) -> tuple[list[list[str]], Any]:
    articles = 5000 if args.quick else 100_000
    proc = _run_script("related_speed.py", ["--articles", str(articles)])
    if proc is None:
        return [["related stories", "related_speed.py not present", "", "", "", ""]], None
    out = proc.stdout
    match = re.search(r"related query, p95 \| ([\d.]+) ms", out)
    median = re.search(r"related_articles`, limit 6\), median \| ([\d.]+) ms", out)
    if proc.returncode != 0 or match is None:
        tail = (proc.stderr or out).strip().splitlines()[-3:]
        return [["related stories query p95", "failed: " + " / ".join(tail), "", "", "", ""]], {
            "stdout": out,
            "stderr": proc.stderr,
        }
    p95 = float(match.group(1))
    text = f"p95 {p95:.1f} ms" + (f", median {float(median.group(1)):.1f} ms" if median else "")
    row = [
        f"related stories query, {articles:,} articles",
        text,
        "",
        "",
        "p95 < 20 ms",
        harness.target_status(p95, 20),
    ]
    return [row], {"articles": articles, "p95_ms": p95, "stdout": out}


def part_search(args: argparse.Namespace) -> tuple[list[list[str]], Any]:
    articles = 5000 if args.quick else 100_000
    proc = _run_script("search_speed.py", ["--articles", str(articles)])
    if proc is None:
        return [["search", "search_speed.py not present", "", "", "", ""]], None
    out = proc.stdout
    # "| query set | queries | median ms | p95 ms | ...": the first two figures are wall times.
    sets = re.findall(r"^\| (.+?) \| (\d+) \| ([\d.]+) \| ([\d.]+) \|", out, re.M)
    if proc.returncode != 0 or not sets:
        tail = (proc.stderr or out).strip().splitlines()[-3:]
        return [["search query p95", "failed: " + " / ".join(tail), "", "", "", ""]], {
            "stdout": out,
            "stderr": proc.stderr,
        }
    rows = []
    for name, n, med, p95 in sets:
        rows.append(
            [
                f"search: {name}, {articles:,} articles",
                f"p95 {float(p95):.1f} ms, median {float(med):.1f} ms (n={n})",
                "",
                "",
                "p95 < 50 ms",
                harness.target_status(float(p95), 50),
            ]
        )
    return rows, {"articles": articles, "sets": sets, "stdout": out}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run every termnews benchmark (issue 8).")
    parser.add_argument("--workdir", type=Path, default=bench_setup.DEFAULT_WORKDIR)
    parser.add_argument("--quick", action="store_true", help="small corpora, few runs")
    parser.add_argument("--runs", type=int, default=3, help="pairs per small scenario")
    parser.add_argument("--large-runs", type=int, default=3, help="pairs per 100k scenario")
    parser.add_argument("--via", choices=("refresh", "fill"), default="refresh")
    parser.add_argument("--only", default=",".join(PARTS), help="comma list of " + ", ".join(PARTS))
    parser.add_argument("--no-newsboat", action="store_true")
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument("--markdown", type=Path, help="write the summary table as Markdown")
    args = parser.parse_args(argv)
    if args.quick and args.workdir == bench_setup.DEFAULT_WORKDIR:
        args.workdir = bench_setup.DEFAULT_WORKDIR.with_name("termnews-bench-quick")
    if not args.no_newsboat and shutil.which(newsboat.NEWSBOAT) is None:
        parser.error("newsboat is not installed (apt-get install newsboat), or use --no-newsboat")
    wanted = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(wanted) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")

    header = {
        "machine": harness.machine_info(),
        "load_average_at_start": _load_average(),
        "termnews": termnews_side.version(),
        "newsboat": "not run" if args.no_newsboat else newsboat.version(),
        "newsboat_reload_threads": newsboat.DEFAULT_RELOAD_THREADS,
        "quick": args.quick,
        "argv": sys.argv,
    }
    functions = {
        "refresh": part_refresh,
        "startup": part_startup,
        "tui": part_tui,
        "related": part_related,
        "search": part_search,
    }
    rows: list[list[str]] = []
    details: dict[str, Any] = {}
    started = time.perf_counter()
    for part in wanted:
        t0 = time.perf_counter()
        part_rows, data = functions[part](args)
        rows.extend(part_rows)
        details[part] = data
        bench_setup.log(f"{part} done in {time.perf_counter() - t0:.0f} s")
    header["seconds"] = round(time.perf_counter() - started)
    header["load_average_at_end"] = _load_average()

    title = (
        f"termnews benchmarks ({'quick' if args.quick else 'full'}): {header['termnews']} vs "
        f"{header['newsboat']} (reload-threads {newsboat.DEFAULT_RELOAD_THREADS}); "
        f"{header['machine']['cores']} cores; median (min-max); ratio = termnews/reference "
        "per pair"
    )
    harness.print_table(title, COLUMNS, rows, plain=True)
    if args.json:
        harness.write_json(args.json, {"header": header, "rows": rows, "details": details})
    if args.markdown:
        args.markdown.write_text(harness.render_markdown_table(COLUMNS, rows) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
