"""The core and the headless CLI never import Textual (they must start fast)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_core_and_headless_cli_do_not_import_textual() -> None:
    code = (
        "import sys, pkgutil, importlib\n"
        "import termnews.core, termnews.cli\n"
        "for m in pkgutil.walk_packages(termnews.core.__path__, 'termnews.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "from termnews.cli import build_parser\n"
        "build_parser()\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"textual imported by the core: {out.stdout}"


def test_cli_parser_does_not_import_the_fetch_and_parse_stack() -> None:
    """`termnews articles` and the reader must not pay for feedparser, lxml and httpx."""
    code = (
        "import sys\n"
        "from termnews.cli import build_parser\n"
        "build_parser()\n"
        "heavy = ('feedparser', 'lxml', 'httpx', 'trafilatura', 'readability')\n"
        "print(','.join(sorted(m for m in heavy if m in sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"imported at start-up: {out.stdout}"


def test_reader_start_does_not_import_the_fetch_stack() -> None:
    """The TUI's first screen must not pay for feedparser and httpx (~75-200 ms):
    the refresh worker imports them when a refresh starts."""
    code = (
        "import sys\n"
        "import termnews.app.factory, termnews.app.screens.main\n"
        "heavy = ('feedparser', 'httpx', 'trafilatura', 'readability', 'termnews.core.refresh')\n"
        "print(','.join(sorted(m for m in heavy if m in sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"imported at reader start-up: {out.stdout}"


def _command_modules_after(argv: list[str]) -> list[str]:
    """The termnews.cli command modules imported by the reader's start-up path
    (parse, context, open the cache, the TUI launcher) for ``argv``."""
    code = (
        "import sys\n"
        "from termnews.cli import parse_args\n"
        "from termnews.cli.context import Context\n"
        "import termnews.cli.tui_launch\n"
        f"ctx = Context(parse_args({argv!r}))\n"
        "ctx.store\n"
        "ctx.close()\n"
        "names = [m for m in sys.modules if m.startswith('termnews.cli.')]\n"
        "print(','.join(sorted(m for m in names if m.endswith(('_commands', 'argtypes')))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return [m for m in out.stdout.strip().split(",") if m]


def test_reader_default_path_does_not_import_the_command_modules(tmp_path: Path) -> None:
    """`termnews` and its global flags open the reader without importing (and building
    the subparsers of) every command: ~25 ms of CPU before the first screen."""
    data = str(tmp_path / "data")
    config = tmp_path / "c.toml"  # --config must name a file that exists
    config.write_text("")
    for argv in ([], ["--offline", "--data-dir", data], ["--demo"], ["--config", str(config)]):
        assert _command_modules_after(argv) == [], argv
    # The check sees them when a command is given (so it can fail).
    assert "termnews.cli.feed_commands" in _command_modules_after(["feeds"])


def _modules_after_listing(data_dir: Path) -> set[str]:
    """The modules ``termnews articles --unread --limit 50`` has imported when it is done."""
    code = (
        "import contextlib, io, sys\n"
        "from termnews.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    code = main(['--data-dir', {str(data_dir)!r}, 'articles', '--unread'])\n"
        "lines = len(out.getvalue().splitlines())\n"
        "print(code, lines, ','.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    code_, lines, modules = out.stdout.split()
    assert code_ == "0" and int(lines) > 0
    return set(modules.split(","))


def test_headless_listing_needs_no_body_conversion_and_no_query_engine(tmp_path: Path) -> None:
    """`termnews articles` prints titles: it must not make each body's Markdown (lxml,
    ~2 ms an article) nor load the search engine and related stories (~40 ms), the
    headless start-up issue 8 measures at 100,000 cached articles."""
    from termnews.core.models import EntryData, ParsedFeed
    from termnews.core.store import Store

    data = tmp_path / "data"
    data.mkdir()
    with Store.open(data / "termnews.db") as store:
        feed, _ = store.add_feed("http://127.0.0.1:9/feed.xml", title="Feed")
        body = "<p>Para with <a href='/x'>a link</a>.</p>" * 20
        entries = tuple(
            EntryData(guid=f"g{i}", link=None, title=f"T{i}", content="text", content_html=body)
            for i in range(5)
        )
        store.ingest(feed.id, ParsedFeed(title="Feed", entries=entries))
    modules = _modules_after_listing(data)
    unwanted = {
        "lxml",
        "termnews.core.content",
        "termnews.core.search.execute",
        "termnews.core.search.query",
        "termnews.core.related",
        "hashlib",
    }
    assert not unwanted & modules, sorted(unwanted & modules)


def test_an_http_refresh_process_does_not_import_the_parser(tmp_path: Path) -> None:
    """Parse workers parse HTTP feeds; the refresh process itself never needs feedparser,
    lxml or the HTML converter (importing them cost ~0.1-0.2 s before the first fetch).
    The workers still parse (the feeds' articles arrive)."""
    unit = Path(__file__).resolve().parent / "unit"
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(unit)!r})\n"
        "from loopback_http import running, rss, static\n"
        "from termnews.core.parse_pool import MIN_FEEDS_FOR_PROCESSES\n"
        "from termnews.core.refresh import refresh\n"
        "from termnews.core.store import Store\n"
        "with running() as server:\n"
        f"    store = Store.open({str(tmp_path / 'cache.db')!r})\n"
        "    for i in range(MIN_FEEDS_FOR_PROCESSES):\n"
        "        server.routes[f'/f{i}'] = static(rss(f'feed {i}', prefix=f'f{i}'))\n"
        "        store.add_feed(server.url(f'/f{i}'))\n"
        "    report = refresh(store)\n"
        "heavy = ('feedparser', 'lxml', 'lxml.etree', 'termnews.core.content',\n"
        "         'termnews.core.sources.parse')\n"
        "print(report.new, ','.join(sorted(m for m in heavy if m in sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    new, _, imported = out.stdout.strip().partition(" ")
    from termnews.core.parse_pool import MIN_FEEDS_FOR_PROCESSES

    assert int(new) == 3 * MIN_FEEDS_FOR_PROCESSES  # 3 items a feed, parsed in workers
    assert imported == "", f"imported by the refresh process: {imported}"


