"""Feed and page HTML to clean Markdown (article pane, ``termnews show``) and plain text.

Why our own lxml walker rather than a converter library: it was measured against
html-to-markdown 3.x (Rust core) and markdownify 1.2 on the 4,764 item bodies of
``shared/corpus/feeds-real`` (see ``benchmarks/content_conversion.py``). markdownify
costs ~1.2 ms for a 3 KB body, above our budget. html-to-markdown is fast, but
feed HTML needs cleaning that it does not do and that would need a second parse
anyway: it keeps ``data:`` links, tracking pixels (feedburner ``~r``, Medium stat
beacons), empty share links and feedflare blocks, does not escape Markdown
characters in text, and silently drops the rest of a document nested too deeply.
Sanitising has to happen once, while walking the tree, so the walker below does
both: lxml (already a dependency) parses, one pass renders and cleans, in about
0.25 ms for a typical 2-5 KB body (median over 477 such bodies, one core).

The walker is recursive but depth-capped (libxml2 itself stops at 255 levels),
so hostile nesting cannot hit Python's recursion limit; a document that trips
libxml2's depth limit is re-parsed without its wrapper tags so no text is lost.
Every public function here returns a string and never raises.
"""

from __future__ import annotations

import html as html_lib
import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from html.entities import name2codepoint
from operator import attrgetter
from urllib.parse import urlsplit

from lxml import etree

from termnews.core.reading import WORDS_PER_MINUTE, reading_time_minutes
from termnews.core.text import clean_block, clean_line, clean_printable_line, strip_unsafe
from termnews.core.urls import safe_url

__all__ = [
    "WORDS_PER_MINUTE",
    "escape_markdown",
    "escape_paragraph",
    "html_to_markdown",
    "html_to_text",
    "reading_time_minutes",
    "safe_url",
    "space_glued_words",
]

MAX_INPUT_CHARS = 2_000_000
"""Bodies longer than this are cut before parsing: no news item is that long, and a
hostile feed must not make ingest slow."""

_MAX_DEPTH = 120
"""Element depth past which a subtree is rendered as flat text (recursion guard)."""


# --- element classes -------------------------------------------------------------

_DROP_TAGS = frozenset(
    """script style noscript iframe frame frameset object embed applet form input button select
    textarea option optgroup datalist output label svg math canvas template head title meta
    link base nav audio video source track map area param dialog""".split()  # noqa: SIM905
)
_BLOCK_TAGS = frozenset(
    """address article aside blockquote body center dd details dir div dl dt fieldset
    figcaption figure footer h1 h2 h3 h4 h5 h6 header hgroup hr html legend li listing main
    menu ol p plaintext pre section summary table tbody td tfoot th thead tr ul xmp
    caption""".split()  # noqa: SIM905
)
_IMAGE_FILES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".bmp", ".svg")
"""What a link to a picture's full-size file ends in."""
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_STRONG = frozenset({"b", "strong"})
_EMPHASIS = frozenset({"i", "em", "cite", "dfn", "var"})
_STRIKE = frozenset({"del", "s", "strike"})
_CODE = frozenset({"code", "kbd", "samp", "tt"})
_SUPERSCRIPT = str.maketrans("0123456789+-\u2212=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱ")
_ORDINAL_MARK = re.compile(
    r"st|nd|rd|th|e|er|re|ère|ème|eme|es|o|a|os|as|º|ª|°|[®©™†‡*]|TM|SM|MC|MD",
    re.IGNORECASE,
)
"""Raised text that reads right run into the word: ordinals ("21st", "1er", "2ª")
and marks ("Windows®", "Brand™", a footnote's "*")."""
_SUBSCRIPT = str.maketrans("0123456789+-\u2212=()", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎")
"""Raised and lowered characters for ``<sup>``/``<sub>`` text: Markdown has no
such mark, and flattened to the line, "x<sup>2</sup>" read as "x2" and
"10<sup>6</sup>" as the wrong number "106"."""

_SHARE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:share|sharing|sharedaddy|social-?(?:links|share|icons|buttons)|"
    r"addtoany|addthis|sharethis|feedflare|jp-relatedposts|wpcnt|mf-viral|"
    r"post-share|share-?buttons|printfriendly|subscribe-box)(?:$|[\s_-])",
    re.IGNORECASE,
)
_PROMO_CLASS = re.compile(
    r"pull-?quote|instapaper_ignore|newsletter|opt-?in|sign-?up"
    r"|related-(?:list|posts?|articles?|stories|content|links)|outbrain|taboola",
    re.IGNORECASE,
)
"""Classes and ids of pull quotes, newsletter sign-up boxes and "related" lists.

A pull quote repeats a sentence of the article in large type beside it (citylab-1,
theverge in shared/corpus/html-articles; Reader View drops it): in the pane it
read as the same sentence twice. A sign-up box is the site's, not the story's
("SIGN UP FOR OUR NEWSLETTER" twice in breitbart, The Verge's plans and prices).
Matched anywhere in the name ("duet--article--article-pullquote", "EmailOptin").
"""
_PROMO_MAX_CHARS = 1000
"""A block so marked is dropped only if it holds less text than this: a newsletter
issue wrapped in ``<div class="newsletter-body">`` is the article itself."""
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# Trackers and share buttons are recognised by host and path prefix (``_host_path``:
# lower case, no scheme, no "www."): a tuple ``startswith`` is ~50x faster than a
# big regex alternation, and ingest checks every link and image of every item.
_TRACKER_PREFIXES = (
    "feeds.feedburner.com/~",
    "feedproxy.google.com/~",
    "feedads.g.doubleclick.net",
    "feedads.googleadservices.com",
    "feeds.wordpress.com/1.0/",
    "pixel.wp.com",
    "stats.wordpress.com",
    "medium.com/_/stat",
    "google-analytics.com",
    "ssl.google-analytics.com",
    "cpx.golem.de",
    "slashdot.org/slashdot-it",
    "assoc-amazon.com/e/ir",
    "feeds.feedblitz.com/~/i/",
    "feedpress.me/",
    "pixel.quantserve.com",
    "sb.scorecardresearch.com",
    "b.scorecardresearch.com",
    "counter.",
    "pixel.",
    "track.",
    "tracking.",
)
_TRACKER_HOST_SUFFIXES = (
    ".doubleclick.net",
    ".pheedo.com",
    ".feedsportal.com",
    ".bluekai.com",
    ".adsrvr.org",
    ".scorecardresearch.com",
    ".quantserve.com",
)
_PIXEL_NAME = re.compile(r"(?:^|[/_-])(?:pixel|spacer|blank|transparent|1x1|beacon)\.(?:gif|png)$")
_SHARE_PREFIXES = (
    "twitter.com/intent/",
    "twitter.com/share",
    "twitter.com/home?status",
    "x.com/intent/",
    "facebook.com/sharer",
    "facebook.com/share.php",
    "plus.google.com/share",
    "linkedin.com/sharearticle",
    "linkedin.com/sharing/",
    "reddit.com/submit",
    "pinterest.com/pin/create",
    "digg.com/submit",
    "del.icio.us/post",
    "delicious.com/save",
    "delicious.com/post",
    "stumbleupon.com/submit",
    "addtoany.com/share",
    "addtoany.com/add_to",
    "addthis.com/bookmark",
    "news.ycombinator.com/submitlink",
    "wa.me/?text",
    "t.me/share",
    "tumblr.com/share",
    "feeds.feedburner.com/~ff/",
    "feeds.feedburner.com/~f/",
    "feeds.feedburner.com/~a/",
    "feedads.g.doubleclick.net",
    "feeds.wordpress.com/1.0/go",
    "blogger.com/share-post",
    "flattr.com/submit",
)


def _host_path(url: str) -> str:
    """``url`` without scheme and ``www.``, lower-cased, for prefix checks."""
    rest = url.split("://", 1)[-1].lower()
    return rest[4:] if rest.startswith("www.") else rest


def _is_tracker(url: str) -> bool:
    rest = _host_path(url)
    if rest.startswith(_TRACKER_PREFIXES):
        return True
    host, _, path = rest.partition("/")
    if ("." + host).endswith(_TRACKER_HOST_SUFFIXES):
        return True
    name = path.split("?", 1)[0].rsplit("/", 1)[-1]
    return bool(name) and _PIXEL_NAME.search(name) is not None


def _is_share_link(href: str) -> bool:
    if href.startswith("mailto:?"):
        return True  # "share by e-mail": a mailto with no recipient
    rest = _host_path(href)
    return rest.startswith(_SHARE_PREFIXES) or ("." + rest.partition("/")[0]).endswith(
        (".pheedo.com",)
    )


# --- whitespace and escaping -------------------------------------------------------

_SPECIAL_HINT = re.compile(r"[\\`*\[\]_<&~]")
_INLINE_SPECIAL = re.compile(r"[\\`*\[\]]|(?<!\w)_|_(?!\w)|<(?=[A-Za-z/!?])|&(?=#?\w+;)|~(?=~)")
_LINE_START = re.compile(
    r"^(?:#{1,6}(?=\s|$)|>|[-+](?=\s|$)|\d{1,9}(?=[.)](?:\s|$))|=+\s*$|-{2,}\s*$)"
)
_HARD_BREAK = "  \n"
_BR_MARK = "\ue000"
"""Stands for ``<br>`` while inline text is collapsed; becomes a hard break."""
_LOOKS_LIKE_HTML = re.compile(r"<(?:/?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>|!--)")
_WRAPPER_TAGS = re.compile(
    r"</?(?:div|span|section|article|font|center|main|header|footer|aside|b|i|em|strong|u)\b[^>]*>",
    re.IGNORECASE,
)
_EDGES = re.compile(rf"^([\s{_BR_MARK}]*)(.*?)([\s{_BR_MARK}]*)$", re.DOTALL)
_MANY_NEWLINES = re.compile(r"\n{3,}")
_BACKTICKS = re.compile(r"`+")
_TIGHT_AFTER = tuple(".,;:!?)]")
"""Punctuation that follows an image with no space (a tuple: "" is in every str)."""
_OUTER_PUNCTUATION = ".,:;!?\"'”’)…"
"""Punctuation that may close a stressed phrase and can move outside its marks."""
_CODE_LANG = re.compile(r"(?:^|\s)(?:language|lang)-([\w+#.-]{1,24})")


