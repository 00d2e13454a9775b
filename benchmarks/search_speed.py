"""Measure search latency on a 100,000-article cache (issue 7).

A seeded generator writes news-shaped articles (``EntryData``) through the normal
ingest path (``Store.add_feed`` + ``Store.ingest`` per feed, then
``Store.index_pending`` once, as a refresh does). The vocabulary comes from
``gen_corpus.py``: per-topic words shared by the articles of a topic, coined story
words shared by a handful of articles, people's names, and common filler words,
so a query can hit 0.01% of the cache or 40% of it.

Then, on a freshly opened store, each query is run ``--repeat`` times (after one
warm-up run) through :func:`termnews.core.search.search` (a page of 50 hits with
highlights and snippets, as the search bar asks for) and timed:

* single words (rare names, story words, topic words, very common words),
* phrases taken from real titles of the cache,
* filter-only queries (section:, feed:, author:, is:, since:, before:),
* words combined with filters, and prefixes as the search bar sends while typing,
* unread counts of 10 saved searches (:func:`saved_search_counts`, one call),
* the section list and headline page with mute rules active (``Store.sections``,
  ``Store.headlines``, ``Store.count``), to show muting costs the lists nothing.

Usage::

    python benchmarks/search_speed.py                 # 100,000 articles, prints a table
    python benchmarks/search_speed.py --write         # also writes benchmarks/SEARCH.md
    python benchmarks/search_speed.py --articles 20000 --db /tmp/s.db   # smaller / reuse
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_corpus import FILLER, FIRST_NAMES, LAST_NAMES, SECTIONS, SYLLABLES

from termnews.core.config import SearchConfig
from termnews.core.models import EntryData, ParsedFeed
from termnews.core.search import parse_query, saved_search_counts, search
from termnews.core.search.mute import sync_mute_rules
from termnews.core.store import Store

NOW = datetime(2026, 1, 26, 12, 0, tzinfo=UTC)
SEED = 7
FEEDS = 250
DAYS = 90
GOAL_MS = 50.0


@dataclass(frozen=True)
class Plan:
    """Names the generator used, so queries can be built from what is really there."""

    sections: list[str]
    feed_titles: list[str]
    authors: list[str]
    story_words: list[str]
    topic_words: list[str]


def _coin(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 4)))


def _paragraph(rng: random.Random, vocab: list[str], names: list[str], words: int) -> str:
    out: list[str] = []
    for _ in range(words):
        roll = rng.random()
        if roll < 0.18:
            out.append(rng.choice(vocab))
        elif roll < 0.21:
            out.append(rng.choice(names))
        else:
            # Zipf-ish filler: the first words of FILLER ("the", "of") dominate.
            out.append(FILLER[min(int(rng.paretovariate(1.2)) - 1, len(FILLER) - 1)])
    text = " ".join(out)
    return text[0].upper() + text[1:] + "."


def generate(store: Store, articles: int, seed: int) -> Plan:
    """Subscribe FEEDS feeds and ingest ``articles`` articles; returns what was used."""
    rng = random.Random(seed)
    sections = list(SECTIONS)
    topics = [(s, t, v.split()) for s, ts in SECTIONS.items() for t, v in ts.items()]
    people = [f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(600)]
    authors = people[:150]
    stories = [(_coin(rng), rng.randrange(len(topics))) for _ in range(articles // 12)]
    per_feed = articles // FEEDS
    plan = Plan(
        sections, [], authors, [w for w, _ in stories], sorted({w for *_, v in topics for w in v})
    )
    guid = 0
    for f in range(FEEDS):
        section = sections[f % len(sections)]
        title = f"{rng.choice(LAST_NAMES)} {section} Wire {f}"
        plan.feed_titles.append(title)
        feed, _ = store.add_feed(f"https://feed{f}.example/rss", title, section)
        section_topics = [i for i, t in enumerate(topics) if t[0] == section]
        entries: list[EntryData] = []
        for _ in range(per_feed):
            guid += 1
            story_word, topic_index = rng.choice(stories)
            if topics[topic_index][0] != section and rng.random() < 0.7:
                topic_index = rng.choice(section_topics)
            vocab = topics[topic_index][2]
            names = rng.sample(people, 3)
            title_words = [
                rng.choice(names).split()[1],
                *rng.sample(vocab, 3),
                rng.choice(FILLER[:40]),
                story_word,
            ]
            rng.shuffle(title_words)
            body = "\n\n".join(
                _paragraph(rng, [*vocab, story_word], names, rng.randint(50, 80))
                for _ in range(rng.randint(4, 6))
            )
            entries.append(
                EntryData(
                    guid=f"a{guid}",
                    link=f"https://feed{f}.example/a{guid}",
                    title=" ".join(title_words).capitalize(),
                    author=rng.choice(authors) if rng.random() < 0.8 else None,
                    published=NOW - timedelta(seconds=rng.uniform(0, DAYS * 86400)),
                    summary=_paragraph(rng, [*vocab, story_word], names, rng.randint(20, 35)),
                    content=body,
                )
            )
        store.ingest(feed.id, ParsedFeed(title, tuple(entries)))
    # A realistic reading state: most older articles read, a few starred.
    store.conn.execute(
        "UPDATE articles SET read = 1 WHERE sort_ts < ? AND abs(random()) % 10 < 8",
        ((NOW - timedelta(days=7)).timestamp(),),
    )
    store.conn.execute("UPDATE articles SET starred = 1 WHERE abs(random()) % 200 = 0")
    store.index_pending()
    return plan


def _df(store: Store, word: str) -> int:
    row = store.conn.execute(
        "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", (f'"{word}"',)
    ).fetchone()
    return int(row[0])


def build_queries(store: Store, plan: Plan, seed: int) -> dict[str, list[str]]:
    """Query sets per category, chosen with the same seed from what the cache holds."""
    rng = random.Random(seed + 1)
    rare = [n.split()[1] for n in rng.sample(plan.authors, 10)]
    stories = rng.sample(plan.story_words, 10)
    topic = rng.sample(plan.topic_words, 20)
    common = ["the", "said", "government", "people", "report"]
    titles = [
        r[0]
        for r in store.conn.execute(
            "SELECT title FROM articles WHERE id % 997 = 0 ORDER BY id LIMIT 40"
        )
    ]
    phrases = []
    for title in titles[:30]:
        words = title.split()
        i = rng.randrange(len(words) - 1)
        phrases.append(f'"{words[i]} {words[i + 1]}"')
    sections = plan.sections
    feeds = rng.sample(plan.feed_titles, 5)
    filters = [
        *(f"section:{s}" for s in sections[:5]),
        "is:unread",
        "is:starred",
        "since:2d",
        "since:6h",
        "before:60d",
        f"section:{sections[1]} is:unread",
        f"section:{sections[2]} since:1w",
        *(f'feed:"{f}"' for f in feeds[:3]),
        f'author:"{plan.authors[0].split()[1]}"',
        "-is:read -section:World",
    ]
    combined = (
        [f"{w} section:{rng.choice(sections)}" for w in topic[:5]]
        + [f"{w} is:unread" for w in topic[5:10]]
        + [f"{w} since:1w -is:starred" for w in common[:3]]
    )
    typing = [w[: max(4, len(w) - 2)] for w in topic[10:20]]
    broad = ["ther", "gove", "peop", "repo", "cons", "prot"]
    return {
        "word: rare (coined story words)": stories,
        "word: surnames (~5-10% of articles)": rare,
        "word: topic vocabulary": topic,
        "word: very common": common,
        "phrase (from titles)": phrases,
        "filter only": filters,
        "words + filters": combined,
        "typing prefix (partial)": typing,
        "typing prefix, broad (partial)": broad,
    }


Timing = tuple[float, float]
"""(wall ms, CPU ms of this thread): CPU time barely moves when other processes
share the 2 cores, wall time does; both are reported."""
Row = tuple[str, int, list[Timing]]


def _time(fn: Callable[[], object], repeat: int) -> list[Timing]:
    fn()  # Warm-up: first use of each page of the index.
    out = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.thread_time()
        fn()
        out.append(((time.perf_counter() - start) * 1000, (time.thread_time() - cpu) * 1000))
    return out


def _p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run(db: Path, articles: int, seed: int, repeat: int) -> tuple[list[Row], dict[str, object]]:
    info: dict[str, object] = {}
    plan_file = db.with_name(db.name + ".plan.json")
    if not db.exists() or not plan_file.exists():
        db.unlink(missing_ok=True)
        start = time.perf_counter()
        with Store.open(db) as store:
            plan = generate(store, articles, seed)
        info["build_s"] = round(time.perf_counter() - start, 1)
        plan_file.write_text(json.dumps(asdict(plan)))
    plan = Plan(**json.loads(plan_file.read_text()))
    info["load_before"] = round(os.getloadavg()[0], 1)
    with Store.open(db) as store:
        info["articles"] = store.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        info["unread"] = store.count(unread=True)
        queries = build_queries(store, plan, seed)
        rows: list[Row] = []
        per_query: dict[str, tuple[float, int]] = {}
        for category, texts in queries.items():
            times: list[Timing] = []
            partial = category.startswith("typing")
            for text in texts:
                query = parse_query(text, partial=partial, now=NOW)
                t = _time(lambda q=query: search(store, q, limit=50, now=NOW), repeat)
                times += t
                per_query[text] = (
                    statistics.median(w for w, _ in t),
                    len(search(store, query, limit=50, now=NOW)),
                )
            rows.append((category, len(texts), times))
        saved = {
            "Climate": "flood OR drought OR wildfire",
            "Elections": "section:Politics ballot OR turnout",
            "Courts": "judge ruling",
            "Unread world": "section:World is:unread",
            "Starred": "is:starred",
            "This week": "since:1w",
            "Names": f'"{plan.authors[3]}"',
            "Story": plan.story_words[5],
            "Not sport": f"-section:{plan.sections[-1]} since:2d",
            "Common": "government -officials",
        }
        t = _time(lambda: saved_search_counts(store, saved, now=NOW), repeat)
        rows.append(("10 saved-search counts (one call)", 1, t))
        info["saved_counts"] = {
            k: (v.total, v.unread) for k, v in saved_search_counts(store, saved, now=NOW).items()
        }
        # Lists with mute rules on: a few hundred muted articles.
        sync_mute_rules(store, SearchConfig(mute=[plan.story_words[1], plan.story_words[2]]))
        info["muted"] = store.conn.execute(
            "SELECT count(*) FROM articles WHERE muted = 1"
        ).fetchone()[0]
        for label, fn in (
            ("Store.sections() with mute rules", store.sections),
            (
                "Store.headlines(section, 200) with mute rules",
                lambda: store.headlines(plan.sections[0], limit=200),
            ),
            ("Store.count(unread=True) with mute rules", lambda: store.count(unread=True)),
        ):
            rows.append((label, 1, _time(fn, repeat * 3)))
        sync_mute_rules(store, SearchConfig(mute=[]))
        slow = sorted(per_query.items(), key=lambda kv: -kv[1][0])[:5]
        info["slowest"] = [(q, round(ms, 1), n) for q, (ms, n) in slow]
        info["df_common"] = {w: _df(store, w) for w in ("the", "government", "people")}
    info["load_after"] = round(os.getloadavg()[0], 1)
    return rows, info


def table(rows: list[Row]) -> str:
    lines = [
        "| query set | queries | wall median ms | wall p95 ms | CPU median ms | CPU p95 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, n, timings in rows:
        wall = [w for w, _ in timings]
        cpu = [c for _, c in timings]
        lines.append(
            f"| {name} | {n} | {statistics.median(wall):.1f} | {_p95(wall):.1f} "
            f"| {statistics.median(cpu):.1f} | {_p95(cpu):.1f} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--repeat", type=int, default=5, help="timed runs per query (after a warm-up)"
    )
    parser.add_argument("--db", type=Path, help="cache to build or reuse (default: a temp dir)")
    parser.add_argument("--write", action="store_true", help="write benchmarks/SEARCH.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="termnews-search-bench-") as tmp:
        db = args.db or Path(tmp) / "bench.db"
        rows, info = run(db, args.articles, args.seed, args.repeat)
    print(table(rows))
    for key, value in info.items():
        print(f"{key}: {value}")
    if args.write:
        out = Path(__file__).with_name("SEARCH.md")
        out.write_text(render_md(rows, info, args))
        print(f"wrote {out}")
    return 0


KEEP_MARK = "<!-- kept: written by hand below, --write keeps it -->"


def render_md(rows: list[Row], info: dict[str, object], args: argparse.Namespace) -> str:
    old = Path(__file__).with_name("SEARCH.md")
    text = old.read_text() if old.exists() else ""
    kept = "\n" + KEEP_MARK + text.split(KEEP_MARK, 1)[1] if KEEP_MARK in text else ""
    loads = (float(str(info["load_before"])), float(str(info["load_after"])))
    busy = ", i.e. other processes were using both cores the whole time" if min(loads) >= 2 else ""
    return f"""# Search speed

