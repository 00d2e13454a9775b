"""Build a large termnews cache quickly, without a feed server or a feed parser.

The start-up and TUI benchmarks need caches of 1,000 to 100,000 articles. The faithful way to
get one is a real ``termnews refresh`` from the loopback server (``refresh_bench.py`` does
that, and ``startup_bench.py --via refresh`` uses it); this module is the fast way, for the
smoke run and for measuring the reader while the refresh code is elsewhere in flux:

* the items are the generator's own (``gen_corpus``'s world plan and per-feed text streams,
  so the same titles, stories, dates, authors and categories as the XML corpus with the same
  seed), rendered straight to :class:`~termnews.core.models.EntryData`, no XML in between;
* the HTML body becomes Markdown-shaped text with a few regular expressions (paragraphs,
  headings, list items, links, images), about the size termnews's own converter produces,
  at a fraction of its cost; the summary is the first paragraph as plain text;
* rows go in through the public store API, ``Store.add_feed`` and ``Store.ingest`` per feed,
  then ``termnews.core.refresh.after_ingest`` once (FTS index, mute rules, related-story
  data), exactly as a refresh writes them.

Items are generated on every core; the one writer ingests as results arrive. 100,000 articles
take about a minute on the 2-core machine (most of it the generator's word salad and the FTS
and related indexes).

    python benchmarks/fill_cache.py --feeds 1000 --items 100 --out /tmp/tn100k   # a data dir
"""

from __future__ import annotations

import argparse
import html
import os
import re
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import gen_corpus

from termnews.core.models import EntryData, ParsedFeed
from termnews.core.refresh import after_ingest
from termnews.core.store import Store

PLACEHOLDER_BASE = "http://127.0.0.1:9"
"""Feed URLs of a filled cache: port 9 (discard) so an accidental refresh fails at once."""

_TAG = re.compile(r"<[^>]+>")
_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.S)
_IMG = re.compile(r'<img src="([^"]*)" alt="([^"]*)"[^>]*>')
_BLOCK_END = re.compile(r"</(p|figure|blockquote|ul|ol)>")


def html_to_markdownish(body: str) -> str:
    """A cheap Markdown-shaped rendering of the generator's (well-formed, simple) HTML."""
    text = _IMG.sub(lambda m: f"![{m.group(2)}]({m.group(1)})", body)
    text = _LINK.sub(lambda m: f"[{m.group(2)}]({m.group(1)})", text)
    text = text.replace("<h2>", "\n## ").replace("</h2>", "\n\n")
    text = text.replace("<li>", "\n- ").replace("<blockquote>", "\n> ")
    text = _BLOCK_END.sub("\n\n", text)
    text = _TAG.sub("", text)
    text = html.unescape(text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _summary(body: str) -> str:
    first = body.split("</p>", 1)[0]
    return html.unescape(_TAG.sub("", first)).strip()[:400]


def _feed_entries(
    args: tuple[int, gen_corpus.FeedPlan, dict[str, gen_corpus.Topic], dict[str, gen_corpus.Story]],
) -> tuple[int, list[EntryData]]:
    seed, plan, topics, stories = args
    writer = gen_corpus._Writer(seed, plan, topics)
    entries = [
        EntryData(
            guid=guid,
            link=link,
            title=title,
            author=author,
            published=date,
            summary=_summary(body),
            content=html_to_markdownish(body),
            categories=tuple(categories),
        )
        for date, guid, link, title, author, body, categories, _story in writer.items(stories)
    ]
    return plan.index, entries


def _generate(
    feeds: int, items: int, seed: int, jobs: int
) -> Iterator[tuple[gen_corpus.FeedPlan, list[EntryData]]]:
    topics, stories, plans = gen_corpus.build_world(seed, feeds, items)
    topic_map = {t.id: t for t in topics}
    by_index = {p.index: p for p in plans}
    tasks = [(seed, p, topic_map, {s: stories[s] for s in set(p.story_ids)}) for p in plans]
    if jobs <= 1:
        for task in tasks:
            index, entries = _feed_entries(task)
            yield by_index[index], entries
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for index, entries in pool.map(_feed_entries, tasks, chunksize=4):
            yield by_index[index], entries


def fill(
    data_dir: Path,
    feeds: int,
    items: int,
    seed: int = 1,
    jobs: int | None = None,
    base_url: str = PLACEHOLDER_BASE,
) -> dict[str, float]:
    """Create ``data_dir/termnews.db`` holding ``feeds`` x ``items`` generated articles."""
    started = time.perf_counter()
    data_dir.mkdir(parents=True, exist_ok=True)
    db_path = data_dir / "termnews.db"
    for suffix in ("", "-wal", "-shm"):
        db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
    new_ids: list[int] = []
    with Store.open(db_path) as store:
        for plan, entries in _generate(feeds, items, seed, jobs or os.cpu_count() or 1):
            url = f"{base_url}/feeds/{gen_corpus.feed_filename(plan.index)}"
            feed, _ = store.add_feed(url, plan.title, plan.section)
            parsed = ParsedFeed(title=plan.title, entries=tuple(entries))
            new_ids.extend(store.ingest(feed.id, parsed).new_ids)
        ingested = time.perf_counter()
        after_ingest(store, new_ids)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    done = time.perf_counter()
    return {
        "articles": len(new_ids),
        "ingest_s": round(ingested - started, 2),
        "index_s": round(done - ingested, 2),
        "total_s": round(done - started, 2),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, required=True, help="termnews data directory")
    args = parser.parse_args(argv)
    summary = fill(args.out, args.feeds, args.items, args.seed, args.jobs)
    print(summary, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
