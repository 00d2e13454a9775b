"""A fast path for well-formed RSS 2.0 and Atom 1.0: lxml instead of feedparser.

Why: parsing is the bottleneck of a refresh. feedparser walks every element
through Python SAX callbacks (~0.5 ms per item even with its sanitiser off);
libxml2 builds the same tree in a few microseconds per item. This module reads
that tree and fills **the same entry dictionaries feedparser would**, then
hands them to the one shared conversion in :mod:`termnews.core.sources.parse`
(``_entry``: HTML to Markdown, summary, dates, title fallback), so both paths
give the same :class:`~termnews.core.models.EntryData`.

"The same" is checked, not assumed: ``benchmarks/parser_compare.py`` runs both
paths over ``shared/corpus/feeds-real`` and reports any difference. To keep
that guarantee the fast path only takes documents it fully understands and
returns ``None`` for everything else, which then goes to feedparser:

* anything that is not well-formed XML, declares a DTD (entities), or is not
  ``<rss>``/``<channel>`` or an Atom 1.0 ``<feed>`` (RSS 1.0/RDF, Atom 0.3...);
* documents not in UTF-8 (feedparser's encoding detection and its
  "double-encoded UTF-8" repair are subtle; most feeds are UTF-8);
* items using elements whose feedparser semantics are intricate (``source``,
  iTunes/Media RSS titles, descriptions and summaries, XHTML bodies, typed or
  base64 Atom content, two descriptions in one item...).

The small feedparser rules that do apply are replicated and named below: a
permalink ``guid`` (or an Atom ``id``) doubles as the link, the first
non-empty title of an item wins, ``xml:base`` scopes (with feedparser's
leaky restore) resolve links and ids, a ``description`` becomes the summary even
after ``content:encoded``, Windows-1252 control points are mapped,
double-encoded UTF-8 is repaired, and so on.
"""

from __future__ import annotations

import re
import time
import urllib.parse
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from itertools import product
from typing import Any

from feedparser.mixin import _cp1252, _FeedParserMixin
from feedparser.urls import _urljoin, make_safe_absolute_uri
from lxml import etree

from termnews.core.content import safe_url
from termnews.core.dates import feed_date
from termnews.core.models import UNTITLED_FEED, ParsedFeed
from termnews.core.sources.parse import _ttl, entries_of
from termnews.core.text import clean_line

__all__ = ["attempt_fast", "parse_fast"]

ATOM = "http://www.w3.org/2005/Atom"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"

_PREFIXES: dict[str, str] = {
    uri.lower(): prefix for uri, prefix in _FeedParserMixin.namespaces.items()
}
"""feedparser's namespace URI -> prefix map: its handlers are chosen by prefix
(Atom, RSS 0.9x/1.0 and plain RSS all map to "", so ``atom:link`` in RSS is a
``link``). Unknown URIs keep the document's own prefix, as in feedparser."""

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_LINK_ENTITY = re.compile(r"&([A-Za-z0-9_]+);")
_C1 = re.compile("[\x80-\x9f]")


class _Unsupported(Exception):
    """The document needs feedparser's full treatment."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        strip_cdata=True,
        recover=False,
    )


_Key = tuple[str, str]
"""(feedparser prefix, lower-case local name): how feedparser dispatches an element."""
_Action = Callable[[etree._Element, "_Entry"], None] | str | None
"""What an item does with a child: a handler, an unsupported-element message, or nothing."""
_Info = tuple[_Key, _Action, str | None]
"""An element's key, its action as an item's child, and its local name if it is ``media:``."""

_INFOS: dict[object, _Info] = {}
"""Memo of :func:`_info` by tag (Clark notation, as ``el.tag`` gives it): a feed has a
few dozen tag names, met thousands of times, so most elements cost one dict lookup
instead of a parse of the tag and three more lookups (``_name`` was called ~36 times
per article). Tags in a namespace feedparser does not know are never stored: their
name depends on each element's own prefix."""
_INFOS_LIMIT = 4096
_KEY_INFOS: dict[_Key, _Info] = {}
"""The same by key, for elements of unknown namespaces."""


