"""Text keeps a cell from the panes' borders, scrollbar or not.

Read off the screen the compositor makes (cells, so wide characters count
twice), not from the widgets' own lines: what touches a border is a matter of
where the widget sits and what Textual draws beside it.
"""

from __future__ import annotations

from rich.cells import cell_len
from tests.ui.conftest import Env, RunApp, goto_section, main_screen, settle, wait_for
from textual.app import App
from textual.widget import Widget


def pane_rows(app: App[object], pane: Widget) -> list[str]:
    """The cells of ``pane``'s rows inside its border, as the screen shows them."""
    strips = app.screen._compositor.render_strips()
    region = pane.region
    return [
        strips[y].crop(region.x + 1, region.right - 1).text
        for y in range(region.y + 1, region.bottom - 1)
    ]


async def test_the_age_column_keeps_off_the_border_without_a_scrollbar(
    demo: Env, run_app: RunApp
) -> None:
    async with run_app(demo, size=(120, 36)) as (app, pilot):
        headlines = main_screen(app).headlines
        ends: dict[str, set[int]] = {}
        for section, scrolls in (("All", True), ("Sport", False)):
            await goto_section(pilot, section)
            assert headlines.show_vertical_scrollbar is scrolls, section
            rows = [row for row in pane_rows(app, headlines) if row.strip()]
            assert len(rows) == min(len(headlines.rows), headlines.region.height - 2)
            for row in rows:
                # The cell before the border: blank, or the scrollbar's (a block glyph).
                assert not row[-1].isalnum(), (section, row)
            ends[section] = {cell_len(row[:-1].rstrip()) for row in rows}
        # The ages end in the same cell whether the list scrolls or not.
        assert ends["All"] == ends["Sport"] and len(ends["All"]) == 1, ends


async def test_a_cut_feed_name_keeps_its_count_off_the_border(demo: Env, run_app: RunApp) -> None:
    async with run_app(demo, size=(120, 36)) as (app, pilot):
        await goto_section(pilot, "Sport")
        sections = main_screen(app).sections_pane
        rows = [row for row in pane_rows(app, sections) if row.strip()]
        cut = [row for row in rows if "…" in row]
        assert cut, rows  # "Meridian Courier" does not fit beside its count
        for row in cut:
            assert row[-1] == " " and row.rstrip()[-1].isdigit(), row


async def test_one_feeds_list_gives_its_titles_the_source_column(
    demo: Env, run_app: RunApp
) -> None:
    """In a feed's list every row repeated the feed's name (seen by ui20: "Tottenham
    Hotspur v Manchester United: Pr…  The Guardian"); the titles take that room. A
    search there that names another section lists other feeds: their sources show."""
    from termnews.app.widgets.section_list import View

    async with run_app(demo, size=(120, 36)) as (app, pilot):
        screen = main_screen(app)
        headlines = screen.headlines
        await goto_section(pilot, "Sport")
        in_section = pane_rows(app, headlines)
        assert "Harbour Po" in in_section[0], in_section  # the newest is Harbour Post's
        feed = next(f for f in screen.feeds if f.section == "Sport" and "Harbour" in f.title)
        screen.show_view(View("Sport", feed.id, feed.title))
        await settle(pilot)
        rows = [row for row in pane_rows(app, headlines) if row.strip()]
        assert len(rows) == feed.total
        assert not any("Harbour" in row for row in rows), rows
        # The same newest story: its title, cut in the section's list, goes further.
        assert len(rows[0].split("…")[0]) > len(in_section[0].split("…")[0]) + 10, (
            in_section[0],
            rows[0],
        )
        await pilot.press("slash", *"section:World")
        await wait_for(pilot, lambda: bool(headlines.rows) and headlines.rows[0].section == "World")
        await settle(pilot)
        assert any("Northwind" in row or "Kestrel" in row for row in pane_rows(app, headlines))
