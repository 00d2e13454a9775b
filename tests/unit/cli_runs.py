"""Running the CLI in-process on the test's own data dir: commands, subscriptions, the cache.

Shared by the tests that drive a whole refresh and index pass through ``termnews``'s
``main`` (the conftest points ``TERMNEWS_DATA_DIR`` and ``TERMNEWS_CONFIG`` at a tmp dir).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from termnews.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``termnews ARGV``: its exit status, standard output and standard error."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def subscribe(capsys: pytest.CaptureFixture[str], urls: list[str]) -> None:
    """Subscribe to ``urls`` through ``termnews import`` of an OPML list (named f0, f1...)."""
    opml = Path(os.environ["TERMNEWS_DATA_DIR"]).parent / "feeds.opml"
    outlines = "".join(
        f'<outline type="rss" text="f{i}" xmlUrl="{u}"/>' for i, u in enumerate(urls)
    )
    opml.write_text(f'<opml version="2.0"><body>{outlines}</body></opml>', encoding="utf-8")
    assert run(capsys, "import", str(opml))[0] == 0


def db() -> Path:
    """The cache file of the data dir in use now."""
    return Path(os.environ["TERMNEWS_DATA_DIR"]) / "termnews.db"
