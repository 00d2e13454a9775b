"""Full text for teaser-only feeds, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from termnews.cli import main
from termnews.core.config import Config, FullTextConfig, NetworkConfig
from termnews.core.fulltext import fetch_full_text
from termnews.core.models import EntryData, ParsedFeed
from termnews.core.store import Store

PARAGRAPH = (
    "The harbour authority said the new locks would let larger ships reach the inner docks "
    "for the first time since the canal was widened, and that work would start in spring. "
)
PAGE = (
    "<html><head><title>Locks approved</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
    "<article><h1>Harbour locks approved</h1>"
    + "".join(f"<p>{PARAGRAPH} Paragraph {i}.</p>" for i in range(6))
    + "<h2>What happens next</h2><p>"
    + PARAGRAPH
    + "</p></article>"
    "<footer>Connect with us on social media. Copyright 2026.</footer></body></html>"
)
FAST = Config(
    network=NetworkConfig(total_timeout=3, read_timeout=2, connect_timeout=2, max_bytes=200_000)
)


def _store_with(tmp_path: Path, links: list[str]) -> tuple[Store, list[int]]:
    store = Store.open(tmp_path / "c.db")
    feed, _ = store.add_feed("https://teasers.example/rss", "Teasers", "World")
    entries = tuple(
        EntryData(
            guid=f"g{i}",
            link=link,
            title=f"Teaser {i}",
            summary="Short teaser.",
            content="Short teaser.",
        )
        for i, link in enumerate(links)
    )
    store.ingest(feed.id, ParsedFeed(title="Teasers", entries=entries))
    return store, [a.id for a in store.articles(limit=100)][::-1]


def test_full_text_is_extracted_and_kept(tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/story").respond_with_data(PAGE, content_type="text/html")
    store, ids = _store_with(tmp_path, [httpserver.url_for("/story")])
    with store:
        article = fetch_full_text(store, ids[0], FAST)
        assert article.full_content and "What happens next" in article.full_content
        assert "Connect with us" not in article.full_content
        assert article.body == article.full_content and article.content == "Short teaser."
        assert article.full_error is None


@pytest.mark.parametrize(
    ("path", "handler", "reason"),
    [
        ("/missing", lambda r: r.respond_with_data("no", status=404), "404"),
        (
            "/pdf",
            lambda r: r.respond_with_data(b"%PDF-1.4", content_type="application/pdf"),
            "not a web page",
        ),
        (
            "/huge",
            lambda r: r.respond_with_data("<p>" + "x" * 400_000 + "</p>", content_type="text/html"),
            "too large",
        ),
        (
            "/empty",
            lambda r: r.respond_with_data(
                "<html><body><nav>Home</nav></body></html>", content_type="text/html"
            ),
            "no article text",
        ),
    ],
)
def test_failures_keep_feed_text_with_a_note(
    tmp_path: Path, httpserver: HTTPServer, path: str, handler: object, reason: str
) -> None:
    handler(httpserver.expect_request(path))  # type: ignore[operator]
    store, ids = _store_with(tmp_path, [httpserver.url_for(path)])
    with store:
        article = fetch_full_text(store, ids[0], FAST)
        assert article.full_content is None and article.body == "Short teaser."
        assert article.full_error and reason in article.full_error


def test_cli_fetch_full_and_feed_toggle(
    tmp_path: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/story").respond_with_data(PAGE, content_type="text/html")
    data = tmp_path / "data"
    store, ids = _store_with(data.parent / "data", [httpserver.url_for("/story")])
    store.close()
    # _store_with wrote tmp_path/data/c.db; point the CLI at that cache file's directory.
    (data / "c.db").rename(data / "termnews.db")
    assert main(["--offline", "fetch-full", str(ids[0])]) == 2
    assert main(["fetch-full", str(ids[0]), "--json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out)[0]["ok"] is True
    assert main(["full-text", "Teasers", "on"]) == 0
    assert (
        json.loads(_run_json(capsys, ["show", str(ids[0]), "--json"]))["content"].count("Paragraph")
        >= 3
    )
    assert len(httpserver.log) == 1


def _run_json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    capsys.readouterr()
    assert main(argv) == 0
    return capsys.readouterr().out


def test_refresh_fetches_full_text_for_switched_on_feeds(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    feed_xml = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        f"<item><guid>a</guid><title>A</title><link>{httpserver.url_for('/story')}</link>"
        "<description>Teaser only.</description></item></channel></rss>"
    )
    httpserver.expect_request("/feed.xml").respond_with_data(
        feed_xml, content_type="application/rss+xml"
    )
    httpserver.expect_request("/story").respond_with_data(PAGE, content_type="text/html")
    from termnews.core.refresh import refresh

    with Store.open(tmp_path / "c.db") as store:
        store.add_feed(httpserver.url_for("/feed.xml"), "T", "World")
        config = Config(network=FAST.network, fulltext=FullTextConfig(feeds=["T"]))
        report = refresh(store, settings=config)
        assert report.new == 1
        article = store.articles()[0]
        assert article.full_content and "What happens next" in article.full_content


def test_offline_opens_no_connection(
    tmp_path: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        "<rss/>", content_type="application/rss+xml"
    )
    url = httpserver.url_for("/feed.xml")
    with Store.open(tmp_path / "data" / "termnews.db") as store:
        feed, _ = store.add_feed(url, "Loopback", "World")
        store.update_feed(feed.id, full_text=1)
        store.ingest(
            feed.id,
            ParsedFeed(
                title="L",
                entries=(EntryData(guid="x", link=httpserver.url_for("/story"), title="X"),),
            ),
        )
    for argv in (
        ["--offline", "refresh"],
        ["--offline", "articles"],
        ["--offline", "show", "1"],
        ["--offline", "fetch-full", "1"],
        ["--offline", "add", url],
    ):
        main(argv)
    capsys.readouterr()
    assert httpserver.log == []


def test_full_text_off_for_a_feed_the_config_lists_says_it_stays_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], feeds_dir: Path
) -> None:
    # 'full-text FEED off' printed "full text off" while [fulltext] feeds in the
    # config kept fetching its pages on every refresh.
    import os

    config = Path(os.environ["TERMNEWS_CONFIG"])
    config.write_text('[fulltext]\nfeeds = ["Fixture World"]\n')
    feed = tmp_path / "world.xml"
    feed.write_bytes((feeds_dir / "world.xml").read_bytes())
    assert main(["add", str(feed)]) == 0
    capsys.readouterr()
    assert main(["full-text", "Fixture World", "off"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == (
        f"termnews: error: full text stays on for [1] Fixture World: {config} lists it "
        "under [fulltext] feeds; remove it there (termnews never writes your config)"
    )
    config.write_text("")
    assert main(["full-text", "Fixture World", "off"]) == 0
    assert capsys.readouterr().out.strip() == "full text off for [1] Fixture World"


def test_fetch_full_reports_in_the_order_asked(
    tmp_path: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Articles without a web link were reported first, whatever the order given.
    httpserver.expect_request("/story").respond_with_data(PAGE, content_type="text/html")
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    data = tmp_path / "data"
    store, ids = _store_with(
        data, [httpserver.url_for("/story"), "javascript:void(0)", httpserver.url_for("/gone")]
    )
    store.close()
    (data / "c.db").rename(data / "termnews.db")
    asked = [ids[2], ids[0], ids[1]]
    assert main(["fetch-full", *map(str, asked), "--json"]) == 1
    outcomes = json.loads(capsys.readouterr().out)
    assert [o["id"] for o in outcomes] == asked
    assert sorted(o["ok"] for o in outcomes) == [False, False, True]
