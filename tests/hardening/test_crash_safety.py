"""kill -9 during a large refresh loses nothing; a corrupt or foreign cache is moved aside.

The long version (at least 50 kills) is ``scripts/soak.py``; CI kills a few
times at random points of a refresh that rewrites a few thousand articles.
"""

from __future__ import annotations

import random
import sqlite3
import time
from pathlib import Path

import pytest
from tests.hardening.crash_kit import (
    SoakResult,
    complete_refresh,
    fts_integrity,
    mark_some,
    refresh_and_kill,
    write_generation,
)
from tests.hardening.helpers import db_file, flags, integrity, moved_aside, one_line, run_cli

from termnews.core.store.schema import SCHEMA_VERSION

KILLS = 3
FEEDS, ITEMS = 3, 400


def test_kill_9_during_refresh_keeps_the_cache_sound(tmp_path: Path) -> None:
    feeds, data = tmp_path / "feeds", tmp_path / "data"
    write_generation(feeds, FEEDS, ITEMS, 0)
    run_cli(data, "add", str(feeds), check=True)
    baseline = mark_some(data, seed=1)
    write_generation(feeds, FEEDS, ITEMS, 1)
    started = time.monotonic()
    ok, err = complete_refresh(data)
    duration = time.monotonic() - started
    assert ok, err
    rng = random.Random(20240601)
    result = SoakResult()
    generation = 1
    for generation in range(2, 2 + KILLS):
        total = write_generation(feeds, FEEDS, ITEMS, generation)
        outcome = refresh_and_kill(data, rng.uniform(0.1, duration), baseline)
        result.add(outcome)
        assert outcome.integrity == "ok", outcome
        assert outcome.starred_lost == 0 and outcome.read_lost == 0, outcome
    assert result.killed >= 1, "every refresh finished before its kill"
    ok, err = complete_refresh(data)
    assert ok, err
    db = db_file(data)
    assert integrity(db) == "ok" and fts_integrity(db) == "ok"
    conn = sqlite3.connect(db)
    count, current = conn.execute(
        "SELECT count(*), sum(title LIKE ?) FROM articles", (f"% take {generation}",)
    ).fetchone()
    conn.close()
    # Every item of the last generation is there, in its last version: no feed was
    # left marked as read-to-date with half of its items written.
    assert count == total and current == total, (count, current, total)
    starred, read = flags(db)
    assert baseline.starred <= starred and baseline.read <= read


def test_kill_9_during_an_http_refresh(tmp_path: Path) -> None:
    """The HTTP path has its own writer (batched fetch state at the end): same promises."""
    from tests.hardening.hostile_server import HostileServer

    from termnews.core.store import Store

    data = tmp_path / "data"
    with HostileServer() as server:
        server.big_items = ITEMS
        with Store.open(db_file(data)) as store:
            for f in range(FEEDS):
                store.add_feed(server.url(f"/big/{f}"))
        ok, err = complete_refresh(data, force=True)
        assert ok, err
        baseline = mark_some(data, seed=2)
        server.generation = 1
        started = time.monotonic()
        ok, err = complete_refresh(data, force=True)
        duration = time.monotonic() - started
        assert ok, err
        rng = random.Random(7)
        killed = 0
        for generation in range(2, 2 + KILLS):
            server.generation = generation
            outcome = refresh_and_kill(data, rng.uniform(0.1, duration), baseline)
            killed += outcome.killed
            assert outcome.integrity == "ok", outcome
            assert outcome.starred_lost == 0 and outcome.read_lost == 0, outcome
        ok, err = complete_refresh(data, force=True)
        assert ok, err
    assert killed >= 1, "every refresh finished before its kill"
    db = db_file(data)
    assert integrity(db) == "ok" and fts_integrity(db) == "ok"
    total = FEEDS * (ITEMS + 10 * generation)
    conn = sqlite3.connect(db)
    count, current = conn.execute(
        "SELECT count(*), sum(title LIKE ?) FROM articles", (f"% take {generation}",)
    ).fetchone()
    conn.close()
    assert count == total and current == total, (count, current, total)


