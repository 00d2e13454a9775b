"""Rows made by the parse workers store exactly what ingesting their entries stored before.

The reference below is ``Store.ingest``'s own computation before rows existed (termnews
main at 1f98c77): every stored guid, content hash, JSON list, date and body must stay the
same bytes, or every cached article would look changed on the next refresh.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from loopback_http import Loopback, static
from tests.conftest import CORPUS, needs_corpus

from termnews.core.config import Config, NetworkConfig
from termnews.core.http_refresh import refresh_remote
from termnews.core.models import EntryData, ParsedFeed
from termnews.core.parse_pool import parse_and_count_job, parse_job
from termnews.core.refresh import STATUS_FAILED, FeedOutcome
from termnews.core.store import FeedRows, Store
from termnews.core.store.rows import ROW_COLUMNS, content_hash, entry_row, json_list

SETTINGS = Config(network=NetworkConfig(read_timeout=2.0, total_timeout=10.0, per_host=8))
NOW = datetime.now(UTC).replace(microsecond=0)

_COMPARED = (
    "guid",
    "link",
    "title",
    "author",
    "published",
    "updated",
    "summary",
    "content",
    "categories",
    "image",
    "enclosures",
    "content_hash",
    "content_html",
    "content_base",
)


def _main_key(entry: EntryData) -> str:
    if entry.guid and entry.guid.strip():
        return entry.guid.strip()
    if entry.link and entry.link.strip():
        return entry.link.strip()
    text = f"{entry.title}\n{entry.summary}\n{entry.markdown}"
    return "sha1:" + hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()


def _main_hash(entry: EntryData) -> str:
    text = "\x00".join(
        (entry.title, entry.summary, entry.content, entry.link or "", entry.author or "", "")
    )
    return hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=12).hexdigest()


def _main_values(entry: EntryData) -> tuple[Any, ...]:
    """The stored values, as main's ``Store.ingest`` computed them (in ``_COMPARED`` order)."""
    return (
        _main_key(entry),
        entry.link,
        entry.title,
        entry.author,
        entry.published.timestamp() if entry.published else None,
        entry.updated.timestamp() if entry.updated else None,
        entry.summary,
        entry.content,
        json.dumps(entry.categories) if entry.categories else "",
        entry.image,
        json.dumps(entry.enclosures) if entry.enclosures else "",
        _main_hash(entry),
        entry.content_html,
        entry.content_base,
    )


def _expected(entries: tuple[EntryData, ...]) -> dict[str, tuple[Any, ...]]:
    """Main's rows by key: the first entry with a key wins, later ones are skipped."""
    rows: dict[str, tuple[Any, ...]] = {}
    for entry in entries:
        values = _main_values(entry)
        rows.setdefault(values[0], values)
    return rows


def _stored(store: Store, feed_id: int) -> dict[str, tuple[Any, ...]]:
    """Stored rows by guid, with every column's SQLite type (a cast body must be text)."""
    columns = ", ".join(_COMPARED)
    kinds = ", ".join(f"typeof({c})" for c in _COMPARED)
    out: dict[str, tuple[Any, ...]] = {}
    for row in store.conn.execute(
        f"SELECT {columns}, {kinds} FROM articles WHERE feed_id = ?", (feed_id,)
    ):
        values, types = tuple(row[: len(_COMPARED)]), row[len(_COMPARED) :]
        assert "blob" not in types, dict(zip(_COMPARED, types, strict=True))
        out[values[0]] = values
    return out


def _entry(n: int, **changes: Any) -> EntryData:
    base = EntryData(
        guid=f"g{n}",
        link=f"https://e.example/{n}",
        title=f"Title {n} — “quoted”",
        author="Zoë",
        published=NOW - timedelta(hours=n),
        summary=f"Summary {n} with é and 漢字",
        content=f"Body {n}: naïve café, 𝄞 and a tab-free line",
        categories=('say "hi"', "back\\slash", "Ünïcode", "日本"),
        enclosures=(f"https://e.example/{n}.mp3",),
        content_html=f"<p>Body {n}: naïve café, 𝄞</p>",
        content_base="https://e.example/",
    )
    return replace(base, **changes)