def escape_markdown(text: str) -> str:
    """Escape characters that would turn plain text into Markdown formatting.

    Intraword ``_`` (snake_case) is left alone: CommonMark ignores it and the
    backslash would only be noise in ``termnews show``.
    """
    if _SPECIAL_HINT.search(text) is None:
        return text
    return _INLINE_SPECIAL.sub(r"\\\g<0>", text)


def escape_paragraph(text: str) -> str:
    """Plain text as one Markdown paragraph that renders exactly as written.

    Inline characters are escaped and so are block markers at the start of a
    line, so "2024. A year" or "- not a list" stay text.
    """
    return _escape_line_starts(escape_markdown(text))


def _escape_line_starts(text: str) -> str:
    """Escape block markers (``# ``, ``> ``, ``- ``, ``1. ``) at the start of each line."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        match = _LINE_START.match(line)
        if match:
            lines[i] = "\\" + line if not line[:1].isdigit() else _escape_number(line)
    return "\n".join(lines)


def _escape_number(line: str) -> str:
    digits = len(line) - len(line.lstrip("0123456789"))
    return line[:digits] + "\\" + line[digits:]


# --- parsing -------------------------------------------------------------------------

_local = threading.local()


def _parser() -> etree.HTMLParser:
    """One parser per thread: lxml parsers must not be shared between threads.

    The plain ``etree`` parser, not ``lxml.html``'s: that one calls back into
    Python to pick a class for every element the walk touches.
    """
    parser: etree.HTMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.HTMLParser(
            encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True
        )
        _local.parser = parser
    return parser


def _too_deep(parser: etree.HTMLParser) -> bool:
    return any(err.type_name == "ERR_RESOURCE_LIMIT" for err in parser.error_log)


def _fromstring(markup: str, parser: etree.HTMLParser) -> etree._Element | None:
    try:
        return etree.fromstring(markup.encode("utf-8", "replace"), parser)
    except (etree.XMLSyntaxError, etree.ParserError, ValueError):
        return None


def _parse(markup: str) -> etree._Element | None:
    """The ``<body>`` (or root) of ``markup``; wrappers flattened if nesting is absurd."""
    parser = _parser()
    root = _fromstring(markup, parser)
    if _too_deep(parser):
        # libxml2 stops at 255 levels and drops everything after: strip the
        # wrapper tags that such nesting is made of, and try once more.
        root = _fromstring(_WRAPPER_TAGS.sub(" ", markup), parser)
        if _too_deep(parser):
            return None
    if root is None:
        return None
    body = root.find("body")
    return body if body is not None else root


# Every escape sequence starts with ESC or a C1 control, so text without any of
# these characters has nothing for strip_unsafe to do (a 10x cheaper check).
_UNSAFE_HINT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u206f\ufeff\ufff9-\ufffb]"
)


def _may_be_unsafe(markup: str) -> bool:
    """True if ``markup`` may hold a character :func:`strip_unsafe` removes.

    Every such character is non-printable (``str.isprintable()``), and so are
    only a few harmless ones, newlines and tabs first: markup that is printable
    once they are spaces has nothing to strip. Those string methods run at C
    speed over a body; the regular expression took ~16 us per article at ingest,
    these ~9 us. Anything else non-printable (a no-break space) goes to the
    regular expression as before.
    """
    return not _printable_spaced(markup) and _UNSAFE_HINT.search(markup) is not None


_SPACED_PRINTABLE_ASCII = bytes(c for c in range(128) if chr(c).isprintable() or c in (9, 10))
"""The ASCII characters that are printable once newlines and tabs are spaces."""
_DENSITY_SAMPLE = 512


def _printable_spaced(markup: str) -> bool:
    """Whether ``markup`` is printable once its newlines and tabs are spaces.

    Why not just ``str.isprintable``: it looks each character up in the Unicode
    database (~1.2-2.5 ns each), twice for markup with newlines, and this runs
    on every body at ingest. For the ASCII characters the answer is a fixed
    set, so they are deleted with one ``bytes.translate`` (~0.5 ns a byte) and
    only what is left (non-printable ASCII, and the non-ASCII characters, whose
    UTF-8 sequences hold no ASCII byte) is asked: 7.6 -> 3.6 us on a 200 x 50
    corpus body, 4.5 -> 2.0 us on feeds-real. Text dense in non-ASCII (Cyrillic,
    CJK...) would pay for the encoding and keep most of the lookups, so a sample
    of its start sends it to ``str.isprintable`` instead.
    """
    if markup.isascii():
        return not markup.encode("ascii").translate(None, _SPACED_PRINTABLE_ASCII)
    head = markup[:_DENSITY_SAMPLE]
    try:
        encoded = head.encode("utf-8")
        if (len(encoded) - len(head)) * 8 <= len(head):
            if len(head) < len(markup):
                encoded = markup.encode("utf-8")
            others = encoded.translate(None, _SPACED_PRINTABLE_ASCII)
            return others.decode("utf-8").isprintable()
    except UnicodeEncodeError:
        return False  # a lone surrogate, which is not printable
    if markup.isprintable():
        return True
    plain = markup.replace("\n", " ") if "\n" in markup else markup
    if "\t" in plain:
        plain = plain.replace("\t", " ")
    return plain.isprintable()


def _prepare(markup: str) -> str:
    return _prepare_checked(markup)[0]


def _prepare_checked(markup: str) -> tuple[str, bool]:
    """:func:`_prepare`'s markup, and whether it is printable once newlines and tabs are spaces.

    Why the flag: checking that is most of deciding whether the markup needs
    :func:`strip_unsafe`, and text made of its characters need not be checked
    again by :func:`clean_line` (see :func:`html_to_text`).
    """
    if len(markup) > MAX_INPUT_CHARS:
        markup = markup[:MAX_INPUT_CHARS]
    printable = _printable_spaced(markup)
    if not printable and _UNSAFE_HINT.search(markup) is not None:
        markup = strip_unsafe(markup)
    # An XML declaration or BOM confuses the HTML parser's encoding detection.
    if markup.startswith("<?xml"):
        end = markup.find("?>")
        markup = markup[end + 2 :] if end != -1 else markup
    return markup, printable


# --- the renderer --------------------------------------------------------------------


def _int_attr(value: str | None) -> int | None:
    if not value:
        return None
    digits = value.strip().removesuffix("px").strip()
    try:
        return int(float(digits))
    except ValueError:
        return None


def _classes(el: etree._Element) -> str:
    return (el.get("class") or "") + " " + (el.get("id") or "")


def _is_unwanted(el: etree._Element, tag: str) -> bool:
    """Scripts, forms, hidden blocks and share widgets: nothing a reader wants."""
    if tag in _DROP_TAGS:
        return True
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    if style and _HIDDEN_STYLE.search(style):
        return True
    if tag not in ("p", "img", "a", "b", "i", "em", "strong", "span", "br"):
        attrs = _classes(el)
        if attrs.strip() and _SHARE_CLASS.search(attrs):
            return True
        if attrs.strip() and _PROMO_CLASS.search(attrs):
            return _is_short(el, _PROMO_MAX_CHARS)
    return False


def _is_short(el: etree._Element, limit: int) -> bool:
    """Whether ``el`` holds fewer than ``limit`` visible characters (spaces not counted:
    pages indent their markup, and The Verge's 390-character sign-up box held 2,715)."""
    seen = 0
    for text in el.itertext():
        seen += len(text) - sum(map(text.count, " \n\t\r"))
        if seen >= limit:
            return False
    return True


_SCREEN_READER_ONLY = re.compile(
    r"(?:^|\s)(?:visually-?hidden|sr-only|screen-?reader-(?:text|only)|element-invisible"
    r"|a11y-hidden|u-vh)(?:$|\s)",
    re.IGNORECASE,
)
"""Classes that hide text from the eye and leave it to screen readers."""
_SHARE_BUTTON = re.compile(r"share-?(?:btn|button)", re.IGNORECASE)
"""A share button named in camelCase, even on a paragraph ("mbArticleShareBtn": qq's
"转播到腾讯微博", 'repost to Tencent Weibo', above its lead image): _SHARE_CLASS
wants the word on its own and leaves paragraphs alone."""


def _is_unshown(el: etree._Element, tag: str) -> bool:
    """Whether the pane leaves ``el`` out: :func:`_is_unwanted`, or text for screen readers.

    The New York Times labels each figure "Photo" and its credit "Credit", and puts
    "Continue reading the main story" three or four times in a story, all in
    ``class="visually-hidden"``: a sighted reader never sees them on the site, and
    in the pane they stood as paragraphs of their own (nytimes-1, nytimes-2 in
    shared/corpus/html-articles). Only the Markdown leaves them out: the plain
    text (search, summaries) keeps them, as its fast paths do not look at classes.
    """
    if tag == "source":
        # libxml2 does not know <source> is empty: "<picture><source srcset=x><img>"
        # puts the picture's <img> inside it, and dropping it lost the image. Inside
        # <video> and <audio> it is never reached (they are dropped whole).
        return False
    if _is_unwanted(el, tag):
        return True
    cls = el.get("class")
    return cls is not None and (
        _SCREEN_READER_ONLY.search(cls) is not None or _SHARE_BUTTON.search(cls) is not None
    )


def _tag(el: etree._Element) -> str:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


_NBSP = "\u00a0"
_BREAKING_SPACES = re.compile(r"[^\S\u00a0]+")
"""Whitespace but the no-break space: where :func:`_collapse` may break a line."""
_NBSP_JOIN_MAX = 30
"""Longest run of words joined by no-break spaces that is kept on one line: "10 km",
"Mr. Smith", "Fig. 3". Longer runs are pasted text whose every space is a no-break
one (Word, some CMSs): kept whole, a paragraph would be one word, folded mid-word."""


def _collapse(text: str) -> str:
    """Runs of whitespace to one space, keeping one at either end if there was one.

    A single no-break space between words of a short run stays one (the pane keeps
    "10&nbsp;km" on one line); any other stands for a space, as before."""
    if not text:
        return text
    core = _collapse_keeping_nbsp(text) if _NBSP in text else " ".join(text.split())
    if not core:
        return " "
    lead = " " if text[0].isspace() else ""
    trail = " " if text[-1].isspace() else ""
    return lead + core + trail


def _collapse_keeping_nbsp(text: str) -> str:
    """``" ".join(text.split())``, but for the no-break spaces :func:`_collapse` keeps.

    Regular expressions do the scanning: a word-by-word loop in Python made the
    conversion of the corpus's 2-5 KB bodies 25% slower (many hold an ``&nbsp;``)."""
    core = _NBSP_WORD.sub(_nbsp_word, _BREAKING_SPACES.sub(" ", text))
    return _SPACE_RUN.sub(" ", core).strip(" ")


_NBSP_WORD = re.compile(r"(?<![^ ])[^ \u00a0]*\u00a0[^ ]*")
"""A word holding a no-break space, from its start (the look-behind keeps the scan
linear on a long run without spaces) to the next plain space."""
_SPACE_RUN = re.compile(" {2,}")


def _nbsp_word(match: re.Match[str]) -> str:
    """One word of :func:`_collapse_keeping_nbsp`: its no-break spaces kept when it is
    short and each stands alone between two words; otherwise spaces."""
    token = match.group()
    inner = token.strip(_NBSP)
    if not (len(inner) <= _NBSP_JOIN_MAX and _NBSP * 2 not in inner):
        inner = inner.replace(_NBSP, " ")
    lead = " " if token[0] == _NBSP else ""
    trail = " " if token[-1] == _NBSP else ""
    return lead + inner + trail


def _inline_text(parts: list[str]) -> str:
    """Join inline pieces into one paragraph: whitespace collapsed, breaks kept.

    Two line breaks in a row (``<br><br>``, with nothing but spaces between) end
    a paragraph: that is how Blogger and many CMSs write paragraphs (124 bodies
    of 21 feeds in shared/corpus/feeds-real), and joined by one line break the
    paragraphs ran together in the pane with no space between them.
    """
    text = _collapse("".join(parts))
    if _BR_MARK in text:
        lines = [line.strip() for line in text.split(_BR_MARK)]
        while lines and not lines[0]:
            lines.pop(0)
        while lines and not lines[-1]:
            lines.pop()
        paragraphs: list[list[str]] = [[]]
        for line in lines:
            if line:
                paragraphs[-1].append(line)
            elif paragraphs[-1]:
                paragraphs.append([])
        text = "\n\n".join(_HARD_BREAK.join(p) for p in paragraphs if p)
    else:
        text = text.strip()
    return _escape_line_starts(text) if text else ""


class _Block:
    """A rendered block: its Markdown and whether it is a list (for tight nesting)."""

    __slots__ = ("kind", "text")

    def __init__(self, text: str, kind: str = "p") -> None:
        self.text = text
        self.kind = kind


class _Renderer:
    """Walks one parsed tree and renders Markdown blocks."""

    def __init__(self, base_url: str | None) -> None:
        self.base_url = base_url
        self.in_strong = False
        self.in_em = False
        self.in_strike = False
        self.last_wrap: tuple[int, int] | None = None
        self.last_link: tuple[int, int, str, str] | None = None
        """Where the last link ended (list, length), its URL and text: a link right
        after it to the same URL is merged into it."""
        """Where the last emphasis ended, to merge it with one right after it."""

    # -- blocks --

    def blocks(self, el: etree._Element, depth: int) -> list[_Block]:
        """Render the children of ``el`` (and its text) as a list of blocks."""
        out: list[_Block] = []
        inline: list[str] = []
        if depth > _MAX_DEPTH:
            text = _inline_text([escape_markdown(t) for t in el.itertext()])
            return [_Block(text)] if text else []
        if el.text:
            inline.append(escape_markdown(el.text))
        for child in el:
            tag = _tag(child)
            if tag == "noscript":
                inline.append(self._fallback_image(child))
            elif tag == "iframe":
                inline.append(self._player_link(child))
            elif tag and not _is_unshown(child, tag):
                if tag in _BLOCK_TAGS:
                    self._flush(inline, out)
                    out.extend(self.block(child, tag, depth + 1))
                elif any(_tag(c) in _HEADINGS for c in child):
                    self._flush(inline, out)
                    out.extend(self._holding_heading(child, tag, depth + 1))
                else:
                    self.inline(child, tag, inline, depth + 1)
            if child.tail:
                inline.append(escape_markdown(child.tail))
        self._flush(inline, out)
        return out

    def _holding_heading(self, el: etree._Element, tag: str, depth: int) -> list[_Block]:
        """An inline element around a heading (``<a class=anchor href="#x"><h2>``, as
        blogs mark their section anchors) renders as the blocks it holds.

        Kept on the line, as other blocks inside inline elements are, the heading read
        as "text. ## An Old Build Story" inside the paragraph before it, or as a
        literal "\\## Title" on a line of its own. A link to another page stays on
        the heading; a link to a place in this page (``#x``) has nowhere to go here.
        """
        blocks = self.blocks(el, depth)
        href = (el.get("href") or "").strip() if tag == "a" else ""
        url = safe_url(href, self.base_url) if href and not href.startswith("#") else None
        if url is None or _is_share_link(href):
            return blocks
        linked = []
        for b in blocks:
            marks, _, text = b.text.partition(" ")
            if b.kind == "h" and "](" not in text:
                b = _Block(f"{marks} [{text}]({url})", "h")
            linked.append(b)
        return linked

    @staticmethod
    def _flush(inline: list[str], out: list[_Block]) -> None:
        if inline:
            text = _inline_text(inline)
            inline.clear()
            if text:
                out.append(_Block(text))

    def block(self, el: etree._Element, tag: str, depth: int) -> list[_Block]:
        if tag == "figure":
            _without_caption_alts(el)
        if tag in _HEADINGS:
            return self._heading(el, _HEADINGS[tag], depth)
        if tag in ("ul", "ol", "menu", "dir"):
            return self._list(el, tag == "ol", depth)
        if tag == "blockquote":
            inner = self._join(self.blocks(el, depth))
            if not inner:
                return []
            quoted = "\n".join("> " + line if line else ">" for line in inner.split("\n"))
            return [_Block(quoted, "quote")]
        if tag in ("pre", "listing", "xmp", "plaintext"):
            return self._pre(el)
        if tag == "table":
            return self._table(el, depth)
        if tag == "hr":
            return [_Block("---", "hr")]
        if tag == "dd":
            return self._description(el, depth)
        if tag in ("figcaption", "caption", "summary", "dt", "legend"):
            text = self._inline_only(el, depth)
            if not text:
                return []
            wrap = "**" if tag in ("summary", "dt") else "*"
            return [_Block(f"{wrap}{text}{wrap}")]
        return self.blocks(el, depth)

    def _description(self, el: etree._Element, depth: int) -> list[_Block]:
        """A ``<dd>`` as a one-item list marked "+": the pane draws such a list with
        no marker, indented under the term before it (article_body ``_list``).

        Before, a description stood as a paragraph of its own at the margin, and a
        glossary read as alternating bold and plain lines. Markdown has no
        definition lists and indents only list items; "+" marks none of content.py's
        other lists ("- "), and a "+ " that feed text starts a line with is escaped.
        """
        body = self._join(self.blocks(el, depth))
        if not body:
            return []
        return [_Block("+ " + _indent(body, "  ", first=False), "list")]

    @staticmethod
    def _join(blocks: list[_Block]) -> str:
        return "\n\n".join(b.text for b in blocks if b.text)

    def _inline_only(self, el: etree._Element, depth: int) -> str:
        """The text of ``el`` as one line, whatever blocks it holds."""
        text = " ".join(b.text for b in self.blocks(el, depth))
        return text.replace("\n\n", " ").replace(_HARD_BREAK, " ").replace("\n", " ").strip()

    def _heading(self, el: etree._Element, level: int, depth: int) -> list[_Block]:
        text = self._inline_only(el, depth)
        if not text:
            return []
        if text.startswith("\\") and _LINE_START.match(text[1:]):
            text = text[1:]  # "## 1. Intro" needs no escape after the hashes
        if text.endswith("#"):
            text = text[:-1] + "\\#"
        return [_Block("#" * level + " " + text, "h")]

    def _list(self, el: etree._Element, ordered: bool, depth: int) -> list[_Block]:
        """A list, its items numbered as a browser numbers them.

        ``<ol reversed>``, ``<ol start="5">``, ``<li value="9">`` and ``<ol type="a">``
        (or ``i``) all read 1, 2, 3 before: a countdown ("5. ... 1.") lost its order
        and "see (c) above" pointed nowhere. Decimal numbers stay a Markdown list, one
        written number per item (the pane shows each); letters, roman numerals and
        numbers Markdown cannot write (below 0) become lines led by their marker.
        """
        items: list[tuple[int | None, str]] = []
        for child in el:
            tag = _tag(child)
            if not tag or _is_unshown(child, tag):
                continue
            if tag in ("ul", "ol") and items:
                # A list nested directly in a list (invalid, common): indent it
                # under the previous item.
                nested = self._join(self._list(child, tag == "ol", depth + 1))
                if nested:
                    value, body = items[-1]
                    items[-1] = (value, body + "\n" + _indent(nested, "  "))
                continue
            value = None
            if tag == "li":
                blocks = self.blocks(child, depth + 1)
                value = _list_number(child.get("value")) if ordered else None
            elif tag in _BLOCK_TAGS:
                blocks = self.block(child, tag, depth + 1)
            else:  # stray inline content between items
                blocks = self._loose_inline(child, tag, depth + 1)
            blocks = [b for b in blocks if b.text]
            if not blocks:
                continue
            tight = all(b.kind == "list" for b in blocks[1:])
            items.append((value, ("\n" if tight else "\n\n").join(b.text for b in blocks)))
        if not items:
            return []
        if not ordered:
            return [
                _Block("\n".join("- " + _indent(b, "  ", first=False) for _, b in items), "list")
            ]
        down = el.get("reversed") is not None
        kind = (el.get("type") or "1").strip()
        start = _list_number(el.get("start"))
        number = start if start is not None else (len(items) if down else 1)
        numbers: list[int] = []
        for value, _ in items:
            number = value if value is not None else number
            numbers.append(number)
            number += -1 if down else 1
        if kind in _LIST_TYPES or any(n < 0 for n in numbers):
            # Markdown numbers lists in decimals from 0 only: these are lines, each led
            # by its marker, one paragraph when each item is one line.
            marked = [
                _escape_line_starts(f"{_list_marker(n, kind)}. {b}")
                for n, (_, b) in zip(numbers, items, strict=True)
            ]
            if all("\n" not in m for m in marked):
                return [_Block(_HARD_BREAK.join(marked))]
            return [_Block(m) for m in marked]
        lines = []
        for n, (_, body) in zip(numbers, items, strict=True):
            marker = f"{n}. "
            lines.append(marker + _indent(body, " " * len(marker), first=False))
        return [_Block("\n".join(lines), "list")]

    def _loose_inline(self, el: etree._Element, tag: str, depth: int) -> list[_Block]:
        parts: list[str] = []
        self.inline(el, tag, parts, depth)
        text = _inline_text(parts)
        return [_Block(text)] if text else []

    def _pre(self, el: etree._Element) -> list[_Block]:
        parts: list[str] = []
        for event, node in etree.iterwalk(el, events=("start", "end")):
            tag = _tag(node)
            if event == "start":
                if tag == "br":
                    parts.append("\n")
                elif node.text and tag not in _DROP_TAGS:
                    parts.append(node.text)
            elif node is not el and node.tail:
                parts.append(node.tail)
        code = "".join(parts).replace("\r\n", "\n").strip("\n")
        if not code.strip():
            return []
        runs = [len(m) for m in _BACKTICKS.findall(code)]
        fence = "`" * max(3, max(runs, default=0) + 1)
        lang = ""
        for node in (el, *el.iterchildren("code")):
            match = _CODE_LANG.search(node.get("class") or "")
            if match:
                lang = match.group(1)
                break
        return [_Block(f"{fence}{lang}\n{code}\n{fence}", "pre")]

    def _table(self, el: etree._Element, depth: int) -> list[_Block]:
        rows: list[list[tuple[list[_Block], int]]] = []
        layout = False
        headed: bool | None = None
        """Whether the first row is a header row: in ``<thead>``, or all ``<th>``."""
        for tr in _table_rows(el):
            row: list[tuple[list[_Block], int]] = []
            all_th = True
            for cell in tr:
                tag = _tag(cell)
                if tag not in ("td", "th") or _is_unshown(cell, tag):
                    continue
                all_th = all_th and tag == "th"
                if cell.find(".//table") is not None:
                    layout = True
                blocks = [b for b in self.blocks(cell, depth + 2) if b.text]
                if len(blocks) > 1 or any(b.kind != "p" for b in blocks):
                    layout = True
                span = _int_attr(cell.get("colspan")) or 1
                row.append((blocks, max(1, min(span, 50))))
            if any(blocks for blocks, _ in row):
                if headed is None:
                    headed = all_th or _tag(tr.getparent()) == "thead"
                rows.append(row)
        caption_el = el.find("caption")
        caption = self._inline_only(caption_el, depth + 1) if caption_el is not None else ""
        width = max((sum(span for _, span in row) for row in rows), default=0)
        out: list[_Block] = [_Block(f"*{caption}*")] if caption else []
        if layout or width < 2 or len(rows) < 2:
            # A layout table (or a one-row/one-column one): its cells read as blocks.
            for row in rows:
                for blocks, _ in row:
                    out.extend(blocks)
            return out
        lines = []
        if not headed:
            # GFM tables need a header row: without one of its own, the table gets an
            # empty one (the pane draws none), or its first row of data read as one,
            # bold, ruled off ("Version: | 5.7-rc4" on kernel.org's release tables).
            lines += ["|" + "  |" * width, "|" + " --- |" * width]
        for i, row in enumerate(rows):
            cells: list[str] = []
            for blocks, span in row:
                text = " ".join(b.text for b in blocks).replace("\n\n", " ")
                text = text.replace(_HARD_BREAK, " ").replace("\n", " ")
                cells.append(text.replace("|", "\\|").strip())
                cells.extend([""] * (span - 1))
            cells.extend([""] * (width - len(cells)))
            lines.append("| " + " | ".join(cells) + " |")
            if i == 0 and headed:
                lines.append("|" + " --- |" * width)
        out.append(_Block("\n".join(lines), "table"))
        return out

    # -- inline --

    def inline(self, el: etree._Element, tag: str, out: list[str], depth: int) -> None:
        """Append the inline Markdown of ``el`` (not its tail) to ``out``."""
        if tag == "br":
            out.append(_BR_MARK)
            return
        if tag == "img":
            image = self._image(el)
            # An image shows as "[image: alt] (url)": words beside it are apart from it
            # ("...jpg)Lupita Nyong'o" before); _collapse merges the spaces.
            if image.startswith("!["):
                tight = (el.tail or "")[:1] in _TIGHT_AFTER
                image = f" {image}" if tight else f" {image} "
            out.append(image)
            return
        if tag == "a":
            self._link(el, out, depth)
            return
        if tag in _STRONG and not self.in_strong:
            self._wrapped(el, "**", "in_strong", out, depth)
        elif tag in _EMPHASIS and not self.in_em:
            self._wrapped(el, "*", "in_em", out, depth)
        elif tag in _STRIKE and not self.in_strike:
            self._wrapped(el, "~~", "in_strike", out, depth)
        elif tag in _CODE:
            code = _collapse("".join(el.itertext())).strip()
            if code:
                longest = max((len(m) for m in _BACKTICKS.findall(code)), default=0)
                tick = "`" * (longest + 1)
                pad = " " if code.startswith("`") or code.endswith("`") else ""
                out.append(f"{tick}{pad}{code}{pad}{tick}")
        elif tag in ("sup", "sub") and (
            (len(el) == 0 and self._scripted(el, tag, out))
            or self._marked_script(el, tag, out, depth)
        ):
            return
        elif tag == "sup" and (mark := _footnote_mark(el)):
            out.append(mark)
        elif tag == "q":
            out.append("“")
            self._children_inline(el, out, depth)
            out.append("”")
        else:
            self._children_inline(el, out, depth)

    @staticmethod
    def _scripted(el: etree._Element, tag: str, out: list[str]) -> bool:
        """Append ``el``'s text raised (``sup``) or lowered (``sub``) if every
        character has such a form; else append nothing and say so.

        Why: the terminal cannot raise text, and run into the line, exponents,
        chemical formulas and footnote numbers change meaning ("x2", "106").
        Text without such forms ("21<sup>st</sup>") reads fine as it is.
        """
        text = (el.text or "").strip()
        table = _SUPERSCRIPT if tag == "sup" else _SUBSCRIPT
        if not text or any(ord(ch) not in table for ch in text):
            return False
        out.append(text.translate(table))
        return True

    def _marked_script(self, el: etree._Element, tag: str, out: list[str], depth: int) -> bool:
        """Append a script with no raised form as ``^H`` / ``_B`` (``^(2ⁿ)`` when longer)
        where run into the word before it, it changes the meaning; else nothing.

        research!rsc's "B = 2<sup>H</sup>" read "B = 2H", "(X)<sub>B</sub>" read "(X)B"
        and "2<sup>2<sup>n</sup></sup>" read "22ⁿ". Left as they were: ordinals and
        marks ("21st", "1er", "Windows®"), footnote links, and a script after a space.
        """
        before = "".join(out[-3:])
        if not before or not (before[-1].isalnum() or before[-1] in ")]"):
            return False
        if any(_tag(child) == "a" for child in el.iter()):
            return False
        inner: list[str] = []
        self._children_inline(el, inner, depth)
        text = "".join(inner).strip()
        plain = _collapse("".join(el.itertext())).strip()
        if not text or " " in plain or len(plain) > 12 or _ORDINAL_MARK.fullmatch(plain):
            return False
        mark = "^" if tag == "sup" else "\\_"
        out.append(f"{mark}{text}" if len(plain) == 1 else f"{mark}({text})")
        return True

    def _children_inline(self, el: etree._Element, out: list[str], depth: int) -> None:
        if depth > _MAX_DEPTH:
            out.append(escape_markdown(" ".join(el.itertext())))
            return
        if el.text:
            out.append(escape_markdown(el.text))
        for child in el:
            tag = _tag(child)
            if tag == "noscript":
                out.append(self._fallback_image(child))
            elif tag == "iframe":
                out.append(self._player_link(child))
            elif tag and not _is_unshown(child, tag):
                if tag in _BLOCK_TAGS:
                    # A block inside an inline element (<a><div>..</div></a>):
                    # keep its text on the line.
                    text = self._inline_only_block(child, tag, depth + 1)
                    if text:
                        out.append(" " + text + " ")
                else:
                    self.inline(child, tag, out, depth + 1)
            if child.tail:
                out.append(escape_markdown(child.tail))

    def _inline_only_block(self, el: etree._Element, tag: str, depth: int) -> str:
        blocks = self.block(el, tag, depth)
        return " ".join(b.text for b in blocks).replace(_HARD_BREAK, _BR_MARK).replace("\n", " ")

    def _wrapped(
        self, el: etree._Element, mark: str, flag: str, out: list[str], depth: int
    ) -> None:
        inner: list[str] = []
        setattr(self, flag, True)
        try:
            self._children_inline(el, inner, depth)
        finally:
            setattr(self, flag, False)
        text = "".join(inner)
        lead, core, trail = _EDGES.match(text).groups()  # type: ignore[union-attr]
        merges = bool(
            lead == "" and out and out[-1].endswith(mark) and self.last_wrap == (id(out), len(out))
        )
        if not core or (not merges and not any(ch.isalnum() for ch in core)):
            # Nothing to stress ("<strong><em>:</em></strong>"): its marks read as
            # "***Editor's Note******:***" (RotoAuthority, shared/corpus/feeds-real).
            out.append(text)
            self.last_wrap = None
            return
        after = ""
        if not trail and (el.tail or "")[:1].isalnum():
            # "<b>update:</b>Thorsten": a closing mark after punctuation and before a
            # letter closes nothing in CommonMark, and "**update:**Thorsten" showed
            # its asterisks. The punctuation goes outside: "**update**:Thorsten".
            stripped = core.rstrip(_OUTER_PUNCTUATION)
            if stripped and not stripped.endswith("\\") and any(c.isalnum() for c in stripped):
                core, after = stripped, core[len(stripped) :]
        if merges:
            # <i>a</i><i>b</i>: "*a**b*" would read as bold; merge into "*ab*".
            out[-1] = out[-1][: -len(mark)]
            out.append(f"{core}{mark}{after}{trail}")
        else:
            out.append(f"{lead}{mark}{core}{mark}{after}{trail}")
        self.last_wrap = (id(out), len(out)) if not trail and not after else None

    def _link(self, el: etree._Element, out: list[str], depth: int) -> None:
        href = el.get("href")
        if href and _is_share_link(href):
            return  # "share on ..." buttons and feed-ad links: drop, text and all
        if href and href.startswith("#") and _is_back_arrow(el):
            return  # a footnote's "↩" back to its mark: nowhere to go here
        full_size = self._full_size_image(el, href)
        if full_size:
            out.append(f" {full_size} ")
            return
        inner: list[str] = []
        self._children_inline(el, inner, depth)
        joined = "".join(inner).replace(_BR_MARK, " ")
        text = _collapse(joined).strip()
        url = safe_url(href, self.base_url)
        if not text:
            return
        if url is None:
            out.append(joined)
            return
        # Spaces at the link's edges stay outside it: "<a>Mashable </a>reports" had
        # lost its space to the strip above and read "Mashable (url)reports".
        lead = " " if joined[:1].isspace() else ""
        trail = " " if joined[-1:].isspace() else ""
        last = self.last_link
        if last is not None and last[:2] == (id(out), len(out)) and last[2] == url:
            # "<a href=u>killed</a><a href=u> more than 10</a>": one link, one URL shown.
            out[-1] = f"[{last[3]}{lead}{text}]({url})"
            text = last[3] + lead + text
        else:
            out.append(f"{lead}[{text}]({url})")
        if trail:
            out.append(trail)
            self.last_link = None
        else:
            self.last_link = (id(out), len(out), url, text)

    def _full_size_image(self, el: etree._Element, href: str | None) -> str:
        """A link around nothing but an image, to an image file: that image, at the
        link's address (the full size of a thumbnail), or "" for any other link.

        Blogs link every picture to its full-size file: each showed as the image and
        then the link, two long URLs of one picture ("...DSC_4426_thumb.jpg)
        (...DSC_4426.jpg)") in image-heavy posts. A link to a page keeps both.
        """
        if len(el) != 1 or (el.text or "").strip() or (el[0].tail or "").strip():
            return ""
        if _tag(el[0]) != "img" or not href:
            return ""
        url = safe_url(href, self.base_url, image=True)
        path = urlsplit(url).path.lower() if url else ""
        if url is None or not path.endswith(_IMAGE_FILES):
            return ""
        image = self._image(el[0])
        if not image.startswith("!["):
            return ""
        return image[: image.rindex("](")] + f"]({url})"

    def _fallback_image(self, noscript: etree._Element) -> str:
        """The images of a ``<noscript>`` when nothing beside it shows one, else "".

        Lazy-loading pages (The Verge, Next.js's ``data-nimg``) put a ``data:`` or
        1x1 placeholder in the figure and the real ``<img>`` in a ``<noscript>``
        for readers without scripts: the pane, which runs none, showed the
        placeholder's alt text and never the picture. A real image beside the
        ``<noscript>`` (or a tracking pixel inside it) keeps it out, as before.
        """
        images = noscript.findall(".//img")
        parent = noscript.getparent()
        if not images or parent is None:
            return ""
        inside = {id(img) for ns in parent.iter("noscript") for img in ns.iter("img")}
        for img in parent.iter("img"):
            if id(img) not in inside and not _is_placeholder(img, _image_source(img)):
                return ""
        shown = [image for image in map(self._image, images) if image.startswith("![")]
        return f" {' '.join(shown)} " if shown else ""

    def _player_link(self, iframe: etree._Element) -> str:
        """An embedded video or audio player as a link to what it plays, else "".

        The pane cannot play an ``<iframe>``, and it dropped them all: a post
        saying "watch the talk below" showed nothing below (YouTube, Vimeo and
        Blogger players in 15 feeds of shared/corpus/feeds-real). A player (a
        known video or audio host, or a frame that allows full screen) becomes
        "[Video (youtube.com)](watch URL)", a link the links list and ``o`` can
        open; any other frame (ads, widgets, a page) is still left out.
        """
        if iframe.get("hidden") is not None:
            return ""
        src = (iframe.get("src") or iframe.get("data-src") or "").strip()
        url = safe_url(src, self.base_url) if src else None
        if url is None:
            return ""
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        known = host.endswith(_PLAYER_HOSTS)
        if not known and iframe.get("allowfullscreen") is None:
            return ""
        if host.endswith(_AD_HOSTS) or _is_tracker(url):
            return ""
        watch = _YOUTUBE_EMBED.match(url)
        if watch:
            url, host = f"https://www.youtube.com/watch?v={watch.group(1)}", "youtube.com"
        elif (vimeo := _VIMEO_EMBED.match(url)) is not None:
            url, host = f"https://vimeo.com/{vimeo.group(1)}", "vimeo.com"
        kind = "Audio" if host.endswith(_AUDIO_HOSTS) else "Video"
        after = "" if (iframe.tail or "")[:1] in _TIGHT_AFTER else " "
        return f" [{kind} ({escape_markdown(host)})]({url}){after}"

    def _image(self, el: etree._Element) -> str:
        alt = el.get("alt") or el.get("title") or ""
        if "<" in alt:  # escaped markup in the attribute ("&lt;span&gt;...") is not text
            alt = _strip_tags(alt)
        alt = _collapse(alt).strip()
        src = _image_source(el)
        if (not src or src.startswith("data:")) and _noscript_image_beside(el):
            # The <noscript> beside it shows the real one (_fallback_image). A 1x1
            # or pixel placeholder is dropped below, as every such image is.
            return ""
        width, height = _int_attr(el.get("width")), _int_attr(el.get("height"))
        if (width is not None and width <= _RULE_PIXELS) or (
            height is not None and height <= _RULE_PIXELS
        ):
            # A pixel, or a rule drawn as a picture: bbc-1's 464x2 "line" read
            # "[image: line]" between its sections.
            return ""
        if src and _is_tracker(src):
            return ""
        if alt and _names_a_file(alt, src):
            alt = ""
        cls = el.get("class") or ""
        if alt and ("emoji" in cls or "smiley" in cls or "/emoji/" in src):
            return escape_markdown(alt)
        url = safe_url(src, self.base_url, image=True)
        if url is None:
            return escape_markdown(alt)
        return f"![{escape_markdown(alt)}]({url})"


_AUDIO_HOSTS = ("soundcloud.com", "spotify.com", "bandcamp.com", "mixcloud.com", "anchor.fm")
_PLAYER_HOSTS = (
    "youtube.com",
    "youtube-nocookie.com",
    "vimeo.com",
    "dailymotion.com",
    "blogger.com",
    "ted.com",
    "twitch.tv",
    "streamable.com",
    "wistia.com",
    "wistia.net",
    "archive.org",
    *_AUDIO_HOSTS,
)
"""Hosts whose ``<iframe>`` is a player (:meth:`_Renderer._player_link`)."""
_AD_HOSTS = ("doubleclick.net", "googlesyndication.com", "facebook.com", "twitter.com")
"""Frames that allow full screen but are ads or social widgets, never a player."""
_YOUTUBE_EMBED = re.compile(
    r"https?://(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]{6,20})(?:[?#]|$)"
)
_VIMEO_EMBED = re.compile(r"https?://player\.vimeo\.com/video/(\d{1,12})(?:[?#/]|$)")

_WORD = re.compile(r"\w+")
_ALT_OVERLAP = 0.8
_ALT_MIN_WORDS = 5
"""A shorter alt ("Harbour" over "The harbour at dawn") is a label, not the caption again."""


def _without_caption_alts(figure: etree._Element) -> None:
    """Clear the alt text of a figure's images where it says what the caption says.

    WordPress fills a picture's alt with its caption: in the pane a figure read the
    same 30 words twice, as "[image: ...]" and as the caption under it (TPM's
    election photos, shared/corpus/feeds-real/node-feedparser; the Guardian's).
    When an alt of five words or more and the caption share most of the shorter
    one's words (one is the other, give or take a credit or a date), the caption
    alone is kept.
    """
    captions = [" ".join(c.itertext()) for c in figure.iter("figcaption")]
    if not captions:
        return
    said = {w.casefold() for w in _WORD.findall(" ".join(captions))}
    for img in figure.iter("img"):
        alt = img.get("alt")
        words = {w.casefold() for w in _WORD.findall(alt or "")}
        shared = len(words & said)
        if len(words) >= _ALT_MIN_WORDS and shared >= _ALT_OVERLAP * min(len(words), len(said)):
            img.set("alt", "")


_LIST_TYPES = frozenset("aAiI")
"""``<ol type>`` values that number in letters or roman numerals (``1`` is decimal)."""
_ROMAN = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip


def _list_number(value: str | None) -> int | None:
    """An ``<ol start>`` or ``<li value>`` as a browser reads it: an integer, else none.

    Kept below 10**8: Markdown writes list numbers in at most 9 digits, and a
    hostile number must not make a huge marker."""
    if not value:
        return None
    text = value.strip()
    digits = text.removeprefix("-")
    if not digits.isascii() or not digits.isdigit() or len(digits) > 8:
        return None
    return int(text)


def _list_marker(number: int, kind: str) -> str:
    """``number`` written as ``<ol type=kind>`` writes it: "c", "C", "iv", "IV" or "-1".

    Browsers fall back to decimals where a letter or roman numeral has no form
    (0 and below; roman past 3999)."""
    if kind in "aA" and number > 0:
        letters = ""
        while number:
            number, rest = divmod(number - 1, 26)
            letters = chr(ord("a") + rest) + letters
        return letters.upper() if kind == "A" else letters
    if kind in "iI" and 0 < number < 4000:
        roman = ""
        for size, mark in _ROMAN:
            count, number = divmod(number, size)
            roman += mark * count
        return roman.upper() if kind == "I" else roman
    return str(number)


def _image_source(el: etree._Element) -> str:
    """The address an ``<img>`` shows: ``src``, or where lazy loaders keep the real one."""
    src = el.get("src") or ""
    if not src or src.startswith("data:"):
        src = el.get("data-src") or el.get("data-lazy-src") or el.get("data-original") or ""
        if not src:
            srcset = el.get("srcset") or el.get("data-srcset") or ""
            parent = el.getparent()
            if not srcset.strip() and parent is not None and _tag(parent) == "source":
                srcset = parent.get("srcset") or ""  # <picture><source srcset><img>
            src = srcset.strip().split(" ", 1)[0].rstrip(",")
    return src


_RULE_PIXELS = 4
"""An image this thin or thinner is no picture: a tracking pixel or a drawn rule."""


def _is_placeholder(el: etree._Element, src: str) -> bool:
    """Whether an ``<img>`` whose address is ``src`` stands in for a lazy-loaded one:
    no address, a ``data:`` URL, 1x1 in size, or a spacer or pixel file."""
    if not src.strip() or src.lstrip().lower().startswith("data:"):
        return True
    width, height = _int_attr(el.get("width")), _int_attr(el.get("height"))
    if (width is not None and width <= 1) or (height is not None and height <= 1):
        return True
    return _is_tracker(src)


def _noscript_image_beside(el: etree._Element) -> bool:
    """Whether a ``<noscript>`` beside ``el`` (under the same parent) holds an ``<img>``."""
    parent = el.getparent()
    if parent is None:
        return False
    return any(ns.find(".//img") is not None for ns in parent.iter("noscript"))


_CAMERA_FILE_ALT = re.compile(
    r"(?:img|dsc|dscn|dscf|pict?|photo|image|screenshot)[-_ ]?\d[\w-]*+", re.IGNORECASE
)
"""A camera's or a screenshot tool's file name: "IMG_0206", "DSC01234", "Screenshot-3"."""
_PLACEHOLDER_ALTS = frozenset(
    "image img photo picture pic screenshot untitled alt thumbnail thumb".split()  # noqa: SIM905
)
"""Alt texts that say only that a picture is a picture (dcrainmaker's "image" x 60)."""
_IMAGE_EXTENSIONS = frozenset("jpg jpeg png gif webp avif svg bmp tif tiff".split())  # noqa: SIM905


def _names_a_file(alt: str, src: str) -> bool:
    """Whether an image's alt text is only a file name, which tells a reader nothing.

    CMSs fill the alt with the upload's name: "[image: 0225-lupita-nyongo-getty-01]",
    "[image: IMG_0206.JPG]", "[image: update_graphic_red_bar]" (162 images in
    ``shared/corpus/feeds-real``). A word with one hyphen ("COVID-19", "F-35")
    is a name, not a file; two separators in a word without spaces are a file.
    """
    if alt.casefold() in _PLACEHOLDER_ALTS:
        return True  # "[image: image]": what Windows Live Writer and Word call every picture
    if any(ch.isspace() for ch in alt):
        return _CAMERA_FILE_ALT.fullmatch(alt) is not None
    if alt.rpartition(".")[2].lower() in _IMAGE_EXTENSIONS or _CAMERA_FILE_ALT.fullmatch(alt):
        return True  # "x300-front.jpg", "IMG_0206"
    if alt.count("-") + alt.count("_") >= 2 and any(ch.isalpha() for ch in alt):
        return True  # "0225-lupita-nyongo-getty-01"
    # The upload's own name ("monsterflash3" for .../monsterflash3.png), when it
    # reads as one: a digit or a separator in it ("Cat" for cat.jpg is a word).
    stem = src.split("?", 1)[0].rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return alt.casefold() == stem.casefold() and any(ch.isdigit() or ch in "-_" for ch in stem)


_BACK_ARROWS = frozenset("↩↑⤴⬆↵^")
_EMOJI_VARIANTS = str.maketrans("", "", "\ufe0e\ufe0f")


def _is_back_arrow(link: etree._Element) -> bool:
    """Whether an in-page link is a footnote's way back to its mark ("↩︎", "↑")."""
    text = "".join(link.itertext()).translate(_EMOJI_VARIANTS).strip()
    return bool(text) and all(ch in _BACK_ARROWS or ch.isspace() for ch in text)


def _footnote_mark(sup: etree._Element) -> str:
    """A footnote mark (``<sup><a href="#fn1">1</a></sup>``) raised, or "" if ``sup`` is not one.

    Why: the in-page link has nowhere to go in the pane, so its text was run into
    the word before it: "misquoted by Merchant.1" (Daring Fireball,
    shared/corpus/feeds-real), "Claim[1]". Raised, "Merchant.¹" reads as a note.
    Links to another page are left to the link code (their URL is shown).
    """
    for node in sup.iterdescendants():
        if _tag(node) not in ("a", "span") or not (node.get("href") or "#").startswith("#"):
            return ""
    text = "".join(sup.itertext()).strip().strip("[]").strip()
    if not text or any(ord(ch) not in _SUPERSCRIPT for ch in text):
        return ""
    return text.translate(_SUPERSCRIPT)


_IMAGE_MD = r"!\[(?:\\.|[^\]\\\n])*\]\([^()\s]+\)"
_LEAD_IMAGE = re.compile(rf"({_IMAGE_MD}|\[{_IMAGE_MD}\]\([^()\s]+\)) +(?=\S)")
"""A paragraph's first image (linked or not), then a space and text."""


def _lead_images_apart(blocks: list[_Block]) -> list[_Block]:
    """An image that starts a paragraph becomes a block of its own, above the text.

    Feeds float a thumbnail beside the first words (230 paragraphs of 175 bodies
    in shared/corpus/feeds-real: golem.de, AWS, UOL). Kept in the line, the pane
    showed "[image] (https://conteudo.imguol.com.br/c/noticias/...jpg) Líder na
    pesquisa...", the URL running on into the story. Only top-level paragraphs:
    in a table cell a second block would make the table read as a layout.
    """
    if not any(b.kind == "p" and b.text.startswith(("![", "[![")) for b in blocks):
        return blocks
    out: list[_Block] = []
    for block in blocks:
        match = _LEAD_IMAGE.match(block.text) if block.kind == "p" else None
        if match is None:
            out.append(block)
            continue
        out.append(_Block(match.group(1)))
        out.append(_Block(_escape_line_starts(block.text[match.end() :])))
    return out


_REPEAT_MIN_CHARS = 40
"""Shorter paragraphs may repeat on purpose ("Ha.", a refrain); longer ones do not."""


def _without_repeats(blocks: list[_Block]) -> list[_Block]:
    """``blocks`` without a paragraph that is the same as the one right before it.

    Feeds that put the excerpt before the body (entp.com's blog in
    shared/corpus/feeds-real) and pages with a desktop and a mobile copy of their
    lead showed the same paragraph twice in a row.
    """
    kept: list[_Block] = []
    for block in blocks:
        previous = kept[-1] if kept else None
        if (
            previous is not None
            and block.kind == "p"
            and previous.kind == "p"
            and len(block.text) >= _REPEAT_MIN_CHARS
            and block.text == previous.text
        ):
            continue
        kept.append(block)
    return kept


def _table_rows(table: etree._Element) -> Iterator[etree._Element]:
    """The rows of ``table`` itself, not of tables nested in it."""
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            yield child
        elif tag in ("thead", "tbody", "tfoot"):
            for row in child:
                if _tag(row) == "tr":
                    yield row


def _indent(text: str, prefix: str, *, first: bool = True) -> str:
    lines = text.split("\n")
    out = [
        (prefix + line if line else line) if (first or i) else line for i, line in enumerate(lines)
    ]
    return "\n".join(out)


# --- plain text input --------------------------------------------------------------------

_PARAGRAPH_SPLIT = re.compile(r"\n\s*\n")
_LIST_LINE = re.compile(r"^\s*(?:[-*+•]|\d{1,9}[.)])\s")


def _plain_to_markdown(text: str) -> str:
    """Plain text to Markdown paragraphs, with nothing in it read as formatting.

    Line breaks inside a paragraph are kept when the lines look deliberate
    (short lines, list-like lines); hard-wrapped prose is joined.
    """
    text = html_lib.unescape(text).replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = []
    for para in _PARAGRAPH_SPLIT.split(text):
        lines = [_collapse(line).strip() for line in para.split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            continue
        escaped = [_escape_line_starts(escape_markdown(line)) for line in lines]
        if len(lines) > 1 and not _hard_wrapped(lines):
            paragraphs.append(_HARD_BREAK.join(escaped))
        else:
            paragraphs.append(_escape_line_starts(" ".join(escape_markdown(x) for x in lines)))
    return "\n\n".join(paragraphs)


def _hard_wrapped(lines: list[str]) -> bool:
    if any(_LIST_LINE.match(line) for line in lines):
        return False
    longest = max(len(line) for line in lines)
    return longest >= 50 and all(len(line) >= longest * 0.6 for line in lines[:-1])


# --- public API ------------------------------------------------------------------------


def html_to_markdown(html: str, base_url: str | None = None) -> str:
    """Clean Markdown for ``html`` (a feed body or page fragment); never raises.

    Relative links and images resolve against ``base_url``; unsafe links keep
    only their text; scripts, forms, embeds, tracking pixels and share widgets
    are dropped. Text without tags is treated as plain text.
    """
    if not html or not isinstance(html, str):
        return ""
    try:
        markup = _prepare(html)
        if not markup.strip():
            return ""
        if not _LOOKS_LIKE_HTML.search(markup):
            return clean_block(_plain_to_markdown(markup))
        root = _parse(markup)
        if root is None:
            return clean_block(_plain_to_markdown(_strip_tags(markup)))
        _space_glued(root)
        text = _lead_images_apart(_without_repeats(_Renderer(base_url).blocks(root, 0)))
        result = "\n\n".join(b.text for b in text if b.text)
        if "\n\n\n" in result:
            result = _MANY_NEWLINES.sub("\n\n", result)
        return clean_block(result)
    except Exception:
        # Last resort for inputs that break the parser in ways not seen yet: the
        # reader still gets the words, and ingest never stops on one item.
        try:
            return clean_block(_plain_to_markdown(_strip_tags(html[:MAX_INPUT_CHARS])))
        except Exception:
            return ""


_TAG = re.compile(r"<[^>]*>")
_BLOCK_TAG = re.compile(
    r"<\s*/?\s*(?:p|div|br|li|h[1-6]|tr|blockquote|pre|section|article|table|ul|ol|hr)\b[^>]*>",
    re.IGNORECASE,
)
_DROP_CONTENT = re.compile(
    r"<(script|style|noscript|template|svg|math)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)


def _strip_tags(markup: str) -> str:
    markup = _DROP_CONTENT.sub(" ", markup)
    markup = _BLOCK_TAG.sub("\n\n", markup)
    return _TAG.sub(" ", markup)


_TEXT_BLOCKS = _BLOCK_TAGS | {"br", "img"}


def html_to_text(html: str, max_chars: int | None = None) -> str:
    """Plain text of ``html`` on one line (summaries, full-text search); never raises.

    Whitespace is collapsed, scripts/forms/share widgets dropped, controls
    removed. ``max_chars`` cuts at a word boundary and adds an ellipsis.
    """
    if not html or not isinstance(html, str):
        return ""
    try:
        markup, printable = _prepare_checked(html)
        # Text made only of the markup's characters and spaces (its tags removed,
        # no reference decoded but the five XML ones) is printable once its
        # newlines and tabs are spaces when the markup is: clean_line need not
        # scan it again for characters to strip (a third of its time on a body).
        if not _LOOKS_LIKE_HTML.search(markup):
            if printable and "&" not in markup:
                text = clean_printable_line(markup)
            else:
                text = clean_line(html_lib.unescape(markup))
        elif (inline := _plain_inline_text(markup)) is not None:
            text = clean_printable_line(inline) if printable else clean_line(inline)
        elif (flat := _flat_text(markup, printable)) is not None:
            text = (
                clean_printable_line(flat) if printable and "&" not in markup else clean_line(flat)
            )
        elif (spaced := _spaced_text(markup)) is not None:
            text = clean_line(spaced)
        else:
            root = _parse(markup)
            text = clean_line(_text_of(root) if root is not None else _strip_tags(markup))
    except Exception:
        try:
            text = clean_line(_strip_tags(html[:MAX_INPUT_CHARS]))
        except Exception:
            return ""
    if max_chars is not None and len(text) > max_chars:
        cut = text[: max(0, max_chars - 1)]
        text = (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"
    return text


def _name_pattern(names: Iterable[str]) -> str:
    """A regular expression matching any of ``names``, as a trie (``d(?:[dlt]|i[rv]|...)``).

    Python's regular expressions try the branches of an alternation one by one;
    factored by first letters, matching a tag name costs a few steps instead of
    one attempt per name, at every ``<`` of a body.
    """
    by_first: dict[str, list[str]] = {}
    for name in sorted(set(names)):
        by_first.setdefault(name[:1], []).append(name[1:])
    branches = []
    for first, rests in by_first.items():
        if len(rests) == 1:
            branches.append(re.escape(first + rests[0]))
            continue
        optional = "" in rests
        rest = [r for r in rests if r]
        inner = _name_pattern(rest) if rest else ""
        if inner:
            inner = f"(?:{inner})?" if optional else f"(?:{inner})"
        branches.append(re.escape(first) + inner)
    return "|".join(branches)


_GAP = "\ue001"
"""Marks a block boundary in the markup, a space in the text (private use: never in feeds)."""
_NAME_END = r"(?![^\t\n\f\r />])"
"""After a tag name: what ends it (or the end of the markup)."""
_CLOSED_SET = _TEXT_BLOCKS - {"html", "body", "br", "img", "hr"}
"""The spaced elements that have an end tag (the parser ignores ``</br>``, ``</img>``)."""
_SPACED_NAMES = _name_pattern(_TEXT_BLOCKS - {"html", "body"})
_SPACED_TAG = re.compile(
    rf"<(?=(?:/(?:{_name_pattern(_CLOSED_SET)})|{_SPACED_NAMES}){_NAME_END})", re.IGNORECASE
)
_NOT_SPACEABLE = re.compile(
    r"<(?:[!?]|/[^A-Za-z])"  # comments, declarations, bogus comments: text may hide tags
    rf"|</?(?:{_name_pattern(_DROP_TAGS | {'xmp', 'plaintext', 'listing', 'noembed', 'noframes'})})"
    rf"{_NAME_END}",  # dropped or raw-text elements
    re.IGNORECASE,
)
_BLOCK_END_TAG = re.compile(rf"</({_name_pattern(_CLOSED_SET)}){_NAME_END}", re.IGNORECASE)
_WITH_ATTRIBUTES = etree.XPath("//*[@class or @id or @style or @hidden]")
_TAG_OF = attrgetter("tag")


_INLINE_ONLY = re.compile(
    r"(?:[^<&]++|</?(?:b|strong|i|em|u|small|sub|sup|code|cite|abbr|mark|span)>"
    r'|<a href="[^"<>&]*+">|</a>|&(?:amp|lt|gt|quot|#39);)*+'
)
"""Markup of only text, plain inline tags, links and the five XML entities (possessive
quantifiers: a failed match must not retry every way of splitting the text)."""
_INLINE_MAX = 4000
_ANY_TAG = re.compile(r"<[^>]*>")


def _plain_inline_text(markup: str) -> str | None:
    """The text of a short run of plain inline markup, without building a tree; else None.

    Why: most summaries are a sentence or two with a ``<strong>`` or a link, and
    parsing them was most of their cost. For such markup, the tree's text is the
    markup without its tags, the five entities decoded: nothing is dropped, no
    block adds a space, and no ``<`` can be anything but one of these tags.
    """
    if len(markup) > _INLINE_MAX or _INLINE_ONLY.fullmatch(markup) is None:
        return None
    text = _ANY_TAG.sub("", markup)
    return html_lib.unescape(text) if "&" in text else text


_FLAT_ATTRIBUTES = (
    r"(?:\s++[A-Za-z_:][-A-Za-z0-9_:.]*+(?:\s*+=\s*+(?:\"[^\"<>]*+\"|'[^'<>]*+'))?+)*+\s*+"
)
_FLAT_ATTRIBUTES_RE = re.compile(_FLAT_ATTRIBUTES)
_FLAT_SPLIT = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*+)([^>]*+)>")
_FLAT_EXEMPT = frozenset({"p", "a", "b", "i", "em", "strong", "span"})
"""Elements whose class and id never make them unwanted (:func:`_is_unwanted`)."""
_FLAT_VOID = frozenset({"br", "img", "hr"})
_FLAT_INLINE = """abbr acronym bdo big cite code del dfn ins kbd q s samp small strike tt u
    var""".split()  # noqa: SIM905
"""Inline elements, besides the exempt ones, that libxml2 lets hold text
(``allowPCData``): after the others (``sup``, ``mark``...) it drops a blank text
node, which this path would keep as a space."""
_FLAT_BLOCKS = """p div li ul ol h1 h2 h3 h4 h5 h6 blockquote pre dl dt dd address center
    section article aside header footer main figure figcaption br img hr""".split()  # noqa: SIM905
_FLAT_SEPARATOR = {
    **dict.fromkeys(_FLAT_EXEMPT | set(_FLAT_INLINE), ""),
    **dict.fromkeys(_FLAT_BLOCKS, " "),
}
"""What each element's tags become in the text: a space around a block, nothing else."""
_UNWANTED_ATTRIBUTE = re.compile(r"(?:^|\s)(?i:style|hidden)\b")
_ENTITY_REF = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,7});")
_HTML4_ENTITIES = frozenset(name2codepoint) | {"apos"}
"""Named references libxml2 and ``html.unescape`` decode alike (a test checks each)."""
_FLAT_MAX_DEPTH = 100


def _same_char_ref(ref: str) -> bool:
    """Whether a numeric reference decodes the same in libxml2 and ``html.unescape``.

    They differ only for controls and non-characters (``unescape`` drops them,
    libxml2 keeps them); such a body goes to the tree.
    """
    try:
        cp = int(ref[2:], 16) if ref[1] in "xX" else int(ref[1:])
    except ValueError:
        return False
    if cp in (9, 10, 13) or 0x20 <= cp < 0x7F or 0x80 <= cp <= 0xD7FF:
        return True
    if 0xE000 <= cp <= 0x10FFFF and not 0xFDD0 <= cp <= 0xFDEF:
        return cp & 0xFFFE != 0xFFFE
    return False


def _flat_attributes_ok(name: str, rest: str) -> bool:
    """Whether a start tag's attributes (``rest``, after its name) keep it wanted and plain."""
    rest = rest.rstrip()
    if rest.endswith("/"):
        if name not in _FLAT_VOID:
            return False  # "<p/>": the parser's idea of it is not worth guessing
        rest = rest[:-1]
    if not rest or rest.isspace():
        return True
    if name not in _FLAT_EXEMPT and name not in ("img", "br"):
        return False  # a class or id that may mark a share widget, say
    # Plain quoted values only: a ">" inside quotes ends the tag later than the
    # split saw it end.
    if _FLAT_ATTRIBUTES_RE.fullmatch(rest) is None:
        return False
    # The search for "style" or "hidden" (~1.6 us on a link's attributes, half of
    # this check) runs only where it can match: case-insensitively, "s" and "i"
    # also match "ſ", "İ" and "ı", but the other letters only their ASCII pair.
    low = rest.lower()
    return ("tyle" not in low and "dden" not in low) or _UNWANTED_ATTRIBUTE.search(rest) is None


_ENDED_BY_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "address"})
"""Elements libxml2 ends at the start of a block inside them (some only at some blocks:
all are refused, to be sure)."""
_ENDED_BY = {
    "li": {"li", "dl"},
    "dl": {"dt"},
    "dt": {"dt", "dd"},
    "dd": {"dt", "dd"},
    "ul": {"ol"},
    "ol": {"ul"},
    "address": {"ul"},
    "pre": {"ul"},
}
"""Block start tag -> innermost open elements libxml2 ends there (its ``htmlStartClose``)."""


