"""The reader's refresh as a child process: progress as it goes, quit, failures, one feed.

The real app through Pilot, the real ``termnews refresh`` child, a threaded loopback
server whose gated feed holds its answer until the test lets it go.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from tests.ui.conftest import Env, RunApp, main_screen, settle, wait_for
from tests.unit.loopback_http import Loopback, send, static
from tests.unit.processes import proc_state

from termnews.app.refresh_process import STOP_WAIT_S

needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


# ``seeded`` holds three local fixture feeds besides the loopback ones: a refresh of
# everything reads those first, so "one HTTP feed in, one held" is progress (4, 5).


def rss(prefix: str, n: int) -> bytes:
    items = "".join(
        f"<item><title>{prefix} story {i}</title><link>https://loop.example/{prefix}/{i}</link>"
        f"<guid>{prefix}-{i}</guid><pubDate>Tue, 24 Nov 2026 1{i}:00:00 GMT</pubDate>"
        f"<description>Body {i}.</description></item>"
        for i in range(n)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{prefix}</title>'
        f"<link>https://loop.example/</link>{items}</channel></rss>"
    ).encode()


class Gated:
    """A route that answers only once ``release`` is set."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.release = threading.Event()

    def __call__(self, h: BaseHTTPRequestHandler) -> None:
        self.release.wait(30)
        send(h, 200, self.body)


def fast_and_late(seeded: Env, server: Loopback, early: int, late: int) -> Gated:
    """A "Fast Wire" feed of ``early`` items and a "Late Wire" one held until released."""
    gated = Gated(rss("late", late))
    server.routes["/fast.xml"] = static(rss("early", early))
    server.routes["/late.xml"] = gated
    with seeded.store() as store:
        store.add_feed(server.url("/fast.xml"), "Fast Wire", "World")
        store.add_feed(server.url("/late.xml"), "Late Wire", "World")
    return gated


