"""A refresh stores; the search index, mute flags and related stories follow it.

Real parts throughout: a loopback HTTP server with enough feeds that the refresh parses
in worker processes, real caches in tmp dirs, and the CLI's own ``main``.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

import pytest
from cli_runs import db, run, subscribe
from loopback_http import Loopback, static
from related_stories import STORIES

from termnews.core.indexing import catch_up_all, index_all, pending
from termnews.core.related import index_backlog, related_articles
from termnews.core.store import Store

NOW = datetime.now(UTC).replace(microsecond=0)


def rss(name: str, title: str, body: str) -> bytes:
    when = format_datetime(NOW - timedelta(hours=2))
    item = (
        f"<item><title>{escape(title)}</title><link>https://{name}.example/a</link>"
        f"<guid>https://{name}.example/a</guid><pubDate>{when}</pubDate>"
        f"<description>{escape(f'<p>{body}</p>')}</description></item>"
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{name}</title><link>https://{name}.example/</link>{item}</channel></rss>"
    ).encode()


def serve_stories(server: Loopback) -> list[str]:
    """Four feeds (the refresh parses in processes), one story each; their URLs."""
    urls = []
    for n, (title, body) in enumerate(STORIES):
        server.routes[f"/site{n}"] = static(rss(f"site{n}", title, body))
        urls.append(server.url(f"/site{n}"))
    return urls


def quake_id(store: Store) -> int:
    row = store.conn.execute(
        "SELECT id FROM articles WHERE title LIKE 'Earthquake kills%'"
    ).fetchone()
    return int(row[0])


def test_a_refresh_stores_and_index_builds_what_it_left(
    capsys: pytest.CaptureFixture[str], server: Loopback
) -> None:
    subscribe(capsys, serve_stories(server))
    code, out, _ = run(capsys, "refresh")
    assert code == 0 and out.startswith("4 feeds: 4 new articles")
    with Store.open(db()) as store:
        assert pending(store) == (4, 4)
        assert store.conn.execute("SELECT count(*) FROM related_docs").fetchone()[0] == 0
    stats = json.loads(run(capsys, "stats", "--json")[1])
    assert (stats["unindexed_search"], stats["unindexed_related"]) == (4, 4)
    assert "4 not yet searchable, 4 without related stories" in run(capsys, "stats")[1]

    code, out, _ = run(capsys, "index", "--json")
    assert code == 0
    assert json.loads(out) == {"search": 4, "related": 4, "muted": 0, "complete": True}
    with Store.open(db()) as store:
        assert pending(store) == (0, 0)
        items = related_articles(store, quake_id(store))
    # The other site's telling of the quake, as one story (feeds are named by the OPML list).
    assert [(i.feed_title, i.same_story) for i in items][:1] == [("f1", True)]
    # Nothing left: said so, and nothing is done twice.
    code, out, _ = run(capsys, "index")
    assert (code, out) == (0, "search index and related stories were up to date\n")
    assert "not yet searchable" not in run(capsys, "stats")[1]


def test_refresh_index_gives_the_same_related_stories_as_first_use(
    capsys: pytest.CaptureFixture[str], server: Loopback, tmp_path: Path
) -> None:
    urls = serve_stories(server)
    subscribe(capsys, urls)
    code, out, _ = run(capsys, "refresh", "--index")
    # The summary first (the reader shows the headlines then), then the index line.
    assert code == 0
    assert out.splitlines() == [
        "4 feeds: 4 new articles, 0 updated, 0 not modified, 0 unchanged, 0 failed",
        "indexed 4 articles for search, 4 articles for related stories",
    ]
    with Store.open(db()) as store:
        assert pending(store) == (0, 0)
        ready = related_articles(store, quake_id(store))
    # A second cache, refreshed without --index: 'related' runs the pass on first use.
    os.environ["TERMNEWS_DATA_DIR"] = str(tmp_path / "second")
    subscribe(capsys, urls)
    assert run(capsys, "refresh")[0] == 0
    with Store.open(db()) as store:
        first = quake_id(store)
    code, out, _ = run(capsys, "related", str(first), "--json")
    assert code == 0
    assert [(r["feed"], r["same_story"]) for r in json.loads(out)] == [
        (i.feed_title, i.same_story) for i in ready
    ]
    with Store.open(db()) as store:
        assert pending(store) == (0, 0)
    code, out, _ = run(capsys, "trending", "--json")
    assert code == 0 and [t["sources"] for t in json.loads(out)] == [2]


def test_the_config_can_ask_every_refresh_to_index(
    capsys: pytest.CaptureFixture[str], server: Loopback
) -> None:
    Path(os.environ["TERMNEWS_CONFIG"]).write_text("[general]\nindex_on_refresh = true\n")
    subscribe(capsys, serve_stories(server))
    code, out, _ = run(capsys, "refresh", "--json")
    assert code == 0 and json.loads(out)["totals"]["new_articles"] == 4  # JSON stays clean
    with Store.open(db()) as store:
        assert pending(store) == (0, 0)


def test_with_mute_rules_a_refresh_mutes_at_once_and_leaves_related_stories(
    capsys: pytest.CaptureFixture[str], server: Loopback
) -> None:
    Path(os.environ["TERMNEWS_CONFIG"]).write_text('[search]\nmute = ["productivity"]\n')
    subscribe(capsys, serve_stories(server))
    assert run(capsys, "refresh")[0] == 0
    with Store.open(db()) as store:
        assert pending(store) == (0, 4)
        muted = store.conn.execute("SELECT title FROM articles WHERE muted = 1").fetchall()
    assert [r[0] for r in muted] == ["Central bank holds interest rates at 4%"]
    titles = [a["title"] for a in json.loads(run(capsys, "articles", "--json")[1])]
    assert len(titles) == 3 and "Central bank holds interest rates at 4%" not in titles


def test_a_search_finds_what_a_refresh_just_stored(
    capsys: pytest.CaptureFixture[str], server: Loopback
) -> None:
    subscribe(capsys, serve_stories(server))
    assert run(capsys, "refresh")[0] == 0
    hits = json.loads(run(capsys, "search", "Qazvin", "--json")[1])
    assert len(hits) == 2
    with Store.open(db()) as store:
        assert pending(store) == (0, 4)  # the search index only: related stories wait


def test_the_backlog_is_indexed_in_batches_and_a_stopped_pass_goes_on(
    capsys: pytest.CaptureFixture[str], server: Loopback
) -> None:
    subscribe(capsys, serve_stories(server))
    assert run(capsys, "refresh")[0] == 0
    with Store.open(db()) as store:
        stop = threading.Event()
        stop.set()
        report = index_all(store, None, stop)
        assert (report.search, report.related, report.complete) == (4, 0, False)
        assert pending(store) == (0, 4)
        assert index_backlog(store, batch=3) == 4  # two batches, oldest first
        assert pending(store) == (0, 0)
        assert store.conn.execute("SELECT count(*) FROM related_docs").fetchone()[0] == 4
        assert catch_up_all(store) is None  # nothing left: no pass at all


def test_a_pass_skips_articles_deleted_meanwhile(
    capsys: pytest.CaptureFixture[str], server: Loopback
) -> None:
    subscribe(capsys, serve_stories(server))
    assert run(capsys, "refresh")[0] == 0
    with Store.open(db()) as store:
        top = int(store.conn.execute("SELECT max(id) FROM articles").fetchone()[0])
        with store.transaction() as conn:
            conn.execute("DELETE FROM articles WHERE id = ?", (top,))
        assert index_backlog(store, batch=2) == 3
        assert int(store.get_meta("related_indexed_upto") or 0) >= top - 1
        assert pending(store)[1] == 0


def test_terms_counted_in_worker_processes_give_the_same_related_data(
    capsys: pytest.CaptureFixture[str], server: Loopback, tmp_path: Path
) -> None:
    import shutil

    from termnews.core.related_counting import BacklogCounter

    subscribe(capsys, serve_stories(server))
    assert run(capsys, "refresh")[0] == 0
    copy = tmp_path / "copy.db"
    with Store.open(db()) as store:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(db(), copy)

    def related_rows(store: Store) -> list[tuple[object, ...]]:
        from termnews.core.related_text import unpack

        # Signatures as weights by term: terms of equal weight may be stored in any order.
        return [
            (r[0], unpack(r[1]), r[2], r[3])
            for r in store.conn.execute(
                "SELECT d.article_id, d.sig, d.dup_key, s.story_id FROM related_docs d"
                " LEFT JOIN article_stories s ON s.article_id = d.article_id ORDER BY 1"
            )
        ]

    with Store.open(db()) as store:
        counter = BacklogCounter(db(), 2)
        try:
            counter.ahead(0, 2)  # a range handed out ahead that the pass asks for anyway
            assert index_backlog(store, batch=2, counter=counter) == 4
        finally:
            counter.close()
        in_workers = related_rows(store)
    with Store.open(copy) as store:
        assert index_backlog(store, batch=2) == 4
        here = related_rows(store)
    assert in_workers == here and len(here) == 4
