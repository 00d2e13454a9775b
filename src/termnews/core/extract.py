"""Main-text extraction from a full web page (full text for teaser feeds, local .html files).

Two proven extractors are run and one is chosen, because each fails differently:

* **readability-lxml** (a port of the algorithm behind Firefox Reader View) keeps
  the article whole, subheadings, figures and lists included; on the 30 news
  pages of ``shared/corpus/html-articles/mozilla-readability`` its text has the
  best word F1 (see ``benchmarks/EXTRACTION.md``).
* **trafilatura** rarely picks the wrong block and reads the page's metadata
  (title, author, date via htmldate) better than anything else we tried.

The body is readability's unless it is less than half as long as trafilatura's
(readability then latched onto a fragment: a gallery, a comment); trafilatura's
is the fallback, and the whole page (minus scripts, forms, navigation) the last
resort. Metadata comes from trafilatura, then from the page's own tags. Both
extractors only ever see the string given: nothing here touches the network.

Both libraries are imported on first use: together they cost ~0.25 s to import,
which ``termnews --help`` and the TUI's first paint should not pay.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from termnews.core.content import html_to_markdown, html_to_text
from termnews.core.dates import parse_date
from termnews.core.text import clean_line

__all__ = ["ExtractedArticle", "extract_article"]

MAX_PAGE_CHARS = 5_000_000
"""Pages longer than this are cut before extraction (bounded time on hostile input)."""

TRAFILATURA_MAX_CHARS = 1_000_000
"""trafilatura's extraction grows faster than linearly with the number of blocks (a
1.7 MB page of 20,000 paragraphs takes ~5 s): on longer pages only readability
extracts the body, and trafilatura reads the metadata from the page's start."""

_METADATA_CHARS = 300_000

_FALLBACK_SHARE = 0.5
"""readability's body is kept unless it has fewer words than this share of trafilatura's."""

for _name in ("trafilatura", "readability", "htmldate", "courlan", "justext"):
    # These libraries log warnings about odd pages; with no handler configured,
    # Python would print them on stderr, in the middle of the TUI.
    logging.getLogger(_name).addHandler(logging.NullHandler())


@dataclass(frozen=True, slots=True)
class ExtractedArticle:
    """The readable part of a web page."""

    title: str
    author: str | None
    published: datetime | None
    markdown: str
    """The body as Markdown (subheadings, lists, links, images), title not repeated."""
    text: str
    """The body as plain text on one line, for summaries and search."""
    site_name: str = ""
    """The publication the page says it is from ("Ars Technica"), or ""."""


def extract_article(html: str, url: str | None = None) -> ExtractedArticle:
    """Extract title, byline, date and main text from a whole page; never raises.

    ``url`` resolves relative links and images and helps the extractors read
    the page's metadata; it is never fetched.
    """
    if not html or not isinstance(html, str) or not html.strip():
        return ExtractedArticle(title="", author=None, published=None, markdown="", text="")
    page = html[:MAX_PAGE_CHARS]
    if len(page) <= TRAFILATURA_MAX_CHARS:
        meta, traf_body = _trafilatura(page, url)
    else:
        meta, traf_body = _trafilatura_metadata(page[:_METADATA_CHARS], url), ""
    read_body = _readability(page)
    body = _choose(read_body, traf_body)
    if not body:
        body = page  # neither found an article: show the page without its chrome
    title, site = clean_line(meta.get("title")), clean_line(meta.get("sitename"))
    if not title or not site:  # the page read once for what trafilatura did not find
        root = _page_root(page)
        title = title or _page_meta(root, _TITLE_TAGS)
        site = site or _page_meta(root, _SITE_TAGS)
    markdown = _drop_leading_title(html_to_markdown(body, url), title)
    author = _distinct_names(clean_line(meta.get("author"))) or None
    return ExtractedArticle(
        title=title,
        author=author,
        published=parse_date(meta.get("date")),
        markdown=markdown,
        text=_drop_title_text(html_to_text(body), title),
        site_name=site or clean_line(meta.get("hostname")),
    )


def _trafilatura(page: str, url: str | None) -> tuple[dict[str, str], str]:
    """(metadata, body HTML) from trafilatura; empty when it finds nothing or fails."""
    try:
        import trafilatura

        output = trafilatura.extract(
            page,
            url=url,
            output_format="html",
            with_metadata=True,
            include_links=True,
            include_images=True,
            include_formatting=True,
            include_tables=True,
            include_comments=False,
        )
    except Exception:  # a third-party parser on hostile input: any failure means "nothing"
        return {}, ""
    if not output:
        return {}, ""
    meta: dict[str, str] = {}
    try:
        root = lxml_html.document_fromstring(output)
    except (etree.ParserError, ValueError):
        return meta, output
    for tag in root.iterfind("head/meta"):
        name, content = tag.get("name"), tag.get("content")
        if name and content:
            meta[name] = content
    body = root.find("body")
    if body is None or not "".join(body.itertext()).strip():
        return meta, ""
    return meta, etree.tostring(body, encoding="unicode")


