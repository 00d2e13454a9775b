"""Full garbage collections while the reader is idle, not in the middle of a key press.

Measured during an in-app refresh (issue 8): every ``j`` and ``Enter`` leaves cyclic
garbage behind (Textual strips that hold themselves in their own caches, the
Markdown parser's node trees), ~14,000 objects per 2-3 s of key presses, and it
lives long enough to reach the oldest generation. CPython then ran a full
collection every ~2.5 s, on whichever thread happened to allocate: 7-14 ms on an
idle machine, 30-80 ms on a busy one, and a key press caught behind one was among
the slowest few percent.

:class:`IdleCollector` moves those collections to the moments nobody waits for:
automatic full collections are put off to :data:`DEFERRED_FULL_AFTER` young
collections (a bound on the garbage kept meanwhile), and a timer runs one as soon
as the reader has been idle for :data:`IDLE_S` once CPython's own default number of
young collections has gone by. Young collections (1-3 ms) are left as they are.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

DEFAULT_FULL_AFTER = 10
"""CPython's third threshold: a full collection after this many middle-aged ones."""
DEFERRED_FULL_AFTER = 100
"""The same threshold while the reader runs: ten times further off, still a bound."""
IDLE_S = 0.5
"""No key for this long: a full collection now delays nobody."""
TICK_S = 0.25
"""How often the timer looks whether one is due."""


class IdleCollector:
    """Puts off full collections to idle moments; one per reader screen."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.last_input = clock()
        self._saved: tuple[int, int, int] | None = None
        self.collections = 0
        """Full collections run by :meth:`tick` (for tests and the curious)."""

    def install(self) -> None:
        """Put off automatic full collections (undone by :meth:`uninstall`)."""
        if self._saved is None:
            self._saved = gc.get_threshold()
            young, middle, _ = self._saved
            gc.set_threshold(young, middle, DEFERRED_FULL_AFTER)

    def uninstall(self) -> None:
        """Give the interpreter its thresholds back (the reader is closing)."""
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None

    def input_seen(self) -> None:
        """A key was pressed: not idle."""
        self.last_input = self._clock()

    def due(self) -> bool:
        """A full collection would have run by now under CPython's own thresholds."""
        return gc.get_count()[2] >= DEFAULT_FULL_AFTER

    def tick(self) -> bool:
        """Run the full collection if one is due and the reader is idle; True if it ran."""
        if self._saved is None or not self.due():
            return False
        if self._clock() - self.last_input < IDLE_S:
            return False
        gc.collect()
        self.collections += 1
        return True
