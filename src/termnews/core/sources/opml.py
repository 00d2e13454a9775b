"""OPML subscription lists: tolerant, hardened import and a round-tripping export.

Import rules (README "Import and export"):

* Each outline with an ``xmlUrl`` (any capitalisation) is a feed; its title is
  the outline's ``text``, else its ``title`` (as listparser does); ``htmlUrl``
  becomes the feed's site URL.
* Folders (outlines without ``xmlUrl`` that hold others) become sections.
  Nested folders are **joined with " / "** ("News / Europe"): keeping the whole
  path means two "Local" folders under different parents stay apart, and
  exporting such a section writes one folder of the same name, so
  import(export(x)) gives the same sections. A feed outside any folder uses its
  ``category`` attribute ("/Tech/Linux" becomes "Tech / Linux") when it has
  one, else the default section.
* The same URL twice is imported once; ``feed://`` URLs become ``http://``;
  non-HTTP URLs, ``include`` and ``link`` outlines are skipped with a warning.

Real-world OPML is often not well-formed (42 of the 61 awesome-rss-feeds files
have a raw ``&`` in a title), so a document that fails strict parsing is
repaired (stray ``&`` escaped, HTML entities such as ``&eacute;`` turned into
character references) and parsed again; as a last resort libxml2's recovery
mode keeps what it can. Every such import carries a warning saying so.

Hardening: libxml2 is asked never to load a DTD, never to touch the network
and never to substitute entities (``resolve_entities=False``), with
``huge_tree=False`` keeping its depth and size limits; and a document that
*declares* entities (``<!ENTITY``, the vehicle of "billion laughs" and XXE
attacks) is refused outright, since no genuine subscription list needs one.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from html.entities import html5
from urllib.parse import urlsplit

from lxml import etree

from termnews.core.errors import SourceError
from termnews.core.models import Feed
from termnews.core.store import Store
from termnews.core.text import clean_line

__all__ = [
    "MAX_OPML_BYTES",
    "ImportReport",
    "OpmlDocument",
    "OpmlFeed",
    "export_opml",
    "import_opml",
    "parse_opml",
]

MAX_OPML_BYTES = 10 * 1024 * 1024
"""Larger "subscription lists" are refused: a real one is a few hundred KB at most."""

FOLDER_SEPARATOR = " / "

_XML_ENTITIES = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})
_STRAY_AMP = re.compile(rb"&(?!(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);)")
_NAMED_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]*);")
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    """One feed outline."""

    url: str
    title: str | None = None
    section: str | None = None
    site_url: str | None = None


@dataclass(frozen=True, slots=True)
class OpmlDocument:
    """A parsed subscription list."""

    title: str | None
    feeds: tuple[OpmlFeed, ...]
    warnings: tuple[str, ...] = ()
    duplicates: int = 0
    """Outlines skipped because their URL appeared earlier in the same file."""


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What importing a list into the store did."""

    added: tuple[Feed, ...] = ()
    already_subscribed: int = 0
    duplicates: int = 0
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def sections(self) -> list[str]:
        """Sections that received new feeds, in order of first appearance."""
        return list(dict.fromkeys(f.section for f in self.added))


def _local(name: object) -> str:
    """Local part of an element or attribute name (namespaces are ignored)."""
    text = str(name)
    return text.rsplit("}", 1)[-1].lower()


def _replace_entity(match: re.Match[bytes]) -> bytes:
    name = match.group(1)
    if name in _XML_ENTITIES:
        return match.group(0)
    chars = html5.get(name.decode("ascii") + ";")
    if chars is None:
        return b"&amp;" + name + b";"  # unknown: keep the text as written
    return "".join(f"&#{ord(c)};" for c in chars).encode("ascii")


def _repair(data: bytes) -> bytes:
    """Escape stray ``&`` and turn HTML entities into character references."""
    data = _STRAY_AMP.sub(b"&amp;", data)
    return _NAMED_ENTITY.sub(_replace_entity, data)


def _parser(recover: bool) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        recover=recover,
    )


def _first_error(exc: etree.XMLSyntaxError) -> str:
    line = getattr(exc, "lineno", None)
    message = clean_line(str(exc.msg if hasattr(exc, "msg") else exc))
    message = re.sub(r",? line \d+, column \d+$", "", message)
    return f"line {line}: {message}" if line else message


