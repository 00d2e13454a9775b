"""The core and the headless CLI never import Textual (they must start fast)."""

from __future__ import annotations

import subprocess
import sys


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
