"""The keymap: help screen, command palette, remapping from the config."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import (
    Env,
    RunApp,
    main_screen,
    palette_run,
    screen_text,
    settle,
    wait_for,
)
from textual.command import CommandPalette
from textual.containers import VerticalScroll

from termnews.app.commands import KEY_COMMANDS, markdown_key_table
from termnews.app.screens.help import HelpScreen
from termnews.app.widgets.key_footer import KeyFooter


def test_every_command_is_defined_once_with_id_description_and_tooltip() -> None:
    ids = [c.id for c in KEY_COMMANDS]
    assert len(ids) == len(set(ids))
    keys = [k for c in KEY_COMMANDS for k in c.keys.split(",")]
    assert len(keys) == len(set(keys)), "a default key is bound twice"
    for command in KEY_COMMANDS:
        assert command.description and command.tooltip.endswith(".")
    table = markdown_key_table()
    assert all(f"`{c.id}`" in table for c in KEY_COMMANDS)


async def test_help_screen_lists_the_live_keymap(seeded: Env, run_app: RunApp) -> None:
    async with run_app(seeded) as (app, pilot):
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        # (The help's first screenful: the Articles group is below it since "O" joined Read.)
        assert "Open in the web browser" in text
        assert "next-unread" in text
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)


async def test_help_screen_scrolls_with_the_readers_moving_keys(
    seeded: Env, run_app: RunApp
) -> None:
    """G and g reach the help's end and top as they do in every pane (only End and
    Home did), and a remapped moving key scrolls the help as it scrolls the panes."""
    seeded.write_config('[keys]\ndown = "t"\n')
    async with run_app(seeded, size=(100, 20)) as (app, pilot):
        await pilot.press("question_mark")
        await settle(pilot)
        body = app.screen.query_one("#help-body", VerticalScroll)
        assert body.max_scroll_y > 0
        await pilot.press("G")
        await settle(pilot)
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("g")
        await settle(pilot)
        assert body.scroll_y == 0
        await pilot.press("t")
        await settle(pilot)
        assert body.scroll_y == 1


async def test_a_narrow_help_screen_keeps_every_word(seeded: Env, run_app: RunApp) -> None:
    """At 60 columns the binding-id column left the descriptions eight cells: a word a
    line, and the longer words cut ("article…"). The ids go under them there."""
    async with run_app(seeded, size=(60, 20)) as (app, pilot):
        await pilot.press("question_mark")
        await settle(pilot)
        text = screen_text(app)
        assert "Move down in the focused pane" in text, text
        assert "(scrolls the article)." in text and "…" not in text, text
        assert "next-pane" in text  # the ids are still shown, for remapping


async def test_keys_remapped_in_the_config_work_and_show_in_help(
    seeded: Env, run_app: RunApp
) -> None:
    seeded.write_config('[keys]\nstar = "x"\nnext-unread = "N,ctrl+n"\nno-such-command = "z"\n')
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await pilot.press("j")
        target = screen.headlines.current
        assert target is not None
        await pilot.press("s")  # no longer bound
        await settle(pilot)
        assert not screen.headlines.rows[1].starred
        await pilot.press("x")
        await settle(pilot)
        assert screen.headlines.rows[1].starred
        opened_before = screen.article.id if screen.article else None
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert screen.article is not None and screen.article.id != opened_before
        assert app.keymap_in_force()["star"] == "x"
        await pilot.press("question_mark")
        await settle(pilot)
        text = screen_text(app)
        assert "N / Ctrl+N" in text
        # The unknown id was reported, not fatal.
        assert any("no-such-command" in n.message for n in app._notifications)


async def test_palette_jumps_to_a_section_and_a_feed(seeded: Env, run_app: RunApp) -> None:
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await palette_run(pilot, "Section: Tech")
        assert not isinstance(app.screen, CommandPalette)
        assert screen.view_.section == "Tech"
        await palette_run(pilot, "Feed: Fixture World")
        assert screen.view_.feed_id is not None
        assert screen.view_.section == "World"
        assert {h.feed_id for h in screen.headlines.rows} == {screen.view_.feed_id}


async def test_palette_says_a_dead_feed_is_dead_not_failing(seeded: Env, run_app: RunApp) -> None:
    """README: a 410 Gone feed is shown as dead and no longer fetched; the palette
    said "failing: HTTP 410 Gone", as if the next refresh would try it again."""
    from textual.widgets import Input, OptionList

    with seeded.store() as store:
        store.conn.execute(
            "UPDATE feeds SET dead = 1, failures = 1, last_error = 'HTTP 410 Gone' "
            "WHERE title = 'Fixture World'"
        )
        store.conn.commit()
    async with run_app(seeded) as (app, pilot):
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        app.screen.query_one(Input).value = "Feed: Fixture World"

        def hit() -> str:
            options = app.screen.query_one(OptionList)
            if not options.option_count:
                return ""
            return str(options.get_option_at_index(0).prompt)

        await wait_for(pilot, lambda: "Fixture World" in hit())
        assert "dead (HTTP 410 Gone): no longer fetched" in hit()
        assert "failing" not in hit()


async def test_palette_runs_actions_and_switches_theme(seeded: Env, run_app: RunApp) -> None:
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await palette_run(pilot, "Theme: nord")
        assert app.theme == "nord"
        await palette_run(pilot, "Unread only")
        assert screen.unread_only


async def test_palette_puts_a_section_before_its_feeds(seeded: Env, run_app: RunApp) -> None:
    """Typing a bare section name ("world") lists the section first, then feeds named after it."""
    from textual.widgets import Input, OptionList

    async with run_app(seeded) as (app, pilot):
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        app.screen.query_one(Input).value = "world"

        def prompts() -> list[str]:
            options = app.screen.query_one(OptionList)
            return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]

        def searched() -> bool:
            listed = prompts()
            return any("Section: World" in p for p in listed) and not any(
                "Theme:" in p for p in listed
            )

        await wait_for(pilot, searched)
        assert prompts()[0].startswith("Section: World"), prompts()


async def test_the_palette_opens_in_one_order_sections_feeds_actions_themes(
    seeded: Env, run_app: RunApp
) -> None:
    """Before anything was typed the palette listed its providers' hits in the order
    they happened to arrive (Textual keeps providers in a set): one run it opened on
    the themes, the next on "Next section", the next on the sections (seen by qa18).
    The hits are gathered here in the worst order, themes first, and sorted as the
    palette sorts them."""
    from operator import attrgetter

    from textual.widgets import OptionList

    from termnews.app.providers import (
        ActionsProvider,
        FeedsProvider,
        SectionsProvider,
        ThemesProvider,
    )

    def kind(text: str) -> int:
        """0 a section, 1 a feed, 2 an action, 3 a theme."""
        prefixes = {"Section:": 0, "Feed:": 1, "Theme:": 3}
        return next((rank for p, rank in prefixes.items() if text.startswith(p)), 2)

    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        hits = []
        for provider in (ThemesProvider, ActionsProvider, FeedsProvider, SectionsProvider):
            hits += [hit async for hit in provider(screen).discover()]
        ordered = [kind(h.text or "") for h in sorted(hits, key=attrgetter("score"), reverse=True)]
        assert ordered == sorted(ordered) and set(ordered) == {0, 1, 2, 3}
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))

        def prompts() -> list[str]:
            options = app.screen.query_one(OptionList)
            return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]

        await wait_for(pilot, lambda: any("Theme:" in p for p in prompts()))
        shown = [kind(p) for p in prompts()]
        assert shown == sorted(shown), prompts()[:5]
        assert prompts()[0].startswith("Section: All")


async def test_the_footer_shows_only_keys_that_fit_whole(seeded: Env, run_app: RunApp) -> None:
    """At 80 columns the last key ("^p Palette") used to be cut to "^p P"."""
    async with run_app(seeded, size=(80, 24)) as (app, pilot):
        footer = app.screen.query_one(KeyFooter)
        line = str(footer.render())
        shown = footer.shown()
        assert shown and len(shown) < len(footer.items)
        assert all(item.end <= 80 for item in shown)
        assert line.rstrip().endswith(shown[-1].description)
        hidden = footer.items[len(shown)]
        assert hidden.description not in line
        assert footer.item_at(hidden.start) is None
        await pilot.resize_terminal(200, 36)
        await settle(pilot)
        assert footer.shown() == footer.items
        assert hidden.description in str(footer.render())


async def test_a_narrow_footer_keeps_the_help_key(seeded: Env, run_app: RunApp) -> None:
    """At 60 columns the line ended before "? Help": nothing said how to find the rest."""
    async with run_app(seeded, size=(60, 20)) as (app, pilot):
        await settle(pilot)
        footer = app.screen.query_one(KeyFooter)
        shown = footer.shown()
        line = str(footer.render())
        assert len(shown) < len(footer.items)
        assert shown[-1].description == "Help" and line.rstrip().endswith("? Help")
        assert all(item.end <= 60 for item in shown)
        # The moved item is where it is drawn: a click on it opens help.
        assert footer.item_at(shown[-1].start) == shown[-1]
        await pilot.click(KeyFooter, offset=(shown[-1].start + 1, 0))
        await settle(pilot)
        assert app.screen.__class__.__name__ != "MainScreen"


async def test_a_key_remapped_onto_another_commands_key_is_reported(
    seeded: Env, run_app: RunApp
) -> None:
    """Giving ``q`` to search left Quit unreachable by its key without a word."""
    seeded.write_config('[keys]\nsearch = "q"\nstar = "x"\n')
    async with run_app(seeded) as (app, pilot):
        await settle(pilot)
        shared = [n.message for n in app._notifications if "is bound to" in n.message]
        assert len(shared) == 1
        assert "Key q is bound to" in shared[0] and "search" in shared[0]
        assert "quit" in shared[0]


async def test_a_default_key_given_to_another_command_moves_to_it(
    seeded: Env, run_app: RunApp
) -> None:
    """``star = "j"``: j starred, yet the help screen still listed j for Down."""
    seeded.write_config('[keys]\nstar = "j"\n')
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await settle(pilot)
        notes = [n.message for n in app._notifications if "now runs" in n.message]
        assert notes == ["Key j now runs star ([keys]); down keeps ↓"]
        assert not [n for n in app._notifications if "is bound to" in n.message]
        assert app.keymap_in_force()["down"] == "down"
        await pilot.press("down")
        await settle(pilot)
        assert screen.headlines.highlighted == 1
        await pilot.press("j")
        await settle(pilot)
        assert screen.headlines.highlighted == 1 and screen.headlines.rows[1].starred
        await pilot.press("question_mark")
        await settle(pilot)
        lines = screen_text(app).splitlines()
        down = next(line for line in lines if "Move down in the focused pane" in line)
        assert "j /" not in down and "↓" in down


async def test_an_empty_key_in_the_keymap_is_reported_and_the_default_kept(
    seeded: Env, run_app: RunApp
) -> None:
    """``star = ""`` was dropped without a word (qa12): the user thinks star is unbound."""
    seeded.write_config('[keys]\nstar = ""\nsearch = " , "\n')
    async with run_app(seeded) as (app, pilot):
        await settle(pilot)
        empty = [n.message for n in app._notifications if "No key given" in n.message]
        assert empty == ["No key given for search, star in [keys]: the default keys are kept"]
        assert app.keymap_in_force()["star"] == "s"


def test_readme_key_table_is_the_generated_one() -> None:
    # README's table is generated by `python -m termnews.app.commands`; an edited
    # tooltip (o and y were reworded to say which article they act on) must reach it.
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert markdown_key_table() in readme


async def test_palette_counts_starred_and_trending_as_the_section_list_does(
    demo: Env, run_app: RunApp
) -> None:
    """The palette said "0 unread of 4" for a Trending of four unread stories and
    "0 unread of 0" for an empty Starred: their counts are what they hold."""
    from textual.widgets import Input, OptionList

    async with run_app(demo) as (app, pilot):
        screen = main_screen(app)
        trending = screen.sections_pane.section("Trending")
        assert trending is not None and trending.total > 1
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))

        async def hit(text: str) -> str:
            app.screen.query_one(Input).value = text

            def first() -> str:
                options = app.screen.query_one(OptionList)
                if not options.option_count:
                    return ""
                return str(options.get_option_at_index(0).prompt)

            await wait_for(pilot, lambda: text in first())
            return first()

        shown = await hit("Section: Trending")
        assert f"{trending.total} stories" in shown and "unread" not in shown, shown
        shown = await hit("Section: Starred")
        assert "nothing starred" in shown and "unread" not in shown, shown
        assert "unread of" in await hit("Section: World")
