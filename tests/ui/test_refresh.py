"""Refreshing in the background over a loopback HTTP server; offline start."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from tests.ui.conftest import Env, RunApp, goto_section, main_screen, screen_text, settle, wait_for
from werkzeug import Request, Response

from termnews.app.widgets.section_list import FAILING_MARK


def rss(items: list[tuple[str, str]]) -> str:
    body = "".join(
        f"<item><title>{title}</title><link>https://loop.example/{guid}</link><guid>{guid}</guid>"
        f"<pubDate>Mon, 23 Nov 2026 1{i}:00:00 GMT</pubDate>"
        f"<description>Body of {title}.</description></item>"
        for i, (guid, title) in enumerate(items)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback Wire</title>'
        f"<link>https://loop.example/</link>{body}</channel></rss>"
    )


class Gate:
    """A feed whose responses wait until the test opens the gate."""

    def __init__(self) -> None:
        self.open = threading.Event()
        self.items = [("a1", "Loopback story one"), ("a2", "Loopback story two")]

    def handler(self, request: Request) -> Response:
        self.open.wait(10)
        return Response(rss(self.items), content_type="application/rss+xml")


@pytest.fixture
def gate() -> Iterator[Gate]:
    g = Gate()
    yield g
    g.open.set()


async def test_refresh_runs_in_the_background_and_keeps_the_place(
    demo: Env, run_app: RunApp, httpserver: HTTPServer, gate: Gate
) -> None:
    httpserver.expect_request("/wire.xml").respond_with_handler(gate.handler)
    httpserver.expect_request("/gone.xml").respond_with_data("nope", status=404)
    with demo.store() as store:
        store.add_feed(httpserver.url_for("/wire.xml"), "Loopback Wire", "World")
        store.add_feed(httpserver.url_for("/gone.xml"), "Gone Feed", "World")
    gate.open.set()  # first refresh: two stories arrive at once
    async with run_app(demo, size=(100, 30)) as (app, pilot):
        screen = main_screen(app)
        await pilot.press("R")
        await wait_for(pilot, lambda: not screen.refreshing)
        await settle(pilot)
        titles = [h.title for h in screen.headlines.rows]
        assert "Loopback story one" in titles and "Loopback story two" in titles
        # The failing feed is marked in the section list and reported once.
        assert FAILING_MARK in screen_text(app)
        assert any("Gone Feed" in n.message for n in app._notifications)

        # Second refresh: the server holds its response; the reader keeps working.
        gate.open.clear()
        gate.items = [("a3", "Loopback story three"), *gate.items]
        await pilot.press("R")
        await wait_for(pilot, lambda: screen.status.progress is not None)
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: screen.view_.section == "Unread")
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: screen.view_.section == "All")
        await pilot.press("G", "k", "k", "k", "enter")
        place = screen.headlines.current
        assert place is not None
        await wait_for(pilot, lambda: screen.article is not None and screen.article.id == place.id)
        assert screen.refreshing
        line_before = screen.headlines.highlighted - int(screen.headlines.scroll_y)  # type: ignore[operator]
        gate.open.set()
        await wait_for(pilot, lambda: not screen.refreshing)
        await settle(pilot)
        assert "Loopback story three" in [h.title for h in screen.headlines.rows]
        # Still on the same article, on the same line of the screen.
        assert screen.headlines.current is not None and screen.headlines.current.id == place.id
        line_after = screen.headlines.highlighted - int(screen.headlines.scroll_y)  # type: ignore[operator]
        assert line_after == line_before


async def test_a_second_refresh_key_does_not_start_a_second_refresh(
    seeded: Env, run_app: RunApp, httpserver: HTTPServer, gate: Gate
) -> None:
    httpserver.expect_request("/wire.xml").respond_with_handler(gate.handler)
    with seeded.store() as store:
        store.add_feed(httpserver.url_for("/wire.xml"), "Loopback Wire", "World")
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await pilot.press("R")
        await wait_for(pilot, lambda: screen.status.progress is not None)
        await pilot.press("r")
        await pilot.pause()
        assert any("already running" in n.message for n in app._notifications)
        gate.open.set()
        await wait_for(pilot, lambda: not screen.refreshing)
        with seeded.store() as store:
            assert store.count(section="World") == 5


async def test_r_refreshes_only_the_current_section(
    seeded: Env, run_app: RunApp, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/wire.xml").respond_with_data(
        rss([("b1", "Tech wire story")]), content_type="application/rss+xml"
    )
    httpserver.expect_request("/other.xml").respond_with_data(
        rss([("c1", "World wire story")]), content_type="application/rss+xml"
    )
    with seeded.store() as store:
        store.add_feed(httpserver.url_for("/wire.xml"), "Tech Wire", "Tech")
        store.add_feed(httpserver.url_for("/other.xml"), "World Wire", "World")
    async with run_app(seeded) as (_app, pilot):
        screen = main_screen(_app)
        await goto_section(pilot, "Tech")
        await pilot.press("r")
        await wait_for(pilot, lambda: not screen.refreshing)
        await settle(pilot)
        assert "Tech wire story" in [h.title for h in screen.headlines.rows]
        with seeded.store() as store:
            assert store.count(section="World") == 3  # the World feed was not fetched


async def test_offline_start_opens_from_cache_and_r_explains(
    seeded: Env, run_app: RunApp, httpserver: HTTPServer
) -> None:
    with seeded.store() as store:
        store.add_feed(httpserver.url_for("/never.xml"), "Never Fetched", "World")
    async with run_app(seeded, offline=True) as (app, pilot):
        screen = main_screen(app)
        assert "offline" in screen_text(app)
        assert screen.article is not None  # the cache is readable at once
        await pilot.press("R")
        await wait_for(pilot, lambda: not screen.refreshing)
        await settle(pilot)
        assert any("Offline" in (n.title or "") for n in app._notifications)
        assert any("skipped (offline)" in n.message for n in app._notifications)
    assert len(httpserver.log) == 0  # no connection was made


async def test_full_text_key_fetches_the_page(
    seeded: Env, run_app: RunApp, httpserver: HTTPServer
) -> None:
    page = (
        "<html><head><title>Long story</title></head><body><nav>menu</nav><article>"
        "<h1>Long story</h1>"
        + "".join(
            f"<p>Paragraph {i} of the whole article text, with enough words to count.</p>"
            for i in range(12)
        )
        + "</article></body></html>"
    )
    httpserver.expect_request("/story").respond_with_data(page, content_type="text/html")
    httpserver.expect_request("/teasers.xml").respond_with_data(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Teasers</title>'
        f"<item><title>Teaser only</title><link>{httpserver.url_for('/story')}</link>"
        "<guid>t1</guid><pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate>"
        "<description>Just a teaser.</description></item></channel></rss>",
        content_type="application/rss+xml",
    )
    with seeded.store() as store:
        store.add_feed(httpserver.url_for("/teasers.xml"), "Teasers", "World")
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await pilot.press("R")
        await wait_for(pilot, lambda: not screen.refreshing)
        await settle(pilot)
        index = next(i for i, h in enumerate(screen.headlines.rows) if h.title == "Teaser only")
        screen.headlines.highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f")
        await wait_for(
            pilot, lambda: screen.article is not None and bool(screen.article.full_content)
        )
        await settle(pilot)
        assert "Paragraph 11 of the whole article" in (screen.article.full_content or "")  # type: ignore[union-attr]


async def test_auto_refresh_runs_quietly_on_its_timer(
    seeded: Env, run_app: RunApp, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/wire.xml").respond_with_data(
        rss([("d1", "Timer story")]), content_type="application/rss+xml"
    )
    with seeded.store() as store:
        store.add_feed(httpserver.url_for("/wire.xml"), "Timer Wire", "World")
    seeded.write_config("[general]\nauto_refresh_minutes = 15\n")
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        assert screen.auto_refresh_timer is not None
        before = len(app._notifications)
        screen.refresh_on_timer()  # what the timer calls every 15 minutes
        await wait_for(pilot, lambda: not screen.refreshing)
        await settle(pilot)
        assert "Timer story" in [h.title for h in screen.headlines.rows]
        assert not any("Refreshing" in n.message for n in list(app._notifications)[before:])
    async with run_app(seeded, offline=True) as (app, _pilot):
        assert main_screen(app).auto_refresh_timer is None  # never offline


async def test_feeds_skipped_online_are_not_said_to_be_offline(
    seeded: Env, run_app: RunApp, httpserver: HTTPServer
) -> None:
    # A feed waiting out its Retry-After is skipped by the next refresh; the reader,
    # online, said "1 web feed skipped (offline)".
    httpserver.expect_request("/busy.xml").respond_with_data(
        "busy", status=429, headers={"Retry-After": "600"}
    )
    with seeded.store() as store:
        store.add_feed(httpserver.url_for("/busy.xml"), "Busy Wire", "World")
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        for _ in range(2):
            await pilot.press("R")
            await wait_for(pilot, lambda: screen.refreshing)
            await wait_for(pilot, lambda: not screen.refreshing)
            await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert not any("offline" in m for m in messages), messages
        assert any("1 feed skipped (not due yet, or gone)" in m for m in messages), messages


async def test_the_top_line_says_refreshing_before_the_count_is_known(
    seeded: Env, run_app: RunApp
) -> None:
    # A refresh showed "refreshing 0/0" until its first feed was done.
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        screen.status.progress = (0, 0)
        await settle(pilot)
        top = screen_text(app).splitlines()[0]
        assert "refreshing…" in top and "0/0" not in top
        screen.status.progress = (3, 12)
        await settle(pilot)
        assert "refreshing 3/12" in screen_text(app).splitlines()[0]


async def test_the_first_fetch_replaces_the_nothing_fetched_page(
    env: Env, run_app: RunApp, httpserver: HTTPServer
) -> None:
    """After R brought the first articles, the article pane still said "Your 1 feed has
    not been fetched yet. Press R", over a full list."""
    httpserver.expect_request("/wire.xml").respond_with_data(
        rss([("a1", "Loopback story one")]), content_type="application/rss+xml"
    )
    with env.store() as store:
        store.add_feed(httpserver.url_for("/wire.xml"), "Loopback Wire", "World")
    async with run_app(env) as (app, pilot):
        screen = main_screen(app)
        assert "Nothing fetched yet" in screen_text(app)
        await pilot.press("R")
        await wait_for(pilot, lambda: screen.refreshing)
        await wait_for(pilot, lambda: not screen.refreshing)
        await settle(pilot)
        text = " ".join(screen_text(app).replace("│", " ").split())
        assert "Nothing fetched yet" not in text and "not been fetched" not in text
        assert "1 new article arrived. Press n to read" in text


