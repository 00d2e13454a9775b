"""Bundled offline demo: the feeds a new user sees on first launch, with no network.

The demo is a set of ordinary RSS 2.0 and Atom files under ``feeds/``. termnews
subscribes to them through its normal local-file source, exactly as it would a
user's own feed file, so the demo exercises the real code path rather than a
special one. The "Guide" section teaches termnews itself; the other sections hold
sample news from invented outlets, written so that several stories are told by
more than one outlet (for same-story grouping and related stories) and that some
topics recur with different events (two storms, two chip launches, two food
deals) so ranking has something to tell apart.

The files are package data, so this module locates them next to itself rather
than through ``importlib.resources``: callers need a real path on disk to
subscribe to, and termnews is never run from a zip archive.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

FEEDS_DIR = Path(__file__).resolve().parent / "feeds"
"""Directory holding the bundled feed files."""

GUIDE_SECTION = "Guide"
"""Section of the feed that explains termnews itself; listed before the news."""


@dataclass(frozen=True, slots=True)
class DemoFeed:
    """One bundled feed file and the section it belongs to."""

    path: Path
    """Absolute path of the bundled file."""
    section: str
    title: str
    """The feed's own title, as written in the file."""


# (file name, section, title). Titles repeat what the files say, so a listing can
# be shown without parsing anything; a test keeps the two in step.
_MANIFEST: tuple[tuple[str, str, str], ...] = (
    ("guide.xml", GUIDE_SECTION, "termnews Guide"),
    ("world-northwind.xml", "World", "Northwind Times — World"),
    ("world-harbour.xml", "World", "Harbour Post — World"),
    ("world-kestrel.xml", "World", "Kestrel Wire — World"),
    ("tech-byteline.xml", "Technology", "Byteline"),
    ("tech-kestrel.xml", "Technology", "Kestrel Wire — Technology"),
    ("science-fieldnotes.xml", "Science", "Fieldnotes"),
    ("science-lantern.xml", "Science", "The Lantern Review — Science"),
    ("business-northwind.xml", "Business", "Northwind Times — Business"),
    ("business-meridian.xml", "Business", "Meridian Courier — Business"),
    ("sport-harbour.xml", "Sport", "Harbour Post — Sport"),
    ("sport-meridian.xml", "Sport", "Meridian Courier — Sport"),
)


def demo_feeds() -> list[DemoFeed]:
    """The bundled feeds: the Guide first, then the news sections in display order."""
    return [
        DemoFeed(path=FEEDS_DIR / name, section=section, title=title)
        for name, section, title in _MANIFEST
    ]


def demo_sections() -> list[str]:
    """Section names in the order the demo intends them to be shown."""
    return list(dict.fromkeys(section for _, section, _ in _MANIFEST))
