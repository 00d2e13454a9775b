"""SIGHUP (the terminal closed) and SIGTERM close the reader as ``q`` does.

A real reader on a real pseudo-terminal that is its controlling terminal (Pilot has
no process to signal): closing the master side is a real hang-up.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.unit.test_hangup import Terminal

from termnews.core.demo_seed import seed_demo
from termnews.core.hangup import signal_exit_code
from termnews.core.store import Store

RESTORE_SCREEN = b"\x1b[?1049l"
"""What Textual writes on exit to leave the alternate screen."""


def start_reader(tmp_path: Path) -> tuple[Terminal, subprocess.Popen[bytes], Path, Path]:
    data, cache = tmp_path / "data", tmp_path / "cache"
    with Store.open(data / "termnews.db") as store:
        seed_demo(store)
    env = {
        **os.environ,
        "TERMNEWS_DATA_DIR": str(data),
        "TERMNEWS_CACHE_DIR": str(cache),
        "TERM": "xterm-256color",
    }
    terminal = Terminal(rows=30, columns=120)
    proc = terminal.spawn([sys.executable, "-m", "termnews", "--offline"], env)
    assert terminal.wait_for(b"Sections"), bytes(terminal.data[-500:])
    return terminal, proc, data, cache


def open_third_headline(terminal: Terminal, data: Path) -> int:
    """Walk to the third headline and open it; returns its id, once the state says so."""
    os.write(terminal.master, b"l")  # sections -> headlines
    time.sleep(0.3)
    os.write(terminal.master, b"jj\r")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            state = json.loads((data / "state.json").read_text())
        except (OSError, ValueError):
            state = {}
        if state.get("article_id") is not None:
            return int(state["article_id"])
        time.sleep(0.05)
    raise AssertionError("no article opened")


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM])
def test_a_stop_signal_closes_the_reader_and_gives_the_terminal_back(
    tmp_path: Path, signum: int
) -> None:
    """Killed by the signal (Python's default), the reader left a terminal that was still
    open in the alternate screen, mouse captured, no cursor; and saved none of its caches."""
    terminal, proc, _data, cache = start_reader(tmp_path)
    try:
        before = len(terminal.data)
        proc.send_signal(signum)
        code = proc.wait(30)
        assert terminal.wait_for(RESTORE_SCREEN, after=before, timeout=5)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        terminal.hang_up()
    assert code == signal_exit_code(signum)
    assert (cache / "stylesheet.pickle").exists()


def test_closing_the_terminal_closes_the_reader_saving_its_state(tmp_path: Path) -> None:
    terminal, proc, data, cache = start_reader(tmp_path)
    try:
        opened = open_third_headline(terminal, data)
        terminal.hang_up()
        code = proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    # 129: closed by the signal, not killed by it (-1) nor stuck on the dead terminal.
    assert code == signal_exit_code(signal.SIGHUP)
    assert json.loads((data / "state.json").read_text())["article_id"] == opened
    assert (cache / "article-body.pickle").exists()
