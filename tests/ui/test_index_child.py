"""The reader's index pass: headlines first, then related stories, Trending and search.

A refresh only stores (core/indexing); the reader's child builds the indexes after
its summary line (``refresh --index``), or alone at start (``termnews index``) when a
refresh from elsewhere left them behind. The real app through Pilot, the real
children, a loopback feed server, a real cache in tmp. Where a test must see the
reader between the headlines and the indexes, the child's index pass waits at a gate
(a file the test creates): the child is the real command, with ``index_all`` held.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

import pytest
from tests.ui.conftest import Env, RunApp, goto_section, main_screen, screen_text, settle, wait_for
from tests.unit.loopback_http import Loopback, static
from tests.unit.processes import proc_state
from tests.unit.test_related import FILLER, QUAKE, QUAKE_REWRITE
from textual.pilot import Pilot
from textual.widgets import Input
from textual.worker import WorkerCancelled, WorkerFailed

from termnews.app import refresh_process
from termnews.app.app import TermnewsApp
from termnews.app.factory import make_app
from termnews.app.refresh_process import STOP_WAIT_S, RefreshRequest
from termnews.app.screens.add_feed import AddFeedScreen
from termnews.app.screens.main import MainScreen
from termnews.app.widgets.status_bar import INDEXING
from termnews.cli import main
from termnews.core.indexing import pending
from termnews.core.store import Store

CHILD_TRIES = 3000
"""wait_for tries (10 ms each) for a child termnews: ~0.3 s to start, far more on CI."""

GATED = """\
import sys, time
from pathlib import Path
import termnews.core.indexing as indexing
from termnews.core.errors import StoreError

gate = Path(sys.argv[1])
real = indexing.index_all

def index_all(store, settings=None, cancel=None):
    gate.with_suffix(".reached").touch()
    while not gate.exists() and not (cancel is not None and cancel.is_set()):
        time.sleep(0.02)
    if gate.exists() and gate.read_text() == "fail":
        raise StoreError("the index broke")
    return real(store, settings, cancel)

indexing.index_all = index_all
from termnews.cli import main
raise SystemExit(main(sys.argv[2:]))
"""
"""The child, as ``python -c GATED GATE termnews-args...``: its index pass waits for GATE."""


class Gate:
    """Holds the children's index pass until :meth:`open` (or :meth:`fail`)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def reached(self) -> bool:
        """A child's index pass is waiting at the gate."""
        return self.path.with_suffix(".reached").exists()

    def open(self) -> None:
        self.path.write_text("go")

    def fail(self) -> None:
        self.path.write_text("fail")


@pytest.fixture
def gate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Gate:
    """The reader's refresh and index children, with their index pass held at a gate."""
    held = Gate(tmp_path / "gate")

    def wrapped(real: Callable[[RefreshRequest], list[str]]) -> Callable[..., list[str]]:
        def argv(request: RefreshRequest) -> list[str]:
            # real(...)[:3] is "python -m termnews": the gated script runs main() itself.
            return [sys.executable, "-c", GATED, str(held.path), *real(request)[3:]]

        return argv

    monkeypatch.setattr(refresh_process, "refresh_argv", wrapped(refresh_process.refresh_argv))
    monkeypatch.setattr(refresh_process, "index_argv", wrapped(refresh_process.index_argv))
    return held


async def settle_beside(pilot: Any) -> None:
    """As ``settle``, but for the worker that follows a held child (it waits on the gate)."""
    app = pilot.app
    for _ in range(50):
        await pilot.wait_for_scheduled_animations()
        others = [w for w in app.workers if w.is_running and w.group != "refresh"]
        if not others:
            await pilot.wait_for_scheduled_animations()
            if not any(w.is_running and w.group != "refresh" for w in app.workers):
                return
        for worker in others:
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await worker.wait()
    raise AssertionError("the app did not settle")


@asynccontextmanager
async def run_beside(env: Env) -> AsyncIterator[tuple[TermnewsApp, Pilot[None]]]:
    """``run_app`` for a cache whose index pass at start waits at the gate."""
    app = make_app(data_dir=env.data_dir, config_file=env.config_file, url_opener=env.opener)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle_beside(pilot)
        yield app, pilot


