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

import copy
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from termnews.core.content import html_to_markdown, html_to_text, space_glued_words
from termnews.core.dates import parse_date
from termnews.core.text import clean_line
from termnews.core.title_echo import without_title_echo

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
    read_body, root = _readability(page)
    body = _choose(read_body, traf_body)
    if body and root is not None:
        body = _with_standfirst(_without_header_dates(_without_signup_lines(body)), root)
    if not body:
        body = page  # neither found an article: show the page without its chrome
    body = space_glued_words(body)  # for the plain text: the Markdown does it itself
    title, site = clean_line(meta.get("title")), clean_line(meta.get("sitename"))
    if not title or not site:  # the page read once for what trafilatura did not find
        root = root if root is not None else _page_root(page)
        title = title or _page_meta(root, _TITLE_TAGS)
        site = site or _page_meta(root, _SITE_TAGS)
    # The pane prints title and byline above the body: not again at its top.
    markdown = without_title_echo(html_to_markdown(body, url), title, url, bylines=True)
    author = _distinct_names(clean_line(meta.get("author"))) or None
    title = _without_name_suffix(title, [author or "", site or ""])
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


def _readability(page: str) -> tuple[str, lxml_html.HtmlElement | None]:
    """Body HTML from readability-lxml, its lost figures put back (empty when it fails),
    and the page parsed with its blocks numbered (:func:`_mark_blocks`), or None.

    No ``url`` is passed: html_to_markdown resolves links itself, and
    readability's own link rewriting costs a fifth of its run time.
    """
    root = _page_root(page, limit=None)
    if root is not None:
        _label_unseen(root)
    marked = _mark_blocks(root) if root is not None else None
    try:
        from readability import Document

        doc: Any = Document(marked or page)
        body = str(doc.summary(html_partial=True))
    except Exception:  # readability raises its own Unparseable and lxml errors
        return "", root
    if root is None or marked is None:
        return body, root
    return _restore_paragraphs(_restore_figures(body, root), root), root


_LOST_MIN_WORDS = 3
_LOST_MAX_LINK_SHARE = 0.5


def _restore_paragraphs(body: str, root: lxml_html.HtmlElement) -> str:
    """readability's body with the story's paragraphs it dropped from among its own put back.

    readability-lxml's clean-up drops a paragraph here and there from the middle of
    a story it kept: salon-1 lost "As Mashable reports, ..." (two links in it), "What
    can we learn from this incident?" and the quoted tweet under it, and read as if
    the quote answered nothing. A paragraph of the page standing between the first
    and the last paragraph readability kept, beside one of them (same parent), with
    a few words and mostly not links, is the story's: it goes back after the kept
    block before it. Paragraphs inside a block readability kept and trimmed, and
    any outside the kept stretch, stay as it chose.
    """
    try:
        out = lxml_html.fragment_fromstring(body, create_parent="div")
    except (etree.ParserError, ValueError):
        return body
    kept = {_mark_of(el): el for el in out.iter() if _mark_of(el) >= 0}
    paragraphs = [m for m, el in kept.items() if el.tag == "p" and _plain(el)]
    if len(paragraphs) < 2:
        return body
    first, last = min(paragraphs), max(paragraphs)
    changed = False
    for p in root.iter("p"):
        at = _mark_of(p)
        if not first < at < last or at in kept:
            continue
        text = _plain(p)
        if len(text.split()) < _LOST_MIN_WORDS:
            continue
        links = sum(len(_plain(a)) for a in p.iter("a"))
        if links > _LOST_MAX_LINK_SHARE * len(text):
            continue
        if any(_mark_of(a) in kept for a in p.iterancestors()):
            continue  # inside a block readability kept and trimmed: not ours to undo
        anchor = None
        for before in p.itersiblings(preceding=True):
            if _mark_of(before) in kept:
                anchor = kept[_mark_of(before)]
                break
        if anchor is None:
            continue
        restored = _clean_copy(p)
        anchor.addnext(restored)
        kept[at] = restored
        changed = True
    if not changed:
        return body
    return str(etree.tostring(out, encoding="unicode", method="html"))


