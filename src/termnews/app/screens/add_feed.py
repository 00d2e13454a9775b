"""The "add a feed" dialog (``a``): subscribe without leaving the reader.

A new user meets the demo first, and it told them to quit and run ``termnews add URL``
in a shell; a reader of real feeds had to do the same for every new one. The dialog
takes what ``termnews add`` takes (a feed URL, a web page that announces one, a file,
a folder, an OPML list) and an optional section, runs ``termnews add`` as a child
process (:mod:`termnews.app.subscribe_process`) and closes with what it subscribed.
A source that cannot be subscribed leaves the dialog open with the one-line reason,
so a typo is fixed in place. Esc closes it at any time, stopping a slow fetch.

Only opened by a key: its widgets are not imported at the reader's start.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from termnews.app.subscribe_process import Added, AddFailed, add_argv, run_add
from termnews.core.text import clean_line

ABOUT = "A feed URL, a web page that links one, or a feed file, folder or OPML list."
HINT = "Enter subscribes · Tab moves to the section · Esc cancels"


def _source_of(text: str) -> str:
    """The source as typed, a leading ``~`` expanded (the shell did that for ``add``)."""
    text = text.strip()
    return os.path.expanduser(text) if text.startswith("~") else text


class AddFeedScreen(ModalScreen[Added | None]):
    """Ask for a source and a section, subscribe; returns what was added (None: cancelled)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(
        self,
        data_dir: Path,
        config_file: Path | None,
        sections: Sequence[str] = (),
        note: str | None = None,
        offline: bool = False,
    ) -> None:
        """``sections``: the user's sections, suggested as the section is typed; ``note``:
        a line above the fields (the demo says where the feed goes); ``offline``: the
        reader's ``--offline``, passed on (a URL is subscribed, not fetched)."""
        super().__init__()
        self.data_dir = data_dir
        self.config_file = config_file
        self.sections = list(sections)
        self.note = note
        self.offline = offline
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="add-feed-box"):
            yield Static(Content.styled("Add a feed", "bold"))
            yield Static(
                Content(ABOUT),
                id="add-feed-about",
            )
            if self.note:
                yield Static(Content(clean_line(self.note)), id="add-feed-note")
            # The cursor goes to the end on focus, not a selection of it all: after a
            # refusal the source is fixed in place, and a Backspace deleted all of it.
            yield Input(
                placeholder="https://example.org/feed.xml",
                id="add-feed-source",
                select_on_focus=False,
            )
            suggester = (
                SuggestFromList(self.sections, case_sensitive=False) if self.sections else None
            )
            yield Input(
                placeholder="section (optional: the feed's own folder or General)",
                id="add-feed-section",
                suggester=suggester,
                select_on_focus=False,
            )
            yield Static(Content(HINT), id="add-feed-status")

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#add-feed-status", Static)
        status.set_class(error, "-error")
        status.update(Content(clean_line(text)))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.busy:
            return
        source = _source_of(self.query_one("#add-feed-source", Input).value)
        if not source:
            self._status("Give a feed URL, or the path of a feed file or folder.", error=True)
            self.query_one("#add-feed-source", Input).focus()
            return
        section = clean_line(self.query_one("#add-feed-section", Input).value) or None
        self._subscribe(source, section)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for field in self.query(Input):
            field.disabled = busy
        if not busy:
            self.query_one("#add-feed-source", Input).focus()

    @work(exclusive=True, group="add-feed", exit_on_error=False)
    async def _subscribe(self, source: str, section: str | None) -> None:
        self._set_busy(True)
        self._status(f"Subscribing to {source} … (Esc stops)")
        try:
            argv = add_argv(self.data_dir, self.config_file, source, section, self.offline)
            added = await run_add(argv)
        except AddFailed as exc:
            self._set_busy(False)
            self._status(str(exc), error=True)
            return
        self.dismiss(added)

    def action_cancel(self) -> None:
        # Cancelling the worker kills the child (run_add); what it wrote is kept.
        self.workers.cancel_group(self, "add-feed")
        self.dismiss(None)
