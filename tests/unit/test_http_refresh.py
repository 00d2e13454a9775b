"""Refreshing HTTP feeds into a real cache from a loopback server."""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler

import pytest
from loopback_http import (
    Loopback,
    Route,
    closes_mid_body,
    gzipped,
    redirect,
    rss,
    send,
    slow,
    static,
    status,
)

from termnews.core.config import Config, NetworkConfig
from termnews.core.http_refresh import MAX_TTL_MINUTES
from termnews.core.models import Feed
from termnews.core.refresh import RefreshReport, refresh
from termnews.core.store import Store

SETTINGS = Config(network=NetworkConfig(read_timeout=0.5, total_timeout=3.0, per_host=8))


def article_writes(store: Store) -> list[int]:
    """A counter of article inserts/updates/deletes made through this connection."""
    conn = store.conn
    counter = [0]

    def bump() -> None:
        counter[0] += 1

    conn.create_function("tn_bump", 0, bump)
    for event in ("INSERT", "UPDATE", "DELETE"):
        conn.execute(
            f"CREATE TEMP TRIGGER IF NOT EXISTS count_{event.lower()} AFTER {event} ON articles "
            "BEGIN SELECT tn_bump(); END"
        )
    return counter


def run(store: Store, feeds: list[Feed] | None = None, **kw: object) -> RefreshReport:
    return refresh(store, feeds, settings=SETTINGS, **kw)  # type: ignore[arg-type]


def by_url(report: RefreshReport) -> dict[str, tuple[str, str | None]]:
    return {o.url: (o.status, o.error) for o in report.outcomes}


def test_mixed_feeds_each_get_their_own_outcome(server: Loopback, store: Store) -> None:
    server.routes["/good"] = static(rss("Good"), ETag='"g1"')
    server.routes["/gz"] = gzipped(rss("Zipped", prefix="z"))
    server.routes["/plain"] = static(rss("Plain", prefix="p"), ctype="text/plain")
    server.routes["/missing"] = status(404)
    server.routes["/boom"] = status(500)
    server.routes["/slow"] = slow(2.0, rss("Slow"))
    server.routes["/html"] = static(b"<!DOCTYPE html><html><body>hi</body></html>", "text/html")
    server.routes["/broken"] = static(b"<rss><channel><title>x</title><item><title>a</ite")
    server.routes["/note"] = static(b"<?xml version='1.0'?><note><to>x</to></note>")
    server.routes["/cut"] = closes_mid_body(rss("Cut", items=30))
    paths = ["/good", "/gz", "/plain", "/missing", "/boom", "/slow", "/html", "/broken", "/note"]
    paths.append("/cut")
    for path in paths:
        store.add_feed(server.url(path))
    report = run(store)
    outcomes = by_url(report)
    assert len(report.outcomes) == len(paths)
    assert outcomes[server.url("/good")] == ("new", None)
    assert outcomes[server.url("/gz")] == ("new", None)
    assert outcomes[server.url("/plain")] == ("new", None)
    assert outcomes[server.url("/missing")] == ("failed", "HTTP 404 Not Found")
    assert outcomes[server.url("/boom")] == ("failed", "HTTP 500 Internal Server Error")
    assert outcomes[server.url("/slow")][1].startswith("timed out")  # type: ignore[union-attr]
    assert outcomes[server.url("/html")] == ("failed", "not a feed: looks like an HTML page")
    broken = next(o for o in report.outcomes if o.url == server.url("/broken"))
    assert broken.status == "new" and broken.warnings  # recovered, with a warning
    note_status, note_error = outcomes[server.url("/note")]
    assert note_status == "failed" and (note_error or "").startswith("not a feed")
    assert outcomes[server.url("/cut")] == (
        "failed",
        "connection closed before the response was complete",
    )
    assert report.new == 10
    feeds = {f.url: f for f in store.feeds()}
    good = feeds[server.url("/good")]
    assert good.title == "Good" and good.etag == '"g1"' and good.last_success is not None
    assert good.failures == 0 and good.total == 3
    missing = feeds[server.url("/missing")]
    assert missing.failures == 1 and missing.last_error == "HTTP 404 Not Found"
    assert missing.last_checked is not None and missing.last_success is None
    run(store, [missing])
    assert store.feed(missing.id).failures == 2


