"""Feed autodiscovery on web pages, and ``add_remote`` against a loopback server."""

from __future__ import annotations

from pathlib import Path

import pytest
from loopback_http import Loopback, redirect, rss, static, status

from termnews.core.config import Config, NetworkConfig
from termnews.core.errors import SourceError
from termnews.core.sources.discover import find_feed_links
from termnews.core.store import Store
from termnews.core.subscribe import add_remote, normalise_feed_url

PAGES = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "corpus"
    / "html-articles"
    / "netnewswire-rsparser-pages"
)
needs_pages = pytest.mark.skipif(not PAGES.is_dir(), reason="corpus is absent")
SETTINGS = Config(network=NetworkConfig(read_timeout=1.0, total_timeout=5.0))


@needs_pages
@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("DaringFireball.html", ["https://daringfireball.net/feeds/main"]),
        (
            "coco.html",
            ["https://daringfireball.net/feed/all/", "https://daringfireball.net/feed/best-of/"],
        ),
        ("furbo.html", ["http://furbo.org/feed/"]),
        ("inessential.html", ["http://inessential.com/xml/rss.xml"]),
        ("sixcolors.html", ["http://feedpress.me/sixcolors"]),
        (
            "YouTubeTheVolvoRocks.html",
            ["https://www.youtube.com/feeds/videos.xml?channel_id=UCct7QF2jcWRY6dhXWMSq9LQ"],
        ),
    ],
)
def test_real_home_pages(page: str, expected: list[str]) -> None:
    found = find_feed_links((PAGES / page).read_bytes(), "https://daringfireball.net/")
    assert [f.url for f in found] == expected


def test_base_href_types_and_comment_feeds_last() -> None:
    page = b"""<html><head><base href="https://cdn.example.org/blog/">
    <link rel="alternate" type="application/rss+xml" title="Comments" href="comments.xml">
    <link rel="alternate" type="application/atom+xml" title="Posts" href="atom.xml">
    <link rel="Alternate" type="application/feed+json" href="/feed.json">
    <link rel="alternate" type="text/html" href="/other-language/">
    <link rel="alternate stylesheet" type="text/css" href="/dark.css">
    <link rel="alternate" type="application/rss+xml" href="atom.xml">
    </head><body></body></html>"""
    found = find_feed_links(page, "https://example.org/blog/")
    assert [(f.url, f.kind) for f in found] == [
        ("https://cdn.example.org/blog/atom.xml", "atom"),
        ("https://cdn.example.org/feed.json", "json"),
        ("https://cdn.example.org/blog/comments.xml", "rss"),
    ]


def test_malformed_feed_links_and_base_are_passed_over() -> None:
    # urljoin/urlsplit raise ValueError on a bad bracketed host: 'termnews add PAGE'
    # died with a traceback on a page announcing one.
    page = b"""<html><head>
    <link rel="alternate" type="application/rss+xml" href="http://[zz]/feed">
    <link rel="alternate" type="application/rss+xml" href="https://[::1">
    <link rel="alternate" type="application/atom+xml" href="/atom.xml">
    </head><body></body></html>"""
    found = find_feed_links(page, "https://example.org/")
    assert [f.url for f in found] == ["https://example.org/atom.xml"]
    bad_base = page.replace(b"<head>", b'<head><base href="http://[zz]/">')
    assert [f.url for f in find_feed_links(bad_base, "https://example.org/")] == [
        "https://example.org/atom.xml"
    ]


def test_pages_without_feed_links() -> None:
    assert find_feed_links(b"", "https://example.org/") == []
    assert find_feed_links(b"<html><body><p>hi</p></body></html>", "https://x.org/") == []


def test_feed_scheme_urls() -> None:
    assert normalise_feed_url(" feed://example.org/rss ") == "http://example.org/rss"
    assert normalise_feed_url("feed:https://example.org/rss") == "https://example.org/rss"


def test_add_a_feed_url_directly(server: Loopback, store: Store) -> None:
    server.routes["/feed"] = static(rss("Direct"))
    feeds = add_remote(store, server.url("/feed"), section="Tech", settings=SETTINGS)
    assert [(f.url, f.title, f.section) for f in feeds] == [(server.url("/feed"), "Direct", "Tech")]
    assert add_remote(store, server.url("/feed"), settings=SETTINGS)[0].id == feeds[0].id


def test_add_follows_a_permanent_move(server: Loopback, store: Store) -> None:
    server.routes["/old"] = redirect(301, "/new")
    server.routes["/new"] = static(rss("Moved"))
    (feed,) = add_remote(store, server.url("/old"), settings=SETTINGS)
    assert feed.url == server.url("/new")