def _info(el: etree._Element) -> _Info:
    """The memoised :data:`_Info` of ``el`` (computed and stored on first sight of its tag)."""
    tag = el.tag
    info = _INFOS.get(tag)
    if info is not None:
        return info
    if not isinstance(tag, str):  # a comment, processing instruction or entity
        key: _Key = ("#", "")
    elif not tag.startswith("{"):
        key = "", tag.lower()
    else:
        uri, _, local = tag[1:].partition("}")
        prefix = _PREFIXES.get(uri.lower())
        if prefix is None:  # an unknown namespace: the name depends on the element's prefix
            key = (el.prefix or "").lower(), local.lower()
            info = _KEY_INFOS.get(key)
            if info is None:
                if len(_KEY_INFOS) >= _INFOS_LIMIT:
                    _KEY_INFOS.clear()
                info = _KEY_INFOS[key] = _new_info(key)
            return info
        key = prefix, local.lower()
    if len(_INFOS) >= _INFOS_LIMIT:  # a hostile feed inventing names must not grow it forever
        _INFOS.clear()
    info = _INFOS[tag] = _new_info(key)
    return info


def _new_info(key: _Key) -> _Info:
    """What :func:`_item` does with a child named ``key`` (see :data:`_ITEM_HANDLERS`)."""
    prefix, local = key
    action: _Action = None
    if prefix != "#":
        action = _ITEM_HANDLERS.get(key)
        stored = key in _HARMLESS or prefix in _STORED_ONLY
        if action is None and not stored and prefix in _HANDLED_PREFIXES:
            action = f"{prefix}:{local}"
    return key, action, local if prefix == "media" else None


def _name(el: etree._Element) -> _Key:
    """(feedparser prefix, lower-case local name): how feedparser dispatches an element."""
    info = _INFOS.get(el.tag)
    return (info or _info(el))[0]


def _join(base: str, uri: str) -> str:
    """feedparser's ``_urljoin(base, uri)``, without its ``re.sub`` where that changes nothing.

    Why: ``_urljoin`` first drops the slashes after a scheme's ``://`` with a
    ``re.sub`` whose template is looked up again on every call (~2 us, even when
    nothing matches: more than the join), and every item's link, permalink guid
    or Atom id went through it. Those slashes exist only in a URI holding
    ``:///``; any other comes out of the substitution unchanged, and
    ``urllib.parse.urljoin`` returns it as it is when there is no base.
    """
    if ":///" in uri:
        return str(_urljoin(base, uri))
    if not base:
        return uri
    try:
        return urllib.parse.urljoin(base, uri)
    except ValueError:  # as _urljoin: a malformed URI (an unclosed IPv6 "[") is dropped
        return ""


def _fix(text: str, c1: bool = True) -> str:
    """feedparser's text repairs: double-encoded UTF-8 and Windows-1252 code points.

    Both only change text holding U+0080-U+00FF, so plain text skips them (the
    ``translate`` pass alone was the costliest step of this module). ``c1`` false
    says the text holds no C1 code point (U+0080-U+009F, see :func:`_may_hold_c1`),
    so none needs mapping: repairing double-encoded UTF-8 cannot make one either,
    as its result holds U+0080-U+009F only where the text held U+00C2 and one.
    """
    if text.isascii():
        return text
    # Encoding fails at the first character past U+00FF, which cannot be Latin-1.
    # Cheaper than asking first: ``max(text)`` walked a body character by character
    # in Python objects (~20 us per KB; the encoder runs over the bytes).
    try:
        raw = text.encode("iso-8859-1")
    except UnicodeEncodeError:
        has_c1 = c1 and _has_c1_beyond_latin1(text)
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            # The text is its Latin-1 bytes: a C1 code point is a byte 0x80-0x9F.
            has_c1 = c1 and bool(raw.translate(None, _NOT_C1_BYTES))
        else:
            has_c1 = c1 and _C1.search(text) is not None
    if has_c1:
        text = text.translate(_cp1252)
    return text


