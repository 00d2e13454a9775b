"""Killing ``termnews refresh`` with SIGKILL mid-write and checking what survives.

Shared by ``test_crash_safety.py`` (a few kills in CI) and ``scripts/soak.py``
(at least 50). A *generation* of local feed files changes every item's text and
adds new items, so each refresh rewrites thousands of rows: a kill lands inside
ingest transactions, the FTS batch or the related-stories batch.
"""

from __future__ import annotations

import contextlib
import random
import signal
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.hardening.helpers import (
    cli_env,
    db_file,
    flags,
    integrity,
    item,
    rss,
    run_cli,
    termnews_cmd,
)

WORDS = ["harbour", "council", "vote", "storm", "market", "rally", "court", "bridge",
         "election", "strike", "treaty", "festival", "budget", "rail", "flood"]  # fmt: skip


def generation_items(items: int, generation: int) -> int:
    """How many items each feed has in ``generation`` (new ones arrive every time)."""
    return items + 10 * generation


def generation_feed(f: int, items: int, generation: int) -> bytes:
    """Feed ``f`` of ``generation``: every item's text differs from the last generation."""
    entries = []
    for i in range(generation_items(items, generation)):
        text = " ".join(WORDS[(i * 7 + k + f) % len(WORDS)] for k in range(80))
        entries.append(
            item(
                i,
                title=f"Feed {f} story {i} take {generation}",
                body=f"<p>{text}</p><p>Revision {generation} of {f}-{i}.</p>",
                guid=f"f{f}-i{i}",
            )
        )
    return rss(entries, title=f"Soak feed {f}")


def write_generation(folder: Path, feeds: int, items: int, generation: int) -> int:
    """Write feed files whose every item changed since ``generation - 1``; returns items."""
    folder.mkdir(parents=True, exist_ok=True)
    for f in range(feeds):
        (folder / f"feed{f:02d}.xml").write_bytes(generation_feed(f, items, generation))
    return feeds * generation_items(items, generation)


@dataclass
class Baseline:
    """The user's state that no crash may lose."""

    starred: set[str]
    read: set[str]


def mark_some(data_dir: Path, seed: int, stars: int = 40, reads: int = 200) -> Baseline:
    """Star and read random articles through the CLI, as a user would."""
    conn = sqlite3.connect(db_file(data_dir))
    ids = [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY id")]
    conn.close()
    rng = random.Random(seed)
    run_cli(data_dir, "star", *map(str, rng.sample(ids, min(stars, len(ids)))), check=True)
    run_cli(data_dir, "read", *map(str, rng.sample(ids, min(reads, len(ids)))), check=True)
    starred, read = flags(db_file(data_dir))
    return Baseline(starred, read)


@dataclass
class KillOutcome:
    """What one kill left behind."""

    delay: float
    killed: bool
    integrity: str
    starred_lost: int
    read_lost: int


def refresh_and_kill(data_dir: Path, delay: float, baseline: Baseline) -> KillOutcome:
    """Start ``termnews refresh --force``, SIGKILL it after ``delay`` s, check the cache."""
    proc = subprocess.Popen(
        termnews_cmd("refresh", "--force"),
        env=cli_env(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # its parse workers die with it
    )
    time.sleep(delay)
    killed = proc.poll() is None
    if killed:
        _kill_group(proc)
    proc.wait(timeout=60)
    db = db_file(data_dir)
    starred, read = flags(db)
    return KillOutcome(
        delay,
        killed,
        integrity(db),
        len(baseline.starred - starred),
        len(baseline.read - read),
    )


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    import os

    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def fts_integrity(db: Path) -> str:
    """FTS5's own check that the index matches the articles table ('ok' when sound)."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
        return "ok"
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()


@dataclass
class SoakResult:
    """Totals over many kills."""

    runs: int = 0
    killed: int = 0
    integrity_failures: int = 0
    starred_lost: int = 0
    read_lost: int = 0
    final_refresh_ok: int = 0
    final_refresh_runs: int = 0
    failures: list[str] = field(default_factory=list)

    def add(self, outcome: KillOutcome) -> None:
        self.runs += 1
        self.killed += outcome.killed
        if outcome.integrity != "ok":
            self.integrity_failures += 1
            self.failures.append(f"integrity after kill at {outcome.delay:.2f}s: "
                                 f"{outcome.integrity}")  # fmt: skip
        self.starred_lost += outcome.starred_lost
        self.read_lost += outcome.read_lost


def complete_refresh(data_dir: Path, timeout: float = 300, force: bool = False) -> tuple[bool, str]:
    """The next, uninterrupted refresh: (finished cleanly, its stderr)."""
    proc = run_cli(data_dir, "refresh", *(["--force"] if force else []), timeout=timeout)
    return proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr.strip()
