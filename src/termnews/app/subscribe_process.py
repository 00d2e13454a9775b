"""Subscribing from the reader: ``termnews add`` run as a child process.

Why the CLI's own command: ``termnews add`` already knows every kind of source (a feed
URL, a web page announcing feeds, a permanent redirect, a feed file, a folder, an OPML
list, a saved article page), refuses bad ones with one line, moves a feed subscribed
already, and reads the new feed at once. Run as a process it also keeps the download,
the parse and the SQLite writes off the reader's interpreter lock, as the reader's
refresh does (:mod:`termnews.app.refresh_process`), and a slow or hung site costs
the reader nothing: the dialog can be closed and the child is killed.

The child writes its result as JSON (``--json``) and its errors as
``termnews: error: ...`` lines on stderr, which become the dialog's message.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

from termnews.app.refresh_process import child_env, child_options
from termnews.core.errors import ERROR_PREFIX
from termnews.core.text import clean_line

__all__ = ["AddFailed", "Added", "AddedFeed", "add_argv", "run_add"]

MAX_OUTPUT = 8 << 20
"""The child's JSON for a folder of many feeds is a few hundred KB; more is not read."""


class AddFailed(Exception):
    """Nothing could be subscribed; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class AddedFeed:
    """One feed the child subscribed (or found subscribed already)."""

    id: int
    title: str
    section: str
    new: int = 0
    """Articles the first read of it stored."""
    error: str | None = None
    """Why that first read failed (the feed stays subscribed and is retried by a refresh)."""


@dataclass(frozen=True, slots=True)
class Added:
    """What ``termnews add`` did."""

    feeds: tuple[AddedFeed, ...]
    notes: tuple[str, ...] = field(default=())
    """The child's notices (other feeds a page announces, skipped files, warnings)."""

    @property
    def new_articles(self) -> int:
        return sum(f.new for f in self.feeds)


def add_argv(
    data_dir: Path,
    config_file: Path | None,
    source: str,
    section: str | None = None,
    offline: bool = False,
) -> list[str]:
    """The child's command line: this Python, this termnews, the given cache and config.

    ``offline`` (the reader runs with ``--offline``): subscribed without being fetched.
    """
    argv = [sys.executable, "-m", "termnews", *child_options(data_dir, config_file, offline)]
    argv += ["add", "--json"]
    if section:
        argv.append(f"--section={section}")  # "=": a name may start with "-"
    return [*argv, "--", source]


def _stderr_lines(raw: bytes) -> list[str]:
    text = raw.decode("utf-8", "replace")
    return [clean_line(line) for line in text.splitlines() if line.strip()]


def _result(stdout: bytes) -> Added | None:
    """The child's JSON as :class:`Added`; None when it printed none (it failed first)."""
    try:
        data = json.loads(stdout.decode("utf-8", "replace"))
        outcomes = {o["feed_id"]: o for o in data.get("refresh", {}).get("feeds", [])}
        feeds = tuple(
            AddedFeed(
                id=int(f["id"]),
                title=clean_line(str(f.get("title") or "")),
                section=clean_line(str(f.get("section") or "")),
                new=int(outcomes.get(f["id"], {}).get("new") or 0),
                error=outcomes.get(f["id"], {}).get("error"),
            )
            for f in data.get("feeds", [])
        )
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return Added(feeds)


async def run_add(argv: list[str]) -> Added:
    """Run the child to its end; raises :class:`AddFailed` with one line when nothing was
    subscribed. Cancelling the awaiting task (the dialog closed) kills the child."""
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=child_env(),
            start_new_session=True,  # no terminal: it never reads the reader's keys
            limit=MAX_OUTPUT,
        )
    except OSError as exc:
        raise AddFailed(f"could not start termnews add: {exc.strerror or exc}") from exc
    try:
        stdout, stderr = await proc.communicate()
    except asyncio.CancelledError:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        await proc.wait()
        raise
    lines = _stderr_lines(stderr)
    errors = [line.removeprefix(ERROR_PREFIX) for line in lines if line.startswith(ERROR_PREFIX)]
    notes = tuple(
        line.removeprefix("termnews: ") for line in lines if not line.startswith(ERROR_PREFIX)
    )
    added = _result(stdout)
    if added is None or not added.feeds:
        reason = errors[-1] if errors else (lines[-1] if lines else None)
        if reason is None:
            reason = f"termnews add exited with code {proc.returncode}"
        raise AddFailed(reason)
    return Added(added.feeds, notes + tuple(errors))
