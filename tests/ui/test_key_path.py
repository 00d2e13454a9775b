"""Key presses while the refresh child writes: nothing on the key path waits for its lock.

The child holds the cache's write lock while it stores a feed; here a real second
sqlite3 connection holds it (``BEGIN IMMEDIATE``) for as long as the test wants.
"""

from __future__ import annotations

import asyncio
import gc
import sqlite3
import sys
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from tests.ui.conftest import Env, RunApp, main_screen, settle, wait_for

from termnews.app.headline_query import PAGE_SIZE
from termnews.app.idle_gc import DEFERRED_FULL_AFTER
from termnews.app.messages import RefreshProgress
from termnews.app.screens import main as main_module
from termnews.app.widgets.article_view import ArticleView
from termnews.app.widgets.headline_list import PAGE_CONTEXT
from termnews.core.refresh import refresh


async def test_opening_articles_while_another_connection_holds_the_write_lock(
    seeded: Env, run_app: RunApp
) -> None:
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        rows = screen.headlines.rows
        assert len(rows) >= 3 and not rows[1].read and not rows[2].read
        lock = sqlite3.connect(seeded.db_path, isolation_level=None)
        try:
            lock.execute("BEGIN IMMEDIATE")
            # Opening row 1 queues its mark-read, which now waits for the lock...
            await pilot.press("j", "enter")
            await wait_for(
                pilot, lambda: screen.article is not None and screen.article.id == rows[1].id
            )
            # ...and the next article still opens: its read does not queue behind that write.
            await pilot.press("j", "enter")
            await wait_for(
                pilot, lambda: screen.article is not None and screen.article.id == rows[2].id
            )
            assert app.screen.query_one(ArticleView).article == screen.article
            # The writes are still waiting: nothing was marked read meanwhile.
            assert not screen.headlines.rows[1].read and not screen.headlines.rows[2].read
        finally:
            lock.rollback()
            lock.close()
        # The lock gone, the queued marks go through: both read, in the list and the cache.
        await settle(pilot)
        assert screen.headlines.rows[1].read and screen.headlines.rows[2].read
        with seeded.store() as store:
            assert store.article(rows[1].id).read and store.article(rows[2].id).read


async def test_full_collections_wait_for_a_pause_in_key_presses(
    seeded: Env, run_app: RunApp
) -> None:
    before = gc.get_threshold()
    async with run_app(seeded) as (app, pilot):
        collector = main_screen(app)._idle_gc
        assert collector is not None
        assert gc.get_threshold()[2] == DEFERRED_FULL_AFTER
        pressed = collector.last_input
        await pilot.press("j")
        assert collector.last_input > pressed  # a key counts as input
        # Enough long-lived objects for CPython to have run a full collection by now.
        ran = collector.collections
        kept = [[] for _ in range(200_000)]
        assert collector.due()
        # Once the keys stop, the screen's timer runs the full collection that was due.
        await wait_for(pilot, lambda: collector.collections > ran)
        assert not collector.due()
        del kept
    assert gc.get_threshold() == before  # the interpreter gets its thresholds back


def wire(path: Path, first: int, last: int) -> None:
    """A local RSS feed of stories ``first`` .. ``last - 1``, the higher the newer."""
    start = datetime(2026, 11, 1, tzinfo=UTC)
    items = "".join(
        f"<item><title>Wire story {i}</title><link>https://wire.example/{i}</link>"
        f"<guid>wire-{i}</guid><pubDate>{format_datetime(start + timedelta(minutes=i))}</pubDate>"
        f"<description>Body {i}.</description></item>"
        for i in range(first, last)
    )
    path.write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        f"<link>https://wire.example/</link>{items}</channel></rss>",
        encoding="utf-8",
    )


async def test_after_a_refresh_of_many_new_articles_the_list_keeps_its_place(
    seeded: Env, run_app: RunApp, tmp_path: Path
) -> None:
    feed = tmp_path / "wire.xml"
    wire(feed, 0, PAGE_SIZE + 50)  # more than one page of headlines
    with seeded.store() as store:
        store.add_feed(str(feed), "Wire", "World")
        refresh(store, store.feeds(), offline=True)
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        hl = screen.headlines
        await pilot.press("G")  # every row loaded, then back up to the fourth
        await settle(pilot)
        assert len(hl.rows) == hl.total > PAGE_SIZE + 3
        await pilot.press("g", "j", "j", "j")
        kept = hl.current
        assert kept is not None
        line = hl.highlighted - int(hl.scroll_y)  # type: ignore[operator]
        # Every story of the next refresh is newer than everything listed (the
        # fixture feeds' too: 100,000 minutes after the first wire story).
        wire(feed, 100_000, 100_000 + 2 * PAGE_SIZE)
        await pilot.press("R")
        await wait_for(pilot, lambda: screen.refreshing)
        await wait_for(pilot, lambda: not screen.refreshing, tries=2000)
        await settle(pilot)
        with seeded.store() as store:
            everything = [h.id for h in store.headlines(limit=100_000)]
        # Loaded: the new stories, the kept article and a page below it; the rest lazily.
        assert len(hl.rows) == 2 * PAGE_SIZE + 3 + PAGE_SIZE < len(everything)
        # The same article is highlighted, at the same line of the list...
        assert hl.current is not None and hl.current.id == kept.id
        assert hl.highlighted == everything.index(kept.id)
        assert hl.highlighted - int(hl.scroll_y) == line  # type: ignore[operator]
        # ...the loaded rows are the cache's, in its order, and the rest load on the way down.
        assert [h.id for h in hl.rows] == everything[: len(hl.rows)]
        await pilot.press("G")
        await settle(pilot)
        assert [h.id for h in hl.rows] == everything
        assert hl.current is not None and hl.current.id == everything[-1]
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: screen.article is not None and screen.article.id == everything[-1]
        )


