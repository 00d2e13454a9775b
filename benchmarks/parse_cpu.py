"""CPU a parse worker spends per article, this tree against a git revision, side by side.

What is measured is the whole job a parse worker process runs for each feed of a
refresh (``termnews.core.parse_pool.parse_and_count_job``: feed bytes to each
entry's plain text and summary, as rows for the writer, plus the encoded
related-stories term counts), and the pickling of its result, which the worker
does to send it back to the writer. It runs in-process over every feed of a corpus,
timed with the thread's CPU clock, so neither the network nor the writer nor the
other helpers' load on a shared machine counts, only what the parsing costs.

Each round starts one **fresh process** per side (a worker starts with cold memos,
as in a refresh) and hands them the corpus a few feeds at a time, alternating AB,
BA, AB, ... chunk by chunk, so the load other programs put on a shared machine
(which inflates CPU time too: caches, frequency) falls on both sides alike. A
round's figure is the side's CPU time summed over the chunks divided by its
articles. The earlier revision's ``src/`` is taken with ``git archive``; this
tree's is the working tree, uncommitted edits included.

The outputs are compared too, entry by entry (every ``EntryData`` field, the
encoded term counts in order, and the Markdown each entry gives when read): a
speed-up must not change what is stored. The count of differing articles and the
first few differences are printed; the exit status is 1 when any differ.

Usage::

    python benchmarks/parse_cpu.py                      # 200 x 50 gen_corpus, against main
    python benchmarks/parse_cpu.py --against HEAD~3 --rounds 7
    python benchmarks/parse_cpu.py --feeds-dir ../shared/corpus/feeds-real
    python benchmarks/parse_cpu.py --profile            # cProfile of this tree's job only
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import gc
import json
import os
import pickle
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SKIP_SUFFIXES = {".csv", ".md", ".json", ".gz", ".opml"}
URL_BASE = "http://127.0.0.1:8080/feeds/"
"""Feeds are parsed as if fetched from here (relative links resolve against it)."""


_WARM_UP = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>t</title><link>http://example.org/</link>
<item><title>a</title><link>http://example.org/a</link><guid>http://example.org/a</guid>
<pubDate>Sun, 01 Jun 2025 10:00:00 +0000</pubDate><description>&lt;p&gt;b&lt;/p&gt;</description>
</item></channel></rss>"""
"""Parsed before the clock starts, so imports done on first use are not counted."""


# -- the worker side (runs in a fresh process, with one side's src/ first on sys.path) --


def _plain(value: Any) -> Any:
    """Dataclasses, tuples and arrays as plain dicts and lists (comparable across versions)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


def _job() -> Any:
    """The worker's per-feed function of the revision on sys.path."""
    from termnews.core import parse_pool

    job = getattr(parse_pool, "parse_and_count_job", None)
    if job is not None:
        return job
    from termnews.core.related_text import entry_terms

    def parse_and_count(data: bytes, url: str, since: object = None) -> tuple[Any, Any, Any]:
        parsed, error = parse_pool.parse_job(data, url)
        return parsed, error, entry_terms(parsed.entries) if parsed is not None else ()

    return parse_and_count


def _entries(job_result: tuple[Any, Any, Any], data: bytes, url: str) -> Any:
    """The job's ``ParsedFeed`` (or None), to compare: a tree whose job hands over rows
    (``termnews.core.store.rows.FeedRows``) parses the feed again, untimed, for its entries.

    The rows themselves store what the entries did (tests/unit/test_store_rows.py).
    """
    from termnews.core import parse_pool

    parsed = job_result[0]
    if parsed is None or hasattr(parsed, "entries"):
        return parsed
    return parse_pool.parse_job(data, url)[0]


def serve(src: Path, paths: list[Path]) -> None:
    """Answer the driver's commands on stdin with the code under ``src``.

    ``CHUNK i j``: parse feeds ``i`` to ``j`` and print the thread CPU seconds it took;
    ``DUMP path``: write every result so far as plain data; ``ARTICLES``: print the count.
    """
    sys.path.insert(0, str(src))
    import termnews

    if not Path(termnews.__file__).resolve().is_relative_to(src.resolve()):
        raise SystemExit(f"termnews imported from {termnews.__file__}, not from {src}")
    job = _job()
    job(_WARM_UP, URL_BASE + "warm-up.xml", None)  # lazy imports, as a worker's first feed
    feeds = [(p.name, p.read_bytes()) for p in paths]
    results: list[tuple[str, bytes, Any]] = []
    dumps = pickle.dumps
    gc.collect()
    print("ready", flush=True)
    for line in sys.stdin:
        command, *rest = line.split(maxsplit=1)
        if command == "CHUNK":
            first, last = map(int, rest[0].split())
            cpu0 = time.thread_time()
            for name, data in feeds[first:last]:
                result = job(data, URL_BASE + name, None)
                dumps(result)  # what ProcessPoolExecutor does to send it to the writer
                results.append((name, data, result))
            print(time.thread_time() - cpu0, flush=True)
        elif command == "ARTICLES":
            parsed_feeds = (_entries(r, data, URL_BASE + n) for n, data, r in results)
            print(sum(len(p.entries) for p in parsed_feeds if p is not None), flush=True)
        elif command == "DUMP":
            dumped = [
                (name, _entries(result, data, URL_BASE + name), *result[1:])
                for name, data, result in results
            ]
            plain = [
                {
                    "name": name,
                    "error": error,
                    "feed": _plain(dataclasses.replace(parsed, entries=())) if parsed else None,
                    "entries": _plain(parsed.entries) if parsed else [],
                    # Not part of the job (made when an article is read), but made from
                    # what the job keeps: a change there must not change it either.
                    "markdown": [e.markdown for e in parsed.entries] if parsed else [],
                    "terms": list(terms),
                }
                for name, parsed, error, terms in dumped
            ]
            Path(rest[0].strip()).write_bytes(pickle.dumps(plain))
            print("dumped", flush=True)


