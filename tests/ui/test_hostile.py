"""Feed text is data: markup, escapes and enormous or empty articles in the UI.

The rows are written straight into the cache (bypassing the parsers' own
cleaning) so these tests hold the UI's edge to the rule by itself.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from rich.cells import cell_len
from tests.ui.conftest import Env, RunApp, goto_section, main_screen, screen_text, settle
from textual.widgets import Static

from termnews.app.widgets.article_body import ArticleBody
from termnews.app.widgets.article_view import MAX_BODY_CHARS
from termnews.core.models import EntryData, ParsedFeed
from termnews.core.refresh import refresh
from termnews.core.text import MAX_HEADLINE_CELLS

MARKUP_TITLE = "[bold red]Markup[/] [link=https://evil.example]click[/link] [@click=app.quit]q[/]"
ESCAPE_TITLE = "Escapes \x1b[31mred\x1b[0m \x1b]0;pwned\x07 bell\x07 \x9b2J end"
BIG_PARAGRAPHS = "\n\n".join(f"Paragraph {i} " + "words " * 60 for i in range(3000))
BIG_LINE = "x" * 1_000_000


def _seed_hostile(env: Env) -> dict[str, int]:
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    body_m = (
        "Body with [b]markup[/b], <script>alert(1)</script> and \x1b[2J escapes.\n\n"
        "[link](javascript:alert(1)) and ![img](file:///etc/passwd)"
    )
    osc_link = "\x1b]8;;http://x\x07link\x1b]8;;\x07"
    ok = "https://ok.example/"
    entries = (
        EntryData("m", "javascript:alert(1)", MARKUP_TITLE, author="[i]Eve[/i]", published=now,
                  content=body_m),
        EntryData("e", ok + "e", ESCAPE_TITLE, published=now, content=osc_link),
        EntryData("big", ok + "big", "A megabyte of paragraphs", published=now,
                  content=BIG_PARAGRAPHS),
        EntryData("line", ok + "line", "A megabyte on one line", published=now, content=BIG_LINE),
        EntryData("empty", None, "", published=None, content="", summary=""),
    )  # fmt: skip
    with env.store() as store:
        feed, _ = store.add_feed(
            str(env.data_dir / "hostile.xml"), "[blink]Hostile[/] \x1b[5mFeed", "[red]Evil[/red]"
        )
        store.ingest(feed.id, ParsedFeed(title="x", entries=entries))
        return {r[0]: r[1] for r in store.conn.execute("SELECT guid, id FROM articles")}


async def test_hostile_titles_and_bodies_render_as_plain_text(env: Env, run_app: RunApp) -> None:
    ids = _seed_hostile(env)
    async with run_app(env) as (app, pilot):
        screen = main_screen(app)
        text = screen_text(app)
        svg = app.export_screenshot()
        assert "\x1b" not in svg and "\x07" not in svg and "\x9b" not in svg
        # The section name, literally (the section list shortens it to keep its count).
        assert "▶ [red]Evil[/… 4" in text
        assert "[bold red]Markup[/]" in text  # the title, literally
        for key in ("m", "e", "empty"):
            screen.open_article(ids[key])
            await settle(pilot)
            assert screen.article is not None and screen.article.id == ids[key]
            svg = app.export_screenshot()
            assert "\x1b" not in svg and "\x07" not in svg
        screen.open_article(ids["m"])
        await settle(pilot)
        text = screen_text(app)
        assert "[bold red]Markup[/]" in text and "[link=https://evil.example]click[/link]" in text
        assert "[@click=app.quit]q[/]" in text
        assert "By [i]Eve[/i]" in text
        assert "<script>alert(1)</script>" in text  # raw HTML shown as text, not run or dropped
        assert "Original: javascript" not in text  # the unsafe link is not offered
        assert "not a web address" in text
        assert app.is_running  # [@click=app.quit] did nothing
        # Its javascript: link is neither opened nor copied.
        await pilot.press("o", "y")
        await settle(pilot)
        assert env.opened == []
        assert app.clipboard != "javascript:alert(1)"
        screen.open_article(ids["empty"])
        await settle(pilot)
        assert "(untitled)" in screen_text(app)
        await goto_section(pilot, "[red]Evil[/red]")
        assert "›  [red]Evil[/red]  " in screen_text(app).splitlines()[0]  # whole, on top


async def test_megabyte_articles_are_capped_and_stay_responsive(env: Env, run_app: RunApp) -> None:
    ids = _seed_hostile(env)
    async with run_app(env, size=(100, 30)) as (app, pilot):
        screen = main_screen(app)
        for key in ("big", "line"):
            screen.open_article(ids[key])
            await settle(pilot)
            assert screen.article is not None and screen.article.id == ids[key]
            notice = str(screen.query_one("#article-notice").render())
            assert "This article is long" in notice
            body = screen.query_one("#article-body", ArticleBody)
            shown = sum(len(b.content.plain) + len(b.rows) for b in body.document.blocks)
            assert 0 < shown <= MAX_BODY_CHARS + 100
            await pilot.press("l", "G")
            await settle(pilot)
            await pilot.press("g", "h")
        assert app.is_running


async def test_a_story_long_headline_is_cut_above_the_article_and_whole_at_its_end(
    env: Env, run_app: RunApp, tmp_path: Path
) -> None:
    # A feed that put 5,000 characters in a title filled the article pane with them:
    # no byline, no body in sight. The headline is cut to a few lines; the full one
    # is at the end of the article.
    words = " ".join(f"word{i}" for i in range(900))  # ~5,800 characters
    long_title = f"Start {words} finish"
    feed = tmp_path / "long.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Long</title>'
        f"<item><title>{long_title}</title><link>https://long.example/1</link>"
        "<guid>l1</guid><description>The body is here.</description></item>"
        "<item><title>Short one</title><link>https://long.example/2</link>"
        "<guid>l2</guid><description>Another body.</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    with env.store() as store:
        refresh(store, [store.add_feed(str(feed), section="World")[0]], offline=True)
        ids = {r[0]: r[1] for r in store.conn.execute("SELECT guid, id FROM articles")}
        assert store.article(ids["l1"]).title == long_title  # stored whole
    for size in ((120, 36), (80, 24)):
        async with run_app(env, size=size) as (app, pilot):
            screen = main_screen(app)
            screen.open_article(ids["l1"])
            await settle(pilot)
            view = screen.article_view
            title = view.query_one("#article-title", Static)
            assert 1 < title.size.height <= 6, (size, title.size)
            shown = str(title.render())
            assert shown.startswith("Start word0") and shown.endswith("…"), shown[-40:]
            assert cell_len(shown) <= MAX_HEADLINE_CELLS
            assert "The body is here." in screen_text(app)  # the body is in sight
            end = str(view.query_one("#article-link", Static).render())
            assert f"Full headline: {long_title}" in end.replace("\n", " ")
            # The links list (O) heads its box with the headline too: cut the same way,
            # the links stay in view under it.
            await pilot.press("O")
            await settle(pilot)
            heading = app.screen.query_one("#links-article", Static)
            assert heading.size.height <= 6 and str(heading.render()).endswith("…")
            assert "The original article" in screen_text(app)
            await pilot.press("escape")
            await settle(pilot)
            # A headline of a usual length is shown whole, and not again at the end.
            screen.open_article(ids["l2"])
            await settle(pilot)
            assert str(title.render()) == "Short one"
            assert "Full headline" not in str(view.query_one("#article-link", Static).render())
            assert "headline is long" not in str(view.query_one("#article-notice").render())


async def test_a_paragraph_long_feed_or_author_name_is_cut_in_the_byline(
    env: Env, run_app: RunApp, tmp_path: Path
) -> None:
    # The byline names the source and the author whole: a feed titled with 3,000
    # characters filled the article pane as a story-long headline did.
    name = " ".join(f"outlet{i}" for i in range(400))
    author = " ".join(f"writer{i}" for i in range(400))
    feed = tmp_path / "named.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>{name}</title><item><title>Short headline</title>"
        f"<dc:creator>{author}</dc:creator><link>https://named.example/1</link>"
        "<description>The body is here.</description></item></channel></rss>",
        encoding="utf-8",
    )
    with env.store() as store:
        refresh(store, [store.add_feed(str(feed), section="World")[0]], offline=True)
        (article_id,) = [r[0] for r in store.conn.execute("SELECT id FROM articles")]
        assert store.article(article_id).feed_title == name  # stored whole
    async with run_app(env, size=(120, 36)) as (app, pilot):
        screen = main_screen(app)
        screen.open_article(article_id)
        await settle(pilot)
        byline = screen.article_view.query_one("#article-byline", Static)
        assert byline.size.height <= 6, byline.size
        shown = str(byline.render())
        assert shown.startswith("outlet0 outlet1") and "By writer0" in shown, shown[:80]
        assert "outlet399" not in shown and "writer399" not in shown
        assert "The body is here." in screen_text(app)


async def test_a_paragraph_long_feed_name_is_cut_in_its_details_and_questions(
    env: Env, run_app: RunApp, tmp_path: Path
) -> None:
    """The feed details (i) and the unsubscribe question (X) named a feed titled with
    a paragraph whole: 40 lines of name, the details' keys pushed out of the dialog
    (seen by qa19). Cut there as in the byline; the rename field holds it whole."""
    from textual.widgets import Input

    from termnews.app.screens.confirm import ConfirmScreen
    from termnews.app.screens.feed_details import FeedDetailsScreen, FeedFieldScreen

    name = " ".join(f"outlet{i}" for i in range(400))
    feed = tmp_path / "named.xml"
    feed.write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>'
        "<item><title>Short headline</title><link>https://named.example/1</link>"
        "<description>The body is here.</description></item></channel></rss>",
        encoding="utf-8",
    )
    with env.store() as store:
        refresh(store, [store.add_feed(str(feed), section="World")[0]], offline=True)
    async with run_app(env, size=(120, 36)) as (app, pilot):
        screen = main_screen(app)
        screen.headlines.focus()
        await settle(pilot)

        def cut(text: str) -> None:
            assert text.startswith("outlet0 outlet1") and "outlet399" not in text, text[:90]
            assert "…" in text

        await pilot.press("i")
        await settle(pilot)
        details = app.screen
        assert isinstance(details, FeedDetailsScreen)
        title = details.query_one("#feed-details-title", Static)
        cut(str(title.render()))
        assert title.size.height <= 2, title.size
        shown = screen_text(app)
        assert "Esc close" in shown and "cut above" in shown, shown
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("X")
        await settle(pilot)
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        question = confirm.query_one("#confirm-question", Static)
        text = str(question.render())
        assert text.startswith("Unsubscribe from outlet0"), text[:60]
        cut(text.removeprefix("Unsubscribe from "))
        assert question.size.height <= 4, question.size
        await pilot.press("n")
        await settle(pilot)

        await pilot.press("e")
        await settle(pilot)
        rename = app.screen
        assert isinstance(rename, FeedFieldScreen)
        assert rename.query_one(Input).value == name  # whole, to read or shorten
        cut(str(rename.query_one("#feed-field-about", Static).render()).split("for ", 1)[1])
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
