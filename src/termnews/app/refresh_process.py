"""The reader's refresh and index passes, run as child processes and followed line by line.

Why a process: a refresh downloads (httpx), writes SQLite and works out related
stories, all Python that holds the interpreter lock. Run in a thread of the reader,
it took the lock from the event loop for long stretches and a key press waited
hundreds of milliseconds (issue 8). As ``termnews refresh --progress jsonl
--low-priority --index`` in a process of its own it shares nothing with the reader
but the cache file (WAL: the reader reads while it writes), and runs, with its parse
workers, as background work (``SCHED_IDLE`` on Linux, see :mod:`termnews.core.priority`;
else nice 10 and 15): it gets a core only when the reader does not want it.

Why ``--index``: a refresh only stores; the search index and the related stories are
built after it (:mod:`termnews.core.indexing`). The child prints its summary line
first and then builds them, so the reader shows the new headlines at once
(``on_done``) and re-reads what depends on the indexes when the child exits. A cache
a refresh from elsewhere left unindexed (cron's ``termnews refresh``) gets the same
pass alone: ``termnews index --low-priority`` (:func:`run_index`), followed the same way.

Why a thread follows it: reading the child's stdout blocks, in the kernel, without
the interpreter lock; each line becomes a callback (the screen posts a message).
The child gets a session of its own (``start_new_session``) and no terminal: it
never reads the reader's keys, never writes to its screen, and the terminal's
signals (hang-up, Ctrl+Z) are not its own. Its stderr is kept, bounded, to explain
a failure in one line; nothing of it reaches the terminal.

Stopping (the reader quits, or a new refresh replaces the pass): SIGTERM. The child
stops at the next feed or index batch, writes what it has and exits; if it has not
within :data:`STOP_WAIT_S`, its process group is killed. Either way the cache stays
sound: every write is a transaction, and the next index pass goes on from the marks.
"""

from __future__ import annotations

import collections
import contextlib
import os
import selectors
import signal
import site
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import termnews
from termnews.core.errors import ERROR_PREFIX
from termnews.core.refresh_progress import FORMAT_JSONL, DoneEvent, FeedEvent, parse_line

__all__ = [
    "IndexFailed",
    "RefreshCancelled",
    "RefreshFailed",
    "RefreshRequest",
    "child_env",
    "child_options",
    "index_argv",
    "refresh_argv",
    "run_index",
    "run_refresh",
]

STOP_WAIT_S = 5.0
"""How long a stopped child may take to finish its last feed (or index batch) before
it is killed."""
POLL_S = 0.2
"""How often the follower looks whether it should stop, while the child is quiet."""
PROGRESS_EVERY_S = 0.25
"""Feeds finished within this long are handed on together: one status-bar update,
not one per feed (a refresh of 200 feeds can finish dozens a second)."""
MAX_LINE = 1 << 20
"""A progress line is a few hundred bytes; anything longer than this is dropped."""
STDERR_LINES = 40


class RefreshFailed(Exception):
    """The child did not finish its refresh; the message is one line for the user."""


class RefreshCancelled(Exception):
    """The child (refresh or index pass) was stopped on request: the reader is quitting,
    or a new refresh replaces it."""


class IndexFailed(Exception):
    """The index pass did not finish; the message is one line.

    Raised also by :func:`run_refresh` when its child failed after the summary: the
    articles are stored, only the indexes are behind (the next pass catches up).
    """


@dataclass(frozen=True, slots=True)
class RefreshRequest:
    """What to refresh, and the cache and config the reader itself was started with."""

    data_dir: Path
    config_file: Path | None
    offline: bool = False
    feed_ids: Sequence[int] | None = None
    section: str | None = None
    index: bool = True
    """Then build the indexes in the same child (``--index``), after its summary line."""


def refresh_argv(request: RefreshRequest) -> list[str]:
    """The child's command line: this Python, this termnews, the reader's own options."""
    argv = [sys.executable, "-m", "termnews", "refresh", "--progress", FORMAT_JSONL]
    argv += [
        "--low-priority",
        *child_options(request.data_dir, request.config_file, request.offline),
    ]
    if request.index:
        argv.append("--index")
    if request.section is not None:
        argv.append(f"--section={request.section}")  # "=": a name may start with "-"
    if request.feed_ids is not None:
        argv += ["--", *(str(i) for i in request.feed_ids)]
    return argv


