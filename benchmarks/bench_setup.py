"""Shared, cached preparation for the side-by-side benchmarks.

Building the starting states is the slow part of the suite (newsboat needs two reloads to
store validators, about 5 minutes for 1,000 feeds x 100 items; termnews one refresh), so they
are built once into a work directory and reused by every benchmark and by later runs:

    WORKDIR/port                   the loopback port every cached state refers to
    WORKDIR/corpus-FxI/            gen_corpus output (seed 1)
    WORKDIR/nb-FxI/                newsboat profile + primed.db (articles and validators)
    WORKDIR/tn-FxI-VIA/            termnews profile + subscribed.db (after import, no
                                   articles) + primed.db (after one refresh, or a fill)

Both caches store feed URLs, port included, so the feed server is always started on the
port recorded in ``WORKDIR/port``. If that port is taken, a new one is chosen and every
cached state is rebuilt (each state's ``built.json`` records the base URL it was made for).
"""

from __future__ import annotations

import json
import shutil
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

import gen_corpus
import newsboat
import termnews_side
from feedserver import ServerProcess

DEFAULT_WORKDIR = Path("/tmp/termnews-bench")
SEED = 1


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        # As the server binds (allow_reuse_address): a port in TIME_WAIT is free for it.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_port(workdir: Path) -> int:
    """The port recorded for this work directory (chosen and recorded on first use)."""
    workdir.mkdir(parents=True, exist_ok=True)
    record = workdir / "port"
    if record.exists():
        port = int(record.read_text().strip())
        if _port_free(port):
            return port
        log(f"port {port} is taken; choosing another (cached states will be rebuilt)")
    port = _free_port()
    record.write_text(f"{port}\n")
    return port


def corpus(workdir: Path, feeds: int, items: int, seed: int = SEED) -> Path:
    """A generated corpus, written once per work directory."""
    out = workdir / f"corpus-{feeds}x{items}"
    info = out / "feeds.json"
    if info.exists():
        data = json.loads(info.read_text(encoding="utf-8"))
        if (
            data.get("seed") == seed
            and len(data.get("feeds", [])) == feeds
            and data.get("items_per_feed") == items
            and len(list((out / "feeds").glob("*.xml"))) == feeds
        ):
            return out
    log(f"generating corpus {feeds} x {items} in {out}")
    shutil.rmtree(out, ignore_errors=True)
    gen_corpus.generate(out, feeds, items, seed, jobs=2)
    return out


def start_server(
    workdir: Path,
    corpus_dir: Path,
    *,
    latency_ms: float = 0,
    max_seconds: float = 4 * 3600,
    idle_priority: bool = False,
) -> ServerProcess:
    """The feed server in its own process (its CPU is not the harness's), on the fixed port.

    ``idle_priority``: under SCHED_IDLE, where the server must not take CPU from the
    program measured (the reader's key presses during its refresh).
    """
    return ServerProcess(
        corpus_dir,
        latency_ms=latency_ms,
        max_seconds=max_seconds,
        port=server_port(workdir),
        idle_priority=idle_priority,
    )


def _built(state_dir: Path, base_url: str) -> dict[str, object] | None:
    marker = state_dir / "built.json"
    if not marker.exists():
        return None
    data: dict[str, object] = json.loads(marker.read_text(encoding="utf-8"))
    return data if data.get("base_url") == base_url else None


def _mark(state_dir: Path, base_url: str, **facts: object) -> None:
    (state_dir / "built.json").write_text(
        json.dumps({"base_url": base_url, **facts}, indent=1), encoding="utf-8"
    )


def _schema(db: Path) -> int:
    """The schema version a cache file is at (``PRAGMA user_version``)."""
    import sqlite3

    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def _tree_schema() -> int:
    """The schema version of the termnews this harness runs.

    A primed cache of an older schema is built again: every measured run would
    otherwise migrate its copy first (schema 10 reads every row once), and time that.
    """
    from termnews.core.store.schema import SCHEMA_VERSION

    return SCHEMA_VERSION


@dataclass(frozen=True)
class NewsboatState:
    profile: newsboat.Profile
    primed: Path
    articles: int


