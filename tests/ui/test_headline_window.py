"""The headline list holds a window of a long section: G, g, moving back up, reloads.

``G`` in a section of 100,000 articles loaded every row (165 MiB, issue 8); the
list now jumps to the last page and loads the pages between as the reader moves
back up, trimming the far end so it never holds much more than ``WINDOW_MAX`` rows.
Each test checks the window against the cache's own order, row for row.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.ui.conftest import Env, RunApp, main_screen, settle, wire_entries
from textual.pilot import Pilot

from termnews.app.app import TermnewsApp
from termnews.app.headline_query import PAGE_SIZE
from termnews.app.screens.main import MainScreen
from termnews.app.widgets.headline_list import LOOKAHEAD, WINDOW_MAX, HeadlineList
from termnews.app.widgets.section_list import View
from termnews.core.models import ParsedFeed

COUNT = 5_000
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def _wire(env: Env, count: int = COUNT, first: int = 0) -> None:
    """``count`` stories, one a minute back from NOW (story ``first`` the newest)."""
    entries = wire_entries(count, NOW, first)
    with env.store() as store:
        feed = store.feed_by_url("http://127.0.0.1:9/wire.xml")
        if feed is None:
            feed, _ = store.add_feed("http://127.0.0.1:9/wire.xml", "Wire", "Wire")
        store.ingest(feed.id, ParsedFeed(title="Wire", entries=entries))


def _order(env: Env, unread: bool = False) -> list[int]:
    with env.store() as store:
        return [h.id for h in store.headlines(section="Wire", unread=unread, limit=10 * COUNT)]


def _assert_window(hl: HeadlineList, order: list[int]) -> None:
    """The loaded rows are the query's rows ``start`` .. ``start + len(rows)``, in order."""
    ids = [h.id for h in hl.rows]
    assert ids == order[hl.start : hl.start + len(ids)]
    assert len(ids) <= WINDOW_MAX + PAGE_SIZE


async def _wire_section(app: TermnewsApp, pilot: Pilot[None]) -> tuple[MainScreen, HeadlineList]:
    """Show the Wire section with its headlines focused."""
    screen = main_screen(app)
    screen.show_view(View("Wire"), focus_headlines=True)
    await settle(pilot)
    return screen, screen.headlines


async def test_G_loads_the_last_page_not_every_row_and_g_goes_back(
    env: Env, run_app: RunApp
) -> None:
    _wire(env)
    order = _order(env)
    async with run_app(env) as (app, pilot):
        _screen, hl = await _wire_section(app, pilot)
        await pilot.press("G")
        await settle(pilot)
        assert hl.current is not None and hl.current.id == order[-1]
        assert len(hl.rows) == PAGE_SIZE and hl.start == COUNT - PAGE_SIZE
        assert hl.total == COUNT and hl.has_earlier and not hl.has_more
        _assert_window(hl, order)
        # Moving back up loads the page above, the highlighted row staying put on screen.
        line = hl.highlighted - int(hl.scroll_y)
        hl.highlighted = LOOKAHEAD - 1
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert hl.current is not None and hl.current.id == order[COUNT - PAGE_SIZE + LOOKAHEAD - 2]
        assert len(hl.rows) == 2 * PAGE_SIZE and hl.start == COUNT - 2 * PAGE_SIZE
        assert 0 <= hl.highlighted - int(hl.scroll_y) <= max(line, hl.size.height)
        _assert_window(hl, order)
        await pilot.press("g")
        await settle(pilot)
        assert hl.highlighted == 0 and hl.current is not None and hl.current.id == order[0]
        assert hl.start == 0 and not hl.has_earlier
        _assert_window(hl, order)


