"""The reader's own speed: time to the first full screen, key-press latency, RSS (issue 8).

How it is measured, and why this way
------------------------------------
The program runs as a whole process in a **pseudo-terminal** (``pty.fork``) of 120 x 36
cells with ``TERM=xterm-256color``, exactly as in a terminal window. A reader thread
timestamps every chunk of output the moment ``read`` returns it; the chunks are fed to
``pyte``, a VT100 emulator, and the emulated screen is checked after each one. A time is
therefore "when the bytes that completed the screen reached the terminal", the closest a
script gets to what the eye sees; pyte's own processing is not counted (timestamps are taken
before it). Terminal queries the app sends (device attributes, cursor position) are answered
by pyte through the pty, as a terminal would.

* **First full screen** (``termnews`` with no command, the default view): the section list
  shows every section, the headline list shows its rows and its "N articles" count, and the
  article pane shows the title of the highlighted (first) headline. Timed from just before
  ``fork``. The **floor** is ``floor_app.py`` (a bare Textual app with one ``OptionList``)
  to its first screen with rows, measured the same way and alternated with termnews run by
  run. The UI state file is deleted before each run so each starts from the same view.
* **Key-press latency**: in the All section of a 10,000-article cache, ``j`` (move down one
  headline) is timed from the write of the key to the output that shows the highlight on the
  next headline's title (the row that was below the highlight); ``Enter`` (open) from the
  write to the output that shows that headline's title in the article pane. Each press waits
  for its answer, then 50 ms, before the next: this measures the response to one key, not
  key-repeat throughput. Measured twice: idle, then **during a refresh** of 200 feeds started
  with ``R`` in the app while the feed server answers every feed with all-new items (its
  ``changed`` mode: every feed downloaded, parsed and written: the heaviest refresh). Only
  presses made while the status bar says "refreshing" count as "during"; the refresh is
  repeated (a new generation of items each time, up to 6 refreshes) until 3 x ``rounds``
  presses were made during one, since a refresh of 200 feeds may last only seconds.
  A press whose expected answer never comes within 2 s (e.g. a mid-refresh reload moved the
  rows) is counted as a timeout and reported, not hidden. The feed server runs under
  ``SCHED_IDLE`` during the key sessions (``--server-priority idle``, the default since
  2026-12-03): it stands in for remote servers, which take no CPU from the machine the
  reader runs on, and at normal priority its work for 200 all-new feeds (9-50 ms of CPU
  per press during a refresh) competed with the reader for the two cores. ``--server-priority
  normal`` measures the old way.
* **Peak RSS**: GNU ``time -f %M`` wraps the reader inside the pty; read when it exits.

    python benchmarks/tui_bench.py --workdir /tmp/termnews-bench [--runs 5] [--json out.json]

**Side by side** (``--against CMD``): only the key-press sessions, this checkout's
``termnews`` and ``CMD`` (another install's ``termnews``, e.g. the main checkout's
``/work/main/.venv/bin/termnews``) alternately, ``--pairs`` times (A B, B A, ...), each from
the same restored cache and against the same feed server, so a machine busy with other work
weighs on both alike. Samples are pooled per side; the refresh's own duration in the app
(from "refreshing" appearing in the status bar to its going) is reported too:

    python benchmarks/tui_bench.py --against /work/main/.venv/bin/termnews --pairs 3
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import pty
import queue
import re
import signal
import statistics
import struct
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import harness

COLS, ROWS = 120, 36
KEY_TIMEOUT_S = 2.0
KEY_GAP_S = 0.05
MAX_REFRESHES = 6
FLOOR = Path(__file__).resolve().parent / "floor_app.py"

try:
    import pyte
except ImportError:  # pragma: no cover - reported by main()
    pyte = None


# -- a terminal in a pty ------------------------------------------------------------------


class _Screen(pyte.Screen if pyte is not None else object):  # type: ignore[misc]
    """A pyte screen that answers the app's terminal queries through the pty."""

    def __init__(self, cols: int, rows: int, fd: int) -> None:
        super().__init__(cols, rows)
        self._fd = fd

    def write_process_input(self, data: str) -> None:
        with contextlib.suppress(OSError):
            os.write(self._fd, data.encode())


