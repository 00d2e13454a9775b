"""Moving around: panes, headlines, sections, opening articles."""

from __future__ import annotations

from tests.ui.conftest import Env, RunApp, goto_section, main_screen, screen_text, settle

from termnews.app.widgets.article_view import ArticleView
from termnews.app.widgets.headline_list import HeadlineList
from termnews.app.widgets.section_list import FAILING_MARK, SectionList, View


async def test_starts_on_all_with_first_article_open_and_read(seeded: Env, run_app: RunApp) -> None:
    async with run_app(seeded) as (app, _pilot):
        screen = main_screen(app)
        assert screen.view_.section == "All"
        assert screen.article is not None
        assert screen.article.id == screen.headlines.rows[0].id
        # Opening marks read: in the cache and in the list.
        with seeded.store() as store:
            assert store.article(screen.article.id).read
        assert screen.headlines.rows[0].read
        text = screen_text(app)
        assert "● Harbour bridge reopens" in text
        assert "Fixture JSON · By JSON Desk" in text


async def test_panes_cycle_with_l_h_and_tab(seeded: Env, run_app: RunApp) -> None:
    async with run_app(seeded) as (app, pilot):
        assert isinstance(app.focused, HeadlineList)
        await pilot.press("l")
        assert isinstance(app.focused, ArticleView)
        await pilot.press("h", "h")
        assert isinstance(app.focused, SectionList)
        await pilot.press("tab")
        assert isinstance(app.focused, HeadlineList)
        await pilot.press("shift+tab")
        assert isinstance(app.focused, SectionList)


async def test_j_k_move_and_enter_opens_and_marks_read(seeded: Env, run_app: RunApp) -> None:
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await pilot.press("j", "j")
        assert screen.headlines.highlighted == 2
        await pilot.press("k")
        assert screen.headlines.highlighted == 1
        target = screen.headlines.rows[1]
        assert not target.read
        await pilot.press("enter")
        await settle(pilot)
        assert screen.article is not None and screen.article.id == target.id
        assert screen.headlines.rows[1].read
        with seeded.store() as store:
            assert store.article(target.id).read
        assert target.title in screen_text(app)


async def test_sections_bracket_keys_and_tree_cursor(seeded: Env, run_app: RunApp) -> None:
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        names = [s.name for s in screen.sections]
        assert names[:3] == ["All", "Unread", "Starred"]
        assert names[-3:] == ["World", "Tech", "Science"]
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.view_.section == "Unread"
        await goto_section(pilot, "World")
        assert {h.section for h in screen.headlines.rows} == {"World"}
        assert screen.sections_pane.cursor_node is not None
        assert screen.sections_pane.cursor_node.data == screen.view_
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.view_.section == names[names.index("World") - 1]


async def test_moving_in_the_section_list_shows_feeds(seeded: Env, run_app: RunApp) -> None:
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await pilot.press("h")
        assert isinstance(app.focused, SectionList)
        # Down the virtual sections to World (which unfolds), then into World's feed.
        names = [s.name for s in screen.sections]
        await pilot.press(*["j"] * names.index("World"))
        await settle(pilot)
        assert screen.view_.section == "World"
        await pilot.press("j")
        await settle(pilot)
        assert screen.view_.feed_id is not None
        assert {h.feed_id for h in screen.headlines.rows} == {screen.view_.feed_id}
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.focused, HeadlineList)


async def test_feeds_of_a_folded_section_appear_when_it_opens(seeded: Env, run_app: RunApp) -> None:
    # Feed nodes are built when their section first opens: a feed view left open must
    # still be restored (its node built on demand), and a section opened by the tree
    # itself must list its feeds.
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await goto_section(pilot, "Tech")
        await pilot.press("h", "j")
        await settle(pilot)
        feed_id = screen.view_.feed_id
        assert feed_id is not None
        await pilot.press("q")
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        pane = screen.sections_pane
        assert (screen.view_.section, screen.view_.feed_id) == ("Tech", feed_id)
        assert pane.cursor_node is not None and pane.cursor_node.data == screen.view_
        world = pane.node_for(View("World"))
        assert world is not None and not world.is_expanded
        world.expand()
        await settle(pilot)
        wanted = [f for f in screen.feeds if f.section == "World"]
        assert wanted
        assert [n.data.feed_id for n in world.children if n.data] == [f.id for f in wanted]
        assert pane.feed_name(wanted[0])[:10] in screen_text(app)  # cut to fit: 'Fixture Worl…'