def story_rss(channel: str, items: list[tuple[str, tuple[str, str], int]]) -> bytes:
    """An RSS feed of (guid, (title, text), minutes ago) items, dated from now."""
    now = datetime.now(UTC)
    body = "".join(
        f"<item><title>{escape(title)}</title><link>https://loop.example/{guid}</link>"
        f"<guid>{guid}</guid><pubDate>{format_datetime(now - timedelta(minutes=ago))}</pubDate>"
        f"<description>{escape(text)}</description></item>"
        for guid, (title, text), ago in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{channel}</title>'
        f"<link>https://loop.example/</link>{body}</channel></rss>"
    ).encode()


def two_wires(env: Env, server: Loopback) -> None:
    """Two feeds telling one story (Qazvin's earthquake) among unrelated ones."""
    alpha = [("a-quake", QUAKE, 1), *((f"a{i}", t, 30 + i) for i, t in enumerate(FILLER[:3]))]
    beta = [("b-quake", QUAKE_REWRITE, 2)]
    beta += [(f"b{i}", t, 40 + i) for i, t in enumerate(FILLER[3:])]
    server.routes["/alpha.xml"] = static(story_rss("Alpha Wire", alpha))
    server.routes["/beta.xml"] = static(story_rss("Beta Wire", beta))
    with env.store() as store:
        store.add_feed(server.url("/alpha.xml"), "Alpha Wire", "World")
        store.add_feed(server.url("/beta.xml"), "Beta Wire", "World")


def cli_refresh(env: Env) -> None:
    """``termnews refresh`` as cron runs it: stores only, the indexes are left behind."""
    assert main([f"--data-dir={env.data_dir}", "refresh", "--json"]) == 0
    with env.store() as store:
        assert pending(store) != (0, 0)


def left_unindexed(env: Env) -> tuple[int, int]:
    with Store.open(env.db_path) as store:
        return pending(store)


def trending_total(screen: MainScreen) -> int:
    section = screen.sections_pane.section("Trending")
    return section.total if section is not None else 0


async def open_titled(screen: MainScreen, pilot: Any, title: str) -> None:
    """Highlight the headline ``title`` and open it with Enter."""
    index = next(i for i, h in enumerate(screen.headlines.rows) if h.title == title)
    screen.headlines.focus()
    screen.headlines.highlighted = index
    await pilot.press("enter")
    await settle_beside(pilot)
    assert screen.article is not None and screen.article.title == title


def related_titles(screen: MainScreen) -> list[tuple[str, bool]]:
    return [(item.title, item.same_story) for item in screen.related.items]


async def test_headlines_come_at_the_summary_and_related_stories_when_the_child_ends(
    seeded: Env, run_app: RunApp, server: Loopback, gate: Gate
) -> None:
    two_wires(seeded, server)
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        trending_before = trending_total(screen)
        await pilot.press("r")  # All: every feed
        # The child printed its summary and holds its index pass: the reader has
        # shown the headlines (RefreshFinished ends `refreshing`) while it still runs
        # (IndexFinished ends `indexing`).
        await wait_for(pilot, lambda: gate.reached and not screen.refreshing, tries=CHILD_TRIES)
        await wait_for(pilot, lambda: screen.headlines.total > 8)
        assert screen.indexing and screen._pauser._proc is not None
        assert screen._pauser._proc.poll() is None  # the child is still running
        titles = {h.title for h in screen.headlines.rows}
        assert {QUAKE[0], QUAKE_REWRITE[0]} <= titles
        assert any(n.title == "Refresh done" for n in app._notifications)
        assert INDEXING in screen_text(app).splitlines()[0]
        width = screen.status._right_width
        await open_titled(screen, pilot, QUAKE[0])
        assert related_titles(screen) == []  # nothing indexed yet
        assert trending_total(screen) == trending_before
        gate.open()
        await wait_for(pilot, lambda: not screen.indexing, tries=CHILD_TRIES)
        await wait_for(pilot, lambda: bool(screen.related.items), tries=CHILD_TRIES)
        await settle(pilot)
        # The open article's panel was read again: the other wire's version of it.
        assert (QUAKE_REWRITE[0], True) in related_titles(screen)
        assert trending_total(screen) == trending_before + 1
        assert INDEXING not in screen_text(app).splitlines()[0]
        assert screen.status._right_width == width  # the note took the age's cells
        assert not [n for n in app._notifications if "not updated" in n.message]
        await goto_section(pilot, "Trending")
        assert QUAKE[0] in {h.title for h in screen.headlines.rows}
    assert left_unindexed(seeded) == (0, 0)


