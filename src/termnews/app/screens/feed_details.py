"""Feed details (``i``), and the dialog that renames a feed or moves it to a section.

A reader who wanted to know why a feed shows ⚠, where it comes from or how much of the
cache it holds had to quit and run ``termnews feeds``; renaming, moving or dropping it
took ``termnews add --title/--section`` and ``termnews remove`` in a shell. The details
screen shows what ``termnews feeds --json`` knows of one feed and offers the keys that
manage it: each is a :class:`~termnews.app.commands.KeyCommand` of the main screen
(so help, palette and ``[keys]`` remapping know them), bound here under the same ids
and handed back as the screen's result for the main screen to run.

Only opened by a key: not imported at the reader's start.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from termnews.app.commands import BY_ID, first_key
from termnews.app.feed_names import feed_name, is_cut
from termnews.core.dates import long_date, short_age
from termnews.core.models import Feed
from termnews.core.text import clean_line, plural

MANAGE_IDS = ("rename-feed", "move-feed", "feed-full-text", "unsubscribe")
"""The commands the details screen offers, in the order its key line names them."""

KIND_ARTICLES = "articles"
"""A folder or file of article pages (``termnews.core.sources.local.KIND_ARTICLES``,
not imported here: that module brings the local-source parsers)."""


@dataclass(frozen=True, slots=True)
class FeedDetails:
    """One feed as the details screen shows it, read on the store thread."""

    feed: Feed
    """Fetch state as stored now; counts as the section list shows them (muted left out)."""
    cached: int
    """Every cached article of the feed, muted ones included: what unsubscribing removes."""
    starred: int
    full_text_in_config: bool
    """Listed under ``[fulltext] feeds``: full text stays on whatever the cache says."""


def _when(value: datetime | None, now: datetime) -> str:
    """``Tue 3 Nov 2026, 08:40 (5m ago)``; the age only while it is under a day."""
    if value is None:
        return "never"
    age = short_age(value, now)
    recent = (now - value).total_seconds() < 86400
    return f"{long_date(value)} ({age} ago)" if recent and age != "now" else long_date(value)


def status_line(feed: Feed) -> str:
    """How the last refresh went, in the words of ``termnews feeds``."""
    if feed.dead:
        error = clean_line(feed.last_error) or "HTTP 410 Gone"
        return f"dead ({error}): kept, no longer fetched; termnews refresh --force retries"
    if feed.failures:
        return f"failing, {plural(feed.failures, 'time')} in a row: {clean_line(feed.last_error)}"
    if feed.last_success is not None:
        return "ok"
    return "not fetched yet (r fetches it)"


def kind_line(feed: Feed) -> str:
    if feed.kind == KIND_ARTICLES:
        return "article pages (a folder or file), read in full"
    return "feed file (RSS, Atom or JSON Feed)" if feed.is_local else "RSS, Atom or JSON feed"


def full_text_line(details: FeedDetails, keys: Mapping[str, str]) -> str:
    feed = details.feed
    key = first_key(keys, "feed-full-text")
    if feed.kind == KIND_ARTICLES:
        return "not needed: article files are read in full"
    if feed.full_text:
        return f"on: each refresh fetches new articles' pages ({key} switches it off)"
    if details.full_text_in_config:
        return "on: [fulltext] feeds in your config lists it"
    return f"off ({key} switches it on)"


def detail_rows(
    details: FeedDetails, keys: Mapping[str, str], now: datetime | None = None
) -> list[tuple[str, str]]:
    """(label, value) rows, every value one clean line of plain text (feed text is data)."""
    now = now or datetime.now(UTC)
    feed = details.feed
    muted = max(0, details.cached - feed.total)
    articles = f"{plural(feed.total, 'article')}, {feed.unread} unread, {details.starred} starred"
    if muted:
        articles += f" (and {muted} your mute rules hide)"
    rows = [
        ("Address", clean_line(feed.url)),
        ("Section", clean_line(feed.section)),
        ("Kind", kind_line(feed)),
        ("Articles", articles),
        ("Status", status_line(feed)),
        ("Checked", _when(feed.last_checked, now)),
        ("Last ok", _when(feed.last_success, now)),
    ]
    if feed.site_url:
        rows.insert(1, ("Site", clean_line(feed.site_url)))
    if feed.next_check is not None and feed.next_check > now and not feed.dead:
        rows.append(("Next", f"not before {long_date(feed.next_check)} (TTL or Retry-After)"))
    rows.append(("Full text", full_text_line(details, keys)))
    if is_cut(feed.title):
        # The title above is cut (a paragraph-long name filled the dialog): the
        # rename field holds it whole, to read or to shorten.
        length = plural(len(clean_line(feed.title)), "character")
        rows.insert(
            0, ("Name", f"{length}, cut above ({first_key(keys, 'rename-feed')} shows it whole)")
        )
    return rows


def keys_line(keys: Mapping[str, str]) -> str:
    names = {
        "rename-feed": "rename",
        "move-feed": "move",
        "feed-full-text": "full text",
        "unsubscribe": "unsubscribe",
    }
    parts = [f"{first_key(keys, cid)} {names[cid]}" for cid in MANAGE_IDS]
    return " · ".join([*parts, "Esc close"])


class FeedDetailsScreen(ModalScreen[str | None]):
    """One feed's details; returns the id of the command chosen here (None: closed)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", show=False),
        # The same ids as the main screen's commands: a [keys] remap applies here too.
        *(
            Binding(BY_ID[command_id].keys, f"choose('{command_id}')", show=False, id=command_id)
            for command_id in (*MANAGE_IDS, "feed-details")
        ),
    ]

    def __init__(self, details: FeedDetails, keys: Mapping[str, str]) -> None:
        super().__init__()
        self.details = details
        self.keys = dict(keys)

    def compose(self) -> ComposeResult:
        feed = self.details.feed
        with Vertical(id="feed-details-box"):
            yield Static(Content.styled(feed_name(feed), "bold"), id="feed-details-title")
            # A label column and a value column: a long address or error wraps under
            # its value, not under the labels.
            with Vertical(id="feed-details-rows"):
                for label, value in detail_rows(self.details, self.keys):
                    with Horizontal(classes="feed-details-row"):
                        yield Static(Content.styled(label, "bold"), classes="-label")
                        yield Static(Content(value), classes="-value")
            yield Static(Content(keys_line(self.keys)), id="feed-details-keys")

    def action_choose(self, command_id: str) -> None:
        # i again closes, as ? closes the help.
        self.dismiss(None if command_id == "feed-details" else command_id)

    def action_close(self) -> None:
        self.dismiss(None)


