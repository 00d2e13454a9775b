"""Commands that run as background work: the reader's refresh and index children.

Both ``termnews refresh`` and ``termnews index`` may run for seconds while a person
waits for something else (the reader's keys) or for them (a shell, cron): they take
``--low-priority`` the same way, and stop at the next feed or batch on SIGTERM or
SIGHUP the same way.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["as_background_work", "stop_signals_cancel"]


def as_background_work() -> None:
    """Run this process as background work for a parent that may stop it.

    ``SCHED_IDLE`` (else nice 10): interactive programs get the CPU first. Stopped
    by its parent (the reader) while keys come, it must not stand still for good if
    that parent dies meanwhile: :func:`~termnews.core.parent_watch.continue_when_orphaned`.
    """
    from termnews.core.parent_watch import continue_when_orphaned
    from termnews.core.priority import lower_priority

    lower_priority()
    continue_when_orphaned()


@contextmanager
def stop_signals_cancel(cancel: threading.Event, received: list[int]) -> Iterator[None]:
    """The first SIGTERM or SIGHUP stops the refresh at the next feed; a second one kills.

    The reader sends SIGTERM when it quits mid-refresh; a terminal that closes (or
    ``kill -HUP``) sends SIGHUP, which killed the refresh outright. Stopping cleanly
    writes the fetch state of the feeds already done (a kill would lose it; the cache
    itself stays sound either way: every write is a transaction). A terminal that has
    hung up is swapped for ``/dev/null`` at once (:mod:`termnews.core.hangup`): the
    progress bar and the summary then go nowhere instead of ending in EIO.
    ``received`` gets the signal's number, for the exit status.
    """
    from termnews.core.hangup import STOP_SIGNALS, silence_dead_terminal

    def on_signal(signum: int, _frame: object) -> None:
        if signum == signal.SIGHUP:
            silence_dead_terminal()
        received.append(signum)
        cancel.set()
        for stop in STOP_SIGNALS:
            signal.signal(stop, signal.SIG_DFL)

    try:
        previous = {stop: signal.signal(stop, on_signal) for stop in STOP_SIGNALS}
    except ValueError:  # not the main thread (tests calling main() from a thread)
        yield
        return
    try:
        yield
    finally:
        for stop, handler in previous.items():
            signal.signal(stop, handler)
