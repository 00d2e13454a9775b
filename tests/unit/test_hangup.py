"""SIGHUP (a terminal closed, an SSH link dropped, ``kill -HUP``) stops termnews cleanly.

Real processes on a real pseudo-terminal that is their controlling terminal, so
closing its master side is a real hang-up: the kernel sends SIGHUP, and from then on
every read of the terminal is end of file and every write fails with EIO.
"""

from __future__ import annotations

import fcntl
import os
import pty
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.unit.loopback_http import Loopback, running, send, static
from tests.unit.test_refresh_progress import rss, subscribe

from termnews.core.hangup import signal_exit_code, silence_dead_terminal, terminal_is_dead


class Terminal:
    """A pseudo-terminal whose output is read in a thread until it hangs up."""

    def __init__(self, rows: int = 24, columns: int = 100) -> None:
        self.master, self.slave = pty.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.data = bytearray()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.data += chunk

    def spawn(self, argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        """Run ``argv`` as the leader of a session whose controlling terminal this is."""
        proc = subprocess.Popen(
            argv,
            stdin=self.slave,
            stdout=self.slave,
            stderr=self.slave,
            env=env,
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
        )
        os.close(self.slave)
        return proc

    def wait_for(self, text: bytes, after: int = 0, timeout: float = 30.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.data[after:]:
                return True
            time.sleep(0.05)
        return False

    def hang_up(self) -> None:
        """Close the terminal, as a closed window does: the kernel sends SIGHUP."""
        os.close(self.master)


def env_for(data: Path) -> dict[str, str]:
    return {**os.environ, "TERMNEWS_DATA_DIR": str(data), "TERM": "xterm-256color"}


@contextmanager
def fast_and_slow(data: Path) -> Iterator[tuple[Loopback, dict[str, int]]]:
    """A fast feed and one whose server waits until the test is over."""
    release = threading.Event()

    def slow(h: object) -> None:
        release.wait(30)
        send(h, 200, rss("slow", 2))  # type: ignore[arg-type]

    with running() as server:
        server.routes["/fast.xml"] = static(rss("fast", 4))
        server.routes["/slow.xml"] = slow
        ids = subscribe(data / "termnews.db", server, {"/fast.xml": "A", "/slow.xml": "A"})
        try:
            yield server, ids
        finally:
            release.set()


def wait_for_articles(db: Path, count: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sqlite3.connect(db) as conn:
            if conn.execute("SELECT count(*) FROM articles").fetchone()[0] >= count:
                return
        time.sleep(0.05)
    raise AssertionError(f"{count} articles never arrived")


def assert_sound_with_fast_feed_done(db: Path, fast_id: int) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 4
        # The fetch state of the feed done was written: killed, it was lost.
        stamp = conn.execute("SELECT last_success FROM feeds WHERE id = ?", (fast_id,))
        assert stamp.fetchone()[0] is not None


def test_closing_the_terminal_stops_a_refresh_cleanly(tmp_path: Path) -> None:
    """A closed terminal killed 'termnews refresh' outright (SIGHUP's default), losing the
    fetch state of the feeds done; now it stops at the next feed, as on SIGTERM, and the
    progress bar's and the summary's writes to the dead terminal do it no harm."""
    data = tmp_path / "data"
    with fast_and_slow(data) as (_server, ids):
        terminal = Terminal()
        argv = [sys.executable, "-m", "termnews", "refresh", "--force"]
        proc = terminal.spawn(argv, env_for(data))
        try:
            assert terminal.wait_for(b"Refreshing"), bytes(terminal.data[-300:])
            wait_for_articles(data / "termnews.db", 4)
            terminal.hang_up()
            code = proc.wait(30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    # 129, not -SIGHUP (killed), and not 1 (a traceback on writing to the dead terminal).
    assert code == signal_exit_code(signal.SIGHUP)
    assert_sound_with_fast_feed_done(data / "termnews.db", ids["/fast.xml"])


def test_kill_hup_with_the_terminal_open_prints_the_summary(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with fast_and_slow(data) as (_server, ids):
        terminal = Terminal()
        argv = [sys.executable, "-m", "termnews", "refresh", "--force"]
        proc = terminal.spawn(argv, env_for(data))
        try:
            wait_for_articles(data / "termnews.db", 4)
            proc.send_signal(signal.SIGHUP)
            code = proc.wait(30)
            said = terminal.wait_for(b"1 skipped (cancelled: stopped by SIGHUP)", timeout=5)
            assert said, bytes(terminal.data[-500:])
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            terminal.hang_up()
    assert code == signal_exit_code(signal.SIGHUP)
    assert_sound_with_fast_feed_done(data / "termnews.db", ids["/fast.xml"])


def test_a_refresh_stopped_by_sigterm_says_so_in_its_exit_status(tmp_path: Path) -> None:
    """SIGTERM (a shutdown, a cron job's timeout) cut a refresh short and it exited 0,
    as a whole refresh does: a script could not tell. Now 143, after the summary."""
    data = tmp_path / "data"
    with fast_and_slow(data) as (_server, _ids):
        argv = [sys.executable, "-m", "termnews", f"--data-dir={data}", "refresh"]
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            wait_for_articles(data / "termnews.db", 4)
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert proc.returncode == signal_exit_code(signal.SIGTERM), err
    assert "1 skipped (cancelled: stopped by SIGTERM)" in out


def test_a_dead_terminal_is_told_from_a_live_one_and_from_a_file(tmp_path: Path) -> None:
    master, slave = pty.openpty()
    plain = os.open(tmp_path / "f", os.O_RDWR | os.O_CREAT)
    try:
        assert not terminal_is_dead(slave) and not terminal_is_dead(plain)
        previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
        try:
            os.close(master)
            assert terminal_is_dead(slave)
            assert silence_dead_terminal((slave, plain)) == [slave]
        finally:
            signal.signal(signal.SIGHUP, previous)
        os.write(slave, b"nobody sees this")  # /dev/null now: no EIO
        assert os.read(slave, 10) == b""
    finally:
        os.close(slave)
        os.close(plain)
