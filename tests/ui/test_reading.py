"""Acting on articles: next/previous unread, star, read state, mark all, filter, links."""

from __future__ import annotations

from tests.ui.conftest import (
    Env,
    RunApp,
    goto_section,
    main_screen,
    screen_text,
    settle,
    wait_for,
)

from termnews.app.screens.confirm import ConfirmScreen
from termnews.app.widgets.headline_list import HeadlineList
from termnews.app.widgets.search_bar import SearchBar


async def test_n_and_p_walk_unread_articles_and_cross_sections(
    seeded: Env, run_app: RunApp
) -> None:
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await goto_section(pilot, "World")
        opened = []
        for _ in range(3):
            await pilot.press("n")
            await settle(pilot)
            assert screen.article is not None
            opened.append(screen.article.id)
        world_ids = [h.id for h in screen.headlines.rows] if screen.view_.section == "World" else []
        # Entering a section opens nothing, so n opened its three articles in order.
        assert screen.view_.section == "World"
        assert opened == world_ids
        with seeded.store() as store:
            assert all(store.article(i).read for i in opened)
        await pilot.press("m")  # the last one unread again
        await settle(pilot)
        # Past the last unread of World, n moves on to the next section with unread ones.
        await pilot.press("n")
        await settle(pilot)
        assert screen.view_.section == "Tech"
        assert screen.article is not None and screen.article.section == "Tech"
        assert screen.headlines.index_of(screen.article.id) == 0
        # Above Tech's first article, p goes back to World's last unread one (it stayed
        # in Tech, "No earlier unread article here", where n crosses sections).
        await pilot.press("p")
        await settle(pilot)
        assert screen.view_.section == "World"
        assert screen.article is not None and screen.article.id == opened[-1]
        assert "Previous unread section: World" in [n.message for n in app._notifications]


async def test_star_from_list_and_starred_section(seeded: Env, run_app: RunApp) -> None:
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await pilot.press("j")
        target = screen.headlines.current
        assert target is not None and not target.starred
        await pilot.press("s")
        await settle(pilot)
        assert screen.headlines.rows[1].starred
        with seeded.store() as store:
            assert store.article(target.id).starred
        assert "★" in screen_text(app)
        starred = screen.sections_pane.section("Starred")
        assert starred is not None and starred.total == 1
        await goto_section(pilot, "Starred")
        assert [h.id for h in screen.headlines.rows] == [target.id]
        await pilot.press("s")
        await settle(pilot)
        with seeded.store() as store:
            assert not store.article(target.id).starred


async def test_m_toggles_read_and_counts_follow(seeded: Env, run_app: RunApp) -> None:
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        before = screen.status.unread
        await pilot.press("j", "m")
        await settle(pilot)
        assert screen.headlines.rows[1].read
        assert screen.status.unread == before - 1
        await pilot.press("m")
        await settle(pilot)
        assert not screen.headlines.rows[1].read
        assert screen.status.unread == before


async def test_mark_section_read_asks_then_marks(seeded: Env, run_app: RunApp) -> None:
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await goto_section(pilot, "World")
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # no: nothing changes
        await settle(pilot)
        with seeded.store() as store:
            assert store.count(section="World", unread=True) == 3
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        with seeded.store() as store:
            assert store.count(section="World", unread=True) == 0
            assert store.count(section="Tech", unread=True) == 2
        assert all(h.read for h in screen.headlines.rows)
        assert screen.status.unread == 0
        world = screen.sections_pane.section("World")
        assert world is not None and world.unread == 0


async def test_trending_counts_its_unread_stories_and_marks_them_read(
    demo: Env, run_app: RunApp
) -> None:
    # Trending's section count is its number of stories, not an unread count: the
    # top line said "all read" over a list of unread stories, and A answered
    # "Nothing unread here."
    async with run_app(demo) as (app, pilot):
        screen = main_screen(app)
        await goto_section(pilot, "Trending")
        unread = [h.id for h in screen.headlines.rows if not h.read]
        assert unread
        assert screen.status.unread == len(unread)
        assert f"{len(unread)} unread" in screen_text(app).splitlines()[0]
        await pilot.press("enter")  # opening one reads it
        await settle(pilot)
        assert screen.status.unread == len(unread) - 1
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        with demo.store() as store:
            assert all(store.article(i).read for i in unread)
        assert screen.status.unread == 0