Measured by `python benchmarks/search_speed.py --write` (seed {args.seed},
{info["articles"]:,} synthetic news articles of ~2 KB in {FEEDS} feeds and 8 sections,
{info["unread"]:,} unread; {args.repeat} timed runs per query after one warm-up; one process on
the 2-core machine; the 1-minute load average was {info["load_before"]} before and
{info["load_after"]} after{busy}).

Each timing is one `termnews.core.search.search()` call as the search bar and `termnews search`
make it: a page of 50 hits **with** highlighted titles and snippets, on a store opened fresh for
the run. *Wall* is what a user waits; *CPU* is this thread's CPU time, which shows what the query
costs when the machine is not shared (wall/CPU is roughly the contention factor). Goal: p95
under {GOAL_MS:.0f} ms per query.

{table(rows)}

Slowest queries (median wall ms, hits): {info["slowest"]}.
Articles containing the very common words: {info["df_common"]}.

## What the numbers come from

- **Words** go through FTS5 (`porter unicode61`), ranked by `bm25(10, 2, 1)` (title, summary,
  body). bm25 plus the join to `articles` costs about 3 µs per *matching* article, so cost
  follows how many articles a query matches: a coined story word (~10 articles) a few ms, a
  word in 5-10% of the cache 15-30 ms.