PAUSE = 1.0
MAX_WAIT = 2.0


async def test_refresh_progress_waits_for_a_pause_in_key_presses(
    seeded: Env, run_app: RunApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Longer than the reader's, so a slow test machine cannot make a press look old.
    monkeypatch.setattr(main_module, "PROGRESS_AFTER_KEYS_S", PAUSE)
    monkeypatch.setattr(main_module, "PROGRESS_MAX_WAIT_S", MAX_WAIT)
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        screen.refreshing = True  # as start_refresh leaves it (no child: messages posted here)
        screen.status.progress = (0, 0)
        screen._progress_shown_at = time.monotonic()
        # No key for a while: shown at once.
        await asyncio.sleep(PAUSE)
        screen.post_message(RefreshProgress(1, 9, 0))
        await pilot.pause(0)
        assert screen.status.progress == (1, 9)
        # Keys coming: the new count waits for them to pause...
        screen._progress_shown_at = time.monotonic()
        await pilot.press("j")
        screen.post_message(RefreshProgress(2, 9, 0))
        await pilot.pause(0)
        assert screen.status.progress == (1, 9)
        # ...and then shows the latest.
        screen.post_message(RefreshProgress(3, 9, 0))
        await wait_for(pilot, lambda: screen.status.progress == (3, 9))
        # Keys that never pause: the count is at most MAX_WAIT old.
        started = time.monotonic()
        shown: set[tuple[int, int] | None] = set()
        done = 3
        while time.monotonic() - started < MAX_WAIT + 0.5:
            await pilot.press("j" if done % 2 else "k")
            done += 1
            screen.post_message(RefreshProgress(done, 99, 0))
            await asyncio.sleep(0.05)
            shown.add(screen.status.progress)
        assert 1 <= len(shown - {(3, 9)}) <= 3  # one update per MAX_WAIT of keys, not dozens
        # The refresh ends meanwhile: a count still waiting is not shown after it.
        screen.post_message(RefreshProgress(done + 1, 99, 0))
        screen.refreshing = False
        screen.status.progress = None
        await asyncio.sleep(PAUSE * 2)
        await settle(pilot)
        assert screen.status.progress is None


async def test_moving_off_the_bottom_or_top_of_the_headlines_turns_a_page(
    seeded: Env, run_app: RunApp, tmp_path: Path
) -> None:
    feed = tmp_path / "wire.xml"
    wire(feed, 0, 120)
    with seeded.store() as store:
        store.add_feed(str(feed), "Wire", "World")
        refresh(store, store.feeds(), offline=True)
    async with run_app(seeded) as (app, pilot):
        hl = main_screen(app).headlines
        view = hl.scrollable_content_region.height
        assert view > 2 * PAGE_CONTEXT + 1 and len(hl.rows) > 3 * view
        for _ in range(view - 1):  # down to the last row in view: no scrolling
            await pilot.press("j")
        await settle(pilot)
        assert hl.scroll_y == 0 and hl.highlighted == view - 1
        # One more: the page turns, the last rows of the old page still in view...
        await pilot.press("j")
        await settle(pilot)
        assert hl.highlighted == view
        assert hl.scroll_y == view - PAGE_CONTEXT
        # ...and the next moves repaint two rows each, no scroll, to the new bottom.
        turned = hl.scroll_y
        for _ in range(view - PAGE_CONTEXT - 1):
            await pilot.press("j")
        await settle(pilot)
        assert hl.scroll_y == turned and hl.highlighted == turned + view - 1
        await pilot.press("j")  # a second page, then back up across its top edge
        await settle(pilot)
        second = hl.scroll_y
        assert second == turned + view - PAGE_CONTEXT
        for _ in range(hl.highlighted - int(second)):  # up to its top row: no scrolling
            await pilot.press("k")
        await settle(pilot)
        assert hl.scroll_y == second and hl.highlighted == second
        await pilot.press("k")  # one more: the page turns up, the rows below kept
        await settle(pilot)
        assert hl.highlighted == second - 1
        assert hl.scroll_y == second - 1 + 1 + PAGE_CONTEXT - view > 0
        # Jumps farther than a row scroll as they did: to the end, to the top.
        await pilot.press("G")
        await settle(pilot)
        assert hl.highlighted == len(hl.rows) - 1 and hl.scroll_y == hl.max_scroll_y
        await pilot.press("g")
        await settle(pilot)
        assert hl.highlighted == 0 and hl.scroll_y == 0


async def test_the_start_s_short_thread_switches_end_with_the_first_frame(
    seeded: Env, run_app: RunApp
) -> None:
    from termnews.app import gil_switch

    before = sys.getswitchinterval()
    gil_switch.fast_switching()  # as the CLI does before building the app
    try:
        async with run_app(seeded) as (app, pilot):
            screen = main_screen(app)
            await wait_for(pilot, lambda: screen._idle_gc is not None)
            assert sys.getswitchinterval() == before
    finally:
        gil_switch.restore_switching()
        sys.setswitchinterval(before)
