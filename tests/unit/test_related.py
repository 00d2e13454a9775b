"""Related stories, same-story grouping and trending on small hand-made caches."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from termnews.cli import main
from termnews.core import refresh
from termnews.core.errors import NotFoundError
from termnews.core.models import EntryData, ParsedFeed
from termnews.core.related import (
    MIN_SCORE,
    article_similarity,
    index_new_articles,
    related_articles,
    story_group,
    story_sources,
    trending,
    trending_headlines,
    with_sources,
)
from termnews.core.store import Store

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)

QUAKE = (
    "Earthquake kills 40 in Qazvin province, Iran",
    "A magnitude 6.1 earthquake struck Qazvin province in northern Iran on Tuesday, killing "
    "at least 40 people, the Iranian Red Crescent said. Rescuers searched collapsed homes in "
    "the town of Abyek through the night, and the governor of Qazvin asked Tehran for tents.",
)
QUAKE_REWRITE = (
    "Iran: dozens dead after Qazvin quake",
    "At least 40 people died when a 6.1 magnitude earthquake hit Qazvin province in Iran, "
    "according to the Red Crescent. In Abyek, rescuers dug through collapsed homes overnight "
    "while the Qazvin governor appealed to Tehran for tents.",
)
OTHER_QUAKE = (
    "Earthquake shakes the coast of Chile near Valparaiso",
    "A magnitude 6.4 earthquake shook central Chile near Valparaiso on Wednesday. Rescuers "
    "checked homes along the coast and the navy lifted a tsunami warning after an hour.",
)
FILLER = [
    (
        "Rovers win the cup final in extra time",
        "Rovers beat United 2-1 after extra time at the national stadium, with a late header "
        "from their captain deciding a tense cup final watched by 80,000 fans.",
    ),
    (
        "Central bank holds interest rates at 4%",
        "The central bank kept its benchmark interest rate unchanged, saying inflation had "
        "eased but wages were still rising faster than productivity.",
    ),
    (
        "New e-reader review: the Tern 4",
        "The Tern 4 e-reader has a sharper screen, a longer battery and page-turn buttons; "
        "it is the best reading device we have tested this year.",
    ),
    (
        "Parliament passes the housing bill",
        "Lawmakers passed the housing bill by 301 votes to 250 after a long debate about rent "
        "controls and the building of social homes in the capital.",
    ),
    (
        "Comet discovered by a schoolteacher",
        "An amateur astronomer who teaches physics found a new comet with a backyard "
        "telescope; observatories confirmed the discovery on Friday.",
    ),
]


def entry(
    key: str,
    text: tuple[str, str],
    when: datetime = T0,
    link: str | None = None,
) -> EntryData:
    title, body = text
    return EntryData(
        guid=key,
        link=link or f"https://news.example/{key}",
        title=title,
        content=body,
        published=when,
    )


class Cache:
    """A store with feeds by name and helpers to ingest like a refresh does."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.feeds: dict[str, int] = {}
        self.ids: dict[str, int] = {}

    def feed(self, name: str) -> int:
        if name not in self.feeds:
            feed, _ = self.store.add_feed(f"https://{name}.example/rss", name, "World")
            self.feeds[name] = feed.id
        return self.feeds[name]

    def ingest(self, batches: dict[str, list[EntryData]], hook: bool = True) -> list[int]:
        new: list[int] = []
        for name, entries in batches.items():
            result = self.store.ingest(self.feed(name), ParsedFeed(name, tuple(entries)))
            new.extend(result.new_ids)
            for e, aid in zip(entries, result.new_ids, strict=False):
                self.ids[str(e.guid)] = aid
        if hook:
            refresh.after_ingest(self.store, new)
        return new

    def story(self, key: str) -> int | None:
        row = self.store.conn.execute(
            "SELECT story_id FROM article_stories WHERE article_id = ?", (self.ids[key],)
        ).fetchone()
        return None if row is None else int(row[0])