HOSTILE = (
    _entry(0),
    _entry(1, guid="  padded-guid  "),
    _entry(2, guid=None),
    _entry(3, guid=None, link=None),
    _entry(4, guid=None, link=None, content_html=None, content="plain only"),
    _entry(5, published=None, updated=NOW - timedelta(days=1), categories=(), enclosures=()),
    _entry(6, published=None, author=None, image="https://e.example/i.png"),
    _entry(7, guid="g0", title="a later duplicate of g0"),
    _entry(8, summary="", content="", content_html=None),
)


def test_a_row_holds_what_ingest_stored_before() -> None:
    for entry in HOSTILE:
        row = dict(zip(ROW_COLUMNS, entry_row(entry), strict=True))
        main = dict(zip(_COMPARED, _main_values(entry), strict=True))
        html = entry.content_html
        assert row["content"] == entry.content.encode()
        assert row["content_html"] == (html.encode() if html is not None else None)
        row.update(content=entry.content, content_html=html)
        assert row == main


def test_json_lists_are_json_dumps() -> None:
    lists: list[tuple[Any, ...]] = [
        (),
        ("a",),
        ('q"uote', "back\\slash", "tab\tnew\nline", "\x00\x1f\x7f", "é漢字𝄞", "\ud800", ""),
        (1, "mixed"),
    ]
    for values in lists:
        assert json_list(values) == (json.dumps(values) if values else "")


def test_the_hash_of_the_encoded_body_is_the_hash_of_the_text() -> None:
    for entry in HOSTILE:
        args = (entry.title, entry.summary, entry.content, entry.link, entry.author)
        assert content_hash(*args) == _main_hash(entry)
        assert content_hash(*args[:2], entry.content.encode(), *args[3:]) == _main_hash(entry)


def test_ingest_of_rows_stores_main_s_values_and_updates_them_as_text(db_path: Path) -> None:
    with Store.open(db_path) as store:
        feed, _ = store.add_feed("https://e.example/feed")
        # From a parse worker: rows, through a pickle round trip.
        rows = pickle.loads(pickle.dumps(FeedRows.of(ParsedFeed("T", HOSTILE)), protocol=5))
        result = store.ingest(feed.id, rows)
        assert result.new == len(_expected(HOSTILE)) == len(HOSTILE) - 1
        assert _stored(store, feed.id) == _expected(HOSTILE)
        # Entries parsed in this process give the same rows.
        other, _ = store.add_feed("https://e.example/other")
        store.ingest(other.id, ParsedFeed("T", HOSTILE))
        assert _stored(store, other.id) == _expected(HOSTILE)
        # A changed entry is rewritten in place (through the same casts), an unchanged one not.
        changed = (
            replace(HOSTILE[0], content="Now different: ü", content_html="<p>Now different: ü</p>"),
            HOSTILE[1],
        )
        result = store.ingest(feed.id, FeedRows.of(ParsedFeed("T", changed)))
        assert (result.new, result.updated, result.unchanged) == (0, 1, 1)
        expected = _expected(HOSTILE)
        expected.update(_expected(changed))
        assert _stored(store, feed.id) == expected


def test_a_body_sqlite_cannot_store_fails_its_feed_and_writes_nothing(db_path: Path) -> None:
    bad = _entry(0, content="lone \ud800 surrogate")
    with pytest.raises(UnicodeEncodeError):
        FeedRows.of(ParsedFeed("T", (bad,)))
    with Store.open(db_path) as store:
        feed, _ = store.add_feed("https://e.example/feed")
        with pytest.raises(UnicodeEncodeError):
            store.ingest(feed.id, ParsedFeed("T", (_entry(1), bad)))
        assert store.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0


def test_the_parse_job_hands_over_entries_when_it_cannot_make_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from termnews.core import parse_pool

    doc = _rss("site", [("a", NOW), ("b", None)])
    made, error, terms = parse_and_count_job(doc, "https://site.example/")
    assert isinstance(made, FeedRows) and error is None and len(terms) == 2

    def cannot(parsed: object) -> FeedRows:
        raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")

    monkeypatch.setattr(parse_pool.FeedRows, "of", cannot)
    parsed, error, terms = parse_and_count_job(doc, "https://site.example/")
    assert isinstance(parsed, ParsedFeed) and len(parsed.entries) == 2 and len(terms) == 2


