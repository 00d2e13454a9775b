"""Disk full, read-only and unwritable places: one clear line, no partial state.

A full disk is simulated three ways: RLIMIT_FSIZE on the termnews process (works
for any user; SQLite then sees EFBIG, "disk I/O error"), a tiny tmpfs (real
ENOSPC; only as root where mount works) and SQLite's max_page_count
(SQLITE_FULL, in-process). Permission cases use chmod, which does not stop root:
as root a read-only tmpfs stands in for a read-only directory, or the test is
skipped with the reason.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shlex
import shutil
import signal
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.hardening.crash_kit import fts_integrity, write_generation
from tests.hardening.helpers import cli_env, db_file, integrity, one_line, run_cli, termnews_cmd

from termnews.core.errors import StoreError
from termnews.core.refresh import STATUS_FAILED, refresh
from termnews.core.store import Store

FEEDS, ITEMS = 3, 150
IS_ROOT = os.geteuid() == 0


def _cache(tmp_path: Path, data: Path | None = None) -> tuple[Path, Path]:
    feeds = tmp_path / "feeds"
    data = data or tmp_path / "data"
    write_generation(feeds, FEEDS, ITEMS, 0)
    run_cli(data, "add", str(feeds), check=True)
    return feeds, data


def _per_feed_generations(db: Path) -> dict[int, tuple[int, set[str]]]:
    """feed id -> (article count, the generations its titles come from)."""
    conn = sqlite3.connect(db)
    result: dict[int, tuple[int, set[str]]] = {}
    for feed_id, count, takes in conn.execute(
        "SELECT feed_id, count(*), group_concat(DISTINCT substr(title, instr(title, 'take')))"
        " FROM articles GROUP BY feed_id"
    ):
        result[feed_id] = (count, set(takes.split(",")))
    conn.close()
    return result


def _assert_all_or_nothing(db: Path) -> None:
    """Each feed holds one whole generation: never half of a refresh."""
    for feed_id, (count, takes) in _per_feed_generations(db).items():
        assert takes in ({"take 0"}, {"take 1"}), (feed_id, takes)
        assert count == (ITEMS if takes == {"take 0"} else ITEMS + 10), (feed_id, count)


def _failure_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


def test_disk_full_by_file_size_limit(tmp_path: Path) -> None:
    feeds, data = _cache(tmp_path)
    db = db_file(data)
    write_generation(feeds, FEEDS, ITEMS, 1)
    limit = db.stat().st_size + 40_000

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a killing signal
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run(
        termnews_cmd("refresh"), env=cli_env(data), capture_output=True, text=True,
        timeout=120, preexec_fn=limited, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = _failure_lines(proc.stderr)
    assert lines and all(one_line(line) and "cannot write cache" in line for line in lines), lines
    assert integrity(db) == "ok"
    _assert_all_or_nothing(db)
    # Space again: the next refresh completes and nothing is missing.
    run_cli(data, "refresh", check=True)
    assert integrity(db) == "ok" and fts_integrity(db) == "ok"
    assert all(t == {"take 1"} for _c, t in _per_feed_generations(db).values())


@contextlib.contextmanager
def _tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir(parents=True, exist_ok=True)
    if not IS_ROOT:
        pytest.skip("a tmpfs needs root (chmod does not restrict root either)")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


def test_disk_full_on_a_tiny_tmpfs(tmp_path: Path) -> None:
    with _tmpfs(tmp_path / "small", "1600k") as mount:
        data = mount / "data"
        feeds = tmp_path / "feeds"
        write_generation(feeds, 8, ITEMS, 0)
        proc = run_cli(data, "add", str(feeds))
        assert "Traceback" not in proc.stderr, proc.stderr
        assert proc.returncode != 0, "1.6 MB should not hold this cache"
        lines = _failure_lines(proc.stderr)
        assert lines and all(one_line(line) for line in lines), lines
        assert any("full" in line or "I/O" in line or "write" in line for line in lines), lines
        db = db_file(data)
        if db.exists():
            assert integrity(db) == "ok"
            listing = run_cli(data, "feeds")
            assert "Traceback" not in listing.stderr, listing.stderr


def test_sqlite_full_is_reported_per_feed(tmp_path: Path) -> None:
    feeds, data = _cache(tmp_path)
    write_generation(feeds, FEEDS, ITEMS, 1)
    db = db_file(data)
    with Store.open(db) as store:
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
        try:
            report = refresh(store, force=True)
        except StoreError as exc:  # failing to record the failure is allowed to stop it
            assert one_line(str(exc)) and "full" in str(exc), str(exc)
        else:
            failed = [o for o in report.outcomes if o.status == STATUS_FAILED]
            assert failed, report
            for outcome in failed:
                assert outcome.error and one_line(outcome.error) and "full" in outcome.error
    assert integrity(db) == "ok"
    _assert_all_or_nothing(db)


def _assert_refused_cleanly(proc: subprocess.CompletedProcess[str]) -> None:
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = _failure_lines(proc.stderr)
    assert len(lines) == 1 and one_line(lines[0]), proc.stderr


def run_unprivileged(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``termnews ARGS`` as a process that file modes apply to.

    Root ignores modes; as root the command runs without CAP_DAC_OVERRIDE and
    CAP_DAC_READ_SEARCH (capsh), which is what makes chmod bite.
    """
    if not IS_ROOT:
        return run_cli(data, *args)
    if shutil.which("capsh") is None:
        pytest.skip("running as root without capsh: file modes cannot be enforced")
    command = ["capsh", "--drop=cap_dac_override,cap_dac_read_search", "--", "-c",
               shlex.join(termnews_cmd(*args))]  # fmt: skip
    return subprocess.run(
        command, env=cli_env(data), capture_output=True, text=True, timeout=60,
        stdin=subprocess.DEVNULL, check=False,
    )  # fmt: skip


