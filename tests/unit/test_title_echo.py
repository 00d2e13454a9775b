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


def test_a_page_body_drops_its_title_and_byline_under_a_lead_image() -> None:
    """core/extract.py's case (it had its own copy): a page's title heading and its
    "By ..." line, under the lead image or above it, within the first blocks."""
    page = "![Cleaned up the Lack Rack](https://t.example/a.jpg)\n\n# Cleaned up the Lack Rack\n\n"
    assert without_title_echo(page + "By Ann Lee\n\nDecided to", TITLE, bylines=True) == (
        "![](https://t.example/a.jpg)\n\nDecided to"
    )
    assert without_title_echo("By Ann Lee\n\nDecided to", "", bylines=True) == "Decided to"
    # A feed body's byline is its own text, and only its first block is looked at.
    assert without_title_echo("By Ann Lee\n\nDecided to", TITLE) == "By Ann Lee\n\nDecided to"
    shown = page.replace("![Cleaned up the Lack Rack]", "![]") + "Decided to"
    assert without_title_echo(page + "Decided to", TITLE) == shown


def test_a_markdown_files_title_line_is_dropped_with_text_right_under_it() -> None:
    """core/sources/articlefile.py's case: "# Title" with the text on the next line."""
    assert without_title_echo("\n# Cleaned up the Lack Rack #\nDecided to", TITLE) == ("Decided to")
    assert without_title_echo("# Another title\nDecided to", TITLE) == (
        "# Another title\nDecided to"
    )