def index_argv(request: RefreshRequest) -> list[str]:
    """``termnews index --low-priority`` for the reader's cache and config (no feeds read)."""
    options = child_options(request.data_dir, request.config_file, offline=False)
    return [sys.executable, "-m", "termnews", "index", "--low-priority", *options]


def child_options(data_dir: Path, config_file: Path | None, offline: bool) -> list[str]:
    """A child termnews's options for the reader's own cache, config and ``--offline``."""
    options = [f"--data-dir={data_dir}"]
    if config_file is not None and config_file.exists():
        # Only a file that is there: the CLI refuses a --config naming a missing one,
        # and without a file the child finds the same defaults by itself.
        options.append(f"--config={config_file}")
    if offline:
        options.append("--offline")
    return options


def child_env() -> dict[str, str]:
    """The reader's environment; a source checkout's ``src`` put on the child's path.

    The child must run the very code the reader runs. Installed (site-packages,
    editable or not), ``python -m termnews`` finds it by itself; a reader imported
    from a source tree the interpreter does not know gets that tree on PYTHONPATH.
    A site-packages dir is never put there: PYTHONPATH comes before the standard
    library, and a package in site-packages could shadow a module of it.
    """
    env = dict(os.environ)
    root = Path(termnews.__file__).resolve().parent.parent
    sites = {Path(p).resolve() for p in (*site.getsitepackages(), site.getusersitepackages())}
    known = {Path(p).resolve() for p in env.get("PYTHONPATH", "").split(os.pathsep) if p}
    if root not in sites and root not in known:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH")) if p)
    env["PYTHONUNBUFFERED"] = "1"
    return env


