"""The "save this search" dialog and the query language's reference for the help screen.

Apart from :mod:`termnews.app.screens.search` (the main screen's mixin) so that the
reader's start-up imports neither the dialog's widgets nor the query parser's filter
table: both are opened by a key, long after the first screen (issue 8).
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from termnews.core.search import FILTERS
from termnews.core.text import clean_line

SYNTAX: tuple[tuple[str, str], ...] = (
    ("climate policy", "both words, in the title, summary or text (word forms too)"),
    ('"sea level"', "the words together, in this order"),
    ("rust OR golang", "either one"),
    ("-sponsored  NOT ad", "without this word or phrase (or filter: -feed:x)"),
    ("elect*", "words starting with elect (4 letters at least)"),
)
"""The query language without its filters, for the help screen."""


def search_reference() -> Table:
    """The query language as a table for the help screen (generated from FILTERS)."""
    table = Table.grid(padding=(0, 2), expand=True)
    table.add_column(no_wrap=True, width=24)
    table.add_column(ratio=1)
    for example, meaning in SYNTAX:
        table.add_row(Text(example, style="bold"), Text(meaning))
    for key, example in FILTERS.items():
        shown, _, note = example.partition("  ")
        table.add_row(Text(f"{key}:", style="bold"), Text(f"{shown} {note}".strip()))
    table.add_row(
        Text("S / D / M", style="bold"),
        Text("save the search as a section / forget a saved one / show muted articles"),
    )
    return table


class SaveSearchScreen(ModalScreen[str | None]):
    """Ask for a saved search's name; returns it, or None if cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, query: str, name: str = "") -> None:
        super().__init__()
        self.query_text = query
        self.suggested = name

    def compose(self) -> ComposeResult:
        with Vertical(id="save-search-box"):
            yield Static(Content.styled("Save this search", "bold"))
            yield Static(Content(clean_line(self.query_text)), id="save-search-query")
            yield Input(
                value=self.suggested, placeholder="name in the section list", id="save-search-name"
            )
            yield Static(
                Content("Enter saves it as a section; Esc cancels."), id="save-search-keys"
            )

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = clean_line(event.value)
        if name:
            self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