- **Very broad queries** ("the", in every article) would cost ~300 ms ranked in full. Relevance
  ranks only the newest 5,000 text matches (`RANK_WINDOW`; the boundary is found by one walk
  down the FTS doclist); counts and newest-first listings are not capped. When the words bound
  the matches below the window (a phrase counts no more than its rarest word), that walk is
  skipped: it evaluated "blockade the" over the whole index only to learn it was not needed.
- **Words in half the articles or more** get no weight from bm25 (FTS5 clamps their idf to
  1e-6) but cost the most in it: bm25 counts a term's articles over the whole index (8 ms for
  "the") and reads its many occurrences in each ranked article (~2.3 µs each), 20 ms of CPU
  for a page of "the". Such a word is recognised from a sample of 2,000 articles in 8 runs of
  ids spread over the index (`COMMON_SAMPLE`; a word that is only trending this week is not
  common). If every word of a query is that common, relevance is newest first (by arrival, the
  doclist's own order): 'the' 22 -> 5 ms CPU. If some are, bm25 ranks by the others and the
  common ones are checked on the ranked ids only, one seek each, same order up to 1e-6:
  'the government' 29 -> 9 ms CPU.
- **Words with filters** join the matches to `articles` through a covering index keyed by id
  (`idx_articles_search`, schema 4) that holds every column a filter or ordering reads: through
  the table each match read a page of ~2 KB rows (5,000 matches 7-19 ms; now 2-4 ms).
- **Plain words** (no filter) rank on the FTS index alone and exclude muted ids from their small
  partial index: the join to `articles` cost as much as bm25 itself (14 -> 4 ms for a word in 5%
  of articles).
- **Highlights and snippets** for the page are made in a connection-private temporary FTS5 table
  holding just those 50 texts. Asking the cache's index per hit (`MATCH ? AND rowid = ?`)
  re-evaluated the whole query each time: 6.5 s for a page of `the*`, ~70 ms for an ordinary
  prefix; now 1-3 ms. Body snippets are only made when the summary shows no match.
- **Prefixes** (the word being typed, or `word*`) need 4 letters: `the*` merges the postings of
  the, their, there... (0.5 s); `d*` (typing "zero-d") took 400 ms at 20,000 articles.
- **Filter-only queries** (`section:`, `is:unread`, `since:`...) never touch FTS: they are
  index scans on `articles`, newest first.
- **Saved-search badges** are one `count(*), sum(read = 0)` per search. The reader shows the
  section list first and fills the badges from a worker (start-up never waits for them).
- **Mute rules** are a flag on articles, set once per arrival (and recomputed only when the
  rules change). Lists and counts subtract the muted rows found through a tiny partial index, so
  the covering indexes behind `Store.sections()` and unread counts stay in use.

Timing assertions are not part of the test suite; run this script to check a change, and
`benchmarks/search_compare.py` to time an earlier revision beside this tree in one run.
{kept}"""


if __name__ == "__main__":
    raise SystemExit(main())