_OUTLINE_TOKEN = re.compile(r"<outline\b|</outline\s*>|</body\s*>", re.IGNORECASE)
_KNOWN_ATTR = re.compile(
    r"""\s(text|title|description|xmlurl|htmlurl|type|version|language|category|created|url)"""
    r"""\s*=\s*(["'])""",
    re.IGNORECASE,
)
_HEAD_TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def _lenient_attrs(inner: str) -> dict[str, str]:
    """Attributes of one tag whose values may hold raw quotes, ``<`` and ``>``.

    A value runs to the last matching quote before the next *known* OPML
    attribute name, so ``description="see <a href="x">this</a>"`` stays whole.
    """
    attrs: dict[str, str] = {}
    marks = list(_KNOWN_ATTR.finditer(inner))
    for i, mark in enumerate(marks):
        stop = marks[i + 1].start() if i + 1 < len(marks) else len(inner)
        chunk = inner[mark.end() : stop]
        quote = chunk.rfind(mark.group(2))
        value = chunk[:quote] if quote >= 0 else chunk
        attrs[mark.group(1)] = clean_line(html.unescape(value))
    return attrs


def _lenient_tree(data: bytes) -> etree._Element | None:
    """Rebuild the outline tree of a broken file by scanning its tags.

    Real exports put unescaped quotes, ``<`` and ``&`` inside attribute values
    (``text="Газета "Коммерсантъ""``, ``description="<p>...</p>"``); libxml2's
    recovery mode then drops attributes or whole folders. Here each
    ``<outline`` runs to the next outline tag, and attribute values are split
    at known OPML attribute names, which reads all of those files intact.
    """
    text = data.decode("utf-8", errors="replace")
    root = etree.Element("opml")
    title = _HEAD_TITLE.search(text)
    if title:
        etree.SubElement(etree.SubElement(root, "head"), "title").text = clean_line(
            html.unescape(title.group(1))
        )
    stack = [etree.SubElement(root, "body")]
    tokens = list(_OUTLINE_TOKEN.finditer(text))
    found = False
    for i, token in enumerate(tokens):
        if not token.group(0).lower().startswith("<outline"):
            if token.group(0).lower().startswith("</outline") and len(stack) > 1:
                stack.pop()
            continue
        stop = tokens[i + 1].start() if i + 1 < len(tokens) else len(text)
        segment = text[token.end() : stop].rstrip()
        if segment.endswith("/>"):
            inner, closed = segment[:-2], True
        elif segment.endswith(">"):
            inner, closed = segment[:-1], False
        else:
            continue
        attrs = _lenient_attrs(inner)
        element = etree.SubElement(stack[-1], "outline", attrs)
        found = found or "xmlurl" in (k.lower() for k in attrs)
        if not closed and len(stack) < 50:
            stack.append(element)
    return root if found else None


def _parse_tree(data: bytes, source: str) -> tuple[etree._Element, list[str]]:
    warnings: list[str] = []
    try:
        return etree.fromstring(data, _parser(False)), warnings
    except etree.XMLSyntaxError as exc:
        first = _first_error(exc)
    repaired = _repair(data)
    try:
        root = etree.fromstring(repaired, _parser(False))
        warnings.append(f"not well-formed XML ({first}); repaired stray '&' and HTML entities")
        return root, warnings
    except etree.XMLSyntaxError:
        pass
    scanned = _lenient_tree(data)
    if scanned is not None:
        warnings.append(f"not well-formed XML ({first}); read its outlines leniently")
        return scanned, warnings
    try:
        recovered = etree.fromstring(repaired, _parser(True))
    except etree.XMLSyntaxError:
        recovered = None
    if recovered is None:
        raise SourceError(source, f"not an OPML file: malformed XML ({first})")
    warnings.append(f"not well-formed XML ({first}); imported what could be recovered")
    return recovered, warnings


def _normalise_url(raw: str) -> str | None:
    url = raw.strip()
    if url.lower().startswith("feed:"):
        rest = url[5:]
        url = rest if rest.lower().startswith(("http://", "https://")) else "http:" + rest
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a port that is no number 0-65535)
    except ValueError:  # "http://[::1", "http://host:port/": skipped like a mailto:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if any(c.isspace() for c in url):
        return None
    return url


def _category_section(value: str) -> str | None:
    first = value.split(",", 1)[0].strip()
    parts = [clean_line(p) for p in first.split("/") if clean_line(p)]
    return FOLDER_SEPARATOR.join(parts) or None


