"""The reader's start-up and idle key latency, two source trees side by side (issue 8).

``tui_bench.py`` measures one program against the floor app; this script runs two
termnews source trees (e.g. a worktree of main and a branch) in the same run,
alternating A B A B ..., with ``tui_bench``'s pty machinery, caches and predicates,
so a loaded machine slows both alike. Each tree runs with the same interpreter and
packages; only ``PYTHONPATH`` differs, and the user cache dir (one per tree, as an
install has its own: see ``env_with``).

* ``start``: time to the first full screen (as tui_bench), and the **CPU time** of the
  process tree at that moment (user + system of every thread, from /proc), which
  varies less than wall time on a shared machine; the floor app alternates too.
* ``keys``: idle ``j`` (move) and ``Enter`` (open) latency in the All section of the
  200 x 50 cache (10,000 articles), ``--sessions`` app runs per tree of ``--rounds``
  x (j, j, Enter) each.

    python benchmarks/tui_ab.py keys --old ../main-copy/src --new src --sessions 8 --rounds 20
    python benchmarks/tui_ab.py start --old ../main-copy/src --new src --size 1000x100 --runs 12
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import bench_setup
import termnews_side
import tui_bench as tb


def env_with(profile: termnews_side.Profile, src: str, cache_dir: Path) -> dict[str, str]:
    """The profile's environment running the tree at ``src`` with its own cache dir.

    The user cache dir holds what a start keeps for the next one (the parsed
    stylesheet, the article body shown last: app/css_cache.py, app/body_cache.py),
    each signed with the files of the code that made it. Shared by two trees, each
    start found the other tree's and rebuilt it, so every start of a tree whose
    signature differs was a cold one, as no user's is; each tree gets its own.
    """
    env = profile.env({"TERMNEWS_CACHE_DIR": str(cache_dir)})
    env["PYTHONPATH"] = src
    return env


def cache_dirs(trees: dict[str, str], workdir: Path) -> dict[str, Path]:
    """A user cache dir per tree (see :func:`env_with`), kept between runs of the script."""
    return {name: workdir / f"user-cache-{name}" for name in trees}


def primed_for(primed: Path, trees: dict[str, str], workdir: Path) -> dict[str, Path]:
    """A copy of the primed cache for each tree, already in that tree's schema.

    The primed cache is written once, by whichever tree built it; a tree with a
    newer schema migrates it on open. Restored before every measured start, the
    same file made that tree migrate it every time (~23 ms at 100,000 articles
    for schema 8), a cost a user pays once: so each tree opens its own copy once
    here, and its runs restore that.
    """
    copies: dict[str, Path] = {}
    for name, src in trees.items():
        copy = workdir / f"primed-{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(primed, copy)
        code = (
            "import sys; from termnews.core.store import Store; "
            "s = Store.open(sys.argv[1]); s.conn.execute('PRAGMA wal_checkpoint(TRUNCATE)'); "
            "s.close()"
        )
        subprocess.run(
            [sys.executable, "-c", code, str(copy)],
            env={**os.environ, "PYTHONPATH": src},
            check=True,
        )
        copies[name] = copy
    return copies


def quantile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU of ``pid`` and all its descendants, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    stack += [int(c) for c in handle.read().split()]
        except OSError:
            continue
    return total


def start_once(
    argv: Sequence[str], env: dict[str, str], full: Callable[[Any], bool]
) -> tuple[float | None, float]:
    session = tb.PtySession(argv, env)
    stamp = session.pump(full, 60)
    cpu = tree_cpu_seconds(session.pid)
    session.pump(None, 0.3)
    session.quit()
    return (None if stamp is None else stamp - session.started), cpu


def run_start(workdir: Path, trees: dict[str, str], runs: int, size: str, via: str) -> None:
    feeds, items = map(int, size.split("x"))
    corpus = bench_setup.corpus(workdir, feeds, items)
    with bench_setup.start_server(workdir, corpus) as server:
        state = bench_setup.termnews_state(workdir, corpus, server, via=via)
    full = tb.termnews_full_screen(tb.sections_of(corpus))
    primed = primed_for(state.primed, trees, workdir)
    caches = cache_dirs(trees, workdir)
    names = [*trees, "floor"]
    wall: dict[str, list[float]] = {n: [] for n in names}
    cpu: dict[str, list[float]] = {n: [] for n in names}
    failed: dict[str, int] = dict.fromkeys(names, 0)
    for i in range(runs):
        for name in names if i % 2 == 0 else list(reversed(names)):
            termnews_side.restore(state.profile, primed.get(name, state.primed))
            if name == "floor":
                seconds, used = start_once(
                    tb.floor_argv(), state.profile.env(), tb.floor_full_screen
                )
            else:
                argv = state.profile.command()
                env = env_with(state.profile, trees[name], caches[name])
                seconds, used = start_once(argv, env, full)
            if seconds is None:
                failed[name] += 1
            else:
                wall[name].append(seconds)
            cpu[name].append(used)
    floor_wall = statistics.median(wall["floor"])
    floor_cpu = statistics.median(cpu["floor"])
    print(f"first full screen over {state.articles:,} articles, {runs} runs per program")
    for name in names:
        w, c = wall[name], cpu[name]
        print(
            f"  {name:6} wall median {statistics.median(w):.3f} s (min {min(w):.3f}) "
            f"= {statistics.median(w) / floor_wall:.2f}x floor | CPU median "
            f"{statistics.median(c):.3f} s (min {min(c):.3f}) = "
            f"{statistics.median(c) / floor_cpu:.2f}x floor | failed {failed[name]}"
        )


def run_keys(workdir: Path, trees: dict[str, str], sessions: int, rounds: int) -> None:
    corpus = bench_setup.corpus(workdir, 200, 50)
    samples = {name: tb.KeySamples() for name in trees}
    caches = cache_dirs(trees, workdir)
    with bench_setup.start_server(workdir, corpus) as server:
        state = bench_setup.termnews_state(workdir, corpus, server, via="refresh")
        full = tb.termnews_full_screen(tb.sections_of(corpus))
        for i in range(sessions):
            for name in trees if i % 2 == 0 else list(reversed(trees)):
                termnews_side.restore(state.profile, state.primed)
                argv = state.profile.command()
                session = tb.PtySession(argv, env_with(state.profile, trees[name], caches[name]))
                if session.pump(full, 60) is None:
                    session.quit()
                    raise SystemExit(f"{name}: no first screen within 60 s")
                session.pump(None, 1.0)
                tb.key_rounds(session, samples[name], rounds)
                session.quit()
    print(f"idle keys over {state.articles:,} articles, {sessions} sessions per tree")
    for name, s in samples.items():
        print(
            f"  {name:6} move p50 {quantile(s.move_ms, 0.5):6.1f} p95 "
            f"{quantile(s.move_ms, 0.95):6.1f} ms (n={len(s.move_ms)}) | open p50 "
            f"{quantile(s.open_ms, 0.5):6.1f} p95 {quantile(s.open_ms, 0.95):6.1f} ms "
            f"(n={len(s.open_ms)}) | timeouts {s.timeouts}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="termnews TUI, two source trees A/B.")
    parser.add_argument("what", choices=("start", "keys"))
    parser.add_argument("--old", required=True, help="the reference tree's src directory")
    parser.add_argument("--new", default=str(Path(__file__).resolve().parents[1] / "src"))
    parser.add_argument("--workdir", type=Path, default=bench_setup.DEFAULT_WORKDIR)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--size", default="10x100", help="FEEDSxITEMS of the start cache")
    parser.add_argument("--via", choices=("refresh", "fill"), default="fill")
    parser.add_argument("--sessions", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args(argv)
    trees = {"old": str(Path(args.old).resolve()), "new": str(Path(args.new).resolve())}
    if args.what == "start":
        run_start(args.workdir, trees, args.runs, args.size, args.via)
    else:
        run_keys(args.workdir, trees, args.sessions, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
