"""Run termnews headless in a throwaway profile: the termnews half of each side-by-side run.

Mirrors ``newsboat.py``: every measured command is a whole ``termnews`` process started the
way a user starts it, with ``HOME``, the XDG directories, ``TERMNEWS_DATA_DIR`` and
``TERMNEWS_CONFIG`` pointed inside the profile, so a user's real cache is never read or touched.

The profile's config is termnews's defaults except one setting, written out in
``config.toml``:

* ``[network] per_host = 32`` (default 4, the same as the default overall ``concurrency``).
  The loopback server stands in for hundreds of different sites, all on one host
  (127.0.0.1); termnews's per-host politeness limit would otherwise throttle it to 4 fetches
  at a time, which never happens with real subscriptions spread over many hosts. newsboat has
  no per-host limit (it runs ``reload-threads`` fetches at once, 8 here), so this keeps the
  comparison about the programs, not about the test rig. ``concurrency`` stays at its
  default (32 since session 12, 16 before; per_host follows it).

Snapshots copy the cache file after a WAL checkpoint, so restoring one before each measured
run gives every run the same starting state (like ``newsboat.snapshot``/``restore``).
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import harness

DB_FILENAME = "termnews.db"
STATE_FILENAME = "state.json"
BENCH_CONFIG = """\
# Written by benchmarks/termnews_side.py. The feed server is one host standing in for
# many sites; see the module docstring for why per_host is raised.
[network]
per_host = 32
"""


def termnews_command() -> list[str]:
    """The ``termnews`` entry point installed next to this Python (else ``python -m``)."""
    script = Path(sys.executable).parent / "termnews"
    if script.exists():
        return [str(script)]
    found = shutil.which("termnews")
    return [found] if found else [sys.executable, "-m", "termnews"]


@dataclass(frozen=True)
class Profile:
    """A throwaway termnews setup: every file it reads or writes lives under ``root``."""

    root: Path

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def config(self) -> Path:
        return self.root / "config.toml"

    @property
    def db(self) -> Path:
        return self.data_dir / DB_FILENAME

    @property
    def state_file(self) -> Path:
        return self.data_dir / STATE_FILENAME

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """A minimal environment: nothing from the caller's but PATH."""
        env = {
            "PATH": str(Path(sys.executable).parent) + ":/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.root),
            "XDG_CONFIG_HOME": str(self.root / "xdg-config"),
            "XDG_DATA_HOME": str(self.root / "xdg-data"),
            "XDG_CACHE_HOME": str(self.root / "xdg-cache"),
            "TERMNEWS_DATA_DIR": str(self.data_dir),
            "TERMNEWS_CONFIG": str(self.config),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TERM": "dumb",
        }
        if extra:
            env.update(extra)
        return env

    def command(self, *args: str) -> list[str]:
        return [*termnews_command(), *args]


def make_profile(root: Path, config_text: str = BENCH_CONFIG) -> Profile:
    """Create ``root`` with an empty data dir and the benchmark config."""
    root.mkdir(parents=True, exist_ok=True)
    profile = Profile(root)
    profile.data_dir.mkdir(exist_ok=True)
    profile.config.write_text(config_text, encoding="utf-8")
    for sub in ("xdg-config", "xdg-data", "xdg-cache"):
        (root / sub).mkdir(exist_ok=True)
    return profile


def run(profile: Profile, *args: str, timeout: float = 1800, check: bool = True) -> harness.Run:
    """Run ``termnews ARGS`` as a whole process and measure it.

    ``sample_tree`` is on: a refresh parses in worker processes, so the peak of the summed RSS
    of the whole tree is what a user's machine has to hold.
    """
    return harness.run_process(
        profile.command(*args), env=profile.env(), timeout=timeout, sample_tree=True, check=check
    )


def import_opml(profile: Profile, opml: Path) -> harness.Run:
    """``termnews import FILE``: subscribe to every feed of the corpus's OPML."""
    return run(profile, "import", str(opml))


def refresh(profile: Profile, *args: str, timeout: float = 1800) -> harness.Run:
    """``termnews refresh [args]``: fetch every feed and update the cache."""
    return run(profile, "refresh", *args, timeout=timeout)


def articles_unread(profile: Profile, limit: int = 50) -> harness.Run:
    """``termnews articles --unread --limit N``: the headless start-up measurement."""
    return run(profile, "articles", "--unread", "--limit", str(limit))


def article_count(profile: Profile) -> int:
    with contextlib.closing(sqlite3.connect(f"file:{profile.db}?mode=ro", uri=True)) as db:
        (count,) = db.execute("SELECT count(*) FROM articles").fetchone()
    return int(count)


def validators_stored(profile: Profile) -> int:
    """How many feeds have an ETag or Last-Modified saved (i.e. can get a 304)."""
    with contextlib.closing(sqlite3.connect(f"file:{profile.db}?mode=ro", uri=True)) as db:
        (count,) = db.execute(
            "SELECT count(*) FROM feeds WHERE coalesce(etag, '') != '' "
            "OR coalesce(last_modified, '') != ''"
        ).fetchone()
    return int(count)


def checkpoint(db_path: Path) -> None:
    """Fold the WAL into the main file so that file alone is the whole cache."""
    # Closed here, not left to the collector: an open connection in this process
    # loses its locks when the file is copied (POSIX locks go with any close of the
    # file), and after other processes wrote the cache a later connection here read a
    # stale WAL index ("database disk image is malformed"; the file itself was sound).
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def snapshot(profile: Profile, dest: Path) -> Path:
    """Copy the cache aside (after a checkpoint) to restore before each run."""
    checkpoint(profile.db)
    shutil.copyfile(profile.db, dest)
    return dest


def restore(profile: Profile, source: Path | None) -> None:
    """Put back a snapshot (None: no cache at all).

    A cold refresh starts from the snapshot taken right after ``import`` (subscriptions, no
    articles). The UI state file is removed too, so the reader always opens on its default
    view.
    """
    for suffix in ("", "-wal", "-shm"):
        profile.db.with_name(DB_FILENAME + suffix).unlink(missing_ok=True)
    profile.state_file.unlink(missing_ok=True)
    if source is not None:
        harness.copy_settled(source, profile.db)


def version() -> str:
    return harness.tool_version([*termnews_command(), "--version"])


def feeds_in(profile: Profile) -> int:
    with contextlib.closing(sqlite3.connect(f"file:{profile.db}?mode=ro", uri=True)) as db:
        (count,) = db.execute("SELECT count(*) FROM feeds").fetchone()
    return int(count)


def refresh_summary(run_: harness.Run) -> str:
    """The one-line summary ``termnews refresh`` prints last ("200 feeds: ...")."""
    lines = [line for line in run_.stdout.splitlines() if "feeds:" in line]
    return lines[-1].strip() if lines else run_.stdout.strip()[-200:]


def subscribe(profile: Profile, corpus: Path, base_url: str) -> Path:
    """Write the corpus's OPML for ``base_url`` into the profile and import it."""
    import gen_corpus

    opml, _ = gen_corpus.write_feed_list(
        corpus, base_url, profile.root / "feeds.opml", profile.root / "urls"
    )
    import_opml(profile, opml)
    return opml


__all__: Sequence[str] = (
    "Profile",
    "article_count",
    "articles_unread",
    "make_profile",
    "refresh",
    "restore",
    "snapshot",
    "subscribe",
    "version",
)