class _Walker:
    def __init__(self) -> None:
        self.feeds: list[OpmlFeed] = []
        self.seen: set[str] = set()
        self.duplicates = 0
        self.unusable: list[str] = []
        self.includes = 0

    def walk(self, parent: etree._Element, folders: list[str], depth: int = 0) -> None:
        if depth > 50:
            return
        for child in parent:
            if not isinstance(child.tag, str) or _local(child.tag) != "outline":
                continue
            attrs = {_local(k): str(v) for k, v in child.attrib.items()}
            title = clean_line(attrs.get("text")) or clean_line(attrs.get("title")) or None
            raw_url = attrs.get("xmlurl", "")
            kind = attrs.get("type", "").strip().lower()
            if raw_url.strip():
                self._feed(raw_url, title, folders, attrs)
            elif kind in ("include", "link") and attrs.get("url", "").strip():
                self.includes += 1
            elif len(child):
                self.walk(child, [*folders, title] if title else folders, depth + 1)

    def _feed(
        self, raw_url: str, title: str | None, folders: list[str], attrs: dict[str, str]
    ) -> None:
        url = _normalise_url(raw_url)
        if url is None:
            self.unusable.append(clean_line(raw_url)[:80])
            return
        if url in self.seen:
            self.duplicates += 1
            return
        self.seen.add(url)
        section = FOLDER_SEPARATOR.join(folders) if folders else None
        if section is None and attrs.get("category"):
            section = _category_section(attrs["category"])
        site = _normalise_url(attrs.get("htmlurl", ""))
        self.feeds.append(OpmlFeed(url, title, section, site))


def parse_opml(data: bytes, source: str = "OPML") -> OpmlDocument:
    """Parse an OPML document; raises :class:`SourceError` with one line if it is unusable."""
    if len(data) > MAX_OPML_BYTES:
        raise SourceError(source, f"too large for a subscription list ({len(data) // 1048576} MiB)")
    if not data.strip():
        raise SourceError(source, "empty file")
    if _ENTITY_DECL.search(data):
        raise SourceError(source, "declares XML entities; refused for safety")
    root, warnings = _parse_tree(data, source)
    kind = _local(root.tag) if isinstance(root.tag, str) else ""
    if kind in ("rss", "feed", "rdf"):
        raise SourceError(source, "this is a feed, not an OPML list; use 'termnews add'")
    if kind != "opml":
        raise SourceError(source, f"not an OPML file (root element <{clean_line(kind)[:40]}>)")
    body = next((c for c in root if isinstance(c.tag, str) and _local(c.tag) == "body"), None)
    head = next((c for c in root if isinstance(c.tag, str) and _local(c.tag) == "head"), None)
    title = None
    if head is not None:
        node = next((c for c in head if isinstance(c.tag, str) and _local(c.tag) == "title"), None)
        title = clean_line(node.text) if node is not None and node.text else None
    walker = _Walker()
    if body is not None:
        walker.walk(body, [])
    if walker.unusable:
        sample = ", ".join(walker.unusable[:3])
        warnings.append(
            f"skipped {len(walker.unusable)} outline(s) without an http(s) URL: {sample}"
        )
    if walker.includes:
        warnings.append(f"skipped {walker.includes} include/link outline(s) (not feeds)")
    if not walker.feeds:
        raise SourceError(source, "no feeds in this OPML file (no outline with an xmlUrl)")
    return OpmlDocument(title, tuple(walker.feeds), tuple(warnings), walker.duplicates)


def import_opml(store: Store, document: OpmlDocument, section: str | None = None) -> ImportReport:
    """Subscribe to every feed of ``document`` (``section`` overrides the folders).

    Feeds already subscribed are left where they are and counted, so an import
    can be re-run safely. Nothing is fetched here: the next refresh does that.
    """
    added: list[Feed] = []
    existing = 0
    for item in document.feeds:
        feed, new = store.add_feed(
            item.url, title=item.title, section=section or item.section, site_url=item.site_url
        )
        if new:
            added.append(feed)
        else:
            existing += 1
    return ImportReport(tuple(added), existing, document.duplicates, document.warnings)


def _xml_text(value: str | None) -> str:
    """Text safe for an XML attribute (lxml refuses control characters)."""
    return clean_line(value)


def export_opml(feeds: Iterable[Feed], title: str = "termnews subscriptions") -> bytes:
    """OPML 2.0 for the HTTP feeds in ``feeds``: one folder per section, in order.

    Local files and folders are left out: other readers cannot use them.
    """
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC))
    body = etree.SubElement(root, "body")
    folders: dict[str, etree._Element] = {}
    for feed in feeds:
        if feed.is_local:
            continue
        folder = folders.get(feed.section)
        if folder is None:
            name = _xml_text(feed.section)
            folder = folders[feed.section] = etree.SubElement(
                body, "outline", text=name, title=name
            )
        name = _xml_text(feed.title) or feed.url
        attrs = {"type": "rss", "text": name, "title": name, "xmlUrl": _xml_text(feed.url)}
        if feed.site_url:
            attrs["htmlUrl"] = _xml_text(feed.site_url)
        etree.SubElement(folder, "outline", attrs)
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


def local_count(feeds: Sequence[Feed]) -> int:
    """How many of ``feeds`` an export leaves out (local sources)."""
    return sum(1 for f in feeds if f.is_local)