async def test_filter_narrows_titles_and_escape_clears(seeded: Env, run_app: RunApp) -> None:
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        everything = len(screen.headlines.rows)
        await pilot.press("slash")
        assert app.focused is not None and app.focused.id == "search-input"
        await pilot.press(*"bridge")
        await wait_for(pilot, lambda: len(screen.headlines.rows) == 1)
        await settle(pilot)
        assert [h.title for h in screen.headlines.rows] == ["Harbour bridge reopens after repairs"]
        assert "bridge" in screen_text(app).splitlines()[0]  # the status line names it
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.focused, HeadlineList)
        assert len(screen.headlines.rows) == 1
        # Keys typed into the bar are text, not commands: q did not quit.
        await pilot.press("slash", "q")
        await wait_for(pilot, lambda: screen.headlines.rows == [])
        assert app.is_running
        await pilot.press("escape")
        await settle(pilot)
        assert len(screen.headlines.rows) == everything
        assert not screen.query_one(SearchBar).display


async def test_unread_only_toggle(seeded: Env, run_app: RunApp) -> None:
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        total = len(screen.headlines.rows)
        await pilot.press("u")
        await settle(pilot)
        assert screen.unread_only
        # The article opened at start is read, so one fewer.
        assert len(screen.headlines.rows) == total - 1
        assert all(not h.read for h in screen.headlines.rows)
        # The list says it is filtered, and how to undo it.
        assert "unread only (u)" in str(screen.headlines.border_subtitle)
        await pilot.press("u")
        await settle(pilot)
        assert len(screen.headlines.rows) == total
        assert "unread only" not in str(screen.headlines.border_subtitle)


async def test_o_opens_http_links_only_and_y_copies(seeded: Env, run_app: RunApp) -> None:
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        index = next(
            i for i, h in enumerate(screen.headlines.rows) if h.title.startswith("Harbour")
        )
        screen.headlines.highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert seeded.opened == ["https://fixture.example/world/bridge"]
        await pilot.press("y")
        await settle(pilot)
        assert app.clipboard == "https://fixture.example/world/bridge"


async def test_unsafe_links_are_never_opened(seeded: Env, run_app: RunApp) -> None:
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        for href in ("javascript:alert(1)", "file:///etc/passwd", "data:text/html,x"):
            screen._open_url(href, None)
        await settle(pilot)
        assert seeded.opened == []
        # A relative link in a body resolves against the article's page.
        screen._open_url("/repairs", "https://fixture.example/world/bridge")
        assert seeded.opened == ["https://fixture.example/repairs"]


async def test_full_text_key_reports_when_unavailable(seeded: Env, run_app: RunApp) -> None:
    import importlib.util

    async with run_app(seeded, offline=True) as (app, pilot):
        messages: list[str] = []
        original = app.notify

        def record(message: str, **kwargs: object) -> None:
            messages.append(message)
            original(message, **kwargs)  # type: ignore[arg-type]

        app.notify = record  # type: ignore[method-assign]
        await pilot.press("f")
        await settle(pilot)
        if importlib.util.find_spec("termnews.core.fulltext") is None:
            assert any("not available yet" in m for m in messages)
        else:
            assert any("Offline" in m for m in messages)


async def test_a_failing_worker_is_reported_not_silent(seeded: Env, run_app: RunApp) -> None:
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)

        def broken(store: object) -> None:
            raise ValueError("boom [/] here")

        async def job() -> None:
            await screen.tn.store_thread.call(broken)

        screen.run_worker(job(), name="demo-job", exit_on_error=False)
        await settle(pilot)
        assert app.is_running
        assert any("boom [/] here" in n.message for n in app._notifications)