_NOTHING: frozenset[str] = frozenset()
_FLAT_ENDS: dict[str, frozenset[str]] = {
    name: _NOTHING
    if separator == "" or name in ("br", "img")
    else frozenset(_ENDED_BY_BLOCKS | _ENDED_BY.get(name, set()))
    for name, separator in _FLAT_SEPARATOR.items()
}
"""Start tag -> the innermost open elements the parser ends there.

It does for a block (or ``<hr>``) inside a paragraph or a heading, a list item
inside a list item and so on: that element's own end tag then closes nothing,
and the tree has no space where it stands. Images, line breaks and inline
elements end nothing."""


class _FlatNames(dict[str, str]):
    """Tag name as written -> its lower-case name if :func:`_flat_text` knows it, else "".

    Computed on first sight: a feed's markup spells a few names in one or two
    ways, so lower-casing each tag and looking it up twice cost more than this.
    """

    def __missing__(self, written: str) -> str:
        name = written.lower()
        known = name if name in _FLAT_SEPARATOR else ""
        if len(self) >= _FLAT_NAMES_LIMIT:  # hostile markup inventing names
            self.clear()
        self[written] = known
        return known


_FLAT_NAMES_LIMIT = 4096
_flat_names = _FlatNames()


def _flat_depth(closes: list[str], names: list[str]) -> int:
    """The deepest nesting of a well-nested sequence of tags (void elements are not open)."""
    depth = deepest = 0
    for close, name in zip(closes, names, strict=True):
        if close:
            depth -= 1
        elif name not in _FLAT_VOID:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def _flat_text(markup: str, printable: bool = False) -> str | None:
    """What :func:`_text_of` gives, for plain well-nested markup, without a tree; else None.

    ``printable``: the caller knows ``markup`` printable once its newlines and tabs
    are spaces, so it holds no lone surrogate (those are not printable) and
    need not be encoded to find one.

    Why: most bodies are paragraphs, lists and links with nothing to drop, and
    for those the tree's text is the markup with a space for each block tag,
    line break and image, other tags removed and references decoded. Parsing
    and serialising them was the largest cost of a body's text at ingest. The
    checks send the rest to the tree: any other tag, a ``style`` or ``hidden``
    attribute, a comment, a bare ``&``, and any element not closed by its own
    end tag in order (a block closed by an inline parent's end, or a stray end
    tag, is where the tree's spaces would be elsewhere).
    """
    parts = _FLAT_SPLIT.split(markup)
    names = list(map(_flat_names.__getitem__, parts[2::4]))
    if not all(names):
        return None  # a tag this path does not know
    closes = parts[1::4]
    # The loop is per tag, so it does the least it can: the parents each start tag
    # ends come with its name (_FLAT_ENDS), a void element is never
    # pushed (so its end tag cannot match the top of the stack), and the depth is
    # counted only for markup with enough elements to exceed the limit.
    stack: list[str] = []
    push, pop, void = stack.append, stack.pop, _FLAT_VOID
    for close, name, rest, ends in zip(
        closes, names, parts[3::4], map(_FLAT_ENDS.__getitem__, names), strict=True
    ):
        if close:
            if (rest and not rest.isspace()) or not stack or pop() != name:
                return None
            continue
        if rest and not rest.isspace() and not _flat_attributes_ok(name, rest):
            return None
        if stack and stack[-1] in ends:
            return None
        if name not in void:
            push(name)
    if stack:
        return None
    if closes.count("/") > _FLAT_MAX_DEPTH and _flat_depth(closes, names) > _FLAT_MAX_DEPTH:
        return None
    if not printable and not markup.isascii():
        try:  # the parser reads UTF-8: a lone surrogate becomes "?" there
            markup.encode("utf-8")
        except UnicodeEncodeError:
            return None
    # The texts between the tags, each followed by its tag's separator (filling a
    # list by slices: cheaper than concatenating each pair).
    pieces = [""] * (2 * len(names) + 2)
    pieces[0::2] = parts[0::4]
    pieces[1:-1:2] = map(_FLAT_SEPARATOR.__getitem__, names)
    text = "".join(pieces)
    if "<" in text:
        # A "<" that starts no tag: a comment, "<!DOCTYPE", "a < b"... (one inside
        # a tag, "<a <b>", left attributes the checks above refused).
        return None
    if "&" not in text:
        return text
    refs = _ENTITY_REF.findall(text)
    if len(refs) != text.count("&"):
        return None  # a bare "&", or a reference without its ";"
    for ref in refs:
        if not (_same_char_ref(ref) if ref[0] == "#" else ref in _HTML4_ENTITIES):
            return None
    return html_lib.unescape(text)


