"""Opening articles: one layout per open, and the terminal ends up showing the full frame.

``app/layout_echoes.py`` drops the layout and repaint requests a layout makes of
itself once its frame covers them. Dropping one too many would leave stale cells on
the terminal that no screenshot shows (a screenshot renders the whole screen afresh).
So these tests feed every update the app sends to the terminal into a VT100 emulator
(pyte, as the benchmarks do) and compare it, character and colours, with the same
screen painted in full.
"""

from __future__ import annotations

from typing import Any

import pyte
import pytest
from tests.ui.conftest import Env, RunApp, main_screen, settle
from textual._compositor import CompositorUpdate
from textual.screen import Screen

from termnews.app.app import TermnewsApp

COLS, ROWS = 120, 36


class Terminal:
    """What the app has written to the terminal, emulated (the headless driver writes none)."""

    def __init__(self, app: TermnewsApp, cols: int = COLS, rows: int = ROWS) -> None:
        self.app = app
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.Stream(self.screen)
        self.updates = 0
        original = app._display

        def display(screen: Screen[Any], renderable: Any) -> None:
            if isinstance(renderable, CompositorUpdate):
                self.updates += 1
                self.stream.feed(renderable.render_segments(app.console))
            original(screen, renderable)

        app._display = display  # type: ignore[method-assign]

    def cells(self) -> list[list[tuple[str, str, str, bool]]]:
        return cells_of(self.screen)

    def full_frame(self) -> list[list[tuple[str, str, str, bool]]]:
        """The app's current screen painted whole into a blank terminal."""
        fresh = pyte.Screen(self.screen.columns, self.screen.lines)
        compositor = self.app.screen._compositor
        pyte.Stream(fresh).feed(compositor.render_full_update().render_segments(self.app.console))
        return cells_of(fresh)


def cells_of(screen: pyte.Screen) -> list[list[tuple[str, str, str, bool]]]:
    return [
        [(c.data, c.fg, c.bg, c.bold) for c in (screen.buffer[y][x] for x in range(screen.columns))]
        for y in range(screen.lines)
    ]


def differing_rows(a: list[list[Any]], b: list[list[Any]]) -> list[int]:
    return [y for y, (row_a, row_b) in enumerate(zip(a, b, strict=True)) if row_a != row_b]


async def test_opening_articles_leaves_the_terminal_as_a_full_repaint(
    demo: Env, run_app: RunApp
) -> None:
    async with run_app(demo, size=(COLS, ROWS)) as (app, pilot):
        terminal = Terminal(app)
        screen = main_screen(app)
        app.screen.refresh()  # one whole frame to start the emulated terminal from
        await settle(pilot)
        await pilot.pause()
        assert terminal.updates
        seen_heights: set[int] = set()
        for _ in range(12):  # articles of many lengths: with and without a scrollbar
            await pilot.press("j", "enter")
            await settle(pilot)
            await pilot.pause()
            assert screen.article is not None
            seen_heights.add(screen.article_view.virtual_size.height)
            assert differing_rows(terminal.cells(), terminal.full_frame()) == []
        assert len(seen_heights) > 3
        # Scrolling the article and opening the next one from there.
        await pilot.press("l", "space", "space", "h", "j", "enter")
        await settle(pilot)
        await pilot.pause()
        assert differing_rows(terminal.cells(), terminal.full_frame()) == []


def _refreshed_days_ago(env: Env) -> None:
    """Date the cache's last refresh three days back, so the top line's age stays put.

    "updated just now" becoming "updated 1m ago" (or 9m -> 10m) widens the top line's
    right part, and that is a layout of its own, rightly: the suite's demo cache is made
    once, so in a long run the minute turned during this test now and then (CI saw 2).
    """
    import sqlite3
    import time

    with sqlite3.connect(env.db_path) as conn:
        conn.execute("UPDATE feeds SET last_success = ?", (time.time() - 3 * 86400,))


async def test_an_open_lays_the_screen_out_once(demo: Env, run_app: RunApp) -> None:
    _refreshed_days_ago(demo)
    async with run_app(demo, size=(COLS, ROWS)) as (app, pilot):
        screen = main_screen(app)
        layouts: list[int] = []
        original = screen._refresh_layout

        def counting(*args: Any, **kwargs: Any) -> None:
            layouts.append(1)
            original(*args, **kwargs)

        screen._refresh_layout = counting  # type: ignore[method-assign]
        for _ in range(4):
            await pilot.press("j")
            await settle(pilot)
            await pilot.pause()
            layouts.clear()
            await pilot.press("enter")
            await settle(pilot)
            await pilot.pause()
            # The article's own layout; before, every open was laid out twice (the
            # second time for the size changes the first had just made and painted).
            assert len(layouts) == 1


async def test_a_long_article_is_wrapped_once_per_open(
    demo: Env, run_app: RunApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Settling the pane's scrollbar used to wrap a long body at two widths per open."""
    from termnews.app.widgets import article_body

    widths: list[int] = []
    real_layout = article_body.layout

    def counting(document: article_body.Document, width: int) -> list[Any]:
        widths.append(width)
        return real_layout(document, width)

    monkeypatch.setattr(article_body, "layout", counting)
    async with run_app(demo, size=(COLS, ROWS)) as (app, pilot):
        screen = main_screen(app)
        long_opens = 0
        for _ in range(8):
            await pilot.press("j")
            await settle(pilot)
            widths.clear()
            await pilot.press("enter")
            await settle(pilot)
            await pilot.pause()
            view = screen.article_view
            if view.virtual_size.height > 2 * view.size.height:
                long_opens += 1
                assert view.show_vertical_scrollbar
                assert len(set(widths)) == 1, widths
        assert long_opens >= 3
