"""Related-stories term counts made by the parse workers during an HTTP refresh."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

import pytest
from loopback_http import Loopback, static
from related_stories import STORIES

from termnews.core.config import Config, NetworkConfig
from termnews.core.http_refresh import refresh_remote
from termnews.core.refresh import FeedOutcome, after_ingest
from termnews.core.related import RefreshTerms, related_articles
from termnews.core.related_text import doc_terms, lead_text
from termnews.core.store import Store

SETTINGS = Config(network=NetworkConfig(read_timeout=2.0, total_timeout=10.0, per_host=8))
NOW = datetime.now(UTC).replace(microsecond=0)


def feed(name: str, items: list[tuple[str, tuple[str, str], datetime]]) -> bytes:
    entries = "".join(
        f"<item><title>{escape(title)}</title><link>https://{name}.example/{key}</link>"
        f"<guid>https://{name}.example/{key}</guid><pubDate>{format_datetime(when)}</pubDate>"
        f"<description>{escape(f'<p>{body}</p>')}</description></item>"
        for key, (title, body), when in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{name}</title><link>https://{name}.example/</link>{entries}</channel></rss>"
    ).encode()


def refresh_all(store: Store, terms: RefreshTerms) -> list[int]:
    outcomes: list[FeedOutcome] = []
    refresh_remote(store, store.feeds(), on_outcome=outcomes.append, settings=SETTINGS, terms=terms)
    return [i for o in outcomes for i in o.new_ids]


def test_workers_count_the_new_entries_as_the_writer_would(server: Loopback, store: Store) -> None:
    # Four feeds: the refresh parses in worker processes.
    two_days_ago = NOW - timedelta(days=2)
    for n, story in enumerate(STORIES):
        name = f"site{n}"
        server.routes[f"/{name}"] = static(feed(name, [("a", story, two_days_ago)]))
        store.add_feed(server.url(f"/{name}"))
    terms = RefreshTerms()
    new = refresh_all(store, terms)
    assert len(new) == len(STORIES) == len(terms)
    rows = store.conn.execute(
        "SELECT feed_id, guid, title, summary, content FROM articles"
    ).fetchall()
    for feed_id, guid, title, summary, content in rows:
        counted = terms.take(feed_id, guid)
        assert counted is not None
        from_text = doc_terms(title, lead_text(summary, content))
        assert counted.weights == from_text.weights and counted.dup_key == from_text.dup_key
    assert len(terms) == 0

    # Later fetches: only entries dated after the feed's last fetch are counted there.
    for n, story in enumerate(STORIES):
        name = f"site{n}"
        fresh = [("b", story, NOW), ("c", story, two_days_ago + timedelta(hours=1))]
        server.routes[f"/{name}"] = static(feed(name, [("a", story, two_days_ago), *fresh]))
    terms = RefreshTerms()
    new = refresh_all(store, terms)
    assert len(new) == 2 * len(STORIES) and len(terms) == len(STORIES)
    # The rest are counted from their text; every new article is indexed either way.
    after_ingest(store, new, None, terms)
    assert len(terms) == 0
    indexed = store.conn.execute("SELECT count(*) FROM related_docs").fetchone()[0]
    assert indexed == 3 * len(STORIES)
    quake = store.conn.execute(
        "SELECT id FROM articles WHERE guid = ?", ("https://site0.example/b",)
    ).fetchone()[0]
    items = related_articles(store, quake)
    # The rewrite from the other site, once (its three copies share one text).
    assert [(i.feed_title, i.same_story) for i in items] == [("site1", True)]


def test_counts_kept_for_a_refresh_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from termnews.core import related
    from termnews.core.related_text import encode_terms

    monkeypatch.setattr(related, "BACKFILL_LIMIT", 5)
    blob = encode_terms(doc_terms(*STORIES[0]))
    terms = RefreshTerms()
    for feed_id in (1, 2):
        terms.add(feed_id, [f"g{i}" for i in range(4)], [blob, b"", blob, blob])
    # Six counted entries, five kept: the first one added goes.
    assert len(terms) == 5
    assert terms.take(1, "g0") is None and terms.take(1, "g1") is None
    assert terms.take(2, "g3") is not None


def test_a_batch_worked_out_elsewhere_writes_what_the_writer_would(tmp_path: Path) -> None:
    """related.batch_job (run in a parse worker during a refresh) + write_batch give the
    same signatures and stories as indexing in the writer, and stop at ``last``."""
    from termnews.core import related
    from termnews.core.models import EntryData, ParsedFeed
    from termnews.core.related_text import encode_terms

    def fill(path: Path) -> tuple[Store, RefreshTerms, list[int]]:
        store = Store.open(path)
        terms = RefreshTerms()
        ids: list[int] = []
        for n, (title, body) in enumerate(STORIES):
            fid = store.add_feed(f"https://site{n}.example/rss", f"site{n}", "World")[0].id
            entries = (
                EntryData(guid=f"g{n}", link=None, title=title, content=body, published=NOW),
            )
            ids += store.ingest(fid, ParsedFeed(f"site{n}", entries)).new_ids
            if n != 3:  # one article the workers did not count: read from its text
                terms.add(fid, [f"g{n}"], [encode_terms(doc_terms(title, lead_text("", body)))])
        return store, terms, ids

    def indexed(store: Store) -> list[tuple[int, bytes, int, int | None]]:
        return store.conn.execute(
            "SELECT d.article_id, d.sig, d.dup_key, s.story_id FROM related_docs d"
            " LEFT JOIN article_stories s ON s.article_id = d.article_id ORDER BY d.article_id"
        ).fetchall()

    here, here_terms, ids = fill(tmp_path / "here.db")
    assert related.index_new_articles(here, (), here_terms) == len(STORIES)
    there, there_terms, _ = fill(tmp_path / "there.db")
    work, used = related.batch_job(str(tmp_path / "there.db"), there_terms.encoded(), ids[-1])
    assert work is not None and sorted(work.ids) == ids
    assert related.write_batch(there, work) == len(STORIES)
    assert [tuple(r) for r in indexed(there)] == [tuple(r) for r in indexed(here)]
    assert indexed(here)[0][3] is not None  # the two quake reports are one story
    there_terms.forget(used)
    assert len(there_terms) == 0  # every count handed over was used
    assert there.get_meta("related_indexed_upto") == str(ids[-1])

    # Up to the third article only, as when the writer went on writing meanwhile.
    later, later_terms, _ = fill(tmp_path / "later.db")
    work, used = related.batch_job(str(tmp_path / "later.db"), later_terms.encoded(), ids[2])
    assert work is not None and sorted(work.ids) == ids[:3] and len(used) == 3
    related.write_batch(later, work)
    later_terms.forget(used)
    work, used = related.batch_job(str(tmp_path / "later.db"), later_terms.encoded(), ids[-1])
    assert work is not None and work.ids == ids[3:] and used == []
    later.close()
    here.close()
    there.close()