def _trafilatura_metadata(page: str, url: str | None) -> dict[str, str]:
    try:
        import trafilatura

        found: Any = trafilatura.extract_metadata(page, default_url=url)
    except Exception:  # as above: a failure means no metadata
        return {}
    if found is None:
        return {}
    fields = {
        "title": found.title,
        "author": found.author,
        "date": found.date,
        "sitename": found.sitename,
    }
    return {key: str(value) for key, value in fields.items() if value}


def _readability(page: str) -> str:
    """Body HTML from readability-lxml; empty when it fails.

    No ``url`` is passed: html_to_markdown resolves links itself, and
    readability's own link rewriting costs a fifth of its run time.
    """
    try:
        from readability import Document

        doc: Any = Document(page)
        return str(doc.summary(html_partial=True))
    except Exception:  # readability raises its own Unparseable and lxml errors
        return ""


def _word_count(body: str) -> int:
    return len(html_to_text(body).split()) if body else 0


def _choose(read_body: str, traf_body: str) -> str:
    read_words = _word_count(read_body)
    traf_words = _word_count(traf_body)
    if read_words and read_words >= _FALLBACK_SHARE * traf_words:
        return read_body
    return traf_body if traf_words else read_body if read_words else ""


def _distinct_names(byline: str) -> str:
    """``byline`` with each of its "; "-separated names once, whatever its case.

    trafilatura joins every author a page names, and pages name one twice: the New
    York Times' "By Jeffrey Gettleman; JEFFREY GETTLEMAN" (its byline, then its
    metadata), shown as written in the pane.
    """
    if ";" not in byline:
        return byline
    names: dict[str, str] = {}
    for name in byline.split(";"):
        name = name.strip()
        if name:
            names.setdefault(name.casefold(), name)
    return "; ".join(names.values())


_TITLE_TAGS = ("//meta[@property='og:title']/@content", "//title/text()", "//h1//text()")
_SITE_TAGS = (
    "//meta[@property='og:site_name']/@content",
    "//meta[@name='application-name']/@content",
)
"""Where a page names its publication when trafilatura found no page to read it from."""


def _page_root(page: str) -> lxml_html.HtmlElement | None:
    """The start of ``page`` parsed, or None when lxml cannot read it."""
    try:
        return lxml_html.document_fromstring(page[:500_000])
    except (etree.ParserError, ValueError):
        return None


def _page_meta(root: lxml_html.HtmlElement | None, paths: tuple[str, ...]) -> str:
    """The first of ``paths`` (XPath) that has text in ``root``, on one clean line."""
    if root is None:
        return ""
    for path in paths:
        found = root.xpath(path)
        if isinstance(found, list):
            if path.endswith("@content"):
                found = found[:1]  # one attribute is one name (the text nodes are one text)
            text = clean_line(" ".join(str(x) for x in found))
            if text:
                return text
    return ""


_NON_WORD = re.compile(r"[\W_]+")
_BYLINE = re.compile(r"^[*_]{0,2}(?:by|von|par|por|di|door)\s+\w", re.IGNORECASE)


_LONE_IMAGE = re.compile(r"!\[([^\]\n]+)\]\(([^()\s]+)\)")
"""A block that is one image, ``![alt](url)`` (URLs from the converter have no parentheses)."""


def _same_words(a: str, b: str) -> bool:
    return _NON_WORD.sub("", a.lower()) == _NON_WORD.sub("", b.lower())


def _drop_leading_title(markdown: str, title: str) -> str:
    """The pane shows title and byline above the body: drop them from its top.

    Only the first two blocks are looked at: a heading repeating the title and
    a short "By ..." line.
    """
    blocks = markdown.split("\n\n")
    kept = 0
    while kept < min(2, len(blocks)):
        block = blocks[kept]
        image = _LONE_IMAGE.fullmatch(block)
        if title and image and _same_words(image.group(1), title):
            # The lead image's alt is often the headline again (ars-1, qq): the pane
            # read the title twice, the second time as "[image: <the title>]".
            blocks[kept] = "![](" + image.group(2) + ")"
            kept += 1
            continue
        repeats_title = block.startswith("#") and _same_words(block.lstrip("#"), title)
        byline = _BYLINE.match(block) and len(block.split()) <= 12 and "\n" not in block
        if (title and repeats_title) or byline:
            blocks.pop(kept)
        else:
            kept += 1
    return "\n\n".join(blocks)


def _drop_title_text(text: str, title: str) -> str:
    if title and text.startswith(title):
        return text[len(title) :].lstrip()
    return text
