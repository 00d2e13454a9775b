"""Regenerate the README screenshots from the bundled demo data.

    /work/venv/bin/python scripts/screenshots.py [--out screenshots] [--png-dir DIR]

Each shot runs the real app (built by ``make_app``) headless over a fresh demo
cache at a fixed terminal size and saves Textual's SVG export (the README shows
the SVGs). ``--png-dir`` also writes PNG copies there for a quick look, converted
with ``rsvg-convert`` (Debian package ``librsvg2-bin``); they are not committed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import time_machine
from textual.pilot import Pilot

from termnews.app.app import TermnewsApp
from termnews.app.factory import make_app
from termnews.core.demo_seed import seed_demo
from termnews.core.store import Store

Step = Callable[[Pilot[None]], Awaitable[None]]
SHOT_TIME = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def _seed(data_dir: Path) -> None:
    with Store.open(data_dir / "termnews.db") as store:
        seed_demo(store)


async def _settle(pilot: Pilot[None]) -> None:
    app = pilot.app
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def _shoot(
    path: Path, size: tuple[int, int], steps: Step | None = None, **kwargs: object
) -> None:
    with tempfile.TemporaryDirectory(prefix="termnews-shot-") as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        _seed(data)
        app = make_app(data_dir=data, config_file=Path(tmp) / "config.toml", demo=True, **kwargs)  # type: ignore[arg-type]
        async with app.run_test(size=size) as pilot:
            await _settle(pilot)
            if steps is not None:
                await steps(pilot)
            await _settle(pilot)
            app.save_screenshot(filename=path.name, path=str(path.parent))
        print(f"wrote {path}")


async def _open_second_story(pilot: Pilot[None]) -> None:
    # Go to the World section and open its second story, as a reader would.
    app = pilot.app
    assert isinstance(app, TermnewsApp)
    for _ in range(12):
        screen = app.main_screen
        if screen is not None and screen.view_.section == "World":
            break
        await pilot.press("right_square_bracket")
    await _settle(pilot)
    await pilot.press("j", "enter")


async def _help(pilot: Pilot[None]) -> None:
    await pilot.press("question_mark")


class _SlowFeeds(BaseHTTPRequestHandler):
    """Serves one small feed; holds every request until released (refresh shot)."""

    release = threading.Event()
    body = b""

    def do_GET(self) -> None:
        self.release.wait(20)
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


async def _refreshing(pilot: Pilot[None]) -> None:
    app = pilot.app
    assert isinstance(app, TermnewsApp)
    await pilot.press("R")
    for _ in range(50):
        await pilot.pause(0.05)
        screen = app.main_screen
        if screen is not None and screen.status.progress and screen.status.progress[0] >= 12:
            break


async def _refresh_shot(path: Path, size: tuple[int, int]) -> None:
    demo_feed = next(
        Path(__file__).resolve().parents[1].glob("src/termnews/demo/feeds/world-*.xml")
    )
    _SlowFeeds.body = demo_feed.read_bytes()
    _SlowFeeds.release.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowFeeds)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    with tempfile.TemporaryDirectory(prefix="termnews-shot-") as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        _seed(data)
        with Store.open(data / "termnews.db") as store:
            for name in ("Wire", "Dispatch", "Bulletin"):
                store.add_feed(
                    f"http://127.0.0.1:{port}/{name.lower()}.xml", f"Loopback {name}", "World"
                )
        app = make_app(data_dir=data, config_file=Path(tmp) / "config.toml", demo=True)
        async with app.run_test(size=size) as pilot:
            await _settle(pilot)
            await _refreshing(pilot)
            await pilot.pause(0.2)
            app.save_screenshot(filename=path.name, path=str(path.parent))
            _SlowFeeds.release.set()
            await app.workers.wait_for_complete()
    server.shutdown()
    print(f"wrote {path}")


async def main(out: Path, png_dir: Path | None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    await _shoot(out / "main-120x36.svg", (120, 36), _open_second_story)
    await _shoot(out / "help-120x36.svg", (120, 36), _help)
    await _shoot(out / "narrow-80x24.svg", (80, 24), _open_second_story)
    await _shoot(out / "wide-200x60.svg", (200, 60), _open_second_story)
    await _refresh_shot(out / "refresh-120x36.svg", (120, 36))
    if png_dir is not None:
        if shutil.which("rsvg-convert") is None:
            print("rsvg-convert not found (apt-get install librsvg2-bin)", file=sys.stderr)
            return
        png_dir.mkdir(parents=True, exist_ok=True)
        for svg in sorted(out.glob("*.svg")):
            png = png_dir / svg.with_suffix(".png").name
            subprocess.run(["rsvg-convert", str(svg), "-o", str(png)], check=True)
            print(f"wrote {png}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parents[1] / "screenshots"
    )
    parser.add_argument(
        "--png-dir", type=Path, help="also write PNG copies here (needs rsvg-convert)"
    )
    args = parser.parse_args()
    # A fixed moment and zone (the clock still ticks from there), so regenerating
    # gives the same dates and ages unless the UI itself changed.
    os.environ["TZ"] = "UTC"
    time.tzset()
    # The screenshots show the reader as a truecolor terminal draws it: under TERM=xterm
    # alone (16 colours to Rich) it would open in the ANSI theme for 16 colours.
    os.environ["COLORTERM"] = "truecolor"
    with time_machine.travel(SHOT_TIME, tick=True):
        asyncio.run(main(args.out, args.png_dir))
