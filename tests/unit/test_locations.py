"""Where files go: each location from platformdirs unless an override names it."""

from __future__ import annotations

from pathlib import Path

import pytest

from termnews.core.locations import CACHE_DIR_ENV, resolve_locations


def test_cache_dir_is_the_user_cache_dir(tmp_path: Path) -> None:
    # tests/conftest.py points XDG_CACHE_HOME into tmp_path.
    assert resolve_locations().cache_dir == tmp_path / "xdg-cache" / "termnews"


def test_cache_dir_follows_its_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "elsewhere"))
    assert resolve_locations().cache_dir == tmp_path / "elsewhere"


def test_the_cache_dir_is_not_the_data_dir(tmp_path: Path) -> None:
    """Anything there may be deleted: the articles must never be."""
    locations = resolve_locations(data_dir=tmp_path / "data")
    assert locations.cache_dir != locations.data_dir
    assert locations.db_path.parent == tmp_path / "data"
