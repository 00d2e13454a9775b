"""Highlight spans and snippets: FTS5's markers turned into plain text plus offsets.

FTS5's ``highlight()`` and ``snippet()`` wrap matches in marker strings. We use
two private-use characters as markers (feed text has no business containing them,
and :mod:`termnews.core.text` keeps them), clean the text for the terminal, and
then replace the markers by ``(start, end)`` offsets. The UI styles those ranges
with ``Text.stylize``: no markup is ever built from feed text.
"""

from __future__ import annotations

import re

from termnews.core.text import clean_line

START = "\ue000"
END = "\ue001"
ELLIPSIS = "…"

Spans = tuple[tuple[int, int], ...]

# Markdown syntax that reads as noise in a one-line snippet (content is Markdown).
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)?")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)?")
_DANGLING_LINK = re.compile(r"\]\([^)\s]*\)?|\(https?://[^)\s]*\)?|https?://\S+")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`+|~~)")
_LINE_MARKUP = re.compile(r"(^|\n)\s{0,3}(#{1,6}\s+|>\s?|[-*+]\s+|\d+\.\s+)")
# Summaries should be plain text, but some parsers leave HTML tags in them.
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_MARKERS = re.compile(f"([{START}{END}])")


def spans_from_markers(marked: str) -> tuple[str, Spans]:
    """Remove START/END markers and return the plain text with the marked ranges.

    Unpaired markers are dropped; ranges separated only by spaces are merged so a
    highlighted phrase is one span. Works piece by piece, not per character: it
    runs for every title and snippet of every page of results.
    """
    if START not in marked and END not in marked:
        return marked, ()
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    open_at: int | None = None
    for piece in _MARKERS.split(marked):
        if piece == START:
            open_at = length
        elif piece == END:
            if open_at is not None and length > open_at:
                gap = "".join(out)[spans[-1][1] : open_at] if spans else None
                if gap is not None and not gap.strip():
                    spans[-1] = (spans[-1][0], length)
                else:
                    spans.append((open_at, length))
            open_at = None
        elif piece:
            out.append(piece)
            length += len(piece)
    return "".join(out), tuple(spans)


def strip_markdown(text: str) -> str:
    """Markdown syntax removed so a snippet reads as prose (markers are kept)."""
    text = _TAG.sub(" ", text)
    text = _LINE_MARKUP.sub(r"\1", text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _DANGLING_LINK.sub("", text)
    return _EMPHASIS.sub("", text)


def marked_line(marked: str) -> tuple[str, Spans]:
    """FTS5 output (title or snippet) to one clean display line with spans."""
    return spans_from_markers(clean_line(strip_markdown(marked)))


def marked_title(marked: str) -> tuple[str, Spans]:
    """A highlighted title: cleaned, never de-Markdowned (titles are plain text)."""
    return spans_from_markers(clean_line(marked))


def lead_snippet(text: str, max_chars: int = 200) -> str:
    """The start of an article's text, cut at a word boundary (no match to show)."""
    line = clean_line(strip_markdown(text))
    if len(line) <= max_chars:
        return line
    cut = line.rfind(" ", 0, max_chars)
    return line[: cut if cut > max_chars // 2 else max_chars].rstrip(" ,.;:") + ELLIPSIS
