"""Adding a feed from the reader (``a``): a real ``termnews add`` child, a real cache."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import Env, RunApp, main_screen, settle, wait_for
from tests.unit.loopback_http import rss, running, static
from textual.widgets import Input, Static

from termnews.app.factory import make_app
from termnews.app.screens.add_feed import AddFeedScreen
from termnews.core.locations import resolve_locations
from termnews.core.store import Store

CHILD_S = 30.0
"""A child termnews starts in ~0.3 s; allow a loaded CI machine far more."""


async def _wait_closed(pilot: object, app: object) -> None:
    await wait_for(
        pilot,  # type: ignore[arg-type]
        lambda: not isinstance(app.screen, AddFeedScreen),  # type: ignore[attr-defined]
        tries=int(CHILD_S / 0.01),
    )


def _status(app: object) -> str:
    return str(app.screen.query_one("#add-feed-status", Static).render())  # type: ignore[attr-defined]


async def test_a_feed_file_added_from_the_reader_is_listed_in_its_section(
    env: Env, run_app: RunApp, tmp_path: Path
) -> None:
    feed = tmp_path / "pier.xml"
    feed.write_bytes(rss("Pier Gazette", items=4))
    async with run_app(env) as (app, pilot):
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AddFeedScreen)
        app.screen.query_one("#add-feed-source", Input).value = str(feed)
        await pilot.press("tab")
        await pilot.press(*"Local")
        assert app.screen.query_one("#add-feed-section", Input).value == "Local"
        await pilot.press("enter")
        await _wait_closed(pilot, app)
        await settle(pilot)
        screen = main_screen(app)
        assert screen.view_.section == "Local" and screen.view_.feed_id is not None
        assert sorted(h.title for h in screen.headlines.rows) == [
            f"Pier Gazette item {i}" for i in range(4)
        ]
        assert any(s.name == "Local" for s in screen.sections_pane.sections)
    with env.store() as store:
        assert [(f.title, f.section) for f in store.feeds()] == [("Pier Gazette", "Local")]


async def test_a_source_that_cannot_be_added_keeps_the_dialog_open_with_the_reason(
    env: Env, run_app: RunApp, tmp_path: Path
) -> None:
    async with run_app(env) as (app, pilot):
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("enter")  # nothing typed
        assert "Give a feed URL" in _status(app)
        missing = tmp_path / "nope.xml"
        app.screen.query_one("#add-feed-source", Input).value = str(missing)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "no such file" in _status(app), tries=int(CHILD_S / 0.01))
        assert isinstance(app.screen, AddFeedScreen)
        assert str(missing) in _status(app)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, AddFeedScreen)
    with env.store() as store:
        assert store.feeds() == []


async def test_a_web_page_url_is_subscribed_through_the_feed_it_links(
    env: Env, run_app: RunApp
) -> None:
    with running() as server:
        server.routes["/feed.xml"] = static(rss("Loopback Times", items=2))
        page = (
            b'<!doctype html><html><head><link rel="alternate" type="application/rss+xml"'
            b' href="/feed.xml"></head><body>Home</body></html>'
        )
        server.routes["/"] = static(page, "text/html")
        async with run_app(env) as (app, pilot):
            await pilot.press("a")
            await settle(pilot)
            app.screen.query_one("#add-feed-source", Input).value = server.url("/")
            await pilot.press("enter")
            await _wait_closed(pilot, app)
            await settle(pilot)
            titles = {h.title for h in main_screen(app).headlines.rows}
            assert titles == {"Loopback Times item 0", "Loopback Times item 1"}
    with env.store() as store:
        assert [f.url for f in store.feeds()] == [server.url("/feed.xml")]


async def test_a_feed_added_in_the_demo_goes_to_the_users_own_cache(tmp_path: Path) -> None:
    # The demo's cache is thrown away at exit: a feed added there was lost.
    feed = tmp_path / "pier.xml"
    feed.write_bytes(rss("Pier Gazette", items=2))
    home = resolve_locations(tmp_path / "home", tmp_path / "config.toml")
    demo_dir = tmp_path / "demo"
    with Store.open(demo_dir / "termnews.db") as store:
        from termnews.core.demo_seed import seed_demo

        seed_demo(store)
    app = make_app(data_dir=demo_dir, demo=True, home=home)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert str(home.data_dir) in str(app.screen.query_one("#add-feed-note", Static).render())
        app.screen.query_one("#add-feed-source", Input).value = str(feed)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.reopen_home, tries=int(CHILD_S / 0.01))
    assert app.reopen_home
    with Store.open(home.db_path) as store:
        assert [f.title for f in store.feeds()] == ["Pier Gazette"]
    with Store.open(demo_dir / "termnews.db") as store:
        assert "Pier Gazette" not in {f.title for f in store.feeds()}
    # The reader reopened there shows the new feed, not the All section.
    app = make_app(data_dir=home.data_dir, config_file=home.config_file)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert screen.view_.feed_id is not None and screen.view_.section == "General"
        assert {h.title for h in screen.headlines.rows} == {
            "Pier Gazette item 0",
            "Pier Gazette item 1",
        }


async def test_an_offline_reader_subscribes_a_url_without_fetching_it(
    env: Env, run_app: RunApp
) -> None:
    with running() as server:
        server.routes["/feed.xml"] = static(rss("Loopback Times", items=2))
        async with run_app(env, offline=True) as (app, pilot):
            await pilot.press("a")
            await settle(pilot)
            app.screen.query_one("#add-feed-source", Input).value = server.url("/feed.xml")
            await pilot.press("enter")
            await _wait_closed(pilot, app)
            await settle(pilot)
        assert server.hits("/feed.xml") == []
    with env.store() as store:
        assert [f.url for f in store.feeds()] == [server.url("/feed.xml")]
