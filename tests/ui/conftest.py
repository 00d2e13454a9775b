"""Fixtures for Pilot tests: a real cache in tmp_path, the real app from the factory.

``seeded`` subscribes the fixture feeds (tests/data/feeds) and the bundled demo
feeds through the ordinary local-source refresh, so the UI reads exactly what a
user's cache would hold. ``run_app`` builds the app with ``make_app`` and waits
for start-up (all workers done) before handing over the pilot.
"""

from __future__ import annotations

import asyncio
import html
import re
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from termnews.app.app import TermnewsApp
from termnews.app.factory import make_app
from termnews.app.screens.main import MainScreen
from termnews.core.demo_seed import seed_demo
from termnews.core.models import EntryData
from termnews.core.refresh import refresh
from termnews.core.store import Store

FEEDS = Path(__file__).parents[1] / "data" / "feeds"

FIXTURE_SECTIONS = {"world.xml": "World", "tech.atom": "Tech", "news.json": "Science"}


@dataclass
class Env:
    """A data dir and config file for one test."""

    data_dir: Path
    config_file: Path
    opened: list[str] = field(default_factory=list)

    @property
    def db_path(self) -> Path:
        return self.data_dir / "termnews.db"

    def store(self) -> Store:
        return Store.open(self.db_path)

    def write_config(self, text: str) -> None:
        self.config_file.write_text(text, encoding="utf-8")

    def opener(self, url: str) -> str | None:
        self.opened.append(url)
        return None


def wire_entries(count: int, now: datetime, first: int = 0) -> tuple[EntryData, ...]:
    """``count`` plain stories of a "wire", one a minute back from ``now`` (``first`` newest).

    For tests that need a section longer than a page of the headline list."""
    return tuple(
        EntryData(
            guid=f"w{n}",
            link=f"https://wire.example/{n}",
            title=f"Wire story {n}",
            published=now - timedelta(minutes=n),
            summary=f"Body of story {n}.",
        )
        for n in range(first, first + count)
    )


def seed_fixture_feeds(store: Store, names: dict[str, str] = FIXTURE_SECTIONS) -> None:
    """Subscribe the hand-written fixture feeds, each in its own section."""
    feeds = [
        store.add_feed(str(FEEDS / name), section=section)[0] for name, section in names.items()
    ]
    refresh(store, feeds, offline=True)


