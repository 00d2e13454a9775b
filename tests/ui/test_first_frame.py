"""The reader's start (issue 8): the first frame is the whole screen, keys work at once.

Frames are taken where Textual hands them to the terminal (``App._display``), turned
into the terminal's bytes with the app's own console and fed to pyte, a VT100
emulator, then read with the start-up benchmark's own predicate
(``benchmarks/tui_bench.termnews_full_screen``): sections, headlines with their
scrollbar, the article with its scrollbar, the key footer.
"""

from __future__ import annotations

import asyncio
import io
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyte
import pytest
from rich.console import Console
from tests.ui.conftest import Env, main_screen, settle, wait_for
from textual._compositor import CompositorUpdate, LayoutUpdate
from textual._time import get_time
from textual.widget import Widget

from termnews.app import factory
from termnews.app.factory import make_app
from termnews.app.screens.main import MainScreen
from termnews.app.widgets.search_bar import SearchBar
from termnews.core.models import EntryData, ParsedFeed
from termnews.core.store import Store

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))
import tui_bench

COLS, ROWS = 120, 36
BODY = "\n\n".join(
    f"Paragraph {i} of a long story about the harbour, the council and the vote." for i in range(40)
)
SECTIONS = ("All", "Unread", "Starred", "World", "Tech")


@pytest.fixture
def big(env: Env) -> Env:
    """Two sections, 300 headlines (more than the pane shows) with long Markdown bodies."""
    with Store.open(env.db_path) as store:
        for section in ("World", "Tech"):
            feed, _ = store.add_feed(
                f"/tmp/{section}.xml", title=f"{section} Feed", section=section
            )
            entries = tuple(
                EntryData(
                    guid=f"{section}-{i}",
                    link=f"https://example.org/{section}/{i}",
                    title=f"{section} headline number {i}",
                    content=BODY,
                    published=datetime(2026, 11, 20, 10, tzinfo=UTC) + timedelta(minutes=i),
                )
                for i in range(150)
            )
            store.ingest(feed.id, ParsedFeed(title=f"{section} Feed", entries=entries))
    return env


def _record_frames(app: Any) -> list[str]:
    """The terminal output of every frame the app paints (headless: never written)."""
    frames: list[str] = []
    display = app._display
    # A truecolour terminal's bytes (the headless console has 16 colours, in which a
    # scrollbar's thumb and track are one colour).
    console = Console(
        color_system="truecolor", force_terminal=True, width=COLS, height=ROWS, file=io.StringIO()
    )

    def record(screen: Any, renderable: Any) -> None:
        if isinstance(renderable, CompositorUpdate) and not app._batch_count:
            frames.append(renderable.render_segments(console))
        display(screen, renderable)

    app._display = record
    return frames


def _screens(frames: list[str]) -> list[tuple[bool, bool]]:
    """For each frame: (headlines shown, the whole screen shown)."""
    screen = pyte.Screen(COLS, ROWS)
    stream = pyte.Stream(screen)
    full = tui_bench.termnews_full_screen(SECTIONS)
    out = []
    for frame in frames:
        stream.feed(frame)
        headlines = tui_bench.find_pane(screen, "article")
        shown = headlines is not None and tui_bench.highlighted_row(screen, headlines) is not None
        out.append((shown, full(screen)))
    return out