async def test_g_and_G_in_headlines_and_article(demo: Env, run_app: RunApp) -> None:
    async with run_app(demo) as (app, pilot):
        screen = main_screen(app)
        await pilot.press("G")
        await settle(pilot)
        assert screen.headlines.highlighted == len(screen.headlines.rows) - 1
        await pilot.press("g")
        assert screen.headlines.highlighted == 0
        await pilot.press("l", "G")
        await settle(pilot)
        assert screen.article_view.scroll_y == screen.article_view.max_scroll_y
        await pilot.press("g")
        await settle(pilot)
        assert screen.article_view.scroll_y == 0


async def test_space_and_b_page_the_article_from_the_list(demo: Env, run_app: RunApp) -> None:
    async with run_app(demo, size=(100, 24)) as (app, pilot):
        screen = main_screen(app)
        assert screen.article_view.max_scroll_y > 0
        await pilot.press("space")
        await settle(pilot)
        assert screen.article_view.scroll_y > 0
        assert isinstance(app.focused, HeadlineList)
        await pilot.press("b")
        await settle(pilot)
        assert screen.article_view.scroll_y == 0


async def test_trending_lists_stories_told_by_several_feeds(demo: Env, run_app: RunApp) -> None:
    async with run_app(demo) as (app, pilot):
        screen = main_screen(app)
        names = [s.name for s in screen.sections]
        assert names.index("Trending") == names.index("Starred") + 1
        await goto_section(pilot, "Trending")
        rows = screen.headlines.rows
        assert rows and all(h.sources >= 2 for h in rows)
        trending = screen.sections_pane.section("Trending")
        assert trending is not None and trending.total == len(rows)
        assert f"+{rows[0].sources - 1}" in screen_text(app)  # other feeds telling it
        await pilot.press("enter")
        await settle(pilot)
        assert screen.article is not None and screen.article.id == rows[0].id


async def test_long_feed_names_keep_their_count_and_failing_mark(
    demo: Env, run_app: RunApp
) -> None:
    # The section list cropped its lines at the pane's edge: under World,
    # "└ Northwind Times" filled the 17 cells and its unread count never showed,
    # and a failing feed with a long name lost its ⚠ the same way.
    with demo.store() as store:
        wire = next(f for f in store.feeds() if f.title.startswith("Northwind Times"))
        store.update_feed(wire.id, failures=2, last_error="connection refused")
    async with run_app(demo) as (app, pilot):
        screen = main_screen(app)
        await goto_section(pilot, "World")
        unread = next(f for f in screen.feeds if f.id == wire.id).unread
        assert unread > 0
        pane = screen.sections_pane.content_region
        rows = screen_text(app).splitlines()[pane.y : pane.bottom]
        labels = [row[pane.x : pane.right] for row in rows]
        feed = next(label for label in labels if label[2:].startswith("Northwind"))
        assert feed.rstrip().endswith(f"… {unread} {FAILING_MARK}"), labels
        # Short labels are untouched.
        harbour = next(f for f in screen.feeds if f.title.startswith("Harbour Post")).unread
        assert any(label.rstrip() == f"├ Harbour Post {harbour}" for label in labels), labels


async def test_long_feed_names_fit_beside_the_scrollbar_at_80_columns(
    demo: Env, run_app: RunApp
) -> None:
    # At 80x24 the list scrolls, and its scrollbar takes the pane's last column.
    async with run_app(demo, size=(80, 24)) as (app, pilot):
        screen = main_screen(app)
        await goto_section(pilot, "Science")
        pane = screen.sections_pane
        feed = next(f for f in screen.feeds if f.title.startswith("The Lantern Review"))
        node = pane.node_for(View("Science", feed.id, feed.title))
        assert node is not None
        pane.scroll_to_node(node, animate=False)
        await settle(pilot)
        assert pane.scrollable_content_region.width < pane.size.width  # a scrollbar shows
        region = pane.scrollable_content_region
        rows = screen_text(app).splitlines()[region.y : region.bottom]
        labels = [row[region.x : region.right] for row in rows]
        lantern = next(label for label in labels if "Lantern" in label)
        assert lantern.rstrip().endswith(f"… {feed.unread}"), labels