@pytest.fixture
def cache(db_path: Path) -> Cache:
    store = Store.open(db_path)
    yield Cache(store)  # type: ignore[misc]
    store.close()


def _with_filler(cache: Cache) -> None:
    cache.ingest(
        {"filler": [entry(f"f{i}", t, T0 - timedelta(days=10)) for i, t in enumerate(FILLER)]}
    )


def test_same_story_ranks_above_same_topic(cache: Cache) -> None:
    _with_filler(cache)
    cache.ingest(
        {
            "alpha": [entry("quake", QUAKE)],
            "beta": [entry("rewrite", QUAKE_REWRITE, T0 + timedelta(hours=2))],
            "gamma": [entry("chile", OTHER_QUAKE, T0 + timedelta(hours=1))],
        }
    )
    items = related_articles(cache.store, cache.ids["quake"])
    ids = [i.article_id for i in items]
    assert ids[0] == cache.ids["rewrite"]
    assert items[0].same_story
    assert cache.ids["chile"] in ids
    assert ids.index(cache.ids["rewrite"]) < ids.index(cache.ids["chile"])
    chile = items[ids.index(cache.ids["chile"])]
    assert not chile.same_story
    assert items[0].score > chile.score > 0
    assert items[0].feed_title == "beta"
    assert items[0].section == "World"
    assert items[0].published == T0 + timedelta(hours=2)


def test_self_and_exact_duplicates_are_never_listed(cache: Cache) -> None:
    _with_filler(cache)
    title, body = QUAKE
    cache.ingest(
        {
            "alpha": [entry("quake", QUAKE, link="https://wire.example/qazvin")],
            # The same link with a tracking query and another scheme.
            "beta": [
                entry("same-link", QUAKE_REWRITE, link="http://www.wire.example/qazvin/?utm=x")
            ],
            # The same text with other punctuation and case.
            "gamma": [entry("same-text", (title.upper() + "!", body.replace(",", " ;")))],
            "delta": [entry("rewrite", QUAKE_REWRITE)],
            # Two copies of the rewrite: only one may be listed.
            "epsilon": [entry("rewrite-copy", QUAKE_REWRITE)],
        }
    )
    ids = [i.article_id for i in related_articles(cache.store, cache.ids["quake"], limit=20)]
    assert cache.ids["quake"] not in ids
    assert cache.ids["same-link"] not in ids
    assert cache.ids["same-text"] not in ids
    assert len({cache.ids["rewrite"], cache.ids["rewrite-copy"]} & set(ids)) == 1


def test_grouping_joins_rewrites_and_keeps_other_events_apart(cache: Cache) -> None:
    _with_filler(cache)
    cache.ingest(
        {
            "alpha": [entry("quake", QUAKE), entry("chile", OTHER_QUAKE)],
            "beta": [entry("rewrite", QUAKE_REWRITE, T0 + timedelta(hours=3))],
        }
    )
    story = cache.story("quake")
    assert story is not None
    assert cache.story("rewrite") == story
    assert cache.story("chile") != story
    assert all(cache.story(f"f{i}") is None for i in range(len(FILLER)))
    assert story_sources(cache.store, [story, None]) == {story: 2}
    group = story_group(cache.store, cache.ids["quake"])
    assert [g.article_id for g in group] == [cache.ids["rewrite"]]
    assert story_group(cache.store, cache.ids["chile"]) == []


def test_rewrites_days_apart_are_not_one_story(cache: Cache) -> None:
    _with_filler(cache)
    cache.ingest(
        {
            "alpha": [entry("quake", QUAKE)],
            "beta": [entry("rewrite", QUAKE_REWRITE, T0 + timedelta(days=30))],
        }
    )
    assert cache.story("rewrite") is None
    # Still related, just not grouped.
    ids = [i.article_id for i in related_articles(cache.store, cache.ids["quake"])]
    assert ids[0] == cache.ids["rewrite"]