_SIGNUP_WORDS = re.compile(r"\b(?:inbox|sign(?:\s|-)?up|subscribe)\b", re.IGNORECASE)
_SIGNUP_MAX_WORDS = 30


def _without_signup_lines(body: str) -> str:
    """``body`` without the story's one-line newsletter plugs.

    Pages put a sign-up line among the story's paragraphs ("[What you need to know to
    start the day: Get New York Today in your inbox.]", nytimes-3), a paragraph of its
    own that Readability keeps: the site's, not the story's. A short paragraph that
    links to a newsletter page and asks for a sign-up or an inbox is left out; one
    that links elsewhere, or says more, is the story's.
    """
    if "newsletter" not in body.casefold():
        return body
    try:
        out = lxml_html.fragment_fromstring(body, create_parent="div")
    except (etree.ParserError, ValueError):
        return body
    changed = False
    for p in list(out.iter("p")):
        text = _plain(p)
        if not text or len(text.split()) > _SIGNUP_MAX_WORDS or not _SIGNUP_WORDS.search(text):
            continue
        links = [a.get("href") or "" for a in p.iter("a")]
        if links and all("newsletter" in link.casefold() for link in links):
            p.drop_tree()
            changed = True
    if not changed:
        return body
    return str(etree.tostring(out, encoding="unicode", method="html"))


_TEXT_PARENTS = frozenset("p li dd dt td th figcaption blockquote h1 h2 h3 h4 h5 h6".split())  # noqa: SIM905
"""Blocks of running text: a ``<time>`` in one is part of a sentence."""


def _without_header_dates(body: str) -> str:
    """``body`` without the ``<time>`` stamps standing alone between its header's blocks.

    The pane prints the article's date above the body. Pages print theirs (often
    twice: published and modified) as bare ``<time>`` elements beside the byline,
    and breitbart's body opened with "22 Dec, 2016 22 Dec, 2016". A ``<time>``
    directly in a container, not in a paragraph, list or caption, and above the
    first paragraph of running text is that stamp; a date in a sentence stays.
    """
    if "<time" not in body:
        return body
    try:
        out = lxml_html.fragment_fromstring(body, create_parent="div")
    except (etree.ParserError, ValueError):
        return body
    stamps: list[etree._Element] = []
    for el in out.iter():
        if el.tag == "p" and len(_plain(el).split()) >= _LEAD_MIN_WORDS:
            break  # the story has begun
        parent = el.getparent()
        if el.tag != "time" or parent is None or parent.tag in _TEXT_PARENTS:
            continue
        if not ((parent.text or "").strip() and el.getprevious() is None):
            stamps.append(el)
    if not stamps:
        return body
    for el in stamps:
        el.drop_tree()
    return str(etree.tostring(out, encoding="unicode", method="html"))


_DESCRIPTION_TAGS = (
    "//meta[@property='og:description']/@content",
    "//meta[@name='description']/@content",
    "//meta[@name='twitter:description']/@content",
)
_STANDFIRST_MIN_WORDS = 8


def _with_standfirst(body: str, root: lxml_html.HtmlElement) -> str:
    """``body`` led by the story's standfirst when the page prints one above it.

    A standfirst (the New York Times' summary under its headline, nytimes-3) sits
    in the page's header, apart from the story's paragraphs, and neither extractor
    kept it: the pane opened on the first paragraph without the sentence that sums
    the story up. A paragraph of the page above the body's first one whose text is
    the page's own description (``og:description``) is that standfirst; a
    description the page does not print, or that the body holds already (most
    pages describe a story by its first paragraph), changes nothing.
    """
    wanted = " ".join(_page_meta(root, _DESCRIPTION_TAGS).split())
    if len(wanted.split()) < _STANDFIRST_MIN_WORDS:
        return body
    try:
        out = lxml_html.fragment_fromstring(body, create_parent="div")
    except (etree.ParserError, ValueError):
        return body
    if wanted in _plain(out):
        return body
    marks = [_mark_of(p) for p in out.iter("p") if _mark_of(p) >= 0 and _plain(p)]
    if not marks:
        return body
    first = min(marks)
    for p in root.iter("p"):
        at = _mark_of(p)
        if at < 0 or at >= first:
            break
        if _plain(p) == wanted:
            lead = etree.Element("p")
            lead.text = wanted
            return "<div>" + str(etree.tostring(lead, encoding="unicode")) + "</div>" + body
    return body


