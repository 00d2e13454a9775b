"""Search in the reader: the search bar, saved searches as sections, mute rules."""

from __future__ import annotations

from tests.ui.conftest import Env, RunApp, main_screen, screen_text, settle, wait_for

from termnews.app.screens.save_search import SaveSearchScreen
from termnews.app.search_views import saved_section
from termnews.app.widgets.search_bar import SearchBar
from termnews.app.widgets.section_list import View
from termnews.core.search import MatchedHeadline, saved_searches

BRIDGE = "Harbour bridge reopens after repairs"


async def test_search_lists_marked_matches_with_snippets_and_escape_returns(
    seeded: Env, run_app: RunApp
) -> None:
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        before = [h.id for h in screen.headlines.rows]
        await pilot.press("j", "j")
        highlighted = screen.headlines.current
        assert highlighted is not None
        await pilot.press("slash", *"bridge")
        await wait_for(pilot, lambda: len(screen.headlines.rows) == 1)
        await settle(pilot)
        hit = screen.headlines.rows[0]
        assert isinstance(hit, MatchedHeadline)
        assert hit.title == BRIDGE
        assert [hit.title[s:e] for s, e in hit.title_spans] == ["bridge"]
        text = screen_text(app)
        assert "Harbour bridge" in text
        assert hit.snippet and hit.snippet in text  # the second line of the result
        assert "1 article" in text
        await pilot.press("escape")
        await settle(pilot)
        assert [h.id for h in screen.headlines.rows] == before
        assert screen.headlines.current is not None
        assert screen.headlines.current.id == highlighted.id
        assert not screen.query_one(SearchBar).display


async def test_query_language_and_mistakes_in_the_bar(seeded: Env, run_app: RunApp) -> None:
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await pilot.press("slash", *"section:tech")
        bar = screen.query_one(SearchBar)  # mounted by the first '/'
        await wait_for(pilot, lambda: {h.section for h in screen.headlines.rows} == {"Tech"})
        tech = len(screen.headlines.rows)
        assert tech == 2
        # A mistake keeps the results and says what is wrong, in the bar.
        await pilot.press(*" tag:x ")
        await wait_for(pilot, lambda: bar.error is not None)
        await settle(pilot)
        assert 'unknown filter "tag:"' in screen_text(app)
        assert len(screen.headlines.rows) == tech
        assert app.is_running
        # FTS syntax typed by a user is just text.
        await pilot.press(*["backspace"] * 7, *' NEAR( "chip*')
        await wait_for(pilot, lambda: bar.error is None)
        await settle(pilot)
        assert app.is_running
        assert [h.title for h in screen.headlines.rows] == []  # no "near chip..." phrase


async def test_a_query_with_no_words_is_an_error_in_the_bar(seeded: Env, run_app: RunApp) -> None:
    # '*' used to be a search for everything while an empty query was no search.
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        everything = len(screen.headlines.rows)
        await pilot.press("slash", "asterisk")
        bar = screen.query_one(SearchBar)
        await settle(pilot)
        assert bar.error is None  # still typing: '*' might be the start of something
        await pilot.press("enter")
        await wait_for(pilot, lambda: bar.error is not None)
        await settle(pilot)
        assert "nothing to search for in '*'" in screen_text(app)
        assert bar.display and len(screen.headlines.rows) == everything
        await pilot.press("backspace")
        await wait_for(pilot, lambda: bar.error is None)
        await pilot.press("asterisk", "space")  # a finished '*' is the mistake as you type
        await wait_for(pilot, lambda: bar.error is not None)
        assert "nothing to search for in '*'" in str(bar.error)
        await pilot.press("backspace", "backspace", *"bridge")
        await wait_for(pilot, lambda: bar.error is None and len(screen.headlines.rows) == 1)


async def test_a_long_mistake_is_shown_whole_at_80_columns(seeded: Env, run_app: RunApp) -> None:
    # The status line was one row high: at 80 columns the unknown-filter message
    # lost its second half, the part saying how to search for the text itself.
    async with run_app(seeded, size=(80, 24)) as (app, pilot):
        screen = main_screen(app)
        await pilot.press("slash", *"tag:x ")
        bar = screen.query_one(SearchBar)
        await wait_for(pilot, lambda: bar.error is not None)
        await settle(pilot)
        shown = " ".join(line.strip() for line in screen_text(app).splitlines())
        assert 'put it in quotes: "tag:..."' in shown
        # Back to a query that parses: the bar is one hint line again.
        await pilot.press(*["backspace"] * 6, *"bridge")
        await wait_for(pilot, lambda: bar.error is None)
        await settle(pilot)
        assert bar.region.height == 2


async def test_search_is_scoped_to_the_section_on_screen(seeded: Env, run_app: RunApp) -> None:
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        screen.show_view(View("Tech"))
        await settle(pilot)
        await pilot.press("slash", *"bridge")
        await settle(pilot)
        await wait_for(pilot, lambda: screen.headlines.rows == [])
        assert "0 articles" in screen_text(app)


