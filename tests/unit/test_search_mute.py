"""Mute rules: hidden everywhere (or marked read on arrival), applied incrementally."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from termnews.core.config import Config, SearchConfig
from termnews.core.models import EntryData, ParsedFeed
from termnews.core.refresh import after_ingest
from termnews.core.search import counts, search
from termnews.core.search.mute import apply_mute_rules, sync_mute_rules
from termnews.core.store import Store

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def entry(guid: str, title: str, summary: str = "", hours_ago: float = 1) -> EntryData:
    return EntryData(
        guid=guid,
        link=None,
        title=title,
        summary=summary,
        published=NOW - timedelta(hours=hours_ago),
    )


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store.open(db_path) as s:
        news, _ = s.add_feed("https://news.example/rss", "News", "World")
        deals, _ = s.add_feed("https://deals.example/rss", "Deals", "Shopping")
        s.ingest(
            news.id,
            ParsedFeed(
                "News",
                (
                    entry("n1", "Election results are in"),
                    entry("n2", "Sponsored: the best mattress", "A paid post."),
                    entry("n3", "Storm warning for the coast", hours_ago=2),
                ),
            ),
        )
        s.ingest(deals.id, ParsedFeed("Deals", (entry("d1", "Half price phones"),)))
        s.index_pending()
        yield s


def guid_ids(store: Store) -> dict[str, int]:
    return {r[0]: r[1] for r in store.conn.execute("SELECT guid, id FROM articles")}


def visible(store: Store, **kw: object) -> set[str]:
    by_id = {v: k for k, v in guid_ids(store).items()}
    return {by_id[h.id] for h in store.headlines(**kw)}  # type: ignore[arg-type]


def rules(*mute: str, mark_read: bool = False) -> SearchConfig:
    return SearchConfig(mute=list(mute), mute_mark_read=mark_read)


def test_muted_articles_are_hidden_from_lists_counts_and_search(store: Store) -> None:
    report = sync_mute_rules(store, rules("sponsored", "feed:deals"))
    assert (report.muted, report.recomputed) == (2, True)
    assert visible(store) == {"n1", "n3"}
    assert store.count() == 2 and store.count(unread=True) == 2
    sections = {s.name: (s.total, s.unread) for s in store.sections()}
    assert sections["All"] == (2, 2)
    assert sections["World"] == (2, 2)
    assert sections["Shopping"] == (0, 0)
    feeds = {f.title: (f.total, f.unread) for f in store.feeds()}
    assert feeds == {"News": (2, 2), "Deals": (0, 0)}
    assert search(store, "mattress", now=NOW) == []
    assert counts(store, "section:World", now=NOW) == (2, 2)


def test_show_muted_toggle_and_is_muted(store: Store) -> None:
    sync_mute_rules(store, rules("sponsored"))
    assert visible(store, include_muted=True) == {"n1", "n2", "n3", "d1"}
    assert store.count(include_muted=True) == 4
    hits = search(store, "is:muted", now=NOW)
    assert [h.title for h in hits] == ["Sponsored: the best mattress"]
    assert hits[0].muted
    assert [h.title for h in search(store, "mattress", include_muted=True, now=NOW)] == [
        "Sponsored: the best mattress"
    ]


def test_starred_count_excludes_muted(store: Store) -> None:
    ids = guid_ids(store)
    store.set_starred([ids["n2"], ids["n1"]])
    sync_mute_rules(store, rules("sponsored"))
    starred = next(s for s in store.sections() if s.name == "Starred")
    assert starred.total == 1
    assert visible(store, section="Starred") == {"n1"}


def test_new_arrivals_are_muted_after_a_refresh(store: Store) -> None:
    config = Config(search=rules("sponsored"))
    sync_mute_rules(store, config)
    feed = store.find_feed("News")
    result = store.ingest(
        feed.id, ParsedFeed("News", (entry("n4", "Sponsored: shoes"), entry("n5", "Rain")))
    )
    after_ingest(store, result.new_ids, config)
    assert visible(store) == {"n1", "n3", "n5", "d1"}


def test_unchanged_rules_do_not_recompute(store: Store) -> None:
    sync_mute_rules(store, rules("sponsored"))
    again = sync_mute_rules(store, rules("sponsored"))
    assert not again.recomputed and again.muted == 0


def test_changing_rules_recomputes_and_removing_them_unmutes(store: Store) -> None:
    sync_mute_rules(store, rules("sponsored"))
    changed = sync_mute_rules(store, rules("phones"))
    assert (changed.muted, changed.unmuted, changed.recomputed) == (1, 1, True)
    assert visible(store) == {"n1", "n2", "n3"}
    cleared = sync_mute_rules(store, rules())
    assert cleared.unmuted == 1
    assert visible(store) == {"n1", "n2", "n3", "d1"}


def test_unknown_settings_change_nothing(store: Store) -> None:
    sync_mute_rules(store, rules("sponsored"))
    assert sync_mute_rules(store, None).unmuted == 0
    assert "n2" not in visible(store)


def test_mark_read_mode_marks_arrivals_read_and_leaves_old_articles(store: Store) -> None:
    config = Config(search=rules("sponsored", mark_read=True))
    report = sync_mute_rules(store, config)
    assert report.marked_read == 0 and report.muted == 0
    feed = store.find_feed("News")
    result = store.ingest(feed.id, ParsedFeed("News", (entry("n4", "Sponsored: shoes"),)))
    after_ingest(store, result.new_ids, config)
    ids = guid_ids(store)
    read = {g for g, i in ids.items() if store.article(i).read}
    assert read == {"n4"}  # Marked read on arrival; n2 (already there) is left alone.
    assert "n4" in visible(store)  # Still listed, just read.


def test_switching_to_mark_read_mode_unhides(store: Store) -> None:
    sync_mute_rules(store, rules("sponsored"))
    sync_mute_rules(store, rules("sponsored", mark_read=True))
    assert visible(store) == {"n1", "n2", "n3", "d1"}


def test_bad_rule_is_reported_and_the_others_still_apply(store: Store) -> None:
    report = sync_mute_rules(store, rules("tag:ads", "sponsored", ""))
    assert len(report.errors) == 2
    assert "tag:ads" in report.errors[0] and "unknown filter" in report.errors[0]
    assert "empty" in report.errors[1]
    assert "n2" not in visible(store)


def test_apply_to_given_new_ids_only(store: Store) -> None:
    ids = guid_ids(store)
    report = apply_mute_rules(store, ["sponsored OR phones"], new_ids=[ids["d1"]])
    assert report.muted == 1
    assert visible(store) == {"n1", "n2", "n3"}


def test_filter_rules_and_negation(store: Store) -> None:
    sync_mute_rules(store, rules("section:World -election"))
    assert visible(store) == {"n1", "d1"}


def test_the_no_rules_fingerprint_is_the_digest_of_no_rules() -> None:
    """The constant the start uses instead of hashing (issue 8) is the digest a profile
    with no rules always had, for both modes: a stored one still matches."""
    import hashlib
    import json

    from termnews.core.search.mute import NO_RULES_FINGERPRINT, rules_fingerprint

    for mark_read in (False, True):
        data = json.dumps({"rules": [], "mark_read": mark_read}, sort_keys=True)
        digest = hashlib.sha1(data.encode("utf-8")).hexdigest()
        assert NO_RULES_FINGERPRINT[mark_read] == digest
        assert rules_fingerprint([], mark_read) == digest
        assert rules_fingerprint(("word",), mark_read) != digest
