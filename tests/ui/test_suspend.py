"""Ctrl+Z suspends the reader as any terminal program, and ``fg`` brings all of it back.

A real reader in a pseudo-terminal (Pilot has no process to stop): the key is the byte
the terminal sends for Ctrl+Z; the shell's ``fg`` is a SIGCONT.
"""

from __future__ import annotations

import fcntl
import os
import pty
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

from tests.unit.processes import proc_state

from termnews.core.demo_seed import seed_demo
from termnews.core.store import Store


class Screen:
    """Everything the reader writes to its terminal, read in a thread."""

    def __init__(self, master: int) -> None:
        self.data = bytearray()
        self._master = master
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self._master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.data += chunk

    def wait_for(self, text: bytes, after: int = 0, timeout: float = 30.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.data[after:]:
                return True
            time.sleep(0.05)
        return False


def _wait_state(pid: int, state: str, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc_state(pid) == state:
            return True
        time.sleep(0.05)
    return False


def test_ctrl_z_suspends_the_reader_and_fg_redraws_the_whole_screen(tmp_path: Path) -> None:
    """Ctrl+Z did nothing (Textual binds no key to suspending), so 'fg' typed after it
    ran f and g; with it bound, the screen came back blank after fg (seen by qa17)."""
    data = tmp_path / "data"
    with Store.open(data / "termnews.db") as store:
        seed_demo(store)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    env = {**os.environ, "TERMNEWS_DATA_DIR": str(data), "TERM": "xterm-256color"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "termnews", "--offline"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    screen = Screen(master)
    try:
        assert screen.wait_for(b"Sections"), bytes(screen.data[-500:])
        time.sleep(0.5)  # the first screen settled
        os.write(master, b"\x1a")  # Ctrl+Z
        assert _wait_state(proc.pid, "T"), "the reader did not stop on Ctrl+Z"
        resumed_at = len(screen.data)
        os.kill(proc.pid, signal.SIGCONT)  # the shell's fg
        assert _wait_state(proc.pid, "S") or proc_state(proc.pid) == "R"
        # The whole screen again, with no key pressed: the top line and the panes.
        assert screen.wait_for(b"Sections", after=resumed_at), bytes(screen.data[resumed_at:])
        assert screen.wait_for(b"termnews", after=resumed_at)
        os.write(master, b"q")
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
