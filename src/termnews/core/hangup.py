"""What a process does when its terminal hangs up (SIGHUP): carry on without it.

Closing a terminal window, an SSH connection dropping or ``kill -HUP`` sends SIGHUP.
Python's default is to die on the spot: a ``termnews refresh`` lost the fetch state of
the feeds it had done and printed no summary, and the reader left the terminal in its
alternate screen with the mouse captured and saved nothing. Both now stop as they do
on SIGTERM.

The terminal may really be gone by then. Every read of a hung-up terminal returns end
of file at once and every write fails with EIO: Textual's input thread would spin on
the end of file, its output thread would die on the EIO and the next writes would wait
for it forever, and a summary line would end in a traceback. So the descriptors that
point at a dead terminal are pointed at ``/dev/null`` first, and the process finishes
its work and exits as if nobody were watching (nobody is). A ``kill -HUP`` with the
terminal still open leaves them be: the summary is printed, the screen restored.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import termios

STANDARD_FDS = (0, 1, 2)

STOP_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGTERM, signal.SIGHUP)
"""The signals that ask a termnews process to stop cleanly (Ctrl+C is KeyboardInterrupt)."""


def signal_exit_code(signum: int) -> int:
    """The exit status of a process that stopped because of ``signum``: 128 + its number.

    What a shell reports for a process the signal ended (143 for SIGTERM, 129 for
    SIGHUP), so a script or cron wrapper can tell a run cut short from a whole one.
    """
    return 128 + signum


def terminal_is_dead(fd: int) -> bool:
    """True when ``fd`` is a terminal that has hung up.

    After a hang-up the kernel answers every terminal ioctl on the old descriptor with
    EIO (a descriptor that never was a terminal says ENOTTY), so ``tcgetattr`` tells
    a dead terminal from a live one and from a file or pipe without reading or
    writing anything.
    """
    try:
        termios.tcgetattr(fd)
    except termios.error as exc:
        return bool(exc.args) and exc.args[0] == errno.EIO
    except (OSError, ValueError):
        return False
    return False


def silence_dead_terminal(fds: tuple[int, ...] = STANDARD_FDS) -> list[int]:
    """Point each of ``fds`` that is a hung-up terminal at ``/dev/null``; return those.

    ``dup2`` swaps the descriptor under every file object and thread using it, so
    writes already on their way (a progress bar's refresh thread, Textual's output
    thread) land in ``/dev/null`` instead of failing, and reads see a quiet end of file.
    """
    dead = [fd for fd in fds if terminal_is_dead(fd)]
    if not dead:
        return []
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for fd in dead:
            with contextlib.suppress(OSError):
                os.dup2(null, fd)
    finally:
        os.close(null)
    return dead