def test_second_refresh_is_all_304_with_no_article_writes(server: Loopback, store: Store) -> None:
    for i in range(6):
        server.routes[f"/f{i}"] = static(rss(f"F{i}", prefix=f"f{i}"), ETag=f'"e{i}"')
        store.add_feed(server.url(f"/f{i}"))
    server.routes["/lm"] = static(rss("LM", prefix="lm"), Last_Modified="Mon, 01 Jan 2024 GMT")
    store.add_feed(server.url("/lm"))
    first = run(store)
    assert {o.status for o in first.outcomes} == {"new"}
    writes = article_writes(store)
    second = run(store)
    assert {o.status for o in second.outcomes} == {"not_modified"}
    assert writes[0] == 0
    assert server.hits("/lm")[-1]["If-Modified-Since"] == "Mon, 01 Jan 2024 GMT"
    assert all(f.last_success is not None for f in store.feeds())


def test_same_body_again_is_not_parsed_or_written(server: Loopback, store: Store) -> None:
    server.routes["/f"] = static(rss("Same"))  # no validators: always 200
    store.add_feed(server.url("/f"))
    assert run(store).outcomes[0].status == "new"
    writes = article_writes(store)
    assert run(store).outcomes[0].status == "unchanged"
    assert writes[0] == 0
    forced = run(store, force=True).outcomes[0]
    assert forced.status == "unchanged" and forced.new == 0


def test_changed_body_adds_only_new_items(server: Loopback, store: Store) -> None:
    server.routes["/f"] = static(rss("Grow", items=2))
    store.add_feed(server.url("/f"))
    run(store)
    server.routes["/f"] = static(rss("Grow", items=5))
    outcome = run(store).outcomes[0]
    assert (outcome.status, outcome.new) == ("new", 3)


def test_permanent_redirect_updates_the_stored_url(server: Loopback, store: Store) -> None:
    server.routes["/old"] = redirect(301, "/mid")
    server.routes["/mid"] = redirect(308, "/new")
    server.routes["/new"] = static(rss("Moved"))
    server.routes["/temp"] = redirect(302, "/new2")
    server.routes["/new2"] = static(rss("Temp", prefix="t"))
    moved, _ = store.add_feed(server.url("/old"))
    temp, _ = store.add_feed(server.url("/temp"))
    report = run(store)
    assert {o.status for o in report.outcomes} == {"new"}
    assert store.feed(moved.id).url == server.url("/new")
    assert store.feed(temp.id).url == server.url("/temp")
    warning = next(o for o in report.outcomes if o.feed_id == moved.id).warnings
    assert any("moved permanently" in w for w in warning)


def test_redirect_loop_fails_that_feed_only(server: Loopback, store: Store) -> None:
    server.routes["/a"] = redirect(302, "/b")
    server.routes["/b"] = redirect(302, "/a")
    server.routes["/ok"] = static(rss("OK"))
    store.add_feed(server.url("/a"))
    store.add_feed(server.url("/ok"))
    outcomes = by_url(run(store))
    assert outcomes[server.url("/a")] == ("failed", "redirect loop")
    assert outcomes[server.url("/ok")][0] == "new"


