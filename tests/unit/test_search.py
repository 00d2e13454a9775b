"""Searching a real cache: ranking, filters, highlights, counts, hostile input."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from termnews.core.errors import QueryError
from termnews.core.models import EntryData, ParsedFeed
from termnews.core.search import count, counts, parse_query, query_warnings, search
from termnews.core.search.query import Query
from termnews.core.store import Store

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)

FILLER = [
    "Local bakery wins a prize",
    "Council approves new bus timetable",
    "Museum opens a modern art wing",
    "Football club signs a young striker",
    "Heavy snow closes mountain passes",
    "Library extends its opening hours",
]


def entry(
    guid: str,
    title: str,
    summary: str = "",
    content: str = "",
    *,
    author: str | None = None,
    hours_ago: float = 1,
) -> EntryData:
    return EntryData(
        guid=guid,
        link=f"https://news.example/{guid}",
        title=title,
        author=author,
        published=NOW - timedelta(hours=hours_ago),
        summary=summary,
        content=content,
    )


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store.open(db_path) as s:
        world, _ = s.add_feed("https://world.example/rss", "World Desk", "World")
        tech, _ = s.add_feed("https://tech.example/atom", "Tech Daily", "Tech")
        s.ingest(
            world.id,
            ParsedFeed(
                "World",
                (
                    entry(
                        "body",
                        "Markets slide on rate fears",
                        "Analysts also mentioned volcano risk in passing.",
                        hours_ago=2,
                    ),
                    entry(
                        "title",
                        "Volcano erupts near coastal town",
                        "Residents were moved to safety.",
                        "Ash from the eruption reached the capital.",
                        author="Ana Lopez",
                        hours_ago=30,
                    ),
                    entry(
                        "phrase",
                        "Sea level rise threatens ports",
                        "Rising sea level data from satellites.",
                        hours_ago=5,
                    ),
                    entry(
                        "reversed",
                        "Level crossing at sea front closes",
                        "The level of the sea front road is unchanged.",
                        hours_ago=6,
                    ),
                    *(entry(f"f{i}", t, "Nothing to see.", hours_ago=50 + i)
                      for i, t in enumerate(FILLER)),
                ),
            ),
        )  # fmt: skip
        s.ingest(
            tech.id,
            ParsedFeed(
                "Tech",
                (
                    entry(
                        "rust",
                        "Rust compiler gets faster",
                        "The **Rust** team [announced](https://rust.example/blog) a release.",
                        "## Details\n\nThe compiler is faster on large crates.",
                        author="Jane Smith",
                        hours_ago=3,
                    ),
                    entry(
                        "economy",
                        "Economics of chip making",
                        "Economists study fabs.",
                        author="Bot Writer",
                        hours_ago=80,
                    ),
                    entry(
                        "hostile",
                        "Volcano \u202ewatch\x07 [bold]live[/]",
                        "Updates about the volcano.",
                        hours_ago=4,
                    ),
                ),
            ),
        )
        s.index_pending()
        yield s


def ids(store: Store, text: str, **kw: object) -> list[str]:
    hits = search(store, parse_query(text, now=NOW), now=NOW, **kw)  # type: ignore[arg-type]
    guids = {r[0]: r[1] for r in store.conn.execute("SELECT id, guid FROM articles").fetchall()}
    return [guids[h.article_id] for h in hits]


def test_title_match_outranks_body_match(store: Store) -> None:
    found = ids(store, "volcano")
    assert set(found) == {"title", "body", "hostile"}
    assert found.index("title") < found.index("body")
    assert found.index("hostile") < found.index("body")


def test_scores_are_positive_and_descending(store: Store) -> None:
    hits = search(store, "volcano", now=NOW)
    scores = [h.score for h in hits]
    assert all(s > 0 for s in scores)
    assert scores == sorted(scores, reverse=True)


def test_phrase_needs_words_together_in_order(store: Store) -> None:
    assert ids(store, '"sea level"') == ["phrase"]
    assert set(ids(store, "sea level")) == {"phrase", "reversed"}


def test_stemming_matches_word_forms(store: Store) -> None:
    assert "title" in ids(store, "eruptions")


def test_prefix_and_or(store: Store) -> None:
    assert set(ids(store, "econom*")) == {"economy"}
    assert set(ids(store, "rust OR volcano")) == {"rust", "title", "body", "hostile"}


def test_exclusions(store: Store) -> None:
    assert set(ids(store, "volcano -markets")) == {"title", "hostile"}
    assert set(ids(store, 'volcano -"coastal town"')) == {"body", "hostile"}
    # Only exclusions: everything else, newest first.
    found = ids(store, "-volcano")
    assert "title" not in found and "body" not in found and "rust" in found
    assert len(found) == 13 - 3


def test_section_feed_author_filters(store: Store) -> None:
    assert set(ids(store, "volcano section:world")) == {"title", "body"}
    assert set(ids(store, "volcano -section:World")) == {"hostile"}
    assert set(ids(store, "section:Te")) == {"rust", "economy", "hostile"}  # prefix
    assert set(ids(store, "feed:daily")) == {"rust", "economy", "hostile"}
    assert set(ids(store, "feed:tech.example volcano")) == {"hostile"}
    assert ids(store, "author:SMITH") == ["rust"]
    assert "economy" not in ids(store, "section:tech -author:bot")


def test_section_virtual_names(store: Store) -> None:
    store.set_starred(
        [store.conn.execute("SELECT id FROM articles WHERE guid='rust'").fetchone()[0]]
    )
    assert ids(store, "section:starred") == ["rust"]
    assert len(ids(store, "section:all")) == 13


def test_state_filters(store: Store) -> None:
    rust = store.conn.execute("SELECT id FROM articles WHERE guid = 'rust'").fetchone()[0]
    store.set_read([rust])
    store.set_starred([rust])
    assert ids(store, "is:read") == ["rust"]
    assert "rust" not in ids(store, "is:unread")
    assert ids(store, "is:starred") == ["rust"]
    assert "rust" not in ids(store, "-is:starred")


def test_time_filters(store: Store) -> None:
    assert set(ids(store, "since:4h")) == {"body", "rust", "hostile"}
    assert set(ids(store, "volcano before:1d")) == {"title"}
    assert set(ids(store, "since:2d before:1d")) == {"title"}


def test_filter_only_queries_are_newest_first_without_fts(store: Store) -> None:
    found = ids(store, "section:World")
    assert found[:4] == ["body", "phrase", "reversed", "title"]
    # Not yet in the FTS index, yet found: filter-only queries do not use it.
    feed = store.find_feed("World Desk")
    store.ingest(feed.id, ParsedFeed("World", (entry("fresh", "Just in", hours_ago=0.1),)))
    assert ids(store, "section:World")[0] == "fresh"
    top = store.conn.execute("SELECT max(id) FROM articles").fetchone()[0]
    assert int(store.get_meta("fts_indexed_upto") or 0) < top  # nor did it index anything


def test_newest_order_for_text_queries(store: Store) -> None:
    assert ids(store, "volcano", order="newest") == ["body", "hostile", "title"]


def test_unknown_names_match_nothing_and_say_why(store: Store) -> None:
    assert ids(store, "section:Sprot") == []
    assert query_warnings(store, "section:Sprot feed:nope") == [
        "no section matches 'Sprot'",
        "no feed matches 'nope'",
    ]


def test_paging(store: Store) -> None:
    every = ids(store, "section:World", limit=100)
    assert ids(store, "section:World", limit=3, offset=2) == every[2:5]


def test_title_spans_mark_the_matched_words(store: Store) -> None:
    hit = search(store, '"sea level" threatens', now=NOW)[0]
    assert [hit.title[s:e] for s, e in hit.title_spans] == ["Sea level", "threatens"]
    prefix = search(store, parse_query("volc", partial=True), now=NOW)
    assert all(h.title[s:e].lower() == "volcano" for h in prefix for s, e in h.title_spans)


def test_snippet_prefers_the_matching_passage_without_markdown(store: Store) -> None:
    hit = search(store, "announced", now=NOW)[0]
    assert "**" not in hit.snippet and "](" not in hit.snippet
    assert [hit.snippet[s:e] for s, e in hit.snippet_spans] == ["announced"]
    body = search(store, "crates", now=NOW)[0]
    assert "##" not in body.snippet
    assert [body.snippet[s:e] for s, e in body.snippet_spans] == ["crates"]


def test_filter_only_hits_show_the_summary_start(store: Store) -> None:
    hit = search(store, "author:smith", now=NOW)[0]
    assert hit.snippet == "The Rust team announced a release."
    assert hit.title_spans == () and hit.snippet_spans == () and hit.score == 0.0


def test_hostile_titles_come_back_clean(store: Store) -> None:
    hit = next(h for h in search(store, "watch", now=NOW))
    assert "\u202e" not in hit.title and "\x07" not in hit.title
    assert hit.title == "Volcano watch [bold]live[/]"
    assert [hit.title[s:e] for s, e in hit.title_spans] == ["watch"]


@pytest.mark.parametrize(
    "text",
    [
        "NEAR(a b)",
        "volcano AND",
        "^start",
        "col:umn",
        '"',
        'he said "hi',
        "(unbalanced",
        "a*b*",
        '""',
        "***",
        "- -- -",
        'x"y"z',
        "title:*",
        "\x1b[31mred",
        "volcano NOT",
        "{title}: x",
        "NEAR/3",
        "'single' quotes",
        "\\",
        "%_",
        "author:%",
    ],
)
def test_user_typed_fts_syntax_never_raises_a_database_error(store: Store, text: str) -> None:
    for partial in (False, True):
        try:
            query = parse_query(text, partial=partial, now=NOW)
        except QueryError:
            continue
        try:
            search(store, query, now=NOW)
            counts(store, query, now=NOW)
        except sqlite3.Error as exc:  # pragma: no cover - the failure being tested for
            pytest.fail(f"{text!r} raised {exc!r}")


def test_author_like_wildcards_are_literal(store: Store) -> None:
    assert ids(store, "author:%") == []
    assert ids(store, "author:_") == []


def test_counts_and_unread_count(store: Store) -> None:
    title = store.conn.execute("SELECT id FROM articles WHERE guid = 'title'").fetchone()[0]
    store.set_read([title])
    assert counts(store, "volcano", now=NOW) == (3, 2)
    assert count(store, "volcano", now=NOW) == 2
    assert count(store, "volcano", unread_only=False, now=NOW) == 3
    assert counts(store, "section:Tech", now=NOW) == (3, 3)
    assert counts(store, "section:Nowhere", now=NOW) == (0, 0)
    assert count(store, "is:read", now=NOW) == 1


def test_empty_query_lists_everything(store: Store) -> None:
    assert len(ids(store, "", limit=100)) == 13


def test_articles_not_yet_indexed_are_indexed_by_the_next_search(store: Store) -> None:
    # A refresh only stores (core/indexing): the first search catches the index up.
    feed = store.find_feed("World Desk")
    store.ingest(feed.id, ParsedFeed("World", (entry("late", "Glacier retreat measured"),)))
    top = store.conn.execute("SELECT max(id) FROM articles").fetchone()[0]
    assert int(store.get_meta("fts_indexed_upto") or 0) < top
    assert ids(store, "glacier") == ["late"]
    assert int(store.get_meta("fts_indexed_upto") or 0) == top
    assert store.index_pending() == 0


def test_a_search_does_not_wait_for_another_writer_to_catch_the_index_up(
    store: Store, tmp_path: Path
) -> None:
    from termnews.core import indexing

    assert store.path is not None
    feed = store.find_feed("World Desk")
    store.ingest(feed.id, ParsedFeed("World", (entry("late", "Glacier retreat measured"),)))
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process's long write holds the lock
    try:
        started = time.monotonic()
        assert ids(store, "glacier") == []  # searched the index as it is
        assert ids(store, "volcano")  # and what it holds is still found
        waited = time.monotonic() - started
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert waited < 5 * indexing.CATCH_UP_WAIT_MS / 1000 + 1
    assert int(store.conn.execute("PRAGMA busy_timeout").fetchone()[0]) > 1000  # restored
    assert ids(store, "glacier") == ["late"]


def test_hit_converts_to_a_headline_that_keeps_its_spans(store: Store) -> None:
    hit = search(store, "rust", now=NOW)[0]
    headline = hit.headline()
    assert (headline.id, headline.title, headline.feed_title) == (
        hit.article_id,
        hit.title,
        "Tech Daily",
    )
    assert headline.title_spans == hit.title_spans == ((0, 4),)
    marked_read = replace(headline, read=True)
    assert marked_read.read and marked_read.snippet == hit.snippet


def test_broad_queries_rank_only_the_newest_matches(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from termnews.core.search import execute

    monkeypatch.setattr(execute, "RANK_WINDOW", 2)
    # "body" arrived first: outside the window of the two newest matches.
    assert set(ids(store, "volcano")) == {"title", "hostile"}
    # Counting and newest-first listing are not capped.
    assert counts(store, "volcano", now=NOW) == (3, 3)
    assert set(ids(store, "volcano", order="newest")) == {"title", "hostile", "body"}


def test_terms_in_most_articles_fall_back_to_newest_first(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from termnews.core.search import execute

    ranked = ids(store, "the volcano")
    # The sample: the newest 4 indexed articles, a filler, "rust", "economy", "hostile".
    monkeypatch.setattr(execute, "COMMON_SAMPLE", 4)
    monkeypatch.setattr(execute, "COMMON_SLICES", 1)
    # "the" is in half of them: bm25 would give it no weight, so newest first (by arrival).
    assert ids(store, "the") == ["hostile", "rust", "reversed", "title"]
    assert all(h.score == 0.0 for h in search(store, "the", now=NOW))
    # Filters still apply, and so do exclusions.
    assert ids(store, "the section:World") == ["reversed", "title"]
    assert ids(store, "the -volcano") == ["rust", "reversed"]
    # One informative word keeps bm25 for the whole query.
    assert ids(store, "the volcano") == ranked
    assert set(ranked) == {"title", "hostile"}
    assert search(store, "the volcano", now=NOW)[0].score > 0


def test_common_words_beside_rarer_ones_only_filter(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from termnews.core.search import execute

    texts = ("the volcano", "the sea", "the volcano section:World", "the OR rust volcano")
    ranked = {text: ids(store, text) for text in texts}
    assert ranked["the sea"] == ["reversed"]  # "phrase" has "sea" but not "the"
    monkeypatch.setattr(execute, "COMMON_SAMPLE", 4)
    monkeypatch.setattr(execute, "COMMON_SLICES", 1)
    checked = execute._ranked_then_checked
    calls: list[str] = []

    def spy(store: Store, query: Query, *args: object) -> object:
        calls.append(query.text)
        return checked(store, query, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(execute, "_ranked_then_checked", spy)
    # "the" is in half of the sample: bm25 is run without it, and it only filters.
    for text, expected in ranked.items():
        assert ids(store, text) == expected, text
    assert calls == ["the volcano", "the sea", "the volcano section:World"]
    assert ids(store, "the volcano", limit=1, offset=1) == ranked["the volcano"][1:2]
    assert all(h.score > 0 for h in search(store, "the volcano", now=NOW))


def test_a_term_common_only_lately_is_still_ranked(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from termnews.core.search import execute

    monkeypatch.setattr(execute, "COMMON_SAMPLE", 4)
    monkeypatch.setattr(execute, "COMMON_SLICES", 1)
    assert execute._too_common_to_rank(store, parse_query("the", now=NOW))
    # Sampled over the whole index (2 newest articles, 2 from the middle): "the" is
    # in half of the newest, not of the index, so bm25 still ranks it.
    monkeypatch.setattr(execute, "COMMON_SLICES", 2)
    assert not execute._too_common_to_rank(store, parse_query("the", now=NOW))
    assert all(h.score > 0 for h in search(store, "the", now=NOW))


@pytest.mark.parametrize(
    "text",
    ['"sea level"', "volcano rust", "volcano OR rust", "title:volcano", "sea lev", "the -sea"],
)
def test_match_bound_never_undercounts(store: Store, text: str) -> None:
    from termnews.core.search import execute

    query = parse_query(text, partial=True, now=NOW)
    total = execute.counts(store, query, include_muted=True, now=NOW)[0]
    assert total <= execute._match_bound(store, query, 100) <= 100
    # Capped: never more than asked for.
    assert execute._match_bound(store, query, 1) == min(1, execute._match_bound(store, query, 100))


def test_a_query_bounded_below_the_window_ranks_all_its_matches(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from termnews.core.search import execute

    # "sea" and "level" are in 2-3 articles each, the phrase in one: no window needed.
    assert execute._match_bound(store, parse_query('"sea level"', now=NOW), 3) < 3
    monkeypatch.setattr(execute, "RANK_WINDOW", 3)
    assert ids(store, '"sea level"') == ["phrase"]


def test_small_caches_rank_common_terms_by_bm25(store: Store) -> None:
    # Fewer articles than COMMON_SAMPLE: a title match still outranks body matches.
    hits = search(store, "volcano", now=NOW)
    assert all(h.score > 0 for h in hits)
    assert ids(store, "volcano")[0] in {"title", "hostile"}


@pytest.mark.parametrize(
    ("marked", "text", "spans"),
    [
        ("plain", "plain", ()),
        ("\ue000sea\ue001 \ue000level\ue001 rise", "sea level rise", ((0, 9),)),
        ("a \ue000b\ue001, \ue000c\ue001", "a b, c", ((2, 3), (5, 6))),
        ("stray \ue001end and \ue000open", "stray end and open", ()),
        ("\ue000\ue001empty", "empty", ()),
    ],
)
def test_markers_become_spans(marked: str, text: str, spans: tuple[tuple[int, int], ...]) -> None:
    from termnews.core.search.highlight import spans_from_markers

    assert spans_from_markers(marked) == (text, spans)