_NOT_C1_BYTES = bytes(b for b in range(256) if not 0x80 <= b <= 0x9F)
_C1_UTF8 = re.compile(b"\xc2[\x80-\x9f]")
"""U+0080-U+009F in UTF-8 (0xC2 leads exactly the code points U+0080-U+00BF)."""


def _has_c1_beyond_latin1(text: str) -> bool:
    """``_C1.search(text)`` for text that is not Latin-1, without its regex over the text.

    Why: the regular expression tested every character of every non-ASCII body
    (~20 us each, two thirds of :func:`_fix`); encoding to UTF-8 and looking for
    the byte 0xC2 (absent from most text) run at C speed, and only text that has
    it is searched, as bytes.
    """
    utf8 = text.encode("utf-8", "surrogatepass")
    return b"\xc2" in utf8 and _C1_UTF8.search(utf8) is not None


def _may_hold_c1(data: bytes) -> bool:
    """False when no text of a UTF-8 document without a DTD can hold U+0080-U+009F.

    Such a character is either written as its UTF-8 bytes (0xC2 then 0x80-0x9F) or
    as a character reference (``&#133;``); without a DTD no entity can stand for
    one. So a document with neither a byte 0xC2 nor a ``#`` has none, which ``in``
    tells at memchr speed (~2 us for 170 KB). Why: telling :func:`_fix` so spares
    it a UTF-8 encoding of every non-Latin-1 text (~1.6 ns a character, 40% of its
    time). Other documents keep the check per text: searching all of their bytes
    with regular expressions cost more than it saved on ``feeds-real``.
    """
    return b"\xc2" in data or b"#" in data


def _text(el: etree._Element, c1: bool = True) -> str:
    """An element's character content, as feedparser stores it (stripped, repaired).

    ``c1`` is :func:`_may_hold_c1` of the document (true is always right, only slower).
    """
    if len(el):
        raise _Unsupported("markup inside a text element")
    return _fix((el.text or "").strip(), c1)


_CONTENT_TYPES = {"text": "text/plain", "plain": "text/plain", "html": "text/html",
                  "xhtml": "application/xhtml+xml"}  # fmt: skip


def _content_type(value: str | None, default: str) -> str:
    kind = (value or default).lower()
    return _CONTENT_TYPES.get(kind, kind)


