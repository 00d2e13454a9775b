"""Background CPU priority for the reader's refresh and its parse workers.

A refresh the reader starts is background work: it must never take a core the
reader wants. Niceness alone did not promise that (issue 8): at nice 10 and 15 the
refresh child and its parse workers still got a share of both cores, and a key
press that woke up behind one of them waited for the scheduler to give the core
back, 50-190 ms on this 2-core machine while the press itself needed 10-30 ms of
CPU.

Linux has a policy for exactly this, ``SCHED_IDLE``: such a thread runs whenever a
core is free and gives it up at once when any ordinary thread wakes (no
unprivileged setting ranks lower). It cannot starve for ever: a free core is its
own. Any process may put itself there; it needs no privilege. Elsewhere (or when
refused) niceness is the fallback, as before.

Both are per *thread* on Linux: the policy is set on every thread the process has
when asked, and threads started later inherit it, as do child processes (the
parse pool's fork server and its workers).
"""

from __future__ import annotations

import os

__all__ = ["BACKGROUND_NICE", "idle_policy", "is_idle", "lower_niceness", "lower_priority"]

BACKGROUND_NICE = 10
"""The niceness of the reader's refresh process (``termnews refresh --low-priority``).

Under ``SCHED_IDLE`` the kernel ignores niceness; it still orders the refresh's
processes where the policy is not available."""

_SCHED_IDLE: int | None = getattr(os, "SCHED_IDLE", None)


def _threads() -> list[int]:
    """This process's thread ids (Linux), or ``[0]``: the calling thread."""
    try:
        return [int(tid) for tid in os.listdir("/proc/self/task")]
    except (OSError, ValueError):
        return [0]


def idle_policy() -> bool:
    """Put every thread of this process under ``SCHED_IDLE``; False where it cannot be."""
    if _SCHED_IDLE is None or not hasattr(os, "sched_setscheduler"):
        return False
    done = False
    for tid in _threads():
        try:
            os.sched_setscheduler(tid, _SCHED_IDLE, os.sched_param(0))
            done = True
        except OSError:  # the thread ended meanwhile, or a sandbox refuses
            pass
    return done


def is_idle(pid: int = 0) -> bool:
    """Whether ``pid`` (a process or thread id; 0: the calling thread) runs at idle policy."""
    if _SCHED_IDLE is None or not hasattr(os, "sched_getscheduler"):
        return False
    try:
        return os.sched_getscheduler(pid) == _SCHED_IDLE
    except OSError:
        return False


def lower_niceness(niceness: int) -> None:
    """Run the calling thread at ``niceness`` at least (never raised back: that needs root).

    A target rather than an increment: workers forked from a process already at 10
    stay at 10 instead of going to 19.
    """
    if not hasattr(os, "nice"):  # pragma: no cover - Windows has no nice
        return
    try:
        current = os.nice(0)
        if current < niceness:
            os.nice(niceness - current)
    except OSError:  # a sandbox may refuse; the refresh still works
        pass


def lower_priority(niceness: int = BACKGROUND_NICE) -> None:
    """Run this process as background work: ``SCHED_IDLE``, and ``niceness`` at least.

    Called before the refresh starts its threads and workers, which inherit both.
    """
    idle_policy()
    lower_niceness(niceness)
