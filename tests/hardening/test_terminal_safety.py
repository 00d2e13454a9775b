"""No byte from a feed reaches the terminal uninterpreted, in any non-JSON output.

A hostile feed (escape sequences, OSC 52 clipboard writes, DCS, 8-bit CSI, bidi
overrides, Rich markup) is added through the CLI, and then the same kinds of
text are written straight into the cache, as an older termnews or another tool
might have left them: output must be safe even for text that skipped ingest.
Every command runs twice: into a pipe, and on a pseudo-terminal where Rich
styles its output; there only Rich's own SGR colour codes may appear.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from tests.hardening.helpers import (
    HOSTILE,
    MARKUP,
    PAYLOAD,
    cli_env,
    db_file,
    run_cli,
    termnews_cmd,
    unsafe_chars,
)

from termnews.cli import main

SGR = re.compile(r"\x1b\[[0-9;]*m")
# Rich's own codes on a terminal: colours, hiding the cursor, erasing and moving
# up a line for the refresh progress bar. PAYLOAD uses none of these.
RICH_OWN = re.compile(r"\x1b\[[0-9;]*m|\x1b\[\?25[lh]|\x1b\[[0-9]*[AK]")


def _inject(db: Path) -> None:
    """Write hostile text where ingest would have cleaned it (an old or foreign writer)."""
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(
            "UPDATE articles SET title = ? || title || ?, author = ?, summary = ? || summary,"
            " content = ? || content, categories = ?",
            (PAYLOAD, MARKUP, PAYLOAD + "author", PAYLOAD, f"# {PAYLOAD}\n\n{MARKUP}\n\n",
             json.dumps([PAYLOAD])),
        )  # fmt: skip
        conn.execute(
            "UPDATE feeds SET title = ? || title, section = ? || section, last_error = ?,"
            " failures = 1",
            (PAYLOAD, PAYLOAD, PAYLOAD + "error"),
        )
        conn.execute("UPDATE articles SET section = (SELECT section FROM feeds)")
        conn.execute("UPDATE articles SET full_error = ? WHERE id = 1", (PAYLOAD,))
    conn.close()


@pytest.fixture(scope="module")
def hostile_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir holding the hostile feed (file name included) plus injected text."""
    root = tmp_path_factory.mktemp("terminal")
    feed = root / "evil\x1b[31m\u202e.xml"
    feed.write_bytes((HOSTILE / "control-chars.xml").read_bytes())
    data = root / "data"
    added = run_cli(data, "add", str(feed), "--section", "News\x1b[5m")
    assert added.returncode == 0, added.stderr
    _assert_safe("add", added.stdout + added.stderr, tty=False)
    _inject(db_file(data))
    run_cli(data, "star", str(_first_article(data)), check=True)
    return data


def _assert_safe(what: str, output: str, tty: bool) -> None:
    text = RICH_OWN.sub("", output) if tty else output
    # \r is how a terminal line discipline ends lines on a pty; it moves nothing.
    bad = [c for c in unsafe_chars(text.replace("\r\n", "\n")) if c != "\r"]
    assert not bad, f"{what}: {sorted(set(bad))!r} in {output[:2000]!r}"
    assert "owned" not in text or "\x1b]0;owned" not in output


def run_in_pty(data_dir: Path, *args: str, timeout: float = 60) -> tuple[int, str]:
    """Run termnews with stdout on a pseudo-terminal; returns (exit code, everything shown)."""
    master, slave = pty.openpty()
    env = cli_env(data_dir)
    env.update({"COLUMNS": "160", "LINES": "50", "TERM": "xterm-256color"})
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        termnews_cmd(*args), env=env, stdin=slave, stdout=slave, stderr=slave, close_fds=True
    )
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            elif proc.poll() is not None:
                break
        else:
            proc.kill()
            raise AssertionError(f"termnews {args} did not finish in {timeout} s")
        code = proc.wait(timeout=timeout)
    finally:
        os.close(master)
    return code, b"".join(chunks).decode("utf-8", "replace")


def _first_article(data: Path) -> int:
    conn = sqlite3.connect(db_file(data))
    (article_id,) = conn.execute("SELECT min(id) FROM articles").fetchone()
    conn.close()
    return int(article_id)


COMMANDS: list[tuple[str, ...]] = [
    ("feeds",),
    ("articles",),
    ("articles", "--starred"),
    ("show", "{id}", "--keep-unread"),
    ("show", "{id2}", "--keep-unread"),
    ("search", "red"),
    ("search", "markup"),
    ("related", "{id}"),
    ("trending",),
    ("stats",),
    ("config",),
    ("export",),
    ("refresh",),
]


@pytest.mark.parametrize(
    "command", COMMANDS, ids=lambda c: "-".join(c).replace("{", "").replace("}", "")
)
@pytest.mark.parametrize("tty", [False, True], ids=["pipe", "tty"])
def test_cli_output_is_neutralised(
    hostile_cache: Path,
    command: tuple[str, ...],
    tty: bool,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = _first_article(hostile_cache)
    args = [part.format(id=first, id2=first + 2) for part in command]
    if tty:
        code, output = run_in_pty(hostile_cache, *args)
    else:  # in-process: the same code, without a process start per command
        monkeypatch.setenv("TERMNEWS_DATA_DIR", str(hostile_cache))
        code = main(args)
        captured = capsys.readouterr()
        output = captured.out + captured.err
    assert "Traceback" not in output, output
    assert code in (0, 1), output
    _assert_safe(" ".join(args), output, tty)


def test_markup_in_feed_text_is_shown_literally(hostile_cache: Path) -> None:
    first = _first_article(hostile_cache)
    listing = run_cli(hostile_cache, "articles", check=True).stdout
    assert "[bold red]not markup[/]" in listing
    code, shown = run_in_pty(hostile_cache, "show", str(first), "--keep-unread")
    assert code == 0
    assert "[bold red]not markup[/]" in SGR.sub("", shown)


def test_error_lines_name_hostile_paths_safely(tmp_path: Path) -> None:
    missing = tmp_path / "gone\x1b]52;c;eA==\x07\u202e.xml"
    proc = run_cli(tmp_path / "data", "add", str(missing))
    assert proc.returncode != 0
    _assert_safe("add missing", proc.stdout + proc.stderr, tty=False)
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    broken = tmp_path / "bad\x9b2J.xml"
    broken.write_bytes(b"<rss><channel><title>\x1b[2Jx</title><item>")
    proc = run_cli(tmp_path / "data", "add", str(broken))
    _assert_safe("add broken", proc.stdout + proc.stderr, tty=False)


def test_hostile_opml_import_prints_safely(tmp_path: Path) -> None:
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>'
        '<outline text="Sec&#x202e;tion [bold]x[/]">'
        '<outline type="rss" text="T&#x9b;2J" title="T&#x9b;2J owned" '
        'xmlUrl="https://example.invalid/feed?&#x202e;x"/></outline></body></opml>',
        encoding="utf-8",
    )
    proc = run_cli(tmp_path / "data", "import", str(opml), "--offline")
    _assert_safe("import", proc.stdout + proc.stderr, tty=False)
    listing = run_cli(tmp_path / "data", "feeds")
    _assert_safe("feeds after import", listing.stdout + listing.stderr, tty=False)
