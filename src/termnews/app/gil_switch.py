"""A short GIL switch interval while the reader starts, the default after its first frame.

Why: the store thread's first-screen read (app/first_screen.py) may outlast the
factory's wait for it (a cold disk, a huge cache) and go on while the main thread
imports Textual and builds the widgets (until session 20 it always did). Every module
import gives up the GIL for its file reads; when the store thread takes it meanwhile, the
main thread waits a whole switch interval (5 ms by default) before it may ask for it
back, hundreds of times over a start. With 0.5 ms the main thread, which draws the
first frame, gets the GIL back sooner: ~20 ms sooner to the first full screen over a
100,000-article cache (issue 8). The default comes back once the first frame is
painted, so key handling beside a refresh thread switches as it always did.
"""

from __future__ import annotations

import sys

START_INTERVAL_S = 0.0005
_saved: list[float] = []


def fast_switching() -> None:
    """Switch threads every ``START_INTERVAL_S`` until :func:`restore_switching`."""
    if not _saved:
        _saved.append(sys.getswitchinterval())
        sys.setswitchinterval(START_INTERVAL_S)


def restore_switching() -> None:
    """Put back the interval :func:`fast_switching` replaced (no-op if none)."""
    if _saved:
        sys.setswitchinterval(_saved.pop())
