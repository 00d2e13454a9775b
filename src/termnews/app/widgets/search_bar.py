"""The search bar: for now a live filter on headline titles.

Kept in its own module, speaking only through its two messages, so that the
full-text search can replace it without touching the main screen's layout.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Label


class SearchBar(Horizontal):
    """A one-line bar with an input; hidden until opened."""

    class Changed(Message):
        """The query text changed (filter as you type)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Closed(Message):
        """The bar closed: ``cleared`` when the filter was dropped (Escape)."""

        def __init__(self, cleared: bool) -> None:
            super().__init__()
            self.cleared = cleared

    def compose(self) -> ComposeResult:
        yield Label("Filter titles:", id="search-label")
        yield Input(
            placeholder="words in the headline (Enter keeps it, Esc clears)", id="search-input"
        )

    @property
    def text(self) -> str:
        """The current query."""
        return self.query_one(Input).value

    def open(self, text: str = "") -> None:
        """Show the bar and focus its input."""
        self.display = True
        box = self.query_one(Input)
        if text and not box.value:
            box.value = text
        box.focus()

    def close(self, cleared: bool) -> None:
        """Hide the bar; ``cleared`` also drops the filter (the screen's Escape)."""
        if cleared:
            with self.prevent(Input.Changed):
                self.query_one(Input).value = ""
        self.display = False
        self.post_message(self.Closed(cleared))

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(event.value))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.display = False
        self.post_message(self.Closed(False))
