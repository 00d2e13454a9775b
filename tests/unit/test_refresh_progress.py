"""``termnews refresh --progress jsonl`` and the child-process runner that follows it.

Real parts only: a loopback HTTP server, real cache files, ``termnews`` run as a
process (as the reader runs it) or through ``main()`` (the same code, in-process).
"""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from tests.unit.loopback_http import Loopback, running, send, static

from termnews.app.refresh_process import (
    IndexFailed,
    RefreshFailed,
    RefreshRequest,
    index_argv,
    refresh_argv,
    run_index,
    run_refresh,
)
from termnews.cli import main
from termnews.core.parse_pool import PARSE_WORKER_NICE, ParsePool
from termnews.core.priority import BACKGROUND_NICE, is_idle
from termnews.core.refresh_progress import DoneEvent, FeedEvent, LineWriter, parse_line
from termnews.core.store import Store


def rss(prefix: str, n: int, title: str = "Loop") -> bytes:
    items = "".join(
        f"<item><title>{prefix} story {i}</title><link>https://loop.example/{prefix}/{i}</link>"
        f"<guid>{prefix}-{i}</guid><pubDate>Mon, 23 Nov 2026 10:{i:02d}:00 GMT</pubDate>"
        f"<description>Body {i} of {prefix}.</description></item>"
        for i in range(n)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://loop.example/</link>{items}</channel></rss>"
    ).encode()


def subscribe(db: Path, server: Loopback, feeds: dict[str, str]) -> dict[str, int]:
    """Subscribe ``path -> section``; returns path -> feed id."""
    with Store.open(db) as store:
        return {
            path: store.add_feed(server.url(path), path.strip("/"), section)[0].id
            for path, section in feeds.items()
        }


def lines_of(out: str) -> list[dict[str, object]]:
    rows = [json.loads(line) for line in out.splitlines()]
    assert all(isinstance(r, dict) for r in rows)
    return rows