async def test_an_empty_result_says_where_the_search_looked(seeded: Env, run_app: RunApp) -> None:
    """Nothing found left the hint over an empty list: nothing said the search looked
    only in the section on screen, nor only at unread articles."""
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        screen.show_view(View("Tech"))
        await settle(pilot)
        await pilot.press("u", "slash", *"bridge")
        await wait_for(pilot, lambda: "No article matches" in screen_text(app))
        assert "No article matches in Tech among unread articles" in screen_text(app)
        # A filter that matches nothing says so, as termnews search does.
        await pilot.press(*" section:zzz")
        await wait_for(pilot, lambda: "no section matches 'zzz'" in screen_text(app))
        assert "in Tech" not in screen_text(app)  # the typed section took its place
        await pilot.press("ctrl+u", *"chipmaker")  # found: the hint again
        await wait_for(pilot, lambda: len(screen.headlines.rows) == 1)
        await settle(pilot)
        assert "No article matches" not in screen_text(app)
        assert 'words, "a phrase"' in screen_text(app)


async def test_a_kept_search_that_matches_nothing_says_so_in_the_list(
    seeded: Env, run_app: RunApp
) -> None:
    """Enter keeps a search and closes the bar, and with it the line that said nothing
    matched: the list was a blank box over "0 articles" (seen by ui20). It says why
    now, and how to get out, until the search is cleared."""
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)

        def in_the_list() -> str:
            """The list's rows on screen, joined (the note wraps)."""
            region = screen.headlines.region
            lines = screen_text(app).splitlines()[region.y + 1 : region.bottom - 1]
            return " ".join(
                " ".join(line[region.x + 1 : region.right - 1].split()) for line in lines
            )

        screen.show_view(View("Tech"))
        await settle(pilot)
        await pilot.press("slash", *"bridge")
        await wait_for(pilot, lambda: screen.headlines.rows == [])
        await pilot.press("enter")
        await settle(pilot)
        assert not screen.query_one(SearchBar).display
        note = "No article matches “bridge” in Tech. Esc clears, / edits the search."
        await wait_for(pilot, lambda: note in in_the_list())
        screen.reload_headlines(keep_place=True)  # a refresh's reload keeps saying it
        await settle(pilot)
        assert note in in_the_list()
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(screen.headlines.rows) > 0)
        assert "No article matches" not in screen_text(app)


async def test_down_and_up_in_the_search_bar_walk_the_results(seeded: Env, run_app: RunApp) -> None:
    """Down in the search input did nothing: the results could only be reached by
    leaving the bar first. Now it moves the list's cursor; the input keeps typing."""
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await pilot.press("slash", *"section:world")
        await wait_for(pilot, lambda: len(screen.headlines.rows) == 3)
        bar = screen.query_one(SearchBar)
        assert screen.headlines.highlighted == 0
        await pilot.press("down", "down", "up")
        await settle(pilot)
        assert screen.headlines.highlighted == 1
        assert bar.has_focus_within
        chosen = screen.headlines.rows[1].id
        await pilot.press("enter", "enter")  # keep the results, open the row
        await settle(pilot)
        assert screen.article is not None and screen.article.id == chosen


async def test_a_typed_section_or_feed_looks_there_instead(seeded: Env, run_app: RunApp) -> None:
    # README: the bar searches the list on screen; add section:/feed: to look
    # elsewhere. Inside a feed, section:World found nothing (the feed on screen
    # still narrowed it), and feed:... typed in another section found nothing.
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        with seeded.store() as store:
            tech = next(f for f in store.feeds() if f.title == "Fixture Tech")
        screen.show_view(View("Tech", tech.id, tech.title))
        await settle(pilot)
        await pilot.press("slash", *"section:World bridge")
        await wait_for(pilot, lambda: [h.title for h in screen.headlines.rows] == [BRIDGE])
        # The list is not titled with the feed on screen over World's article.
        assert screen.headlines.border_title == "Search results"
        await pilot.press("escape")
        await settle(pilot)
        assert screen.headlines.border_title == "Tech › Fixture Tech"
        screen.show_view(View("Tech"))
        await settle(pilot)
        await pilot.press("slash", *'feed:"Fixture World" bridge')
        await wait_for(pilot, lambda: [h.title for h in screen.headlines.rows] == [BRIDGE])
        # Without a place of its own the query still stays in the view on screen.
        await pilot.press(*["backspace"] * 40, *"bridge")
        await wait_for(pilot, lambda: screen.headlines.rows == [])


