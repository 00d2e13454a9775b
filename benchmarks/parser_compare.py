"""Does the lxml fast path give the same articles as feedparser? And how much faster is it?

For every feed file under ``shared/corpus/feeds-real`` (and optionally a benchmark corpus
made by ``gen_corpus.py``) this parses the bytes twice through
``termnews.core.sources.parse.parse_feed_bytes``: once as shipped (fast path first,
feedparser as fallback) and once with the fast path switched off (feedparser only). It then
compares the resulting feed title, link, TTL and every entry field by field (guid, link,
title, author, dates, summary, Markdown content, categories, image, enclosures).

It prints how many files took the fast path, every difference found (there should be none:
any difference is a bug in ``fastparse.py``), and the parse speed of both paths in items/s.
Exit status 1 when a difference is found, so it can run in CI.

Usage::

    python benchmarks/parser_compare.py [--corpus ../shared/corpus/feeds-real]
                                        [--bench-corpus /tmp/corpus] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import termnews.core.sources.parse as parse_module
from termnews.core.models import ParsedFeed
from termnews.core.sources.parse import FeedParseError, parse_feed_bytes

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpus" / "feeds-real"
SKIP_SUFFIXES = {".csv", ".md"}


def feed_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix.lower() not in SKIP_SUFFIXES:
            yield path


def parse(data: bytes, url: str, fast: bool) -> ParsedFeed | str:
    saved = parse_module._parse_fast
    if not fast:
        parse_module._parse_fast = lambda data, url: None  # type: ignore[assignment]
    try:
        return parse_feed_bytes(data, url)
    except FeedParseError as exc:
        return f"error: {exc}"
    finally:
        parse_module._parse_fast = saved  # type: ignore[assignment]


def _same_date(a: datetime | None, b: datetime | None) -> bool:
    if a is None or b is None:
        return a is b
    # Future dates are clamped to "now", which differs by microseconds between runs.
    recent = datetime.now(UTC) - timedelta(minutes=5)
    return a == b or (a > recent and b > recent)


def differences(fast: ParsedFeed | str, slow: ParsedFeed | str) -> list[str]:
    if isinstance(fast, str) or isinstance(slow, str):
        return [] if fast == slow else [f"outcome: fast={fast!s:.80} feedparser={slow!s:.80}"]
    found: list[str] = []
    for name in ("title", "link", "ttl_minutes"):
        if getattr(fast, name) != getattr(slow, name):
            found.append(f"feed {name}: {getattr(fast, name)!r} != {getattr(slow, name)!r}")
    if len(fast.entries) != len(slow.entries):
        found.append(f"entries: {len(fast.entries)} != {len(slow.entries)}")
        return found
    for i, (a, b) in enumerate(zip(fast.entries, slow.entries, strict=True)):
        for f in fields(a):
            x, y = getattr(a, f.name), getattr(b, f.name)
            same = _same_date(x, y) if f.name in ("published", "updated") else x == y
            if not same:
                found.append(f"entry {i} {f.name}: {str(x)[:70]!r} != {str(y)[:70]!r}")
    return found


def timed(datas: list[tuple[bytes, str]], fast: bool) -> tuple[float, int]:
    start = time.perf_counter()
    items = 0
    for data, url in datas:
        result = parse(data, url, fast)
        if not isinstance(result, str):
            items += len(result.entries)
    return time.perf_counter() - start, items


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--bench-corpus", type=Path, help="also time a gen_corpus.py directory")
    ap.add_argument("--json", type=Path, help="write the summary as JSON here")
    args = ap.parse_args(argv)
    from termnews.core.sources.fastparse import parse_fast

    report: dict[str, Any] = {"files": 0, "fast_path": 0, "differences": {}}
    datas: list[tuple[bytes, str]] = []
    for path in feed_files(args.corpus):
        data = path.read_bytes()
        url = f"https://example.org/{path.relative_to(args.corpus)}"
        report["files"] += 1
        fast_taken = False
        try:
            fast_taken = parse_fast(data, url) is not None
        except Exception as exc:  # a crash in the fast path is a difference too
            report["differences"][str(path.relative_to(args.corpus))] = [
                f"fast path raised {exc!r}"
            ]
            continue
        report["fast_path"] += fast_taken
        diff = differences(parse(data, url, True), parse(data, url, False))
        if diff:
            report["differences"][str(path.relative_to(args.corpus))] = diff
        datas.append((data, url))
    print(f"{report['files']} files, {report['fast_path']} took the fast path")
    for name, diff in report["differences"].items():
        print(f"DIFF {name}")
        for line in diff[:6]:
            print(f"    {line}")
    timing_sets = {"feeds-real": datas}
    if args.bench_corpus:
        timing_sets["bench-corpus"] = [
            (p.read_bytes(), f"https://example.org/{p.name}")
            for p in sorted((args.bench_corpus / "feeds").glob("*.xml"))
        ]
    report["speed"] = {}
    for label, batch in timing_sets.items():
        slow_s, slow_items = timed(batch, fast=False)
        fast_s, fast_items = timed(batch, fast=True)
        report["speed"][label] = {
            "items": fast_items,
            "feedparser_items_per_s": round(slow_items / slow_s),
            "termnews_items_per_s": round(fast_items / fast_s),
            "speedup": round(slow_s / fast_s, 2),
        }
        print(
            f"{label}: {fast_items} items; feedparser path {slow_items / slow_s:,.0f} items/s, "
            f"with fast path {fast_items / fast_s:,.0f} items/s ({slow_s / fast_s:.1f}x)"
        )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 1 if report["differences"] else 0


if __name__ == "__main__":
    sys.exit(main())