def _rss(name: str, items: list[tuple[str, datetime | None]]) -> bytes:
    entries = "".join(
        f"<item><title>{name} {key} — café</title><link>https://{name}.example/{key}</link>"
        + (f"<pubDate>{format_datetime(when)}</pubDate>" if when else "")
        + f"<category>say &quot;hi&quot;</category><category>Ünïcode</category>"
        f"<description>&lt;p&gt;Body of {key}: naïve 漢字 𝄞&lt;/p&gt;</description></item>"
        for key, when in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{name}</title><link>https://{name}.example/</link>{entries}</channel></rss>"
    ).encode()


def test_a_refresh_through_the_parse_workers_stores_main_s_values(
    server: Loopback, db_path: Path
) -> None:
    # Four feeds: the refresh parses in worker processes, which hand over rows.
    docs: dict[int, bytes] = {}
    with Store.open(db_path) as store:
        for n in range(4):
            doc = _rss(f"site{n}", [("a", NOW), ("b", None), ("c", NOW - timedelta(days=n))])
            server.routes[f"/site{n}"] = static(doc)
            feed, _ = store.add_feed(server.url(f"/site{n}"))
            docs[feed.id] = doc
        outcomes: list[FeedOutcome] = []
        refresh_remote(store, store.feeds(), on_outcome=outcomes.append, settings=SETTINGS)
        assert sum(o.new for o in outcomes) == 12
        for feed in store.feeds():
            parsed, error = parse_job(docs[feed.id], feed.url)
            assert parsed is not None and error is None
            assert _stored(store, feed.id) == _expected(parsed.entries)


def test_a_feed_the_writer_cannot_store_fails_alone(server: Loopback, db_path: Path) -> None:
    """Entries that come back unconverted (a body with a lone surrogate) fail their feed only."""
    from termnews.core import parse_pool

    bad = ParsedFeed("T", (_entry(0, content="lone \ud800"),))

    def job(
        data: bytes,
        url: str,
        since: datetime | None = None,
        count: bool = True,
        defer_text: bool = False,
    ) -> Any:
        if url.endswith("/site0"):
            return bad, None, ()
        return parse_and_count_job(data, url, since, count, defer_text)

    with Store.open(db_path) as store:
        for n in range(2):
            server.routes[f"/site{n}"] = static(_rss(f"site{n}", [("a", NOW)]))
            store.add_feed(server.url(f"/site{n}"))
        outcomes: list[FeedOutcome] = []
        with pytest.MonkeyPatch.context() as patch:
            # Two feeds parse in a thread, so the job the pipeline runs for a feed never
            # fetched (parse_pool.fetched_job: inflate, hash, then this) sees the patch.
            patch.setattr(parse_pool, "parse_and_count_job", job)
            refresh_remote(store, store.feeds(), on_outcome=outcomes.append, settings=SETTINGS)
        by_url = {o.url.rsplit("/", 1)[1]: o for o in outcomes}
        assert by_url["site0"].status == STATUS_FAILED and "surrogate" in (
            by_url["site0"].error or ""
        )
        assert by_url["site1"].new == 1


REAL = CORPUS / "feeds-real"


@needs_corpus
def test_real_feeds_store_main_s_values_through_the_worker_path(tmp_path: Path) -> None:
    files = sorted(
        p for p in REAL.rglob("*") if p.is_file() and p.name not in {"MANIFEST.md", "INDEX.csv"}
    )
    compared = 0
    with Store.open(tmp_path / "c.db") as store:
        for path in files:
            url = f"https://{path.parent.name}.example/{path.name}"
            # One parse for both sides: a future date is clamped to the parse's "now".
            parsed, _error = parse_job(path.read_bytes(), url)
            if parsed is None:
                continue
            made = FeedRows.of(parsed)
            feed, _ = store.add_feed(url)
            store.ingest(feed.id, pickle.loads(pickle.dumps(made, protocol=5)))
            assert _stored(store, feed.id) == _expected(parsed.entries), path
            compared += len(parsed.entries)
    assert compared > 1000