@pytest.fixture
def env(tmp_path: Path) -> Env:
    """An empty data dir and config location."""
    data = tmp_path / "data"
    data.mkdir()
    return Env(data, tmp_path / "config.toml")


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Seed each kind of cache once per session; tests get a copy of the file.

    Seeding the demo reads and parses a dozen feeds (~0.4 s); copying the finished
    SQLite file takes a millisecond.
    """
    root = tmp_path_factory.mktemp("templates")
    paths = {"seeded": root / "seeded.db", "demo": root / "demo.db"}
    with Store.open(paths["seeded"]) as store:
        seed_fixture_feeds(store)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with Store.open(paths["demo"]) as store:
        seed_demo(store)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return paths


@pytest.fixture
def seeded(env: Env, _templates: dict[str, Path]) -> Env:
    """Fixture feeds only: World (3), Tech (2), Science (3 or so)."""
    shutil.copyfile(_templates["seeded"], env.db_path)
    return env


@pytest.fixture
def demo(env: Env, _templates: dict[str, Path]) -> Env:
    """The bundled demo feeds (about 60 articles in six sections), dated to end 'now'.

    "Now" is when the session's template was seeded: ages shown are minutes older than
    in a fresh demo, which no test depends on.
    """
    shutil.copyfile(_templates["demo"], env.db_path)
    return env


async def settle(pilot: Pilot[Any]) -> None:
    """Let queued messages and workers finish; workers start workers, so loop.

    Deliberately not ``pilot.pause()``: that waits for the whole process to go
    idle, and a refresh thread or another test process keeps it busy for up to a
    second each time.
    """
    app = pilot.app
    for _ in range(50):
        await pilot.wait_for_scheduled_animations()
        if not any(w.is_running for w in app.workers):
            await pilot.wait_for_scheduled_animations()
            if not any(w.is_running for w in app.workers):
                return
        await app.workers.wait_for_complete()
    raise AssertionError("the app did not settle")


async def wait_for(pilot: Pilot[Any], predicate: Callable[[], bool], tries: int = 200) -> None:
    """Pause until ``predicate()`` holds (for Textual's own timers, e.g. the palette's)."""
    for _ in range(tries):
        if predicate():
            return
        await pilot.wait_for_scheduled_animations()
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached")


async def palette_run(pilot: Pilot[Any], text: str) -> None:
    """Open the command palette, type ``text`` and run the best hit once it is listed."""
    from textual.command import CommandPalette
    from textual.widgets import Input, OptionList

    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
    # Typing is Textual's business; setting the text skips a pilot round trip per key.
    pilot.app.screen.query_one(Input).value = text

    def listed() -> bool:
        screen = pilot.app.screen
        if not isinstance(screen, CommandPalette):
            return False
        options = screen.query_one(OptionList)
        return options.option_count > 0 and text in str(options.get_option_at_index(0).prompt)

    await wait_for(pilot, listed)
    await pilot.press("enter")
    await settle(pilot)


async def goto_section(pilot: Pilot[Any], name: str) -> None:
    """Press ] until the named section is listed (the order holds virtual sections too)."""
    screen = main_screen(pilot.app)  # type: ignore[arg-type]
    for _ in range(len(screen.sections) + 1):
        if screen.view_.section == name and screen.view_.feed_id is None:
            await settle(pilot)
            return
        await pilot.press("right_square_bracket")
    raise AssertionError(f"no section {name!r}")


def main_screen(app: TermnewsApp) -> MainScreen:
    screen = app.main_screen
    assert screen is not None
    return screen


RunApp = Callable[..., Any]


@pytest.fixture
def run_app() -> RunApp:
    """``async with run_app(env, size=(120, 36), **make_app_kwargs) as (app, pilot)``.

    ``notifications=True`` shows toasts on screen (Pilot hides them by default).
    """

    @asynccontextmanager
    async def _run(
        env: Env, size: tuple[int, int] = (120, 36), notifications: bool = False, **kwargs: Any
    ) -> AsyncIterator[tuple[TermnewsApp, Pilot[None]]]:
        kwargs.setdefault("url_opener", env.opener)
        app = make_app(data_dir=env.data_dir, config_file=env.config_file, **kwargs)
        async with app.run_test(size=size, notifications=notifications) as pilot:
            await settle(pilot)
            yield app, pilot

    return _run


def screen_text(app: TermnewsApp) -> str:
    """What is on screen as plain text lines, rebuilt from the SVG export's cells."""
    svg = app.export_screenshot()
    found = re.findall(
        r'<text[^>]*?x="([\d.]+)" y="([\d.]+)" textLength="([\d.]+)"[^>]*>([^<]*)</text>', svg
    )
    cells: dict[float, dict[int, str]] = {}
    cell_width = 0.0
    for _x, _y, length, text in found:
        text = html.unescape(text)
        if text:
            cell_width = float(length) / len(text)
            break
    left = min((float(x) for x, *_ in found), default=0.0)
    for x, y, _length, text in found:
        row = cells.setdefault(float(y), {})
        start = round((float(x) - left) / cell_width) if cell_width else 0
        for offset, char in enumerate(html.unescape(text)):
            row[start + offset] = char
    lines = []
    for _y, row in sorted(cells.items()):
        width = max(row) + 1 if row else 0
        lines.append("".join(row.get(i, " ") for i in range(width)).replace("\xa0", " ").rstrip())
    return "\n".join(lines)
