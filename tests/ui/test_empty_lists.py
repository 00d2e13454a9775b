"""An empty headline list says why it is empty and which key fills it."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import Env, RunApp, main_screen, screen_text, settle

from termnews.app.empty_notes import empty_note
from termnews.app.widgets.section_list import View
from termnews.core.models import VirtualSection
from termnews.core.refresh import refresh


def _one_item_feed(path: Path) -> None:
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        "<link>https://wire.example/</link><item><title>Only story</title>"
        "<link>https://wire.example/1</link><guid>w1</guid>"
        "<pubDate>Mon, 23 Nov 2026 10:00:00 GMT</pubDate>"
        "<description>Body.</description></item></channel></rss>",
        encoding="utf-8",
    )


def _flat(text: str) -> str:
    """The headline list's text with its wrapped lines joined (the note wraps)."""
    lines = [line.split("││")[1].strip(" │") for line in text.splitlines() if line.count("││") >= 2]
    return " ".join(lines)


def test_each_kind_of_empty_list_has_its_own_reason() -> None:
    keys = {"star": "x", "refresh": "r", "refresh-all": "R", "unread-only": "u"}
    starred = empty_note(View(VirtualSection.STARRED.value), False, keys)
    assert "Press x" in starred  # the key as remapped, not the default s
    assert "caught up" in empty_note(View(VirtualSection.UNREAD.value), False, keys)
    assert "Press u" in empty_note(View("World"), True, keys)
    assert "trending" in empty_note(View(VirtualSection.TRENDING.value), False, keys)
    assert "Press R" in empty_note(View(VirtualSection.ALL.value), False, keys)
    assert "this feed" in empty_note(View("World", 3, "Wire"), False, keys)
    assert "this section" in empty_note(View("World"), False, keys)


async def test_starred_before_starring_anything_says_how_to_star(
    env: Env, run_app: RunApp, tmp_path: Path
) -> None:
    # The list was a blank box with "0 articles" under it: nothing said why.
    feed = tmp_path / "wire.xml"
    _one_item_feed(feed)
    with env.store() as store:
        added, _ = store.add_feed(str(feed), "Wire", "World")
        refresh(store, [added], offline=True)
    async with run_app(env) as (app, pilot):
        screen = main_screen(app)
        screen.show_view(View(VirtualSection.STARRED.value), focus_headlines=True)
        await settle(pilot)
        assert "No starred articles yet. Press s on an article" in _flat(screen_text(app))
        # The note is not a headline: nothing is highlighted, Enter opens nothing.
        assert screen.headlines.current is None and screen.headlines.highlighted is None
        await pilot.press("j", "enter")
        await settle(pilot)
        assert screen.headlines.current is None and screen.headlines.highlighted is None
        # Starring an article from another section fills it, and the note goes.
        screen.show_view(View("World"), focus_headlines=True)
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen.show_view(View(VirtualSection.STARRED.value), focus_headlines=True)
        await settle(pilot)
        text = screen_text(app)
        assert "Only story" in text and "No starred articles" not in text


async def test_reading_the_last_unread_with_unread_only_says_how_to_see_the_rest(
    env: Env, run_app: RunApp, tmp_path: Path
) -> None:
    feed = tmp_path / "wire.xml"
    _one_item_feed(feed)
    with env.store() as store:
        added, _ = store.add_feed(str(feed), "Wire", "World")
        refresh(store, [added], offline=True)
        store.set_read([h.id for h in store.headlines()], True)
    async with run_app(env) as (app, pilot):
        screen = main_screen(app)
        screen.show_view(View("World"), focus_headlines=True)
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert "No unread articles here. Press u to list the read ones too." in _flat(
            screen_text(app)
        )
        await pilot.press("u")
        await settle(pilot)
        assert "Only story" in screen_text(app)


async def test_the_top_line_says_no_articles_over_an_empty_view_and_all_read_over_a_read_one(
    env: Env, run_app: RunApp, tmp_path: Path
) -> None:
    # A section with no articles (a feed not fetched yet, Starred before any star)
    # said "all read" on the top line: true of nothing, there was nothing to read.
    feed = tmp_path / "wire.xml"
    _one_item_feed(feed)
    with env.store() as store:
        added, _ = store.add_feed(str(feed), "Wire", "World")
        refresh(store, [added], offline=True)
        store.add_feed(str(tmp_path / "later.xml"), "Later", "Pending")
    async with run_app(env, size=(100, 30)) as (app, pilot):
        screen = main_screen(app)

        async def top_line(view: View) -> str:
            screen.show_view(view, focus_headlines=True)
            await settle(pilot)
            return screen_text(app).splitlines()[0]

        assert "no articles" in await top_line(View("Pending"))
        assert "all read" not in await top_line(View("Pending"))
        assert "no articles" in await top_line(View(VirtualSection.STARRED.value))
        world = await top_line(View("World"))
        assert "1 unread" in world or "all read" in world, world
        with env.store() as store:
            store.set_read([h.id for h in store.headlines(section="World")])
        screen.reload_sections()
        world = await top_line(View("World"))
        assert "all read" in world and "no articles" not in world
        # Unread lists nothing now, but the cache holds a read article: "all read".
        unread = await top_line(View(VirtualSection.UNREAD.value))
        assert "all read" in unread and "no articles" not in unread