def test_410_marks_the_feed_dead_and_it_is_kept(server: Loopback, store: Store) -> None:
    server.routes["/gone"] = status(410)
    feed, _ = store.add_feed(server.url("/gone"))
    assert run(store).outcomes[0].error == "HTTP 410 Gone"
    dead = store.feed(feed.id)
    assert dead.dead and dead.failing
    skipped = run(store).outcomes[0]
    assert skipped.status == "skipped" and "410" in (skipped.error or "")
    assert len(server.hits("/gone")) == 1
    server.routes["/gone"] = static(rss("Back"))
    assert run(store, force=True).outcomes[0].status == "new"
    assert not store.feed(feed.id).dead


def test_429_retry_after_is_honoured_until_forced(server: Loopback, store: Store) -> None:
    server.routes["/busy"] = status(429, Retry_After="3600")
    feed, _ = store.add_feed(server.url("/busy"))
    first = run(store).outcomes[0]
    assert first.error == "HTTP 429 Too Many Requests (retry after 3600 s)"
    next_check = store.feed(feed.id).next_check
    assert next_check is not None and next_check > datetime.now(UTC) + timedelta(minutes=55)
    assert run(store).outcomes[0].status == "skipped"
    assert len(server.hits("/busy")) == 1
    run(store, force=True)
    assert len(server.hits("/busy")) == 2


def test_feed_ttl_delays_the_next_fetch(server: Loopback, store: Store) -> None:
    server.routes["/ttl"] = static(rss("TTL", ttl=60))
    server.routes["/huge"] = static(rss("Huge", ttl=525600, prefix="h"))
    feed, _ = store.add_feed(server.url("/ttl"))
    huge, _ = store.add_feed(server.url("/huge"))
    run(store)
    due = store.feed(feed.id).next_check
    assert due is not None
    assert timedelta(minutes=59) < due - datetime.now(UTC) <= timedelta(minutes=60)
    capped = store.feed(huge.id).next_check
    assert capped is not None
    assert capped - datetime.now(UTC) <= timedelta(minutes=MAX_TTL_MINUTES)
    assert {o.status for o in run(store).outcomes} == {"skipped"}
    assert len(server.hits("/ttl")) == 1
    assert run(store, force=True).outcomes[0].status in ("unchanged", "not_modified")


def test_recovery_clears_the_error_state(server: Loopback, store: Store) -> None:
    server.routes["/flaky"] = status(503)
    feed, _ = store.add_feed(server.url("/flaky"))
    run(store)
    assert store.feed(feed.id).failures == 1
    server.routes["/flaky"] = static(rss("Flaky"))
    run(store)
    healed = store.feeds()[0]
    assert healed.failures == 0 and healed.last_error is None and healed.total == 3


def test_a_slow_feed_does_not_hold_back_the_others(server: Loopback, store: Store) -> None:
    gate = threading.Event()

    def stalled(h: object) -> None:
        gate.wait(5)
        send(h, 200, rss("Stalled"))  # type: ignore[arg-type]

    server.routes["/stalled"] = stalled
    for i in range(8):
        server.routes[f"/q{i}"] = static(rss(f"Q{i}", prefix=f"q{i}"))
    store.add_feed(server.url("/stalled"))
    for i in range(8):
        store.add_feed(server.url(f"/q{i}"))
    order: list[str] = []

    def progress(outcome: object, done: int, total: int) -> None:
        order.append(outcome.url)  # type: ignore[attr-defined]
        if done == total - 1:
            gate.set()

    patient = Config(network=NetworkConfig(read_timeout=5.0, total_timeout=10.0, per_host=4))
    report = refresh(store, settings=patient, progress=progress)
    assert order[-1] == server.url("/stalled")
    assert {o.status for o in report.outcomes} == {"new"}


def test_cancel_stops_the_refresh(server: Loopback, store: Store) -> None:
    cancel = threading.Event()
    server.routes["/first"] = static(rss("First"))
    server.routes["/hang"] = slow(3.0, rss("Hang"))
    store.add_feed(server.url("/first"))
    store.add_feed(server.url("/hang"))

    def progress(outcome: object, done: int, total: int) -> None:
        cancel.set()

    patient = Config(network=NetworkConfig(read_timeout=10.0, total_timeout=10.0))
    report = refresh(store, settings=patient, progress=progress, cancel=cancel)
    outcomes = by_url(report)
    assert outcomes[server.url("/first")][0] == "new"
    assert outcomes[server.url("/hang")] == ("skipped", "cancelled")


