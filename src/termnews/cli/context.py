"""What every command needs: resolved locations, the config, and the store.

The store and the config are opened lazily so that ``--help`` and ``--version``
never touch the disk, and ``--demo`` can swap in a throwaway, seeded cache.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from termnews.cli.output import notice_line
from termnews.core.config import Config, load_config
from termnews.core.errors import ConfigError
from termnews.core.locations import Locations, resolve_locations
from termnews.core.store import Store

if TYPE_CHECKING:
    import argparse

EXIT_OK = 0
EXIT_SOURCES_FAILED = 1
EXIT_INPUT = 2


class Context:
    """Per-invocation state shared by command handlers."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.demo: bool = bool(getattr(args, "demo", False))
        self.offline: bool = bool(getattr(args, "offline", False))
        self._tmp: Path | None = None
        data_dir = getattr(args, "data_dir", None)
        if self.demo:
            self._tmp = Path(tempfile.mkdtemp(prefix="termnews-demo-"))
            data_dir = self._tmp
        self.locations: Locations = resolve_locations(data_dir, getattr(args, "config", None))
        self._config: Config | None = None
        self._store: Store | None = None

    @property
    def config(self) -> Config:
        """The validated config (defaults when there is no file)."""
        if self._config is None:
            path = self.locations.config_file
            if getattr(self.args, "config", None) and not path.exists():
                # A file named on the command line that is not there is a typo, not
                # "no config yet": running on the defaults would hide it. (A missing
                # default file, or TERMNEWS_CONFIG set ahead of the file, is fine.)
                raise ConfigError(f"{path}: no such config file (given with --config)")
            self._config = load_config(path)
        return self._config

    @property
    def store(self) -> Store:
        """The cache, opened (and for ``--demo`` seeded) on first use."""
        if self._store is None:
            self._store = Store.open(self.locations.db_path)
            for notice in self._store.notices:
                notice_line(notice)
            if self.demo:
                from termnews.core.demo_seed import seed_demo

                seed_demo(self._store)
            # Mute rules edited in the config apply to every command, not only the
            # next refresh; unchanged rules cost two meta reads.
            from termnews.core.search.mute import sync_mute_rules

            sync_mute_rules(self._store, self.config)
        return self._store

    def close(self) -> None:
        """Close the store and remove a demo's throwaway cache."""
        if self._store is not None:
            self._store.close()
            self._store = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
