"""How fast could a cold refresh be, and what do its indexes cost? newsboat against trees.

Issue 8 asks for a cold refresh of 200 feeds x 50 items in at most half of newsboat's
time. termnews does more per article than newsboat (plain text for search, the FTS5
index, related-stories signatures and grouping); since session 19 ``termnews refresh``
stores the articles and leaves the indexes to the pass after it (``termnews index``, the
reader's background child, or first use; ``src/termnews/core/indexing.py``). This measures,
in one run, pair by pair:

* ``newsboat`` (``reload-threads 8``, as in ``refresh_bench.py``);
* ``refresh``: ``termnews refresh`` of the tree given (``--src``, default this checkout's
  ``src``), as a user runs it: it stores, the indexes follow later;
* ``refresh+index``: ``termnews refresh --index``: the same, then the search index and
  related stories before it exits: all the work a refresh used to do;
* ``index-no-related``: that, with the related-stories pass cut out of a copy of the tree
  (``PATCHES``): what the search index alone adds;
* ``bare``: not termnews at all but ``bare_refresh.py``, the least a Python program on the
  design card's libraries does for the job (httpx, lxml in a process pool, one SQLite
  table; no text, dates, sanitising, index or grouping): the floor under every tree.

The copy is made by replacing a line of the tree in a copy under ``--workdir``; each
replacement must match exactly once, so a change to that line stops the script instead
of measuring something else. Every run starts from the same subscribed, empty cache and
is a whole ``python -m termnews refresh`` process, run in the order of the sides, then
the reverse, and so on.

    python benchmarks/refresh_floor.py --pairs 3 [--json out.json]

Under other load run it as ``flock /tmp/bench.lock python benchmarks/refresh_floor.py``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
from collections.abc import Callable
from pathlib import Path

import bench_setup
import gen_corpus
import harness
import newsboat
import termnews_side

NO_RELATED: dict[str, list[tuple[str, str]]] = {
    "termnews/core/indexing.py": [
        (
            "                related = index_backlog(store, cancel=cancel)\n",
            "                related = 0\n",
        ),
        ("    counter = _counter(store, (left or pending(store))[1])\n", "    counter = None\n"),
    ],
}
"""No related-stories pass: the index pass builds the search index and mute flags only
(and starts no workers to count terms for it, so the bodies' plain text a refresh left is
made in the pass's own process, by the search index)."""

VARIANTS: dict[str, tuple[list[dict[str, list[tuple[str, str]]]], tuple[str, ...]]] = {
    "refresh": ([], ()),
    "refresh+index": ([], ("--index",)),
    "index-no-related": ([NO_RELATED], ("--index",)),
}
"""Each termnews side: the patches its tree gets, and what it adds to ``termnews refresh``."""


def make_tree(src: Path, dest: Path, patches: list[dict[str, list[tuple[str, str]]]]) -> Path:
    """A copy of ``src`` at ``dest/src`` with ``patches`` applied; each must match once."""
    target = dest / "src"
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(src, target, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for patch in patches:
        for rel, replacements in patch.items():
            path = target / rel
            text = path.read_text(encoding="utf-8")
            for old, new in replacements:
                if text.count(old) != 1:
                    raise SystemExit(f"{rel}: the line to replace is not there once: {old!r}")
                text = text.replace(old, new)
            path.write_text(text, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, default=bench_setup.DEFAULT_WORKDIR)
    parser.add_argument("--src", type=Path, default=Path(__file__).resolve().parents[1] / "src")
    parser.add_argument("--pairs", type=int, default=3, help="runs of each side (default 3)")
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if shutil.which(newsboat.NEWSBOAT) is None:
        print("newsboat is not installed (apt-get install newsboat)", file=sys.stderr)
        return 2

    trees = {
        name: make_tree(args.src.resolve(), args.workdir / f"floor-{name}", patches)
        for name, (patches, _extra) in VARIANTS.items()
    }
    corpus = bench_setup.corpus(args.workdir, args.feeds, args.items)
    sides = ["newsboat", *trees, "bare"]
    runs: dict[str, list[harness.Run]] = {side: [] for side in sides}
    with bench_setup.start_server(args.workdir, corpus) as server:
        tn = bench_setup.termnews_state(args.workdir, corpus, server)
        nb = bench_setup.newsboat_state(args.workdir, corpus, server)
        urls_file = args.workdir / "floor-bare-urls.txt"
        feeds = gen_corpus.load_feed_list(corpus)
        urls_file.write_text("".join(f"{server.base_url}/feeds/{f['file']}\n" for f in feeds))
        bare_db = args.workdir / "floor-bare.db"

        def run_side(side: str) -> harness.Run:
            server.control(mode="normal", reset=1)
            if side == "newsboat":
                newsboat.restore(nb.profile, None)
                return newsboat.reload(nb.profile)
            if side == "bare":
                for leftover in args.workdir.glob("floor-bare.db*"):
                    leftover.unlink()
                script = Path(__file__).with_name("bare_refresh.py")
                return harness.run_process(
                    [sys.executable, script, urls_file, bare_db], timeout=1800, sample_tree=True
                )
            termnews_side.restore(tn.profile, tn.subscribed)
            env = tn.profile.env({"PYTHONPATH": str(trees[side])})
            cmd = [sys.executable, "-m", "termnews", "refresh", *VARIANTS[side][1]]
            return harness.run_process(cmd, env=env, timeout=1800, sample_tree=True)

        for i in range(args.pairs):
            for side in sides if i % 2 == 0 else sides[::-1]:
                run = run_side(side)
                runs[side].append(run)
                print(f"{side}: wall {run.wall_s:.2f} s", flush=True)

    def median(side: str, metric: Callable[[harness.Run], float]) -> float:
        return statistics.median(metric(r) for r in runs[side])

    print(f"\ncold refresh, {args.feeds} feeds x {args.items}, {args.pairs} runs each")
    figures: dict[str, dict[str, float]] = {}
    for side in sides:
        ratios = [t.wall_s / n.wall_s for t, n in zip(runs[side], runs["newsboat"], strict=True)]
        figures[side] = {
            "wall_s": median(side, lambda r: r.wall_s),
            "min_s": min(r.wall_s for r in runs[side]),
            "max_s": max(r.wall_s for r in runs[side]),
            "ratio": statistics.median(ratios),
        }
        f = figures[side]
        print(
            f"  {side:22} {f['wall_s']:.2f} s ({f['min_s']:.2f}-{f['max_s']:.2f})"
            f"  / newsboat {f['ratio']:.2f}x (pair by pair)"
        )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