def test_a_story_indexed_out_of_time_order_still_spans_at_most_the_window(
    cache: Cache,
) -> None:
    """A refresh indexes in batches as feeds arrive, so a story's first-indexed article
    need not be its earliest: the bound is the story's whole span, not its distance
    from that article (which let a story stretch over twice the window)."""
    _with_filler(cache)
    cache.ingest({"alpha": [entry("quake", QUAKE)]})
    cache.ingest({"beta": [entry("rewrite", QUAKE_REWRITE, T0 + timedelta(hours=60))]})
    story = cache.story("quake")
    assert story is not None and cache.story("rewrite") == story
    # 30 h before the story's first article, 90 h before its last: within the window of
    # the first article alone, but the story would then span 90 h.
    cache.ingest({"gamma": [entry("early", QUAKE_REWRITE, T0 - timedelta(hours=30))]})
    assert cache.story("early") != story
    # Within the span's reach it still joins (12 h before: 72 h in all).
    cache.ingest({"delta": [entry("early2", QUAKE, T0 - timedelta(hours=12))]})
    assert cache.story("early2") == story


def test_incremental_hook_joins_later_articles_and_heals_missed_refreshes(cache: Cache) -> None:
    _with_filler(cache)
    cache.ingest({"alpha": [entry("quake", QUAKE)]})
    assert cache.story("quake") is None
    indexed = cache.store.conn.execute("SELECT count(*) FROM related_docs").fetchone()[0]
    assert indexed == len(FILLER) + 1

    # A refresh that died before its after-ingest step...
    cache.ingest({"beta": [entry("rewrite", QUAKE_REWRITE, T0 + timedelta(hours=5))]}, hook=False)
    assert cache.story("rewrite") is None
    # ...is caught up by the next one, and only the new articles are read.
    new = cache.ingest({"gamma": [entry("chile", OTHER_QUAKE, T0 + timedelta(hours=6))]})
    assert index_new_articles(cache.store, new) == 0  # already done by after_ingest
    assert cache.story("rewrite") == cache.story("quake") is not None
    assert cache.story("chile") is None
    assert cache.store.conn.execute("SELECT count(*) FROM related_docs").fetchone()[0] == (
        len(FILLER) + 3
    )


def test_deleted_articles_leave_the_related_data(cache: Cache) -> None:
    _with_filler(cache)
    cache.ingest({"alpha": [entry("quake", QUAKE)], "beta": [entry("rewrite", QUAKE_REWRITE)]})
    cache.store.remove_feed(cache.feeds["beta"])
    assert (
        cache.store.conn.execute(
            "SELECT count(*) FROM related_docs WHERE article_id = ?", (cache.ids["rewrite"],)
        ).fetchone()[0]
        == 0
    )
    ids = [i.article_id for i in related_articles(cache.store, cache.ids["quake"])]
    assert cache.ids["rewrite"] not in ids
    # Its story membership goes too (a foreign-key cascade fires the schema-8 trigger),
    # so an id SQLite hands to a later article starts outside any story.
    assert cache.story("quake") is not None
    assert (
        cache.store.conn.execute(
            "SELECT count(*) FROM article_stories WHERE article_id = ?", (cache.ids["rewrite"],)
        ).fetchone()[0]
        == 0
    )


def test_trending_counts_distinct_sources_in_the_window(cache: Cache) -> None:
    _with_filler(cache)
    now = T0 + timedelta(hours=12)
    cache.ingest(
        {
            "alpha": [entry("quake", QUAKE), entry("quake-again", (QUAKE[0], QUAKE[1] + " More."))],
            "beta": [entry("rewrite", QUAKE_REWRITE, T0 + timedelta(hours=1))],
            "gamma": [entry("rewrite3", QUAKE_REWRITE, T0 + timedelta(hours=2))],
        }
    )
    story = cache.story("quake")
    assert story is not None and cache.story("rewrite3") == story
    stories = trending(cache.store, hours=24, now=now.timestamp())
    assert [(s.story_id, s.sources, s.articles) for s in stories] == [(story, 3, 4)]
    assert stories[0].article_id == cache.ids["rewrite3"]  # the most recent version
    # A window that only reaches the last two versions: two sources left.
    narrow = trending(cache.store, hours=11.5, now=now.timestamp())
    assert [(s.sources, s.articles) for s in narrow] == [(2, 2)]
    # A window with one source left is not trending.
    assert trending(cache.store, hours=10.5, now=now.timestamp()) == []
    heads = trending_headlines(cache.store, hours=24, now=now.timestamp())
    assert [(h.id, h.sources) for h in heads] == [(cache.ids["rewrite3"], 3)]


