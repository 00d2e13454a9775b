"""The refresh child's process group stands still while keys are pressed (real processes)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.unit.processes import proc_state as state

from termnews.app.refresh_pause import KEYS_PAUSE_S, MAX_STOP_S, MIN_RUN_S, RefreshPauser

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")

# A session leader with a child of its own, as the refresh child with its parse workers.
TREE = (
    "import subprocess, sys, time\n"
    "kid = subprocess.Popen([sys.executable, '-c', 'import time\\nwhile True: time.sleep(0.01)'])\n"
    "print(kid.pid, flush=True)\n"
    "while True: time.sleep(0.01)\n"
)


def wait_state(pid: int, stopped: bool) -> bool:
    for _ in range(200):
        if (state(pid) == "T") == stopped:
            return True
        time.sleep(0.01)
    return False


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_keys_stop_the_whole_group_and_a_pause_continues_it() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", TREE], stdout=subprocess.PIPE, start_new_session=True
    )
    assert proc.stdout is not None
    kid = int(proc.stdout.readline())
    clock = Clock()
    pauser = RefreshPauser(clock)
    try:
        pauser.key_pressed()  # nothing attached yet: nothing to stop
        assert not pauser.stopped
        pauser.attach(proc)  # type: ignore[arg-type]
        pauser.key_pressed()
        assert pauser.stopped and pauser.stops == 1
        assert wait_state(proc.pid, True) and wait_state(kid, True)
        clock.now += KEYS_PAUSE_S / 2
        pauser.key_pressed()  # keys still coming: stays stopped, no second signal
        pauser.tick()
        assert pauser.stopped and pauser.stops == 1
        clock.now += KEYS_PAUSE_S + 0.01  # keys paused: it goes on
        pauser.tick()
        assert not pauser.stopped
        assert wait_state(proc.pid, False) and wait_state(kid, False)
        # Keys that never pause: stopped at most MAX_STOP_S, then runs MIN_RUN_S.
        pauser.key_pressed()
        assert pauser.stopped
        for _ in range(int(MAX_STOP_S / 0.1) + 2):
            clock.now += 0.1
            pauser.key_pressed()
            pauser.tick()
        assert not pauser.stopped and wait_state(proc.pid, False)
        clock.now += MIN_RUN_S / 2
        pauser.key_pressed()
        assert not pauser.stopped  # owed its run
        clock.now += MIN_RUN_S + 0.01
        pauser.key_pressed()
        assert pauser.stopped and wait_state(kid, True)
        pauser.detach()  # the refresh ends or the reader quits: never left stopped
        assert not pauser.stopped
        assert wait_state(proc.pid, False) and wait_state(kid, False)
        pauser.key_pressed()
        assert not pauser.stopped  # detached: keys do nothing
    finally:
        import os
        import signal

        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def test_a_child_that_exited_is_never_signalled() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"], start_new_session=True)
    proc.wait()
    pauser = RefreshPauser()
    pauser.attach(proc)  # type: ignore[arg-type]
    pauser.key_pressed()  # its pid may be another process's by now
    assert not pauser.stopped and pauser.stops == 0
