"""A background refresh that its parent may have stopped goes on if that parent dies.

The reader stops its refresh child's whole process group (``SIGSTOP``) while keys
are pressed (``termnews.app.refresh_pause``) and continues it when they pause. If
the reader dies in between (``kill -9``, a crash, a closed terminal), nobody would
ever send the ``SIGCONT``: the child and its parse workers would stand still for
good, the child perhaps inside a write transaction, holding the cache's write lock
against the next ``termnews`` started. The kernel does not help by itself: the
child leads its own session, so its group is orphaned from the start and is never
"newly orphaned" (the case in which POSIX continues stopped groups).

Two parts close the gap, both armed by the child itself at start:

* ``prctl(PR_SET_PDEATHSIG, SIGCONT)`` (Linux): when its parent dies the kernel sends
  the child ``SIGCONT``, which reaches it even while it is stopped;
* a daemon thread that notices the parent is gone (``os.getppid()`` changed) and
  continues the child's whole process group, its fork server and parse workers
  included, which the signal to the child alone did not.

After that the refresh runs to its end as it did before pausing existed, and every
write it makes is a transaction either way. Where ``prctl`` is unavailable (not
Linux) nothing is armed, and nothing stops the group there either: pausing needs
``os.killpg`` and the reader uses it only where this guard works too.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

__all__ = ["POLL_S", "continue_when_orphaned", "death_signal_armed"]

POLL_S = 0.25
"""How often the watcher thread looks whether the parent is still there."""

_PR_SET_PDEATHSIG = 1
_PR_GET_PDEATHSIG = 2


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None


def death_signal_armed() -> int:
    """The signal this process gets when its parent dies (0: none, or not Linux)."""
    libc = _libc()
    if libc is None:
        return 0
    value = ctypes.c_int(0)
    if libc.prctl(_PR_GET_PDEATHSIG, ctypes.byref(value), 0, 0, 0) != 0:
        return 0
    return value.value


def _watch(parent: int) -> None:
    """Continue this process's group once ``parent`` is no longer its parent."""
    while True:
        time.sleep(POLL_S)
        if os.getppid() != parent:
            with contextlib.suppress(OSError):
                os.killpg(os.getpgrp(), signal.SIGCONT)
            return


def continue_when_orphaned() -> bool:
    """Arm both parts for this process (see the module docstring); False if not armed.

    Call it early in a child that a parent may stop, before it starts its workers.
    """
    libc = _libc()
    sigcont = getattr(signal, "SIGCONT", None)
    if libc is None or sigcont is None or not hasattr(os, "killpg"):
        return False
    parent = os.getppid()
    if libc.prctl(_PR_SET_PDEATHSIG, int(sigcont), 0, 0, 0) != 0:
        return False
    if os.getppid() != parent:  # the parent died before the signal was armed
        return False
    threading.Thread(target=_watch, args=(parent,), name="parent-watch", daemon=True).start()
    return True