def test_offline_skips_http_feeds(server: Loopback, store: Store) -> None:
    server.routes["/f"] = static(rss("F"))
    store.add_feed(server.url("/f"))
    report = refresh(store, offline=True, settings=SETTINGS)
    assert report.outcomes[0].status == "skipped"
    assert server.hits("/f") == []


def test_parse_pool_survives_a_dead_worker() -> None:
    import os
    from concurrent.futures import BrokenExecutor

    from termnews.core.parse_pool import ParsePool, parse_job

    pool = ParsePool(processes=True)
    try:
        executor = pool.executor()
        if not pool.processes:
            pytest.skip("one core: no process pool")
        assert executor.submit(os.getpid).result() != os.getpid()
        for process in list(executor._processes.values()):  # type: ignore[attr-defined]
            process.kill()
        with pytest.raises(BrokenExecutor):
            executor.submit(parse_job, rss("X"), "http://127.0.0.1/").result(timeout=30)
        pool.fall_back_to_thread()
        parsed, error = pool.executor().submit(parse_job, rss("X"), "http://127.0.0.1/").result()
        assert error is None and parsed is not None and parsed.title == "X"
    finally:
        pool.close()


def test_search_index_is_built_while_feeds_are_still_coming(
    server: Loopback, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer indexes new articles while it waits, not all after the last feed."""
    from termnews.core import http_refresh

    monkeypatch.setattr(http_refresh, "FTS_BATCH", 3)
    # No tail kept for the end (the next test has it): indexing as soon as a batch is due.
    monkeypatch.setattr(http_refresh, "FTS_TAIL_FACTOR", 0)
    for i in range(8):
        server.routes[f"/f{i}"] = slow(0.05 * i, rss(f"F{i}", prefix=f"f{i}"))
        store.add_feed(server.url(f"/f{i}"))
    indexed_during: list[int] = []

    def seen(_outcome: object, _done: int, _total: int) -> None:
        indexed_during.append(int(store.get_meta("fts_indexed_upto", "0") or 0))

    report = refresh(store, settings=SETTINGS, progress=seen)
    assert {o.status for o in report.outcomes} == {"new"}
    # Feeds arrive 50 ms apart, so the writer is idle between them and indexes then.
    assert len(indexed_during) == 8 and max(indexed_during[:-1]) > 0
    total = store.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert int(store.get_meta("fts_indexed_upto", "0") or 0) == total == 24
    hits = store.conn.execute(
        "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'body'"
    ).fetchone()[0]
    assert hits == 24


def test_search_index_leaves_the_latest_articles_for_the_end(
    server: Loopback, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index keeps its tail behind the writer, for the end, and is complete after it."""
    from termnews.core import http_refresh

    monkeypatch.setattr(http_refresh, "FTS_BATCH", 3)
    monkeypatch.setattr(http_refresh, "FTS_TAIL_MAX", 6)
    for i in range(8):
        server.routes[f"/f{i}"] = slow(0.05 * i, rss(f"F{i}", prefix=f"f{i}"))
        store.add_feed(server.url(f"/f{i}"))
    during: list[tuple[int, int]] = []

    def seen(_outcome: object, _done: int, _total: int) -> None:
        top = store.conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]
        during.append((int(store.get_meta("fts_indexed_upto", "0") or 0), int(top)))

    report = refresh(store, settings=SETTINGS, progress=seen)
    assert {o.status for o in report.outcomes} == {"new"}
    assert len(during) == 8 and max(upto for upto, _ in during[:-1]) > 0
    # Never closer than the tail: the last related-stories batch's articles (and as many
    # again) are indexed beside that batch, once the last feed is written.
    assert all(upto == 0 or upto <= top - 6 for upto, top in during)
    assert int(store.get_meta("fts_indexed_upto", "0") or 0) == 24
    hits = store.conn.execute(
        "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'body'"
    ).fetchone()[0]
    assert hits == 24