class _Entry:
    """Builds one feedparser-shaped entry dictionary, element by element."""

    def __init__(
        self, atom: bool, bases: dict[etree._Element, str] | None, c1: bool = True
    ) -> None:
        self.atom = atom
        self.bases = bases
        self.c1 = c1
        self.d: dict[str, Any] = {}
        self.has_content = False
        self.summaries = 0
        self.title_set = False
        self.authors: list[dict[str, str]] = []
        self.date_text: str | None = None
        self.date_value: time.struct_time | None = None

    def title(self, value: str, ctype: str = "text/plain") -> None:
        """feedparser keeps the first non-empty title of an item (later ones are ignored).

        Its type too, guessed as feedparser guesses outside Atom: a plain-text title
        that looks like HTML ("<b>Slack</b>", "AT&amp;T") is HTML.
        """
        if not self.title_set:
            if ctype == "text/plain" and not self.atom and _FeedParserMixin.looks_like_html(value):
                ctype = "text/html"
            self.d["title"] = value
            self.d["title_detail"] = {"type": ctype}
            self.title_set = bool(value)

    def base(self, el: etree._Element) -> str:
        """The xml:base in force for ``el``, as feedparser tracks it ("" when none)."""
        return self.bases.get(el, "") if self.bases else ""

    def guid(self, el: etree._Element, value: str, permalink: bool) -> None:
        """A permalink guid (and an Atom id) is resolved as a URI and is the link if none."""
        if permalink:
            value = _join(self.base(el), value)
        self.d["id"] = value
        if permalink:
            self.d.setdefault("link", value)

    def link(self, el: etree._Element) -> None:
        href = el.get("href")
        if href is None:
            value = _text(el, self.c1)
            value = _join(self.base(el), value) if value else value
            if "&" in value:  # the substitution costs ~2 us even when nothing matches
                value = _LINK_ENTITY.sub(r"&\g<1>", value.replace("&amp;", "&"))
            self.d["link"] = value
            return
        rel = el.get("rel", "alternate")
        default = "application/atom+xml" if rel == "self" else "text/html"
        ctype = _content_type(el.get("type"), default)
        href = _join(self.base(el), href)
        if rel == "enclosure":
            self.d.setdefault("enclosures", []).append({"href": href})
        if rel == "alternate" and ctype in _HTML_TYPES:
            self.d["link"] = href

    def tag(self, term: str | None, label: str | None = None) -> None:
        tag = {"term": term, "label": label}
        tags: list[dict[str, str | None]] = self.d.setdefault("tags", [])
        if (term or label) and tag not in tags:
            tags.append(tag)

    def date(self, key: str, value: str) -> None:
        """A date, read once when it repeats the entry's previous one (an Atom entry's
        published and updated are often the same text; the value is immutable)."""
        if value != self.date_text:
            self.date_text = value
            self.date_value = feed_date(value) if value else None
        self.d[key] = self.date_value

    def content(self, value: str, ctype: str) -> None:
        self.has_content = True
        self.d.setdefault("content", []).append({"value": value, "type": ctype})
        if ctype in _HTML_TYPES or ctype == "text/plain":
            self.d.setdefault("summary", value)

    def summary(self, value: str, ctype: str) -> None:
        self.summaries += 1
        if self.summaries > 1 or ("summary" in self.d and not self.has_content):
            raise _Unsupported("a second summary becomes content in feedparser")
        self.d["summary"] = value
        self.d["summary_detail"] = {"type": ctype}

    def author(self, el: etree._Element) -> None:
        if len(el):
            if (el.text or "").strip():
                raise _Unsupported("author with text and elements")
            detail: dict[str, str] = {}
            for child in el:
                _prefix, local = _name(child)
                if local in ("name", "email"):
                    detail[local] = _text(child, self.c1)
            self.authors.append(detail)
            self.d["author"] = ""
        else:
            self.authors.append({})
            self.d["author"] = _text(el, self.c1)

    def finish(self) -> dict[str, Any]:
        if self.authors and self.authors[-1]:
            last = self.authors[-1]
            name, email = last.get("name"), last.get("email")
            if name and email:
                self.d["author"] = f"{name} ({email})"
            elif name or email:
                self.d["author"] = name or email
        return self.d


def _typed_text(el: etree._Element, default: str, c1: bool = True) -> tuple[str, str]:
    """(value, type) of a text construct; XHTML, base64 and out-of-line go to feedparser."""
    if el.get("mode") is not None or el.get("src") is not None:
        raise _Unsupported("Atom 0.3 mode or out-of-line content")
    ctype = _content_type(el.get("type"), default)
    if ctype not in ("text/plain", "text/html"):
        raise _Unsupported(f"content type {ctype}")
    return _text(el, c1), ctype


def _enclosure(el: etree._Element, entry: _Entry) -> None:
    href = el.get("url", el.get("href"))
    entry.d.setdefault("enclosures", []).append({"href": href} if href else {})


def _itunes_keywords(el: etree._Element, entry: _Entry) -> None:
    for term in _text(el, entry.c1).split(","):
        if term.strip():
            entry.tag(term.strip())


def _itunes_image(el: etree._Element, entry: _Entry) -> None:
    href = el.get("href") or el.get("url")
    if href:
        entry.d["image"] = {"href": href}


def _description(el: etree._Element, entry: _Entry) -> None:
    if "summary" in entry.d and not entry.has_content:
        raise _Unsupported("description after a summary")
    entry.summary(_text(el, entry.c1), _content_type(el.get("type"), "text/html"))


def _atom_only(handler: _Handler) -> _Handler:
    def guarded(el: etree._Element, entry: _Entry) -> None:
        if not entry.atom:
            raise _Unsupported("Atom text construct in RSS")  # feedparser guesses HTML there
        handler(el, entry)

    return guarded


_Handler = Callable[[etree._Element, _Entry], None]

