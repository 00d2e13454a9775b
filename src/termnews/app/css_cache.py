"""Textual's parsed stylesheet, kept between runs in the user's cache directory.

Why: Textual parses the app's CSS (``termnews.tcss`` and the ``DEFAULT_CSS`` of
every widget class shown) at every start, ~15-20 ms of the ~130 ms the reader's
first screen takes beyond a minimal Textual app (issue 8). The parse depends only
on the CSS text, where it was read from, its default/tie-breaker/scope flags and
the theme's variables, so its result (a list of ``RuleSet``) can be kept: loading
it back takes ~2 ms.

Why it is safe, each point checked on load, anything odd meaning "parse as usual":

* **Key.** An entry is found only by the exact arguments Textual's
  ``Stylesheet._parse_rules`` gets (the CSS text itself, not a hash of it) and the
  file holds entries for one set of theme variables, compared in full: another
  theme, an edited ``.tcss`` or a changed widget CSS simply misses.
* **Textual itself.** The header records, for every module the pickles refer to
  and every module of ``textual.css`` (the parser), the file it was loaded from
  with its size and modification time. Upgrading or editing Textual changes them,
  and the whole file is ignored. Python's version is recorded as well.
* **Pristine rules.** An entry is pickled the moment it is parsed, before any
  widget used it: a layout object in a rule (a grid's) keeps state once used.
* **What may be unpickled.** Only Textual's classes and functions (from the
  modules the header vouches for), ``functools.partial`` and ``getattr`` (a bound
  ``dict.get`` in ``Styles``); anything else is refused, so a file planted in the
  cache directory cannot name ``os.system``.
* **Failure.** Any error reading, checking or unpickling (a truncated, corrupt,
  foreign or stale file) drops the entry or the file, and the CSS is parsed as
  Textual always did. Writing goes to a temporary file renamed over the old one
  (a crash mid-write leaves the old file or none) and errors are ignored: this
  is a cache, never a reason for the reader not to start.
"""

from __future__ import annotations

import importlib
import io
import os
import pickle
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet
from textual.css.types import CSSLocation

from termnews.app.pickle_files import module_signature, write_pickles

FILENAME = "stylesheet.pickle"
FORMAT = 1
"""Bumped when the file's layout changes."""

MAX_ENTRIES = 256
"""Sources kept (the reader uses ~40 across all its screens)."""

PARSER_PACKAGE = "textual.css"
"""Every module of Textual's CSS parser is part of the file's signature."""

LAZY_PACKAGE = "textual.layouts"
"""The only modules a signature may name that are not imported yet (nothing else is run)."""

_ALLOWED_GLOBALS = {("functools", "partial"), ("builtins", "getattr")}

Key = tuple[str, CSSLocation, bool, int, str]
"""``_parse_rules``'s arguments: css, read_from, is_default_rules, tie_breaker, scope."""


class _RefusedError(pickle.UnpicklingError):
    """The data names something the cache never writes."""


class _HeaderUnpickler(pickle.Unpickler):
    """The header and the index hold only built-in values: no global at all."""

    def find_class(self, module: str, name: str) -> Any:
        raise _RefusedError(f"{module}.{name}")


class _RulesUnpickler(pickle.Unpickler):
    """Unpickles one entry, taking classes only from Textual's modules.

    ``modules`` are those the file's signature vouches for; None (an entry just
    pickled, being checked) takes any of Textual's and records them in ``seen``.
    """

    def __init__(self, data: bytes, modules: frozenset[str] | None) -> None:
        super().__init__(io.BytesIO(data))
        self.modules = modules
        self.seen: set[str] = set()

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED_GLOBALS:
            if self.modules is None:
                if not _is_textual(module):
                    raise _RefusedError(f"{module}.{name}")
                self.seen.add(module)
            elif module not in self.modules:
                raise _RefusedError(f"{module}.{name}")
        return super().find_class(module, name)


def _is_textual(module: str) -> bool:
    return module == "textual" or module.startswith("textual.")


