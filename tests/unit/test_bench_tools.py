"""Smoke tests of the benchmark tools (benchmarks/), so the suite cannot rot between full runs.

They check behaviour, never timings: the corpus generator is deterministic and writes valid
feeds whose guids match its ground truth; the feed server answers conditional requests with
304, compresses when asked and honours its modes; the harness measures a real process.
"""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import feedparser
import httpx
import pytest
from lxml import etree

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import feedserver  # noqa: E402
import gen_corpus  # noqa: E402
import harness  # noqa: E402


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    gen_corpus.generate(out, n_feeds=3, n_items=5, seed=7)
    return out


@pytest.fixture
def server(corpus: Path) -> Iterator[feedserver.FeedServer]:
    with feedserver.FeedServer(corpus, max_seconds=60) as srv:
        yield srv


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    # trust_env=False: never route loopback requests through a proxy from the environment.
    with httpx.Client(trust_env=False, timeout=10) as c:
        yield c


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_generator_is_deterministic_for_a_seed(tmp_path: Path, corpus: Path) -> None:
    again = tmp_path / "again"
    gen_corpus.generate(again, n_feeds=3, n_items=5, seed=7, jobs=2)
    other = tmp_path / "other"
    gen_corpus.generate(other, n_feeds=3, n_items=5, seed=8)

    assert _files(again) == _files(corpus)
    assert (again / "feeds" / "0000.xml").stat().st_mtime == (
        corpus / "feeds" / "0000.xml"
    ).stat().st_mtime
    assert _files(other)["feeds/0000.xml"] != _files(corpus)["feeds/0000.xml"]


def test_generated_feeds_are_valid_and_match_the_truth(corpus: Path) -> None:
    truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    guids = set()
    for path in sorted((corpus / "feeds").glob("*.xml")):
        etree.parse(str(path))  # well-formed XML, or this raises
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert len(parsed.entries) == 5
        for entry in parsed.entries:
            guids.add(entry.id)
            body = entry.content[0].value if "content" in entry else entry.summary
            assert 1000 <= len(body) <= 6000
            assert "<p>" in body
            assert entry.tags
        gz = corpus / gen_corpus.GZIP_DIR / f"{path.name}.gz"
        assert gzip.decompress(gz.read_bytes()) == path.read_bytes()
    assert guids == set(truth["items"])
    for meta in truth["items"].values():
        assert truth["stories"][meta["story"]]["topic"] == meta["topic"]
    opml = etree.parse(str(corpus / "feeds.opml"))
    assert len(opml.findall(".//outline[@xmlUrl]")) == 3


def test_world_mixes_formats_and_shares_stories_across_feeds() -> None:
    _, stories, plans = gen_corpus.build_world(seed=1, n_feeds=40, n_items=20)
    assert {p.kind for p in plans} == {"atom", "rss-content", "rss-description"}
    feeds_per_story: dict[str, set[int]] = {}
    for plan in plans:
        for story in plan.story_ids:
            feeds_per_story.setdefault(story, set()).add(plan.index)
    assert max(len(f) for f in feeds_per_story.values()) >= 3
    assert set(feeds_per_story) == set(stories)


def test_server_sends_validators_and_answers_304(
    server: feedserver.FeedServer, client: httpx.Client, corpus: Path
) -> None:
    url = f"{server.base_url}/feeds/0001.xml"
    assert server.base_url.startswith("http://127.0.0.1:")

    first = client.get(url, headers={"Accept-Encoding": "identity"})
    assert first.status_code == 200
    assert first.content == (corpus / "feeds" / "0001.xml").read_bytes()
    assert "Content-Encoding" not in first.headers
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]

    by_etag = client.get(url, headers={"If-None-Match": etag})
    assert by_etag.status_code == 304
    assert by_etag.content == b""
    by_date = client.get(url, headers={"If-Modified-Since": last_modified})
    assert by_date.status_code == 304
    stale = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200

    assert server.stats()["statuses"] == {"200": 2, "304": 2}


