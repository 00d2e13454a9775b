"""The reader under hostile text and a broken cache (Pilot, the app from the factory).

What is checked is what reaches the screen: the SVG export's text (the same
cells a terminal would get) must hold no escape, control or bidi character;
``javascript:``/``file:`` links must never reach the browser, from the 'o' key
or a click in the body; a corrupt cache is reported inside the reader.
"""

from __future__ import annotations

import argparse
import html
import json
import sqlite3
from pathlib import Path

import pytest
from tests.hardening.helpers import HOSTILE, MARKUP, PAYLOAD, moved_aside, unsafe_chars
from tests.ui.conftest import main_screen, screen_text, settle

from termnews.app.factory import make_app
from termnews.cli.context import Context
from termnews.core.refresh import refresh
from termnews.core.store import Store

SIZE = (120, 36)


def _seed(data_dir: Path) -> None:
    feed = data_dir.parent / "hostile.xml"
    feed.write_bytes((HOSTILE / "control-chars.xml").read_bytes())
    with Store.open(data_dir / "termnews.db") as store:
        added, _ = store.add_feed(str(feed), section="News")
        refresh(store, [added], offline=True)
    conn = sqlite3.connect(data_dir / "termnews.db")
    with conn:
        conn.execute(
            "UPDATE articles SET title = ? || title || ?, author = ?, summary = ? || summary,"
            " content = ? || content || ?, categories = ?",
            (PAYLOAD, MARKUP, PAYLOAD, PAYLOAD, f"# {PAYLOAD}\n\n", f"\n\n[click me]({PAYLOAD})",
             json.dumps([PAYLOAD])),
        )  # fmt: skip
        conn.execute("UPDATE feeds SET title = ? || title, last_error = ?", (PAYLOAD, PAYLOAD))
        ids = [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY id")]
        conn.execute("UPDATE articles SET link = 'javascript:alert(1)' WHERE id = ?", (ids[0],))
        conn.execute("UPDATE articles SET link = 'file:///etc/passwd' WHERE id = ?", (ids[1],))
        conn.execute("UPDATE articles SET link = ' data:text/html,x' WHERE id = ?", (ids[2],))
        conn.execute(
            "UPDATE articles SET content = content || ? WHERE id = ?",
            ("\n\n[js](javascript:alert(2)) [local](file:///etc/shadow)", ids[2]),
        )
    conn.close()


def _assert_screen_safe(svg: str, text: str) -> None:
    assert not unsafe_chars(html.unescape(svg)), [c for c in unsafe_chars(html.unescape(svg))][:5]
    assert not unsafe_chars(text)


@pytest.fixture
def hostile_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    _seed(data)
    return data


async def test_hostile_text_never_reaches_the_screen(hostile_dir: Path, tmp_path: Path) -> None:
    opened: list[str] = []

    def opener(url: str) -> str | None:
        opened.append(url)
        return None

    app = make_app(data_dir=hostile_dir, config_file=tmp_path / "c.toml", url_opener=opener)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        seen = 0
        for _ in range(3):
            text = screen_text(app)
            _assert_screen_safe(app.export_screenshot(), text)
            assert screen.article is not None
            await pilot.press("o")  # every article here has an unsafe or no web link
            await settle(pilot)
            seen += 1
            await pilot.press("j", "enter")
            await settle(pilot)
        # The injected text is on screen (cleaned), and markup is shown as typed.
        app.clear_notifications()
        await settle(pilot)
        assert "txt.exe" in screen_text(app)
        # (The article pane may wrap the title inside the markup: "[bold" / "red]...".)
        shown = screen_text(app)
        assert "red]not markup[/]" in shown
        assert "[link=file:///etc/passwd]x[/link]" in shown
        for key in ("v", "question_mark"):
            await pilot.press(key)
            await settle(pilot)
            _assert_screen_safe(app.export_screenshot(), screen_text(app))
            await pilot.press("escape")
            await settle(pilot)
    assert seen == 3
    assert opened == [], opened


async def test_links_in_the_body_are_not_opened(hostile_dir: Path, tmp_path: Path) -> None:
    from termnews.app.widgets.article_body import ArticleBody

    opened: list[str] = []
    app = make_app(data_dir=hostile_dir, config_file=tmp_path / "c.toml", url_opener=opened.append)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        body = screen.query_one("#article-body", ArticleBody)
        for href in ("javascript:alert(2)", "file:///etc/shadow", " JaVaScRiPt:x", "data:,x",
                     "/relative/on/a/file/base", PAYLOAD):  # fmt: skip
            body.post_message(ArticleBody.LinkClicked(body, href))
            await settle(pilot)
        _assert_screen_safe(app.export_screenshot(), screen_text(app))
    assert opened == [], opened


def _ctx(data_dir: Path, config: Path) -> Context:
    config.touch()  # as `--config FILE`, which must name a file that exists
    args = argparse.Namespace(data_dir=str(data_dir), config=str(config), offline=True,
                              demo=False, command="tui")  # fmt: skip
    return Context(args)


@pytest.mark.parametrize("kind", ["garbage", "zeros", "truncated"])
async def test_a_corrupt_cache_is_reported_in_the_reader(
    hostile_dir: Path, tmp_path: Path, kind: str
) -> None:
    db = hostile_dir / "termnews.db"
    original = db.read_bytes()
    if kind == "garbage":
        db.write_bytes(b"this is not a database at all" * 100)
    elif kind == "zeros":
        db.write_bytes(b"\0" * len(original))
    else:
        db.write_bytes(original[: len(original) // 3])
    for side in ("-wal", "-shm"):
        db.with_name(db.name + side).unlink(missing_ok=True)
    broken = db.read_bytes()
    ctx = _ctx(hostile_dir, tmp_path / "c.toml")
    app = make_app(ctx)
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            messages = " ".join(str(n.message) for n in app._notifications)
    finally:
        ctx.close()
    moved = moved_aside(hostile_dir)
    assert len(moved) == 1 and moved[0].read_bytes() == broken
    assert str(moved[0]) in messages and str(db) in messages, messages


async def test_a_cache_damaged_inside_pages_does_not_crash_the_reader(
    hostile_dir: Path, tmp_path: Path
) -> None:
    """Damage after page 1 is only met by a query: the reader says so and goes on."""
    db = hostile_dir / "termnews.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for side in ("-wal", "-shm"):
        db.with_name(db.name + side).unlink(missing_ok=True)
    good = db.read_bytes()
    db.write_bytes(good[:8192] + bytes(b ^ 0x5A for b in good[8192:]))
    broken = db.read_bytes()
    app = make_app(data_dir=hostile_dir, config_file=tmp_path / "c.toml", url_opener=print)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        for key in ("j", "enter", "s", "R", "right_square_bracket"):
            await pilot.press(key)
            await settle(pilot)
        messages = " ".join(str(n.message) for n in app._notifications)
        assert app.is_running
    moved = moved_aside(hostile_dir)
    assert len(moved) == 1 and moved[0].read_bytes() == broken
    assert str(moved[0]) in messages and "damaged" in messages, messages


async def test_markup_in_feed_titles_does_not_break_notifications(tmp_path: Path) -> None:
    """A failing feed's title is shown in a toast: as text, never as Textual markup."""
    data = tmp_path / "data"
    data.mkdir()
    gone = tmp_path / "gone.xml"
    gone.write_bytes((HOSTILE / "unsafe-links.xml").read_bytes())
    title = "Evil [/] [@click=app.quit]CLICK[/] [link='file:///etc/passwd']x[/link] [b]bold"
    with Store.open(data / "termnews.db") as store:
        added, _ = store.add_feed(str(gone), section="News")
        refresh(store, [added], offline=True)
    conn = sqlite3.connect(data / "termnews.db")
    with conn:
        conn.execute("UPDATE feeds SET title = ?, section = ?", (title, "Sec [/] [b]x"))
        conn.execute(
            "UPDATE articles SET title = ? || title, author = ?, section = ?, categories = ?",
            ("[/] ", "[@click=app.quit]me[/]", "Sec [/] [b]x", json.dumps(["[/]", "[b]"])),
        )
    conn.close()
    gone.unlink()  # the next refresh fails, naming the feed
    app = make_app(data_dir=data, config_file=tmp_path / "c.toml", url_opener=print)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        for key in ("R", "j", "enter", "right_square_bracket", "v", "question_mark", "escape"):
            await pilot.press(key)
            await settle(pilot)
        await pilot.pause(0.3)
        text = screen_text(app)
        assert app.is_running
        assert "[@click=app.quit]CLICK[/]" in text, text
        _assert_screen_safe(app.export_screenshot(), text)