_ITEM_HANDLERS: dict[tuple[str, str], _Handler] = {
    ("", "title"): lambda el, e: e.title(*_typed_text(el, "text/plain", e.c1)),
    ("dc", "title"): lambda el, e: e.title(_text(el, e.c1)),
    ("", "link"): lambda el, e: e.link(el),
    ("", "guid"): lambda el, e: e.guid(
        el, _text(el, e.c1), el.get("isPermaLink", el.get("ispermalink", "true")) == "true"
    ),
    ("", "id"): lambda el, e: e.guid(el, _text(el, e.c1), True),
    ("", "description"): _description,
    ("", "author"): lambda el, e: e.author(el),
    ("dc", "creator"): lambda el, e: e.author(el),
    ("dc", "author"): lambda el, e: e.author(el),
    ("itunes", "author"): lambda el, e: e.author(el),
    ("", "category"): lambda el, e: e.tag(
        el.get("term") or _text(el, e.c1) or None, el.get("label")
    ),
    ("dc", "subject"): lambda el, e: e.tag(_text(el, e.c1) or None),
    ("itunes", "keywords"): _itunes_keywords,
    ("itunes", "category"): lambda el, e: e.tag(el.get("text") or _text(el, e.c1) or None),
    ("itunes", "image"): _itunes_image,
    ("itunes", "link"): _itunes_image,
    ("", "enclosure"): _enclosure,
    ("", "pubdate"): lambda el, e: e.date("published_parsed", _text(el, e.c1)),
    ("", "published"): lambda el, e: e.date("published_parsed", _text(el, e.c1)),
    ("", "issued"): lambda el, e: e.date("published_parsed", _text(el, e.c1)),
    ("dcterms", "issued"): lambda el, e: e.date("published_parsed", _text(el, e.c1)),
    ("", "updated"): lambda el, e: e.date("updated_parsed", _text(el, e.c1)),
    ("", "modified"): lambda el, e: e.date("updated_parsed", _text(el, e.c1)),
    ("", "lastbuilddate"): lambda el, e: e.date("updated_parsed", _text(el, e.c1)),
    ("dc", "date"): lambda el, e: e.date("updated_parsed", _text(el, e.c1)),
    ("dcterms", "modified"): lambda el, e: e.date("updated_parsed", _text(el, e.c1)),
    ("content", "encoded"): lambda el, e: e.content(
        _text(el, e.c1), _content_type(el.get("type"), "text/html")
    ),
    ("", "content"): _atom_only(lambda el, e: e.content(*_typed_text(el, "text/plain", e.c1))),
    ("", "summary"): _atom_only(lambda el, e: e.summary(*_typed_text(el, "text/plain", e.c1))),
}
"""What feedparser does with an item's children, for the fields termnews uses."""

_HARMLESS: frozenset[tuple[str, str]] = frozenset(
    {("", n) for n in ("comments", "rights", "copyright", "created", "expirationdate",
                       "contributor", "language", "ttl")}
    | {("dc", n) for n in ("rights", "publisher", "contributor", "language", "format",
                           "identifier", "type", "source", "coverage", "relation")}
    | {("dcterms", n) for n in ("created", "valid")}
    | {("itunes", n) for n in ("explicit", "block", "subtitle", "duration", "episode",
                               "episodetype", "season", "title", "order", "isclosedcaptioned")}
    | {("media", n) for n in ("content", "thumbnail", "group", "credit", "rating",
                              "restriction", "license", "player")}
)  # fmt: skip
"""Elements feedparser stores under keys termnews never reads."""

_HANDLED_PREFIXES = frozenset(
    {"", "content", "dc", "dcterms", "itunes", "media", "xhtml", "psc", "cc",
     "creativecommons", "georss", "gml", "feedburner", "sy", "admin", "rdf"}
)  # fmt: skip
"""Prefixes with handlers in feedparser: an element of theirs we do not know means
feedparser may do something we do not; any other prefix is just stored away."""

_STORED_ONLY = frozenset({"psc", "cc", "creativecommons", "georss", "gml", "feedburner"})