def _spaced_text(markup: str) -> str | None:
    """What :func:`_text_of` gives, for markup where it can be had more cheaply, else None.

    Why: walking the tree in Python to put a space around every block was half
    the cost of a body's text. Here a marker is written into the markup before
    each block's start and end tags (one regular expression; tags hold no text,
    so before or after a tag is the same place in the text), libxml2 serialises
    the text in one call, and the markers become spaces. That is the same text
    as long as nothing is dropped (a script, a form, a share widget... send the
    markup to :func:`_text_of`), no tag hides in a comment or raw text and every
    block has its own end tag, which the checks below make sure of.
    """
    if _GAP in markup or _NOT_SPACEABLE.search(markup) is not None:
        return None
    root = _parse(_SPACED_TAG.sub(_GAP + "<", markup))
    # Each block must end at an end tag of its own: one closed by the end of an
    # inline parent ("<span><p>a</span>b") has no marker after it, and a stray end
    # tag ("a</div>b", ignored by the parser) has one where the walk has no space.
    if root is None:
        return None
    # (Counting every tag, then keeping the blocks, is cheaper than asking lxml to
    # match each element against the block names.)
    tags = Counter(map(_TAG_OF, root.iter()))
    blocks = {tag: n for tag, n in tags.items() if tag in _CLOSED_SET}
    if blocks != dict(Counter(map(str.lower, _BLOCK_END_TAG.findall(markup)))):
        return None
    for el in _WITH_ATTRIBUTES(root):
        if el is not root and el.getparent() is not None and _is_unwanted(el, _tag(el)):
            return None
    text: str = etree.tostring(root, method="text", encoding=str, with_tail=False)
    # "</p>\n<p>" is the usual seam between paragraphs: one space, not three.
    return text.replace(_GAP + "\n" + _GAP, " ").replace(_GAP, " ")


