"""The search bar: full-text search as you type, with the query language's errors inline.

It speaks only through two messages, so the main screen decides what a search
shows: :class:`SearchBar.Changed` carries a query that parses (checked here, in
microseconds, with :func:`~termnews.core.search.parse_query` in typing mode), and
:class:`SearchBar.Closed` says whether the search was dropped (Escape) or kept
(Enter). Typing is debounced: a query is posted once the keys pause for
``DEBOUNCE_S``, so a fast typist does not queue a search per letter behind the
store thread. A query that does not parse keeps the previous results and shows
why under the input instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static

from termnews.core.errors import QueryError
from termnews.core.search import parse_query
from termnews.core.text import clean_line

DEBOUNCE_S = 0.15
"""Pause in typing after which the query runs."""

HINT = 'words, "a phrase", -word, a OR b, section: feed: author: is:unread since:2d'


class SearchBar(Vertical):
    """A query input with a one-line status (hint, result count or error); hidden until opened."""

    class Changed(Message):
        """A query that parses: run it (an empty text means no search)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Closed(Message):
        """The bar closed: ``cleared`` when the search was dropped (Escape)."""

        def __init__(self, cleared: bool) -> None:
            super().__init__()
            self.cleared = cleared

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._timer: Timer | None = None
        self._posted = ""
        self.error: str | None = None
        """Why the text in the input does not parse, if it does not."""

    def compose(self) -> ComposeResult:
        # The input is a direct child: the screen recognises focus in the bar by it.
        yield Input(
            placeholder="Search: type words or filters (Enter keeps the results, Esc clears)",
            id="search-input",
        )
        yield Static(HINT, id="search-status")

    @property
    def text(self) -> str:
        """The current query."""
        return self.query_one(Input).value

    def open(self, text: str = "") -> None:
        """Show the bar and focus its input now (keeping a kept search's text).

        Now, not through ``Input.focus()``, which moves the focus only once the
        messages already queued are handled: the keys typed right behind the ``/``
        ('/storm' typed quickly, or ahead while the app was busy) went to the
        headline list as commands, 's' starring, 'o' opening the browser.
        """
        self.display = True
        box = self.query_one(Input)
        if text and not box.value:
            box.value = text
        self.screen.set_focus(box)

    def close(self, cleared: bool) -> None:
        """Hide the bar; ``cleared`` also drops the search (the screen's Escape)."""
        self._cancel_timer()
        if cleared:
            with self.prevent(Input.Changed):
                self.query_one(Input).value = ""
            self._posted = ""
            self._show_status(HINT)
        self.display = False
        self.post_message(self.Closed(cleared))

    def _show_status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#search-status", Static)
        status.set_class(error, "-error")
        status.update(Content(clean_line(text)))

    def show_matches(
        self, total: int, where: str | None, unread_only: bool, warnings: Sequence[str] = ()
    ) -> None:
        """Say so under the input when the search found nothing, and where it looked.

        An empty result left the hint in place over an empty list: nothing told a
        reader in one feed, or with "unread only" on, that the search looked only
        there (README: it searches the list on screen).
        """
        if self.error is not None:
            return
        if total:
            self._show_status(HINT)
            return
        scope = f" in {where}" if where else ""
        among = " among unread articles (u lists the read ones too)" if unread_only else ""
        why = f": {'; '.join(warnings)}" if warnings else ""
        self._show_status(f"No article matches{scope}{among}{why}.")

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _check(self, text: str) -> bool:
        """Parse ``text`` as typed; show the error and return False if it is wrong."""
        try:
            parse_query(text, partial=True)
        except QueryError as exc:
            self.error = str(exc)
            self._show_status(self.error, error=True)
            return False
        self.error = None
        self._show_status(HINT)
        return True

    def _post(self) -> None:
        self._timer = None
        text = self.text.strip()
        # Checked as typed: a trailing space means the last word is finished.
        if self._check(self.text) and text != self._posted:
            self._posted = text
            self.post_message(self.Changed(text))

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self._cancel_timer()
        if not event.value.strip():
            self._post()  # Emptied: drop the search at once.
            return
        self._timer = self.set_timer(DEBOUNCE_S, self._post)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._cancel_timer()
        text = self.text.strip()
        try:
            parse_query(text)  # Enter keeps a search: it must be complete.
        except QueryError as exc:
            self.error = str(exc)
            self._show_status(self.error, error=True)
            return
        if text != self._posted:
            self._posted = text
            self.post_message(self.Changed(text))
        self.display = False
        self.post_message(self.Closed(False))
