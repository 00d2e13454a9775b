"""The one-line header: where you are, how much is unread, refresh and network state."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from termnews.core.dates import short_age
from termnews.core.text import clean_line


class StatusBar(Horizontal):
    """Section and unread count on the left; refresh progress and online state on the right."""

    location: reactive[str] = reactive("")
    """The section (and feed) whose headlines are listed."""
    unread: reactive[int] = reactive(0)
    """Unread articles in that view."""
    filter_text: reactive[str] = reactive("")
    """The active title filter, if any."""
    offline: reactive[bool] = reactive(False)
    demo: reactive[bool] = reactive(False)
    last_refresh: reactive[datetime | None] = reactive(None)
    """When a refresh last succeeded (from the cache or this session)."""
    progress: reactive[tuple[int, int] | None] = reactive(None)
    """(done, total) while a refresh runs."""

    _right_width = -1
    """Cells the right part took when last drawn (-1: not drawn yet)."""

    def compose(self) -> ComposeResult:
        yield Static(id="status-left")
        yield Static(id="status-right")

    def on_mount(self) -> None:
        self._redraw()
        # Ages ("updated 5m ago") go stale; repaint once a minute.
        self.set_interval(60, self._redraw)

    def _redraw(self) -> None:
        left = Content.assemble(
            ("termnews", "bold $tn-accent"),
            ("  ›  ", "$tn-muted"),
            (clean_line(self.location), "bold"),
            (f"  {self.unread} unread" if self.unread else "  all read", "$tn-muted"),
        )
        if self.filter_text:
            left = left + Content.assemble(
                ("  filter: ", "$tn-muted"), (self.filter_text, "italic")
            )
        right: list[tuple[str, str] | str] = []
        if self.progress is not None:
            done, total = self.progress
            right.append((f"refreshing {done}/{total}", "bold $tn-warning"))
        elif self.last_refresh is not None:
            age = short_age(self.last_refresh, datetime.now(UTC))
            when = "just now" if age == "now" else (f"{age} ago" if age[-1] in "mh" else age)
            right.append((f"updated {when}", "$tn-muted"))
        else:
            right.append(("never refreshed", "$tn-muted"))
        right.append("  ")
        if self.demo:
            right += [("demo", "bold $tn-accent"), "  "]
        right.append(
            ("● offline", "bold $tn-error") if self.offline else ("● online", "$tn-success")
        )
        # The left part is 1fr wide and one line high, so a new text never changes the
        # layout; the right part is as wide as its text. Asking for a layout only when
        # that width changes keeps a count update (every article opened) from laying
        # out the whole screen again.
        self.query_one("#status-left", Static).update(left, layout=False)
        right_content = Content.assemble(*right)
        width = right_content.cell_length
        self.query_one("#status-right", Static).update(
            right_content, layout=width != self._right_width
        )
        self._right_width = width

    def watch_location(self) -> None:
        self._refresh_if_mounted()

    def watch_unread(self) -> None:
        self._refresh_if_mounted()

    def watch_filter_text(self) -> None:
        self._refresh_if_mounted()

    def watch_offline(self) -> None:
        self._refresh_if_mounted()

    def watch_demo(self) -> None:
        self._refresh_if_mounted()

    def watch_last_refresh(self) -> None:
        self._refresh_if_mounted()

    def watch_progress(self) -> None:
        self._refresh_if_mounted()

    def _refresh_if_mounted(self) -> None:
        if self.is_mounted:
            self._redraw()
