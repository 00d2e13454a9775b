"""Real-world feeds from ../shared/corpus ingest without a crash: articles or one line."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import CORPUS, needs_corpus

from termnews.core.errors import SourceError
from termnews.core.sources.local import read_feed_file
from termnews.core.store import Store

REAL = CORPUS / "feeds-real"


def _real_feed_files() -> list[Path]:
    if not REAL.is_dir():
        return []
    return sorted(
        p for p in REAL.rglob("*") if p.is_file() and p.name not in {"MANIFEST.md", "INDEX.csv"}
    )


@needs_corpus
def test_every_real_feed_ingests_or_fails_in_one_line(tmp_path: Path) -> None:
    files = _real_feed_files()
    assert len(files) > 200
    ok = failed = 0
    with Store.open(tmp_path / "c.db") as store:
        for path in files:
            feed, _ = store.add_feed(str(path), section="Corpus")
            try:
                parsed, fingerprint = read_feed_file(path)
            except SourceError as exc:
                message = str(exc)
                assert "\n" not in message and str(path) in message
                failed += 1
                continue
            store.ingest(feed.id, parsed, fingerprint)
            ok += 1
        store.index_pending()
        assert store.stats()["articles"] > 1000
    assert ok > failed
