"""The config file: TOML read with ``tomllib`` into a typed, documented schema.

Every option is declared once, here, with its type, default and a docstring-like
``help`` used by README and ``termnews config``. Unknown keys and wrong types give
one line naming the key and the file; a missing file simply means defaults.
termnews never writes this file (comments and layout stay the user's), which is
why it is read with ``tomllib`` and there is no writer.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import MISSING, dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any, get_type_hints

from termnews.core.errors import ConfigError


def _opt(default: Any, help: str, minimum: int | None = None) -> Any:
    """One option: its default, its help line, and for integers the least usable value.

    ``minimum`` is for values that load but leave termnews unable to work: with
    ``max_bytes = 0`` every feed failed "over 0 KiB", with ``concurrency = 0`` nothing
    could be fetched at all. Refusing them at load names the option and the file.
    """
    metadata: dict[str, Any] = {"help": help, "minimum": minimum}
    if isinstance(default, dict | list):
        return field(default_factory=lambda: type(default)(default), metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class GeneralConfig:
    """[general]"""

    theme: str = _opt(
        "", "Textual theme name (e.g. 'textual-dark', 'nord'); empty keeps the last used."
    )
    auto_refresh_minutes: int = _opt(
        0, "Refresh everything every N minutes while the TUI runs; 0 = off."
    )
    index_on_refresh: bool = _opt(
        False,
        "'termnews refresh' also brings the search index and related stories up to date"
        " before it exits (as --index); otherwise they are built after it, on first use.",
    )
    unread_only: bool = _opt(False, "Start with the headline list showing unread articles only.")
    show_related: bool = _opt(True, "Show the 'You may also like' related-stories panel.")
    browser: str = _opt(
        "",
        "Command used by 'o' to open links ('firefox %s'; without %s the link is added last);"
        " empty = the system default browser.",
    )


@dataclass(frozen=True)
class NetworkConfig:
    """[network]"""

    # 32, not 16: a refresh of many feeds is bound by round trips, not CPU (1,000 feeds at
    # 100 ms each took 6.7 s at 16, 3.5 s at 32; benchmarks/RESULTS.md, session 12), and
    # per_host still keeps any one site to 4 at once.
    concurrency: int = _opt(32, "Feeds fetched at once, overall.", minimum=1)
    per_host: int = _opt(4, "Feeds fetched at once from one host.", minimum=1)
    connect_timeout: float = _opt(10.0, "Seconds to establish a connection.")
    read_timeout: float = _opt(20.0, "Seconds to wait for data on an open connection.")
    total_timeout: float = _opt(60.0, "Seconds one feed may take in all, body included.")
    max_bytes: int = _opt(
        20 * 1024 * 1024,
        "Largest feed or page body accepted, in bytes (after decompression).",
        minimum=1024,
    )
    max_redirects: int = _opt(8, "Redirects followed before giving up.")
    user_agent: str = _opt(
        "", "User-Agent header; empty = 'termnews/VERSION (terminal news reader)'."
    )


@dataclass(frozen=True)
class RetentionConfig:
    """[retention]"""

    max_age_days: int = _opt(
        0, "'termnews cleanup' removes read, unstarred articles older than this; 0 = keep."
    )
    max_per_feed: int = _opt(
        0, "Keep at most this many articles per feed (starred always kept); 0 = no limit."
    )
    keep_unread_days: int = _opt(30, "Unread articles younger than this are never removed.")


@dataclass(frozen=True)
class RelatedConfig:
    """[related]"""

    trending_hours: int = _opt(
        24, "Window for the Trending section: stories from the last N hours.", minimum=1
    )
    limit: int = _opt(6, "How many related stories the panel shows.", minimum=1)


@dataclass(frozen=True)
class FullTextConfig:
    """[fulltext]"""

    feeds: list[str] = _opt(
        [], "Feeds (URL or title) whose article pages are fetched for full text on refresh."
    )


@dataclass(frozen=True)
class SearchConfig:
    """[search]"""

    saved: dict[str, str] = _opt({}, 'Saved searches shown as sections: name = "query".')
    mute: list[str] = _opt([], 'Queries whose matches are hidden everywhere (e.g. "sponsored").')
    mute_mark_read: bool = _opt(
        False, "Mark muted articles read on arrival instead of hiding them."
    )


@dataclass(frozen=True)
class Config:
    """The whole config file."""

    general: GeneralConfig = field(default_factory=GeneralConfig)
    network: NetworkConfig = field(default_factory=NetworkConfig)
    retention: RetentionConfig = field(default_factory=RetentionConfig)
    related: RelatedConfig = field(default_factory=RelatedConfig)
    fulltext: FullTextConfig = field(default_factory=FullTextConfig)
    search: SearchConfig = field(default_factory=SearchConfig)
    keys: dict[str, str] = field(
        default_factory=dict,
        metadata={"help": 'Key remapping: binding id = "key" (see the help screen for ids).'},
    )
    source: Path | None = None


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
"""Control characters: no theme name, browser command or User-Agent has one."""


def _toml_key(name: str) -> str:
    """``name`` as written in a dotted TOML key: bare when it can be, else quoted."""
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else '"' + name.replace('"', '\\"') + '"'


def _check(value: Any, expected: Any, where: str, minimum: int | None = None) -> Any:
    origin = getattr(expected, "__origin__", None)
    if expected is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return value
    if expected is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: expected an integer, got {value!r}")
        if minimum is not None and value < minimum:
            raise ConfigError(f"{where}: must be at least {minimum}, got {value}")
        if value < 0:
            raise ConfigError(f"{where}: must not be negative, got {value}")
        return value
    if expected is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where}: expected a number, got {value!r}")
        if not math.isfinite(value):  # nan passed "<= 0" and broke every fetch's deadline
            raise ConfigError(f"{where}: must be a finite number of seconds, got {value}")
        if value <= 0:
            raise ConfigError(f"{where}: must be positive, got {value}")
        return float(value)
    if expected is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected a string, got {value!r}")
        if _CONTROL.search(value):  # a newline in user_agent failed every HTTP feed
            raise ConfigError(f"{where}: must be one line of text, got {value!r}")
        return value
    # A wrong entry is named on its own (keys.star, search.mute[2]): the whole table's
    # repr, quoted beside "expected a table of strings", hid which value was wrong.
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list of strings, got {value!r}")
        for index, item in enumerate(value):
            if not isinstance(item, str):
                raise ConfigError(f"{where}[{index}]: expected a string, got {item!r}")
        return value
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a table of strings, got {value!r}")
        for name, item in value.items():
            if not isinstance(item, str):
                raise ConfigError(f"{where}.{_toml_key(name)}: expected a string, got {item!r}")
        return value
    raise ConfigError(f"{where}: unsupported option type")  # pragma: no cover


def _build(cls: Any, data: dict[str, Any], path: Path, prefix: str) -> Any:
    hints = get_type_hints(cls)
    known = {f.name: f for f in fields(cls) if f.name != "source"}
    values: dict[str, Any] = {}
    for key, value in data.items():
        where = f"{path}: {prefix}{key}"
        if key not in known:
            choices = ", ".join(sorted(known))
            raise ConfigError(f"{where}: unknown option (known: {choices})")
        expected = hints[key]
        if is_dataclass(expected):
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: expected a [{key}] table")
            values[key] = _build(expected, value, path, f"{key}.")
        else:
            values[key] = _check(value, expected, where, known[key].metadata.get("minimum"))
    return cls(**values)


MAX_CONFIG_BYTES = 1024 * 1024
"""A config file is a few kB; one larger than this is a mistake (a log, a disk image)."""


def _read_config_bytes(path: Path) -> bytes:
    """The file's bytes, refusing what is not a small regular file, without blocking.

    ``--config`` (or ``TERMNEWS_CONFIG``) can name anything: a FIFO made every command
    wait for a writer forever, ``/dev/zero`` read until memory ran out, and a huge file
    took seconds and hundreds of MB before saying anything. The file is opened without
    blocking and looked at before a byte is read.
    """
    import os
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror}") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            what = "is a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise ConfigError(f"{path}: cannot read config: {what}")
        if info.st_size > MAX_CONFIG_BYTES:
            raise ConfigError(
                f"{path}: config file too large ({info.st_size:,} bytes; at most "
                f"{MAX_CONFIG_BYTES:,})"
            )
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_CONFIG_BYTES and (chunk := os.read(fd, 65536)):
            chunks.append(chunk)
            size += len(chunk)
        raw = b"".join(chunks)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror}") from exc
    finally:
        os.close(fd)
    if len(raw) > MAX_CONFIG_BYTES:  # grew while being read
        raise ConfigError(f"{path}: config file too large (at most {MAX_CONFIG_BYTES:,} bytes)")
    return raw


def load_config(path: Path | None) -> Config:
    """Read and validate the config file; a missing file gives the defaults."""
    if path is None or not path.exists():
        return Config(source=None)
    raw = _read_config_bytes(path)
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: config is not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    except RecursionError as exc:  # tomllib recurses once per nested array or table
        raise ConfigError(f"{path}: invalid TOML: arrays or tables nested too deeply") from exc
    config: Config = _build(Config, data, path, "")
    return replace(config, source=path)


def option_value(config: Config, key: str) -> Any:
    """The value in force for a dotted option name from :func:`describe_options`."""
    value: Any = config
    for part in key.split("."):
        value = getattr(value, part)
    return value


def describe_options() -> list[tuple[str, str, str]]:
    """(key, default, help) for every option, for README and ``termnews config``."""
    rows: list[tuple[str, str, str]] = []
    for f in fields(Config):
        if f.name == "source":
            continue
        hints = get_type_hints(Config)
        sub = hints[f.name]
        if is_dataclass(sub):
            for g in fields(sub):
                default = g.default if g.default_factory is MISSING else g.default_factory()
                rows.append((f"{f.name}.{g.name}", repr(default), g.metadata.get("help", "")))
        else:
            rows.append((f.name, "{}", f.metadata.get("help", "")))
    return rows
