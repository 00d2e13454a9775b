"""Cold refresh of two source trees side by side, alternated: wall and CPU of the process tree.

A quick A/B for refresh work (issue 8's "cold" scenario without newsboat): the 200 x 50
corpus, served by ``feedserver.py``, refreshed into the subscribed-but-empty cache by
``python -m termnews refresh`` with ``PYTHONPATH`` set to each tree's ``src`` in turn, in the
order A B B A A B ... so neither side always runs first on a warm (or busy) machine.

Each run reports:

* wall time of the whole process;
* CPU of the process **tree**: the refresh parses in forkserver worker processes, which
  ``wait4`` of the top process never sees, so every descendant's ``/proc/PID/stat``
  utime+stime is sampled (every ``--interval`` s; the last sample of a process that exits
  is its total less at most one interval) and summed;
* the CPU of the top process alone (writer, fetch loop) and of the worker processes;
* peak RSS of the tree.

With ``--threads`` each run also splits the top process's CPU by thread, by native thread
id and name, which ``python -m termnews`` does not expose: the run is then
``python refresh_ab.py --child``, which runs ``termnews.core.refresh.refresh`` in-process
and samples its own ``/proc/self/task/*/stat`` (thread names from ``threading``).

    python benchmarks/refresh_ab.py --workdir /tmp/rb-cold --old /tmp/cold-old/src \\
        --new src --pairs 4 [--threads]

With ``--threads`` and ``REFRESH_AB_PROFILE=/tmp/w.prof`` in the environment, each side's
in-process refresh also runs under cProfile (the writer's thread only; the file gets the
side's name as suffix, ``/tmp/w.prof.new``): its figures are the thread's CPU time, so
waits (for the disk, for a parsed feed) are left out.

``--timeline 0.25`` also prints, per run, the cores busy in each quarter second: where
the refresh runs on one core (its start, its last batches) rather than two.

``--busy 1`` runs one other process spinning at the harness's priority during each run:
a machine doing something else too, which is where ranking the refresh's work below
other programs' costs it.

Make the old tree with ``git -C . archive main src | tar -x -C /tmp/cold-old``. Under other
load run it as ``flock /tmp/bench.lock python benchmarks/refresh_ab.py ...``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import bench_setup
import harness
import termnews_side

TICK = os.sysconf("SC_CLK_TCK")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def _stat(path: str) -> tuple[float, int, int] | None:
    """(CPU seconds, start time in ticks, RSS KiB) of one /proc stat file."""
    try:
        with open(path) as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / TICK, int(fields[19]), int(fields[21]) * PAGE_KIB


class TreeCPU(threading.Thread):
    """Samples the CPU of ``root`` and every descendant until :meth:`stop`."""

    def __init__(self, root: int, interval: float) -> None:
        super().__init__(daemon=True, name="tree-cpu")
        self.root = root
        self.interval = interval
        self.cpu: dict[tuple[int, int], float] = {}
        """Latest CPU seconds per (pid, start time): a reused pid is another process."""
        self.peak_rss_kib = 0
        self.timeline: list[tuple[float, float]] = []
        """(seconds since the start, tree CPU seconds so far) at each sample."""
        self._t0 = time.perf_counter()
        self._done = threading.Event()

    def sample(self) -> None:
        todo, seen, rss = [self.root], set(), 0
        while todo:
            pid = todo.pop()
            if pid in seen:
                continue
            seen.add(pid)
            got = _stat(f"/proc/{pid}/stat")
            if got is None:
                continue
            cpu, start, kib = got
            self.cpu[(pid, start)] = max(cpu, self.cpu.get((pid, start), 0.0))
            rss += kib
            todo.extend(harness.child_pids(pid))
        self.peak_rss_kib = max(self.peak_rss_kib, rss)
        self.timeline.append((time.perf_counter() - self._t0, self.total()))

    def busy(self, slot: float) -> list[float]:
        """Cores busy in each ``slot`` seconds of the run: where it runs on one core."""
        out: list[float] = []
        edge, last = slot, 0.0
        for t, cpu in self.timeline:
            while t >= edge:
                out.append((cpu - last) / slot)
                last, edge = cpu, edge + slot
        return out

    def run(self) -> None:
        while not self._done.is_set():
            self.sample()
            self._done.wait(self.interval)

    def stop(self) -> None:
        self._done.set()
        self.join()

    def root_cpu(self) -> float:
        return sum(v for (pid, _), v in self.cpu.items() if pid == self.root)

    def total(self) -> float:
        return sum(self.cpu.values())


@dataclass
class RunResult:
    side: str
    wall_s: float
    tree_cpu_s: float
    top_cpu_s: float
    rss_mib: float
    summary: str
    threads: dict[str, float] = field(default_factory=dict)
    busy: list[float] = field(default_factory=list)


def _run(cmd: list[str], env: dict[str, str], interval: float) -> tuple[float, TreeCPU, str]:
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    sampler = TreeCPU(proc.pid, interval)
    sampler.start()
    out, err = proc.communicate(timeout=600)
    wall = time.perf_counter() - started
    sampler.stop()
    # The top process's own total is exact once reaped (its children are not in it).
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.decode()[-2000:]}")
    return wall, sampler, out.decode()


@contextlib.contextmanager
def _busy_processes(count: int) -> Iterator[None]:
    """``count`` processes spinning at the caller's priority while the block runs.

    A stand-in for other programs on the machine (``--busy``): what a refresh that
    ranks its work below theirs loses to them. They are not in the measured tree.
    """
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        yield
    finally:
        for proc in spinners:
            proc.kill()
            proc.wait()


def _summary(stdout: str) -> str:
    lines = [line for line in stdout.splitlines() if line.strip()]
    return lines[-1][:100] if lines else ""


def measure(args: argparse.Namespace) -> None:
    work = Path(args.workdir)
    trees = {"old": str(Path(args.old).resolve()), "new": str(Path(args.new).resolve())}
    corpus = bench_setup.corpus(work, args.feeds, args.items)
    results: list[RunResult] = []
    with bench_setup.start_server(work, corpus) as server:
        state = bench_setup.termnews_state(work, corpus, server)
        for i in range(args.pairs):
            for side in ("old", "new") if i % 2 == 0 else ("new", "old"):
                termnews_side.restore(state.profile, state.subscribed)
                server.control(mode="normal")
                env = state.profile.env({"PYTHONPATH": trees[side]})
                if os.environ.get("REFRESH_AB_PROFILE"):
                    env["REFRESH_AB_PROFILE"] = f"{os.environ['REFRESH_AB_PROFILE']}.{side}"
                if os.environ.get("REFRESH_AB_INDEX"):
                    env["REFRESH_AB_INDEX"] = os.environ["REFRESH_AB_INDEX"]
                if args.threads:
                    cmd = [sys.executable, __file__, "--child", str(state.profile.db)]
                else:
                    cmd = [sys.executable, "-m", "termnews", "refresh"]
                with _busy_processes(args.busy):
                    wall, tree, out = _run(cmd, env, args.interval)
                res = RunResult(
                    side,
                    wall,
                    tree.total(),
                    tree.root_cpu(),
                    tree.peak_rss_kib / 1024,
                    _summary(out),
                )
                if args.threads:
                    res.threads = json.loads(out.strip().splitlines()[-1])
                    res.summary = f"{res.threads.pop('_new', 0):.0f} new"
                if args.timeline:
                    res.busy = tree.busy(args.timeline)
                results.append(res)
                extra = ""
                if res.threads:
                    ranked = sorted(res.threads.items(), key=lambda kv: -kv[1])
                    extra = " | " + " ".join(f"{k} {v:.2f}" for k, v in ranked)
                print(
                    f"{side}: wall {wall:.2f} s  tree CPU {res.tree_cpu_s:.2f} s"
                    f" (top {res.top_cpu_s:.2f}, workers {res.tree_cpu_s - res.top_cpu_s:.2f})"
                    f"  rss {res.rss_mib:.0f} MB  {res.summary}{extra}",
                    flush=True,
                )
                if res.busy:
                    slots = " ".join(f"{b:.1f}" for b in res.busy)
                    print(f"  cores busy per {args.timeline:g} s: {slots}", flush=True)
    print()
    med: dict[str, dict[str, float]] = {}
    for side in ("old", "new"):
        runs = [r for r in results if r.side == side]
        med[side] = {
            "wall": statistics.median(r.wall_s for r in runs),
            "cpu": statistics.median(r.tree_cpu_s for r in runs),
            "top": statistics.median(r.top_cpu_s for r in runs),
            "rss": statistics.median(r.rss_mib for r in runs),
        }
        walls = [r.wall_s for r in runs]
        print(
            f"{side}: median wall {med[side]['wall']:.2f} s (min {min(walls):.2f}, max"
            f" {max(walls):.2f})  tree CPU {med[side]['cpu']:.2f} s  top process"
            f" {med[side]['top']:.2f} s  rss {med[side]['rss']:.0f} MB"
        )
    print(
        f"new/old: wall {med['new']['wall'] / med['old']['wall']:.2f}"
        f"  tree CPU {med['new']['cpu'] / med['old']['cpu']:.2f}"
    )


def child(db: str) -> None:
    """One cold refresh in this process, then per-thread CPU as one JSON line.

    It stores only, as ``termnews refresh`` does (``index=False``: the indexes are a
    pass after it), where the tree's :func:`refresh` takes that argument; with
    ``REFRESH_AB_INDEX=1`` it indexes during the refresh, as the reader's does.
    """
    import inspect

    from termnews.core.config import load_config
    from termnews.core.refresh import refresh
    from termnews.core.store import Store

    config = load_config(Path(os.environ["TERMNEWS_CONFIG"]))
    names: dict[str, str] = {}
    cpu: dict[str, float] = {}
    stop = threading.Event()
    me = str(threading.get_native_id())

    def sample() -> None:
        while True:
            for t in threading.enumerate():
                if t.native_id is not None:
                    names[str(t.native_id)] = t.name
            for tid in os.listdir("/proc/self/task"):
                got = _stat(f"/proc/self/task/{tid}/stat")
                if got is not None:
                    cpu[tid] = max(cpu.get(tid, 0.0), got[0])
            if stop.wait(0.02):
                return

    sampler = threading.Thread(target=sample, daemon=True, name="sampler")
    sampler.start()
    store = Store.open(Path(db))
    options: dict[str, bool] = {}
    if "index" in inspect.signature(refresh).parameters:
        options["index"] = os.environ.get("REFRESH_AB_INDEX") == "1"
    profile_to = os.environ.get("REFRESH_AB_PROFILE")
    if profile_to:
        import cProfile

        # The thread's CPU clock, not the wall: a commit waiting for the disk, or the
        # writer waiting for a parsed feed, is not work this thread could save.
        profiler = cProfile.Profile(time.thread_time)
        report = profiler.runcall(refresh, store, settings=config, **options)
        profiler.dump_stats(profile_to)
    else:
        report = refresh(store, settings=config, **options)
    store.close()
    stop.set()
    sampler.join()
    out: dict[str, float] = {"_new": float(report.new)}
    for tid, v in cpu.items():
        name = names.get(tid, "other")
        if name == "sampler":
            continue
        # "Thread-3 (target)" -> "Thread": one figure per kind of thread.
        name = "writer (main)" if tid == me else re.sub(r"-\d+.*$", "", name)
        out[name] = out.get(name, 0.0) + v
    print(json.dumps({k: round(v, 3) for k, v in out.items()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", default="/tmp/termnews-bench")
    parser.add_argument("--old", help="the reference tree's src directory")
    parser.add_argument("--new", default=str(Path(__file__).resolve().parents[1] / "src"))
    parser.add_argument("--pairs", type=int, default=4)
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--interval", type=float, default=0.02, help="CPU sampling interval")
    parser.add_argument("--threads", action="store_true", help="split the top CPU by thread")
    parser.add_argument(
        "--timeline",
        type=float,
        metavar="SECONDS",
        help="also print the cores busy in each slot of this length (serial start, tail)",
    )
    parser.add_argument(
        "--busy",
        type=int,
        default=0,
        metavar="N",
        help="N other processes spinning during each run (a loaded machine)",
    )
    parser.add_argument("--child", metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    if not args.old:
        parser.error("--old is required")
    measure(args)


if __name__ == "__main__":
    main()
