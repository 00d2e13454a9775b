"""Where termnews keeps its data, config and cache: the one module that knows.

Every location comes from platformdirs, can be overridden by an environment
variable and by a CLI flag (the flag wins), and is created on first use, not at
import time, so tests and ``--demo`` can point everything at a temporary dir.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "termnews"
DATA_DIR_ENV = "TERMNEWS_DATA_DIR"
CONFIG_ENV = "TERMNEWS_CONFIG"
CACHE_DIR_ENV = "TERMNEWS_CACHE_DIR"
DB_FILENAME = "termnews.db"
STATE_FILENAME = "state.json"


@dataclass(frozen=True, slots=True)
class Locations:
    """Resolved paths for one run of termnews."""

    data_dir: Path
    config_file: Path
    cache_dir: Path
    """Files that can be rebuilt at any time (the parsed stylesheet): never the articles."""

    @property
    def db_path(self) -> Path:
        """The SQLite cache file."""
        return self.data_dir / DB_FILENAME

    @property
    def state_file(self) -> Path:
        """UI state (last section, theme, layout) kept between runs."""
        return self.data_dir / STATE_FILENAME

    def ensure_data_dir(self) -> Path:
        """Create the data directory if needed and return it."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir


def resolve_locations(
    data_dir: str | Path | None = None, config: str | Path | None = None
) -> Locations:
    """Resolve locations: explicit argument, then environment, then platform default."""
    data = data_dir or os.environ.get(DATA_DIR_ENV) or platformdirs.user_data_dir(APP_NAME)
    cfg = (
        config
        or os.environ.get(CONFIG_ENV)
        or Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"
    )
    cache = os.environ.get(CACHE_DIR_ENV) or platformdirs.user_cache_dir(APP_NAME)
    return Locations(
        data_dir=Path(data).expanduser(),
        config_file=Path(cfg).expanduser(),
        cache_dir=Path(cache).expanduser(),
    )
