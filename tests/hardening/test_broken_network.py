"""Broken networks: one ``termnews refresh`` over healthy and hostile feeds at once.

The servers are on 127.0.0.1 only (plus a name under the reserved ``.invalid``
TLD, which never resolves), every behaviour is bounded and the server stops by
itself. Timeouts are configured small so the tests are short. Each time: the
refresh finishes, every healthy feed updates, every broken feed is reported as
its own one-line failure, and nothing a broken feed sent reaches the cache.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from pathlib import Path

from tests.hardening.helpers import cli_env, db_file, one_line, termnews_cmd
from tests.hardening.hostile_server import HostileServer, refused_port

from termnews.core.store import Store

CONFIG = """
[network]
concurrency = 32
per_host = 32
connect_timeout = 2.0
read_timeout = 2.0
total_timeout = {total}
max_bytes = 2097152
max_redirects = 5
"""

BOUND = 120
"""The refresh must end well within this (a hang detector, not a benchmark)."""


def _subscribe(data: Path, urls: list[str]) -> None:
    with Store.open(db_file(data)) as store:
        for url in urls:
            store.add_feed(url, title=url.rsplit("/", 2)[-2] + "/" + url.rsplit("/", 1)[-1])


def _refresh(data: Path, config: Path, *extra: str) -> tuple[dict[str, dict[str, object]], float]:
    """Run ``termnews refresh --json``; outcomes by URL and the wall time."""
    env = cli_env(data)
    env["TERMNEWS_CONFIG"] = str(config)
    started = time.monotonic()
    proc = subprocess.run(
        termnews_cmd("refresh", "--json", *extra), env=env, capture_output=True, text=True,
        timeout=BOUND, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode in (0, 1), proc.stderr
    report = json.loads(proc.stdout)
    return {o["url"]: o for o in report["feeds"]}, elapsed


def _articles_per_feed(data: Path) -> dict[str, int]:
    conn = sqlite3.connect(db_file(data))
    rows = conn.execute(
        "SELECT f.url, count(a.id) FROM feeds f LEFT JOIN articles a ON a.feed_id = f.id"
        " GROUP BY f.id"
    ).fetchall()
    conn.close()
    return dict(rows)


def test_hostile_servers_fail_alone(tmp_path: Path) -> None:
    data = tmp_path / "data"
    config = tmp_path / "config.toml"
    config.write_text(CONFIG.format(total=3.0))
    with HostileServer() as server, refused_port() as dead_port:
        healthy = [server.url(f"/ok/{n}") for n in range(8)]
        expected = {
            server.url("/slowloris/1"): ("timed out",),
            server.url("/trickle/1"): ("timed out",),
            server.url("/silent/1"): ("timed out",),
            server.url("/endless/1"): ("too large",),
            server.url("/gzipbomb/1"): ("too large",),
            server.url("/reset/1"): ("connection", "closed", "lost"),
            server.url("/close/1"): ("connection", "closed"),
            server.url("/redirect/0"): ("redirect",),
            server.url("/hugeheader/1"): ("",),
            server.url("/garbage/1"): ("",),
            server.url("/ok/tls", scheme="https"): ("TLS",),
            f"http://127.0.0.1:{dead_port}/feed": ("refused",),
            "http://feeds.termnews-hardening.invalid/rss": ("DNS",),
        }
        _subscribe(data, healthy + list(expected))
        outcomes, elapsed = _refresh(data, config)
    assert len(outcomes) == len(healthy) + len(expected)
    for url in healthy:
        assert outcomes[url]["status"] == "new" and outcomes[url]["new"] == 5, outcomes[url]
    for url, words in expected.items():
        outcome = outcomes[url]
        error = str(outcome["error"] or "")
        assert outcome["status"] == "failed", (url, outcome)
        assert one_line(error), (url, error)
        assert any(w.lower() in error.lower() for w in words), (url, error)
    counts = _articles_per_feed(data)
    assert all(counts[url] == 5 for url in healthy)
    assert all(counts[url] == 0 for url in expected)
    assert elapsed < BOUND


def test_a_5xx_storm_reports_every_feed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    config = tmp_path / "config.toml"
    config.write_text(CONFIG.format(total=3.0))
    with HostileServer() as server:
        storm = [server.url(f"/status/{code}?n={n}")
                 for n in range(10) for code in (500, 502, 503, 504, 429)]  # fmt: skip
        healthy = [server.url(f"/ok/{n}") for n in range(4)]
        _subscribe(data, storm + healthy)
        outcomes, _elapsed = _refresh(data, config)
        again, _ = _refresh(data, config)
    for url in storm:
        code = url.split("/status/")[1].split("?")[0]
        assert outcomes[url]["status"] == "failed" and code in str(outcomes[url]["error"])
    assert all(outcomes[url]["new"] == 5 for url in healthy)
    # Retry-After (429/503) is honoured: those are not asked again so soon.
    waiting = [u for u in storm if "/429" in u or "/503" in u]
    assert all(again[u]["status"] == "skipped" for u in waiting), [again[u] for u in waiting]
    failures = _failing_feeds(data)
    assert failures >= len(storm)


def _failing_feeds(data: Path) -> int:
    conn = sqlite3.connect(db_file(data))
    (n,) = conn.execute("SELECT count(*) FROM feeds WHERE failures > 0").fetchone()
    conn.close()
    return int(n)


def test_every_feed_slow_but_within_the_timeouts(tmp_path: Path) -> None:
    data = tmp_path / "data"
    config = tmp_path / "config.toml"
    config.write_text(CONFIG.format(total=8.0))
    with HostileServer(latency=1.0) as server:
        urls = [server.url(f"/ok/{n}") for n in range(40)]
        _subscribe(data, urls)
        outcomes, elapsed = _refresh(data, config)
    assert all(outcomes[u]["status"] == "new" for u in urls), [
        outcomes[u] for u in urls if outcomes[u]["status"] != "new"
    ]
    # 40 feeds, 32 at a time, 1 s each: two waves, not forty.
    assert elapsed < 40 * 1.0


def test_every_feed_slower_than_the_deadline(tmp_path: Path) -> None:
    data = tmp_path / "data"
    config = tmp_path / "config.toml"
    config.write_text(CONFIG.format(total=1.0))
    with HostileServer(latency=10.0) as server:
        urls = [server.url(f"/ok/{n}") for n in range(40)]
        _subscribe(data, urls)
        outcomes, elapsed = _refresh(data, config)
    assert all(outcomes[u]["status"] == "failed" for u in urls)
    assert all("timed out" in str(outcomes[u]["error"]) for u in urls)
    assert elapsed < 40 * 10.0 / 4  # bounded by the deadline, not by the server