_MEDIA_UNSUPPORTED = frozenset({"title", "description", "category", "keywords", "text"})


def _media(el: etree._Element, local: str, entry: _Entry, error: str | None) -> str | None:
    """feedparser's reading of one ``media:`` element anywhere inside an item.

    Thumbnails and media:content are kept in document order. Returns the first
    unsupported element's message (``error`` if one was met before): feedparser
    would use it, and a nested one is raised only after every child's handler,
    as when this was a separate pass.
    """
    if local in _MEDIA_UNSUPPORTED:
        return error or f"media:{local}"
    if local == "thumbnail":
        attrs = {"url": el.get("url")} if el.get("url") else {}
        if "url" not in attrs and (el.text or "").strip():
            attrs["url"] = (el.text or "").strip()
        entry.d.setdefault("media_thumbnail", []).append(attrs)
    elif local == "content":
        entry.d.setdefault("media_content", []).append({"url": el.get("url")})
    return error


def _check_child(child: etree._Element, key: _Key) -> None:
    """feedparser sees ``<category>``, ``<title>``... at any depth inside an item; this
    path reads only direct children, so other nested elements send the feed there."""
    if key in (("", "author"), ("", "contributor")):
        return
    child_prefix = key[0]
    for el in child.iterchildren():
        prefix = _info(el)[0][0]
        if prefix in ("#", "media"):
            continue
        if child_prefix in _STORED_ONLY and prefix == child_prefix:
            continue
        raise _Unsupported(f"nested element inside <{key[1]}>")


def _check_nesting(children: Iterable[etree._Element]) -> None:
    """:func:`_check_child` for each of ``children`` that has children."""
    for child in children:
        if len(child):  # nearly every child holds text only
            _check_child(child, _info(child)[0])


def _item(
    item: etree._Element, atom: bool, bases: dict[etree._Element, str] | None, c1: bool = True
) -> dict[str, Any]:
    """One item's entry dictionary, in one walk over its children.

    It gives what three passes gave (a nesting check of every child, the handlers,
    then the ``media:`` elements at any depth), with the same first reason to go
    to feedparser: a nesting error wins over any handler's, and a handler's over
    a nested ``media:`` element's.
    """
    entry = _Entry(atom, bases, c1)
    infos = _INFOS
    media_error: str | None = None
    for el in item:
        key, action, media = infos.get(el.tag) or _info(el)
        if media is not None:
            media_error = _media(el, media, entry, media_error)
        if len(el):
            _check_child(el, key)
            for inner in el.iterdescendants():
                inner_media = (infos.get(inner.tag) or _info(inner))[2]
                if inner_media is not None:
                    media_error = _media(inner, inner_media, entry, media_error)
        if action is None:
            continue
        try:
            if isinstance(action, str):
                raise _Unsupported(action)
            action(el, entry)
        except _Unsupported:
            _check_nesting(el.itersiblings())  # the checks came first when they were a pass
            raise
    if media_error is not None:
        raise _Unsupported(media_error)
    return entry.finish()


def _bases(root: etree._Element) -> dict[etree._Element, str]:
    """The base URI feedparser holds at each element (xml:base, or a ``base`` attribute).

    Replicated step by step, including its quirk: leaving an element restores
    the outer base only when that is not empty, so a base set on one item of a
    feed that has none stays in force for the items after it.

    Each step is a pure function of the base in force and the element's own
    (which is that base again for nearly every element), so it is computed once
    per pair: it was ~7 us an element (feedparser's join runs a ``re.sub`` and
    ``urlparse``), ~75 us an article of a feed using xml:base.
    """
    bases: dict[etree._Element, str] = {}
    current = ""
    stack: list[str] = []
    joined: dict[tuple[str, str], str] = {}
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            rel = el.get(XML_BASE) or el.get("base") or current
            step = joined.get((current, rel))
            if step is None:
                if current:
                    step = make_safe_absolute_uri(current, rel) or current
                else:
                    step = _join(current, rel)
                joined[current, rel] = step
            current = step
            stack.append(current)
            bases[el] = current
        else:
            stack.pop()
            if stack and stack[-1]:
                current = stack[-1]
    return bases


