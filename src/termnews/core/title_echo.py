"""A body that opens by repeating its headline (and byline), shown without the repeat.

The article pane and ``termnews show`` print the headline above the body. Many
feeds open the body with it again (of the 3,167 bodies in
``shared/corpus/feeds-real``): as the alt text of a lead image ("[image: <the
headline>]" right under the headline: reddit, the Cloudflare blog, Element) in
83 of them, and 32 bodies are nothing but the headline. Pages taken apart by
``core/extract.py`` open with their title heading and a "By ..." line, and a
Markdown article file with its ``# Title``. This one function serves all three,
with no parser: a few string checks on the first blocks.
"""

from __future__ import annotations

import re

__all__ = ["without_title_echo"]

_NON_WORD = re.compile(r"[\W_]+")
_LEAD_IMAGE = re.compile(r"(\[?)!\[([^\]\n]+)\]\(([^()\s]+)\)((?:\]\([^()\s]+\))?)")
"""The first block as one image, maybe inside a link: ``[![alt](src)](href)``."""
_LINK_TARGET = re.compile(r"\]\(([^()\s]*)\)")
_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_BYLINE = re.compile(r"^[*_]{0,2}(?:by|von|par|por|di|door)\s+\[?\w", re.IGNORECASE)
"""A byline, its first name maybe a link ("by [Lucas Nolan](...)")."""
_BYLINE_WORDS = 12
_PAGE_REACH = 3
"""Blocks of a page's body kept before its title and byline are no longer looked for:
a lead image, its caption and its credit line can stand above them (breitbart)."""


def _words(text: str) -> str:
    return _NON_WORD.sub("", _LINK_TARGET.sub("", text).replace("\\", "")).casefold()


def _first_block(markdown: str) -> tuple[str, str]:
    """The opening block of ``markdown`` and the rest (blank lines before either dropped).

    An ATX heading is a block of its own even with text right under it ("# Title\\n
    text": a Markdown file's title line, as CommonMark reads it)."""
    markdown = markdown.lstrip("\n")
    first, sep, rest = markdown.partition("\n\n")
    line, newline, more = first.partition("\n")
    if newline and _ATX_HEADING.match(line):
        return line, more + sep + rest
    return first, rest


def without_title_echo(
    markdown: str, title: str, link: str | None = None, *, bylines: bool = False
) -> str:
    """``markdown`` without its headline said again at its top.

    A lead image whose alt text is the headline keeps no alt text (the pane
    shows "[image]"); a first paragraph or heading that is the headline is
    dropped (a body that is only the headline is then empty, and the pane says
    the article has no text), unless it links somewhere other than the
    article's own ``link``, which would be lost. With ``bylines`` (a page's
    extracted body, whose byline the pane prints above it too) a short "By ..."
    line is dropped as well, and the blocks after a lead image, its caption and
    credit are looked at too: a page's headline and byline stand under its picture.
    """
    wanted = _words(title)
    if not markdown or not (wanted or bylines):
        return markdown
    kept: list[str] = []
    rest = markdown
    changed = False
    looked = 0
    while len(kept) < (_PAGE_REACH if bylines else 1) and (bylines or looked < 1):
        # A feed's body: its first block alone. A page's: until a few blocks are kept.
        looked += 1
        first, rest = _first_block(rest)
        if not first:
            break
        image = _LEAD_IMAGE.fullmatch(first)
        if image is not None and (image.group(1) == "") == (image.group(4) == ""):
            if wanted and _words(image.group(2)) == wanted:
                first = f"{image.group(1)}![]({image.group(3)}){image.group(4)}"
                changed = True
            kept.append(first)
        elif (bylines and _is_byline(first)) or _repeats_title(first, wanted, link):
            changed = True
        else:
            kept.append(first)
    if not changed:
        return markdown
    return "\n\n".join(block for block in [*kept, rest.lstrip("\n")] if block)


def _is_byline(block: str) -> bool:
    return (
        _BYLINE.match(block) is not None
        and len(block.split()) <= _BYLINE_WORDS
        and "\n" not in block
    )


def _repeats_title(block: str, wanted: str, link: str | None) -> bool:
    """Whether ``block`` is the headline again, and nothing of it is lost by dropping it."""
    if not wanted or block.startswith(("```", "~~~", "    ", "|")) or _words(block) != wanted:
        return False
    return all(target in ("", link) for target in _LINK_TARGET.findall(block))
