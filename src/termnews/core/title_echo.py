"""A feed body that opens by repeating its headline, shown without the repeat.

The article pane and ``termnews show`` print the headline above the body. Many
feeds open the body with it again (of the 3,167 bodies in
``shared/corpus/feeds-real``): as the alt text of a lead image ("[image: <the
headline>]" right under the headline: reddit, the Cloudflare blog, Element) in
83 of them, and 32 bodies are nothing but the headline. Pages taken apart by
``core/extract.py`` have their title heading and byline dropped there; this does
the same for feed bodies, with no parser: a few string checks on the first block.
"""

from __future__ import annotations

import re

__all__ = ["without_title_echo"]

_NON_WORD = re.compile(r"[\W_]+")
_LEAD_IMAGE = re.compile(r"(\[?)!\[([^\]\n]+)\]\(([^()\s]+)\)((?:\]\([^()\s]+\))?)")
"""The first block as one image, maybe inside a link: ``[![alt](src)](href)``."""
_LINK_TARGET = re.compile(r"\]\(([^()\s]*)\)")


def _words(text: str) -> str:
    return _NON_WORD.sub("", _LINK_TARGET.sub("", text).replace("\\", "")).casefold()


def without_title_echo(markdown: str, title: str, link: str | None = None) -> str:
    """``markdown`` without its headline said again at its top.

    A lead image whose alt text is the headline keeps no alt text (the pane
    shows "[image]"); a first paragraph or heading that is the headline is
    dropped (a body that is only the headline is then empty, and the pane says
    the article has no text), unless it links somewhere other than the
    article's own ``link``, which would be lost.
    """
    wanted = _words(title)
    if not wanted or not markdown:
        return markdown
    first, sep, rest = markdown.partition("\n\n")
    image = _LEAD_IMAGE.fullmatch(first)
    if image is not None and (image.group(1) == "") == (image.group(4) == ""):
        if _words(image.group(2)) == wanted:
            first = f"{image.group(1)}![]({image.group(3)}){image.group(4)}"
            return first + sep + rest
        return markdown
    if first.startswith(("```", "~~~", "    ", "|")) or _words(first) != wanted:
        return markdown
    if any(target not in ("", link) for target in _LINK_TARGET.findall(first)):
        return markdown
    return rest.lstrip("\n")
