"""Key presses while the refresh child writes: nothing on the key path waits for its lock.

The child holds the cache's write lock while it stores a feed; here a real second
sqlite3 connection holds it (``BEGIN IMMEDIATE``) for as long as the test wants.
"""

from __future__ import annotations

import gc
import sqlite3

from tests.ui.conftest import Env, RunApp, main_screen, settle, wait_for

from termnews.app.idle_gc import DEFERRED_FULL_AFTER
from termnews.app.widgets.article_view import ArticleView


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