async def test_a_cache_a_cli_refresh_left_unindexed_is_indexed_at_start(
    env: Env, run_app: RunApp, server: Loopback
) -> None:
    two_wires(env, server)
    cli_refresh(env)
    async with run_app(env) as (app, pilot):
        screen = main_screen(app)
        # The newest headline (the quake) is opened at start, before the pass ends.
        await wait_for(pilot, lambda: not screen.indexing, tries=CHILD_TRIES)
        await wait_for(pilot, lambda: bool(screen.related.items), tries=CHILD_TRIES)
        await settle(pilot)
        assert screen.article is not None and screen.article.title == QUAKE[0]
        assert (QUAKE_REWRITE[0], True) in related_titles(screen)
        assert trending_total(screen) >= 1
    assert left_unindexed(env) == (0, 0)


async def test_an_indexed_cache_starts_no_index_child(
    seeded: Env, run_app: RunApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert left_unindexed(seeded) == (0, 0)
    started: list[RefreshRequest] = []
    monkeypatch.setattr(refresh_process, "index_argv", started.append)
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await settle(pilot)
        assert not screen.indexing and screen._pauser._proc is None
    assert started == []


async def test_search_finds_what_a_cli_refresh_stored_while_the_index_pass_waits(
    seeded: Env, run_app: RunApp, server: Loopback, gate: Gate
) -> None:
    two_wires(seeded, server)
    cli_refresh(seeded)
    async with run_beside(seeded) as (app, pilot):
        screen = main_screen(app)
        await wait_for(pilot, lambda: gate.reached, tries=CHILD_TRIES)
        assert screen.indexing
        await pilot.press("slash")
        await settle_beside(pilot)
        bar = screen.query_one("#search")
        bar.query_one(Input).value = "Qazvin"
        await wait_for(pilot, lambda: screen.filter_text == "Qazvin")
        await settle_beside(pilot)
        # The search caught the full-text index up itself (core/indexing): the pass
        # that would have built it has not begun.
        assert {h.title for h in screen.headlines.rows} == {QUAKE[0], QUAKE_REWRITE[0]}
        assert screen.indexing
        gate.open()
        await wait_for(pilot, lambda: not screen.indexing, tries=CHILD_TRIES)
        await settle(pilot)
        assert {h.title for h in screen.headlines.rows} == {QUAKE[0], QUAKE_REWRITE[0]}
    assert left_unindexed(seeded) == (0, 0)


async def test_keys_stop_the_index_child_and_quitting_ends_it(
    seeded: Env, run_app: RunApp, server: Loopback, gate: Gate
) -> None:
    two_wires(seeded, server)
    cli_refresh(seeded)
    async with run_beside(seeded) as (app, pilot):
        screen = main_screen(app)
        await wait_for(pilot, lambda: gate.reached, tries=CHILD_TRIES)
        child = screen._pauser._proc
        assert child is not None and proc_state(child.pid) != "T"
        await pilot.press("j")  # reading: the pass stands still...
        await wait_for(pilot, lambda: proc_state(child.pid) == "T", tries=500)
        # ...and goes on once the keys pause.
        await wait_for(pilot, lambda: proc_state(child.pid) not in ("T", ""), tries=500)
        await pilot.press("j")
        await wait_for(pilot, lambda: proc_state(child.pid) == "T", tries=500)
        await pilot.press("q")  # at once, while it is stopped
    try:  # (a child the reader failed to stop is let go at the gate, not left behind)
        code = child.wait(STOP_WAIT_S)
    finally:
        gate.open()
    # Continued and stopped by SIGTERM between batches, not killed after STOP_WAIT_S.
    assert code > 0, "killed, not stopped by its SIGTERM"
    assert left_unindexed(seeded) != (0, 0)  # stopped before its pass: the next one does it


async def test_an_index_pass_that_fails_after_the_refresh_is_not_a_failed_refresh(
    seeded: Env, run_app: RunApp, server: Loopback, gate: Gate
) -> None:
    two_wires(seeded, server)
    gate.fail()
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await pilot.press("r")
        await wait_for(pilot, lambda: not screen.refreshing, tries=CHILD_TRIES)
        await wait_for(pilot, lambda: not screen.indexing, tries=CHILD_TRIES)
        await settle(pilot)
        assert not [n for n in app._notifications if n.title == "Refresh failed"]
        assert any(n.message == "7 new articles" for n in app._notifications)
        quiet = [n for n in app._notifications if "not updated" in n.message]
        assert len(quiet) == 1 and quiet[0].severity == "information"
        assert "the index broke" in quiet[0].message and "\n" not in quiet[0].message
        assert QUAKE[0] in {h.title for h in screen.headlines.rows}


async def test_r_while_the_index_pass_runs_starts_a_refresh_that_indexes_after_it(
    seeded: Env, run_app: RunApp, server: Loopback, gate: Gate
) -> None:
    two_wires(seeded, server)
    cli_refresh(seeded)
    async with run_beside(seeded) as (app, pilot):
        screen = main_screen(app)
        await wait_for(pilot, lambda: gate.reached, tries=CHILD_TRIES)
        first = screen._pauser._proc
        assert first is not None
        await pilot.press("r")
        # The pass at start is stopped; the refresh's own child indexes after it.
        assert first.wait(STOP_WAIT_S) != 0
        await wait_for(pilot, lambda: not screen.refreshing, tries=CHILD_TRIES)
        assert screen.indexing
        gate.open()
        await wait_for(pilot, lambda: not screen.indexing, tries=CHILD_TRIES)
        await settle(pilot)
        assert not [n for n in app._notifications if "failed" in (n.title or "")]
    assert left_unindexed(seeded) == (0, 0)


async def test_a_feed_added_from_the_reader_is_indexed_after(
    env: Env, run_app: RunApp, tmp_path: Path
) -> None:
    feed = tmp_path / "wire.xml"
    items = [("q", QUAKE, 1), *((f"f{i}", t, 9 + i) for i, t in enumerate(FILLER))]
    feed.write_bytes(story_rss("Pier Wire", items))
    async with run_app(env) as (app, pilot):
        screen = main_screen(app)
        await pilot.press("a")
        await settle(pilot)
        app.screen.query_one("#add-feed-source", Input).value = str(feed)
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, AddFeedScreen), tries=CHILD_TRIES)
        await wait_for(pilot, lambda: screen.indexing, tries=CHILD_TRIES)
        await wait_for(pilot, lambda: not screen.indexing, tries=CHILD_TRIES)
        await settle(pilot)
        assert len(screen.headlines.rows) == 1 + len(FILLER)
    assert left_unindexed(env) == (0, 0)


async def test_quitting_during_the_refresh_childs_index_pass_stops_it(
    seeded: Env, run_app: RunApp, server: Loopback, gate: Gate
) -> None:
    two_wires(seeded, server)
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await pilot.press("R")
        await wait_for(pilot, lambda: gate.reached and not screen.refreshing, tries=CHILD_TRIES)
        child = screen._pauser._proc
        assert child is not None and child.poll() is None
        await pilot.press("q")
    try:  # (a child the reader failed to stop is let go at the gate, not left behind)
        code = child.wait(STOP_WAIT_S)
    finally:
        gate.open()
    # Stopped by its SIGTERM between batches (128 + 15), not killed after STOP_WAIT_S.
    assert code > 0
    with Store.open(seeded.db_path) as store:
        assert store.count(section="World") == 3 + 7  # the refresh's articles are kept