def _signature_holds(signature: object) -> bool:
    """Whether every module recorded is the one loaded now, from an unchanged file."""
    if not isinstance(signature, dict) or not signature:
        return False
    for name, recorded in signature.items():
        if not isinstance(name, str) or not _is_textual(name):
            return False
        module = sys.modules.get(name)
        if module is None and name.startswith(LAZY_PACKAGE + "."):
            # A layout is imported when a rule first names it: as parsing would.
            try:
                module = importlib.import_module(name)
            except ImportError:
                return False
        if module is None:
            return False
        filename = getattr(module, "__file__", None)
        if not filename or not isinstance(recorded, tuple) or recorded[0] != filename:
            return False
        stat = os.stat(filename)
        if recorded[1:] != (stat.st_size, stat.st_mtime_ns):
            return False
    return True


def _parser_modules() -> set[str]:
    """Textual's CSS parser as imported now (at the first parse of a run)."""
    return {name for name in sys.modules if name.startswith(PARSER_PACKAGE + ".")}


class ParsedCssCache:
    """The parsed rules of one set of theme variables, read from and written to ``path``.

    Entries are kept as the pickled bytes of each source's rules; an entry is
    unpickled when Textual asks for it, so the rules handed out are always fresh
    objects and the bytes written back are those pickled when it was parsed.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._variables: dict[str, str] | None = None
        """The theme variables the entries are for (None: not loaded yet)."""
        self._entries: dict[Key, bytes] = {}
        self._modules: set[str] = set()
        """Modules the entries refer to."""
        self._parser: set[str] = set()
        """Textual's CSS parser modules at the first parse: part of the signature."""
        self._used: set[Key] = set()
        self._dirty = False

    def get(self, variables: Mapping[str, str], key: Key) -> list[RuleSet] | None:
        """The rules parsed earlier for ``key`` in these variables, or None."""
        if not self._for(variables):
            return None
        data = self._entries.get(key)
        if data is None:
            return None
        rules = self._unpickle(data)
        if rules is None:
            del self._entries[key]
            self._dirty = True
            return None
        self._used.add(key)
        return rules

    def put(self, variables: Mapping[str, str], key: Key, rules: list[RuleSet]) -> None:
        """Keep rules just parsed (and without errors) for the next start."""
        if self.path is None or not self._cacheable(key):
            return
        self._for(variables)
        try:
            data = pickle.dumps(rules, protocol=pickle.HIGHEST_PROTOCOL)
            # Kept only if it will load: the next start's checks, on it now.
            checker = _RulesUnpickler(data, None)
            checker.load()
        except Exception:
            return
        self._modules |= checker.seen
        self._entries[key] = data
        self._used.add(key)
        self._dirty = True

    def save(self) -> None:
        """Write the entries if anything changed; errors are ignored (it is a cache)."""
        if self.path is None or not self._dirty or self._variables is None:
            return
        self._dirty = False
        entries = self._kept_entries()
        signature = module_signature(self._modules | self._parser)
        if signature is None:
            return
        header = {
            "format": FORMAT,
            "python": sys.version,
            "signature": signature,
            "variables": self._variables,
        }
        write_pickles(self.path, ".stylesheet-", header, entries)

    def _for(self, variables: Mapping[str, str]) -> bool:
        """Make the entries those of ``variables``; False if none can be there."""
        if self._variables is None:
            self._variables = dict(variables)
            self._parser = _parser_modules()
            self._load()
        elif variables is not self._variables and variables != self._variables:
            # A theme change: the file will hold the new theme's rules (the next
            # start shows the theme in use at the end of this one).
            self._variables = dict(variables)
            self._entries = {}
            self._modules = set()
            self._used = set()
            self._dirty = True
            return False
        return bool(self._entries)

    def _load(self) -> None:
        if self.path is None:
            return
        try:
            with open(self.path, "rb") as handle:
                header = _HeaderUnpickler(handle).load()
                if not (
                    isinstance(header, dict)
                    and header.get("format") == FORMAT
                    and header.get("python") == sys.version
                    and header.get("variables") == self._variables
                    and _signature_holds(header.get("signature"))
                ):
                    self._dirty = True
                    return
                entries = _HeaderUnpickler(handle).load()
        except Exception:
            # Missing, unreadable, truncated or not ours: start afresh.
            self._dirty = True
            return
        if not isinstance(entries, dict) or not all(
            _is_key(key) and isinstance(data, bytes) for key, data in entries.items()
        ):
            self._dirty = True
            return
        self._entries = entries
        self._modules = set(header["signature"])

    def _unpickle(self, data: bytes) -> list[RuleSet] | None:
        try:
            rules = _RulesUnpickler(data, frozenset(self._modules)).load()
        except Exception:
            return None
        if isinstance(rules, list) and all(type(rule) is RuleSet for rule in rules):
            return rules
        return None

    def _kept_entries(self) -> dict[Key, bytes]:
        """This run's entries first, then earlier ones whose source was not seen now.

        An entry for a source read this run with other CSS text (an upgrade edited
        it) is stale and dropped; at most :data:`MAX_ENTRIES` are kept.
        """
        used_places = {key[1:] for key in self._used}
        kept = {key: data for key, data in self._entries.items() if key in self._used}
        for key, data in self._entries.items():
            if len(kept) >= MAX_ENTRIES:
                break
            if key not in kept and key[1:] not in used_places:
                kept[key] = data
        return kept

    @staticmethod
    def _cacheable(key: Key) -> bool:
        # CSS added without a location is named by hash(css), which changes with
        # every process (PYTHONHASHSEED): it would never be found again.
        return key[1] != ("", str(hash(key[0])))