def _channel_meta(
    channel: etree._Element, atom: bool, bases: dict[etree._Element, str] | None
) -> dict[str, Any]:
    """The feed-level fields termnews uses: title, link, ttl, sy:update*."""
    meta: dict[str, Any] = {}
    holder = _Entry(atom, bases)
    for el in channel:
        prefix, local = _name(el)
        if (prefix, local) in (("", "title"), ("dc", "title")):
            if not meta.get("title"):
                meta["title"] = _typed_text(el, "text/plain")[0] if atom else _text(el)
        elif (prefix, local) == ("", "link"):
            holder.link(el)
        elif atom and (prefix, local) == ("", "id"):
            # feedparser treats a feed's id like a permalink guid: the link if none.
            holder.guid(el, _text(el), True)
        elif (prefix, local) == ("", "ttl"):
            meta["ttl"] = _text(el)
        elif prefix == "sy" and local in ("updateperiod", "updatefrequency"):
            meta[f"sy_{local}"] = _text(el)
    if "link" in holder.d:
        meta["link"] = holder.d["link"]
    return meta


_ITEM_NAMES = frozenset({("", "item"), ("", "entry")})
_ITEM_TAGS = tuple(
    "{*}" + "".join(letters)
    for word in ("item", "entry")
    for letters in product(*((c, c.upper()) for c in word))
)
"""Every tag whose name could be an item's or an entry's: the local name in any case
(no other character lower-cases to one of these letters), in any namespace or none.
lxml matches them in C, so counting the items of a document does not wrap each of its
elements in a Python object."""


def parse_fast(data: bytes, url: str | None = None) -> ParsedFeed | None:
    """Parse a well-formed UTF-8 RSS 2.0 / Atom 1.0 document, or ``None`` for feedparser."""
    result = attempt_fast(data, url)
    return result if isinstance(result, ParsedFeed) else None


def attempt_fast(data: bytes, url: str | None = None) -> ParsedFeed | str:
    """Like :func:`parse_fast`, but says why a document went to feedparser."""
    head = data[:1024]
    if b"<!DOCTYPE" in head or b"<!doctype" in head:
        return "DOCTYPE"
    try:
        root = etree.fromstring(data, _parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        return f"not well-formed: {type(exc).__name__}"
    encoding = (root.getroottree().docinfo.encoding or "utf-8").lower().replace("_", "-")
    if encoding not in ("utf-8", "utf8"):
        return f"encoding {encoding}"
    prefix, local = _name(root)
    if (prefix, local) == ("", "rss") and root.get("version", "2.0") in ("2.0", "0.91", "0.92"):
        channels = [c for c in root if _name(c) == ("", "channel")]
        if len(channels) != 1:
            return "not one channel"
        channel, atom = channels[0], False
        items = [el for el in channel if _name(el) == ("", "item")]
    elif root.tag == f"{{{ATOM}}}feed":
        channel, atom = root, True
        items = [el for el in root if _name(el) == ("", "entry")]
    else:
        return f"root {local}"
    # Every item has one of _ITEM_TAGS, so as many of those as items means no others.
    named = list(root.iter(*_ITEM_TAGS))
    if len(named) != len(items) and sum(_name(el) in _ITEM_NAMES for el in named) != len(items):
        return "items or entries elsewhere than in the channel"
    bases = _bases(root) if b"base=" in data else None
    try:
        meta = _channel_meta(channel, atom, bases)
        c1 = _may_hold_c1(data)
        raw_entries = [_item(item, atom, bases, c1) for item in items]
    except _Unsupported as exc:
        return str(exc)
    now = datetime.now(UTC)
    feed_link = safe_url(meta.get("link"), url)
    entries = entries_of(raw_entries, feed_link, now, url)
    return ParsedFeed(
        title=clean_line(meta.get("title")) or UNTITLED_FEED,
        entries=entries,
        link=clean_line(feed_link) or None,
        ttl_minutes=_ttl(meta),
        warnings=(),
    )
