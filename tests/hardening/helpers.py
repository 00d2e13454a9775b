"""Shared helpers for the hardening suite: hostile feeds, CLI subprocesses, checks.

Big inputs (tens of MB, tens of thousands of items, gzip bombs) are generated at
test time in ``tmp_path``; only small hand-made fixtures live in
``tests/data/hostile``.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"

# Anything a terminal would act on: C0 controls but TAB/LF, DEL, C1 controls
# (8-bit CSI/OSC/DCS...), bidi embeddings/overrides/isolates.
TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")

# What an attacker would put in a feed: clipboard write, screen clear, title set,
# device control string, 8-bit CSI, a hyperlink, bidi override, NUL, bell.
PAYLOAD = (
    "\x1b]52;c;cHduZWQ=\x07\x1b[2J\x1b]0;owned\x1b\\\x1bP+q544e\x1b\\\x9b6n"
    "\x1b]8;;file:///etc/passwd\x1b\\link\x1b]8;;\x1b\\\u202etxt.exe\u202c\x00\x07"
)
MARKUP = "[bold red]not markup[/] [link=file:///etc/passwd]x[/link]"


def unsafe_chars(text: str) -> list[str]:
    """The terminal-unsafe characters in ``text`` (empty when it is safe)."""
    return TERMINAL_UNSAFE.findall(text)


def one_line(message: str) -> bool:
    """A user-facing reason: a single non-empty line without a traceback."""
    return bool(message.strip()) and "\n" not in message.strip() and "Traceback" not in message


def rss(items: Iterable[str], title: str = "Hostile", extra: str = "") -> bytes:
    """An RSS 2.0 document around pre-rendered ``<item>`` strings."""
    body = "".join(items)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://example.org/</link>{extra}{body}"
        "</channel></rss>"
    ).encode()


def item(
    n: int,
    *,
    title: str | None = None,
    body: str = "",
    guid: str | None = None,
    date: str | None = "Mon, 06 Jan 2025 10:00:00 GMT",
) -> str:
    """One ``<item>`` with escaped text."""
    parts = [f"<title>{escape(title if title is not None else f'Story {n}')}</title>"]
    parts.append(f"<link>https://example.org/{n}</link>")
    parts.append(f"<guid>{escape(guid or f'g-{n}')}</guid>")
    if date:
        parts.append(f"<pubDate>{date}</pubDate>")
    if body:
        parts.append(f"<description>{escape(body)}</description>")
    return "<item>" + "".join(parts) + "</item>"


def write_big_feeds(folder: Path, feeds: int, items: int, body_words: int = 60) -> list[Path]:
    """``feeds`` RSS files of ``items`` items each (for crash and concurrency tests)."""
    folder.mkdir(parents=True, exist_ok=True)
    words = [
        "lorem",
        "ipsum",
        "dolor",
        "sit",
        "amet",
        "consectetur",
        "adipiscing",
        "elit",
        "sed",
        "do",
        "eiusmod",
    ]
    paths = []
    for f in range(feeds):
        entries = []
        for i in range(items):
            text = " ".join(words[(i + k) % len(words)] for k in range(body_words))
            entries.append(
                item(
                    i, title=f"Feed {f} story {i}", body=f"<p>{text} {f}-{i}</p>", guid=f"f{f}-i{i}"
                )
            )
        path = folder / f"feed{f:03d}.xml"
        path.write_bytes(rss(entries, title=f"Big feed {f}"))
        paths.append(path)
    return paths


def cli_env(data_dir: Path) -> dict[str, str]:
    """Environment for a ``termnews`` subprocess on ``data_dir``."""
    env = dict(os.environ)
    env["TERMNEWS_DATA_DIR"] = str(data_dir)
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("COLUMNS", None)
    return env


def termnews_cmd(*args: str) -> list[str]:
    """The command line running termnews in this interpreter."""
    return [sys.executable, "-m", "termnews", *args]


def run_cli(
    data_dir: Path, *args: str, timeout: float = 60, check: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run ``termnews ARGS`` on ``data_dir``; text output, bounded time."""
    proc = subprocess.run(
        termnews_cmd(*args),
        env=cli_env(data_dir),
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="surrogateescape",
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"termnews {' '.join(args)} -> {proc.returncode}\n{proc.stderr}")
    return proc


def db_file(data_dir: Path) -> Path:
    """Where the CLI keeps the cache inside ``data_dir``."""
    from termnews.core.locations import resolve_locations

    return resolve_locations(data_dir, None).db_path


def integrity(db: Path) -> str:
    """``PRAGMA integrity_check`` of a cache file ('ok' when sound)."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        return "; ".join(str(r[0]) for r in rows)
    finally:
        conn.close()


def flags(db: Path) -> tuple[set[str], set[str]]:
    """(guids of starred articles, guids of read articles) in a cache file."""
    conn = sqlite3.connect(db)
    try:
        starred = {r[0] for r in conn.execute("SELECT guid FROM articles WHERE starred = 1")}
        read = {r[0] for r in conn.execute("SELECT guid FROM articles WHERE read = 1")}
        return starred, read
    finally:
        conn.close()


def moved_aside(data_dir: Path) -> list[Path]:
    """Cache files that termnews moved out of the way (not their -wal/-shm companions)."""
    return sorted(
        p
        for p in data_dir.iterdir()
        if ".broken-" in p.name and not p.name.endswith(("-wal", "-shm"))
    )