async def test_saved_search_from_config_is_a_section_with_counts(
    seeded: Env, run_app: RunApp
) -> None:
    seeded.write_config('[search.saved]\nBridges = "bridge OR processor"\n')
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        name = saved_section("Bridges")
        await wait_for(
            pilot, lambda: (s := screen.sections_pane.section(name)) is not None and s.unread == 2
        )
        assert name in screen_text(app)
        screen.show_view(View(name))
        await settle(pilot)
        assert {h.title for h in screen.headlines.rows} == {
            BRIDGE,
            "Chipmaker unveils low-power processor",
        }
        # Reading one updates its badge.
        await pilot.press("enter")
        await settle(pilot)
        await wait_for(pilot, lambda: screen.sections_pane.section(name).unread == 1)  # type: ignore[union-attr]


async def test_a_saved_search_that_does_not_parse_says_why_it_is_empty(
    seeded: Env, run_app: RunApp
) -> None:
    """Opened, it was an empty list, 'all read', with no word of the error that
    'termnews search --saved' names (seen by qa18)."""
    seeded.write_config('[search.saved]\nBroken = "\\"unclosed"\n')
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        name = saved_section("Broken")
        await wait_for(pilot, lambda: screen.sections_pane.section(name) is not None)
        screen.show_view(View(name))
        await settle(pilot)
        told = [n.message for n in app._notifications if "Broken" in n.message]
        assert len(told) == 1 and "does not parse" in told[0] and "quote" in told[0], told
        assert screen.headlines.border_subtitle == "the saved query does not parse"
        screen.reload_headlines()  # a recount, a refresh: said once, not each time
        await settle(pilot)
        assert len([n for n in app._notifications if "Broken" in n.message]) == 1


async def test_save_this_search_from_the_bar(seeded: Env, run_app: RunApp) -> None:
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        screen.show_view(View("World"))
        await settle(pilot)
        await pilot.press("slash", *"bridge", "enter")
        await settle(pilot)
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(app.screen, SaveSearchScreen))
        await pilot.press(*["backspace"] * 10, *"Repairs", "enter")
        await settle(pilot)
        with seeded.store() as store:
            saved = saved_searches(store, {})
        assert [(s.name, s.query) for s in saved] == [("Repairs", 'bridge section:"World"')]
        assert screen.view_ == View(saved_section("Repairs"))
        assert not screen.filter_text
        assert [h.title for h in screen.headlines.rows] == [BRIDGE]
        # And it can be forgotten again.
        await pilot.press("D", "y")
        await settle(pilot)
        with seeded.store() as store:
            assert saved_searches(store, {}) == []
        assert screen.sections_pane.section(saved_section("Repairs")) is None


async def test_save_search_dialog_is_a_box_over_the_reader(seeded: Env, run_app: RunApp) -> None:
    # Unstyled, the dialog was bare lines at the top-left of a blank screen: no
    # frame, the reader hidden behind it. Like the yes/no question, it is now a
    # framed box in the middle, the reader showing around it.
    async with run_app(seeded) as (app, pilot):
        await pilot.press("slash", *"bridge", "enter")
        await settle(pilot)
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(app.screen, SaveSearchScreen))
        await settle(pilot)
        box = app.screen.query_one("#save-search-box")
        width, height = app.size
        assert box.region.width < width and box.region.height < height // 2
        assert box.region.x > 0 and box.region.y > 0  # centred, not at the corner
        assert box.styles.border_top[0] != ""
        lines = screen_text(app).splitlines()
        inside = lines[box.region.y : box.region.bottom]
        assert any("Save this search" in line for line in inside)
        assert "termnews" in lines[0]  # the reader shows around the box
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, SaveSearchScreen)


async def test_mute_rules_hide_articles_and_the_toggle_shows_them(
    seeded: Env, run_app: RunApp
) -> None:
    seeded.write_config('[search]\nmute = ["bridge"]\n')
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await wait_for(pilot, lambda: BRIDGE not in [h.title for h in screen.headlines.rows])
        world = screen.sections_pane.section("World")
        assert world is not None and world.unread == 2
        await pilot.press("M")
        await wait_for(pilot, lambda: BRIDGE in [h.title for h in screen.headlines.rows])
        await pilot.press("M")
        await wait_for(pilot, lambda: BRIDGE not in [h.title for h in screen.headlines.rows])


async def test_help_screen_documents_the_query_language(seeded: Env, run_app: RunApp) -> None:
    async with run_app(seeded) as (app, pilot):
        await pilot.press("question_mark")
        await settle(pilot)
        app.screen.query_one("#help-body").scroll_end(animate=False)
        await settle(pilot)
        text = screen_text(app)
        for fragment in ("SEARCH", '"sea level"', "since:", "is:unread", "feed:"):
            assert fragment in text


async def test_show_muted_without_mute_rules_says_there_are_none(
    seeded: Env, run_app: RunApp
) -> None:
    """M said "Showing muted articles too" with no rule set, as if something had been
    hidden all along."""
    async with run_app(seeded) as (app, pilot):
        await pilot.press("M")
        await settle(pilot)
        messages = [str(n.message) for n in app._notifications]
        assert any(m.startswith("No mute rules are set") for m in messages), messages
        assert "Showing muted articles too" not in messages