async def test_the_first_frame_with_headlines_is_the_whole_screen(big: Env) -> None:
    app = make_app(data_dir=big.data_dir, config_file=big.config_file)
    frames = _record_frames(app)
    async with app.run_test(size=(COLS, ROWS)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        # What the frames must show: both lists overflow their panes.
        assert screen.headlines.show_vertical_scrollbar
        assert screen.article_view.show_vertical_scrollbar
    seen = _screens(frames)
    first = next(i for i, (shown, _) in enumerate(seen) if shown)
    assert seen[first] == (True, True), f"frame {first} of {len(seen)} was not the whole screen"


async def test_no_full_repaint_follows_the_first_frame(big: Env) -> None:
    """After the first whole-screen frame, the start only repaints what changed.

    It was followed by two full repaints of the same screen (~50 KB to the terminal):
    the widgets' repaint requests from the first layout, the requests queued before
    it and the Resize events of the size it was laid out at (issue 8).
    """
    app = make_app(data_dir=big.data_dir, config_file=big.config_file)
    kinds: list[bool] = []
    display = app._display

    def record(screen: Any, renderable: Any) -> None:
        if isinstance(renderable, CompositorUpdate) and not app._batch_count:
            kinds.append(isinstance(renderable, LayoutUpdate))
        display(screen, renderable)

    app._display = record
    frames = _record_frames(app)
    async with app.run_test(size=(COLS, ROWS)) as pilot:
        await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
    seen = _screens(frames)
    first = next(i for i, (_, full) in enumerate(seen) if full)
    assert kinds[first], "the first whole-screen frame is a full paint"
    assert not any(kinds[first + 1 :]), f"full repaints after the first frame: {kinds}"


async def test_keys_pressed_before_the_start_finishes_still_work(
    big: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first screen's read is held back, so the keys come before the start is done:
    before the first screen's data, before the search bar is mounted (by that first "/")."""
    release = threading.Event()
    load = factory.load_first_screen

    def held(*args: Any, **kwargs: Any) -> Any:
        release.wait(10)
        return load(*args, **kwargs)

    monkeypatch.setattr(factory, "load_first_screen", held)
    app = make_app(data_dir=big.data_dir, config_file=big.config_file)
    async with app.run_test(size=(COLS, ROWS)) as pilot:
        screen = main_screen(app)
        assert not screen._started and not screen.query(SearchBar)
        await pilot.press("slash", "w", "o")
        release.set()
        await wait_for(pilot, lambda: screen._started)
        await settle(pilot)
        bar = screen.query_one(SearchBar)
        assert bar.display and bar.text == "wo"
        await pilot.press("escape")
        await settle(pilot)
        assert not bar.display
        first = screen.headlines.highlighted
        await pilot.press("j")
        await asyncio.sleep(0)
        await settle(pilot)
        assert screen.headlines.highlighted == (first or 0) + 1


def _slow_read(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """The first screen's read takes at least ``seconds`` (a slower cache)."""
    load = factory.load_first_screen

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(seconds)
        return load(*args, **kwargs)

    monkeypatch.setattr(factory, "load_first_screen", slow)


def test_the_first_screen_is_read_before_textual_is_imported(
    big: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read that takes a little while (here 30 ms) is done when the factory hands
    over the app: it was waited for, not run beside the imports (app/first_screen.py)."""
    _slow_read(monkeypatch, 0.03)
    app = make_app(data_dir=big.data_dir, config_file=big.config_file)
    try:
        assert app.first_screen is not None and app.first_screen.done()
        assert app.first_screen.result().rows
    finally:
        app.store_thread.close()


def test_a_slow_first_screen_read_is_waited_for_only_so_long(
    big: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read that outlasts FIRST_SCREEN_ALONE_S goes on beside the imports: the
    factory returns after the wait, not after the read."""
    _slow_read(monkeypatch, factory.FIRST_SCREEN_ALONE_S + 1.0)
    began = time.monotonic()
    app = make_app(data_dir=big.data_dir, config_file=big.config_file)
    took = time.monotonic() - began
    try:
        assert app.first_screen is not None and not app.first_screen.done()
        assert factory.FIRST_SCREEN_ALONE_S <= took < factory.FIRST_SCREEN_ALONE_S + 0.8
    finally:
        app.first_screen.result(timeout=10)
        app.store_thread.close()


async def test_no_layout_right_behind_the_first_frame(big: Env) -> None:
    """The first frame's own layout requests (every widget it resized asked for one)
    no longer lay the whole screen out again while the terminal draws it (issue 8)."""
    app = make_app(data_dir=big.data_dir, config_file=big.config_file)
    layouts: list[float] = []
    async with app.run_test(size=(COLS, ROWS)) as pilot:
        screen = main_screen(app)
        layout = screen._refresh_layout

        def counted(*args: Any, **kwargs: Any) -> None:
            layouts.append(get_time())
            layout(*args, **kwargs)

        screen._refresh_layout = counted  # type: ignore[method-assign]
        await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
        assert screen._first_frame_at
        first = min(t for t in layouts if t >= screen._first_frame_at)
        behind = [t for t in layouts if first < t < first + _BEHIND_S]
        assert behind == [], f"{len(behind)} layouts right behind the first frame"
        article = screen.article
        assert article is not None and article.read


_BEHIND_S = 0.1
"""How soon after the first layout another one counts as "right behind" it."""


@pytest.mark.parametrize("size", [(COLS, ROWS), (80, 24), (200, 60)])
async def test_the_first_layout_is_what_a_new_layout_gives(
    big: Env, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The layout requests dropped behind the first frame would not have changed it:
    laid out again from scratch right after that frame, as Textual would have done,
    every widget keeps its region, clip and virtual size."""
    checked: list[tuple[dict[Any, Any], dict[Any, Any]]] = []
    paint = MainScreen._compositor_refresh

    def placed(screen: MainScreen) -> dict[Any, Any]:
        return {
            widget: (geometry.region, geometry.clip, geometry.virtual_size)
            for widget, geometry in screen._compositor.full_map.items()
        }

    def checked_paint(screen: MainScreen) -> None:
        first = screen._painting_first_frame and not checked
        paint(screen)
        if first:
            before = placed(screen)
            for widget in screen.walk_children(Widget, with_self=True):
                widget._clear_arrangement_cache()
            screen._compositor.reflow(screen, screen.size)
            checked.append((before, placed(screen)))

    monkeypatch.setattr(MainScreen, "_compositor_refresh", checked_paint)
    app = make_app(data_dir=big.data_dir, config_file=big.config_file)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
    assert checked, "no first frame painted"
    before, after = checked[0]
    assert {type(w).__name__ for w in before} >= {"SectionList", "HeadlineList", "ArticleView"}
    assert after == before


async def test_the_start_does_not_describe_its_worker_with_the_first_screen(
    big: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual's @work describes a call by its arguments' repr unless given a description:
    the first screen's repr (every feed and headline) cost ~11 ms with 1,000 feeds."""
    from termnews.app.first_screen import FirstScreen

    described: list[int] = []

    def counting_repr(self: FirstScreen) -> str:
        described.append(1)
        return "FirstScreen(...)"

    monkeypatch.setattr(FirstScreen, "__repr__", counting_repr)
    app = make_app(data_dir=big.data_dir, config_file=big.config_file)
    async with app.run_test(size=(COLS, ROWS)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert screen._started and screen.headlines.rows
    assert described == []
