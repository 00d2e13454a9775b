"""Soak test: termnews under crashes, concurrency, hostile input and broken networks.

The long version of ``tests/hardening`` (which runs a few of each case in CI):

* **kill -9**: ``termnews refresh --force`` over large local feeds whose every
  item changes each round is SIGKILLed at a random moment, ``--kills`` times
  (default 50). After each kill: ``PRAGMA integrity_check``, every starred and
  read flag still set, and an uninterrupted refresh completes. At the end the
  FTS5 index is checked against the articles and every item is in its latest
  version.
* **concurrency**: rounds of two refreshes at once with a star/read/list loop
  beside them; counts "database is locked" and lost flags.
* **hostile documents**: the big generated cases through the CLI, with wall
  time and the process's own peak memory (``wait4``).
* **broken networks**: one refresh over healthy and misbehaving loopback feeds.

Prints one Markdown table (the one in RELIABILITY.md) and exits non-zero if any
case failed. Everything runs in a temporary directory on 127.0.0.1.

Usage::

    python scripts/soak.py                 # 50 kills, about 5 minutes on 2 cores
    python scripts/soak.py --kills 100 --feeds 8 --items 1000 --rounds 20
    python scripts/soak.py --quick         # a few of each, under a minute
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.hardening.crash_kit import (  # noqa: E402
    SoakResult,
    complete_refresh,
    fts_integrity,
    mark_some,
    refresh_and_kill,
    write_generation,
)
from tests.hardening.helpers import (  # noqa: E402
    cli_env,
    db_file,
    integrity,
    item,
    rss,
    run_cli,
    termnews_cmd,
)


@dataclass
class Row:
    case: str
    how: str
    outcome: str
    ok: bool


def _title_count(db: Path, generation: int) -> tuple[int, int]:
    conn = sqlite3.connect(db)
    count, current = conn.execute(
        "SELECT count(*), sum(title LIKE ?) FROM articles", (f"% take {generation}",)
    ).fetchone()
    conn.close()
    return int(count), int(current or 0)


def soak_kills(work: Path, kills: int, feeds: int, items: int, seed: int) -> list[Row]:
    folder, data = work / "kill-feeds", work / "kill-data"
    write_generation(folder, feeds, items, 0)
    run_cli(data, "add", str(folder), check=True, timeout=600)
    baseline = mark_some(data, seed=seed)
    write_generation(folder, feeds, items, 1)
    started = time.monotonic()
    ok, err = complete_refresh(data)
    duration = time.monotonic() - started
    if not ok:
        raise SystemExit(f"the first refresh failed: {err}")
    rng = random.Random(seed)
    result = SoakResult()
    recovery: list[float] = []
    generation = 1
    for n in range(kills):
        generation = n + 2
        total = write_generation(folder, feeds, items, generation)
        outcome = refresh_and_kill(data, rng.uniform(0.05, duration), baseline)
        result.add(outcome)
        started = time.monotonic()
        done, err = complete_refresh(data)
        recovery.append(time.monotonic() - started)
        result.final_refresh_runs += 1
        if done:
            result.final_refresh_ok += 1
        else:
            result.failures.append(f"refresh after kill {n + 1} failed: {err}")
        count, current = _title_count(db_file(data), generation)
        if (count, current) != (total, total):
            result.failures.append(
                f"after kill {n + 1} and a refresh: {current}/{total} items current, {count} rows"
            )
        print(f"  kill {n + 1:>3}/{kills} at {outcome.delay:5.2f}s killed={outcome.killed!s:<5}"
              f" integrity={outcome.integrity} lost={outcome.starred_lost}+{outcome.read_lost}",
              file=sys.stderr)  # fmt: skip
    db = db_file(data)
    fts = fts_integrity(db)
    if fts != "ok":
        result.failures.append(f"FTS5 integrity-check: {fts}")
    articles = _title_count(db, generation)[0]
    rows = [
        Row(
            "kill -9 during a large refresh",
            f"{kills} x SIGKILL at random points of `refresh --force` rewriting {feeds} feeds x "
            f"{items}+ items ({articles} articles; an uninterrupted run takes {duration:.1f} s)",
            f"{result.killed} killed mid-run; {result.integrity_failures} integrity failures; "
            f"{result.starred_lost} starred and {result.read_lost} read flags lost "
            f"(of {len(baseline.starred)} / {len(baseline.read)})",
            result.integrity_failures == 0 and not result.starred_lost and not result.read_lost,
        ),
        Row(
            "next refresh after a kill",
            "an uninterrupted `refresh` after every kill; then FTS5 integrity-check and every "
            "item in its latest version",
            f"{result.final_refresh_ok}/{result.final_refresh_runs} completed (median "
            f"{statistics.median(recovery):.1f} s); FTS5 {fts}; "
            f"{len(result.failures)} problems",
            not result.failures,
        ),
    ]
    for failure in result.failures[:10]:
        print(f"  FAILURE: {failure}", file=sys.stderr)
    return rows


def soak_http_kills(work: Path, kills: int, feeds: int, items: int, seed: int) -> list[Row]:
    """The same kills during an HTTP refresh (fetch thread, parse pool, batched writer)."""
    from tests.hardening.hostile_server import HostileServer

    from termnews.core.store import Store

    data = work / "http-kill-data"
    result = SoakResult()
    with HostileServer(lifetime=24 * 3600.0) as server:
        server.big_items = items
        with Store.open(db_file(data)) as store:
            for f in range(feeds):
                store.add_feed(server.url(f"/big/{f}"))
        ok, err = complete_refresh(data, force=True)
        if not ok:
            raise SystemExit(f"the first HTTP refresh failed: {err}")
        baseline = mark_some(data, seed=seed)
        server.generation = 1
        started = time.monotonic()
        complete_refresh(data, force=True)
        duration = time.monotonic() - started
        rng = random.Random(seed)
        for n in range(kills):
            server.generation = n + 2
            outcome = refresh_and_kill(data, rng.uniform(0.05, duration), baseline)
            result.add(outcome)
            done, err = complete_refresh(data, force=True)
            result.final_refresh_runs += 1
            result.final_refresh_ok += done
            if not done:
                result.failures.append(f"refresh after HTTP kill {n + 1} failed: {err}")
            total = feeds * (items + 10 * (n + 2))
            if _title_count(db_file(data), n + 2) != (total, total):
                result.failures.append(f"after HTTP kill {n + 1}: items not all current")
            line = f"  http kill {n + 1:>3}/{kills} at {outcome.delay:5.2f}s"
            print(f"{line} killed={outcome.killed!s:<5} integrity={outcome.integrity}",
                  file=sys.stderr)  # fmt: skip
    fts = fts_integrity(db_file(data))
    for failure in result.failures[:10]:
        print(f"  FAILURE: {failure}", file=sys.stderr)
    return [
        Row(
            "kill -9 during an HTTP refresh",
            f"{kills} x SIGKILL at random points of `refresh --force` fetching {feeds} loopback "
            f"feeds x {items}+ items (an uninterrupted run takes {duration:.1f} s), then a "
            "complete refresh after each",
            f"{result.killed} killed mid-run; {result.integrity_failures} integrity failures; "
            f"{result.starred_lost} starred / {result.read_lost} read flags lost; "
            f"{result.final_refresh_ok}/{result.final_refresh_runs} next refreshes completed with "
            f"every item current; FTS5 {fts}",
            result.integrity_failures == 0
            and not result.starred_lost
            and not result.read_lost
            and not result.failures
            and fts == "ok",
        )
    ]


def soak_concurrency(work: Path, rounds: int, feeds: int, items: int) -> list[Row]:
    folder, data = work / "conc-feeds", work / "conc-data"
    write_generation(folder, feeds, items, 0)
    run_cli(data, "add", str(folder), check=True, timeout=600)
    conn = sqlite3.connect(db_file(data))
    ids = [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY id")]
    conn.close()
    locked = failed = reader_runs = 0
    waits: list[float] = []
    starred: set[int] = set()
    for r in range(rounds):
        write_generation(folder, feeds, items, r + 1)
        procs = [
            subprocess.Popen(termnews_cmd("refresh", "--force"), env=cli_env(data),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             stdin=subprocess.DEVNULL)
            for _ in range(2)
        ]  # fmt: skip
        n = 0
        while any(p.poll() is None for p in procs) or n < 2:
            target = ids[(r * 101 + n * 17) % len(ids)]
            for args in (
                ("star", str(target)),
                ("read", str(target)),
                ("articles", "--limit", "5"),
            ):
                started = time.monotonic()
                proc = run_cli(data, *args, timeout=120)
                waits.append(time.monotonic() - started)
                reader_runs += 1
                locked += "locked" in proc.stderr.lower()
                failed += proc.returncode != 0
            starred.add(target)
            n += 1
        for p in procs:
            _out, err = p.communicate(timeout=300)
            locked += "locked" in err.lower()
            failed += p.returncode != 0
    conn = sqlite3.connect(db_file(data))
    ok_ids = {r[0] for r in conn.execute("SELECT id FROM articles WHERE starred = 1 AND read = 1")}
    conn.close()
    lost = len(starred - ok_ids)
    sound = integrity(db_file(data))
    return [
        Row(
            "two refreshes + a reader/star loop",
            f"{rounds} rounds of two `refresh --force` at once over {feeds} x {items}+ items, "
            "with `star`, `read` and `articles` in a loop beside them",
            f"{reader_runs} reader/star commands: {locked} 'database is locked', {failed} failed "
            f"commands, {lost} of {len(starred)} stars lost; slowest command "
            f"{max(waits):.1f} s (median {statistics.median(waits):.2f} s); integrity {sound}",
            locked == 0 and failed == 0 and lost == 0 and sound == "ok",
        )
    ]


def _measure(data: Path, *args: str) -> tuple[int, float, int, str]:
    """(exit code, seconds, peak RSS bytes, the error line if any) of one ``add --json``."""
    from tests.hardening.test_hostile_documents import run_measured

    started = time.monotonic()
    result = run_measured(data, *args, timeout=600)
    seconds = time.monotonic() - started
    error = result.stderr.strip()
    try:
        outcomes = json.loads(result.stdout)["refresh"]["feeds"]
        error = error or "; ".join(str(o["error"]) for o in outcomes if o["error"])
    except (ValueError, KeyError, TypeError):
        pass
    return result.returncode, seconds, result.max_rss, error


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1048576:.1f} MB" if size >= 1048576 else f"{size // 1024} kB"


def soak_documents(work: Path) -> list[Row]:
    import gzip

    rows: list[Row] = []
    cases: list[tuple[str, Callable[[Path], None], bool]] = []

    def big_item(path: Path) -> None:
        encoded = "&lt;p&gt;" + "All work and no play makes a long item. " * 2500 + "&lt;/p&gt;"
        with path.open("w") as fh:
            fh.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>'
                     "<item><title>Huge</title><guid>h</guid><description>")  # fmt: skip
            for _ in range(50 * 1024 * 1024 // len(encoded) + 1):
                fh.write(encoded)
            fh.write("</description></item></channel></rss>")

    def many_items(path: Path) -> None:
        path.write_bytes(rss(item(i, body=f"<p>Body {i}.</p>") for i in range(20_000)))

    def gzip_bomb(path: Path) -> None:
        with gzip.open(path, "wb", compresslevel=9) as fh:
            fh.write(b'<?xml version="1.0"?><rss version="2.0"><channel><title>b</title>')
            for _ in range(1024):
                fh.write(b"<!-- " + b"A" * (1 << 20) + b" -->")
            fh.write(b"</channel></rss>")

    def entity_bomb(path: Path) -> None:
        path.write_bytes(
            b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "' + b"A" * 10_000 + b'">]>\n'
            b'<rss version="2.0"><channel><title>t</title><item><title>x</title><description>'
            + b"&a;" * 100_000
            + b"</description></item></channel></rss>"
        )

    cases = [
        ("a 50 MB single item", big_item, True),
        ("20,000 items in one feed", many_items, True),
        ("gzip bomb (1 GiB inflated)", gzip_bomb, False),
        ("entity expansion (10 kB x 100,000)", entity_bomb, False),
    ]
    for name, make, should_ingest in cases:
        path = work / ("doc-" + name.split()[1] + (".xml.gz" if "gzip" in name else ".xml"))
        make(path)
        data = work / f"doc-data-{len(rows)}"
        code, seconds, rss_bytes, err = _measure(data, "add", str(path), "--json")
        ok = (code == 0) == should_ingest and "Traceback" not in err and rss_bytes < 1 << 30
        verdict = "ingested" if code == 0 else f"refused: {err[:100]}"
        rows.append(Row(name, f"`termnews add` of a generated {_size(path)} file",
                        f"{verdict}; {seconds:.1f} s, peak {rss_bytes >> 20} MiB", ok))  # fmt: skip
    return rows


def soak_network(work: Path) -> list[Row]:
    from tests.hardening.hostile_server import HostileServer, refused_port
    from tests.hardening.test_broken_network import CONFIG

    from termnews.core.store import Store

    data = work / "net-data"
    config = work / "net.toml"
    config.write_text(CONFIG.format(total=3.0))
    with HostileServer() as server, refused_port() as dead:
        healthy = [server.url(f"/ok/{n}") for n in range(20)]
        broken = [server.url(p) for p in ("/slowloris/1", "/trickle/1", "/silent/1", "/endless/1",
                  "/gzipbomb/1", "/reset/1", "/close/1", "/redirect/0", "/hugeheader/1",
                  "/garbage/1", "/status/500", "/status/503")]  # fmt: skip
        broken += [server.url("/ok/tls", "https"), f"http://127.0.0.1:{dead}/x",
                   "http://feeds.termnews-soak.invalid/rss"]  # fmt: skip
        with Store.open(db_file(data)) as store:
            for url in healthy + broken:
                store.add_feed(url)
        env = cli_env(data)
        env["TERMNEWS_CONFIG"] = str(config)
        started = time.monotonic()
        proc = subprocess.run(termnews_cmd("refresh", "--json"), env=env, capture_output=True,
                              text=True, timeout=300)  # fmt: skip
        seconds = time.monotonic() - started
    outcomes = {o["url"]: o for o in json.loads(proc.stdout)["feeds"]}
    good = sum(outcomes[u]["status"] == "new" for u in healthy)
    reported = sum(
        outcomes[u]["status"] == "failed" and "\n" not in (outcomes[u]["error"] or "x\n")
        for u in broken
    )
    return [
        Row(
            "broken networks, one refresh",
            f"{len(healthy)} healthy + {len(broken)} hostile loopback feeds (slow-loris, trickle, "
            "silence, endless body, gzip bomb, RST, close, endless redirects, huge header, "
            "garbage, 5xx, TLS to a plain port, refused, .invalid DNS); total_timeout 3 s",
            f"{good}/{len(healthy)} healthy updated, {reported}/{len(broken)} failures reported "
            f"in one line each; refresh took {seconds:.1f} s",
            good == len(healthy) and reported == len(broken) and "Traceback" not in proc.stderr,
        )
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--http-kills", type=int, default=20)
    parser.add_argument("--feeds", type=int, default=6)
    parser.add_argument("--items", type=int, default=800)
    parser.add_argument("--rounds", type=int, default=10, help="concurrency rounds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="a few of each")
    parts = ["kills", "http-kills", "concurrency", "documents", "network"]
    parser.add_argument("--skip", nargs="*", default=[], choices=parts)
    args = parser.parse_args()
    if args.quick:
        args.kills, args.http_kills, args.feeds, args.items, args.rounds = 3, 2, 3, 300, 2
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="termnews-soak-") as tmp:
        work = Path(tmp)
        if "kills" not in args.skip:
            rows += soak_kills(work, args.kills, args.feeds, args.items, args.seed)
        if "http-kills" not in args.skip:
            rows += soak_http_kills(work, args.http_kills, args.feeds, args.items, args.seed)
        if "concurrency" not in args.skip:
            rows += soak_concurrency(work, args.rounds, args.feeds, args.items)
        if "documents" not in args.skip:
            rows += soak_documents(work)
        if "network" not in args.skip:
            rows += soak_network(work)
    print("| case | how | measured outcome | |")
    print("|---|---|---|---|")
    for row in rows:
        print(f"| {row.case} | {row.how} | {row.outcome} | {'ok' if row.ok else 'FAIL'} |")
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
