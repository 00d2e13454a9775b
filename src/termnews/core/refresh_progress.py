"""``termnews refresh --progress jsonl``: one JSON object a line, for a program to follow.

The reader runs its refresh as a child process, so that fetching, parsing and SQLite
writes never share the reader's interpreter lock or its CPU priority, and follows it
through the child's stdout. Each feed is a line as soon as its outcome is known (the
counts in the reader move as feeds arrive), and the last line is the summary: a
reader that sees no summary knows the child did not finish.

Both ends live here so they cannot drift apart. Standard library only: the reader
imports this without paying for the fetch and parse stack.

Lines (keys beyond these may be added; readers ignore what they do not know)::

    {"event": "feed", "done": 3, "total": 200, "feed_id": 7, "title": "...", "url": "...",
     "status": "new", "new": 12, "updated": 0, "error": null, "warnings": []}
    {"event": "done", "totals": {"feeds": 200, "new": 180, ..., "new_articles": 2400}}

JSON escapes every control character, so feed text cannot break a line or reach a
terminal through this format; titles and errors are still cleaned where shown.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TextIO

STATUS_NEW = "new"
STATUS_UPDATED = "updated"
STATUS_UNCHANGED = "unchanged"
STATUS_NOT_MODIFIED = "not_modified"
STATUS_FAILED = "failed"
STATUS_SKIPPED = "skipped"
"""A feed's status in a refresh (``termnews.core.refresh`` re-exports these)."""

FORMAT_JSONL = "jsonl"
EVENT_FEED = "feed"
EVENT_DONE = "done"

__all__ = [
    "EVENT_DONE",
    "EVENT_FEED",
    "FORMAT_JSONL",
    "STATUS_FAILED",
    "STATUS_NEW",
    "STATUS_NOT_MODIFIED",
    "STATUS_SKIPPED",
    "STATUS_UNCHANGED",
    "STATUS_UPDATED",
    "DoneEvent",
    "FeedEvent",
    "LineWriter",
    "PendingFeeds",
    "parse_line",
]


@dataclass(frozen=True, slots=True)
class FeedEvent:
    """One feed finished: ``done`` of ``total``; what it brought."""

    done: int
    total: int
    feed_id: int
    title: str
    status: str
    new: int
    error: str | None


@dataclass(frozen=True, slots=True)
class DoneEvent:
    """The refresh ended; ``totals`` as in ``termnews refresh --json``."""

    totals: dict[str, int]


class LineWriter:
    """Writes one JSON object a line and flushes it, so the reader sees it at once.

    A reader that went away (it quit, or crashed) must not stop the refresh: the
    cache is still worth updating. After the first failed write, lines are dropped.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._broken = False

    def write(self, obj: dict[str, Any]) -> None:
        """Write ``obj`` as one line (ASCII only: no encoding can split it)."""
        if self._broken:
            return
        try:
            self._stream.write(json.dumps(obj, ensure_ascii=True, separators=(",", ":")) + "\n")
            self._stream.flush()
        except (OSError, ValueError):  # a closed pipe, or a closed stream
            self._broken = True

    def feed(self, outcome: dict[str, Any], done: int, total: int) -> None:
        """A feed's outcome (the ``--json`` shape of one feed) as a ``feed`` line."""
        self.write({"event": EVENT_FEED, "done": done, "total": total, **outcome})

    def done(self, totals: dict[str, int]) -> None:
        """The closing ``done`` line."""
        self.write({"event": EVENT_DONE, "totals": totals})


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"not an integer: {value!r}")
    return value


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def parse_line(line: str | bytes) -> FeedEvent | DoneEvent | None:
    """The event on one line, or None for a line that is not one (it is ignored)."""
    try:
        obj = json.loads(line)
        if not isinstance(obj, dict):
            return None
        if obj.get("event") == EVENT_FEED:
            error = obj.get("error")
            return FeedEvent(
                done=_int(obj.get("done")),
                total=_int(obj.get("total")),
                feed_id=_int(obj.get("feed_id")),
                title=_str(obj.get("title")),
                status=_str(obj.get("status")),
                new=_int(obj.get("new", 0)),
                error=error if isinstance(error, str) else None,
            )
        if obj.get("event") == EVENT_DONE:
            totals = obj.get("totals")
            if not isinstance(totals, dict):
                return None
            return DoneEvent(
                {str(k): v for k, v in totals.items() if isinstance(v, int) and v >= 0}
            )
    except ValueError:  # bad JSON (json.JSONDecodeError is one) or a wrong type
        return None
    return None


WAITING_AFTER_S = 3.0
"""Quiet this long (no feed finished), a refresh says which feeds it is waiting on."""


class PendingFeeds:
    """The feeds a refresh has not finished yet, to name the one it waits on.

    Most feeds of a refresh finish within a second or two; one slow server (an answer
    trickled byte by byte, a host that never replies) then held the bar at "199/200"
    for up to ``total_timeout`` (60 s) with no word of which feed, or whether anything
    was happening at all. Not thread-safe: feed it from the thread that shows it.
    """

    def __init__(self, feeds: Iterable[tuple[int, str]], now: float | None = None) -> None:
        self._pending = dict(feeds)
        self.last_done = time.monotonic() if now is None else now
        """When a feed last finished (or the refresh started)."""

    def done(self, feed_id: int, now: float | None = None) -> None:
        """A feed finished (an id not in the list is ignored)."""
        self._pending.pop(feed_id, None)
        self.last_done = time.monotonic() if now is None else now

    def waiting(self, now: float | None = None, quiet_since: float = 0.0) -> str | None:
        """'waiting for TITLE' (and how many more) once nothing finished for a while.

        ``quiet_since``: a later moment to count the quiet from (the reader's last key
        press: it stops its refresh while keys come, which is no slow feed).
        """
        now = time.monotonic() if now is None else now
        if not self._pending or now - max(self.last_done, quiet_since) < WAITING_AFTER_S:
            return None
        first = next(iter(self._pending.values()))
        more = len(self._pending) - 1
        return f"waiting for {first}" + (f" and {more} more" if more else "")