def newsboat_state(workdir: Path, corpus_dir: Path, server: ServerProcess) -> NewsboatState:
    """newsboat's cache after two reloads (every article and every feed's validators)."""
    state_dir = workdir / f"nb-{corpus_dir.name.removeprefix('corpus-')}"
    primed = state_dir / "primed.db"
    built = _built(state_dir, server.base_url)
    if built is not None and primed.exists():
        profile = newsboat.Profile(state_dir / "profile", newsboat.DEFAULT_RELOAD_THREADS)
        return NewsboatState(profile, primed, int(built["articles"]))  # type: ignore[call-overload]
    log(f"priming newsboat for {corpus_dir.name} (two reloads)")
    shutil.rmtree(state_dir, ignore_errors=True)
    state_dir.mkdir(parents=True)
    urls = [f"{server.base_url}/feeds/{f['file']}" for f in gen_corpus.load_feed_list(corpus_dir)]
    profile = newsboat.make_profile(state_dir / "profile", urls)
    server.control(mode="normal")
    newsboat.prime(profile)
    newsboat.snapshot(profile, primed)
    articles = newsboat.article_count(profile)
    validated = newsboat.validators_stored(profile)
    log(f"newsboat primed: {articles} articles, {validated}/{len(urls)} feeds with validators")
    _mark(state_dir, server.base_url, articles=articles, validated=validated)
    return NewsboatState(profile, primed, articles)


@dataclass(frozen=True)
class TermnewsState:
    profile: termnews_side.Profile
    subscribed: Path
    primed: Path
    articles: int
    via: str


def termnews_state(
    workdir: Path, corpus_dir: Path, server: ServerProcess, via: str = "refresh"
) -> TermnewsState:
    """termnews's cache after ``import`` (subscribed) and after one refresh (primed).

    ``via="fill"`` builds the primed cache with ``fill_cache`` (generated entries through
    ``Store.ingest``, no fetch or parse): the same articles, fast, but without validators.
    """
    name = corpus_dir.name.removeprefix("corpus-")
    state_dir = workdir / f"tn-{name}-{via}"
    subscribed = state_dir / "subscribed.db"
    primed = state_dir / "primed.db"
    built = _built(state_dir, server.base_url)
    profile = termnews_side.Profile(state_dir / "profile")
    if (
        built is not None
        and built.get("indexed")
        and primed.exists()
        and subscribed.exists()
        and _schema(primed) == _tree_schema()
    ):
        # The caches are kept between runs, the config is not: a reused profile must run
        # with today's BENCH_CONFIG (session 12 found one still at an old per_host).
        profile = termnews_side.make_profile(state_dir / "profile")
        return TermnewsState(profile, subscribed, primed, int(built["articles"]), via)  # type: ignore[call-overload]
    log(f"building termnews cache for {name} via {via}")
    shutil.rmtree(state_dir, ignore_errors=True)
    state_dir.mkdir(parents=True)
    profile = termnews_side.make_profile(state_dir / "profile")
    termnews_side.subscribe(profile, corpus_dir, server.base_url)
    termnews_side.snapshot(profile, subscribed)
    if via == "refresh":
        server.control(mode="normal")
        run = termnews_side.refresh(profile)
        log(f"termnews refresh: {termnews_side.refresh_summary(run)} in {run.wall_s:.1f} s")
        # As the reader leaves a cache after its refresh: the indexes built too (a
        # refresh leaves them to the pass after it, src/termnews/core/indexing.py).
        run = termnews_side.run(profile, "index")
        log(f"termnews index: {run.stdout.strip()} in {run.wall_s:.1f} s")
    elif via == "fill":
        import fill_cache

        data = json.loads((corpus_dir / "feeds.json").read_text(encoding="utf-8"))
        termnews_side.restore(profile, None)
        facts = fill_cache.fill(
            profile.data_dir,
            len(data["feeds"]),
            int(data["items_per_feed"]),
            int(data["seed"]),
            base_url=server.base_url,
        )
        log(f"fill_cache: {facts}")
    else:
        raise ValueError(f"unknown via {via!r}")
    termnews_side.snapshot(profile, primed)
    articles = termnews_side.article_count(profile)
    validated = termnews_side.validators_stored(profile)
    log(f"termnews primed: {articles} articles, {validated} feeds with validators")
    _mark(state_dir, server.base_url, articles=articles, validated=validated, via=via, indexed=True)
    return TermnewsState(profile, subscribed, primed, articles, via)
