"""Typed, immutable domain objects shared by the core, the CLI and the UI.

The UI and the CLI hold these, never raw feedparser dicts or database rows, so
that the storage layer and the parsers can change without touching the views.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from enum import StrEnum
from operator import attrgetter

DEFAULT_SECTION = "General"
"""Section a feed lands in when the user names none."""


class VirtualSection(StrEnum):
    """Sections computed from article state rather than stored feeds."""

    ALL = "All"
    UNREAD = "Unread"
    STARRED = "Starred"
    TRENDING = "Trending"


@dataclass(frozen=True, slots=True)
class Section:
    """A named group of feeds, with counts for the section list."""

    name: str
    total: int = 0
    unread: int = 0
    virtual: bool = False


@dataclass(frozen=True, slots=True)
class Feed:
    """A subscription: a URL or a local path, in one section, with fetch state."""

    id: int
    url: str
    title: str
    section: str
    kind: str = "feed"
    """``feed`` for RSS/Atom/JSON feeds, ``articles`` for a folder/file of article pages."""
    site_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_checked: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    failures: int = 0
    next_check: datetime | None = None
    dead: bool = False
    full_text: bool = False
    total: int = 0
    unread: int = 0

    @property
    def is_local(self) -> bool:
        """True for sources read from the file system rather than HTTP."""
        return not self.url.startswith(("http://", "https://"))

    @property
    def failing(self) -> bool:
        """True when the last refresh of this feed failed."""
        return self.failures > 0 or self.dead


UNTITLED_FEED = "(untitled feed)"
"""The title a parsed feed gets when it names itself nothing (its file or URL names it instead)."""

UNTITLED = "(untitled)"
"""The title stored for an entry that has none and no text to make one from (and the
one the reader shows for a row with an empty title).

Related stories count it as no title: as a word it made every such article of every
feed one story (Trending listed them)."""


@dataclass(frozen=True, slots=True)
class EntryData:
    """One item as parsed from a source, before it is stored.

    ``summary`` is cleaned plain text. ``content`` is cleaned Markdown, except
    when ``content_html`` is set: then ``content`` is the body's plain text (for
    search and related stories) and the Markdown is made from ``content_html``
    only when the article is read (:attr:`markdown`). Converting every body at
    ingest was most of a cold refresh's cost, for articles mostly never opened.
    """

    guid: str | None
    link: str | None
    title: str
    author: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    summary: str = ""
    content: str = ""
    categories: tuple[str, ...] = ()
    image: str | None = None
    enclosures: tuple[str, ...] = ()
    content_html: str | None = None
    """The feed's body HTML, untrusted: only ever read through ``html_to_markdown``."""
    content_base: str | None = None
    """The URL relative links of ``content_html`` resolve against."""
    text_pending: bool = False
    """``content`` (and ``summary``, when empty) are still to be made from ``content_html``:
    a cold refresh that only stores leaves them to the index pass
    (:mod:`termnews.core.store.deferred_text`)."""

    @property
    def markdown(self) -> str:
        """The body as clean Markdown (converted now if the parser kept the HTML)."""
        return body_markdown(self.content, self.content_html, self.content_base)

    def __reduce__(self) -> tuple[type[EntryData], tuple[object, ...]]:
        """Pickle as the constructor's arguments, read in C (:data:`_ENTRY_FIELDS`).

        Parsed entries cross processes (a parse worker sends them when it cannot
        make them rows, ``termnews.core.store.rows``). A slots dataclass otherwise
        pickles through its generated ``__getstate__``/``__setstate__``, which
        walk ``fields()`` in Python: ~25 us per entry both ways, against ~15 us
        this way.
        """
        return (EntryData, _ENTRY_FIELDS(self))


_ENTRY_FIELDS = attrgetter(*(f.name for f in fields(EntryData)))
"""Every field of an :class:`EntryData`, in constructor order, as one tuple."""


def body_markdown(content: str, content_html: str | None, base: str | None) -> str:
    """Markdown of a stored or parsed body: ``content`` itself unless HTML was kept.

    Why a function of the core: the cache holds bodies in two forms (Markdown
    written by termnews before 0.1 schema 4, HTML since), and every reader of
    an article body (``Store`` rows, the CLI, the TUI) must see Markdown.
    """
    if content_html is None:
        return content
    from termnews.core.content import html_to_markdown  # lxml: only when a body is read

    return html_to_markdown(content_html, base)


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A whole parsed source: its own metadata plus its entries."""

    title: str
    entries: tuple[EntryData, ...]
    link: str | None = None
    ttl_minutes: int | None = None
    """The feed's own refresh hint (RSS ``ttl`` or ``sy:updatePeriod``)."""
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Article:
    """A cached article as the reader sees it."""

    id: int
    feed_id: int
    feed_title: str
    section: str
    guid: str
    link: str | None
    title: str
    author: str | None
    published: datetime | None
    updated: datetime | None
    summary: str
    content: str
    categories: tuple[str, ...] = ()
    image: str | None = None
    enclosures: tuple[str, ...] = ()
    read: bool = False
    starred: bool = False
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    full_content: str | None = None
    """Main text fetched from the article page for teaser-only feeds (Markdown)."""
    full_error: str | None = None
    """Why fetching the full text failed, shown beside the feed's own text."""
    story_id: int | None = None
    """Same-story group: articles from several feeds that report one event share it."""

    @property
    def when(self) -> datetime:
        """The best date to sort and show: published, else updated, else fetched."""
        return self.published or self.updated or self.fetched_at

    @property
    def body(self) -> str:
        """The text to read: the full text when we have it, else the feed's content."""
        return self.full_content or self.content or self.summary


@dataclass(frozen=True, slots=True)
class Headline:
    """The few fields the headline list needs; cheap to load by the thousand."""

    id: int
    feed_id: int
    feed_title: str
    section: str
    title: str
    published: datetime | None
    read: bool
    starred: bool
    story_id: int | None = None
    sources: int = 1
    """How many feeds tell this story (same-story group size)."""
