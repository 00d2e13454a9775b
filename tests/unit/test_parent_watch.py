"""A stopped background refresh goes on when the reader that stopped it dies (real processes).

The scene of ``termnews.app.refresh_pause``, with the reader killed in the middle: a
stand-in reader starts the real ``termnews refresh --low-priority`` child in a session
of its own, the child's group is stopped, the reader gets ``SIGKILL``. The child must
not stand still for good: it is continued, fetches its held feed and stores it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from tests.unit.loopback_http import Loopback, send
from tests.unit.processes import proc_state as state

from termnews.core.locations import DB_FILENAME
from termnews.core.store import Store

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not Path("/proc/self/stat").exists(),
    reason="needs Linux (prctl) and /proc",
)

READER = (
    "import subprocess, sys, time\n"
    "child = subprocess.Popen([sys.executable, '-m', 'termnews', 'refresh', '--low-priority',\n"
    "    '--data-dir=' + sys.argv[1]], start_new_session=True, stdin=subprocess.DEVNULL,\n"
    "    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "print(child.pid, flush=True)\n"
    "time.sleep(120)\n"
)

FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Held</title>'
    b"<link>https://loop.example/</link><item><title>Held story</title>"
    b"<link>https://loop.example/held/1</link><guid>held-1</guid>"
    b"<description>It came after all.</description></item></channel></rss>"
)


def wait_until(check: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


class Held:
    """A route that notes it was asked and answers once ``release`` is set."""

    def __init__(self) -> None:
        self.asked = threading.Event()
        self.release = threading.Event()

    def __call__(self, h: BaseHTTPRequestHandler) -> None:
        self.asked.set()
        self.release.wait(30)
        send(h, 200, FEED)


def test_the_stopped_child_goes_on_and_stores_its_feed_after_the_reader_is_killed(
    tmp_path: Path, server: Loopback
) -> None:
    held = Held()
    server.routes["/held.xml"] = held
    with Store.open(tmp_path / DB_FILENAME) as store:
        store.add_feed(server.url("/held.xml"), "Held Wire", "World")
    db_files = sorted(p.name for p in tmp_path.iterdir())
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(tmp_path)],
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    assert reader.stdout is not None
    child = int(reader.stdout.readline())
    try:
        assert held.asked.wait(30), "the refresh child never asked for its feed"
        os.killpg(child, signal.SIGSTOP)
        assert wait_until(lambda: state(child) == "T", 5)
        reader.kill()
        reader.wait(10)
        # Continued by its death signal and its watcher; the held answer then comes.
        assert wait_until(lambda: state(child) != "T", 5), "the child stands still for good"
        held.release.set()
        assert wait_until(lambda: state(child) in ("", "Z"), 30), "the refresh never ended"
    finally:
        held.release.set()
        if state(child) not in ("", "Z"):
            os.killpg(child, signal.SIGCONT)
            os.killpg(child, signal.SIGKILL)
    assert db_files  # the cache existed before the refresh
    with Store.open(tmp_path / DB_FILENAME) as store:
        titles = [a.title for a in store.articles(with_body=False)]
    assert titles == ["Held story"]


def test_arming_sets_the_death_signal_to_sigcont() -> None:
    script = (
        "import signal\n"
        "from termnews.core.parent_watch import continue_when_orphaned, death_signal_armed\n"
        "assert death_signal_armed() == 0\n"
        "assert continue_when_orphaned()\n"
        "print(death_signal_armed() == signal.SIGCONT)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=30
    )
    assert out.stdout.strip() == "True"