async def test_counts_follow_reads_and_stars_without_a_recount(
    seeded: Env, run_app: RunApp
) -> None:
    """Opening, m and s update the counts in place; they must equal a full recount."""
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)

        def shown() -> tuple[list[tuple[str, int, int]], list[tuple[int, int]]]:
            pane = screen.sections_pane
            sections = [(s.name, s.total, s.unread) for s in pane.sections if s.virtual is False
                        or s.name in ("All", "Unread", "Starred")]  # fmt: skip
            return sections, [(f.id, f.unread) for f in pane.feeds]

        def recounted() -> tuple[list[tuple[str, int, int]], list[tuple[int, int]]]:
            with seeded.store() as store:
                sections = [(s.name, s.total, s.unread) for s in store.sections()]
                return sections, [(f.id, f.unread) for f in store.feeds()]

        await goto_section(pilot, "World")
        for keys in (("n",), ("n",), ("m",), ("s",), ("j", "s"), ("m",)):
            await pilot.press(*keys)
            await settle(pilot)
            assert shown() == recounted(), keys


async def test_o_and_y_take_the_highlighted_headline_only_from_the_list(
    seeded: Env, run_app: RunApp
) -> None:
    # README said "the article's link", which is ambiguous once the cursor in the
    # headline list has moved off the open article. This pins what README now says.
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        with seeded.store() as store:
            links = {h.id: store.article(h.id).link for h in screen.headlines.rows}
        first, second = [i for i, h in enumerate(screen.headlines.rows) if links[h.id]][:2]
        screen.headlines.highlighted = first
        await pilot.press("enter")  # open one article ...
        await settle(pilot)
        opened = screen.article
        assert opened is not None and opened.link
        screen.headlines.highlighted = second  # ... and move the cursor to another
        await settle(pilot)
        assert isinstance(app.focused, HeadlineList)
        assert screen.article is not None and screen.article.id == opened.id
        target = links[screen.headlines.rows[second].id]
        assert target and target != opened.link
        await pilot.press("y", "o")
        await settle(pilot)
        assert app.clipboard == target
        assert seeded.opened == [target]
        await pilot.press("l")  # the article pane: the open article
        await settle(pilot)
        await pilot.press("y", "o")
        await settle(pilot)
        assert app.clipboard == opened.link
        assert seeded.opened == [target, opened.link]


async def test_n_from_a_feed_goes_on_to_the_sections_next_feed(env: Env, run_app: RunApp) -> None:
    """Past a feed's last unread, n opened the next *section*, skipping the unread
    articles of the feeds below it in the same section (newsboat goes to the next feed)."""
    from tests.ui.conftest import palette_run, seed_fixture_feeds

    with env.store() as store:
        sections = {"world.xml": "News", "tech.atom": "News", "news.json": "Science"}
        seed_fixture_feeds(store, sections)
    async with run_app(env) as (app, pilot):
        screen = main_screen(app)
        await palette_run(pilot, "Feed: Fixture Tech")  # News feeds: Tech, then World
        tech = screen.view_.feed_id
        assert tech is not None and screen.view_.section == "News"
        for _ in range(len(screen.headlines.rows) + 1):
            await pilot.press("n")
            await settle(pilot)
        assert screen.view_.section == "News" and screen.view_.feed_id not in (None, tech)
        assert screen.article is not None and screen.article.feed_title == "Fixture World"


async def test_n_wraps_round_to_unread_articles_above_the_open_one(
    seeded: Env, run_app: RunApp
) -> None:
    """With the only unread articles above the open one, n said "No unread articles
    left" (the section itself was left out of the wrap) while its count said 2."""
    with seeded.store() as store:
        for section in ("Tech", "Science"):
            store.set_read([a.id for a in store.articles(section=section)])
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await goto_section(pilot, "World")
        await pilot.press("G", "enter")  # the last of World's three: the others are above
        await settle(pilot)
        last = screen.article
        assert last is not None
        await pilot.press("n")
        await settle(pilot)
        assert screen.article is not None and screen.article.id != last.id
        assert not any("No unread" in n.message for n in app._notifications)
        assert screen.view_.section == "World"