def test_jsonl_is_one_line_per_feed_then_a_summary(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    with running() as server:
        server.routes["/a.xml"] = static(rss("a", 3))
        server.routes["/b.xml"] = static(rss("b", 2))
        subscribe(data / "termnews.db", server, {"/a.xml": "One", "/b.xml": "One", "/c.xml": "Two"})
        code = main(["refresh", "--progress", "jsonl", "--data-dir", str(data)])
    out, err = capsys.readouterr()
    rows = lines_of(out)
    feeds, summary = rows[:-1], rows[-1]
    assert code == 1  # /c.xml is a 404: a failed source, as without --progress
    assert [r["event"] for r in feeds] == ["feed"] * 3
    assert sorted(r["done"] for r in feeds) == [1, 2, 3]
    assert {r["total"] for r in feeds} == {3}
    by_url = {str(r["url"]).rsplit("/", 1)[1]: r for r in feeds}
    assert by_url["a.xml"]["new"] == 3 and by_url["b.xml"]["new"] == 2
    assert by_url["c.xml"]["status"] == "failed" and "404" in str(by_url["c.xml"]["error"])
    assert summary["event"] == "done"
    assert summary["totals"]["new_articles"] == 5 and summary["totals"]["failed"] == 1  # type: ignore[index]
    assert "Refreshing" not in err  # no progress bar mixed in
    parsed = [parse_line(line) for line in out.splitlines()]
    assert isinstance(parsed[-1], DoneEvent) and parsed[-1].totals["feeds"] == 3
    assert all(isinstance(p, FeedEvent) for p in parsed[:-1])


def test_section_and_feed_ids_narrow_the_refresh(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    with running() as server:
        for name in ("a", "b", "c"):
            server.routes[f"/{name}.xml"] = static(rss(name, 1))
        ids = subscribe(
            data / "termnews.db", server, {"/a.xml": "-odd", "/b.xml": "-odd", "/c.xml": "Two"}
        )

        def child_args(request: RefreshRequest) -> list[str]:
            # The reader's command line, run in-process: without --low-priority, which
            # would lower this test process for good.
            return [a for a in refresh_argv(request)[3:] if a != "--low-priority"]

        assert main(child_args(RefreshRequest(data, None, section="-odd"))) == 0
        first = lines_of(capsys.readouterr().out)
        assert main(child_args(RefreshRequest(data, None, feed_ids=[ids["/c.xml"]]))) == 0
        second = lines_of(capsys.readouterr().out)
        assert main(child_args(RefreshRequest(data, None, section="Nowhere"))) == 0
        third = lines_of(capsys.readouterr().out)
    assert {r["feed_id"] for r in first[:-1]} == {ids["/a.xml"], ids["/b.xml"]}
    assert [r["feed_id"] for r in second[:-1]] == [ids["/c.xml"]]
    assert third == [{"event": "done", "totals": third[0]["totals"]}]
    assert third[0]["totals"]["feeds"] == 0  # type: ignore[index]


def test_hostile_text_stays_on_its_line_and_comes_back_intact() -> None:
    stream = io.StringIO()
    title = "Evil\n\x1b[31mred\x1b]0;pwned\x07 [bold]x[/bold]\r\u2028next"
    LineWriter(stream).feed(
        {"feed_id": 1, "title": title, "url": "u", "status": "new", "new": 2, "error": None},
        1,
        1,
    )
    text = stream.getvalue()
    assert text.count("\n") == 1 and text.isascii() and "\x1b" not in text
    event = parse_line(text)
    assert isinstance(event, FeedEvent) and event.title == title and event.new == 2


@pytest.mark.parametrize(
    "line",
    [
        b"",
        b"not json",
        b"[1, 2]",
        b'{"event": "feed", "done": "1", "total": 2, "feed_id": 3}',
        b'{"event": "feed", "done": true, "total": 2, "feed_id": 3}',
        b'{"event": "done", "totals": [1]}',
        b'{"event": "other"}',
        b"\xff\xfe",
    ],
)
def test_lines_that_are_not_events_are_ignored(line: bytes) -> None:
    assert parse_line(line) is None


def test_a_reader_that_went_away_does_not_stop_the_writer() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    stream = os.fdopen(write_end, "w")
    writer = LineWriter(stream)
    previous = signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # as Python sets it up
    try:
        writer.done({"feeds": 1})  # EPIPE: swallowed
        writer.done({"feeds": 1})  # and later lines are dropped
    finally:
        signal.signal(signal.SIGPIPE, previous)
        with pytest.raises(OSError):
            stream.close()


IDLE = getattr(os, "SCHED_IDLE", None)
needs_idle = pytest.mark.skipif(
    IDLE is None or not hasattr(os, "sched_getscheduler"), reason="no SCHED_IDLE here"
)


def test_low_priority_reaches_the_process_and_the_parse_workers() -> None:
    probe = (
        "import json, os, threading\n"
        "from termnews.core.parse_pool import ParsePool\n"
        "from termnews.core.priority import is_idle, lower_priority\n"
        "started = threading.Event(); stop = threading.Event()\n"
        "def wait(): started.set(); stop.wait()\n"
        "early = threading.Thread(target=wait); early.start(); started.wait()\n"
        "lower_priority(); lower_priority()\n"
        "pool = ParsePool(processes=True)\n"
        "worker = None\n"
        "if pool.processes:\n"
        "    worker = pool.executor().submit(os.nice, 0).result(timeout=60)\n"
        "    worker = [worker, pool.executor().submit(is_idle).result(timeout=60)]\n"
        "    pool.close()\n"
        "print(json.dumps({'nice': os.nice(0), 'idle': is_idle(),\n"
        "    'early_idle': is_idle(early.native_id), 'worker': worker}))\n"
        "stop.set()\n"
    )
    before = os.nice(0)
    out = json.loads(
        subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        ).stdout
    )
    assert out["nice"] == max(before, BACKGROUND_NICE)  # a target, not added twice
    if IDLE is not None:
        # Every thread, the ones already running too, and the workers after them.
        assert out["idle"] and out["early_idle"]
    if out["worker"] is not None:
        nice, idle = out["worker"]
        assert nice == max(before, PARSE_WORKER_NICE)  # below the writer where nice is all
        assert idle == (IDLE is not None)
    assert os.nice(0) == before  # the caller's own priority is left alone


@needs_idle
def test_a_foreground_refresh_keeps_its_workers_out_of_the_idle_policy() -> None:
    # ``termnews refresh`` in a shell: someone waits for it; only the reader's is idle.
    pool = ParsePool(processes=True)
    if not pool.processes:
        pytest.skip("one core: parsing runs in a thread")
    try:
        assert not pool.executor().submit(is_idle).result(timeout=60)
        assert pool.executor().submit(os.nice, 0).result(timeout=60) == max(
            os.nice(0), PARSE_WORKER_NICE
        )
    finally:
        pool.close()
    assert not is_idle()


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid``, from /proc."""
    out: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        for tid in _threads(parent):
            try:
                with open(f"/proc/{parent}/task/{tid}/children") as fh:
                    kids = [int(k) for k in fh.read().split()]
            except OSError:
                continue
            out.extend(kids)
            todo.extend(kids)
    return out


def _threads(pid: int) -> list[int]:
    try:
        return [int(t) for t in os.listdir(f"/proc/{pid}/task")]
    except OSError:
        return []


@needs_idle
def test_the_readers_refresh_child_and_its_workers_run_at_idle_policy(tmp_path: Path) -> None:
    data = tmp_path / "data"
    release = threading.Event()

    def slow(h: object) -> None:
        release.wait(30)
        send(h, 200, rss("slow", 2))  # type: ignore[arg-type]

    with running() as server:
        feeds = {f"/f{i}.xml": "A" for i in range(5)}
        for path in feeds:
            server.routes[path] = static(rss(path.strip("/.xml"), 3))
        server.routes["/slow.xml"] = slow
        subscribe(data / "termnews.db", server, {**feeds, "/slow.xml": "A"})
        proc = subprocess.Popen(
            refresh_argv(RefreshRequest(data, None)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert proc.stdout is not None
            for _ in feeds:  # every fast feed parsed and written; the slow one pending
                assert json.loads(proc.stdout.readline())["event"] == "feed"
            kids = _descendants(proc.pid)
            assert kids, "the parse pool's fork server and workers"
            tasks = [t for pid in (proc.pid, *kids) for t in _threads(pid)]
            assert len(tasks) > len(kids) + 1  # the child's fetch and writer threads too
            assert [t for t in tasks if not is_idle(t)] == []
        finally:
            release.set()
            rest = proc.communicate(timeout=60)[0]
    assert proc.returncode == 0
    assert json.loads(rest.splitlines()[-1])["totals"]["new_articles"] == 17


def test_sigterm_stops_the_child_after_the_feeds_it_has_and_the_cache_is_sound(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    release = threading.Event()

    def slow(h: object) -> None:
        release.wait(20)
        send(h, 200, rss("slow", 2))  # type: ignore[arg-type]

    with running() as server:
        server.routes["/fast.xml"] = static(rss("fast", 4))
        server.routes["/slow.xml"] = slow
        ids = subscribe(data / "termnews.db", server, {"/fast.xml": "A", "/slow.xml": "A"})
        proc = subprocess.Popen(
            refresh_argv(RefreshRequest(data, None)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert proc.stdout is not None
            first = json.loads(proc.stdout.readline())
            assert first["feed_id"] == ids["/fast.xml"] and first["new"] == 4
            proc.send_signal(signal.SIGTERM)
            rest = [json.loads(line) for line in proc.stdout]
            code = proc.wait(30)
        finally:
            release.set()
            if proc.poll() is None:
                proc.kill()
    # 128 + SIGTERM, after the summary line: the run was cut short (no traceback, no kill).
    assert code == 128 + signal.SIGTERM, proc.stderr.read() if proc.stderr else ""
    assert rest[0]["feed_id"] == ids["/slow.xml"] and rest[0]["status"] == "skipped"
    assert rest[0]["error"] == "cancelled"
    assert rest[-1]["event"] == "done" and rest[-1]["totals"]["new_articles"] == 4
    with sqlite3.connect(data / "termnews.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 4
    # The finished feed is searchable: the first search indexes what the refresh stored.
    from termnews.core.search import search

    with Store.open(data / "termnews.db") as store:
        assert len(search(store, "fast")) == 4


def python_child(source: str) -> list[str]:
    return [sys.executable, "-c", source]


def test_the_runner_turns_lines_into_events_and_ignores_noise(tmp_path: Path) -> None:
    feed = {"event": "feed", "done": 1, "total": 1, "feed_id": 9, "title": "T", "status": "new"}
    done = {"event": "done", "totals": {"feeds": 1, "new_articles": 3}}
    source = (
        "import json, sys\n"
        "print('warming up')\n"
        f"print(json.dumps({feed!r} | {{'new': 3}}))\n"
        "print('x' * 100000)\n"
        f"sys.stdout.write(json.dumps({done!r}))\n"  # the last line may lack its newline
        "sys.stdout.write('\\n')\n"
    )
    seen: list[FeedEvent] = []
    summary = run_refresh(RefreshRequest(tmp_path, None), seen.extend, argv=python_child(source))
    assert [(e.feed_id, e.new) for e in seen] == [(9, 3)]
    assert summary.totals == {"feeds": 1, "new_articles": 3}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "import sys\nsys.stderr.write('termnews: error: cache is locked\\nmore\\n')\n"
            "raise SystemExit(2)",
            "refresh process exited with code 2: cache is locked",
        ),
        (
            "raise RuntimeError('parser exploded')",
            "refresh process exited with code 1: RuntimeError: parser exploded",
        ),
        ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", "was killed (SIGKILL)"),
        ('print(\'{"event": "feed"\')', "refresh process ended without a summary"),
    ],
)
def test_a_failed_child_is_one_line(tmp_path: Path, source: str, expected: str) -> None:
    with pytest.raises(RefreshFailed) as caught:
        run_refresh(RefreshRequest(tmp_path, None), lambda e: None, argv=python_child(source))
    message = str(caught.value)
    assert expected in message and "\n" not in message and "Traceback" not in message


def test_a_child_that_cannot_start_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(RefreshFailed, match="could not start the refresh process"):
        run_refresh(
            RefreshRequest(tmp_path, None), lambda e: None, argv=[str(tmp_path / "no-such-python")]
        )


def test_stopping_the_runner_stops_the_child(tmp_path: Path) -> None:
    marker = tmp_path / "pid"
    source = (
        f"import os, time\nopen({str(marker)!r}, 'w').write(str(os.getpid()))\ntime.sleep(60)\n"
    )
    from termnews.app.refresh_process import RefreshCancelled

    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    with pytest.raises(RefreshCancelled):
        run_refresh(
            RefreshRequest(tmp_path, None), lambda e: None, stop.is_set, python_child(source)
        )
    pid = int(marker.read_text())
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the child is still running")


def test_feeds_are_handed_on_together_and_at_once_when_the_child_goes_quiet(
    tmp_path: Path,
) -> None:
    go_on = tmp_path / "go-on"
    line = {"event": "feed", "total": 50, "feed_id": 1, "title": "T", "status": "new", "new": 1}
    source = (
        "import json, os, sys, time\n"
        "for i in range(50):\n"
        f"    sys.stdout.write(json.dumps({line!r} | {{'done': i + 1}}) + '\\n')\n"
        "sys.stdout.flush()\n"
        # Quiet until the reader has shown those 50: no more lines would come otherwise.
        f"for _ in range(600):\n"
        f"    if os.path.exists({str(go_on)!r}): break\n"
        "    time.sleep(0.05)\n"
        "print(json.dumps({'event': 'done', 'totals': {'feeds': 50}}))\n"
    )
    calls: list[list[int]] = []

    def on_progress(events: object) -> None:
        calls.append([e.done for e in events])  # type: ignore[attr-defined]
        go_on.touch()

    summary = run_refresh(RefreshRequest(tmp_path, None), on_progress, argv=python_child(source))
    assert summary.totals == {"feeds": 50}
    assert [d for call in calls for d in call] == list(range(1, 51))
    assert len(calls) < 50  # one status update for many feeds


def test_child_command_line_names_only_a_config_file_that_exists(tmp_path: Path) -> None:
    # The reader hands its config location to the refresh child; with no file there
    # (the usual first run) that was a --config naming a missing file, which the CLI
    # refuses as a typo. The child then finds the same defaults without it.
    data = tmp_path / "data"
    missing = tmp_path / "config.toml"
    assert not any(a.startswith("--config") for a in refresh_argv(RefreshRequest(data, missing)))
    missing.write_text("")
    assert f"--config={missing}" in refresh_argv(RefreshRequest(data, missing))


def test_sigterm_summary_says_cancelled_not_not_due(tmp_path: Path) -> None:
    """A person's ``refresh --force`` stopped by SIGTERM (a cron job's timeout, a shutdown).

    Its summary said the feed not reached was skipped "(not due yet or gone; --force
    fetches them)": wrong on both counts with --force given (seen by qa17).
    """
    data = tmp_path / "data"
    release = threading.Event()

    def slow(h: object) -> None:
        release.wait(20)
        send(h, 200, rss("slow", 2))  # type: ignore[arg-type]

    with running() as server:
        server.routes["/fast.xml"] = static(rss("fast", 4))
        server.routes["/slow.xml"] = slow
        subscribe(data / "termnews.db", server, {"/fast.xml": "A", "/slow.xml": "A"})
        argv = [sys.executable, "-m", "termnews", f"--data-dir={data}", "refresh", "--force"]
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:  # the fast feed stored, the slow one pending
                with sqlite3.connect(data / "termnews.db") as db:
                    if db.execute("SELECT count(*) FROM articles").fetchone()[0] == 4:
                        break
                time.sleep(0.05)
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=30)
        finally:
            release.set()
            if proc.poll() is None:
                proc.kill()
    assert "1 skipped (cancelled: stopped by SIGTERM)" in out, (out, err)
    assert "--force" not in out and "not due" not in out


def test_pending_feeds_name_the_one_waited_on_after_a_quiet_spell() -> None:
    from termnews.core.refresh_progress import WAITING_AFTER_S, PendingFeeds

    pending = PendingFeeds([(1, "Fast"), (2, "Slow"), (3, "Slower")], now=100.0)
    assert pending.waiting(now=100.0 + WAITING_AFTER_S / 2) is None  # nothing is late yet
    pending.done(1, now=101.0)
    assert pending.waiting(now=101.0 + WAITING_AFTER_S) == "waiting for Slow and 1 more"
    # A key press in the reader stops its refresh: quiet that long is no slow feed.
    assert pending.waiting(now=101.0 + WAITING_AFTER_S, quiet_since=102.0) is None
    pending.done(2, now=110.0)
    pending.done(99, now=110.0)  # not listed: ignored
    assert pending.waiting(now=120.0) == "waiting for Slower"
    pending.done(3, now=121.0)
    assert pending.waiting(now=200.0) is None


def test_the_bar_names_the_slow_feed_it_waits_on(tmp_path: Path) -> None:
    """One slow server held 'termnews refresh' at 2/3 for up to a minute (total_timeout)
    with no word of which feed it waited on (seen by qa17): the bar now says."""
    import fcntl
    import pty
    import struct
    import termios

    data = tmp_path / "data"
    release = threading.Event()

    def slow(h: object) -> None:
        release.wait(20)
        send(h, 200, rss("slow", 2, title="Harbour Slowpoke"))  # type: ignore[arg-type]

    with running() as server:
        server.routes["/fast.xml"] = static(rss("fast", 4))
        server.routes["/slow.xml"] = slow
        with Store.open(data / "termnews.db") as store:
            store.add_feed(server.url("/fast.xml"), "Fast", "A")
            store.add_feed(server.url("/slow.xml"), "Harbour Slowpoke", "A")
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
        argv = [sys.executable, "-m", "termnews", f"--data-dir={data}", "refresh"]
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "24"}
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=slave, env=env)
        os.close(slave)
        seen = b""
        try:
            deadline = time.monotonic() + 30
            while b"waiting for Harbour Slowpoke" not in seen and time.monotonic() < deadline:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    break
        finally:
            release.set()
            out = proc.communicate(timeout=30)[0]
            os.close(master)
    assert b"waiting for Harbour Slowpoke" in seen, seen[-400:]
    assert b"2 feeds: 6 new articles" in out


def test_the_summary_is_handed_on_before_the_child_ends(tmp_path: Path) -> None:
    # The reader shows the new headlines at the summary line; the child goes on with
    # the indexes (refresh --index). It ends only once on_done has been called.
    go_on = tmp_path / "go-on"
    source = (
        "import json, os, sys, time\n"
        "print(json.dumps({'event': 'done', 'totals': {'feeds': 2, 'new_articles': 5}}))\n"
        "sys.stdout.flush()\n"
        "for _ in range(600):\n"
        f"    if os.path.exists({str(go_on)!r}): sys.exit(0)\n"
        "    time.sleep(0.05)\n"
        "sys.exit(3)\n"
    )
    seen: list[tuple[dict[str, int], bool]] = []

    def on_done(summary: DoneEvent) -> None:
        seen.append((summary.totals, go_on.exists()))
        go_on.touch()

    summary = run_refresh(
        RefreshRequest(tmp_path, None), lambda e: None, argv=python_child(source), on_done=on_done
    )
    assert seen == [({"feeds": 2, "new_articles": 5}, False)]
    assert summary.totals == {"feeds": 2, "new_articles": 5}


def test_a_child_that_fails_after_its_summary_failed_its_index_pass(tmp_path: Path) -> None:
    source = (
        "import json, sys\n"
        "print(json.dumps({'event': 'done', 'totals': {'feeds': 1}}))\n"
        "sys.stderr.write('termnews: error: disk is full\\n')\n"
        "raise SystemExit(1)\n"
    )
    done: list[DoneEvent] = []
    with pytest.raises(IndexFailed) as caught:
        run_refresh(
            RefreshRequest(tmp_path, None),
            lambda e: None,
            argv=python_child(source),
            on_done=done.append,
        )
    assert [d.totals for d in done] == [{"feeds": 1}]  # the refresh itself was done
    assert str(caught.value) == "index pass exited with code 1: disk is full"
    # Without --index the exit status after the summary is not the refresh's.
    alone = RefreshRequest(tmp_path, None, index=False)
    assert run_refresh(alone, lambda e: None, argv=python_child(source)).totals == {"feeds": 1}
    assert "--index" in refresh_argv(RefreshRequest(tmp_path, None))
    assert "--index" not in refresh_argv(alone)


def test_the_index_child_indexes_what_a_cli_refresh_stored(tmp_path: Path) -> None:
    from termnews.core.indexing import pending

    data = tmp_path / "data"
    with running() as server:
        server.routes["/a.xml"] = static(rss("a", 4))
        subscribe(data / "termnews.db", server, {"/a.xml": "A"})
        assert main([f"--data-dir={data}", "refresh", "--json"]) == 0
    with Store.open(data / "termnews.db") as store:
        assert pending(store) == (4, 4)
    argv = index_argv(RefreshRequest(data, None))
    assert argv[3:5] == ["index", "--low-priority"]
    run_index(RefreshRequest(data, None))
    with Store.open(data / "termnews.db") as store:
        assert pending(store) == (0, 0)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            python_child("import sys\nsys.stderr.write('termnews: error: locked\\n')\nsys.exit(2)"),
            "index process exited with code 2: locked",
        ),
        (["/nonexistent/python"], "could not start the index process"),
    ],
)
def test_an_index_child_that_fails_is_one_line(
    tmp_path: Path, argv: list[str], expected: str
) -> None:
    with pytest.raises(IndexFailed) as caught:
        run_index(RefreshRequest(tmp_path, None), argv=argv)
    assert str(caught.value).startswith(expected) and "\n" not in str(caught.value)