async def test_an_article_rewritten_by_a_refresh_is_shown_anew_where_it_was_open(
    env: Env, run_app: RunApp
) -> None:
    """A feed that corrects a story sends it again with the same guid: the pane kept the
    old text until the article was opened again."""
    feed = env.data_dir.parent / "corrections.xml"

    def write(body: str) -> None:
        feed.write_text(
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Corrections</title>'
            "<link>https://loop.example/</link><item><title>Bridge reopens</title>"
            "<link>https://loop.example/b1</link><guid>b1</guid>"
            "<pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate>"
            f"<description>{body}</description></item></channel></rss>",
            encoding="utf-8",
        )

    write("The bridge reopens on Monday.")
    with env.store() as store:
        from termnews.core.refresh import refresh

        added, _ = store.add_feed(str(feed), "Corrections", "Local")
        refresh(store, [added], offline=True)
    async with run_app(env, size=(100, 30)) as (app, pilot):
        screen = main_screen(app)
        await wait_for(pilot, lambda: screen.article is not None)
        assert "on Monday" in screen_text(app)
        write("Correction: the bridge reopens on Tuesday, not Monday as first reported.")
        await pilot.press("R")
        await wait_for(pilot, lambda: not screen.refreshing)
        await wait_for(pilot, lambda: "on Tuesday" in screen_text(app))
        assert screen.article is not None and "Tuesday" in screen.article.body