async def test_n_with_only_the_open_article_unread_says_none_are_left(
    seeded: Env, run_app: RunApp
) -> None:
    """The open article marked unread again (m) is the only unread one: n said "Next
    unread section: World", reloaded World and opened nothing."""
    with seeded.store() as store:
        store.set_read([a.id for a in store.articles(limit=100)])
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await goto_section(pilot, "World")
        await pilot.press("enter", "tab", "m")  # open it, from the article pane: unread
        await settle(pilot)
        opened = screen.article
        assert opened is not None and not screen.headlines.rows[0].read
        await pilot.press("n")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert "No unread articles left." in messages
        assert not any(m.startswith("Next unread") for m in messages)
        assert screen.article is not None and screen.article.id == opened.id


async def test_p_opens_the_previous_sections_last_unread_past_its_first_page(
    seeded: Env, run_app: RunApp
) -> None:
    """p from the first section wraps round to the last one with unread articles and
    opens its *last* unread article, which lies far past the page the list loads first
    (it said "No earlier unread article here" and stayed)."""
    from datetime import UTC, datetime

    from tests.ui.conftest import wire_entries

    from termnews.app.headline_query import PAGE_SIZE
    from termnews.core.models import ParsedFeed

    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    count = 3 * PAGE_SIZE
    entries = wire_entries(count, now)
    with seeded.store() as store:
        feed, _ = store.add_feed("http://127.0.0.1:9/wire.xml", "Wire", "Wire")
        store.ingest(feed.id, ParsedFeed(title="Wire", entries=entries))
        wire = store.headlines(section="Wire", limit=count)
        # Unread: one near the top and the two oldest, far below the first page.
        unread = {wire[3].id, wire[-2].id, wire[-1].id}
        store.set_read([h.id for h in wire if h.id not in unread])
        for section in ("Tech", "Science"):
            store.set_read([a.id for a in store.articles(section=section)])
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        await goto_section(pilot, "World")
        await pilot.press("enter")  # World's first: nothing unread above it
        await settle(pilot)
        assert screen.headlines.index_of(screen.article.id if screen.article else -1) == 0
        await pilot.press("p")
        await settle(pilot)
        assert screen.view_.section == "Wire"
        assert screen.article is not None and screen.article.id == wire[-1].id
        hl = screen.headlines
        assert hl.current is not None and hl.current.id == wire[-1].id
        ids = [h.id for h in hl.rows]
        assert ids == [h.id for h in wire[hl.start : hl.start + len(ids)]]
        # And on up through the section: the next older unread one, then the top one.
        await pilot.press("p")
        await settle(pilot)
        assert screen.article is not None and screen.article.id == wire[-2].id
        await pilot.press("p")
        await settle(pilot)
        assert screen.article is not None and screen.article.id == wire[3].id


async def test_p_from_a_feed_goes_back_to_the_sections_previous_feed(
    env: Env, run_app: RunApp
) -> None:
    """Above a feed's first unread, p opens the *last* unread article of the feed above
    it in the same section, as n goes on to the feed below."""
    from tests.ui.conftest import palette_run, seed_fixture_feeds

    with env.store() as store:
        seed_fixture_feeds(
            store, {"world.xml": "News", "tech.atom": "News", "news.json": "Science"}
        )
        tech = [a.id for a in store.articles(section="News") if a.feed_title == "Fixture Tech"]
    async with run_app(env) as (app, pilot):
        screen = main_screen(app)
        await palette_run(pilot, "Feed: Fixture World")  # News feeds: Tech, then World
        world = screen.view_.feed_id
        await pilot.press("n")  # World's first article: nothing unread above it
        await settle(pilot)
        assert screen.article is not None and screen.article.feed_title == "Fixture World"
        await pilot.press("p")
        await settle(pilot)
        assert screen.view_.section == "News" and screen.view_.feed_id not in (None, world)
        assert screen.article is not None and screen.article.id == tech[-1]
        assert "Previous unread feed: Fixture Tech" in [n.message for n in app._notifications]


