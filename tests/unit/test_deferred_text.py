"""A refresh that only stores leaves the bodies' plain text; what reads it gets the same text.

Real parts throughout: a loopback HTTP server with enough feeds that the refresh parses
in worker processes, real caches in tmp dirs, and the CLI's own ``main``. The reference
is a second cache refreshed with ``--index``, whose workers make the text at once: after
the index pass both caches must hold the same rows, byte for byte.
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

import pytest
from cli_runs import db, run, subscribe
from loopback_http import Loopback, static

from termnews.core import related_counting
from termnews.core.indexing import catch_up_search, index_all, pending
from termnews.core.store import Store

NOW = datetime.now(UTC).replace(microsecond=0)
LONG = " ".join(f"Paragraph words number {n} about the harbour." for n in range(60))


def item(
    n: int,
    title: str,
    body: str,
    *,
    description: str | None = None,
    guid: bool = True,
) -> str:
    when = format_datetime(NOW - timedelta(hours=n + 1))
    keyed = f"<link>https://site.example/{n}</link><guid>https://site.example/{n}</guid>"
    parts = [f"<title>{escape(title)}</title>", keyed if guid else "", f"<pubDate>{when}</pubDate>"]
    if description is None:
        parts.append(f"<description>{escape(body)}</description>")
    else:
        parts.append(f"<description>{escape(description)}</description>")
        parts.append(f"<content:encoded>{escape(body)}</content:encoded>")
    return "<item>" + "".join(parts) + "</item>"


def rss(name: str, items: list[str], built: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{name}</title><link>https://{name}.example/</link>"
        f"<lastBuildDate>{built or format_datetime(NOW)}</lastBuildDate>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def feeds(first_body: str = "<p>Only a <b>body</b> here, Zanzibar.</p>") -> dict[str, list[str]]:
    """Four feeds (the refresh parses in processes) with every kind of body."""
    return {
        "bodies": [
            item(0, "The body gives the summary", first_body),
            item(1, "A long body", f"<p>{LONG}</p><ul><li>one</li><li>two</li></ul>"),
        ],
        "teasers": [
            item(
                2,
                "A teaser and a body",
                "<p>The whole story, Quillfeather.</p>",
                description="<p>The teaser.</p>",
            ),
            # The teaser has no text, so no summary: left empty, that would say "the body
            # gives it" (deferred_text), so this one's text is made at once.
            item(
                3,
                "An image teaser",
                "<p>Body text, Marrowdale.</p>",
                description='<img src="https://site.example/i.png">',
            ),
        ],
        "unkeyed": [
            # Neither guid nor link: keyed by title and date, its text made at once too.
            item(4, "No guid, no link", "<p>Unkeyed body, Thistlewick.</p>", guid=False),
            item(5, "", "<p>An untitled item takes its title from this text, Brackenfold.</p>"),
        ],
        "plain": [item(6, "Plain words", "Plain text body &amp; more, Wobbleton.")],
    }


def serve(server: Loopback, built: str = "", **changes: str) -> list[str]:
    urls = []
    for name, items in feeds(**changes).items():
        server.routes[f"/{name}"] = static(rss(name, items, built))
        urls.append(server.url(f"/{name}"))
    return urls


ROWS = (
    "SELECT f.url, a.guid, a.title, a.summary, a.content, a.content_hash, a.content_html"
    " FROM articles a JOIN feeds f ON f.id = a.feed_id ORDER BY f.url, a.guid"
)


def rows(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(ROWS).fetchall()
    finally:
        conn.close()


def pending_titles(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT title FROM articles WHERE content_hash = ''")}
    finally:
        conn.close()


DEFERRED = {"The body gives the summary", "A long body", "A teaser and a body", "Plain words"}
"""The items whose text a refresh that only stores leaves: keyed and titled without it."""


@pytest.fixture
def reference(
    capsys: pytest.CaptureFixture[str], server: Loopback, tmp_path: Path
) -> list[tuple[object, ...]]:
    """The rows of a cache refreshed with ``--index`` (text made by the parse workers)."""
    here = os.environ["TERMNEWS_DATA_DIR"]
    os.environ["TERMNEWS_DATA_DIR"] = str(tmp_path / "reference")
    try:
        subscribe(capsys, serve(server))
        assert run(capsys, "refresh", "--index")[0] == 0
        assert not pending_titles(db())
        return rows(db())
    finally:
        os.environ["TERMNEWS_DATA_DIR"] = here


def test_the_pass_makes_the_text_a_refresh_left_as_the_refresh_would_have(
    capsys: pytest.CaptureFixture[str], server: Loopback, reference: list[tuple[object, ...]]
) -> None:
    subscribe(capsys, serve(server))
    code, out, _ = run(capsys, "refresh")
    assert code == 0 and out.startswith("4 feeds: 7 new articles")
    assert pending_titles(db()) == DEFERRED
    # Read before the pass: each article's summary is made on the spot, as it will be.
    listed = {a["title"]: a["summary"] for a in json.loads(run(capsys, "articles", "--json")[1])}
    stored = {r[2]: r[3] for r in reference}
    assert listed == stored
    assert stored["A long body"].endswith("…") and len(stored["A long body"]) <= 600
    assert stored["A teaser and a body"] == "The teaser."
    assert stored["An image teaser"] == ""  # a teaser without text: none, as ever
    assert run(capsys, "index")[0] == 0
    assert not pending_titles(db())
    assert rows(db()) == reference


def test_a_search_finds_words_only_the_left_text_holds(
    capsys: pytest.CaptureFixture[str], server: Loopback
) -> None:
    subscribe(capsys, serve(server))
    assert run(capsys, "refresh")[0] == 0
    hits = json.loads(run(capsys, "search", "Quillfeather", "--json")[1])
    assert [h["title"] for h in hits] == ["A teaser and a body"]
    assert "A teaser and a body" not in pending_titles(db())


def test_a_refresh_before_the_pass_finds_unchanged_articles_unchanged(
    capsys: pytest.CaptureFixture[str], server: Loopback, reference: list[tuple[object, ...]]
) -> None:
    subscribe(capsys, serve(server))
    assert run(capsys, "refresh")[0] == 0
    # New bodies (another build date), the same items: nothing is new or updated.
    serve(server, built=format_datetime(NOW + timedelta(minutes=5)))
    code, out, _ = run(capsys, "refresh")
    assert code == 0
    assert out.startswith("4 feeds: 0 new articles, 0 updated, 0 not modified, 4 unchanged")
    assert run(capsys, "index")[0] == 0
    assert rows(db()) == reference


def test_a_refresh_before_the_pass_updates_a_changed_article_whole(
    capsys: pytest.CaptureFixture[str], server: Loopback
) -> None:
    subscribe(capsys, serve(server))
    assert run(capsys, "refresh")[0] == 0
    serve(server, first_body="<p>Corrected: the body now names Ulverstone.</p>")
    code, out, _ = run(capsys, "refresh")
    assert code == 0 and out.startswith("4 feeds: 0 new articles, 1 updated")
    # The updated row holds its text (a feed fetched before parses it at once).
    assert "The body gives the summary" not in pending_titles(db())
    hits = json.loads(run(capsys, "search", "Ulverstone", "--json")[1])
    assert [h["title"] for h in hits] == ["The body gives the summary"]


def test_mute_rules_make_a_refresh_store_the_text_at_once(
    capsys: pytest.CaptureFixture[str], server: Loopback
) -> None:
    Path(os.environ["TERMNEWS_CONFIG"]).write_text('[search]\nmute = ["Wobbleton"]\n')
    subscribe(capsys, serve(server))
    assert run(capsys, "refresh")[0] == 0
    assert not pending_titles(db())
    titles = [a["title"] for a in json.loads(run(capsys, "articles", "--json")[1])]
    assert "Plain words" not in titles and len(titles) == 6


def test_the_pass_makes_the_text_in_its_worker_processes_the_same(
    capsys: pytest.CaptureFixture[str],
    server: Loopback,
    reference: list[tuple[object, ...]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    subscribe(capsys, serve(server))
    assert run(capsys, "refresh")[0] == 0
    # A backlog this small is counted in the pass's own process: here in two workers.
    monkeypatch.setattr(related_counting, "MIN_FOR_PROCESSES", 1)
    with Store.open(db()) as store:
        report = index_all(store)
        assert (report.search, report.related) == (7, 7)
        assert store.fill_texts() == 0  # every text was made, none is made twice
    assert rows(db()) == reference


def test_a_catch_up_limited_to_few_texts_leaves_more_to_the_pass(
    capsys: pytest.CaptureFixture[str], server: Loopback
) -> None:
    """The reader's connection makes few texts on first use (its index child makes them)."""
    subscribe(capsys, serve(server))
    assert run(capsys, "refresh")[0] == 0
    with Store.open(db()) as store:
        store.catch_up_texts = len(DEFERRED) - 1
        assert catch_up_search(store) == 0
        assert pending(store)[0] == 7 and pending_titles(db()) == DEFERRED
        store.catch_up_texts = len(DEFERRED)
        assert catch_up_search(store) == 7
        assert not pending_titles(db())


def test_the_reader_limits_its_own_catch_up(tmp_path: Path) -> None:
    from termnews.app.store_thread import READER_CATCH_UP_TEXTS, StoreThread

    thread = StoreThread(tmp_path / "reader.db")
    try:
        assert thread.submit(lambda s: s.catch_up_texts).result() == READER_CATCH_UP_TEXTS
    finally:
        thread.close()
    with Store.open(tmp_path / "reader.db") as store:
        assert store.catch_up_texts is None  # a command's own connection makes them all
