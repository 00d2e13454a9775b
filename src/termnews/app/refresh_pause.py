"""The reader's refresh stands still while keys are being pressed.

Even at ``SCHED_IDLE`` (see :mod:`termnews.core.priority`) the refresh child and its
parse workers slowed key presses down during a refresh (issue 8). Measured per press
from /proc: a thread of the reader queued on one core waited there 50-100 ms while the
idle-policy refresh ran on the other (it moves only when the scheduler balances the
cores), and a move cost about twice its CPU time (6.7 -> 15 ms) with two idle-policy
busy loops beside it (the caches and memory bandwidth of a 2-core machine).

So while keys come, the child's process group (the child, its fork server and its
parse workers; it leads a session of its own) is stopped with ``SIGSTOP``, and
continued with ``SIGCONT`` once the keys pause for :data:`KEYS_PAUSE_S`. It never
stands still for more than :data:`MAX_STOP_S` in a row: it then runs for at least
:data:`MIN_RUN_S` before another key stops it, so someone who holds ``j`` down
still gets the refresh, only slower. Stopped, the child may hold the cache's write
lock; the reader's own writes (marking read) are queued and wait for it, none on
the key path. Should the reader die while the child stands still, the child
continues itself and its group (:mod:`termnews.core.parent_watch`).
:data:`MAX_STOP_S` is well below the fetch timeouts (10 s to connect, 20 s to read),
and the server is unaffected: bytes wait in the socket.

Everything here runs on the reader's event loop (keys, a timer); ``attach`` comes
from the thread that follows the child and only sets the process to act on.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable

__all__ = ["KEYS_PAUSE_S", "MAX_STOP_S", "MIN_RUN_S", "TICK_S", "RefreshPauser"]

KEYS_PAUSE_S = 0.3
"""No key for this long: the refresh goes on."""
MAX_STOP_S = 4.0
"""Longest stop in a row, however fast keys come."""
MIN_RUN_S = 0.5
"""After a stop that reached :data:`MAX_STOP_S`, the refresh runs at least this long."""
TICK_S = 0.1
"""How often the reader's timer looks whether the refresh may go on."""


class RefreshPauser:
    """Stops and continues one refresh child's process group, following the keys."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._proc: subprocess.Popen[bytes] | None = None
        self.stopped = False
        self._stopped_at = 0.0
        self._resumed_at = float("-inf")
        self._last_key = float("-inf")
        self.stops = 0
        """How many times the child was stopped (for tests and the curious)."""
        self._lock = threading.Lock()
        """``attach`` and ``detach`` come from the refresh's thread, the rest from the loop."""

    def attach(self, proc: subprocess.Popen[bytes]) -> None:
        """Act on ``proc``'s process group from now on (it leads its own session).

        A child still attached (a pass a new refresh replaces) is let run first: it
        is being stopped for good.
        """
        with self._lock:
            self._continue()
            self._proc = proc

    def detach(self, proc: subprocess.Popen[bytes] | None = None) -> None:
        """The child is done (or being stopped for good): let it run, forget it.

        With ``proc``, only if that is the child acted on: a pass replaced by a new
        refresh ends while the new child already runs.
        """
        with self._lock:
            if proc is not None and proc is not self._proc:
                return
            self._continue()
            self._proc = None

    def let_run(self) -> None:
        """Continue the refresh now (the reader is being suspended: no tick comes)."""
        with self._lock:
            self._continue()

    def key_pressed(self) -> None:
        """A key: stop the refresh, unless it is owed its run after a long stop."""
        now = self._clock()
        self._last_key = now
        if self.stopped or self._proc is None or now - self._resumed_at < MIN_RUN_S:
            return
        with self._lock:
            if not self.stopped and self._signal(signal.SIGSTOP):
                self.stopped = True
                self._stopped_at = now
                self.stops += 1

    def tick(self) -> None:
        """Continue the refresh once keys paused, or once it stood still long enough."""
        if not self.stopped:
            return
        now = self._clock()
        long_stop = now - self._stopped_at >= MAX_STOP_S
        if long_stop or now - self._last_key >= KEYS_PAUSE_S:
            with self._lock:
                self._continue()
            if long_stop:
                self._resumed_at = now

    def _continue(self) -> None:
        if self.stopped:
            self.stopped = False
            self._signal(signal.SIGCONT)  # also when it exited: then nothing to do

    def _signal(self, signum: int) -> bool:
        proc = self._proc
        if proc is None or not hasattr(os, "killpg") or proc.poll() is not None:
            return False  # exited: its pid (and group id) may belong to another by now
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signum)
            return True
        return False