def test_server_gzips_when_asked(
    server: feedserver.FeedServer, client: httpx.Client, corpus: Path
) -> None:
    url = f"{server.base_url}/feeds/0002.xml"
    with client.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as response:
        raw = b"".join(response.iter_raw())
        assert response.headers["Content-Encoding"] == "gzip"
        etag = response.headers["ETag"]
    plain = (corpus / "feeds" / "0002.xml").read_bytes()
    assert gzip.decompress(raw) == plain
    assert len(raw) < len(plain)
    revalidated = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert revalidated.status_code == 304


def test_server_modes(server: feedserver.FeedServer, client: httpx.Client) -> None:
    url = f"{server.base_url}/feeds/0000.xml"
    etag = client.get(url).headers["ETag"]

    full = client.get(url, params={"mode": "full"}, headers={"If-None-Match": etag})
    assert full.status_code == 200
    assert "ETag" not in full.headers

    assert client.get(url, params={"mode": "304"}).status_code == 304

    server.set_mode("changed")
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert b"<guid" in changed.content
    assert b"tnb-g1-" in changed.content
    assert changed.headers["ETag"] != etag

    assert client.get(f"{server.base_url}/feeds/9999.xml").status_code == 404
    urls = client.get(f"{server.base_url}/urls").text.splitlines()
    assert urls[0].startswith(f"{server.base_url}/feeds/0000.xml")


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="no SCHED_IDLE here")
def test_server_process_at_idle_priority_serves_from_idle_threads(
    corpus: Path, client: httpx.Client
) -> None:
    # The key-press benchmark's server stands in for remote machines: it must not take
    # CPU the reader wants, so it and every connection thread run at SCHED_IDLE.
    with feedserver.ServerProcess(corpus, idle_priority=True) as server:
        name = gen_corpus.load_feed_list(corpus)[0]["file"]
        assert client.get(f"{server.base_url}/feeds/{name}").status_code == 200
        tasks = os.listdir(f"/proc/{server.proc.pid}/task")
        assert len(tasks) > 1
        assert {os.sched_getscheduler(int(t)) for t in tasks} == {os.SCHED_IDLE}
    with feedserver.ServerProcess(corpus) as server:  # the default is unchanged
        assert os.sched_getscheduler(server.proc.pid) == os.SCHED_OTHER


def test_harness_measures_a_whole_process() -> None:
    code = "import sys; b = bytearray(30 * 1024 * 1024); print('done'); sys.exit(0)"
    run = harness.run_process([sys.executable, "-c", code], sample_tree=True)
    assert run.returncode == 0
    assert run.stdout.strip() == "done"
    assert run.max_rss_kib > 30 * 1024
    assert run.wall_s > 0 and run.cpu_s > 0

    with pytest.raises(harness.RunFailed):
        harness.run_process([sys.executable, "-c", "raise SystemExit(3)"])


def test_paired_alternates_and_reports_ratios() -> None:
    order: list[str] = []

    def fake(label: str, wall: float) -> harness.Run:
        order.append(label)
        return harness.Run(("x",), wall, 0.0, 0.0, 1, None, 0, False, "time", "", "")

    pair = harness.paired(
        "t", ("a", lambda i: fake("a", 1.0 + i)), ("b", lambda i: fake("b", 2.0 + 2 * i)), runs=3
    )
    assert order == ["a", "b", "b", "a", "a", "b"]
    assert pair.ratio().values == (0.5, 0.5, 0.5)
    assert harness.target_status(0.6, 0.5) == "missed by 20%"
    assert harness.target_status(0.4, 0.5) == "met"


