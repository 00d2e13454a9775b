"""Terminal sizes, layout modes, state kept between runs, first run and empty cache."""

from __future__ import annotations

import json

import pytest
from tests.ui.conftest import Env, RunApp, goto_section, main_screen, screen_text, settle

from termnews.app.state import load_state
from termnews.app.widgets.article_view import ArticleView
from termnews.app.widgets.headline_list import HeadlineList
from termnews.app.widgets.related_panel import RelatedPanel
from termnews.core.dates import short_age


@pytest.mark.parametrize("size", [(40, 12), (80, 24)])
async def test_small_terminals_render_and_keys_work(
    demo: Env, run_app: RunApp, size: tuple[int, int]
) -> None:
    async with run_app(demo, size=size) as (app, pilot):
        screen = main_screen(app)
        assert screen.has_class("-stacked")
        await pilot.press("j", "enter", "l", "j", "h", "v", "z", "question_mark")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running
        assert screen.article is not None
        assert "termnews" in screen_text(app)


async def test_a_wide_terminal_puts_related_stories_beside_the_article(
    demo: Env, run_app: RunApp
) -> None:
    async with run_app(demo, size=(200, 60)) as (app, _pilot):
        screen = main_screen(app)
        assert screen.has_class("-wide")
        article, related = screen.article_view.region, screen.related.region
        assert related.x >= article.right and related.height > 30


async def test_related_panel_toggles_and_opens_a_story(demo: Env, run_app: RunApp) -> None:
    async with run_app(demo) as (app, pilot):
        screen = main_screen(app)
        related = screen.query_one(RelatedPanel)
        assert related.display and related.items
        await pilot.press("l", "l")
        assert isinstance(app.focused, RelatedPanel)
        target = related.items[0].article_id
        await pilot.press("enter")
        await settle(pilot)
        assert screen.article is not None and screen.article.id == target
        await pilot.press("v")
        await settle(pilot)
        assert screen.has_class("-related-hidden")
        assert not isinstance(app.focused, RelatedPanel)


async def test_a_teaser_from_a_long_named_feed_keeps_its_age(demo: Env, run_app: RunApp) -> None:
    """The teaser's line of section, source and age was cut at the panel's edge: a feed
    titled "Varthabharathi : Kanrnataka's Leading Kannada News Portal" left no age
    (seen by ui20). The source is cut instead; the age ends the line."""
    long_name = "termnews Guide to everything a reader of news in a terminal may want"
    with demo.store() as store:
        store.conn.execute(
            "UPDATE feeds SET title = ? WHERE title = 'termnews Guide'", (long_name,)
        )
        store.conn.commit()
    async with run_app(demo) as (app, pilot):
        related = main_screen(app).related
        await settle(pilot)
        assert related.items
        region = related.scrollable_content_region  # the scrollbar left out
        strips = app.screen._compositor.render_strips()
        now = related.clock()
        for n, item in enumerate(related.items[:3]):  # 3 lines and a rule each
            meta = strips[region.y + 4 * n].crop(region.x, region.right).text.rstrip()
            age = short_age(item.published, now)
            assert age and meta.endswith(f" · {age}"), meta
            if item.feed_title == long_name:
                assert "…" in meta, meta  # the source was the part cut


async def test_zoom_gives_the_article_the_screen(demo: Env, run_app: RunApp) -> None:
    async with run_app(demo, size=(80, 24)) as (app, pilot):
        screen = main_screen(app)
        await pilot.press("z")
        await settle(pilot)
        assert screen.has_class("-zoomed")
        assert isinstance(app.focused, ArticleView)
        assert screen.article_view.outer_size.width == 80
        await pilot.press("escape")
        await settle(pilot)
        assert not screen.has_class("-zoomed")


async def test_state_is_restored_on_the_next_start(seeded: Env, run_app: RunApp) -> None:
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await goto_section(pilot, "Tech")
        await pilot.press("j", "enter", "u", "L")
        await settle(pilot)
        article = screen.article
        assert article is not None
        app.theme = "gruvbox"
        await pilot.press("q")
    saved = load_state(seeded.data_dir / "state.json")
    assert saved.section == "Tech" and saved.article_id == article.id
    assert saved.unread_only and saved.theme == "gruvbox" and saved.layout == "columns"
    async with run_app(seeded) as (app, _pilot):
        screen = main_screen(app)
        assert screen.view_.section == "Tech"
        assert screen.article is not None and screen.article.id == article.id
        assert screen.unread_only and screen.layout_mode == "columns"
        assert app.theme == "gruvbox"


async def test_a_broken_state_file_means_defaults(seeded: Env, run_app: RunApp) -> None:
    (seeded.data_dir / "state.json").write_text(
        '{"section": 5, "layout": "diagonal", "theme": [1]', "utf-8"
    )
    async with run_app(seeded) as (app, _pilot):
        assert main_screen(app).view_.section == "All"
    (seeded.data_dir / "state.json").write_text(
        json.dumps({"section": "Gone", "feed_id": 999}), "utf-8"
    )
    async with run_app(seeded) as (app, _pilot):
        assert main_screen(app).view_.section == "All"


