"""Memory of the headline list on a long section, two source trees side by side (issue 8).

``G`` in the All section of a 100,000-article cache loaded every row down to the last
one (165 MiB of rows and list options, and ~250 MB of mapped cache pages read by an
``OFFSET 99,800`` query); the list now holds a window of its query. This drives the
real app with Textual's Pilot (headless, 120 x 36, in its own process per run) through
one scenario and samples the process's own memory (``RssAnon``) and the mapped pages of
the cache file (``RssFile``) from ``/proc/self/status`` after each step:

1. the first screen;
2. ``G`` (the last row of All);
3. back up ``--walk`` rows, ``--step`` rows at a time (the highlight set directly, as a
   held ``k`` or a page key would move it; the list loads the pages above as it goes);
4. ``g`` (the first row);
5. down ``--walk`` rows the same way.

Each step's time is from the move to the app's workers all finished (the rows loaded
and shown), in-process: for comparing the trees, not a terminal's key latency (that is
``tui_bench.py``). Peak RSS (``VmHWM``) is the whole process's, at the end.

The trees alternate (old new, new old, ...) ``--pairs`` times in one run on the same
cache (made once by ``fill_cache.py``, ``--feeds`` x ``--items``, kept in ``--workdir``).

    python benchmarks/window_memory.py --old /tmp/S14/src --new src [--pairs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

import fill_cache

DEFAULT_WORKDIR = Path("/tmp/termnews-window")

SCENARIO = r"""
import asyncio, gc, json, os, sys, time
src, data, walk, step = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
sys.path.insert(0, src)
import hashlib
tree = hashlib.sha1(src.encode()).hexdigest()[:8]
os.environ["XDG_CACHE_HOME"] = os.path.join(data, "xdg-cache-" + tree)  # one per tree
from termnews.app.factory import make_app

def status():
    out = {}
    for line in open("/proc/self/status"):
        key = line.split(":")[0]
        if key in ("RssAnon", "RssFile", "VmHWM"):
            out[key] = round(int(line.split()[1]) / 1024, 1)
    return out

async def main():
    app = make_app(data_dir=data, config_file=os.path.join(data, "none.toml"), offline=True)
    steps = []
    async with app.run_test(size=(120, 36)) as pilot:
        hl = app.screen.headlines
        for _ in range(500):  # the first screen's rows (a cold start reads more)
            await pilot.pause(0.02)
            await app.workers.wait_for_complete()
            if hl.rows:
                break
        await pilot.pause(0.5)
        hl.focus()

        async def settled():
            for _ in range(3):
                await pilot.pause(0.02)
                await app.workers.wait_for_complete()

        def sample(name, seconds):
            gc.collect()
            steps.append({"step": name, "s": round(seconds, 3), "rows": len(hl.rows), **status()})

        sample("first screen", 0.0)
        for key in ("G",):
            t = time.perf_counter(); await pilot.press(key); await settled()
            sample("G", time.perf_counter() - t)
        worst = 0.0
        for _ in range(walk // step):
            t = time.perf_counter()
            hl.highlighted = max(0, (hl.highlighted or 0) - step)
            await settled()
            worst = max(worst, time.perf_counter() - t)
        sample(f"up {walk}", worst)
        t = time.perf_counter(); await pilot.press("g"); await settled()
        sample("g", time.perf_counter() - t)
        worst = 0.0
        for _ in range(walk // step):
            t = time.perf_counter()
            hl.highlighted = min(len(hl.rows) - 1, (hl.highlighted or 0) + step)
            await settled()
            worst = max(worst, time.perf_counter() - t)
        sample(f"down {walk}", worst)
        app.exit()
    print(json.dumps(steps))

asyncio.run(main())
"""


def run_tree(src: str, data: Path, walk: int, step: int) -> list[dict[str, Any]]:
    """One run of the scenario in a fresh interpreter with ``src`` first on the path."""
    # A truecolor terminal for both trees: under TERM=xterm alone a tree from session 17
    # on opens in the ANSI theme for 16 colours, and the two would draw different themes.
    env = {**os.environ, "COLORTERM": "truecolor"}
    done = subprocess.run(
        [sys.executable, "-c", SCENARIO, str(Path(src).resolve()), str(data), str(walk), str(step)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{src}: the scenario failed:\n{done.stderr[-2000:]}")
    result: list[dict[str, Any]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", required=True, help="reference source tree (its src/)")
    parser.add_argument("--new", required=True, help="source tree to compare (its src/)")
    parser.add_argument("--pairs", type=int, default=2)
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--walk", type=int, default=3000, help="rows moved up, then down")
    parser.add_argument("--step", type=int, default=150, help="rows per move")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    data = args.workdir / f"cache-{args.feeds}x{args.items}"
    if not (data / "termnews.db").exists():
        print(f"filling {data} ({args.feeds} x {args.items})...", file=sys.stderr)
        fill_cache.fill(data, args.feeds, args.items)
    runs: dict[str, list[list[dict[str, Any]]]] = {"old": [], "new": []}
    for pair in range(args.pairs):
        order = ("old", "new") if pair % 2 == 0 else ("new", "old")
        for name in order:
            runs[name].append(run_tree(getattr(args, name), data, args.walk, args.step))

    print(
        f"headline window, {args.feeds * args.items:,} articles, All section; medians of "
        f"{args.pairs} runs a tree (MiB; s = the step's time, a walk's slowest move)"
    )
    print(f"{'step':<14}{'tree':<5}{'rows':>8}{'own':>9}{'file':>9}{'s':>8}")
    steps = [s["step"] for s in runs["old"][0]]
    for index, step in enumerate(steps):
        for name in ("old", "new"):
            samples = [run[index] for run in runs[name]]

            def median(key: str, samples: list[dict[str, Any]] = samples) -> float:
                return statistics.median(s[key] for s in samples)

            print(
                f"{step:<14}{name:<5}{median('rows'):>8.0f}{median('RssAnon'):>9.1f}"
                f"{median('RssFile'):>9.1f}{median('s'):>8.3f}"
            )
    for name in ("old", "new"):
        peak = statistics.median(run[-1]["VmHWM"] for run in runs[name])
        print(f"peak RSS {name}: {peak:.1f} MiB")
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