def test_the_fork_server_preloads_the_parsers() -> None:
    """The preload list names modules that exist (the fork server skips a bad name silently)."""
    import importlib

    from termnews.core.parse_pool import _PRELOAD

    assert "termnews.core.sources.parse" in _PRELOAD
    for name in _PRELOAD:
        importlib.import_module(name)


DEFERRED_FROM_FIRST_FRAME = (
    "lxml",
    "termnews.core.content",
    "termnews.core.related",
    "termnews.core.search.execute",
    "termnews.core.search.query",
    "termnews.app.widgets.search_bar",
    "termnews.app.screens.help",
    "termnews.app.screens.confirm",
    "termnews.app.screens.save_search",
    "textual.widgets._footer",
    "termnews.app.providers",
    "email.utils",
    "webbrowser",
    "hashlib",
)
"""What the reader's first frame does without: imported when first used, after it."""

_FIRST_FRAME = """
import asyncio, sys
from termnews.app.factory import make_app

app = make_app(data_dir=sys.argv[1], config_file=sys.argv[2])
seen = []
display = app._display

def record(screen, renderable):
    main = app.main_screen
    if renderable is not None and not app._batch_count and not seen and main is not None:
        if main.is_mounted and main.headlines.rows:
            seen.append(set(sys.modules))
    display(screen, renderable)

app._display = record

async def run():
    async with app.run_test(size=(120, 36)):
        for _ in range(1000):
            if seen:
                break
            await asyncio.sleep(0.01)

asyncio.run(run())
names = sys.argv[3].split(",")
print("frame" if seen else "no frame", ",".join(n for n in names if seen and n in seen[0]))
"""


def _modules_at_first_frame(data_dir: Path, config: Path, names: tuple[str, ...]) -> str:
    out = subprocess.run(
        [sys.executable, "-c", _FIRST_FRAME, str(data_dir), str(config), ",".join(names)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return out.stdout.strip()


def test_reader_first_frame_does_without_what_it_defers(tmp_path: Path) -> None:
    """The first frame (sections, headlines, the article) needs neither the search
    engine, the related-stories engine, the HTML converter nor the search bar, help
    and dialogs: each was imported before it (~120 ms of the start-up, issue 8)."""
    from termnews.core.models import EntryData, ParsedFeed
    from termnews.core.store import Store

    data = tmp_path / "data"
    data.mkdir()
    with Store.open(data / "termnews.db") as store:
        feed, _ = store.add_feed("http://127.0.0.1:9/feed.xml", title="Feed", section="World")
        entries = tuple(
            EntryData(guid=f"g{i}", link=None, title=f"T{i}", content="Some *text*.\n\nMore.")
            for i in range(5)
        )
        store.ingest(feed.id, ParsedFeed(title="Feed", entries=entries))
    config = tmp_path / "config.toml"
    assert _modules_at_first_frame(data, config, DEFERRED_FROM_FIRST_FRAME) == "frame"
    # The Markdown parser neither, once the last run kept the body it opens on
    # (app/body_cache.py); it is imported right after the frame.
    assert _modules_at_first_frame(data, config, ("markdown_it",)) == "frame"
    # The check sees a module the first frame does import (so it can fail): the
    # parser, when no body was kept.
    (Path(os.environ["XDG_CACHE_HOME"]) / "termnews" / "article-body.pickle").unlink()
    assert _modules_at_first_frame(data, config, ("markdown_it",)) == "frame markdown_it"