async def test_a_remembered_article_that_is_gone_opens_the_top_headline(
    seeded: Env, run_app: RunApp
) -> None:
    """The article shown at the last exit, removed since (its feed unsubscribed, a
    cleanup), left the article pane blank: two rules and no words."""
    with seeded.store() as store:
        gone = store.articles(section="Tech")[0].id
        store.conn.execute("DELETE FROM articles WHERE id = ?", (gone,))
        store.conn.commit()
    (seeded.data_dir / "state.json").write_text(
        json.dumps({"section": "Tech", "article_id": gone}), "utf-8"
    )
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await settle(pilot)
        assert screen.view_.section == "Tech"
        current = screen.headlines.current
        assert current is not None and current.id != gone
        assert screen.article is not None and screen.article.id == current.id
        assert any("no longer in the cache" in n.message for n in app._notifications)


async def test_feeds_never_fetched_say_to_press_r(env: Env, run_app: RunApp) -> None:
    """After 'termnews import list.opml' (which only subscribes) the reader said "No
    articles in this section. Press ] for the next one", round every empty section."""
    with env.store() as store:
        for n in range(3):
            store.add_feed(f"https://feeds.example/{n}.xml", f"Feed {n}", "News")
    async with run_app(env) as (app, pilot):
        await settle(pilot)
        text = " ".join(screen_text(app).replace("│", " ").split())  # unwrapped
        assert "Nothing fetched yet" in text and "Press ] for the next one" not in text
        assert "Your 3 feeds have not been fetched yet. Press R to fetch them" in text


async def test_first_run_explains_the_demo(demo: Env, run_app: RunApp) -> None:
    async with run_app(demo, first_run=True, demo=True) as (app, _pilot):
        text = screen_text(app)
        assert "Welcome to termnews" in text
        assert "termnews add URL" in text
        assert "demo" in text
        assert any("termnews import --starter" in n.message for n in app._notifications)


async def test_an_empty_cache_says_how_to_add_feeds(env: Env, run_app: RunApp) -> None:
    async with run_app(env, size=(80, 24)) as (app, pilot):
        assert "No feeds yet" in screen_text(app)
        await pilot.press("j", "enter", "n", "s", "m", "A", "o", "y", "right_square_bracket", "G")
        await settle(pilot)
        assert app.is_running


async def test_a_40_column_terminal_keeps_every_pane_and_the_location_on_screen(
    seeded: Env, run_app: RunApp
) -> None:
    """At 40x12 the headline pane ran past the right edge and the header read "termne"."""
    async with run_app(seeded, size=(40, 12)) as (app, pilot):
        await settle(pilot)
        headlines = app.screen.query_one(HeadlineList).region
        assert headlines.right <= 40 and headlines.width >= 12
        top = screen_text(app).splitlines()[0]
        assert top.lstrip().startswith("termnews  ›  All"), top
        assert "online" in top and "updated" not in top
        await pilot.resize_terminal(120, 36)
        await settle(pilot)
        assert "updated" in screen_text(app).splitlines()[0]


async def test_forced_columns_on_a_40_column_terminal_stay_stacked_until_they_fit(
    demo: Env, run_app: RunApp
) -> None:
    """``L`` to "columns" at 40x12 put the headline list's right border and the whole
    article off the screen (seen by qa19). The choice is kept and said, the panes stay
    stacked until the terminal is wide enough, then they go side by side."""
    async with run_app(demo, size=(40, 12)) as (app, pilot):
        screen = main_screen(app)
        await pilot.press("L")
        await settle(pilot)
        assert screen.layout_mode == "columns"
        notes = [n.message for n in app._notifications]
        assert any("columns" in n and "stacked until" in n for n in notes), notes
        assert screen.has_class("-stacked")
        for pane in (screen.sections_pane, screen.headlines, screen.article_view):
            region = pane.region
            assert region.width > 0 and region.right <= 40 and region.bottom <= 12, (pane, region)
        await pilot.resize_terminal(90, 24)
        await settle(pilot)
        assert not screen.has_class("-stacked")
        headlines, article = screen.headlines.region, screen.article_view.region
        assert article.x >= headlines.right and article.right <= 90


@pytest.mark.parametrize(("size", "most"), [((80, 24), 3), ((40, 12), 1)])
async def test_a_burst_of_toasts_keeps_the_newest_and_the_top_line_clear(
    demo: Env, run_app: RunApp, size: tuple[int, int], most: int
) -> None:
    """Six notices in a row stacked six toasts up from the footer, over the top line
    (the location, the status): seen by qa19. The newest stay, as many as fit."""
    from textual.widgets._toast import Toast

    async with run_app(demo, size=size, notifications=True) as (app, pilot):
        top = screen_text(app).splitlines()[0]
        for n in range(6):
            app.notify(f"Notice {n} of a burst", title="Refresh" if n % 2 else "")
            await pilot.pause()
        await settle(pilot)
        await pilot.pause(0.3)
        toasts = list(app.screen.query(Toast))
        assert 1 <= len(toasts) <= most, len(toasts)
        shown = screen_text(app)
        assert "Notice 5" in shown and "Notice 0" not in shown
        assert all(toast.region.y >= 1 for toast in toasts), [t.region for t in toasts]
        assert shown.splitlines()[0] == top
