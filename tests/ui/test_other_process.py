"""The reader shows what another process writes to its cache (cron's 'termnews refresh')."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from tests.ui.conftest import Env, RunApp, main_screen, settle, wait_for

from termnews.app.screens import main as main_module


def _feed(path: Path, count: int) -> None:
    items = "".join(
        f"<item><title>Cron story {i}</title><link>https://cron.example/{i}</link>"
        f"<guid>c{i}</guid><pubDate>Mon, 23 Nov 2026 1{i}:00:00 GMT</pubDate>"
        f"<description>Text {i}.</description></item>"
        for i in range(count)
    )
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Cron Wire</title>'
        f"<link>https://cron.example/</link>{items}</channel></rss>",
        encoding="utf-8",
    )


async def test_a_refresh_by_another_process_shows_in_the_open_reader(
    seeded: Env, run_app: RunApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With 'termnews refresh' run from cron, the open reader said "N unread" for good
    and listed none of the new articles until a key reloaded the list (seen by qa17)."""
    monkeypatch.setattr(main_module, "CACHE_CHECK_S", 0.2, raising=False)
    feed = tmp_path / "cron.xml"
    _feed(feed, 2)
    termnews = [sys.executable, "-m", "termnews", f"--data-dir={seeded.data_dir}"]
    subprocess.run([*termnews, "add", str(feed), "--section", "World"], check=True, timeout=60)
    async with run_app(seeded, size=(100, 30)) as (app, pilot):
        screen = main_screen(app)
        await settle(pilot)
        unread = screen.status.unread
        _feed(feed, 5)
        subprocess.run([*termnews, "refresh"], check=True, timeout=60, capture_output=True)
        await wait_for(pilot, lambda: screen.status.unread == unread + 3, tries=1000)
        await settle(pilot)
        titles = [h.title for h in screen.headlines.rows]
        assert {"Cron story 2", "Cron story 3", "Cron story 4"} <= set(titles)