def test_a_pair_with_one_side_not_run_has_no_ratio_and_writes_json(tmp_path: Path) -> None:
    """``--no-newsboat --json``: the newsboat side is empty; the JSON is still written."""
    run = harness.Run(("x",), 1.0, 0.0, 0.0, 1, None, 0, False, "time", "", "")
    pair = harness.Pair("t", harness.Series("a", (run, run)), harness.Series("b", ()))
    assert pair.ratio().values == ()
    out = tmp_path / "r.json"
    harness.write_json(out, {"pair": pair})
    assert json.loads(out.read_text())["pair"]["ratio_wall"]["median"] is None


def test_index_cost_replay_writes_the_same_rows_with_and_without_each_index(
    tmp_path: Path,
) -> None:
    import fill_cache
    import index_cost

    fill_cache.fill(tmp_path / "primed", feeds=4, items=6, seed=3, jobs=1)
    primed = tmp_path / "primed" / "termnews.db"
    data = index_cost._load(primed)
    columns = f"id, {index_cost.COLUMNS}, story_id"

    def rows(db: Path) -> list[tuple[object, ...]]:
        conn = sqlite3.connect(db)
        try:
            return conn.execute(f"SELECT {columns} FROM articles ORDER BY id").fetchall()
        finally:
            conn.close()

    want = rows(primed)
    assert len(want) == 24
    for drop in ((), ("idx_articles_ts",), (index_cost.UNIQUE,), index_cost.INDEXES):
        work = tmp_path / f"replay-{len(drop)}-{drop[:1]}"
        work.mkdir()
        inserts, updates = index_cost.replay(data, drop, work)
        assert inserts > 0 and updates >= 0
        replayed = work / "replay.db"
        assert rows(replayed) == want
        conn = sqlite3.connect(replayed)
        objects = {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'articles'")
        }
        table_sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'articles'").fetchone()
        conn.close()
        for name in index_cost.INDEXES:
            assert (name in objects) == (name not in drop)
        assert (index_cost.UNIQUE in table_sql[0]) == (index_cost.UNIQUE not in drop)
        # The rebuilt table keeps its triggers (the feed counts), so rows count as before.
        assert ("feed_counts_update" in objects) and ("related_docs_gc" in objects)


def test_term_keys_are_the_keys_a_refresh_keeps_worker_counts_under(
    corpus: Path, tmp_path: Path
) -> None:
    """The A/B tools must hand ``RefreshTerms.add`` what this tree's refresh does.

    Given entries where keys are expected, the counts were kept under keys no
    article has and every batch counted its articles again, unnoticed (the
    related data stay the same, only slower).
    """
    import tree_compat

    from termnews.core.related import RefreshTerms
    from termnews.core.related_text import entry_terms
    from termnews.core.sources.local import read_feed_file
    from termnews.core.store import Store

    parsed = read_feed_file(next(iter(sorted((corpus / "feeds").glob("*.xml")))))[0]
    store = Store.open(tmp_path / "termnews.db")
    feed_id = store.add_feed("file:///feed.xml", parsed.title, "News")[0].id
    store.ingest(feed_id, parsed)
    terms = RefreshTerms()
    terms.add(feed_id, tree_compat.term_keys(parsed.entries), entry_terms(parsed.entries))
    guids = [r[0] for r in store.conn.execute("SELECT guid FROM articles")]
    assert guids and all(terms.take(feed_id, guid) is not None for guid in guids)


def test_refresh_floor_patches_still_match_this_tree(tmp_path: Path) -> None:
    """Each of ``refresh_floor.py``'s replacements must find its line once in ``src``.

    The script stops when one does not, which is right when measuring, but then the
    floor goes unmeasured until someone runs it by hand (session 18 found the search
    patch stale: the docstring it matched had grown a second line).
    """
    import refresh_floor

    src = BENCHMARKS.parent / "src"
    for name, (patches, _extra) in refresh_floor.VARIANTS.items():
        tree = refresh_floor.make_tree(src, tmp_path / name, patches)
        assert (tree / "termnews" / "core" / "refresh.py").is_file()