def _text_of(root: etree._Element) -> str:
    """Visible text of a parsed tree, blocks apart by a space (mutates the tree).

    Dropping and spacing are done with lxml's own loops (strip_elements, iter by
    tag); only elements with a class, id, style or hidden attribute are looked
    at in Python.
    """
    etree.strip_elements(root, *_DROP_TAGS, with_tail=False)
    for el in root.xpath("//*[@class or @id or @style or @hidden]"):
        parent = el.getparent()
        if el is not root and parent is not None and _is_unwanted(el, _tag(el)):
            _drop_keeping_tail(el, parent)
    for el in root.iter(*_TEXT_BLOCKS):
        el.tail = " " + el.tail if el.tail else " "
        el.text = " " + el.text if el.text else " "
    return "".join(root.itertext())


_GLUE_AFTER = frozenset(".!?,;:)]”»")
"""Punctuation that a capitalised word printed next to it is never written against."""
_VERBATIM_TAGS = ("pre", "code", "kbd", "samp", "tt", "listing", "xmp", "plaintext", "textarea")
_NOT_INLINE = _TEXT_BLOCKS | _DROP_TAGS
_SCRIPTS = frozenset({"sup", "sub"})


def _space_glued(root: etree._Element) -> bool:
    """Put a space between sibling inline elements whose words the page's CSS keeps apart.

    Pages lay out a caption and its credit, a label and a name, a date and a
    byline as ``<span>``s side by side with no space between them in the markup
    (the stylesheet gives them a margin, or makes them blocks): without the CSS
    the words ran together, "weather.CreditKirsten Luce" under every New York
    Times picture (nytimes-3), "by Lucas Nolan22 Dec 2016651" (breitbart: author,
    date, comment count). Two such elements are taken apart when the first ends a
    word in lower case, a digit or punctuation and the second starts a
    capitalised word, or when a number of two or more digits follows a word or a
    number, seams that prose never writes inside a word (camel-case brands are
    one text node, not two elements; a ``<sup>``/``<sub>`` is left to the
    renderer). Code is left as it is. Returns whether anything changed.
    """
    # The set holds the elements themselves: lxml makes a new proxy object (and id)
    # for an element each time one is asked for once the last is gone.
    verbatim = {el for tag in root.iter(*_VERBATIM_TAGS) for el in tag.iter()}
    changed = False
    for el in root.iter():
        tag = el.tag
        if not isinstance(tag, str) or tag in _NOT_INLINE or el in verbatim:
            continue
        before = el.getprevious()
        if before is None or before.tail or not isinstance(before.tag, str):
            continue
        if before.tag in _NOT_INLINE:
            continue
        right = "".join(el.itertext())
        if len(right) < 2:
            continue
        word = right[0].isupper() and right[1].islower()
        number = right[:2].isdigit() and tag not in _SCRIPTS and before.tag not in _SCRIPTS
        if not word and not number:
            continue  # a space (or nothing) starts it, or no capitalised word or number
        left = "".join(before.itertext())
        if len(left) < 2 or left[-1].isspace():
            continue
        last = left[-1]
        if last.islower() or last.isdigit() or last in _GLUE_AFTER or (number and last.isalpha()):
            before.tail = " "
            changed = True
    return changed


def space_glued_words(html: str) -> str:
    """``html`` with the glued words of :func:`_space_glued` apart (a page's body
    before its plain text is taken, which the fast text paths cannot do)."""
    root = _parse(html) if html and _LOOKS_LIKE_HTML.search(html) else None
    if root is None or not _space_glued(root):
        return html
    return str(etree.tostring(root, encoding="unicode", method="html"))


def _drop_keeping_tail(el: etree._Element, parent: etree._Element) -> None:
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)
