"""Local sources: feed files, directories of them, and article files.

A local path is subscribed like a URL and read through the same parse and
ingest path. Two kinds exist:

* ``feed``: one RSS/Atom/RDF/JSON Feed file (gzip-compressed files are read too);
* ``articles``: one article file (``.html``, ``.md``, ``.txt``) or a directory of
  them; each file becomes an article and a refresh picks up new and changed files.

A directory is walked with its subfolders (:mod:`termnews.core.sources.folder`):
each feed file is subscribed on its own (in a section named after its subfolder),
each OPML list found is imported, the article pages become one ``articles``
source for the whole folder, and every other file is skipped.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import stat
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from termnews.core.errors import SourceError
from termnews.core.models import EntryData, ParsedFeed
from termnews.core.sources.folder import KIND_ARTICLES as KIND_ARTICLES
from termnews.core.sources.folder import KIND_FEED as KIND_FEED
from termnews.core.sources.folder import KIND_OPML as KIND_OPML
from termnews.core.sources.folder import (
    FolderScan,
    classify,
    folder_section,
    scan_folder,
)
from termnews.core.sources.parse import FeedParseError, parse_feed_bytes
from termnews.core.text import clean_line, plural

MAX_FILE_BYTES = 64 * 1024 * 1024
"""A local feed or article file larger than this is refused, not read into memory."""

ARTICLE_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".md", ".markdown", ".txt"})


@dataclass(frozen=True, slots=True)
class LocalSource:
    """A subscribable local path and its kind (``opml``: a list to import, not a feed)."""

    path: Path
    kind: str
    section: str | None = None
    """The subfolder a feed file was found in, as a section name (None: the top)."""

    @property
    def url(self) -> str:
        """What the store keeps as the feed's URL: the absolute path."""
        return str(self.path)


def is_local_ref(ref: str) -> bool:
    """True for anything that is not an http(s) URL."""
    return not ref.startswith(("http://", "https://"))


def _display(path: Path) -> str:
    return str(path)


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    A FIFO would block the read forever and ``/dev/zero`` never ends, and a feed
    path can be swapped for either (or a symlink to one) after it was subscribed.
    So the file is opened without blocking and checked on the open descriptor,
    and the read is bounded even if the file grows meanwhile.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(_display(path), "not a regular file")
        if info.st_size > limit:
            raise SourceError(_display(path), f"file too large ({info.st_size // 1048576} MiB)")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise SourceError(_display(path), f"file too large (over {limit // 1048576} MiB)")
    return data


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """Read a file, refusing huge ones and inflating gzip (with the same cap)."""
    try:
        if not path.exists():
            raise SourceError(_display(path), "no such file or directory")
        if path.is_dir():
            raise SourceError(_display(path), "is a directory, not a file")
        data = read_regular_file(path, limit)
    except PermissionError as exc:
        raise SourceError(_display(path), "permission denied") from exc
    except OSError as exc:
        raise SourceError(_display(path), exc.strerror or str(exc)) from exc
    if data[:2] == b"\x1f\x8b":
        try:
            inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            out = inflater.decompress(data, limit + 1)
            if len(out) > limit or inflater.unconsumed_tail:
                raise SourceError(_display(path), "gzip data inflates beyond the size limit")
            data = out
        except (zlib.error, gzip.BadGzipFile, EOFError) as exc:
            raise SourceError(_display(path), f"corrupt gzip data: {exc}") from exc
    return data


_URL_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
"""What starts a URL: a path like that is not a file the user meant to name."""


