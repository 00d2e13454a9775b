"""A cache the system will not let termnews open: one line saying what is wrong and where.

SQLite reports a cache path that is a directory, a read-only directory and a
read-only file system all as "unable to open database file"; users need to know
which, and which path, without a traceback. The reader (no command) and the
headless commands share the same opening, so both are checked.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from termnews.cli import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    err = capsys.readouterr().err
    return code, err


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize("command", [["feeds"], ["articles", "--json"], []])
def test_cache_path_that_is_a_directory(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str]
) -> None:
    data = tmp_path / "d"
    (data / "termnews.db").mkdir(parents=True)
    code, err = _run(capsys, "--data-dir", str(data), *command)
    line = _one_line(err)
    assert code == 2
    assert f"cannot open cache {data / 'termnews.db'}: it is a directory, not a file" in line
    assert "--data-dir" in line


def test_wal_file_that_is_a_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = tmp_path / "d"
    (data / "termnews.db-wal").mkdir(parents=True)
    code, err = _run(capsys, "--data-dir", str(data), "feeds")
    assert code == 2
    assert f"{data / 'termnews.db-wal'} is a directory, not a file" in _one_line(err)


def test_data_dir_below_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("not a directory")
    code, err = _run(capsys, "--data-dir", str(tmp_path / "plain" / "sub"), "feeds")
    assert code == 2
    line = _one_line(err)
    assert f"cannot create data directory {tmp_path / 'plain' / 'sub'}" in line
    assert f"{tmp_path / 'plain'} is a file, not a directory" in line


def test_data_dir_that_is_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("not a directory")
    code, err = _run(capsys, "--data-dir", str(tmp_path / "plain"), "feeds")
    assert code == 2
    assert f"{tmp_path / 'plain'} is a file, not a directory" in _one_line(err)


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root may write anywhere")
def test_read_only_data_dir(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = tmp_path / "ro"
    data.mkdir()
    data.chmod(0o555)
    try:
        code, err = _run(capsys, "--data-dir", str(data), "feeds")
    finally:
        data.chmod(0o755)
    assert code == 2
    assert f"cannot create files in {data} (Permission denied)" in _one_line(err)


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs Linux sysfs")
def test_directory_no_file_can_be_made_in(capsys: pytest.CaptureFixture[str]) -> None:
    # sysfs refuses new files even to root: the same "unable to open" from SQLite.
    code, err = _run(capsys, "--data-dir", "/sys/kernel", "feeds")
    assert code == 2
    assert "cannot create files in /sys/kernel (" in _one_line(err)
    assert not Path("/sys/kernel/termnews.db").exists()
