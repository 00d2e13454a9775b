"""Adding a folder: feeds, OPML lists and article pages in it and its subfolders, nothing else.

A folder was read one level deep, and every ``.md``/``.txt`` in it became an
article, so a ``MANIFEST.md`` showed up as a headline and feeds in subfolders
were never found. These tests build a folder as a user keeps one and add it
with the real CLI over a cache in tmp_path.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from termnews.cli import main
from termnews.core.sources.folder import classify, has_prose, root_element, scan_folder

DATA = Path(__file__).parents[1] / "data"

NOTES = (
    "Notes from the harbour meeting. The council agreed to reopen the east pier in May,\n"
    "once the divers have checked the pilings and the insurers have signed off.\n"
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def news_folder(tmp_path: Path) -> Path:
    root = tmp_path / "news"
    (root / "tech" / "chips").mkdir(parents=True)
    (root / "pages").mkdir()
    (root / "lists").mkdir()
    (root / ".git").mkdir()
    shutil.copy(DATA / "feeds" / "world.xml", root / "world.xml")
    shutil.copy(DATA / "feeds" / "tech.atom", root / "tech" / "tech.atom")
    shutil.copy(DATA / "feeds" / "news.json", root / "tech" / "chips" / "news.json")
    shutil.copy(DATA / "content" / "saved-article.html", root / "pages" / "saved-article.html")
    shutil.copy(DATA / "opml" / "nested.opml", root / "lists" / "subscriptions.xml")
    (root / "pages" / "harbour-notes.txt").write_text(NOTES)
    (root / "MANIFEST.md").write_text("# Manifest\n\n- world.xml\n- tech/tech.atom\n")
    (root / "README.md").write_text("This folder keeps the feeds I read on the train home.\n")
    (root / "package.json").write_text('{"name": "not-a-feed", "version": "1.0.0"}\n')
    (root / "urls.txt").write_text("https://a.example/feed\nhttps://b.example/rss\n")
    shutil.copy(DATA / "feeds" / "world.xml", root / ".git" / "hidden-feed.xml")
    (root / ".draft.md").write_text(NOTES)
    os.symlink("..", root / "tech" / "loop")  # a link back up: the walk must end
    return root


def test_folder_tree_subscribes_feeds_lists_and_pages_only(
    capsys: pytest.CaptureFixture[str], news_folder: Path
) -> None:
    code, out, err = run(capsys, "add", str(news_folder))
    assert code == 0, err
    assert "Traceback" not in err
    # What was left out is said once, naming the files.
    assert "skipped 4 files (not a feed, OPML list or article): MANIFEST.md, README.md" in err
    assert "imported 6 feeds from" in out and "subscriptions.xml" in out

    feeds = json.loads(run(capsys, "feeds", "--json")[1])
    local = {f["url"]: f for f in feeds if not f["url"].startswith("http")}
    assert set(local) == {
        str(news_folder / "world.xml"),
        str(news_folder / "tech" / "tech.atom"),
        str(news_folder / "tech" / "chips" / "news.json"),
        str(news_folder),  # the article pages, as one source
    }
    # Subfolders become sections, as OPML folders do; the top level stays General.
    assert local[str(news_folder / "world.xml")]["section"] == "General"
    assert local[str(news_folder / "tech" / "tech.atom")]["section"] == "tech"
    assert local[str(news_folder / "tech" / "chips" / "news.json")]["section"] == "tech / chips"
    # The OPML list's web feeds are subscribed (in its own folders), not yet fetched.
    web = [f for f in feeds if f["url"].startswith("http")]
    assert len(web) == 6 and all(f["last_checked"] is None for f in web)
    assert {f["section"] for f in web} >= {"News", "News / Europe"}

    articles = json.loads(run(capsys, "articles", "--feed", str(news_folder), "--json")[1])
    titles = sorted(a["title"] for a in articles)
    assert len(titles) == 2, titles
    assert not any("Manifest" in t or "train home" in t for t in titles)
    assert any("harbour" in t.lower() for t in titles)
    # Hidden folders and files are never read.
    assert not any(".git" in f["url"] or ".draft" in f["url"] for f in feeds)


def test_refresh_finds_new_pages_in_subfolders_but_not_junk(
    capsys: pytest.CaptureFixture[str], news_folder: Path
) -> None:
    assert run(capsys, "add", str(news_folder))[0] == 0
    (news_folder / "pages" / "2026").mkdir()
    (news_folder / "pages" / "2026" / "pier.md").write_text("# Pier reopens\n\n" + NOTES)
    (news_folder / "pages" / "2026" / "LICENSE.txt").write_text(NOTES)
    code, _, err = run(capsys, "refresh", str(news_folder))
    assert code == 0, err
    articles = json.loads(run(capsys, "articles", "--feed", str(news_folder), "--json")[1])
    assert sorted(a["title"] for a in articles).count("Pier reopens") == 1
    assert len(articles) == 3


def test_folder_with_nothing_readable_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    junk = tmp_path / "junk"
    (junk / "sub").mkdir(parents=True)
    (junk / "MANIFEST.md").write_text("# Files\n\n- a\n- b\n")
    (junk / "sub" / "data.csv").write_text("a,b\n1,2\n")
    code, _, err = run(capsys, "add", str(junk))
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "holds no feed files, OPML lists or article pages" in lines[0]
    assert "2 other files skipped" in lines[0]
    assert json.loads(run(capsys, "feeds", "--json")[1]) == []


def test_adding_an_opml_file_imports_it(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "add", str(DATA / "opml" / "nested.opml"))
    assert code == 0, err
    assert "imported 6 feeds" in out
    assert len(json.loads(run(capsys, "feeds", "--json")[1])) == 6


def test_broken_opml_in_a_folder_fails_that_list_only(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    shutil.copy(DATA / "feeds" / "world.xml", folder / "world.xml")
    (folder / "subs.opml").write_text("<opml><body></body></opml>")
    code, out, err = run(capsys, "add", str(folder))
    assert code == 1
    assert "no feeds in this OPML file" in err and "(not imported)" in err
    assert "added [1] Fixture World" in out


def test_walk_is_bounded_and_loop_safe(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    os.symlink(tmp_path, tmp_path / "a" / "up")
    os.symlink(tmp_path / "a", tmp_path / "a" / "self")
    for i in range(30):
        (tmp_path / "a" / f"n{i}.txt").write_text(NOTES)
    scan = scan_folder(tmp_path, limit=10)
    assert scan.truncated and len(scan.found) == 10
    assert len(scan_folder(tmp_path).found) == 30


def test_classify_by_content(tmp_path: Path) -> None:
    cases = {
        "feed.txt": b'<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>',
        "atom.xml": b"\xef\xbb\xbf<!-- hi -->\n<feed xmlns='http://www.w3.org/2005/Atom'/>",
        "rdf.rdf": b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'/>",
        "rss091.xml": b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//'
        b'DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss/>',
        "subset.xml": b'<!DOCTYPE rss [<!ENTITY copy "(c)">]>\n<rss version="2.0"/>',
        "list.xml": b'<?xml version="1.0"?><opml version="2.0"><body/></opml>',
        "feed.json": b'{"version": "https://jsonfeed.org/version/1.1", "items": []}',
        "page.html": b"<!DOCTYPE html><html><body><p>Hello</p></body></html>",
        "other.json": b'{"name": "x"}',
        "pom.xml": b'<?xml version="1.0"?><project/>',
        "notes.md": NOTES.encode(),
        "links.md": b"- https://a.example/\n- https://b.example/\n",
        "binary.txt": b"\0\1\2" + NOTES.encode(),
        "photo.jpg": b"\xff\xd8\xff\xe0" + bytes(100),
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    kinds = {name: classify(tmp_path / name) for name in cases}
    assert kinds == {
        "feed.txt": "feed",
        "atom.xml": "feed",
        "rdf.rdf": "feed",
        "rss091.xml": "feed",
        "subset.xml": "feed",
        "list.xml": "opml",
        "feed.json": "feed",
        "page.html": "articles",
        "other.json": None,
        "pom.xml": None,
        "notes.md": "articles",
        "links.md": None,
        "binary.txt": None,
        "photo.jpg": None,
    }
    assert root_element(b"<!doctype html><p>") == "html"
    assert not has_prose(b"# A heading\n\n| a | b |\n|---|---|\n")


def test_full_text_is_refused_for_a_folder_of_articles(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Accepted before, after which every article of the folder was noted "full text
    # unavailable: the article has no web link".
    folder = tmp_path / "clips"
    folder.mkdir()
    (folder / "pier.md").write_text("# Pier reopens\n\n" + NOTES)
    assert run(capsys, "add", str(folder))[0] == 0
    code, _, err = run(capsys, "full-text", "clips", "on")
    assert code == 2
    assert "is a folder or file of articles, already read in full" in err
    assert run(capsys, "full-text", "clips", "off")[0] == 0


def test_adding_a_folder_again_subscribes_only_what_is_new(
    capsys: pytest.CaptureFixture[str], news_folder: Path
) -> None:
    assert run(capsys, "add", str(news_folder))[0] == 0
    shutil.copy(DATA / "feeds" / "world.xml", news_folder / "tech" / "second.xml")
    code, out, err = run(capsys, "add", str(news_folder))
    assert code == 0, err
    assert "imported 0 feeds from" in out and "6 already subscribed" in out
    assert "run 'termnews refresh'" not in out  # nothing new to fetch from the list
    assert f"already subscribed: {news_folder / 'world.xml'}" in err
    assert "second.xml" not in err and "Fixture World in tech: 3 new articles" in out


def test_a_hidden_folder_named_on_the_command_line_is_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Hidden entries are skipped inside a folder; the folder the user names is theirs.
    folder = tmp_path / ".feeds"
    folder.mkdir()
    shutil.copy(DATA / "feeds" / "world.xml", folder / "world.xml")
    code, out, err = run(capsys, "add", str(folder))
    assert code == 0, err
    assert "added [1] Fixture World in General: 3 new articles" in out


def test_json_feeds_with_escaped_slashes_are_feeds(tmp_path: Path) -> None:
    # PHP's json_encode writes "https:\/\/jsonfeed.org\/version\/1"; such feeds were
    # refused as "JSON but not a JSON Feed" by the parser and skipped in folders.
    from termnews.core.sources.local import read_feed_file

    feed = tmp_path / "escaped.json"
    item = '{"id": "1", "url": "https:\\/\\/a.example\\/1", "content_text": "Hello there."}'
    feed.write_text(
        '{"version": "https:\\/\\/jsonfeed.org\\/version\\/1.1", "title": "Escaped",'
        f' "items": [{item}]}}'
    )
    parsed, _ = read_feed_file(feed)
    assert parsed.title == "Escaped" and parsed.entries[0].link == "https://a.example/1"
    assert classify(feed) == "feed"
    # Keys in sorted order put "version" after a long items list.
    late = tmp_path / "sorted.json"
    items = ", ".join(item for _ in range(200))
    late.write_text(
        f'{{"items": [{items}], "title": "Sorted", "version": "https://jsonfeed.org/version/1"}}'
    )
    assert classify(late) == "feed"


def test_json_feed_version_url_with_http_is_accepted(tmp_path: Path) -> None:
    # pxlnv.com's feed (NetNewsWire's test corpus) says "http://jsonfeed.org/version/1"
    # and was refused "not a JSON Feed (no jsonfeed.org version)".
    from termnews.core.sources.local import read_feed_file

    feed = tmp_path / "http.json"
    feed.write_text(
        '{"version": "http://jsonfeed.org/version/1", "title": "Plain",'
        ' "items": [{"id": "1", "content_text": "Hello there."}]}'
    )
    parsed, _ = read_feed_file(feed)
    assert parsed.title == "Plain" and len(parsed.entries) == 1


def test_import_of_a_folder_points_to_add(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "import", str(tmp_path))
    assert code == 2
    assert err.strip() == (
        f"termnews: error: {tmp_path}: is a folder; 'termnews add {tmp_path}' imports the "
        "OPML lists in it (and its feeds)"
    )


def test_a_bad_new_file_in_a_folder_already_added_is_a_failed_source(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Exit 1 ("some sources failed", the others are there), not 2 (bad input).
    folder = tmp_path / "f"
    folder.mkdir()
    shutil.copy(DATA / "feeds" / "world.xml", folder / "world.xml")
    assert run(capsys, "add", str(folder))[0] == 0
    shutil.copy(DATA / "feeds" / "malformed.xml", folder / "broken.xml")
    code, _, err = run(capsys, "add", str(folder))
    assert code == 1, err
    assert "broken.xml: malformed XML" in err


_UNTITLED_RSS = (
    '<?xml version="1.0"?><rss version="2.0"><channel><link>https://loop.example/</link>'
    "<item><title>Pier reopens</title><guid>p1</guid><description>The east pier reopens."
    "</description></item></channel></rss>"
)
_UNTITLED_ATOM = (
    '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><id>urn:x</id>'
    "<entry><id>urn:e1</id><title>Pier reopens</title><updated>2026-11-23T10:00:00Z</updated>"
    "<summary>The east pier reopens.</summary></entry></feed>"
)


@pytest.mark.parametrize("text", [_UNTITLED_RSS, _UNTITLED_ATOM], ids=["rss", "atom"])
def test_a_feed_file_without_a_title_is_named_by_its_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    """Its source column said "(untitled feed)", whatever the feed and wherever it was."""
    folder = tmp_path / "feeds"
    folder.mkdir()
    (folder / "harbour-wire.xml").write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "add", str(folder))
    assert code == 0, err
    code, out, _ = run(capsys, "feeds", "--json")
    assert [f["title"] for f in json.loads(out)] == ["harbour-wire"]
