"""Cutting text to a width in terminal cells without cutting a character in half.

Headlines, teasers, search snippets and source columns are all cut to the room
their column has. Cut between code points, a flag (two regional indicators,
"🇯🇵") left half of itself ("Japan 🇯…"), and a letter lost its marks (a
Devanagari consonant without its vowel sign reads as another word). Both cutters
here move the cut back to where the character starts
(:func:`~termnews.core.text.cluster_start`); the ellipsis takes its place.
"""

from __future__ import annotations

from textual.content import Content

from termnews.core.text import cluster_start, fit_cells

__all__ = ["fit_cells", "fit_content"]


def fit_content(content: Content, width: int) -> Content:
    """``content`` cut to ``width`` cells with an ellipsis, never inside a character.

    ``Content.truncate`` cuts between code points; where that cut lies inside a
    character, the cut moves back to its start.
    """
    if content.cell_length <= width:
        return content
    cut = content.truncate(width, ellipsis=True)
    plain, shown = content.plain, cut.plain
    kept = 0
    while kept < len(shown) and kept < len(plain) and shown[kept] == plain[kept]:
        kept += 1
    start = cluster_start(plain, kept)
    return cut if start == kept else content[:start] + "…"
