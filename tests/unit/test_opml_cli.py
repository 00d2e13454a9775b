"""The import/export commands and an import + refresh round against ~50 loopback feeds."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from loopback_http import Loopback, rss, static, status

from termnews.cli import main

DATA = Path(__file__).parents[1] / "data" / "opml"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """Short timeouts, and one host may take all the connections (it is loopback)."""
    path = Path(os.environ["TERMNEWS_CONFIG"])
    path.write_text("[network]\nread_timeout = 2.0\ntotal_timeout = 5.0\nper_host = 8\n")
    return path


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def articles_fingerprint() -> list[tuple[object, ...]]:
    db = Path(os.environ["TERMNEWS_DATA_DIR"]) / "termnews.db"
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT id, feed_id, content_hash, fetched_at, read FROM articles ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def loopback_opml(server: Loopback, count: int) -> bytes:
    outlines = []
    for i in range(count):
        path = f"/feeds/{i}.xml"
        if i == 7:
            server.routes[path] = status(404)
        elif i == 8:
            server.routes[path] = status(410)
        else:
            server.routes[path] = static(rss(f"Feed {i}", prefix=f"f{i}"), ETag=f'"v{i}"')
        section = ["World", "Tech", "Science"][i % 3]
        outlines.append((section, f'<outline text="Feed {i}" xmlUrl="{server.url(path)}"/>'))
    body = "".join(
        f'<outline text="{name}">' + "".join(o for s, o in outlines if s == name) + "</outline>"
        for name in ("World", "Tech", "Science")
    )
    return f'<opml version="2.0"><head/><body>{body}</body></opml>'.encode()


def test_import_then_refresh_then_all_304(
    server: Loopback, config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    opml = tmp_path / "list.opml"
    opml.write_bytes(loopback_opml(server, 50))
    code, imported = run_json(capsys, "import", str(opml), "--json")
    assert code == 0 and len(imported["added"]) == 50  # type: ignore[arg-type]

    code, first = run_json(capsys, "refresh", "--json")
    assert code == 1  # two feeds failed
    outcomes = first["feeds"]
    assert isinstance(outcomes, list) and len(outcomes) == 50
    failed = {o["title"]: o["error"] for o in outcomes if o["status"] == "failed"}
    assert failed == {"Feed 7": "HTTP 404 Not Found", "Feed 8": "HTTP 410 Gone"}
    assert first["totals"] == {
        "feeds": 50,
        "new": 48,
        "updated": 0,
        "unchanged": 0,
        "not_modified": 0,
        "failed": 2,
        "skipped": 0,
        "new_articles": 144,
        "updated_articles": 0,
    }
    before = articles_fingerprint()
    assert len(before) == 144

    code, second = run_json(capsys, "refresh", "--json")
    totals = second["totals"]
    assert isinstance(totals, dict)
    assert (totals["not_modified"], totals["failed"], totals["skipped"]) == (48, 1, 1)
    assert articles_fingerprint() == before

    code, feeds = run_json(capsys, "feeds", "--json")
    by_title = {f["title"]: f for f in feeds}  # type: ignore[attr-defined]
    assert by_title["Feed 8"]["dead"] is True
    assert by_title["Feed 7"]["failures"] == 2
    assert by_title["Feed 0"]["last_success"] is not None
    main(["feeds"])
    listing = capsys.readouterr().out
    assert "FAILING x2: HTTP 404 Not Found" in listing and "DEAD (HTTP 410 Gone" in listing


def test_import_from_a_url_and_export_to_a_file(
    server: Loopback, config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.routes["/subs.opml"] = static((DATA / "nested.opml").read_bytes(), "text/x-opml")
    assert main(["import", server.url("/subs.opml")]) == 0
    out = capsys.readouterr().out
    assert "imported 6 feeds into 6 sections (General, News," in out and "termnews refresh" in out
    target = tmp_path / "out.opml"
    assert main(["export", str(target)]) == 0
    assert "exported 6 feeds" in capsys.readouterr().out
    assert b"News / Europe / Local" in target.read_bytes()
    assert main(["export"]) == 0
    assert capsys.readouterr().out.startswith("<?xml")


def test_import_warns_about_repairs_and_fails_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(DATA / "raw-ampersand.opml")]) == 0
    captured = capsys.readouterr()
    assert "imported 3 feeds into 1 section (Business & Economy)" in captured.out
    assert "warning:" in captured.err and "not well-formed XML" in captured.err
    assert main(["import", str(DATA / "xxe.opml")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith("declares XML entities; refused for safety") and "\n" not in err
    assert main(["import", str(tmp_path / "missing.opml")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["import"]) == 2


def test_starter_list_and_first_run_hint(capsys: pytest.CaptureFixture[str]) -> None:
    main(["feeds"])
    assert "termnews import --starter" in capsys.readouterr().out
    assert main(["import", "--starter", str(DATA / "nested.opml")]) == 2
    assert main(["import", "--starter"]) == 0
    assert "into 6 sections" in capsys.readouterr().out
    assert main(["--offline", "refresh", "--json"]) == 0
    totals = json.loads(capsys.readouterr().out)["totals"]
    assert totals["skipped"] == totals["feeds"] > 20


def test_an_exported_file_gets_the_mode_a_plain_write_gives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The atomic write's temporary file (0600) became the export: a list meant to
    # be shared was readable by its owner only, and an existing file lost its mode.
    assert main(["import", str(DATA / "nested.opml")]) == 0
    target = tmp_path / "subs.opml"
    old = os.umask(0o022)
    try:
        assert main(["export", str(target)]) == 0
        assert target.stat().st_mode & 0o777 == 0o644
        target.chmod(0o640)
        assert main(["export", str(target)]) == 0
        assert target.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)
    assert b"News / Europe" in target.read_bytes()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".subs.opml.")]