def test_headlines_get_source_counts(cache: Cache) -> None:
    _with_filler(cache)
    cache.ingest({"alpha": [entry("quake", QUAKE)], "beta": [entry("rewrite", QUAKE_REWRITE)]})
    heads = with_sources(cache.store, cache.store.headlines())
    by_id = {h.id: h.sources for h in heads}
    assert by_id[cache.ids["quake"]] == by_id[cache.ids["rewrite"]] == 2
    assert by_id[cache.ids["f0"]] == 1


def test_similarity_is_symmetric_and_bounded(cache: Cache) -> None:
    _with_filler(cache)
    cache.ingest({"alpha": [entry("quake", QUAKE), entry("chile", OTHER_QUAKE)]})
    a, b = cache.ids["quake"], cache.ids["chile"]
    assert article_similarity(cache.store, a, b) == pytest.approx(
        article_similarity(cache.store, b, a)
    )
    assert 0 < article_similarity(cache.store, a, b) < article_similarity(cache.store, a, a)
    assert article_similarity(cache.store, a, a) == pytest.approx(1.0, abs=1e-3)


def test_unknown_article_is_a_not_found_error(cache: Cache) -> None:
    with pytest.raises(NotFoundError):
        related_articles(cache.store, 12345)


def test_an_article_never_indexed_still_gets_related_stories(cache: Cache) -> None:
    _with_filler(cache)
    cache.ingest({"alpha": [entry("quake", QUAKE)]})
    cache.ingest({"beta": [entry("rewrite", QUAKE_REWRITE)]})
    cache.store.conn.execute("DELETE FROM related_docs WHERE article_id = ?", (cache.ids["quake"],))
    ids = [i.article_id for i in related_articles(cache.store, cache.ids["quake"])]
    assert ids[0] == cache.ids["rewrite"]


