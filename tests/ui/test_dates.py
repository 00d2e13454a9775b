"""The article's date reads the same in the reader and in ``termnews show``.

They used different formats (``Mon 23 Nov 2026, 9:05`` against ``Mon 23 Nov 2026
09:05``), and the reader's own format lost the hour's leading zero only on days
10-31. Both now use ``termnews.core.dates.long_date``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.ui.conftest import Env, RunApp, main_screen, screen_text, settle

from termnews.cli import main
from termnews.core.dates import long_date
from termnews.core.refresh import refresh

FEED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Morning Paper</title><link>https://m.example/</link>
<item><title>Early ferry sails</title><link>https://m.example/ferry</link>
<pubDate>Mon, 23 Nov 2026 09:05:00 GMT</pubDate><description>The first boat left.</description>
</item></channel></rss>
"""


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC for the test, so the expected text does not depend on the machine."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("utc")
def test_long_date_keeps_two_digit_hours_and_drops_the_days_zero() -> None:
    assert long_date(datetime(2026, 11, 23, 9, 5, tzinfo=UTC)) == "Mon 23 Nov 2026, 09:05"
    assert long_date(datetime(2026, 11, 3, 9, 5, tzinfo=UTC)) == "Tue 3 Nov 2026, 09:05"
    assert long_date(datetime(2026, 11, 3, 21, 40, tzinfo=UTC)) == "Tue 3 Nov 2026, 21:40"
    assert long_date(None) == ""


@pytest.mark.usefixtures("utc")
async def test_reader_and_show_print_the_same_date(
    env: Env, run_app: RunApp, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = tmp_path / "morning.xml"
    feed.write_text(FEED, encoding="utf-8")
    with env.store() as store:
        refresh(store, [store.add_feed(str(feed), section="World")[0]], offline=True)
        article_id = store.conn.execute("SELECT id FROM articles").fetchone()[0]
    assert main(["--data-dir", str(env.data_dir), "show", str(article_id), "--keep-unread"]) == 0
    shown = capsys.readouterr().out
    assert "Mon 23 Nov 2026, 09:05" in shown, shown
    async with run_app(env) as (app, pilot):
        await settle(pilot)
        assert main_screen(app).article is not None
        assert "Mon 23 Nov 2026, 09:05" in screen_text(app)


@pytest.mark.usefixtures("utc")
async def test_an_article_dated_past_2200_shows_when_it_was_fetched(
    env: Env, run_app: RunApp, tmp_path: Path
) -> None:
    # Dated 2300 (a broken clock), it had no date: its byline named the feed alone,
    # where one dated 2150 showed the day it was fetched (the cap on future dates).
    feed = tmp_path / "far.xml"
    feed.write_text(FEED.replace("Mon, 23 Nov 2026", "Tue, 01 Jan 2300"), encoding="utf-8")
    before = datetime.now(UTC)
    with env.store() as store:
        refresh(store, [store.add_feed(str(feed), section="World")[0]], offline=True)
        article_id = store.conn.execute("SELECT id FROM articles").fetchone()[0]
        stored = store.conn.execute("SELECT published FROM articles").fetchone()[0]
    assert stored is not None
    async with run_app(env) as (app, pilot):
        await settle(pilot)
        article = main_screen(app).article
        assert article is not None and article.id == article_id
        assert article.published is not None
        assert before <= article.published <= datetime.now(UTC)
        assert long_date(article.published) in screen_text(app)