def discover_local(ref: str, notes: list[str] | None = None) -> list[LocalSource]:
    """What subscribing ``ref`` means: feed files, OPML lists and/or an article source.

    Raises :class:`SourceError` when the path is missing or holds nothing readable;
    ``notes`` gets one line per kind of thing a folder walk left out.
    """
    path = Path(ref).expanduser()
    try:
        path = path.resolve()
    except (OSError, RuntimeError) as exc:
        raise SourceError(ref, f"cannot resolve path: {exc}") from exc
    if not path.exists():
        scheme = _URL_SCHEME.match(ref)
        if scheme:  # ftp://, gopher://...: a URL, not a missing file
            raise SourceError(
                ref,
                f"unsupported URL scheme {scheme.group(1).lower()!r} "
                "(termnews fetches http:// and https:// feeds, or reads a local path)",
            )
        raise SourceError(ref, "no such file or directory")
    if path.is_file():
        # Told apart by the folder walk's own test, on one read of its first bytes; a
        # file named outright that is none of the three is read as a feed, so that
        # its parse error says what is wrong with it.
        kind = classify(path)
        if kind == KIND_OPML:
            return [LocalSource(path, KIND_OPML)]
        if path.suffix.lower() in ARTICLE_SUFFIXES and kind != KIND_FEED:
            return [LocalSource(path, KIND_ARTICLES)]
        return [LocalSource(path, KIND_FEED)]
    if not path.is_dir():
        raise SourceError(ref, "not a regular file or directory")
    scan = _scan(path, ref)
    if notes is not None:
        notes.extend(_scan_notes(path, scan))
    feeds = [LocalSource(p, KIND_FEED, folder_section(path, p)) for p in scan.of_kind(KIND_FEED)]
    lists = [LocalSource(p, KIND_OPML) for p in scan.of_kind(KIND_OPML)]
    has_articles = bool(scan.of_kind(KIND_ARTICLES))
    sources = feeds + lists + ([LocalSource(path, KIND_ARTICLES)] if has_articles else [])
    if not sources:
        skipped = f" ({plural(len(scan.skipped), 'other file')} skipped)" if scan.skipped else ""
        raise SourceError(
            ref,
            "folder holds no feed files, OPML lists or article pages (.html .md .txt), "
            f"in it or its subfolders{skipped}",
        )
    return sources


def _scan(path: Path, ref: str) -> FolderScan:
    try:
        return scan_folder(path)
    except OSError as exc:
        raise SourceError(ref, exc.strerror or str(exc)) from exc


def _scan_notes(root: Path, scan: FolderScan) -> list[str]:
    """One line each for what a folder walk left out, naming a few of the files."""

    def names(paths: list[Path]) -> str:
        shown = ", ".join(clean_line(str(p.relative_to(root))) for p in paths[:3])
        return shown + (", ..." if len(paths) > 3 else "")

    notes = []
    if scan.skipped:
        notes.append(
            f"skipped {plural(len(scan.skipped), 'file')} (not a feed, OPML list or "
            f"article): {names(scan.skipped)}"
        )
    if scan.unreadable:
        count = plural(len(scan.unreadable), "folder")
        notes.append(f"could not read {count}: {names(scan.unreadable)}")
    if scan.truncated:
        notes.append(f"stopped after {len(scan.skipped) + len(scan.found)} files in {root}")
    return notes


def source_hash(data: bytes) -> str:
    """Fingerprint of a source's bytes: an unchanged file is not parsed again."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def read_feed_file(path: Path) -> tuple[ParsedFeed, str]:
    """Parse a local feed file; returns the feed and its source hash."""
    data = read_bytes(path)
    try:
        parsed = parse_feed_bytes(data, path.as_uri())
    except FeedParseError as exc:
        raise SourceError(_display(path), str(exc)) from exc
    return parsed, source_hash(data)


def _article_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return _scan(path, _display(path)).of_kind(KIND_ARTICLES)


def read_article_source(path: Path) -> tuple[ParsedFeed, str, list[str]]:
    """Read an article file or a directory of them.

    Returns the feed, a hash over file names, sizes and mtimes (so an unchanged
    directory costs one ``stat`` per file), and one warning line per bad file:
    a bad file is skipped, the others still load.
    """
    from termnews.core.sources.articlefile import read_article_file

    if not path.exists():
        raise SourceError(_display(path), "no such file or directory")
    files = _article_files(path)
    fingerprint = hashlib.blake2b(digest_size=16)
    for f in files:
        try:
            st = f.stat()
        except OSError:
            continue
        fingerprint.update(f"{f}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    entries: list[EntryData] = []
    warnings: list[str] = []
    site = ""
    for f in files:
        try:
            entry, site = read_article_file(f)
        except SourceError as exc:
            warnings.append(str(exc))
        else:
            entries.append(entry)
    if path.is_file() and warnings:
        raise SourceError(_display(path), warnings[0].split(": ", 1)[-1])
    # A saved page on its own is named by the publication it names, if it does
    # ("Ars Technica", not its file's "source"); a folder by the folder.
    name = (site or path.stem) if path.is_file() else path.name
    title = clean_line(name) or str(path)
    parsed = ParsedFeed(title=title, entries=tuple(entries), link=path.as_uri())
    return parsed, fingerprint.hexdigest(), warnings


def file_mtime(path: Path) -> datetime | None:
    """A file's modification time as aware UTC."""
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError:
        return None