def _cli_cache(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    store = Store.open(data / "termnews.db")
    cache = Cache(store)
    _with_filler(cache)
    recent = datetime.now(UTC) - timedelta(hours=2)
    cache.ingest(
        {
            "alpha": [entry("quake", QUAKE, recent)],
            "beta": [entry("rewrite", QUAKE_REWRITE, recent)],
        }
    )
    store.close()
    return data, cache.ids


def test_cli_related_and_trending_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, ids = _cli_cache(tmp_path)
    assert main(["--data-dir", str(data), "related", str(ids["quake"]), "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert items[0]["id"] == ids["rewrite"]
    assert set(items[0]) >= {"id", "title", "section", "feed", "score"}
    assert items[0]["feed"] == "beta" and items[0]["same_story"] is True

    assert main(["--data-dir", str(data), "related", str(ids["quake"]), "--limit", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and "Qazvin" in out[0]

    assert main(["--data-dir", str(data), "trending", "--json"]) == 0
    stories = json.loads(capsys.readouterr().out)
    assert [s["sources"] for s in stories] == [2]

    assert main(["--data-dir", str(data), "related", "999"]) == 2
    assert "no article with id 999" in capsys.readouterr().err


def test_a_story_lasts_three_days_from_its_first_article(cache: Cache) -> None:
    _with_filler(cache)
    cache.ingest({"alpha": [entry("quake", QUAKE)]})
    cache.ingest({"beta": [entry("rewrite", QUAKE_REWRITE, T0 + timedelta(hours=48))]})
    # Close to the second version, but four days after the first: a new story.
    cache.ingest({"gamma": [entry("late", QUAKE_REWRITE, T0 + timedelta(hours=96))]})
    assert cache.story("rewrite") == cache.story("quake") is not None
    assert cache.story("late") != cache.story("quake")


def test_a_word_the_full_text_index_stems_widely_does_not_stall_the_query(
    cache: Cache, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "according" is a stop word here but the full-text index stems it to "accord",
    # so a query word rare for related stories can match most of the index.
    filler = [
        entry(f"w{i}", (f"Weather note {i}", f"According to forecasters, day {i} is mild."))
        for i in range(260)
    ]
    cache.ingest({"weather": filler})
    accord = ("Peace accord signed in Qazvin", "The Qazvin peace accord ends the feud.")
    rewrite = ("Qazvin accord signed", "Leaders signed the peace accord in Qazvin, ending a feud.")
    cache.ingest({"alpha": [entry("accord", accord)], "beta": [entry("again", rewrite)]})
    from termnews.core import related

    assert related._indexed_more_than(cache.store.conn, "accord", 200)
    assert not related._indexed_more_than(cache.store.conn, "qazvin", 200)
    ids = [i.article_id for i in related_articles(cache.store, cache.ids["accord"])]
    assert ids[0] == cache.ids["again"]
    # Past its step budget the query gives up rather than stall; the story is still listed.
    monkeypatch.setattr(related, "_FTS_STEP_BUDGET", 0)
    items = related_articles(cache.store, cache.ids["accord"])
    assert [i.article_id for i in items] == [cache.ids["again"]] and items[0].same_story


def test_query_words_are_budgeted_by_what_the_full_text_index_holds(
    cache: Cache, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rare for related stories, common in the stemmed index: left out before bm25 runs,
    # so the query's work stays within QUERY_POSTINGS without a first attempt.
    filler = [
        entry(f"w{i}", (f"Weather note {i}", f"According to forecasters, day {i} is mild."))
        for i in range(260)
    ]
    cache.ingest({"weather": filler})
    accord = ("Peace accord signed in Qazvin", "The Qazvin peace accord ends the feud.")
    rewrite = ("Qazvin accord signed", "Leaders signed the peace accord in Qazvin, ending a feud.")
    cache.ingest({"alpha": [entry("accord", accord)], "beta": [entry("again", rewrite)]})
    from termnews.core import related

    asked: list[list[str]] = []
    ranked_match = related._ranked_match

    def spy(conn: object, words: list[str]) -> list[int]:
        asked.append(list(words))
        return ranked_match(conn, words)  # type: ignore[arg-type]

    monkeypatch.setattr(related, "_ranked_match", spy)
    ids = [i.article_id for i in related_articles(cache.store, cache.ids["accord"])]
    assert ids[0] == cache.ids["again"]
    assert len(asked) == 1 and "qazvin" in asked[0] and "accord" not in asked[0]
    assert related._indexed_count(cache.store.conn, "accord", 10) == 11


# ------------------------------------------------- caches written before schema 8

_STORY_BATCH = {
    "filler": [entry(f"f{i}", t, T0 - timedelta(days=10)) for i, t in enumerate(FILLER)],
    "alpha": [entry("quake", QUAKE), entry("chile", OTHER_QUAKE, T0 + timedelta(hours=1))],
    "beta": [entry("rewrite", QUAKE_REWRITE, T0 + timedelta(hours=2))],
    "gamma": [entry("rewrite3", QUAKE_REWRITE, T0 + timedelta(hours=3))],
}


def _write_as_schema_7(store: Store, new: list[int]) -> None:
    """Index ``new`` (one batch) and write it as termnews before schema 8 did.

    The grouping is worked out by today's code (it reads nothing of the story
    tables for a first batch: no cached article is in its time window) and written
    with the statements of schema 7's ``related._write``: the story id a column of
    the article row.
    """
    from termnews.core import related

    store.index_pending()  # the full-text index, as refresh.after_ingest builds it first
    work = related._work_out(store.conn, new, None)
    assert work is not None and work.stories
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO related_df(term, df) VALUES (?, ?) "
            "ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
            sorted(work.batch_df.items()),
        )
        conn.executemany(
            "INSERT OR REPLACE INTO related_docs(article_id, sig, dup_key) VALUES (?, ?, ?)",
            work.docs,
        )
        conn.executemany("UPDATE articles SET story_id = ? WHERE id = ?", work.stories)
        store.set_meta("related_docs_seen", str(len(work.docs)))
        store.set_meta("related_indexed_upto", str(max(work.ids)))


def _story_views(cache: Cache) -> list[object]:
    """Everything a reader sees of stories, by article key (ids are the same in both caches)."""
    store, ids = cache.store, cache.ids
    now = (T0 + timedelta(hours=12)).timestamp()
    return [
        {k: cache.story(k) for k in ids},
        {k: related_articles(store, i) for k, i in ids.items()},
        {k: story_group(store, i) for k, i in ids.items()},
        trending(store, hours=24, now=now),
        trending_headlines(store, hours=24, now=now),
        with_sources(store, store.headlines()),
        [store.article(i).story_id for i in ids.values()],
        story_sources(store, [cache.story(k) for k in ids]),
    ]


def test_a_schema_7_cache_keeps_its_stories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache written before schema 8 (story ids in ``articles.story_id``) opens with
    every story intact in ``article_stories`` and reads exactly like one written now."""
    from termnews.core.store import db as dbmod
    from termnews.core.store.schema import MIGRATIONS, SCHEMA_VERSION

    assert SCHEMA_VERSION >= 8  # 8 moved stories out; later migrations leave them be
    old_path = tmp_path / "old" / "termnews.db"
    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", 7)  # the migrations up to 7 only
    old = Cache(Store.open(old_path))
    assert old.store.conn.execute("PRAGMA user_version").fetchone()[0] == 7
    names = {r[0] for r in old.store.conn.execute("SELECT name FROM sqlite_master")}
    assert "article_stories" not in names and "idx_articles_story" in names
    # Today's ingest reads the removed-entries table of schema 9 (empty here); the
    # rest of the file stays as schema 7 left it, and migration 9 re-runs on it.
    old.store.conn.execute(MIGRATIONS[8][0])
    _write_as_schema_7(old.store, old.ingest(_STORY_BATCH, hook=False))
    before = old.store.conn.execute(
        "SELECT id, story_id FROM articles WHERE story_id IS NOT NULL ORDER BY id"
    ).fetchall()
    keys, feeds = old.ids, old.feeds
    old.store.close()
    quake = dict(before)[keys["quake"]]
    assert {keys["quake"], keys["rewrite"], keys["rewrite3"]} <= {
        i for i, s in before if s == quake
    }
    assert keys["chile"] not in dict(before)

    monkeypatch.setattr(dbmod, "SCHEMA_VERSION", SCHEMA_VERSION)
    migrated = Cache(Store.open(old_path))
    migrated.ids, migrated.feeds = dict(keys), feeds
    conn = migrated.store.conn
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "idx_articles_story" not in names and "idx_article_stories_story" in names
    stories = conn.execute("SELECT article_id, story_id FROM article_stories ORDER BY 1")
    assert [tuple(r) for r in stories] == [tuple(r) for r in before]

    # The same articles written by today's code from the start: the same stories seen
    # everywhere (related, story group, trending, headline source counts, articles).
    fresh = Cache(Store.open(tmp_path / "new" / "termnews.db"))
    fresh.ingest(_STORY_BATCH)
    assert fresh.ids == keys
    assert _story_views(migrated) == _story_views(fresh)
    assert related_articles(migrated.store, keys["quake"])[0].same_story
    fresh.store.close()

    # A later refresh joins a new version to the story kept from before.
    migrated.ingest({"delta": [entry("rewrite4", QUAKE_REWRITE, T0 + timedelta(hours=4))]})
    assert migrated.story("rewrite4") == quake
    # Deleting articles drops their memberships (unsubscribing, retention).
    migrated.store.remove_feed(migrated.feeds["gamma"])
    left = {r[0] for r in conn.execute("SELECT article_id FROM article_stories")}
    assert keys["rewrite3"] not in left and {keys["quake"], migrated.ids["rewrite4"]} <= left
    migrated.store.close()


def test_what_a_mute_rule_hides_is_left_out_of_related_and_trending(cache: Cache) -> None:
    # Mute rules hide from every list; the Trending section, `termnews trending`,
    # the related panel and the other sources' versions listed them all the same.
    from termnews.core.config import SearchConfig
    from termnews.core.search.mute import sync_mute_rules

    _with_filler(cache)
    again = (QUAKE_REWRITE[0], QUAKE_REWRITE[1] + " Aid convoys arrived overnight.")
    now = T0 + timedelta(hours=12)
    cache.ingest(
        {
            "alpha": [entry("quake", QUAKE)],
            "beta": [entry("rewrite", QUAKE_REWRITE, T0 + timedelta(hours=1))],
            "gamma": [entry("rewrite3", again, T0 + timedelta(hours=2))],
        }
    )
    before = [(s.sources, s.article_id) for s in trending(cache.store, now=now.timestamp())]
    assert before == [(3, cache.ids["rewrite3"])]
    related = {i.article_id for i in related_articles(cache.store, cache.ids["quake"])}
    assert cache.ids["rewrite3"] in related
    sync_mute_rules(cache.store, SearchConfig(mute=["feed:gamma"]))
    stories = trending(cache.store, now=now.timestamp())
    assert [(s.sources, s.article_id) for s in stories] == [(2, cache.ids["rewrite"])]
    heads = trending_headlines(cache.store, now=now.timestamp())
    assert [h.id for h in heads] == [cache.ids["rewrite"]]
    related = {i.article_id for i in related_articles(cache.store, cache.ids["quake"])}
    assert cache.ids["rewrite"] in related and cache.ids["rewrite3"] not in related
    versions = {i.article_id for i in story_group(cache.store, cache.ids["quake"])}
    assert versions == {cache.ids["rewrite"]}
    sync_mute_rules(cache.store, SearchConfig(mute=["feed:beta", "feed:gamma"]))
    assert trending(cache.store, now=now.timestamp()) == []


def test_a_story_sharing_one_common_word_is_not_related(cache: Cache) -> None:
    """Any shared word gave a score: the central bank's rates were listed beside an
    earthquake in *central* Chile (0.028), in a cache with nothing better."""
    cache.ingest(
        {
            "filler": [entry(f"f{i}", t) for i, t in enumerate(FILLER)],
            "wire": [entry("q", QUAKE), entry("o", OTHER_QUAKE)],
        }
    )
    assert related_articles(cache.store, cache.ids["f1"], limit=6) == []
    # Two earthquakes (one topic) still are, well above the floor.
    (other,) = related_articles(cache.store, cache.ids["q"], limit=6)
    assert other.article_id == cache.ids["o"] and other.score > 2 * MIN_SCORE


def test_untitled_empty_articles_are_not_one_story(cache: Cache) -> None:
    """An entry with no title and no text is stored as "(untitled)": that one word
    made every such article of every feed one story, which Trending then listed."""
    _with_filler(cache)
    blank = ("(untitled)", "")
    cache.ingest(
        {
            "alpha": [entry("a1", blank, link="https://a.example/1")],
            "beta": [entry("b1", blank, T0 + timedelta(hours=1), link="https://b.example/1")],
            "gamma": [entry("c1", blank, T0 + timedelta(hours=2), link="https://c.example/1")],
        }
    )
    assert {cache.story(k) for k in ("a1", "b1", "c1")} == {None}
    assert trending(cache.store, hours=24, now=(T0 + timedelta(hours=3)).timestamp()) == []
    assert related_articles(cache.store, cache.ids["a1"], limit=6) == []