class FeedFieldScreen(ModalScreen[str | None]):
    """Ask for one line (a feed's new name or section); returns it cleaned, None: cancelled.

    Empty text is refused in place, and so is what ``check`` refuses (its message is
    shown under the field), so a slip is fixed without opening the dialog again.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(
        self,
        title: str,
        about: str,
        value: str,
        placeholder: str,
        verb: str,
        suggestions: Sequence[str] = (),
        refuse: Mapping[str, str] | None = None,
    ) -> None:
        """``verb``: what Enter does ("renames"); ``refuse``: case-folded names that
        cannot be given -> why (one line)."""
        super().__init__()
        self.title_text = title
        self.about = about
        self.value = value
        self.placeholder = placeholder
        self.verb = verb
        self.suggestions = list(suggestions)
        self.refuse = dict(refuse or {})

    def compose(self) -> ComposeResult:
        with Vertical(id="feed-field-box"):
            yield Static(Content.styled(clean_line(self.title_text), "bold"))
            yield Static(Content(clean_line(self.about)), id="feed-field-about")
            suggester = (
                SuggestFromList(self.suggestions, case_sensitive=False)
                if self.suggestions
                else None
            )
            yield Input(
                value=self.value,
                placeholder=self.placeholder,
                suggester=suggester,
                id="feed-field-input",
            )
            yield Static(Content(f"Enter {self.verb} · Esc cancels"), id="feed-field-status")

    def _status(self, text: str) -> None:
        status = self.query_one("#feed-field-status", Static)
        status.add_class("-error")
        status.update(Content(clean_line(text)))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = clean_line(event.value)
        if not text:
            self._status(f"Give a {self.placeholder} (Esc leaves it as it is).")
            return
        why = self.refuse.get(text.casefold())
        if why is not None:
            self._status(why)
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
