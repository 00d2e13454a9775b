"""The parsed body of the article on screen at exit, kept for the reader's next start.

Why: the first screen shows an article, and its body is Markdown that markdown-it
parses into a :class:`~termnews.app.widgets.article_body.Document`. Importing the
parser (~70 modules) and parsing one body cost ~10-14 ms before the first frame,
the largest single part of what termnews adds to a bare Textual app there (issue
8). The reader reopens on the article it showed when it quit (the UI state), and
without a state on the first headline, which stays the same article until a
refresh brings newer ones. So the parsed body of the article on screen at exit is
written to the user cache dir; the next start takes it when the first body it is
asked to show is that very Markdown, and imports the parser right after the first
frame instead of before it (so the next article opened does not wait for it).

Why it is safe, each point checked on load, anything odd meaning "parse as usual":

* **Key.** The whole Markdown text, compared in full (never a hash of it).
* **Code.** A parsed body depends on the parser's code, ``article_body`` and the
  ``Content``/``Style`` classes it builds (with the cell widths ``Content`` keeps).
  The file records each such module's file with its size and modification time,
  where the parser packages would be imported from now, and Python's version: an
  upgrade, an edit or another environment misses.
* **What may be unpickled.** Only the five classes a ``Document`` is made of;
  anything else is refused, so a file planted in the cache directory cannot name
  a function to call. A body is written only if it loads back this way.
* **Failure.** Any error reading, checking or unpickling is a miss. Writing goes
  to a temporary file renamed over the old one, and errors are ignored: this is a
  cache, never a reason for the reader not to start or not to quit.
"""

from __future__ import annotations

import importlib.util
import io
import os
import pickle
import sys
from pathlib import Path
from typing import Any

from termnews.app.pickle_files import Signature, module_signature, write_pickles
from termnews.app.widgets.article_body import (
    Document,
    Later,
    parse_document,
    safe_markdown_parser,
)

FILENAME = "article-body.pickle"
FORMAT = 1
"""Bumped when the file's layout changes."""

PARSER_PACKAGES = ("markdown_it", "mdurl", "linkify_it")
"""Top-level packages of the Markdown parser: all their loaded modules are recorded."""

SHAPING_MODULES = (
    "termnews.app",  # agree_with_terminal_widths: the cell widths Rich measures with
    "termnews.app.widgets.article_body",
    "termnews.core.text",
    "textual.content",
    "textual.style",
    "rich.cells",
    "rich._cell_widths",
)
"""Other modules whose code shapes a parsed body (and the cell widths it keeps)."""

_ALLOWED_CLASSES = {
    ("termnews.app.widgets.article_body", "Document"),
    ("termnews.app.widgets.article_body", "Block"),
    ("textual.content", "Content"),
    ("textual.content", "Span"),
    ("textual.style", "Style"),
}


class _RefusedError(pickle.UnpicklingError):
    """The data names something a parsed body is not made of."""


class _PlainUnpickler(pickle.Unpickler):
    """The header and the entry hold only built-in values: no global at all."""

    def find_class(self, module: str, name: str) -> Any:
        raise _RefusedError(f"{module}.{name}")


class _DocumentUnpickler(pickle.Unpickler):
    """A parsed body: the classes of :data:`_ALLOWED_CLASSES` and built-in values."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED_CLASSES:
            raise _RefusedError(f"{module}.{name}")
        return super().find_class(module, name)


def _load_document(data: bytes) -> Document | None:
    document = _DocumentUnpickler(io.BytesIO(data)).load()
    return document if type(document) is Document else None


def _package_origins() -> dict[str, str | None]:
    """Where each parser package is imported from now (None: not installed)."""
    origins: dict[str, str | None] = {}
    for name in PARSER_PACKAGES:
        module = sys.modules.get(name)
        if module is not None:
            origins[name] = getattr(module, "__file__", None)
            continue
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        origins[name] = None if spec is None else spec.origin
    return origins


def _signature() -> Signature | None:
    """The files of the modules that shaped this run's bodies (None: unknown)."""
    parser = [name for name in sys.modules if name.partition(".")[0] in PARSER_PACKAGES]
    names = [*parser, *SHAPING_MODULES]
    if "markdown_it" not in names:
        return None  # nothing was parsed in this run: the parser is unknown
    return module_signature(names)


def _signature_holds(signature: object) -> bool:
    """Whether every recorded file is unchanged, and those loaded now are the ones recorded."""
    if not isinstance(signature, dict) or not signature:
        return False
    for name, recorded in signature.items():
        if not (isinstance(name, str) and isinstance(recorded, tuple) and len(recorded) == 3):
            return False
        filename = recorded[0]
        module = sys.modules.get(name)
        if module is not None and getattr(module, "__file__", None) != filename:
            return False
        try:
            stat = os.stat(filename)
        except (OSError, TypeError, ValueError):
            return False
        if recorded[1:] != (stat.st_size, stat.st_mtime_ns):
            return False
    return all(name in signature for name in SHAPING_MODULES)


class ParsedBodyCache:
    """One parsed body (Markdown -> Document), read from and written to ``path``.

    :meth:`parse` is what the article pane calls for every body it shows; only its
    first call of a run looks at the file.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._looked = False
        self._loaded: str | None = None
        """The Markdown of the body in the file, if it holds a valid one."""
        self._shown: str | None = None
        """The Markdown of the last body shown: parsed again and written at exit."""

    def parse(self, markdown: str, later: Later) -> Document:
        """``markdown`` parsed, from the file when it is the body kept there.

        ``later`` runs a callable after the next screen refresh (``call_after_refresh``):
        when the body came from the file, the parser is imported (and built) then.
        """
        document = None if self._looked else self._take(markdown)
        if document is None:
            document = parse_document(markdown)
        else:
            later(safe_markdown_parser)
        self._shown = markdown
        return document

    def _take(self, markdown: str) -> Document | None:
        self._looked = True
        if self.path is None:
            return None
        try:
            with open(self.path, "rb") as handle:
                header = _PlainUnpickler(handle).load()
                if not (
                    isinstance(header, dict)
                    and header.get("format") == FORMAT
                    and header.get("python") == sys.version
                ):
                    return None
                entry = _PlainUnpickler(handle).load()
            if not (isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], bytes)):
                return None
            if entry[0] != markdown:
                return None
            if header.get("origins") != _package_origins() or not _signature_holds(
                header.get("signature")
            ):
                return None
            document = _load_document(entry[1])
        except Exception:
            return None
        if document is not None:
            self._loaded = markdown
        return document

    def save(self) -> None:
        """Write the last body shown, unless the file holds it already; errors are ignored.

        Called at exit (a ~2 ms parse, when the body shown last is not the one read).
        """
        markdown = self._shown
        if self.path is None or markdown is None or markdown == self._loaded:
            return
        try:
            # Parsed afresh: a body that was shown holds the caches of its layout.
            document = parse_document(markdown)
            signature = _signature()
            if signature is None:
                return
            data = pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL)
            # Kept only if it will load: the next start's checks, on it now.
            if _load_document(data) != document:
                return
        except Exception:
            return
        header = {
            "format": FORMAT,
            "python": sys.version,
            "origins": _package_origins(),
            "signature": signature,
        }
        if write_pickles(self.path, ".article-body-", header, (markdown, data)):
            self._loaded = markdown


def body_cache(cache_dir: Path | None) -> ParsedBodyCache:
    """The cache in the user cache dir (None: no file, every body is parsed)."""
    return ParsedBodyCache(None if cache_dir is None else cache_dir / FILENAME)