# ------------------------------------------------------------ bad cache files


def _valid_cache(data: Path, feeds: Path) -> Path:
    write_generation(feeds, 1, 30, 0)
    run_cli(data, "add", str(feeds), check=True)
    db = db_file(data)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return db


def _foreign(path: Path) -> None:
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE passwords(site TEXT, secret TEXT)")
    conn.execute("INSERT INTO passwords VALUES ('bank', 'hunter2')")
    conn.commit()
    conn.close()


BREAKERS = {
    "garbage": lambda p: p.write_bytes(b"not a database, just text\n" * 500),
    "zeros": lambda p: p.write_bytes(b"\0" * p.stat().st_size),
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 3]),
    "header-only": lambda p: p.write_bytes(p.read_bytes()[:100]),
    "flipped-pages": lambda p: p.write_bytes(
        p.read_bytes()[:8192] + bytes(b ^ 0x5A for b in p.read_bytes()[8192:])
    ),
    "foreign-sqlite": _foreign,
}


@pytest.mark.parametrize("kind", sorted(BREAKERS))
def test_a_bad_cache_is_moved_aside_with_both_paths(tmp_path: Path, kind: str) -> None:
    data = tmp_path / "data"
    db = _valid_cache(data, tmp_path / "feeds")
    for side in ("-wal", "-shm"):
        db.with_name(db.name + side).unlink(missing_ok=True)
    BREAKERS[kind](db)
    broken = db.read_bytes()
    proc = run_cli(data, "articles")
    assert "Traceback" not in proc.stderr, proc.stderr
    # Found at start-up (the command goes on with a new cache), or, for damage
    # inside pages, when a query first reads it (the command stops with one line).
    assert proc.returncode in (0, 2), proc.stderr
    if proc.returncode == 2:
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    moved = moved_aside(data)
    assert len(moved) == 1, list(data.iterdir())
    assert moved[0].read_bytes() == broken, "the old file must be kept as it was"
    notice = [line for line in proc.stderr.splitlines() if str(moved[0]) in line]
    assert len(notice) == 1 and str(db) in notice[0] and one_line(notice[0]), proc.stderr
    # A fresh cache works from here on.
    assert run_cli(data, "feeds", check=True).returncode == 0
    assert integrity(db) == "ok"


def test_an_empty_file_is_simply_a_new_cache(tmp_path: Path) -> None:
    data = tmp_path / "data"
    db = db_file(data)
    db.parent.mkdir(parents=True)
    db.write_bytes(b"")
    proc = run_cli(data, "feeds")
    assert proc.returncode == 0 and "broken" not in proc.stderr, proc.stderr
    assert not [p for p in data.iterdir() if ".broken-" in p.name]


def test_a_cache_from_a_newer_termnews_is_refused_not_moved(tmp_path: Path) -> None:
    data = tmp_path / "data"
    db = _valid_cache(data, tmp_path / "feeds")
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    before = db.read_bytes()
    proc = run_cli(data, "articles")
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "newer" in lines[0], proc.stderr
    # Which cache (a user with several, or a --data-dir in a script), and what to do.
    assert str(db) in lines[0] and "--data-dir" in lines[0], proc.stderr
    assert db.read_bytes() == before
    assert not [p for p in data.iterdir() if ".broken-" in p.name]


def test_a_garbage_wal_file_does_not_lose_the_cache(tmp_path: Path) -> None:
    data = tmp_path / "data"
    db = _valid_cache(data, tmp_path / "feeds")
    run_cli(data, "star", "1", "2", check=True)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    db.with_name(db.name + "-wal").write_bytes(b"\x37\x7f\x06\x82" + b"\xab" * 40_000)
    db.with_name(db.name + "-shm").unlink(missing_ok=True)
    proc = run_cli(data, "articles", "--starred")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert len(proc.stdout.strip().splitlines()) == 2
    assert integrity(db) == "ok"