class PtySession:
    """One program running in a pseudo-terminal, its output timestamped and emulated."""

    def __init__(
        self, argv: Sequence[str], env: dict[str, str], *, cols: int = COLS, rows: int = ROWS
    ) -> None:
        if pyte is None:
            raise RuntimeError("pyte is not installed (pip install pyte)")
        handle, self.rss_path = tempfile.mkstemp(suffix=".rss")
        os.close(handle)
        full = list(argv)
        if os.access(harness.GNU_TIME, os.X_OK):
            full = [harness.GNU_TIME, "-o", self.rss_path, "-f", "%M", *full]
        env = {**env, "TERM": "xterm-256color", "COLORTERM": "truecolor"}
        env.setdefault("LANG", "C.UTF-8")
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # child
            try:
                os.execvpe(full[0], full, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.screen = _Screen(cols, rows, fd)
        self.stream = pyte.ByteStream(self.screen)
        self.chunks: queue.Queue[tuple[float, bytes] | None] = queue.Queue()
        self.closed = False
        self.bytes_read = 0
        self._reader = threading.Thread(target=self._read, daemon=True, name="pty-reader")
        self._reader.start()
        self.exit_status: int | None = None

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                data = b""
            if not data:
                self.chunks.put(None)
                return
            self.chunks.put((time.perf_counter(), data))

    def pump(self, until: Callable[[Any], bool] | None, timeout: float) -> float | None:
        """Feed output to the screen until ``until(screen)`` holds; return that chunk's time.

        With ``until=None``, just drain output for ``timeout`` seconds (returns None).
        """
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            try:
                item = self.chunks.get(timeout=min(left, 0.05))
            except queue.Empty:
                continue
            if item is None:
                self.closed = True
                return None
            stamp, data = item
            self.bytes_read += len(data)
            self.stream.feed(data)
            # Check only once the queue is drained: a frame often spans several chunks.
            if until is not None and self.chunks.empty() and until(self.screen):
                return stamp

    def drain(self) -> None:
        """Feed whatever output is already there."""
        while True:
            try:
                item = self.chunks.get_nowait()
            except queue.Empty:
                return
            if item is None:
                self.closed = True
                return
            self.bytes_read += len(item[1])
            self.stream.feed(item[1])

    def send(self, keys: bytes) -> float:
        stamp = time.perf_counter()
        os.write(self.fd, keys)
        return stamp

    def quit(self, keys: bytes = b"q", timeout: float = 10) -> int | None:
        """Ask the program to quit; kill it if it does not. Returns peak RSS in KiB."""
        with contextlib.suppress(OSError):
            self.send(keys)
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            self.pump(None, 0.1)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.exit_status = status
                break
        else:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        with contextlib.suppress(OSError):
            os.close(self.fd)
        text = Path(self.rss_path).read_text()
        Path(self.rss_path).unlink(missing_ok=True)
        for line in reversed(text.strip().splitlines()):
            if line.strip().isdigit():
                return int(line.strip())
        return None


# -- reading the emulated screen ----------------------------------------------------------


def lines(screen: Any) -> list[str]:
    return list(screen.display)


@dataclass(frozen=True)
class Pane:
    """A bordered pane's interior: columns x0..x1 (exclusive), rows y0..y1 (exclusive)."""

    x0: int
    x1: int
    y0: int
    y1: int

    def text(self, screen: Any, y: int) -> str:
        return "".join(screen.buffer[y][x].data for x in range(self.x0, self.x1))

    def all_text(self, screen: Any) -> str:
        return "\n".join(self.text(screen, y) for y in range(self.y0, self.y1))


def find_pane(screen: Any, bottom_marker: str) -> Pane | None:
    """The pane whose bottom border contains ``bottom_marker`` (e.g. "articles")."""
    rows = lines(screen)
    for y in range(len(rows) - 1, 0, -1):
        row = rows[y]
        at = row.find(bottom_marker)
        if at < 0 or "╰" not in row[:at]:
            continue
        left = row.rfind("╰", 0, at)
        right = row.find("╯", at)
        if right < 0:
            continue
        top = y - 1
        while top > 0 and rows[top][left] != "╭":
            top -= 1
        return Pane(left + 1, right, top + 1, y)
    return None


def pane_right_of(screen: Any, pane: Pane) -> Pane | None:
    """The pane that starts right of ``pane`` on its top row (the article pane)."""
    rows = lines(screen)
    top = pane.y0 - 1
    left = rows[top].find("╭", pane.x1)
    if left < 0:
        return None
    right = rows[top].find("╮", left)
    bottom = top + 1
    while bottom < len(rows) - 1 and rows[bottom][left] != "╰":
        bottom += 1
    return Pane(left + 1, right, top + 1, bottom)


def highlighted_row(screen: Any, pane: Pane) -> int | None:
    """The one interior row whose background differs from the pane's usual background."""
    x = pane.x0 + 2
    bgs = [screen.buffer[y][x].bg for y in range(pane.y0, pane.y1)]
    if not bgs:
        return None
    usual = statistics.mode(bgs)
    odd = [pane.y0 + i for i, bg in enumerate(bgs) if bg != usual]
    return odd[0] if len(odd) == 1 else None


_WORDISH = re.compile(r"[0-9A-Za-z\u00c0-\u024f]")


def title_key(row_text: str, length: int = 14) -> str:
    """A stretch of a headline row's title that must also appear in the article pane."""
    text = row_text.strip()
    match = _WORDISH.search(text)
    if match is None:
        return ""
    text = text[match.start() :]
    return text.split("…")[0][:length].rstrip()


def status_line(screen: Any) -> str:
    return str(screen.display[0])


# -- predicates ---------------------------------------------------------------------------


SCROLLBAR_GLYPHS = frozenset("▁▂▃▄▅▆▇█")
"""The eighth blocks Textual draws a scrollbar thumb's ends with."""
FOOTER_MARK = "Quit"
"""A key description on the reader's footer line (the bottom row)."""
_ARTICLE_COUNT = re.compile(r"(\d+) articles?\b")


def has_scrollbar(screen: Any, pane: Pane, skip: Sequence[int] = (), padding: int = 2) -> bool:
    """One of the pane's rightmost interior columns (the scrollbar sits left of the
    pane's right padding, up to ``padding`` cells) holds a scrollbar: a thumb glyph,
    or a thumb drawn in a colour of its own against the track. Rows in ``skip`` (the
    list's highlighted row) are left out: their colour is the highlight's."""
    for x in range(pane.x1 - 1, max(pane.x0, pane.x1 - 2 - padding), -1):
        cells = [screen.buffer[y][x] for y in range(pane.y0, pane.y1) if y not in skip]
        if any(c.data in SCROLLBAR_GLYPHS for c in cells) or len({c.bg for c in cells}) >= 2:
            return True
    return False


def termnews_full_screen(sections: Sequence[str]) -> Callable[[Any], bool]:
    """Every part of the first screen painted: what the reader sees as "the screen".

    Sections listed; headlines with their count and, when there are more than the
    pane shows, their scrollbar; the first article's title in the article pane and,
    when its text reaches the pane's bottom, its scrollbar; the key footer. Before
    2026-12-03 only the sections, the count and the title were checked, so a frame
    painted before its scrollbars (then laid out and painted again, the text
    re-wrapped a column narrower) counted as the full screen: a measurement error,
    since the reader was not done drawing it.
    """

    # A name too long for the section pane is shown cut, "Technolo… 13700", so that its
    # count stays in view: its first letters and an ellipsis list it too.
    forms = [(name, *(f"{name[:k]}…" for k in range(3, len(name)))) for name in sections]

    def check(screen: Any) -> bool:
        text = "\n".join(screen.display)
        if not all(any(form in text for form in shown) for shown in forms):
            return False
        if FOOTER_MARK not in screen.display[-1]:
            return False
        headlines = find_pane(screen, "article")
        if headlines is None:
            return False
        row = highlighted_row(screen, headlines)
        if row is None:
            return False
        key = title_key(headlines.text(screen, row))
        article = pane_right_of(screen, headlines)
        if not key or article is None:
            return False
        if key not in article.all_text(screen).replace("\n", " "):
            return False
        count = _ARTICLE_COUNT.search(screen.display[headlines.y1])
        if count is None:
            return False
        if int(count.group(1)) > headlines.y1 - headlines.y0 and not has_scrollbar(
            screen, headlines, skip=(row,), padding=0
        ):
            return False
        overflows = article.text(screen, article.y1 - 1).strip() != ""
        return not overflows or has_scrollbar(screen, article)

    return check


def floor_full_screen(screen: Any) -> bool:
    text = "\n".join(screen.display)
    return "floor row 000" in text and f"floor row {ROWS - 6:03d}" in text


# -- measurements -------------------------------------------------------------------------


@dataclass
class StartRun:
    seconds: float | None
    rss_kib: int | None


def start_once(
    argv: Sequence[str], env: dict[str, str], full: Callable[[Any], bool], timeout: float = 60
) -> StartRun:
    session = PtySession(argv, env)
    stamp = session.pump(full, timeout)
    seconds = None if stamp is None else stamp - session.started
    if seconds is None:
        sys.stderr.write("\n".join(lines(session.screen)) + "\n")
    session.pump(None, 0.3)
    rss = session.quit()
    return StartRun(seconds, rss)


def floor_argv() -> list[str]:
    return [sys.executable, str(FLOOR)]


@dataclass
class KeySamples:
    move_ms: list[float] = field(default_factory=list)
    open_ms: list[float] = field(default_factory=list)
    timeouts: int = 0

    def summary(self) -> dict[str, Any]:
        return {
            "move": harness.summary_json(harness.Summary.of(self.move_ms)),
            "open": harness.summary_json(harness.Summary.of(self.open_ms)),
            "timeouts": self.timeouts,
        }


def _press_move(session: PtySession, headlines: Pane) -> float | None:
    session.drain()
    screen = session.screen
    row = highlighted_row(screen, headlines)
    if row is None:
        return None
    below = row + 1 if row + 1 < headlines.y1 else None
    expected = title_key(headlines.text(screen, below)) if below is not None else None
    before = title_key(headlines.text(screen, row))

    def moved(scr: Any) -> bool:
        now = highlighted_row(scr, headlines)
        if now is None:
            return False
        key = title_key(headlines.text(scr, now))
        return key == expected if expected else key != before

    sent = session.send(b"j")
    got = session.pump(moved, KEY_TIMEOUT_S)
    return None if got is None else (got - sent) * 1000


def _press_open(session: PtySession, headlines: Pane, article: Pane) -> float | None:
    session.drain()
    screen = session.screen
    row = highlighted_row(screen, headlines)
    if row is None:
        return None
    key = title_key(headlines.text(screen, row))

    def shown(scr: Any) -> bool:
        return bool(key) and key in article.all_text(scr).replace("\n", " ")

    sent = session.send(b"\r")
    got = session.pump(shown, KEY_TIMEOUT_S)
    return None if got is None else (got - sent) * 1000


def find_panes(screen: Any) -> tuple[Pane, Pane] | None:
    """The headline pane and the article pane right of it, if both are on screen."""
    headlines = find_pane(screen, "article")
    article = pane_right_of(screen, headlines) if headlines is not None else None
    if headlines is None or article is None:
        return None
    return headlines, article


def key_rounds(
    session: PtySession,
    samples: KeySamples,
    rounds: int,
    while_: Callable[[], bool] = lambda: True,
    panes: tuple[Pane, Pane] | None = None,
) -> tuple[Pane, Pane]:
    """``rounds`` x (j, j, Enter): two moves and one open per round.

    ``panes`` (from an earlier call) saves finding them again: the layout does not change
    at a fixed terminal size, and a notification may cover a border meanwhile.
    """
    panes = panes or find_panes(session.screen)
    if panes is None:
        raise RuntimeError("headline and article panes not found on screen")
    headlines, article = panes
    for _ in range(rounds):
        if not while_():
            return panes
        for kind in ("move", "move", "open"):
            if not while_():
                return panes
            ms = (
                _press_move(session, headlines)
                if kind == "move"
                else _press_open(session, headlines, article)
            )
            if ms is None:
                samples.timeouts += 1
                session.pump(None, 0.3)
            else:
                (samples.move_ms if kind == "move" else samples.open_ms).append(ms)
            session.pump(None, KEY_GAP_S)
    return panes


def keypress_session(
    argv: Sequence[str],
    env: dict[str, str],
    sections: Sequence[str],
    *,
    idle_rounds: int,
    during_rounds: int,
    start_refresh: Callable[[], None],
) -> dict[str, Any]:
    """Idle key presses, then the same while an in-app refresh (``R``) runs."""
    session = PtySession(argv, env)
    if session.pump(termnews_full_screen(sections), 60) is None:
        sys.stderr.write("\n".join(lines(session.screen)) + "\n")
        session.quit()
        raise RuntimeError("the reader did not show its first screen within 60 s")
    session.pump(None, 1.0)  # let the related panel and counts settle
    idle = KeySamples()
    panes = key_rounds(session, idle, idle_rounds)

    # A refresh of 200 feeds may last only a few seconds: repeat it (each time with all-new
    # items) until enough presses were made during refreshes, or MAX_REFRESHES were run.
    refreshing = lambda: "refreshing" in status_line(session.screen)  # noqa: E731
    during = KeySamples()
    refresh_seconds: list[float] = []
    for _ in range(MAX_REFRESHES):
        start_refresh()
        session.send(b"R")
        began = session.pump(lambda scr: "refreshing" in status_line(scr), 10)
        if began is None:
            break
        key_rounds(session, during, during_rounds, while_=refreshing, panes=panes)
        done = session.pump(lambda scr: "refreshing" not in status_line(scr), 600)
        if done is None:
            break
        refresh_seconds.append(done - began)
        session.pump(None, 1.0)
        if len(during.move_ms) + len(during.open_ms) >= 3 * during_rounds:
            break
    rss = session.quit()
    return {
        "idle": idle.summary(),
        "during_refresh": during.summary(),
        "refreshes": len(refresh_seconds),
        "refresh_seconds_in_app": refresh_seconds,
        "peak_rss_mib": None if rss is None else round(rss / 1024, 1),
    }


def start_pairs(
    argv: Sequence[str],
    env_for_run: Callable[[int], dict[str, str]],
    sections: Sequence[str],
    runs: int,
) -> dict[str, Any]:
    """termnews and the floor app alternately (AB, BA, ...), ``runs`` pairs."""
    tn: list[StartRun] = []
    floor: list[StartRun] = []
    full = termnews_full_screen(sections)
    for i in range(runs):
        order = ["tn", "floor"] if i % 2 == 0 else ["floor", "tn"]
        for which in order:
            if which == "tn":
                tn.append(start_once(argv, env_for_run(i), full))
            else:
                floor.append(start_once(floor_argv(), env_for_run(i), floor_full_screen))
    ratios = [
        a.seconds / b.seconds for a, b in zip(tn, floor, strict=True) if a.seconds and b.seconds
    ]

    def s(vals: list[float | None]) -> dict[str, Any]:
        return harness.summary_json(harness.Summary.of(v for v in vals if v is not None))

    return {
        "termnews_s": s([r.seconds for r in tn]),
        "floor_s": s([r.seconds for r in floor]),
        "ratio": harness.summary_json(harness.Summary.of(ratios)),
        "termnews_rss_mib": s([r.rss_kib / 1024 if r.rss_kib else None for r in tn]),
        "floor_rss_mib": s([r.rss_kib / 1024 if r.rss_kib else None for r in floor]),
        "failed_runs": sum(1 for r in tn if r.seconds is None),
    }


# -- the benchmark ------------------------------------------------------------------------


def sections_of(corpus_dir: Path) -> list[str]:
    import gen_corpus

    return sorted({str(f["section"]) for f in gen_corpus.load_feed_list(corpus_dir)})


def run_benchmark(
    workdir: Path,
    *,
    runs: int,
    small: tuple[int, int],
    large: tuple[int, int],
    keys: tuple[int, int] = (200, 50),
    via: str,
    idle_rounds: int,
    during_rounds: int,
    idle_server: bool = True,
) -> dict[str, Any]:
    import bench_setup
    import termnews_side

    results: dict[str, Any] = {"cols": COLS, "rows": ROWS, "idle_server": idle_server}
    # Start-up over a small and a large cache (no network needed: the server only serves
    # the feed list while the caches are built).
    for label, (feeds, items) in (("small", small), ("large", large)):
        corpus_dir = bench_setup.corpus(workdir, feeds, items)
        with bench_setup.start_server(workdir, corpus_dir) as server:
            state = bench_setup.termnews_state(workdir, corpus_dir, server, via=via)
        profile = state.profile

        def env_for_run(
            _: int, p: termnews_side.Profile = profile, s: Any = state
        ) -> dict[str, str]:
            termnews_side.restore(p, s.primed)
            return p.env()

        bench_setup.log(f"TUI start-up over {state.articles} articles, {runs} pairs")
        pairs = start_pairs(profile.command(), env_for_run, sections_of(corpus_dir), runs)
        pairs["articles"] = state.articles
        results[f"start_{label}"] = pairs

    # Key presses in the All section of the 200 x 50 cache (10,000 articles), idle and
    # during an in-app refresh of its 200 feeds with all-new items. This cache is always
    # made by a real refresh: the in-app refresh needs the server's feeds subscribed.
    corpus_dir = bench_setup.corpus(workdir, *keys)
    with bench_setup.start_server(workdir, corpus_dir, idle_priority=idle_server) as server:
        state = bench_setup.termnews_state(workdir, corpus_dir, server, via="refresh")
        termnews_side.restore(state.profile, state.primed)
        server.control(mode="normal", reset=1)
        bench_setup.log(f"key presses over {state.articles} articles")
        keys = keypress_session(
            state.profile.command(),
            state.profile.env(),
            sections_of(corpus_dir),
            idle_rounds=idle_rounds,
            during_rounds=during_rounds,
            start_refresh=lambda: server.control(mode="changed", reset=1),
        )
        keys["server"] = server.stats()
        server.control(mode="normal")
        keys["articles"] = state.articles
    results["keys"] = keys
    return results


def keys_side_by_side(
    workdir: Path,
    against: Sequence[str],
    *,
    pairs: int,
    keys: tuple[int, int],
    idle_rounds: int,
    during_rounds: int,
    idle_server: bool = True,
) -> dict[str, Any]:
    """Key-press sessions of this termnews and ``against``, alternately, pooled per side."""
    import bench_setup
    import termnews_side

    corpus_dir = bench_setup.corpus(workdir, *keys)
    sides: dict[str, list[dict[str, Any]]] = {"this": [], "against": []}
    with bench_setup.start_server(workdir, corpus_dir, idle_priority=idle_server) as server:
        state = bench_setup.termnews_state(workdir, corpus_dir, server, via="refresh")
        argv = {"this": state.profile.command(), "against": list(against)}
        for i in range(pairs):
            for side in ("this", "against") if i % 2 == 0 else ("against", "this"):
                termnews_side.restore(state.profile, state.primed)
                server.control(mode="normal", reset=1)
                bench_setup.log(f"pair {i + 1}/{pairs}: {side} ({' '.join(argv[side])})")
                sides[side].append(
                    keypress_session(
                        argv[side],
                        state.profile.env(),
                        sections_of(corpus_dir),
                        idle_rounds=idle_rounds,
                        during_rounds=during_rounds,
                        start_refresh=lambda: server.control(mode="changed", reset=1),
                    )
                )
        server.control(mode="normal")

    def pooled(runs: list[dict[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {"articles": state.articles}
        for phase in ("idle", "during_refresh"):
            out[phase] = {
                kind: harness.summary_json(
                    harness.Summary.of(v for r in runs for v in r[phase][kind]["values"])
                )
                for kind in ("move", "open")
            }
            out[phase]["timeouts"] = sum(r[phase]["timeouts"] for r in runs)
        out["refresh_s"] = harness.summary_json(
            harness.Summary.of(v for r in runs for v in r["refresh_seconds_in_app"])
        )
        out["peak_rss_mib"] = [r["peak_rss_mib"] for r in runs]
        return out

    return {
        "against": list(against),
        "pairs": pairs,
        "idle_server": idle_server,
        **{k: pooled(v) for k, v in sides.items()},
    }


def side_by_side_rows(results: dict[str, Any]) -> list[list[str]]:
    """Table rows: what, this checkout, the other command."""

    def keys_cell(d: dict[str, Any], timeouts: int) -> str:
        if d.get("p95") is None:
            return "n/a"
        n = len(d.get("values") or [])
        return f"p95 {d['p95']:.0f} ms, median {d['median']:.0f} ms (n={n}, timeouts {timeouts})"

    this, other = results["this"], results["against"]
    out: list[list[str]] = []
    for phase, label in (("idle", "idle"), ("during_refresh", "during refresh")):
        for kind, what in (("move", "move (j)"), ("open", "open (Enter)")):
            out.append(
                [
                    f"key {what}, {label}",
                    keys_cell(this[phase][kind], this[phase]["timeouts"]),
                    keys_cell(other[phase][kind], other[phase]["timeouts"]),
                ]
            )
    out.append(
        [
            "refresh in the app (status bar), s",
            harness.Summary.of(this["refresh_s"]["values"]).fmt("s"),
            harness.Summary.of(other["refresh_s"]["values"]).fmt("s"),
        ]
    )
    return out


def rows_for(results: dict[str, Any]) -> list[list[str]]:
    """Table rows: what, measured, target, status."""

    def med(d: dict[str, Any], key: str = "median") -> float:
        v = d.get(key)
        return float("nan") if v is None else float(v)

    def fmt(d: dict[str, Any], unit: str, scale: float = 1.0, digits: int = 2) -> str:
        if d.get("median") is None:
            return "n/a"
        return (
            f"{d['median'] * scale:.{digits}f} ({d['min'] * scale:.{digits}f}-"
            f"{d['max'] * scale:.{digits}f}) {unit}"
        )

    out: list[list[str]] = []
    for label in ("small", "large"):
        r = results.get(f"start_{label}")
        if not r:
            continue
        n = r["articles"]
        out.append(
            [
                f"TUI first full screen, {n:,} articles: termnews / floor",
                f"{fmt(r['termnews_s'], 's')} / {fmt(r['floor_s'], 's')}; "
                f"ratio {fmt(r['ratio'], 'x')}",
                "<= 1.5x floor",
                harness.target_status(med(r["ratio"]), 1.5),
            ]
        )
    large = results.get("start_large")
    small = results.get("start_small")
    if large and small:
        growth = med(large["termnews_s"]) / med(small["termnews_s"])
        out.append(
            [
                f"TUI first screen, {large['articles']:,} vs {small['articles']:,} articles",
                f"{growth:.2f}x",
                "no growth (<= 1.1x)",
                harness.target_status(growth, 1.1),
            ]
        )
        out.append(
            [
                f"TUI peak RSS open on {large['articles']:,} articles",
                fmt(large["termnews_rss_mib"], "MB", digits=0),
                "< 150 MB",
                harness.target_status(med(large["termnews_rss_mib"]), 150),
            ]
        )
    keys = results.get("keys")
    if keys:
        for phase, label in (("idle", "idle"), ("during_refresh", "during refresh")):
            for kind, what in (("move", "move (j)"), ("open", "open (Enter)")):
                d = keys[phase][kind]
                n = len(d.get("values") or [])
                p95 = d.get("p95")
                out.append(
                    [
                        f"key {what} p95, {label}, {keys['articles']:,}-article section",
                        "n/a"
                        if p95 is None
                        else f"p95 {p95:.0f} ms, median {d['median']:.0f} ms (n={n}, "
                        f"timeouts {keys[phase]['timeouts']})",
                        "< 50 ms",
                        harness.target_status(float("nan") if p95 is None else p95, 50),
                    ]
                )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="TUI start-up, key-press latency and RSS.")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/termnews-bench"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--via", choices=("refresh", "fill"), default="refresh")
    parser.add_argument("--quick", action="store_true", help="small caches, few presses")
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--against",
        metavar="CMD",
        help="key presses only, side by side with this termnews command (e.g. another "
        "checkout's .venv/bin/termnews)",
    )
    parser.add_argument("--pairs", type=int, default=2, help="with --against: sessions per side")
    parser.add_argument(
        "--server-priority",
        choices=("idle", "normal"),
        default="idle",
        help="the feed server's CPU priority during the key sessions: idle (default; it "
        "stands in for remote servers, which take no local CPU) or normal (before 2026-12-03)",
    )
    args = parser.parse_args(argv)
    idle_server = args.server_priority == "idle"
    if pyte is None:
        parser.error("pyte is not installed: pip install -e '.[bench]' (or pip install pyte)")
    if args.against:
        import shlex

        quick = args.quick
        results = keys_side_by_side(
            args.workdir,
            shlex.split(args.against),
            pairs=args.pairs,
            keys=(20, 50) if quick else (200, 50),
            idle_rounds=5 if quick else 20,
            during_rounds=5 if quick else 40,
            idle_server=idle_server,
        )
        n = results["this"]["articles"]
        harness.print_table(
            f"termnews TUI key presses (pty 120x36, {n:,} articles), side by side, "
            f"{args.pairs} alternating sessions each, feed server at {args.server_priority} "
            "priority",
            ["measure", "this checkout", args.against],
            side_by_side_rows(results),
            plain=True,
        )
        if args.json:
            harness.write_json(args.json, {"machine": harness.machine_info(), "tui": results})
        return 0
    if args.quick:
        results = run_benchmark(
            args.workdir,
            runs=2,
            small=(10, 20),
            large=(20, 50),
            keys=(20, 50),
            via=args.via,
            idle_rounds=5,
            during_rounds=5,
            idle_server=idle_server,
        )
    else:
        results = run_benchmark(
            args.workdir,
            runs=args.runs,
            small=(10, 100),
            large=(1000, 100),
            via=args.via,
            idle_rounds=40,
            during_rounds=40,
            idle_server=idle_server,
        )
    harness.print_table(
        "termnews TUI (pty 120x36): median (min-max)",
        ["measure", "result", "target", "status"],
        rows_for(results),
        plain=True,
    )
    if args.json:
        harness.write_json(args.json, {"machine": harness.machine_info(), "tui": results})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
