"""What a folder added as a local source holds: feeds, OPML lists and article pages.

A user who adds a folder means "what is readable in here": feed files, OPML
subscription lists and saved article pages, in the folder and its subfolders.
Everything else (a ``MANIFEST.md``, a ``LICENSE``, a ``package.json``, images)
is skipped rather than turned into a junk article or a failing feed. So files
are told apart by their first bytes, not their names, with one exception:
Markdown and text files carry no marker, so they count as articles when they
hold a paragraph of prose and are not a project's own files (README, LICENSE...).

Hidden files and folders (a leading ``.``) are never entered; symlinked folders
are followed, but each real folder is visited once, so a link loop ends, and the
walk stops after :data:`MAX_SCAN_FILES` files so adding ``~`` by mistake is bounded.
"""

from __future__ import annotations

import os
import re
import stat
import zlib
from dataclasses import dataclass, field
from pathlib import Path

KIND_FEED = "feed"
KIND_OPML = "opml"
KIND_ARTICLES = "articles"

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
TEXT_SUFFIXES = frozenset({".md", ".markdown", ".txt"})

SNIFF_BYTES = 8192
"""How much of a file is read to tell what it is (a feed's root element comes early)."""

MAX_SCAN_FILES = 20_000
"""A folder walk stops after this many files (and says so)."""

MAX_DEPTH = 32
"""Subfolders deeper than this are not entered."""

PROJECT_FILES = frozenset(
    {
        "authors",
        "changelog",
        "changes",
        "citation",
        "code_of_conduct",
        "contributing",
        "contributors",
        "copying",
        "copyright",
        "funding",
        "history",
        "install",
        "licence",
        "license",
        "maintainers",
        "manifest",
        "notice",
        "readme",
        "security",
        "support",
        "todo",
    }
)
"""Names (before the first dot, any case) of a project's files: never articles."""

_DECL = re.compile(
    rb"\s*(<\?.*?\?>|<!--.*?-->|<!doctype[^>\[]*(?:\[.*?\])?\s*>)", re.DOTALL | re.IGNORECASE
)
"""What may come before the root element: declarations, comments, a DOCTYPE (with or
without an internal subset, as RSS 0.91 feeds and some exports have)."""
_ROOT = re.compile(rb"\s*<([A-Za-z_][\w.:-]*)")
_LIST_OR_MARK = re.compile(r"^\s*([-*+>|#]|\d+[.)]\s|```|~~~)")


def read_head(path: Path, size: int = SNIFF_BYTES) -> bytes | None:
    """The first ``size`` bytes of a regular file (inflated if gzip), or None.

    Opened without blocking and checked on the descriptor, as every local read
    is: a FIFO or device in the folder must not hang or flood the walk.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = os.read(fd, size)
    except OSError:
        return None
    finally:
        os.close(fd)
    if data[:2] == b"\x1f\x8b":
        try:
            return zlib.decompressobj(wbits=16 + zlib.MAX_WBITS).decompress(data, size)
        except zlib.error:
            return None
    return data


def root_element(head: bytes) -> str:
    """The lower-case local name of an XML/HTML document's first element, or ''."""
    text = head.removeprefix(b"\xef\xbb\xbf")
    while match := _DECL.match(text):
        if match.group(1).lower().startswith(b"<!doctype html"):
            return "html"
        text = text[match.end() :]
    root = _ROOT.match(text)
    if root is None:
        return ""
    return root.group(1).decode("ascii", "replace").rsplit(":", 1)[-1].lower()


def has_prose(head: bytes) -> bool:
    """True if the text holds a paragraph of at least eight words.

    A file list, a table, a list of links or a page of headings is not an
    article; a saved page or notes have sentences. URLs and paths do not count
    as words.
    """
    text = head.decode("utf-8", "replace")
    if text.startswith("---"):  # front matter
        end = text.find("\n---", 3)
        text = text[end + 4 :] if end != -1 else text
    words = 0
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            words = 0
            continue
        if fenced or not line.strip() or _LIST_OR_MARK.match(line) or line.startswith("    "):
            words = 0
            continue
        words += sum(1 for w in line.split() if "/" not in w and "\\" not in w and "=" not in w)
        if words >= 8:
            return True
    return False


def classify(path: Path) -> str | None:
    """What a file found in a folder is: a feed, an OPML list, an article page, or None."""
    head = read_head(path)
    if not head or not head.strip():
        return None
    suffix = path.suffix.lower()
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if start.startswith(b"{"):
        # The parser's own test, on as much as it looks at: a feed with sorted keys
        # has its "version" after the items.
        from termnews.core.sources.jsonfeed import JSON_SNIFF_BYTES, looks_like_json_feed

        whole = read_head(path, JSON_SNIFF_BYTES) or b""
        return KIND_FEED if looks_like_json_feed(whole) else None
    if start.startswith(b"<"):
        root = root_element(start)
        if root in ("rss", "feed", "rdf"):
            return KIND_FEED
        if root == "opml":
            return KIND_OPML
    if suffix in HTML_SUFFIXES:
        return KIND_ARTICLES if start.startswith(b"<") else None
    if suffix in TEXT_SUFFIXES:
        if path.name.split(".", 1)[0].lower() in PROJECT_FILES or b"\0" in head:
            return None
        return KIND_ARTICLES if has_prose(head) else None
    return None


@dataclass
class FolderScan:
    """The readable files of a folder tree, by kind, and what was left out."""

    found: list[tuple[Path, str]] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    unreadable: list[Path] = field(default_factory=list)
    truncated: bool = False

    def of_kind(self, kind: str) -> list[Path]:
        """The files found of one kind, in walk order."""
        return [path for path, k in self.found if k == kind]


def scan_folder(root: Path, limit: int = MAX_SCAN_FILES) -> FolderScan:
    """Walk ``root`` and its subfolders (hidden ones skipped, loops cut) and sort the files.

    Raises :class:`OSError` only if ``root`` itself cannot be listed.
    """
    scan = FolderScan()
    visited: set[tuple[int, int]] = set()
    files_seen: set[tuple[int, int]] = set()
    count = 0

    def walk(directory: Path, depth: int) -> None:
        nonlocal count
        info = directory.stat()
        key = (info.st_dev, info.st_ino)
        if key in visited:
            return
        visited.add(key)
        with os.scandir(directory) as listing:
            entries = sorted(listing, key=lambda e: e.name)
        subdirs: list[Path] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                if entry.is_dir():
                    subdirs.append(path)
                    continue
                if not entry.is_file():
                    continue
                file_info = entry.stat()
            except OSError:
                continue
            file_key = (file_info.st_dev, file_info.st_ino)
            if file_key in files_seen:  # the same file through a link: read once
                continue
            files_seen.add(file_key)
            count += 1
            if count > limit:
                scan.truncated = True
                return
            kind = classify(path)
            if kind is None:
                scan.skipped.append(path)
            else:
                scan.found.append((path, kind))
        for sub in subdirs:
            if scan.truncated:
                return
            if depth >= MAX_DEPTH:
                continue
            try:
                walk(sub, depth + 1)
            except OSError:
                scan.unreadable.append(sub)

    walk(root, 0)
    return scan


def folder_section(root: Path, path: Path) -> str | None:
    """The section for a feed file in a subfolder: its folder path, as OPML folders are."""
    relative = path.parent.relative_to(root)
    return " / ".join(relative.parts) or None