class _StderrTail:
    """The child's last stderr lines, read in a thread so the pipe never fills."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.lines: collections.deque[str] = collections.deque(maxlen=STDERR_LINES)
        self._thread = threading.Thread(
            target=self._read, args=(stream,), name="termnews-refresh-stderr", daemon=True
        )
        self._thread.start()

    def _read(self, stream: IO[bytes]) -> None:
        with contextlib.suppress(OSError, ValueError):
            for raw in iter(lambda: stream.readline(4096), b""):
                text = raw.decode("utf-8", "replace").strip()
                if text:
                    self.lines.append(text)

    def last_line(self) -> str | None:
        """The most telling line: an error line, else the last one (a traceback's end)."""
        self._thread.join(timeout=1)
        for text in reversed(self.lines):
            if text.startswith(ERROR_PREFIX):
                return text.removeprefix(ERROR_PREFIX)
        return self.lines[-1] if self.lines else None


def _failure(returncode: int, stderr: str | None, what: str = "refresh process") -> str:
    if returncode < 0:
        try:
            how = f"was killed ({signal.Signals(-returncode).name})"
        except ValueError:
            how = f"was killed (signal {-returncode})"
    elif returncode == 0:
        how = "ended without a summary"
    else:
        how = f"exited with code {returncode}"
    return f"{what} {how}: {stderr}" if stderr else f"{what} {how}"


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM, a few seconds to finish cleanly, then kill the child and its workers.

    The group is continued first: a child stopped while keys were pressed
    (:mod:`termnews.app.refresh_pause`) would not act on SIGTERM until then.
    """
    if hasattr(signal, "SIGCONT"):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGCONT)
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(STOP_WAIT_S)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # its own group: the session it leads
        proc.wait()


def _follow(
    argv: Sequence[str],
    on_lines: Callable[[list[bytes]], None],
    on_quiet: Callable[[], None],
    should_stop: Callable[[], bool],
    on_start: Callable[[subprocess.Popen[bytes]], None] | None,
    what: str,
) -> tuple[int, _StderrTail]:
    """Run ``argv`` to its end; its exit status and stderr. Blocks: call it from a thread.

    ``on_lines`` gets the complete stdout lines of each read, ``on_quiet`` is called
    when the child has said nothing for :data:`POLL_S` and once at its end. Raises
    :class:`RefreshFailed` when the child cannot start, :class:`RefreshCancelled`
    once ``should_stop()`` turned true and the child was stopped.
    """
    try:
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=child_env(),
            start_new_session=True,
        )
    except OSError as exc:
        raise RefreshFailed(f"could not start the {what}: {exc.strerror or exc}") from exc
    assert proc.stdout is not None and proc.stderr is not None
    if on_start is not None:
        on_start(proc)
    stderr = _StderrTail(proc.stderr)
    pending = b""
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(proc.stdout, selectors.EVENT_READ)
            while True:
                if should_stop():
                    _stop(proc)
                    raise RefreshCancelled()
                if not selector.select(POLL_S):
                    on_quiet()
                    continue
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                *lines, pending = (pending + chunk).split(b"\n")
                if len(pending) > MAX_LINE:
                    pending = b""
                on_lines(lines)
        on_quiet()
        returncode = proc.wait()
    except BaseException:
        if proc.poll() is None:
            _stop(proc)
        raise
    finally:
        proc.stdout.close()
    return returncode, stderr


def run_refresh(
    request: RefreshRequest,
    on_progress: Callable[[Sequence[FeedEvent]], None],
    should_stop: Callable[[], bool] = lambda: False,
    argv: Sequence[str] | None = None,
    on_start: Callable[[subprocess.Popen[bytes]], None] | None = None,
    on_done: Callable[[DoneEvent], None] | None = None,
) -> DoneEvent:
    """Run the refresh child to its end, handing on finished feeds as they come.

    ``on_progress`` gets the feeds finished since its last call, at most every
    :data:`PROGRESS_EVERY_S` (and at once when the child goes quiet). ``on_done``
    gets the summary as soon as its line arrives: with ``request.index`` the child
    then goes on building the indexes, and this call returns once it exits. Blocks:
    call it from a thread. Returns the summary; raises :class:`RefreshFailed` (one
    line) when the child could not start, crashed or exited without one,
    :class:`IndexFailed` when, with ``request.index``, it failed after the summary,
    and :class:`RefreshCancelled` once ``should_stop()`` turned true and the child was
    stopped. ``argv`` replaces :func:`refresh_argv` (tests run a failing child).
    ``on_start`` gets the child as soon as it runs (the reader stops it while keys
    are pressed, see :mod:`termnews.app.refresh_pause`).
    """
    summary: DoneEvent | None = None
    batch: list[FeedEvent] = []
    handed = 0.0

    def hand_on() -> None:
        nonlocal batch, handed
        if batch:
            on_progress(batch)
            batch = []
        handed = time.monotonic()

    def on_lines(lines: list[bytes]) -> None:
        nonlocal summary
        for line in lines:
            event = parse_line(line)
            if isinstance(event, FeedEvent):
                batch.append(event)
            elif isinstance(event, DoneEvent) and summary is None:
                summary = event
                hand_on()  # every feed before the summary
                if on_done is not None:
                    on_done(event)
        if time.monotonic() - handed >= PROGRESS_EVERY_S:
            hand_on()

    returncode, stderr = _follow(
        list(argv) if argv is not None else refresh_argv(request),
        on_lines,
        hand_on,
        should_stop,
        on_start,
        "refresh process",
    )
    if summary is None:
        raise RefreshFailed(_failure(returncode, stderr.last_line()))
    if request.index and returncode != 0:
        raise IndexFailed(_failure(returncode, stderr.last_line(), "index pass"))
    return summary


def run_index(
    request: RefreshRequest,
    should_stop: Callable[[], bool] = lambda: False,
    argv: Sequence[str] | None = None,
    on_start: Callable[[subprocess.Popen[bytes]], None] | None = None,
) -> None:
    """Run ``termnews index`` as a child to its end (see :func:`index_argv`).

    Blocks: call it from a thread. Raises :class:`IndexFailed` (one line) when the
    child could not start or failed, :class:`RefreshCancelled` once ``should_stop()``
    turned true and the child was stopped (it ends after its current batch).
    ``argv`` and ``on_start`` as for :func:`run_refresh`.
    """
    try:
        returncode, stderr = _follow(
            list(argv) if argv is not None else index_argv(request),
            lambda _lines: None,
            lambda: None,
            should_stop,
            on_start,
            "index process",
        )
    except RefreshFailed as exc:  # it could not start
        raise IndexFailed(str(exc)) from exc
    if returncode != 0:
        raise IndexFailed(_failure(returncode, stderr.last_line(), "index process"))
