"""Real news pages as the article pane shows them (../shared/corpus, read in place).

``html-articles/mozilla-readability/*/expected.html`` is each page's main text as
Firefox's Reader View extracts it. Converted to Markdown (core/content.py) and laid
out by the article body widget, every paragraph, list item, heading and caption of
it must be there, in lines that fit the pane, with no markup showing (an image's
alt text holding escaped HTML showed its tags). The extraction from the whole page is measured apart
(benchmarks/extraction_quality.py).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from lxml import html as lxml_html
from rich.cells import cell_len
from tests.conftest import CORPUS, needs_corpus

from termnews.app.widgets.article_body import parse_document, plain_lines
from termnews.core.content import html_to_markdown
from termnews.core.sources.articlefile import parse_article_file

PAGES = CORPUS / "html-articles" / "mozilla-readability"
WIDTHS = (76, 40)
"""The article pane at 120 columns, and a narrow one."""

_URL_SHOWN = re.compile(r" ?\((?:https?|mailto):[^)]*\)")
_MARKUP = re.compile(r"\*\*|\]\(|</?[a-z]+[ >/]|&[a-z]+;|\\[*_\[\]#`]")


def _pages() -> list[Path]:
    return sorted(p for p in PAGES.iterdir() if p.is_dir()) if PAGES.is_dir() else []


_CHROME = re.compile(r"newsletter|opt-?in|sign-?up|pull-?quote", re.IGNORECASE)


def _in_site_chrome(el: lxml_html.HtmlElement) -> bool:
    """Whether ``el`` is in a sign-up box or a pull quote, which the pane leaves out.

    Reader View keeps breitbart's two "SIGN UP FOR OUR NEWSLETTER" boxes
    (``<div id="EmailOptin">``); they are the site's, not the story's.
    """
    return any(
        _CHROME.search((a.get("class") or "") + " " + (a.get("id") or ""))
        for a in (el, *el.iterancestors())
    )


def _letters(text: str) -> str:
    """Letters and digits only: paragraphs compared whatever the wrapping and spacing."""
    return re.sub(r"\W+", "", unicodedata.normalize("NFC", text)).lower()


@needs_corpus
@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.name)
def test_every_block_of_a_real_article_reaches_the_pane(page: Path) -> None:
    source = (page / "expected.html").read_text(encoding="utf-8")
    document = parse_document(html_to_markdown(source, "https://example.org/"))
    root = lxml_html.fromstring(source)
    blocks = [
        _letters(el.text_content())
        for el in root.iter("p", "li", "h1", "h2", "h3", "h4", "blockquote", "td", "figcaption")
        if not _in_site_chrome(el)
    ]
    for width in WIDTHS:
        lines = plain_lines(document, width)
        for line in lines:
            assert cell_len(line) <= width, (width, line)
            assert not _MARKUP.search(line), line
        joined = " ".join(line.strip() for line in lines)
        shown = _letters(_URL_SHOWN.sub("", joined))
        for block in blocks:
            assert block[:50] in shown, (page.name, width, block[:80])


@needs_corpus
@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.name)
def test_every_saved_page_opens(page: Path) -> None:
    # `termnews add page.html`: buzzfeed-1 was refused ("no article text found"), a
    # stray U+0081 early in the page having deleted the rest of it (core/text.py).
    # How much of the text extraction finds is benchmarks/extraction_quality.py's.
    entry = parse_article_file(page / "source.html")
    assert len(_letters(entry.content or "")) > 500, page.name