def _is_key(key: object) -> bool:
    return (
        isinstance(key, tuple)
        and len(key) == 5
        and isinstance(key[0], str)
        and isinstance(key[1], tuple)
        and len(key[1]) == 2
        and all(isinstance(part, str) for part in key[1])
        and isinstance(key[2], bool)
        and isinstance(key[3], int)
        and isinstance(key[4], str)
    )


class CachedStylesheet(Stylesheet):
    """Textual's stylesheet, taking parsed rules from a :class:`ParsedCssCache`."""

    def __init__(self, *, variables: dict[str, str] | None = None, cache: ParsedCssCache) -> None:
        super().__init__(variables=variables)
        self.parsed_cache = cache

    def _parse_rules(
        self,
        css: str,
        read_from: CSSLocation,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> list[RuleSet]:
        key: Key = (css, read_from, is_default_rules, tie_breaker, scope)
        rules = self._parse_cache.get(key)
        if rules is not None:
            return rules
        rules = self.parsed_cache.get(self._variables, key)
        if rules is not None:
            self._parse_cache[key] = rules
            return rules
        rules = super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
        if not any(rule.errors for rule in rules):
            self.parsed_cache.put(self._variables, key, rules)
        return rules

    def reparse(self) -> None:
        """Textual's ``Stylesheet.reparse``, its fresh stylesheet reading the cache too.

        As Textual does: every source is parsed again in a new stylesheet, so CSS
        with errors leaves this one as it was. Textual's builds a plain
        ``Stylesheet``; a theme set from the config or the saved state (``on_load``)
        reparses at every start, so that one goes through the cache as well.
        """
        fresh = CachedStylesheet(variables=self._variables, cache=self.parsed_cache)
        for read_from, (css, is_defaults, tie_breaker, scope) in self.source.items():
            fresh.add_source(
                css,
                read_from=read_from,
                is_default_css=is_defaults,
                tie_breaker=tie_breaker,
                scope=scope,
            )
        try:
            fresh.parse()
        except Exception:
            self._invalid_css.update(fresh._invalid_css)
            raise
        self._rules = fresh.rules
        self._rules_map = None
        self.source = fresh.source
        self._require_parse = False


def cached_stylesheet(stylesheet: Stylesheet, cache_dir: Path | None) -> CachedStylesheet:
    """A :class:`CachedStylesheet` in place of the app's new (still empty) one."""
    path = None if cache_dir is None else cache_dir / FILENAME
    return CachedStylesheet(variables=stylesheet._variables, cache=ParsedCssCache(path))