def refresh_children() -> list[int]:
    """Pids of this process's ``termnews refresh --progress`` children (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == os.getpid() and b"--progress\0jsonl" in cmdline:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


async def gone(pid: int) -> bool:
    for _ in range(300):
        if not alive(pid):
            return True
        await asyncio.sleep(0.05)
    return False


async def test_counts_move_as_feeds_arrive_and_headlines_are_rebuilt_once(
    seeded: Env, run_app: RunApp, server: Loopback
) -> None:
    gated = fast_and_late(seeded, server, early=3, late=2)
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        before = [h.title for h in screen.headlines.rows]
        await pilot.press("R")
        # One feed is in while the other is held: the count says so, the list is kept.
        await wait_for(pilot, lambda: screen.status.progress == (4, 5), tries=1000)
        assert screen._new_this_refresh == 3
        assert screen.refreshing
        assert [h.title for h in screen.headlines.rows] == before
        gated.release.set()
        await wait_for(pilot, lambda: not screen.refreshing, tries=1000)
        await settle(pilot)
        titles = [h.title for h in screen.headlines.rows]
        assert {"early story 0", "early story 2", "late story 1"} <= set(titles)
        assert any(n.message == "5 new articles" for n in app._notifications)
        assert screen.status.progress is None


@needs_proc
async def test_quitting_mid_refresh_stops_the_child_and_keeps_the_cache_sound(
    seeded: Env, run_app: RunApp, server: Loopback
) -> None:
    gated = fast_and_late(seeded, server, early=3, late=2)
    with seeded.store() as store:
        cached = store.count()
    try:
        async with run_app(seeded) as (app, pilot):
            screen = main_screen(app)
            await pilot.press("R")
            await wait_for(pilot, lambda: screen.status.progress == (4, 5), tries=1000)
            children = refresh_children()
            assert len(children) == 1
            await pilot.press("q")
        assert await gone(children[0]), "the refresh process outlived the reader"
    finally:
        gated.release.set()
    with sqlite3.connect(seeded.db_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with seeded.store() as store:
        assert store.count() == cached + 3  # the finished feed is kept, the held one not
        late = next(f for f in store.feeds() if f.title == "Late Wire")
        assert late.total == 0 and late.last_error is None


async def test_a_child_that_fails_is_one_line_and_the_reader_goes_on(
    seeded: Env, run_app: RunApp, server: Loopback
) -> None:
    server.routes["/fast.xml"] = static(rss("early", 1))
    with seeded.store() as store:
        store.add_feed(server.url("/fast.xml"), "Fast Wire", "World")
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        # The config goes bad after the reader started: the child cannot load it.
        seeded.write_config("[general\nthis is = not toml")
        await pilot.press("R")
        await wait_for(pilot, lambda: not screen.refreshing, tries=1000)
        await settle(pilot)
        failed = [n for n in app._notifications if n.title == "Refresh failed"]
        assert len(failed) == 1
        message = failed[0].message
        assert "exited with code 2" in message and "invalid TOML" in message
        assert "\n" not in message and "Traceback" not in message
        assert failed[0].severity == "error"
        assert screen.status.progress is None
        await pilot.press("j")  # still reading
        await settle(pilot)
    assert len(server.requests) == 0


@needs_proc
async def test_a_child_killed_mid_refresh_is_reported(
    seeded: Env, run_app: RunApp, server: Loopback
) -> None:
    gated = fast_and_late(seeded, server, early=2, late=1)
    try:
        async with run_app(seeded) as (app, pilot):
            screen = main_screen(app)
            await pilot.press("R")
            await wait_for(pilot, lambda: screen.status.progress == (4, 5), tries=1000)
            (child,) = refresh_children()
            os.kill(child, signal.SIGKILL)
            await wait_for(pilot, lambda: not screen.refreshing, tries=1000)
            await settle(pilot)
            failed = [n for n in app._notifications if n.title == "Refresh failed"]
            assert [n.message for n in failed] == ["refresh process was killed (SIGKILL)"]
            # What the child wrote before it died is shown: the list was rebuilt.
            assert "early story 1" in [h.title for h in screen.headlines.rows]
    finally:
        gated.release.set()


async def test_r_on_a_feed_refreshes_only_that_feed(
    seeded: Env, run_app: RunApp, server: Loopback
) -> None:
    server.routes["/one.xml"] = static(rss("one", 1))
    server.routes["/two.xml"] = static(rss("two", 1))
    with seeded.store() as store:
        store.add_feed(server.url("/one.xml"), "AAA One Wire", "World")
        store.add_feed(server.url("/two.xml"), "AAA Two Wire", "World")
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await pilot.press("h")
        names = [s.name for s in screen.sections]
        await pilot.press(*["j"] * names.index("World"))
        await settle(pilot)
        feed = next(f for f in screen.feeds if f.title == "AAA One Wire")
        for _ in range(len(screen.feeds) + 1):
            if screen.view_.feed_id == feed.id:
                break
            await pilot.press("j")
            await settle(pilot)
        assert screen.view_.feed_id == feed.id
        await pilot.press("r")
        await wait_for(pilot, lambda: not screen.refreshing, tries=1000)
        await settle(pilot)
        assert [h.title for h in screen.headlines.rows] == ["one story 0"]
    assert [path for path, _ in server.requests] == ["/one.xml"]


async def test_a_refresh_of_many_feeds_parses_in_worker_processes_from_the_reader(
    seeded: Env, run_app: RunApp, server: Loopback
) -> None:
    # Enough feeds for the parse worker processes (MIN_FEEDS_FOR_PROCESSES). Started from
    # the reader's own process they failed every feed ("bad value(s) in fds_to_keep":
    # multiprocessing passes sys.stderr's fileno, and Textual's stderr capture has none).
    for i in range(6):
        server.routes[f"/w{i}.xml"] = static(rss(f"w{i}", 2))
    with seeded.store() as store:
        for i in range(6):
            store.add_feed(server.url(f"/w{i}.xml"), f"Wire {i}", "World")
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await pilot.press("R")
        await wait_for(pilot, lambda: not screen.refreshing, tries=2000)
        await settle(pilot)
        assert not [n for n in app._notifications if "failed" in (n.title or "")]
        assert any(n.message == "12 new articles" for n in app._notifications)
    with seeded.store() as store:
        assert store.count(section="World") == 3 + 12


@needs_proc
async def test_keys_stop_the_refresh_child_until_they_pause(
    seeded: Env, run_app: RunApp, server: Loopback
) -> None:
    gated = fast_and_late(seeded, server, early=3, late=2)
    try:
        async with run_app(seeded) as (app, pilot):
            screen = main_screen(app)
            await pilot.press("R")
            await wait_for(pilot, lambda: screen.status.progress == (4, 5), tries=1000)
            (child,) = refresh_children()
            assert proc_state(child) != "T"
            await pilot.press("j")  # reading: the refresh stands still...
            await wait_for(pilot, lambda: proc_state(child) == "T", tries=500)
            assert screen._pauser.stopped
            # ...and goes on once the keys pause.
            await wait_for(pilot, lambda: proc_state(child) not in ("T", ""), tries=500)
            gated.release.set()
            await wait_for(pilot, lambda: not screen.refreshing, tries=1000)
            await settle(pilot)
            assert "late story 1" in [h.title for h in screen.headlines.rows]
            assert screen._pauser.stops >= 1 and not screen._pauser.stopped
    finally:
        gated.release.set()


@needs_proc
async def test_quitting_while_the_refresh_is_stopped_still_ends_the_child(
    seeded: Env, run_app: RunApp, server: Loopback
) -> None:
    gated = fast_and_late(seeded, server, early=3, late=2)
    try:
        async with run_app(seeded) as (app, pilot):
            screen = main_screen(app)
            await pilot.press("R")
            await wait_for(pilot, lambda: screen.status.progress == (4, 5), tries=1000)
            (child,) = refresh_children()
            await pilot.press("j")
            await wait_for(pilot, lambda: proc_state(child) == "T", tries=500)
            quit_at = time.monotonic()
            await pilot.press("q")  # at once, while it is stopped
        assert await gone(child), "a stopped refresh process outlived the reader"
        # Continued and ended by its SIGTERM, not killed once STOP_WAIT_S ran out.
        assert time.monotonic() - quit_at < STOP_WAIT_S
    finally:
        gated.release.set()
    with sqlite3.connect(seeded.db_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
