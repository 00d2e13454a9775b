"""The one-line header: where you are, how much is unread, refresh and network state."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from termnews.app.widgets.cell_fit import fit_content
from termnews.core.dates import short_age
from termnews.core.text import clean_line

_LEAST_LOCATION = 12
"""Cells a cut location keeps before the filter is cut too."""
WAITING_CELLS = 40
"""Cells the 'waiting for ...' note of a slow refresh takes at most."""
LEAST_WAITING_CELLS = 20
"""A note cut shorter than this says too little to be shown."""
INDEXING = "indexing…"
"""Said in place of the last refresh's age while the indexes are built after it."""


class StatusBar(Horizontal):
    """Section and unread count on the left; refresh progress and online state on the right."""

    location: reactive[str] = reactive("")
    """The section (and feed) whose headlines are listed."""
    unread: reactive[int] = reactive(0)
    """Unread articles in that view."""
    empty: reactive[bool] = reactive(False)
    """Whether that view holds no articles at all (read or not)."""
    filter_text: reactive[str] = reactive("")
    """The active title filter, if any."""
    offline: reactive[bool] = reactive(False)
    demo: reactive[bool] = reactive(False)
    last_refresh: reactive[datetime | None] = reactive(None)
    """When a refresh last succeeded (from the cache or this session)."""
    progress: reactive[tuple[int, int] | None] = reactive(None)
    """(done, total) while a refresh runs."""
    waiting: reactive[str | None] = reactive(None)
    """'waiting for TITLE' while a refresh has waited a while on slow feeds."""
    indexing: reactive[bool] = reactive(False)
    """The search index and related stories are being built in the background."""

    _right_width = -1
    """Cells the right part took when last drawn (-1: not drawn yet)."""
    _drawn_width = -1
    """The bar's width when last drawn: the left part is cut to fit it."""

    def compose(self) -> ComposeResult:
        yield Static(id="status-left")
        yield Static(id="status-right")

    def on_mount(self) -> None:
        self._redraw()
        # Ages ("updated 5m ago") go stale; repaint once a minute.
        self.set_interval(60, self._redraw)

    def _left(self, room: int | None = None) -> Content:
        """Where you are, the unread count and the filter, in ``room`` cells if given.

        The part is one line high: text wider than its room wrapped onto a line that is
        never seen, so a long feed name ("World › 投资资讯网交易在线--…" at 80 columns)
        took the count and the filter with it. The name is cut first, then the filter;
        where even a cut name and the count leave no room for the "termnews ›" mark (40
        columns: "termnews › World › 投 … …"), the mark goes, not the count.
        """
        head = Content.assemble(("termnews", "bold $tn-accent"), ("  ›  ", "$tn-muted"))
        location = Content.styled(clean_line(self.location), "bold")
        count = Content.styled(f"  {self._count_words()}", "$tn-muted")
        filtered = (
            Content.assemble(("  filter: ", "$tn-muted"), (self.filter_text, "italic"))
            if self.filter_text
            else Content("")
        )
        left = head + location + count + filtered
        if room is None or room <= 0 or left.cell_length <= room:
            return left
        least = min(location.cell_length, _LEAST_LOCATION)
        if head.cell_length + least + count.cell_length > room:
            head = Content("")
        fixed = head.cell_length + count.cell_length
        least = min(least, max(1, room - fixed))
        location = fit_content(location, max(least, room - fixed - filtered.cell_length))
        filtered = fit_content(filtered, max(0, room - fixed - location.cell_length))
        return fit_content(head + location + count + filtered, room)

    def _count_words(self) -> str:
        """The count's words: "3 unread", "all read", or "no articles" for a view with none.

        Why the third: an empty section (a new feed not yet fetched, Starred
        before anything is starred) said "all read" over an empty list.
        """
        if self.unread:
            return f"{self.unread} unread"
        return "no articles" if self.empty else "all read"

    def _redraw(self) -> None:
        left = self._left()
        state: list[tuple[str, str] | str] = []
        if self.progress is not None:
            done, total = self.progress
            # Until the first feed is done the child has not said how many there are:
            # "refreshing 0/0" read as a refresh of nothing.
            label = f"refreshing {done}/{total}" if total else "refreshing…"
            state.append((label, "bold $tn-warning"))
        else:
            if self.last_refresh is not None:
                age = short_age(self.last_refresh, datetime.now(UTC))
                when = "just now" if age == "now" else (f"{age} ago" if age[-1] in "mh" else age)
                label = f"updated {when}"
            else:
                label = "never refreshed"
            state.append((_in_place_of(label, INDEXING) if self.indexing else label, "$tn-muted"))
        state.append("  ")
        demo: list[tuple[str, str] | str] = [("demo", "bold $tn-accent"), "  "] if self.demo else []
        network = ("● offline", "bold $tn-error") if self.offline else ("● online", "$tn-success")
        refreshing = self.progress is not None
        state_cells = Content.assemble(*state).cell_length
        network_cells = Content.assemble(network).cell_length
        self._cells = (
            left.cell_length + network_cells + (state_cells if refreshing else 0),
            0 if refreshing else state_cells,
            Content.assemble(*demo).cell_length,
        )
        dropped = self._dropped = self._to_drop(self.content_size.width)
        right = [
            *(state if refreshing or dropped < 1 else []),
            *(demo if dropped < 2 else []),
            network,
        ]
        # The left part is 1fr wide and one line high, so a new text never changes the
        # layout; the right part is as wide as its text. Asking for a layout only when
        # that width changes keeps a count update (every article opened) from laying
        # out the whole screen again.
        right_content = Content.assemble(*right)
        width = right_content.cell_length
        room = self.content_size.width - width - 2  # two spaces before the right part
        if refreshing and self.waiting:
            # Only in the room the left part leaves: where you are matters more.
            spare = min(room - left.cell_length, WAITING_CELLS) - 3
            if spare >= LEAST_WAITING_CELLS:
                note = fit_content(Content.styled(clean_line(self.waiting), "$tn-muted"), spare)
                # right[0] is the "refreshing 2/3" label.
                right_content = Content.assemble(right[0], (" · ", "$tn-muted"), note, *right[1:])
                width = right_content.cell_length
                room = self.content_size.width - width - 2
        if 0 < room < left.cell_length:
            left = self._left(room)
        self.query_one("#status-left", Static).update(left, layout=False)
        self.query_one("#status-right", Static).update(
            right_content, layout=width != self._right_width
        )
        self._right_width = width
        self._drawn_width = self.content_size.width

    _cells: tuple[int, int, int] = (0, 0, 0)
    """Cells of what always shows (the left part, a refresh's progress, the network
    state), of the last refresh's age and of the demo mark."""
    _dropped = 0
    """How many of the right's optional parts the last redraw left out for room."""

    def _to_drop(self, room: int) -> int:
        """How many optional parts to leave out so the left part keeps its room.

        In a narrow terminal the right part (as wide as its text) left the left
        one a few cells ("termne"): where you are matters more than when the
        last refresh was, so "updated 5m ago" goes first, then the demo mark.
        A refresh's progress and the network state always stay.
        """
        kept, age, demo = self._cells
        if room <= 0 or kept + age + demo <= room:  # (0: not laid out yet)
            return 0
        return 1 if kept + demo <= room else 2

    def on_resize(self) -> None:
        width = self.content_size.width
        if self._to_drop(width) != self._dropped or width != self._drawn_width:
            self._redraw()

    def watch_location(self) -> None:
        self._refresh_if_mounted()

    def watch_unread(self) -> None:
        self._refresh_if_mounted()

    def watch_empty(self) -> None:
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

    def watch_waiting(self) -> None:
        self._refresh_if_mounted()

    def watch_indexing(self) -> None:
        self._refresh_if_mounted()

    def _refresh_if_mounted(self) -> None:
        if self.is_mounted:
            self._redraw()


def _in_place_of(label: str, note: str) -> str:
    """``note`` as wide as ``label`` (padded on the left), or ``label`` if it is narrower.

    The right part of the bar is as wide as its text, and a new width lays out the
    whole screen again: the note takes the age's cells, so showing it and the age
    coming back cost a repaint of the bar only. Where the age was left out for room
    (:meth:`StatusBar._to_drop`), so is the note.
    """
    cells, room = Content(note).cell_length, Content(label).cell_length
    return " " * (room - cells) + note if cells <= room else label
