"""Wide characters (CJK, emoji) in the panes: columns line up, nothing spills over an edge.

A CJK character takes two terminal cells. Text measured or cut by characters
instead of cells looks right in ASCII and wrong everywhere else, so each test
here puts wide text beside ASCII text and compares where the columns land, in
cells, on the rendered strips.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.cells import cell_len
from tests.ui.conftest import Env, RunApp, goto_section, main_screen, settle
from textual.app import App

from termnews.app.widgets.section_list import SectionList
from termnews.core.models import EntryData, ParsedFeed
from termnews.core.refresh import refresh

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def _seed_two_outlets(env: Env) -> None:
    """One section holding a feed with a CJK name and one with an ASCII name."""
    with env.store() as store:
        for n, title in enumerate(("日本語ニュース 東京版", "Plain Outlet Daily")):
            feed, _ = store.add_feed(str(env.data_dir / f"f{n}.xml"), title, "Mixed")
            entries = tuple(
                EntryData(f"{n}-{i}", f"https://example.org/{n}/{i}", f"Story {n}{i} headline",
                          published=NOW - timedelta(minutes=10 * i + n))
                for i in range(3)
            )  # fmt: skip
            store.ingest(feed.id, ParsedFeed(title=title, entries=entries))


def _cell_of(text: str, needle: str) -> int:
    """The cell (not character) where ``needle`` starts in ``text``."""
    return cell_len(text[: text.index(needle)])


async def test_source_column_lines_up_with_a_cjk_outlet_name(env: Env, run_app: RunApp) -> None:
    _seed_two_outlets(env)
    async with run_app(env, size=(120, 36)) as (app, pilot):
        await goto_section(pilot, "Mixed")
        await settle(pilot)
        headlines = main_screen(app).headlines
        width = headlines.scrollable_content_region.width
        rows = [headlines.render_line(y).text for y in range(6)]
        sources: set[int] = set()
        for row in rows:
            assert cell_len(row) == width, row  # no row longer or shorter than the list
            needle = "日本語" if "日本語" in row else "Plain"
            sources.add(_cell_of(row, needle))
            assert _cell_of(row, "Story") == 2
        # Every row's source starts in the same cell: the CJK name is cut to the
        # column's width in cells, not in characters (it was twice as wide).
        assert len(sources) == 1, rows


AMBIGUOUS = ("\ufe0f", "\u00ad", "\u2060", "\u200d", *map(chr, range(0x1F3FB, 0x1F400)))
"""Characters Textual and terminals measure differently (core/text.py, _EMOJI_JOINS)."""

EMOJI_TITLES = (
    "Done ✔️ and ❤️ today",
    "Family 👨\u200d👩\u200d👧\u200d👦 day out",
    "Thumbs 👍🏽 up from 👋🏿 all",
    "Coder 👩\u200d💻 ships 🇫🇷 build",
    "soft\u00adhyphen",
)


async def test_emoji_sequences_are_kept_and_reach_the_screen_in_one_agreed_width(
    env: Env, run_app: RunApp, tmp_path: Path
) -> None:
    # Skin tones, joiners and U+FE0F were stripped at ingest, so the cache, 'show'
    # and --json lost them. They are stored now; what the terminal gets is the form
    # whose width every terminal agrees on with the layout (app/drawn_text.py).
    feed = tmp_path / "e.xml"
    items = "".join(
        f"<item><title>{title}</title><link>https://example.org/e/{i}</link>"
        f"<pubDate>Tue, 24 Nov 2026 {11 - i:02d}:00:00 GMT</pubDate>"
        f"<description>Body {title}.</description></item>"
        for i, title in enumerate(EMOJI_TITLES)
    )
    feed.write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Emoji ✔️ Feed 👍🏽</title>'
        f"<link>https://example.org/</link>{items}</channel></rss>",
        encoding="utf-8",
    )
    with env.store() as store:
        refresh(store, [store.add_feed(str(feed), section="Emoji")[0]], offline=True)
        stored = [store.article(h.id) for h in store.headlines(section="Emoji")]
    assert [a.title for a in stored] == [*EMOJI_TITLES[:4], "softhyphen"]
    assert "Body Thumbs 👍🏽 up" in stored[2].body and stored[0].feed_title == "Emoji ✔️ Feed 👍🏽"
    async with run_app(env, size=(100, 30)) as (app, pilot):
        screen = main_screen(app)
        await goto_section(pilot, "Emoji")
        headlines = screen.headlines
        region = headlines.scrollable_content_region
        for row in (2, 3):
            screen.open_headline(row)
            await settle(pilot)
            lines = _screen_lines(app)
            for line in lines:
                assert not any(c in line for c in AMBIGUOUS), repr(line)
                # The terminal's width of each row is the layout's: nothing moved.
                assert terminal_cells(line) == cell_len(line) == 100, repr(line)
            rows = [lines[region.y + y] for y in range(len(EMOJI_TITLES))]
            # The source column starts in the same cell on every row.
            assert len({_cell_of(r, "Emoji ✔ Feed") for r in rows}) == 1, rows
            text = "\n".join(lines)
            assert "👨👩👧👦" in text and "👍 up from 👋 all" in text
            assert "👩💻 ships 🇫🇷 build" in text
        assert "Body Coder 👩💻 ships 🇫🇷 build." in text  # the article pane


async def test_article_pane_shows_exponents_and_formulas_raised(env: Env, run_app: RunApp) -> None:
    html = "<p>Water is H<sub>2</sub>O; the area grows as r<sup>2</sup> by 10<sup>6</sup>.</p>"
    with env.store() as store:
        feed, _ = store.add_feed(str(env.data_dir / "s.xml"), "Science Desk", "Sci")
        entry = EntryData("s0", "https://example.org/s/0", "Formulas", published=NOW,
                          content="Water is H2O", content_html=html)  # fmt: skip
        store.ingest(feed.id, ParsedFeed(title="Science Desk", entries=(entry,)))
    async with run_app(env, size=(100, 30)) as (app, pilot):
        screen = main_screen(app)
        await goto_section(pilot, "Sci")
        screen.open_headline(0)
        await settle(pilot)
        body = screen.article_view.query_one("ArticleBody")
        shown = " ".join(body.render_line(y).text for y in range(body.size.height))
        # Run into the line, "r2 by 106" read as another quantity.
        assert "H₂O" in shown and "r² by 10⁶." in shown, shown


SCRIPTS_FEED = Path(__file__).parents[1] / "data" / "unicode" / "scripts.xml"
"""Titles and bodies in flags, keycaps, skin tones, combining accents, Indic, Thai,
Hebrew and Arabic: one feed, one item per script."""


def terminal_cells(text: str) -> int:
    """How many cells a wcwidth-based terminal (glibc, so tmux, VTE, xterm) gives ``text``.

    POSIX wcwidth as glibc 2.36 has it: combining marks that do not space (Mn, Me),
    format characters and the Hangul medial and final jamo take none, East Asian
    wide and fullwidth characters two, everything else one (spacing vowel signs,
    Mc, included: Rich 14.2 gives those none).
    """
    cells = 0
    for char in text:
        code = ord(char)
        if unicodedata.category(char) in ("Mn", "Me", "Cf") or 0x1160 <= code <= 0x11FF:
            continue
        cells += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return cells


def _screen_lines(app: App[None]) -> list[str]:
    """Every row of the screen as the compositor hands it to the terminal."""
    update = app.screen._compositor.render_update(full=True)
    return ["".join(seg.text for seg in strip) for strip in update.strips]  # type: ignore[attr-defined]


@pytest.mark.parametrize("size", [(120, 36), (80, 24), (60, 20)])
async def test_every_script_fills_each_row_to_the_cell_tmux_draws(
    env: Env, run_app: RunApp, size: tuple[int, int]
) -> None:
    with env.store() as store:
        feed, _ = store.add_feed(str(SCRIPTS_FEED), section="Wörld 🌍 हिन्दी")
        refresh(store, [feed], offline=True)
    async with run_app(env, size=size) as (app, pilot):
        screen = main_screen(app)
        await goto_section(pilot, "Wörld 🌍 हिन्दी")
        shown: list[str] = []
        for row in range(9):  # each script's article in the article pane in turn
            screen.open_headline(row)
            await settle(pilot)
            for line in _screen_lines(app):
                # The layout and the terminal agree on every row's width: a row
                # wider to tmux pushed the borders and columns after it right.
                assert terminal_cells(line) == size[0], (cell_len(line), repr(line))
                shown.append(line)
        text = "\n".join(shown)
        assert "हिन्दी समाचार" in text and "ข่าวไทย" in text and "👍" in text
        assert "\U0001f3fd" not in text and "\u200d" not in text


def _is_regional(char: str) -> bool:
    return "\U0001f1e6" <= char <= "\U0001f1ff"


async def test_a_cut_name_never_ends_in_half_a_character(env: Env, run_app: RunApp) -> None:
    names = [f"{'a' * k}{'🇩🇪' * 9}" for k in range(4)]
    names += [f"{'a' * k}{' '.join(['हिन्दी'] * 5)}" for k in range(4)]
    with env.store() as store:
        for n, name in enumerate(names):
            feed, _ = store.add_feed(str(env.data_dir / f"s{n}.xml"), f"Feed {n}", name)
            entry = EntryData(f"s{n}", f"https://example.org/s/{n}", f"Story {n}", published=NOW)
            store.ingest(feed.id, ParsedFeed(title=f"Feed {n}", entries=(entry,)))
    async with run_app(env, size=(120, 40)) as (app, _pilot):
        sections = app.screen.query_one(SectionList)
        rows = [sections.render_line(y).text for y in range(sections.size.height)]
        # "▶ name… 1": the name as shown, without the expander and the count.
        shown = [row.split("…")[0][2:] for row in rows if "…" in row]
        assert len(shown) == len(names), "\n".join(rows)  # every name too long for the pane
        for text in shown:
            whole = next(name for name in names if name.startswith(text))
            # A flag is two regional indicators: an odd count left half of one.
            assert sum(map(_is_regional, text)) % 2 == 0, repr(text)
            # A letter is never shown without the marks it has (virama, ि, ी).
            assert not unicodedata.category(whole[len(text)]).startswith("M"), repr(text)


async def test_a_cut_headline_never_ends_in_half_a_character(env: Env, run_app: RunApp) -> None:
    titles = [f"{'a' * k}{'🇯🇵' * 40}" for k in range(4)]
    titles += [f"{'a' * k}{' '.join(['हिन्दी'] * 20)}" for k in range(4)]
    with env.store() as store:
        feed, _ = store.add_feed(str(env.data_dir / "cut.xml"), "Cuts", "Cuts")
        entries = tuple(
            EntryData(f"c{n}", f"https://example.org/c/{n}", title,
                      published=NOW - timedelta(minutes=n))
            for n, title in enumerate(titles)
        )  # fmt: skip
        store.ingest(feed.id, ParsedFeed(title="Cuts", entries=entries))
    async with run_app(env, size=(120, 40)) as (app, pilot):
        await goto_section(pilot, "Cuts")
        headlines = main_screen(app).headlines
        rows = [headlines.render_line(y).text for y in range(len(titles))]
        for row in rows:
            # "● title… source age": the title as shown, without the mark.
            assert "…" in row, row
            text = row.split("…")[0][2:]
            whole = next(title for title in titles if title.startswith(text))
            assert sum(map(_is_regional, text)) % 2 == 0, repr(text)
            assert not unicodedata.category(whole[len(text)]).startswith("M"), repr(text)


@pytest.mark.parametrize("size", [(80, 24), (60, 20), (40, 12)])
async def test_a_long_feed_name_leaves_the_top_line_its_unread_count(
    env: Env, run_app: RunApp, size: tuple[int, int]
) -> None:
    """The top line is one line high: "World › 投资资讯网交易在线--流通纪念币…" wider than
    its room wrapped onto a line never seen, and the count went with it. At 40 columns
    the cut name and "termnews ›" still left no room for the count: the mark goes."""
    from tests.ui.conftest import screen_text

    from termnews.app.screens.main import View

    name = "投资资讯网交易在线--流通纪念币最新20篇论坛主题-全文 and a long English tail"
    with env.store() as store:
        feed, _ = store.add_feed(str(env.data_dir / "cjk.xml"), name, "World")
        entries = tuple(
            EntryData(f"c{i}", f"https://example.org/c/{i}", f"Story {i}", published=NOW)
            for i in range(3)
        )
        store.ingest(feed.id, ParsedFeed(title=name, entries=entries))
    async with run_app(env, size=size) as (app, pilot):
        screen = main_screen(app)
        await screen._set_view(View("World", feed.id, name))
        await settle(pilot)
        line = screen_text(app).splitlines()[0]
        assert "World › 投资" in line and "…" in line, line
        assert "unread" in line and line.rstrip().endswith("● online"), line