async def test_walking_a_long_section_down_and_up_keeps_a_bounded_window(
    env: Env, run_app: RunApp
) -> None:
    _wire(env)
    order = _order(env)
    async with run_app(env) as (app, pilot):
        _screen, hl = await _wire_section(app, pilot)
        target = WINDOW_MAX + 3 * PAGE_SIZE
        while hl.start + (hl.highlighted or 0) < target:
            hl.highlighted = min(len(hl.rows) - 1, (hl.highlighted or 0) + 150)
            await settle(pilot)
            assert hl.current is not None
            assert hl.current.id == order[hl.start + hl.highlighted]
        assert hl.start > 0, "the top of the window was never trimmed"
        _assert_window(hl, order)
        await pilot.press("j")
        await settle(pilot)
        assert hl.current is not None and hl.current.id == order[hl.start + hl.highlighted]
        while hl.highlighted or hl.has_earlier:
            hl.highlighted = max(0, (hl.highlighted or 0) - 150)
            await settle(pilot)
            assert hl.current is not None
            assert hl.current.id == order[hl.start + hl.highlighted]
            _assert_window(hl, order)
        assert hl.start == 0 and hl.current is not None and hl.current.id == order[0]


async def test_a_reload_deep_in_the_window_keeps_the_article_and_its_place(
    env: Env, run_app: RunApp
) -> None:
    # A refresh ends with the list reloaded around the highlighted article: from
    # where that article is now, with the new articles above it.
    _wire(env)
    async with run_app(env) as (app, pilot):
        screen, hl = await _wire_section(app, pilot)
        await pilot.press("G", "k", "k", "k")
        await settle(pilot)
        kept = hl.current
        assert kept is not None and hl.has_earlier
        line = hl.highlighted - int(hl.scroll_y)
        _wire(env, count=30, first=-30)  # thirty newer stories
        order = _order(env)
        screen.reload_headlines(keep_place=True, extra=30)
        await settle(pilot)
        assert hl.current is not None and hl.current.id == kept.id
        assert hl.highlighted - int(hl.scroll_y) == line
        assert hl.total == COUNT + 30 and hl.start > 0
        _assert_window(hl, order)
        await pilot.press("G")
        await settle(pilot)
        assert hl.current is not None and hl.current.id == order[-1]


async def test_previous_unread_reaches_above_the_window(env: Env, run_app: RunApp) -> None:
    # 'p' at the top of a window far down a section loads the page above it, as
    # 'n' at the bottom loads the page below.
    _wire(env)
    order = _order(env)
    with env.store() as store:
        store.set_read(order[COUNT - 2 * PAGE_SIZE + 1 :], True)
    async with run_app(env) as (app, pilot):
        screen, hl = await _wire_section(app, pilot)
        await pilot.press("G")
        await settle(pilot)
        assert hl.start == COUNT - PAGE_SIZE and all(h.read for h in hl.rows)
        await pilot.press("p")
        await settle(pilot)
        assert screen.article is not None
        assert screen.article.id == order[COUNT - 2 * PAGE_SIZE]
        assert hl.current is not None and hl.current.id == screen.article.id
        _assert_window(hl, order)


async def test_a_reload_after_many_new_articles_reads_a_bounded_window(
    env: Env, run_app: RunApp
) -> None:
    # After a refresh of thousands of new articles the reload read every one of
    # them (and the rows down to the reader's) into the list.
    _wire(env, count=300)
    async with run_app(env) as (app, pilot):
        screen, hl = await _wire_section(app, pilot)
        await pilot.press("j", "j", "j")
        await settle(pilot)
        kept = hl.current
        assert kept is not None and hl.highlighted == 3 and hl.start == 0
        _wire(env, count=3_000, first=-3_000)
        order = _order(env)
        screen.reload_headlines(keep_place=True, extra=3_000)
        await settle(pilot)
        assert hl.current is not None and hl.current.id == kept.id
        assert len(hl.rows) <= WINDOW_MAX and hl.total == 3_300
        assert hl.highlighted - int(hl.scroll_y) == 3  # on the same screen line
        _assert_window(hl, order)
        await pilot.press("g")
        await settle(pilot)
        assert hl.current is not None and hl.current.id == order[0]
