"""Screenshots of the reader compared with accepted SVGs (pytest-textual-snapshot).

Fixed terminal sizes, a frozen clock (ages like "3h" depend on now) and UTC, so
the same cache renders the same screen on any machine. Update after a deliberate
change with ``pytest tests/snapshots --snapshot-update`` and look at the report.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from textual.pilot import Pilot

from termnews.app.factory import make_app
from termnews.core.demo_seed import seed_demo
from termnews.core.models import EntryData, ParsedFeed
from termnews.core.store import Store

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
NO_CONFIG = Path("/nonexistent/termnews/config.toml")
"""A config path that is the same on every machine (help text shows it)."""


@pytest.fixture(autouse=True)
def _frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    with time_machine.travel(NOW, tick=False):
        yield
    monkeypatch.delenv("TZ")
    time.tzset()


async def _settle(pilot: Pilot[Any]) -> None:
    app = pilot.app
    for _ in range(50):
        await pilot.wait_for_scheduled_animations()
        if not any(w.is_running for w in app.workers):
            await pilot.wait_for_scheduled_animations()
            if not any(w.is_running for w in app.workers):
                return
        await app.workers.wait_for_complete()


def _demo_app(tmp_path: Path) -> Any:
    data = tmp_path / "data"
    data.mkdir()
    with Store.open(data / "termnews.db") as store:
        seed_demo(store)
    return make_app(data_dir=data, config_file=NO_CONFIG, demo=True, url_opener=lambda url: None)


def test_main_screen_120x36(snap_compare: Any, tmp_path: Path) -> None:
    async def open_world_story(pilot: Pilot[Any]) -> None:
        await _settle(pilot)
        for _ in range(12):
            if pilot.app.screen.view_.section == "World":  # type: ignore[attr-defined]
                break
            await pilot.press("right_square_bracket")
        await _settle(pilot)
        await pilot.press("j", "enter")
        await _settle(pilot)

    assert snap_compare(_demo_app(tmp_path), terminal_size=(120, 36), run_before=open_world_story)


def test_narrow_80x24_stacks_the_panes(snap_compare: Any, tmp_path: Path) -> None:
    async def settle(pilot: Pilot[Any]) -> None:
        await _settle(pilot)
        await pilot.press("s")
        await _settle(pilot)

    assert snap_compare(_demo_app(tmp_path), terminal_size=(80, 24), run_before=settle)


def test_hostile_titles_render_as_text(snap_compare: Any, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    entries = (
        EntryData("1", "https://ok.example/1", "[bold red]Not bold[/] \x1b[31mnot red\x1b[0m",
                  author="[i]x[/i]", published=NOW, content="[b]text[/b] <b>raw</b>\x1b]0;t\x07"),
        EntryData("2", "javascript:alert(1)", "", published=None, content=""),
    )  # fmt: skip
    with Store.open(data / "termnews.db") as store:
        feed, _ = store.add_feed(str(tmp_path / "x.xml"), "[u]Feed[/u]", "[red]Sec[/red]")
        store.ingest(feed.id, ParsedFeed(title="x", entries=entries))
    app = make_app(data_dir=data, config_file=NO_CONFIG, url_opener=lambda url: None)

    async def settle(pilot: Pilot[Any]) -> None:
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(100, 24), run_before=settle)