async def test_the_top_line_names_the_feed_a_slow_refresh_waits_on(
    seeded: Env,
    run_app: RunApp,
    httpserver: HTTPServer,
    gate: Gate,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One slow server held "refreshing 3/4" for up to total_timeout (60 s) with no
    word of which feed it waited on (seen by qa17): after a quiet spell it is named."""
    from termnews.core import refresh_progress

    monkeypatch.setattr(refresh_progress, "WAITING_AFTER_S", 0.5)
    httpserver.expect_request("/wire.xml").respond_with_handler(gate.handler)
    with seeded.store() as store:
        store.add_feed(httpserver.url_for("/wire.xml"), "Loopback Wire — World", "World")
    async with run_app(seeded, size=(120, 30)) as (app, pilot):
        screen = main_screen(app)
        await pilot.press("R")
        await wait_for(pilot, lambda: screen.status.waiting is not None, tries=2000)
        assert screen.status.waiting == "waiting for Loopback Wire"
        assert "refreshing" in screen_text(app).splitlines()[0]
        assert "waiting for Loopback Wire" in screen_text(app).splitlines()[0]
        gate.open.set()
        await wait_for(pilot, lambda: not screen.refreshing, tries=2000)
        assert screen.status.waiting is None
        assert "waiting for" not in screen_text(app).splitlines()[0]
