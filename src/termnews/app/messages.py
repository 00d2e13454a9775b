"""Messages that cross from worker threads to the UI.

Widget-level messages live on their widgets (``HeadlineList.Opened``...); these
are the ones a background refresh posts, so they carry plain data only.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


class RefreshProgress(Message):
    """One more feed is done: ``done`` of ``total``; ``new`` articles it brought."""

    def __init__(self, done: int, total: int, new: int, feed_ids: tuple[int, ...] = ()) -> None:
        super().__init__()
        self.done = done
        self.total = total
        self.new = new
        self.feed_ids = feed_ids
        """The feeds finished since the last message (to say which are still awaited)."""


@dataclass(frozen=True, slots=True)
class FeedFailure:
    """A feed that failed in this refresh, with its one-line reason."""

    title: str
    error: str
    feed_id: int | None = None
    """None when not known; a feed unsubscribed while the refresh ran is not reported."""


class RefreshFinished(Message):
    """A refresh ended (or could not start: ``error``)."""

    def __init__(
        self,
        feeds: int,
        new: int,
        failures: tuple[FeedFailure, ...],
        skipped: int = 0,
        error: str | None = None,
        indexing: bool = False,
    ) -> None:
        super().__init__()
        self.feeds = feeds
        self.new = new
        self.failures = failures
        self.skipped = skipped
        self.error = error
        self.indexing = indexing
        """The child goes on building the indexes: an :class:`IndexFinished` follows."""


class IndexFinished(Message):
    """The background index pass ended: related stories, Trending, searches may have grown.

    ``error``: it failed (one line); the articles are stored all the same, and the
    next pass, or a search on first use, catches the indexes up.
    """

    def __init__(self, error: str | None = None) -> None:
        super().__init__()
        self.error = error
