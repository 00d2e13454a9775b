"""'Unread only' (u) with articles read as you go: paging and refreshes lose nothing."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import Env, RunApp, main_screen, settle, wait_for

from termnews.app.headline_query import PAGE_SIZE
from termnews.app.search_views import saved_section
from termnews.app.widgets.section_list import View
from termnews.core.refresh import refresh


def _write_feed(path: Path, count: int, first: int = 0) -> None:
    """An RSS file of ``count`` items, newest first (item ``first`` is the newest)."""
    items = "".join(
        f"<item><title>Wire story {n}</title><link>https://wire.example/{n}</link>"
        f"<guid>w{n}</guid><pubDate>Mon, 23 Nov 2026 {23 - n // 60:02d}:{59 - n % 60:02d}:00 GMT"
        f"</pubDate><description>Body of story {n}.</description></item>"
        for n in range(first, count)
    )
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        f"<link>https://wire.example/</link>{items}</channel></rss>",
        encoding="utf-8",
    )


def _subscribe(env: Env, feed: Path) -> None:
    with env.store() as store:
        added, _ = store.add_feed(str(feed), "Wire", "Wire")
        refresh(store, [added], offline=True)


async def test_reading_in_unread_only_skips_no_unread_article_of_the_next_pages(
    env: Env, run_app: RunApp, tmp_path: Path
) -> None:
    # The next page started after every loaded row; rows read since they were
    # loaded no longer count in the unread order, so as many unread articles
    # were never listed.
    feed = tmp_path / "wire.xml"
    _write_feed(feed, 450)
    _subscribe(env, feed)
    async with run_app(env) as (app, pilot):
        screen = main_screen(app)
        screen.show_view(View("Wire"), focus_headlines=True)
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        unread = {h.title for h in screen.headlines.rows}
        assert len(unread) == PAGE_SIZE and all(not h.read for h in screen.headlines.rows)
        for _ in range(5):
            await pilot.press("enter", "j")
            await settle(pilot)
        assert sum(h.read for h in screen.headlines.rows) >= 5
        await pilot.press("G")
        await settle(pilot)
        titles = {h.title for h in screen.headlines.rows}
        # Every article unread when 'u' was pressed (the one opened first was read).
        assert unread <= titles and len(titles) == 449


async def test_a_refresh_in_unread_only_keeps_the_open_article_and_the_place(
    env: Env, run_app: RunApp, tmp_path: Path
) -> None:
    # The reload after a refresh dropped the article just read (it is no longer
    # unread) and put the cursor back on the top row.
    feed = tmp_path / "wire.xml"
    _write_feed(feed, 6, first=1)
    _subscribe(env, feed)
    async with run_app(env) as (app, pilot):
        screen = main_screen(app)
        screen.show_view(View("Wire"), focus_headlines=True)
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("j", "j", "enter")
        await settle(pilot)
        opened = screen.headlines.current
        assert opened is not None and opened.read and screen.headlines.highlighted == 2
        _write_feed(feed, 6)  # one new story, the newest
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.refreshing)
        await wait_for(pilot, lambda: not screen.refreshing, tries=2000)
        await settle(pilot)
        await wait_for(pilot, lambda: "Wire story 0" in {h.title for h in screen.headlines.rows})
        current = screen.headlines.current
        assert current is not None and current.id == opened.id
        titles = [h.title for h in screen.headlines.rows]
        assert titles == sorted(titles) and opened.title in titles
        assert screen.headlines.highlighted == 3  # one new row above it
        assert all(not h.read for h in screen.headlines.rows if h.id != opened.id)


async def test_reading_in_a_saved_unread_search_skips_nothing_of_the_next_pages(
    env: Env, run_app: RunApp, tmp_path: Path
) -> None:
    # The same skip, in a saved search whose own query says is:unread.
    feed = tmp_path / "wire.xml"
    _write_feed(feed, 450)
    _subscribe(env, feed)
    env.write_config('[search.saved]\n"Wire unread" = "story is:unread"\n')
    async with run_app(env) as (app, pilot):
        screen = main_screen(app)
        screen.show_view(View(saved_section("Wire unread")), focus_headlines=True)
        await settle(pilot)
        listed = {h.title for h in screen.headlines.rows if not h.read}
        assert len(listed) >= PAGE_SIZE - 1
        for _ in range(5):
            await pilot.press("enter", "j")
            await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        titles = {h.title for h in screen.headlines.rows}
        assert listed <= titles and len(titles) >= 449