def test_related_stories_are_indexed_while_feeds_are_still_coming(
    server: Loopback, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Related-stories batches run in the writer's waits, not all after the last feed."""
    from termnews.core import http_refresh

    monkeypatch.setattr(http_refresh, "RELATED_BATCH", 3)
    assert store.path is not None
    db_path = store.path

    def batch_written() -> bool:
        with closing(sqlite3.connect(db_path, timeout=30)) as conn:
            return bool(conn.execute("SELECT count(*) FROM related_docs").fetchone()[0])

    def after_a_batch(body: bytes) -> Route:
        """Answer once a related batch is in the cache (a slow site, for a busy machine)."""

        def route(h: BaseHTTPRequestHandler) -> None:
            deadline = time.monotonic() + 30
            while not batch_written() and time.monotonic() < deadline:
                time.sleep(0.02)
            before_last.append(batch_written())
            send(h, 200, body)

        return route

    before_last: list[bool] = []
    for i in range(8):
        body = rss(f"F{i}", prefix=f"f{i}")
        server.routes[f"/f{i}"] = slow(0.05 * i, body) if i < 7 else after_a_batch(body)
        store.add_feed(server.url(f"/f{i}"))

    # The last feed answers only once a batch is written (or after 30 s): a batch
    # that waited for the last feed, or for after_ingest, would fail this.
    patient = Config(network=NetworkConfig(read_timeout=40, total_timeout=60, per_host=8))
    report = refresh(store, settings=patient)
    assert {o.status for o in report.outcomes} == {"new"}
    assert before_last == [True]
    # Every article is indexed once the refresh returns, the last ones by after_ingest.
    total = store.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert store.conn.execute("SELECT count(*) FROM related_docs").fetchone()[0] == total == 24
    assert int(store.get_meta("related_docs_seen", "0") or 0) == 24


def test_a_refresh_reads_its_cache_unmapped_and_restores_the_map(
    server: Loopback, store: Store
) -> None:
    """The refresh's reads must not pile mapped pages into its RSS; readers keep the map."""
    before = store.conn.execute("PRAGMA mmap_size").fetchone()[0]
    assert before > 0
    during: list[int] = []
    server.routes["/a"] = rss("A", prefix="a")
    store.add_feed(server.url("/a"))

    def seen(_outcome: object, _done: int, _total: int) -> None:
        during.append(store.conn.execute("PRAGMA mmap_size").fetchone()[0])

    refresh(store, settings=SETTINGS, progress=seen)
    assert during == [0]
    assert store.conn.execute("PRAGMA mmap_size").fetchone()[0] == before


def test_parse_pool_warm_up_starts_a_worker_process() -> None:
    import os

    from termnews.core.parse_pool import ParsePool

    pool = ParsePool(processes=True)
    try:
        ready = pool.warm_up()
        if not pool.processes:
            assert ready is None
            pytest.skip("one core: no process pool")
        assert ready is not None
        assert ready.result(timeout=30) != os.getpid()
    finally:
        pool.close()
    thread = ParsePool(processes=False)
    assert thread.warm_up() is None
    thread.close()


def test_encoded_bodies_are_decoded_by_the_parse_workers_with_the_fetchers_limits(
    server: Loopback, store: Store
) -> None:
    """gzip/deflate bodies inflated in a parse worker: same articles, same error lines.

    Enough feeds that they parse in worker processes; a decompression bomb and a
    corrupt body fail alone with the lines the fetcher gives when it decodes itself.
    """
    import gzip
    import zlib

    from termnews.core.sources.fetch import fetch_result

    network = NetworkConfig(read_timeout=2.0, total_timeout=10.0, per_host=8, max_bytes=500_000)
    settings = Config(network=network)
    bomb = gzip.compress(b"<rss>" + b" " * 5_000_000)
    server.routes["/bomb"] = lambda h: send(h, 200, bomb, headers={"Content-Encoding": "gzip"})
    server.routes["/bad"] = lambda h: send(
        h, 200, b"this is not gzip", headers={"Content-Encoding": "gzip"}
    )
    packer = zlib.compressobj(wbits=-15)
    raw_deflate = packer.compress(rss("Deflated", prefix="d")) + packer.flush()
    server.routes["/deflate"] = lambda h: send(
        h, 200, raw_deflate, headers={"Content-Encoding": "deflate"}
    )
    server.routes["/unknown"] = lambda h: send(h, 200, b"x", headers={"Content-Encoding": "br"})
    paths = ["/bomb", "/bad", "/deflate", "/unknown"]
    for n in range(4):
        server.routes[f"/gz{n}"] = gzipped(rss(f"Zipped {n}", prefix=f"z{n}"))
        paths.append(f"/gz{n}")
    for path in paths:
        store.add_feed(server.url(path))
    outcomes = by_url(refresh(store, settings=settings))
    for path in ("/bomb", "/bad", "/unknown"):
        fetched_alone = fetch_result(server.url(path), network).error
        assert outcomes[server.url(path)] == ("failed", fetched_alone), path
    assert outcomes[server.url("/bomb")][1] == "response too large (over 488 KiB)"
    assert (outcomes[server.url("/bad")][1] or "").startswith("corrupt gzip data")
    for path in ("/deflate", "/gz0", "/gz1", "/gz2", "/gz3"):
        assert outcomes[server.url(path)] == ("new", None), path
    plain = fetch_result(server.url("/gz0"), network).body
    assert plain is not None
    from termnews.core.sources.coding import body_hash

    feed = next(f for f in store.feeds() if f.url == server.url("/gz0"))
    assert store.feed_source_hash(feed.id) == body_hash(plain)  # the decoded body's hash


def test_a_feed_that_gives_every_item_a_new_guid_each_fetch_is_not_duplicated(
    server: Loopback, store: Store
) -> None:
    """Some feeds mint guids per request (a session id, a timestamp in the guid).

    Each refresh added every item again, unread: after a day of refreshes the feed
    held each story dozens of times (seen by qa17). An entry with a new guid whose
    text, title, link and author are those of an article the feed already has is that
    article. A story that did change under a new guid is still new.
    """
    fetches = [0]

    def reissued(h: BaseHTTPRequestHandler) -> None:
        fetches[0] += 1
        items = "".join(
            f"<item><title>Story {i}</title><link>https://re.example/{i}</link>"
            f"<guid isPermaLink='false'>{fetches[0]}-{i}</guid>"
            f"<pubDate>Mon, 23 Nov 2026 10:0{i}:00 GMT</pubDate>"
            f"<description>Body of story {i}.</description></item>"
            for i in range(5)
        )
        changed = "<item><title>Story 0, corrected</title><link>https://re.example/0</link>"
        changed += f"<guid>{fetches[0]}-x</guid><description>Body.</description></item>"
        body = '<?xml version="1.0"?><rss version="2.0"><channel><title>Re</title>'
        body += f"{items}{changed if fetches[0] == 3 else ''}</channel></rss>"
        send(h, 200, body.encode(), "application/rss+xml")

    server.routes["/re.xml"] = reissued
    store.add_feed(server.url("/re.xml"))
    assert run(store, force=True).totals()["new_articles"] == 5
    second = run(store, force=True)
    assert second.totals()["new_articles"] == 0, second.outcomes
    assert store.count() == 5
    third = run(store, force=True)
    assert third.totals()["new_articles"] == 1 and store.count() == 6