def test_add_a_home_page_discovers_its_feeds(server: Loopback, store: Store) -> None:
    page = b"""<!DOCTYPE html><html><head>
    <link rel="alternate" type="application/rss+xml" href="/main.xml">
    <link rel="alternate" type="application/atom+xml" href="/extra.atom">
    </head><body>Welcome</body></html>"""
    server.routes["/"] = static(page, ctype="text/html; charset=utf-8")
    notes: list[str] = []
    (first,) = add_remote(store, server.url("/"), settings=SETTINGS, notes=notes)
    assert first.url == server.url("/main.xml")
    assert any("--all" in n and server.url("/extra.atom") in n for n in notes)
    both = add_remote(store, server.url("/"), settings=SETTINGS, all_feeds=True)
    assert [f.url for f in both] == [server.url("/main.xml"), server.url("/extra.atom")]


def test_add_refuses_pages_and_documents_without_feeds(server: Loopback, store: Store) -> None:
    server.routes["/page"] = static(b"<html><body>no feeds</body></html>", ctype="text/html")
    server.routes["/note"] = static(b"<?xml version='1.0'?><note/>", ctype="text/xml")
    server.routes["/missing"] = status(404)
    with pytest.raises(SourceError, match="no feed found"):
        add_remote(store, server.url("/page"), settings=SETTINGS)
    with pytest.raises(SourceError, match="not a feed"):
        add_remote(store, server.url("/note"), settings=SETTINGS)
    with pytest.raises(SourceError, match="HTTP 404 Not Found"):
        add_remote(store, server.url("/missing"), settings=SETTINGS)
    assert store.feeds() == []


def test_add_offline_subscribes_without_fetching(server: Loopback, store: Store) -> None:
    (feed,) = add_remote(store, server.url("/later"), offline=True, settings=SETTINGS)
    assert feed.url == server.url("/later") and server.requests == []


def test_cli_add_on_a_page_adds_and_reads_its_feeds(
    server: Loopback, capsys: pytest.CaptureFixture[str]
) -> None:
    from termnews.cli import main

    page = b"""<!DOCTYPE html><html><head>
    <link rel="alternate" type="application/rss+xml" href="/a.xml">
    <link rel="alternate" type="application/rss+xml" href="/b.xml">
    </head><body>Welcome</body></html>"""
    server.routes["/"] = static(page, ctype="text/html")
    server.routes["/a.xml"] = static(rss("Feed A", prefix="a"))
    server.routes["/b.xml"] = static(rss("Feed B", prefix="b"))
    assert main(["add", server.url("/"), "--section", "Blogs"]) == 0
    captured = capsys.readouterr()
    assert "Feed A in Blogs: 3 new articles" in captured.out
    assert "--all adds the others too" in captured.err
    assert "found 2 feed links on it" in captured.err  # was "2 feed link(s)"
    assert main(["add", server.url("/"), "--all"]) == 0
    assert "Feed B" in capsys.readouterr().out
    assert main(["add", server.url("/nothing-here")]) == 2
    assert "HTTP 404 Not Found" in capsys.readouterr().err


def test_cli_add_of_a_feed_already_subscribed_says_so(
    server: Loopback, capsys: pytest.CaptureFixture[str]
) -> None:
    # The second add (of the feed, of a page announcing it, or of an old address
    # redirecting to it) printed "added [1] ...: 0 new articles" as if it were new.
    from termnews.cli import main

    page = b'<html><head><link rel="alternate" type="application/rss+xml" href="/a.xml">'
    server.routes["/"] = static(page + b"</head></html>", ctype="text/html")
    server.routes["/a.xml"] = static(rss("Feed A", prefix="a"))
    server.routes["/old"] = redirect(301, "/a.xml")
    assert main(["add", server.url("/a.xml")]) == 0
    assert "added [1] Feed A in General: 3 new articles" in capsys.readouterr().out
    for again in ("/a.xml", "/", "/old"):
        assert main(["add", server.url(again)]) == 0
        out = capsys.readouterr().out
        assert out.startswith("already subscribed: [1] Feed A in General"), (again, out)


def test_add_of_an_opml_url_points_to_import(server: Loopback, store: Store) -> None:
    opml = b'<?xml version="1.0"?><opml version="2.0"><body><outline xmlUrl="https://a.example/f"/></body></opml>'
    server.routes["/subs.opml"] = static(opml, ctype="text/x-opml")
    with pytest.raises(
        SourceError, match="OPML subscription list, not a feed; use 'termnews import"
    ):
        add_remote(store, server.url("/subs.opml"), settings=SETTINGS)
    assert store.feeds() == []


def test_refresh_names_an_untitled_failing_feed_once(
    server: Loopback, capsys: pytest.CaptureFixture[str]
) -> None:
    from termnews.cli import main

    server.routes["/gone-wrong"] = status(404)
    url = server.url("/gone-wrong")
    assert main(["--offline", "add", url]) == 0  # subscribed, not yet read: titled by its URL
    capsys.readouterr()
    assert main(["refresh"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"termnews: error: {url}: HTTP 404 Not Found"]
