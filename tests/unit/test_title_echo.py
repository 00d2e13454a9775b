"""A feed body opening with its headline again (core/title_echo.py).

The pane and ``termnews show`` print the headline above the body, and 115 of the
3,167 bodies of shared/corpus/feeds-real open with it again: as a lead image's alt
text, or as a paragraph (often the whole body).
"""

from __future__ import annotations

import pytest

from termnews.core.title_echo import without_title_echo

TITLE = "Cleaned up the Lack Rack"
LINK = "https://r.example/comments/157bhrw"


@pytest.mark.parametrize(
    ("markdown", "shown"),
    [
        # reddit: a linked thumbnail, its alt the headline
        (f"[![Cleaned up the Lack Rack](https://t.example/a.jpg)]({LINK})\n\nDecided to",
         f"[![](https://t.example/a.jpg)]({LINK})\n\nDecided to"),
        # the Cloudflare blog, Element: the lead image
        ("![Cleaned up the Lack Rack!](https://t.example/a.jpg)\n\nDecided to",
         "![](https://t.example/a.jpg)\n\nDecided to"),
        ("Cleaned up the *Lack* Rack\n\nDecided to", "Decided to"),
        ("## Cleaned up the Lack Rack\n\nDecided to", "Decided to"),
        ("Cleaned up the Lack Rack", ""),  # a body that is only the headline
        (f"[Cleaned up the Lack Rack]({LINK})", ""),  # ... linking to the article itself
    ],
)  # fmt: skip
def test_the_headline_repeated_at_the_top_is_left_out(markdown: str, shown: str) -> None:
    assert without_title_echo(markdown, TITLE, LINK) == shown


@pytest.mark.parametrize(
    "markdown",
    [
        "![A rack of servers](https://t.example/a.jpg)\n\nDecided to",
        "Decided to clean up the Lack Rack.\n\nCleaned up the Lack Rack",
        "[Cleaned up the Lack Rack](https://elsewhere.example/wiki)",  # a link of its own
        "```\nCleaned up the Lack Rack\n```",
    ],
)
def test_anything_else_is_left_as_it_is(markdown: str) -> None:
    assert without_title_echo(markdown, TITLE, LINK) == markdown
    assert without_title_echo(markdown, "", LINK) == markdown