async def test_the_byline_breaks_between_its_parts(seeded: Env, run_app: RunApp) -> None:
    """Textual wrapped the byline as one text: '... 10:00 · 1 min' and 'read' alone on
    the next line (seen by qa18 at 120 columns). It breaks between parts now."""
    from textual.widgets import Static

    async with run_app(seeded, size=(64, 40)) as (app, pilot):
        screen = main_screen(app)
        line = screen.query_one("#article-byline", Static)

        def parts() -> list[str]:
            return str(line.content).split(" · ")

        for row in screen.headlines.rows:  # the longest byline, which has to break
            screen.open_article(row.id)
            await settle(pilot)
            width = line.content_region.width
            if len(str(line.content)) > width:
                break
        else:
            raise AssertionError("no byline wider than the pane")
        shown = [row.strip() for row in screen_text(app).splitlines()]
        rows = [r.strip("│ ") for r in shown if any(p in r for p in parts())]
        for part in parts():  # each part whole on one row
            assert any(part in r for r in rows), (part, rows)
        assert line.size.height == len(rows)


async def test_a_byline_with_a_name_wider_than_the_line_keeps_its_other_parts_whole(
    env: Env, run_app: RunApp
) -> None:
    """A part wider than the line (BBC Urdu's feed is titled with a sentence) sent the
    whole byline to Textual's wrapping: "... 13:20 · 1" and "min read" on the next
    line (seen by ui20). The name wraps alone; the date and reading time stay whole."""
    from datetime import UTC, datetime

    from textual.widgets import Static

    from termnews.core.models import EntryData, ParsedFeed

    title = "Harbour Post - everything our newsroom wrote about the storm season this year"
    with env.store() as store:
        feed, _ = store.add_feed(str(env.data_dir / "long.xml"), title, "News")
        entry = EntryData(
            "g1", "https://example.org/1", "Storm news", summary="A few words of text.",
            published=datetime(2026, 11, 24, 13, 20, tzinfo=UTC),
        )  # fmt: skip
        store.ingest(feed.id, ParsedFeed(title=title, entries=(entry,)))
    async with run_app(env, size=(120, 36)) as (app, pilot):
        screen = main_screen(app)
        await settle(pilot)
        line = screen.query_one("#article-byline", Static)
        parts = str(line.content).split(" · ")
        assert parts[0] == title and len(parts) == 3, parts
        assert len(title) > line.content_region.width  # the case: a part wider than the line
        rows = [r.strip("│ ") for r in screen_text(app).splitlines()]
        for part in parts[1:]:  # the date, the reading time: each whole on a row
            assert any(part in r for r in rows), (part, rows)


async def test_a_failing_feed_on_screen_says_why_at_the_lists_edge(
    seeded: Env, run_app: RunApp
) -> None:
    """Opened, a feed whose refreshes fail showed only a ⚠ in the section list; the
    reason was in the palette alone (seen by qa18 with a feed gone 404)."""
    from termnews.app.widgets.section_list import View

    with seeded.store() as store:
        store.conn.execute(
            "UPDATE feeds SET failures = 2, last_error = 'HTTP 404 Not Found' "
            "WHERE title = 'Fixture World'"
        )
        store.conn.execute(
            "UPDATE feeds SET dead = 1, failures = 1, last_error = 'HTTP 410 Gone' "
            "WHERE title = 'Fixture Tech'"
        )
        store.conn.commit()
    async with run_app(seeded) as (app, pilot):
        screen = main_screen(app)
        by_title = {f.title: f for f in screen.feeds}
        world, tech = by_title["Fixture World"], by_title["Fixture Tech"]
        screen.show_view(View(world.section, world.id, world.title))
        await settle(pilot)
        assert str(screen.headlines.border_subtitle).startswith("⚠ HTTP 404 Not Found · ")
        screen.show_view(View(tech.section, tech.id, tech.title))
        await settle(pilot)
        subtitle = str(screen.headlines.border_subtitle)
        assert subtitle.startswith("⚠ dead (HTTP 410 Gone): no longer fetched · "), subtitle
        screen.show_view(View(world.section))  # a section: its feeds' marks say it
        await settle(pilot)
        assert "⚠" not in str(screen.headlines.border_subtitle)
