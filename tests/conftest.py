"""Shared fixtures: every test gets its own data and config locations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from termnews.core.store import Store
from tests.unit.loopback_http import Loopback, running

DATA = Path(__file__).parent / "data"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test touches a real home directory."""
    monkeypatch.setenv("TERMNEWS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TERMNEWS_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TERMNEWS_CACHE_DIR", raising=False)
    # The reader draws in as many colours as the terminal has (Rich reads TERM and
    # COLORTERM), and on 16 it takes the ANSI theme: tests see a truecolor terminal,
    # whatever terminal runs them (TERM=xterm or none at all means 16 colours).
    monkeypatch.setenv("COLORTERM", "truecolor")


@pytest.fixture
def feeds_dir() -> Path:
    """Hand-written fixture feeds."""
    return DATA / "feeds"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh cache file path."""
    return tmp_path / "cache" / "termnews.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    """An open cache at ``db_path`` (a real SQLite file), closed after the test."""
    with Store.open(db_path) as s:
        yield s


@pytest.fixture
def server() -> Iterator[Loopback]:
    """A feed server on 127.0.0.1 (``loopback_http``), stopped after the test."""
    with running() as s:
        yield s
