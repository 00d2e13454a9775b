"""Feed, section and search names as dialogs and notifications name them: one line, cut.

Names are feed text, written by strangers: a feed titled with a paragraph (3,000
characters) filled the feed details (``i``) and the unsubscribe question (``X``) with
it, as it had the article's byline (cut there at 80 cells, article_view). Every
dialog and toast that names a feed, a section or a search takes the name from here,
cut the same way. The whole name is still there to read where it can be edited: the
rename dialog starts with it in its one-line field.
"""

from __future__ import annotations

from termnews.core.models import Feed
from termnews.core.text import cap_headline, clean_line

MAX_NAME_CELLS = 80
"""Cells of a name in a dialog or a toast (the byline's cut, article_view)."""

UNTITLED_FEED = "(untitled feed)"


def shown_name(text: str) -> str:
    """``text`` as one clean line, cut at :data:`MAX_NAME_CELLS` with an ellipsis."""
    return cap_headline(clean_line(text), MAX_NAME_CELLS)


def feed_name(feed: Feed) -> str:
    """The feed's title, else its address, cut; never empty."""
    return shown_name(feed.title) or shown_name(feed.url) or UNTITLED_FEED


def is_cut(text: str) -> bool:
    """Whether :func:`shown_name` cuts ``text``."""
    line = clean_line(text)
    return shown_name(line) != line