_CLASS_RULE = re.compile(r"((?:\.[\w-]+\s*,\s*)*\.[\w-]+)\s*\{([^{}]*)\}")
"""A CSS rule for classes alone (``.a, .b { ... }``): what a screen-reader-only class is."""
_CLIPPED_AWAY = re.compile(
    r"clip\s*:\s*rect\(\s*(?:0(?:px)?[\s,]+){3}0(?:px)?\s*\)"
    r"|clip\s*:\s*rect\(\s*(?:1px[\s,]+){3}1px\s*\)",
    re.IGNORECASE,
)
"""The declaration that shows nothing of a box: the screen-reader-only pattern."""
_UNSEEN_CLASS = "visually-hidden"
"""A class content.py leaves out of the pane (its ``_SCREEN_READER_ONLY``)."""


def _label_unseen(root: lxml_html.HtmlElement) -> None:
    """Mark what the page's own stylesheet shows only to screen readers as such.

    Pages that hash their class names (CSS-in-JS: the New York Times' ``css-1ly73wi``)
    hide their "Credit" and "Photo" labels with a rule such as ``position:absolute;
    clip:rect(0 0 0 0); width:1px; height:1px``: a sighted reader sees "... winter
    weather. Kirsten Luce for The New York Times", the pane read "Credit Kirsten
    Luce". A class whose rule clips its box to nothing gets ``visually-hidden``,
    which the Markdown converter leaves out as it does the named ones.
    """
    hidden: set[str] = set()
    for style in root.iter("style"):
        css = style.text or ""
        if "clip" not in css:
            continue
        for rule in _CLASS_RULE.finditer(css):
            if _CLIPPED_AWAY.search(rule.group(2)):
                hidden.update(name.strip()[1:] for name in rule.group(1).split(","))
    if not hidden:
        return
    for el in root.xpath("//*[@class]"):
        classes = str(el.get("class")).split()
        if any(name in hidden for name in classes):
            el.set("class", " ".join([*classes, _UNSEEN_CLASS]))


_MARK = "data-termnews-at"
"""The attribute that numbers a page's blocks in document order for readability, so
what it kept can be told apart from what it dropped (see :func:`_restore_figures`)."""
_MARKED_TAGS = frozenset(
    "p figure h1 h2 h3 h4 h5 h6 blockquote pre table ul ol dl li".split()  # noqa: SIM905
)


def _mark_blocks(root: lxml_html.HtmlElement) -> str | None:
    """The page serialized with each block numbered (:data:`_MARK`), or None."""
    count = 0
    for el in root.iter(*_MARKED_TAGS):
        el.set(_MARK, str(count))
        count += 1
    if not count:
        return None
    try:
        return str(etree.tostring(root, encoding="unicode", method="html"))
    except (etree.LxmlError, ValueError):
        return None


def _mark_of(el: etree._Element) -> int:
    value = el.get(_MARK)
    return int(value) if value is not None and value.isdigit() else -1


def _shows_image(figure: etree._Element) -> bool:
    """Whether a ``<figure>`` holds a picture a reader would see (not an empty frame)."""
    for img in figure.iter("img", "source"):
        src = img.get("src") or img.get("srcset") or img.get("data-src") or ""
        if src.strip() and not src.startswith("data:"):
            return True
    return False


def _has_caption(figure: etree._Element) -> bool:
    """Whether a ``<figure>`` has a caption with words in it."""
    return any("".join(cap.itertext()).strip() for cap in figure.iter("figcaption"))


def _is_shown(figure: etree._Element) -> bool:
    """A figure of a picture: an image, or the caption of one the page loads later (the
    New York Times' lazy images are an empty ``<div>`` until scrolled to). A video
    player's figure is not: the pane cannot play it, and its caption would describe
    a picture that is not there."""
    if next(figure.iter("iframe", "video", "audio", "object", "embed"), None) is not None:
        return False
    return _shows_image(figure) or _has_caption(figure)