class Worker:
    """A fresh process parsing with one side's code, driven through its stdin."""

    def __init__(self, src: Path, list_file: Path, tmp: Path) -> None:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", str(src)]
        cmd += ["--list", str(list_file)]
        env = dict(os.environ, PYTHONPATH=str(src), PYTHONHASHSEED="0")
        self.proc = subprocess.Popen(
            cmd, env=env, cwd=tmp, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.src = src
        self.ask(None)

    def ask(self, command: str | None) -> str:
        """Send one command (None: just wait for the greeting) and read the one-line answer."""
        assert self.proc.stdin and self.proc.stdout
        if command is not None:
            self.proc.stdin.write(command + "\n")
            self.proc.stdin.flush()
        answer = self.proc.stdout.readline()
        if not answer:
            raise SystemExit(f"the worker for {self.src} died (exit {self.proc.wait()})")
        return answer.strip()

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=60)


# -- the driver -------------------------------------------------------------------------


def feed_paths(root: Path, limit: int | None) -> list[Path]:
    """The feed files under ``root`` (recursively), sorted, at most ``limit``."""
    found = [
        p
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.suffix.lower() not in SKIP_SUFFIXES and not p.name.startswith(".")
    ]
    return found[:limit] if limit else found


def old_source(rev: str, into: Path) -> Path:
    """``src/`` of git revision ``rev``, extracted under ``into``."""
    archive = subprocess.run(
        ["git", "archive", rev, "src"], cwd=REPO, check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def measure(src: Path, list_file: Path, dump: Path | None, tmp: Path) -> dict[str, Any]:
    """One fresh worker process over the whole corpus with the code under ``src``."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", str(src)]
    cmd += ["--list", str(list_file)]
    if dump is not None:
        cmd += ["--dump", str(dump)]
    env = dict(os.environ, PYTHONPATH=str(src), PYTHONHASHSEED="0")
    done = subprocess.run(cmd, env=env, cwd=tmp, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"worker for {src} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _first_change(a: str, b: str, width: int = 60) -> str:
    """Where two long strings part, with some context on each side."""
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    start = max(0, i - width // 2)
    return f"at char {i}: old {a[start : i + width]!r} / new {b[start : i + width]!r}"


def _describe(name: str, old: Any, new: Any) -> str:
    if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > 120:
        return f"{name} {_first_change(old, new)}"
    if isinstance(old, bytes) and isinstance(new, bytes):
        return f"{name}: {len(old)} bytes / {len(new)} bytes, differ"
    return f"{name}: old {old!r:.150} / new {new!r:.150}"


def compare(old_dump: Path, new_dump: Path) -> tuple[int, int, list[str]]:
    """(differing articles, differing feeds, descriptions of the first differences)."""
    old_feeds = pickle.loads(old_dump.read_bytes())
    new_feeds = pickle.loads(new_dump.read_bytes())
    articles = feeds = 0
    notes: list[str] = []
    for old, new in zip(old_feeds, new_feeds, strict=True):
        feed_notes = [
            _describe(f"{old['name']} {key}", old[key], new[key])
            for key in ("error", "feed")
            if old[key] != new[key]
        ]
        if len(old["entries"]) != len(new["entries"]):
            feed_notes.append(
                f"{old['name']}: {len(old['entries'])} entries / {len(new['entries'])}"
            )
        feeds += bool(feed_notes)
        notes.extend(feed_notes)
        old_terms = old["terms"] or [None] * len(old["entries"])
        new_terms = new["terms"] or [None] * len(new["entries"])
        pairs = zip(old["entries"], new["entries"], old_terms, new_terms, strict=False)
        for i, (a, b, ta, tb) in enumerate(pairs):
            changed = [
                _describe(f"{old['name']}#{i} {k}", a.get(k), b.get(k))
                for k in sorted(a.keys() | b.keys())
                if a.get(k) != b.get(k)
            ]
            if ta != tb:
                changed.append(_describe(f"{old['name']}#{i} terms", ta, tb))
            ma, mb = old["markdown"][i], new["markdown"][i]
            if ma != mb:
                changed.append(_describe(f"{old['name']}#{i} markdown", ma, mb))
            if changed:
                articles += 1
                notes.extend(changed)
    return articles, feeds, notes


def default_corpus(workdir: Path, n_feeds: int, n_items: int) -> Path:
    """The cached gen_corpus corpus the other benchmarks use (made if missing)."""
    sys.path.insert(0, str(HERE))
    import bench_setup

    return bench_setup.corpus(workdir, n_feeds, n_items) / "feeds"


def profile(paths: list[Path], top: int) -> None:
    """cProfile of this tree's job over ``paths``, heaviest functions by own time."""
    sys.path.insert(0, str(REPO / "src"))
    job = _job()
    feeds = [(p.name, p.read_bytes()) for p in paths]
    profiler = cProfile.Profile()
    profiler.enable()
    for name, data in feeds:
        pickle.dumps(job(data, URL_BASE + name, None))
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def _us(values: Sequence[float]) -> str:
    return f"{statistics.median(values):7.1f} ({min(values):.1f}-{max(values):.1f})"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", default="main", help="git revision to compare with")
    parser.add_argument("--rounds", type=int, default=5, help="runs of each side (default 5)")
    parser.add_argument("--feeds-dir", type=Path, help="feed files to parse (default: gen_corpus)")
    parser.add_argument("--feeds", type=int, default=200, help="gen_corpus feeds (default 200)")
    parser.add_argument("--items", type=int, default=50, help="gen_corpus items (default 50)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/termnews-bench"))
    parser.add_argument("--limit", type=int, help="parse only the first N feed files")
    parser.add_argument("--chunk", type=int, default=5, help="feeds per turn (default 5)")
    parser.add_argument("--show", type=int, default=8, help="differences to print (default 8)")
    parser.add_argument("--profile", action="store_true", help="profile this tree's job only")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--list", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker is not None:
        serve(args.worker, [Path(x) for x in args.list.read_text(encoding="utf-8").splitlines()])
        return 0

    root = args.feeds_dir or default_corpus(args.workdir, args.feeds, args.items)
    paths = feed_paths(root, args.limit)
    if not paths:
        raise SystemExit(f"no feed files under {root}")
    if args.profile:
        profile(paths, 35)
        return 0

    with tempfile.TemporaryDirectory(prefix="parse-cpu-") as tmp_name:
        tmp = Path(tmp_name)
        list_file = tmp / "feeds.txt"
        list_file.write_text("\n".join(str(p.resolve()) for p in paths), encoding="utf-8")
        (tmp / "old").mkdir()
        sides = {"old": old_source(args.against, tmp / "old"), "new": REPO / "src"}
        dumps = {"old": tmp / "old.pickle", "new": tmp / "new.pickle"}
        cpu: dict[str, list[float]] = {"old": [], "new": []}
        chunks = [(i, min(i + args.chunk, len(paths))) for i in range(0, len(paths), args.chunk)]
        counts: dict[str, int] = {}
        print(
            f"{len(paths)} feed files from {root}; {args.rounds} rounds of fresh processes, "
            f"alternating every {args.chunk} feeds"
        )
        for r in range(args.rounds):
            workers = {s: Worker(sides[s], list_file, tmp) for s in ("old", "new")}
            spent = {"old": 0.0, "new": 0.0}
            for k, (first, last) in enumerate(chunks):
                for side in ("new", "old") if (k + r) % 2 == 0 else ("old", "new"):
                    spent[side] += float(workers[side].ask(f"CHUNK {first} {last}"))
            for side, worker in workers.items():
                counts[side] = int(worker.ask("ARTICLES"))
                cpu[side].append(spent[side])
                if r == 0:
                    worker.ask(f"DUMP {dumps[side]}")
                worker.close()
            print(
                f"  round {r + 1}: "
                + "  ".join(f"{s} {cpu[s][-1] / counts[s] * 1e6:.1f} us" for s in ("old", "new")),
                flush=True,
            )
        per = {s: [c / counts[s] * 1e6 for c in cpu[s]] for s in cpu}
        ratios = [n / o for n, o in zip(per["new"], per["old"], strict=True)]
        diff_articles, diff_feeds, notes = compare(dumps["old"], dumps["new"])

    print(f"\nCPU per article (thread CPU, median (min-max) of {args.rounds} fresh processes)")
    print(f"  {args.against:>12}: {_us(per['old'])} us   ({counts['old']} articles)")
    print(f"  {'this tree':>12}: {_us(per['new'])} us   ({counts['new']} articles)")
    print(f"  {'new/old':>12}: {_us([r * 100 for r in ratios])} %  (pair by pair)")
    print(f"\nOutput: {diff_articles} differing articles, {diff_feeds} differing feeds")
    for note in notes[: args.show]:
        print(f"  {note}")
    if len(notes) > args.show:
        print(f"  ... {len(notes) - args.show} more")
    if args.json is not None:
        args.json.write_text(
            json.dumps(
                {"against": args.against, "cpu_s": cpu, "articles": counts, "us_per_article": per,
                 "differing_articles": diff_articles, "differing_feeds": diff_feeds},
                indent=2,
            ),
            encoding="utf-8",
        )  # fmt: skip
    return 1 if diff_articles or diff_feeds else 0


if __name__ == "__main__":
    raise SystemExit(main())
