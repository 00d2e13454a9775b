"""``O``: the open article's links, followed from the keyboard.

A link in the article pane could only be clicked; a keyboard reader (newsboat's URL
view, every text browser) follows one by number. The real reader over a real cache,
driven by Pilot; only the browser is the test's recorder (``Env.opener``).
"""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import Env, RunApp, main_screen, screen_text, settle

from termnews.app.screens.links import LinksScreen
from termnews.core.refresh import refresh
from termnews.core.store import Store

BODY = (
    '<p>Read <a href="/reports/flood-2026">the full report</a> and'
    ' <a href="https://maps.example/river?id=7&amp;zoom=3">a map of the river</a>.</p>'
    '<p>Again: <a href="https://maps.example/river?id=7&amp;zoom=3">the same map</a>,'
    ' <a href="#note">a note below</a>, <a href="javascript:alert(1)">a trap</a>'
    ' and <a href="mailto:desk@news.example">the desk</a>.</p>'
    '<p><img src="https://img.example/flood.jpg" alt="The river in flood"></p>'
    '<p id="note">[link=https://evil.example]not markup[/link]</p>'
)


def _feed(path: Path) -> Path:
    path.write_text(
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        "<title>River News</title><link>https://news.example/</link>"
        "<item><title>Floods along the river</title>"
        "<link>https://news.example/2026/floods</link><guid>floods</guid>"
        "<pubDate>Mon, 30 Nov 2026 10:00:00 GMT</pubDate>"
        f"<description><![CDATA[{BODY}]]></description></item>"
        "<item><title>No links here</title><guid isPermaLink='false'>plain</guid>"
        "<pubDate>Mon, 30 Nov 2026 09:00:00 GMT</pubDate>"
        "<description>Just words.</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    return path


def _seed(env: Env, tmp_path: Path) -> None:
    with Store.open(env.db_path) as store:
        feed, _ = store.add_feed(str(_feed(tmp_path / "river.xml")), section="World")
        refresh(store, [feed], offline=True)


async def test_o_lists_the_articles_web_links_to_open_or_copy(
    env: Env, run_app: RunApp, tmp_path: Path
) -> None:
    _seed(env, tmp_path)
    async with run_app(env) as (app, pilot):
        screen = main_screen(app)
        screen.open_article(screen.headlines.rows[0].id)
        await settle(pilot)
        assert screen.article is not None and screen.article.title == "Floods along the river"
        await pilot.press("O")
        await settle(pilot)
        assert isinstance(app.screen, LinksScreen)
        # Web links only, each address once, resolved against the article's address;
        # the image, and the original article last.
        assert [link.url for link in app.screen.links] == [
            "https://news.example/reports/flood-2026",
            "https://maps.example/river?id=7&zoom=3",
            "https://img.example/flood.jpg",
            "https://news.example/2026/floods",
        ]
        text = screen_text(app)
        assert "Links in this article (4)" in text
        assert "the full report" in text and "[image: The river in flood]" in text
        assert "javascript" not in text and "mailto" not in text

        await pilot.press("2", "enter")  # the map, by its number
        await settle(pilot)
        assert not isinstance(app.screen, LinksScreen)
        assert env.opened == ["https://maps.example/river?id=7&zoom=3"]

        await pilot.press("O", "down", "y")  # copy the second entry
        await settle(pilot)
        assert not isinstance(app.screen, LinksScreen)
        assert app.clipboard == "https://maps.example/river?id=7&zoom=3"
        assert env.opened == ["https://maps.example/river?id=7&zoom=3"]

        await pilot.press("O", "escape")
        await settle(pilot)
        assert not isinstance(app.screen, LinksScreen)


async def test_an_article_without_any_web_link_says_so(
    env: Env, run_app: RunApp, tmp_path: Path
) -> None:
    _seed(env, tmp_path)
    async with run_app(env) as (app, pilot):
        screen = main_screen(app)
        screen.open_article(screen.headlines.rows[1].id)  # no link at all
        await settle(pilot)
        assert screen.article is not None and screen.article.title == "No links here"
        await pilot.press("O")
        await settle(pilot)
        assert not isinstance(app.screen, LinksScreen)
        assert "This article has no web links." in [n.message for n in app._notifications]


async def test_the_readers_moving_keys_move_in_the_links_list(
    env: Env, run_app: RunApp, tmp_path: Path
) -> None:
    """Only the arrows, Home and End moved in the list; j, k, g and G did nothing, so a
    reader who moves with them everywhere else could not reach the 12th of 30 links
    (seen by qa18). A remapped 'down' moves here too."""
    from textual.widgets import OptionList

    env.write_config('[keys]\ndown = "j,ctrl+n"\n')
    _seed(env, tmp_path)
    async with run_app(env) as (app, pilot):
        screen = main_screen(app)
        screen.open_article(screen.headlines.rows[0].id)
        await settle(pilot)
        await pilot.press("O")
        await settle(pilot)
        assert isinstance(app.screen, LinksScreen)
        options = app.screen.query_one(OptionList)
        await pilot.press("j")
        assert options.highlighted == 1
        await pilot.press("ctrl+n")
        assert options.highlighted == 2
        await pilot.press("k")
        assert options.highlighted == 1
        await pilot.press("G")
        assert options.highlighted == len(app.screen.links) - 1
        await pilot.press("g")
        assert options.highlighted == 0


def test_long_and_short_entries_put_their_numbers_in_one_column() -> None:
    from rich.console import Console

    from termnews.app.screens.links import ArticleLink, _prompt

    console = Console(width=40, color_system=None)
    long_one = ArticleLink(
        "link number 0 with a long anchor text that goes on", "https://a.example/x"
    )
    short = ArticleLink("[image]", "https://img.example/0.jpg")
    with console.capture() as captured:
        console.print(_prompt(1, long_one))
        console.print(_prompt(2, short))
    first, _, second, _ = captured.get().splitlines()
    assert first.index("1") == second.index("2"), (first, second)