def _restore_figures(body: str, root: lxml_html.HtmlElement) -> str:
    """readability's body with the figures inside the article put back as the page has them.

    readability-lxml's clean-up drops a figure whose picture sits in a ``<div>``
    with no text (the Guardian's ``<div class="u-responsive-ratio"><picture>``)
    and every figure standing between the several ``<div>``s a story body is
    split into (the New York Times): the pane lost the story's photographs and
    their captions. A reader sees each picture printed between the first and the
    last paragraph of the article as part of it, so each such figure of the page
    (numbered by :func:`_mark_blocks`) is put back where the page has it, whole,
    and the Markdown converter reads its image and caption as for any figure.
    Figures above the first paragraph or below the last are left as readability
    chose (a promo, a teaser, a lead image it judged apart).
    """
    try:
        out = lxml_html.fragment_fromstring(body, create_parent="div")
    except (etree.ParserError, ValueError):
        return body
    kept = {_mark_of(el): el for el in out.iter() if _mark_of(el) >= 0}
    paragraphs = [
        m for m, el in kept.items() if el.tag == "p" and (el.text_content() or "").strip()
    ]
    if not paragraphs:
        return body
    first, last = min(paragraphs), max(paragraphs)
    changed = False
    for figure in root.iter("figure"):
        at = _mark_of(figure)
        if not first < at < last or not _is_shown(figure):
            continue
        present = kept.get(at)
        if present is not None and (
            _shows_image(present) >= _shows_image(figure)
            and _has_caption(present) >= _has_caption(figure)
        ):
            continue
        if any(_mark_of(a) in kept for a in figure.iterancestors()) and present is None:
            continue  # inside a block readability kept and trimmed: not ours to undo
        restored = _clean_copy(figure)
        _add_caption_list(restored, figure, kept)
        if present is not None:
            present.getparent().replace(present, restored)
        else:
            anchor = _anchor_before(kept, at)
            if anchor is None:
                continue
            anchor.addnext(restored)
        kept[at] = restored
        changed = True
    if not changed:
        return body
    return str(etree.tostring(out, encoding="unicode", method="html"))


_CAPTION_LIST_WORDS = 80
"""Longest item of a list that is a picture's caption (a caption, not an article)."""


def _add_caption_list(
    restored: etree._Element, figure: etree._Element, kept: dict[int, Any]
) -> None:
    """Give ``restored`` the caption the page prints as a list right under the figure.

    The Guardian's photo essays caption each picture with a one-item list after its
    ``<figure>`` ("Clockwise from top: small whale bones; ..."), which readability
    drops with the picture (guardian-1 lost all six). A list of a few short items
    without links, directly after a figure that has no caption of its own and that
    readability did not keep, is read as its caption: a menu or a related-links
    list is links.
    """
    after = figure.getnext()
    if after is None or after.tag not in ("ul", "ol") or _mark_of(after) in kept:
        return
    if _has_caption(figure) or after.find(".//a") is not None:
        return
    items = [" ".join("".join(li.itertext()).split()) for li in after.iterfind("li")]
    if not 1 <= len(items) <= 3 or not all(
        0 < len(item.split()) <= _CAPTION_LIST_WORDS for item in items
    ):
        return
    caption = etree.SubElement(restored, "figcaption")
    caption.text = " ".join(items)


def _clean_copy(figure: etree._Element) -> etree._Element:
    """A copy of a page's figure without its scripts, buttons and icons (the converter
    leaves them out too; dropping them first keeps the body small)."""
    twin = copy.deepcopy(figure)
    twin.tail = None
    for junk in twin.xpath(".//script|.//style|.//svg|.//button|.//template"):
        if isinstance(junk, lxml_html.HtmlElement):
            junk.drop_tree()  # its tail (text after it) stays
    return twin


