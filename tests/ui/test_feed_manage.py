"""Managing feeds from the reader: details (i), rename (e), move (c), full text (F),
unsubscribe (X). Real caches (the seeded fixture feeds plus feed files written here)."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import Env, RunApp, goto_section, main_screen, screen_text, settle
from tests.unit.loopback_http import rss
from textual.widgets import Input, Static

from termnews.app.screens.confirm import ConfirmScreen
from termnews.app.screens.feed_details import FeedDetailsScreen, FeedFieldScreen
from termnews.app.widgets.section_list import SectionList
from termnews.core.models import Feed
from termnews.core.refresh import refresh


def _add_feed_file(env: Env, tmp_path: Path, name: str, title: str, section: str) -> Feed:
    """Subscribe a feed file of three items and read it, as 'termnews add' would."""
    path = tmp_path / name
    path.write_bytes(rss(title, items=3))
    with env.store() as store:
        feed, _ = store.add_feed(str(path), section=section)
        refresh(store, [feed], offline=True)
        return store.feed(feed.id)


def _feed(env: Env, title: str) -> Feed:
    with env.store() as store:
        return next(f for f in store.feeds() if f.title == title)


async def _open_feed(pilot: object, app: object, title: str) -> None:
    """Show one feed's headlines, as the palette's 'Feed: ...' does."""
    screen = main_screen(app)  # type: ignore[arg-type]
    feed = next(f for f in screen.feeds if f.title == title)
    from termnews.app.widgets.section_list import View

    screen.show_view(View(feed.section, feed.id, feed.title), focus_headlines=True)
    await settle(pilot)  # type: ignore[arg-type]


def _details_text(app: object) -> str:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, FeedDetailsScreen)
    return "\n".join(str(w.render()) for w in screen.query(Static))


async def test_i_on_a_feed_in_the_section_list_shows_its_details(
    seeded: Env, run_app: RunApp
) -> None:
    world = _feed(seeded, "Fixture World")
    with seeded.store() as store:
        store.set_starred([a.id for a in store.articles(feed_id=world.id)][:1])
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await goto_section(pilot, "World")
        await pilot.press("h", "j")  # into the section list, down to World's feed
        await settle(pilot)
        assert isinstance(app.focused, SectionList)
        await pilot.press("i")
        await settle(pilot)
        text = _details_text(app)
        assert "Fixture World" in text
        assert world.url in text
        assert "Section\nWorld" in text
        assert "3 articles" in text and "1 starred" in text
        assert "Status\nok" in text
        assert "Full text\noff (F switches it on)" in text
        assert "e rename · c move · F full text · X unsubscribe · Esc close" in text
        await pilot.press("escape")
        await settle(pilot)
        assert screen.is_current
        await pilot.press("i", "i")  # i closes it again, as ? closes the help
        await settle(pilot)
        assert screen.is_current


async def test_i_on_a_headline_shows_its_feed_and_a_failing_feed_says_why(
    seeded: Env, run_app: RunApp
) -> None:
    tech = _feed(seeded, "Fixture Tech")
    with seeded.store() as store:
        store.update_feed(tech.id, failures=3, last_error="HTTP 404 Not Found")
    async with run_app(seeded) as (app, pilot):
        await goto_section(pilot, "Tech")
        await pilot.press("i")  # the headline list has focus: its highlighted row's feed
        await settle(pilot)
        text = _details_text(app)
        assert "Fixture Tech" in text
        assert "failing, 3 times in a row: HTTP 404 Not Found" in text


async def test_unsubscribing_the_feed_on_screen_asks_then_moves_to_its_section(
    seeded: Env, run_app: RunApp, tmp_path: Path
) -> None:
    pier = _add_feed_file(seeded, tmp_path, "pier.xml", "Pier Gazette", "World")
    with seeded.store() as store:
        starred = [a.id for a in store.articles(feed_id=pier.id)][:2]
        store.set_starred(starred)
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await _open_feed(pilot, app, "Pier Gazette")
        await pilot.press("enter")  # open its first article
        await settle(pilot)
        assert screen.article is not None and screen.article.feed_id == pier.id
        world_unread = screen.sections_pane.section("World").unread  # type: ignore[union-attr]
        all_unread = screen.sections_pane.section("All").unread  # type: ignore[union-attr]
        await pilot.press("X")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        # What 'termnews remove' removes: every cached article, starred ones too.
        assert app.screen.question == (
            "Unsubscribe from Pier Gazette? Its 3 cached articles go too, 2 starred ones included."
        )
        await pilot.press("y")
        await settle(pilot)
        assert screen.view_.section == "World" and screen.view_.feed_id is None
        assert {h.feed_title for h in screen.headlines.rows} == {"Fixture World"}
        assert screen.status.location == "World"
        assert all(f.id != pier.id for f in screen.feeds)
        # The first article was opened (read): two unread went with the feed.
        assert screen.sections_pane.section("World").unread == world_unread - 2  # type: ignore[union-attr]
        assert screen.sections_pane.section("All").unread == all_unread - 2  # type: ignore[union-attr]
        assert screen.sections_pane.section("Starred").total == 0  # type: ignore[union-attr]
        assert screen.article is None
        assert "This article's feed was unsubscribed" in screen_text(app)
        assert any(
            "Unsubscribed from Pier Gazette: 3 cached articles removed." in n.message
            for n in app._notifications
        )
    with seeded.store() as store:
        assert all(f.id != pier.id for f in store.feeds())
        assert store.feed_article_counts(pier.id) == (0, 0)


async def test_unsubscribing_the_last_feed_of_a_section_goes_to_all_and_no_keeps_it(
    seeded: Env, run_app: RunApp
) -> None:
    tech = _feed(seeded, "Fixture Tech")
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await _open_feed(pilot, app, "Fixture Tech")
        await pilot.press("X")
        await settle(pilot)
        await pilot.press("n")  # no: nothing changes
        await settle(pilot)
        assert screen.view_.feed_id == tech.id
        await pilot.press("X")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert screen.view_.section == "All" and screen.view_.feed_id is None
        assert "Tech" not in [s.name for s in screen.sections]
        assert all(h.feed_id != tech.id for h in screen.headlines.rows)
        assert screen.headlines.rows  # the other feeds' articles are listed


async def test_rename_from_the_details_screen_shows_everywhere_and_survives_a_refresh(
    seeded: Env, run_app: RunApp
) -> None:
    world = _feed(seeded, "Fixture World")
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await _open_feed(pilot, app, "Fixture World")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, FeedFieldScreen)
        field = app.screen.query_one(Input)
        assert field.value == "Fixture World"
        field.value = "  "
        await pilot.press("enter")
        assert isinstance(app.screen, FeedFieldScreen)  # an empty name is refused in place
        field.value = "Harbour Desk"
        await pilot.press("enter")
        await settle(pilot)
        assert screen.is_current
        assert screen.view_.feed_title == "Harbour Desk"
        assert screen.status.location == "World › Harbour Desk"
        assert {h.feed_title for h in screen.headlines.rows} == {"Harbour Desk"}
        assert screen.article is not None and screen.article.feed_title == "Harbour Desk"
        node = screen.sections_pane.cursor_node
        assert node is not None and node.data is not None
        assert node.data.feed_title == "Harbour Desk"
    with seeded.store() as store:
        refresh(store, [store.feed(world.id)], force=True, offline=True)
        assert store.feed(world.id).title == "Harbour Desk"


async def test_move_to_a_section_typed_in_another_case_follows_the_feed(
    seeded: Env, run_app: RunApp
) -> None:
    world = _feed(seeded, "Fixture World")
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await _open_feed(pilot, app, "Fixture World")
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, FeedFieldScreen)
        field = app.screen.query_one(Input)
        field.value = "all"
        await pilot.press("enter")
        status = str(app.screen.query_one("#feed-field-status", Static).render())
        assert "'All' is one of the reader's own sections" in status
        field.value = "tech"
        await pilot.press("enter")
        await settle(pilot)
        assert screen.view_.section == "Tech" and screen.view_.feed_id == world.id
        assert "World" not in [s.name for s in screen.sections]
        assert {h.section for h in screen.headlines.rows} == {"Tech"}
        tech = screen.sections_pane.section("Tech")
        assert tech is not None and tech.total == 5
    with seeded.store() as store:
        assert store.feed(world.id).section == "Tech"
        assert {a.section for a in store.articles(feed_id=world.id)} == {"Tech"}


async def test_moving_a_feed_out_of_the_section_on_screen_keeps_the_section(
    seeded: Env, run_app: RunApp, tmp_path: Path
) -> None:
    pier = _add_feed_file(seeded, tmp_path, "pier.xml", "Pier Gazette", "World")
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await goto_section(pilot, "World")
        await pilot.press("h", "j", "j")  # World's second feed: Pier Gazette
        await settle(pilot)
        assert screen.view_.feed_id == pier.id
        await pilot.press("k")  # back on World's first feed: not the one to move
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        app.screen.query_one(Input).value = "Local"
        await pilot.press("enter")
        await settle(pilot)
        assert screen.view_.section == "Local" and screen.view_.feed_id == pier.id
        assert [s.name for s in screen.sections][-1] == "Local"
        world = screen.sections_pane.section("World")
        assert world is not None and world.total == 3


async def test_remapped_keys_work_in_the_details_screen_and_are_named_there(
    seeded: Env, run_app: RunApp
) -> None:
    seeded.write_config('[keys]\nrename-feed = "t"\n')
    async with run_app(seeded) as (app, pilot):
        await _open_feed(pilot, app, "Fixture World")
        await pilot.press("i")
        await settle(pilot)
        assert "t rename" in _details_text(app)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, FeedFieldScreen)


async def test_F_switches_full_text_for_the_feed(seeded: Env, run_app: RunApp) -> None:
    world = _feed(seeded, "Fixture World")
    async with run_app(seeded) as (app, pilot):
        await _open_feed(pilot, app, "Fixture World")
        await pilot.press("F")
        await settle(pilot)
        with seeded.store() as store:
            assert store.feed(world.id).full_text
        await pilot.press("i")
        await settle(pilot)
        assert "Full text\non: each refresh" in _details_text(app)
        await pilot.press("F")  # from the details screen: off again
        await settle(pilot)
        with seeded.store() as store:
            assert not store.feed(world.id).full_text


async def test_a_hostile_feed_title_is_shown_as_text_in_the_details(
    seeded: Env, run_app: RunApp
) -> None:
    world = _feed(seeded, "Fixture World")
    with seeded.store() as store:
        store.update_feed(world.id, title="[bold red]Pwn[/] \x1b[2J\x07Desk")
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        feed = next(f for f in screen.feeds if f.id == world.id)
        from termnews.app.widgets.section_list import View

        screen.show_view(View(feed.section, feed.id, feed.title), focus_headlines=True)
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        text = _details_text(app)
        assert "[bold red]Pwn[/]" in text
        assert "\x1b" not in text and "\x07" not in text


async def test_a_feed_unsubscribed_during_a_refresh_is_not_reported_as_failed(
    seeded: Env, run_app: RunApp
) -> None:
    from termnews.app.messages import FeedFailure, RefreshFinished

    tech = _feed(seeded, "Fixture Tech")
    world = _feed(seeded, "Fixture World")
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await _open_feed(pilot, app, "Fixture Tech")
        await pilot.press("X")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        # What the refresh child reports for a feed removed under it, beside a real failure.
        gone = FeedFailure("Fixture Tech", f"no feed with id {tech.id}", tech.id)
        failed = FeedFailure("Fixture World", "HTTP 404 Not Found", world.id)
        screen.post_message(RefreshFinished(3, 0, (gone, failed)))
        await settle(pilot)
        reports = [n for n in app._notifications if n.title and "failed" in n.title]
        assert [(n.title, n.message) for n in reports] == [
            ("1 of 3 feeds failed", "Fixture World: HTTP 404 Not Found")
        ]