def test_read_only_data_dir_by_mode(tmp_path: Path) -> None:
    _feeds, data = _cache(tmp_path)
    db = db_file(data)
    before = db.read_bytes()
    for side in ("-wal", "-shm"):
        db.with_name(db.name + side).unlink(missing_ok=True)
    data.chmod(0o500)
    db.chmod(0o400)
    try:
        _check_read_only(data, db, before, run_unprivileged)
    finally:
        data.chmod(0o700)
        db.chmod(0o600)


def test_read_only_file_system(tmp_path: Path) -> None:
    if IS_ROOT:
        with _tmpfs(tmp_path / "ro", "20m") as mount:
            _feeds, data = _cache(tmp_path, mount / "data")
            db = db_file(data)
            before = db.read_bytes()
            remount = subprocess.run(
                ["mount", "-o", "remount,ro", str(mount)], capture_output=True, text=True,
                check=False,
            )  # fmt: skip
            if remount.returncode != 0:
                pytest.skip(f"cannot remount read-only: {remount.stderr.strip()}")
            _check_read_only(data, db, before, run_cli)
    else:
        pytest.skip("mounting a read-only file system needs root")


Runner = Callable[..., subprocess.CompletedProcess[str]]


def _check_read_only(data: Path, db: Path, before: bytes, run: Runner) -> None:
    for command in (("refresh", "--force"), ("star", "1")):
        proc = run(data, *command)
        _assert_refused_cleanly(proc)
        assert str(db) in proc.stderr or str(data) in proc.stderr, proc.stderr
    reading = run(data, "articles")
    assert "Traceback" not in reading.stderr, reading.stderr
    if reading.returncode != 0:
        _assert_refused_cleanly(reading)
    assert db.read_bytes() == before
    assert not [p for p in data.iterdir() if ".broken-" in p.name]


def test_data_dir_is_a_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.write_text("I am a file")
    proc = run_cli(data, "feeds")
    _assert_refused_cleanly(proc)
    assert data.read_text() == "I am a file"


def test_cache_path_is_a_directory(tmp_path: Path) -> None:
    data = tmp_path / "data"
    db = db_file(data)
    db.mkdir(parents=True)
    (db / "keep.txt").write_text("mine")
    proc = run_cli(data, "feeds")
    _assert_refused_cleanly(proc)
    assert (db / "keep.txt").read_text() == "mine"


def test_unreadable_feed_file_fails_alone(tmp_path: Path) -> None:
    feeds, data = _cache(tmp_path)
    write_generation(feeds, FEEDS, ITEMS, 1)
    locked = feeds / "feed00.xml"
    locked.chmod(0)
    try:
        proc = run_unprivileged(data, "refresh")
    finally:
        locked.chmod(0o600)
    assert proc.returncode == 1
    lines = _failure_lines(proc.stderr)
    assert len(lines) == 1 and "permission denied" in lines[0], proc.stderr
    generations = _per_feed_generations(db_file(data))
    assert sorted(t == {"take 1"} for _c, t in generations.values()) == [False, True, True]


def test_feed_path_swapped_for_a_fifo_or_device(tmp_path: Path) -> None:
    feeds, data = _cache(tmp_path)
    fifo, device = feeds / "feed00.xml", feeds / "feed01.xml"
    fifo.unlink()
    os.mkfifo(fifo)
    device.unlink()
    device.symlink_to("/dev/zero")
    proc = run_cli(data, "refresh", "--force", timeout=60)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    lines = _failure_lines(proc.stderr)
    assert len(lines) == 2 and all("not a regular file" in line for line in lines), lines


def test_a_read_only_shm_left_behind_is_named(tmp_path: Path) -> None:
    """A cache once opened while read-only leaves ``-shm`` (and ``-wal``) files with its
    mode. Made writable again, the cache still refused every write with "attempt to
    write a readonly database", naming only the cache file the user had just fixed
    (seen by qa17). The line now names the file that is read-only."""
    _feeds, data = _cache(tmp_path)
    db = db_file(data)
    shm = db.with_name(db.name + "-shm")
    shm.write_bytes(bytes(32768))  # as a read-only open leaves it (its last close cannot remove it)
    shm.chmod(0o400)
    try:
        proc = run_unprivileged(data, "star", "1")
    finally:
        shm.chmod(0o600)
    _assert_refused_cleanly(proc)
    assert f"{shm} cannot be opened for writing" in proc.stderr, proc.stderr