def _anchor_before(kept: dict[int, etree._Element], at: int) -> etree._Element | None:
    """The kept block a restored figure follows: the last before it, lifted out of lists
    and quotes (a figure after a list's last item goes after the list)."""
    before = [m for m in kept if m < at]
    if not before:
        return None
    anchor = kept[max(before)]
    while True:
        parent = anchor.getparent()
        if parent is None or parent.getparent() is None or _mark_of(parent) < 0:
            return anchor
        anchor = parent


def _word_count(body: str) -> int:
    return len(html_to_text(body).split()) if body else 0


def _choose(read_body: str, traf_body: str) -> str:
    read_words = _word_count(read_body)
    traf_words = _word_count(traf_body)
    if read_words and read_words >= _FALLBACK_SHARE * traf_words:
        return _with_lead(read_body, traf_body)
    return traf_body if traf_words else read_body if read_words else ""


_PROSE_END = re.compile(r"[.!?…。！？][\"'”’»)\]」』]*$")
_LEAD_MIN_WORDS = 20
"""A paragraph put back from trafilatura's text is at least this long: running text,
not a caption, a byline or a standfirst-sized teaser."""


def _with_lead(read_body: str, traf_body: str) -> str:
    """readability's body with the article's opening paragraphs it missed put back.

    A page that prints the top of a story in one container and the rest in
    another ("read more" below an ad: the Herald Sun) has readability choose
    the longer container alone: the story started in its fifth paragraph. When
    trafilatura's text holds readability's first paragraph, the paragraphs of
    running text just before it there (each one long and ending a sentence, in
    an unbroken run up to it) are the story's opening, as a reader reads it,
    and go first. Headings, captions, bylines and teasers stop the run.
    """
    if not traf_body:
        return read_body
    try:
        read = lxml_html.fragment_fromstring(read_body, create_parent="div")
        traf = lxml_html.fragment_fromstring(traf_body, create_parent="div")
    except (etree.ParserError, ValueError):
        return read_body
    opening = next(
        (_plain(p) for p in read.iter("p") if len(_plain(p).split()) >= _LEAD_MIN_WORDS),
        "",
    )
    if not opening:
        return read_body
    blocks = [
        el
        for el in traf.iter(
            "p",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "ul",
            "ol",
            "blockquote",
            "figure",
            "table",
            "pre",
        )
        if not any(
            a.tag in ("p", "li", "blockquote", "figure", "table") for a in el.iterancestors()
        )
    ]
    at = next((i for i, el in enumerate(blocks) if _plain(el) == opening), None)
    if at is None:
        return read_body
    known = _plain(read)
    lead: list[etree._Element] = []
    for el in reversed(blocks[:at]):
        text = _plain(el)
        if el.tag != "p" or len(text.split()) < _LEAD_MIN_WORDS or not _PROSE_END.search(text):
            break
        if text in known:
            break
        lead.insert(0, el)
    if not lead:
        return read_body
    head = "".join(
        etree.tostring(el, encoding="unicode", method="html", with_tail=False) for el in lead
    )
    return "<div>" + head + "</div>" + read_body


def _plain(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


_NAME_SUFFIX = re.compile(r"\s+[|–—-]\s+([^|–—]{2,80})$")


def _without_name_suffix(title: str, names: list[str]) -> str:
    """``title`` without a trailing " | <author>" or " - <site>" that names its byline or
    publication: the pane prints both beside the headline ("... whale strandings |
    Eleanor Ainge Roy", the Guardian's og:title, read as part of the headline)."""
    match = _NAME_SUFFIX.search(title)
    if match is None or match.start() == 0:
        return title
    said = match.group(1).strip().casefold()
    if any(name and said == name.strip().casefold() for name in names):
        return title[: match.start()].rstrip()
    return title


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


def _page_root(page: str, limit: int | None = 500_000) -> lxml_html.HtmlElement | None:
    """``page`` (its start, up to ``limit`` characters) parsed, or None when lxml cannot."""
    try:
        return lxml_html.document_fromstring(page[:limit] if limit else page)
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


def _drop_title_text(text: str, title: str) -> str:
    if title and text.startswith(title):
        return text[len(title) :].lstrip()
    return text
