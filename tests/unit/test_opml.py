"""OPML import (tolerant and hardened) and export (round trip)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from termnews.core.errors import SourceError
from termnews.core.sources.opml import export_opml, import_opml, parse_opml
from termnews.core.store import Store

DATA = Path(__file__).parents[1] / "data" / "opml"
CORPUS_OPML = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "opml"
needs_opml_corpus = pytest.mark.skipif(not CORPUS_OPML.is_dir(), reason="corpus is absent")


def corpus_files() -> list[Path]:
    if not CORPUS_OPML.is_dir():
        return []
    return sorted(p for p in CORPUS_OPML.rglob("*") if p.is_file() and p.name != "MANIFEST.md")


def test_nested_folders_titles_duplicates_and_odd_urls() -> None:
    doc = parse_opml((DATA / "nested.opml").read_bytes(), "nested.opml")
    got = [(f.url, f.title, f.section) for f in doc.feeds]
    assert got == [
        ("https://example.org/top.xml", "Top level feed", None),
        ("https://example.org/world.xml", "World", "News"),
        ("https://example.org/europe.xml", "Only a title", "News / Europe"),
        ("http://example.org/paris.xml", "Paris", "News / Europe / Local"),
        ("https://example.org/club.xml", "Club", "Sport / Local"),
        ("https://example.org/linux.xml", "Tagged", "Tech / Linux"),
    ]
    assert doc.title == "Nested & friends"
    assert doc.duplicates == 1
    assert doc.feeds[1].site_url == "https://example.org/world"
    assert any("mailto:" in w for w in doc.warnings)
    assert any("include" in w for w in doc.warnings)


def test_malformed_urls_are_skipped_with_a_warning_not_a_traceback() -> None:
    # urlsplit raises ValueError on a bad bracketed host: the whole import died.
    data = b"""<?xml version="1.0"?><opml version="2.0"><body>
    <outline text="Bad host" type="rss" xmlUrl="http://[zz]/feed"/>
    <outline text="Unclosed" type="rss" xmlUrl="https://[::1"/>
    <outline text="Port" type="rss" xmlUrl="http://example.org:port/feed"/>
    <outline text="Good" type="rss" xmlUrl="https://example.org/feed" htmlUrl="http://[zz]/"/>
    </body></opml>"""
    doc = parse_opml(data, "bad-urls.opml")
    assert [(f.url, f.site_url) for f in doc.feeds] == [("https://example.org/feed", None)]
    assert any("http://[zz]/feed" in w and ":port/feed" in w for w in doc.warnings)


def test_raw_ampersands_quotes_and_html_entities_are_read_with_a_warning() -> None:
    doc = parse_opml((DATA / "raw-ampersand.opml").read_bytes(), "raw.opml")
    assert [(f.title, f.section) for f in doc.feeds] == [
        ("Markets & Money", "Business & Economy"),
        ("Café news", "Business & Economy"),
        ('Газета "Коммерсантъ"', "Business & Economy"),
    ]
    assert doc.feeds[0].url == "https://example.org/markets?a=1&b=2"
    assert len(doc.warnings) == 1 and doc.warnings[0].startswith("not well-formed XML (line")


@pytest.mark.parametrize("name", ["billion-laughs.opml", "xxe.opml"])
def test_entity_declarations_are_refused(name: str) -> None:
    with pytest.raises(SourceError, match="declares XML entities; refused for safety"):
        parse_opml((DATA / name).read_bytes(), name)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"just some text", "not an OPML file: malformed XML"),
        (b"<html><body>hi</body></html>", "not an OPML file (root element <html>)"),
        (b"<rss version='2.0'><channel/></rss>", "this is a feed, not an OPML list"),
        (b"<opml><body><outline text='x'/></body></opml>", "no feeds in this OPML file"),
    ],
)
def test_unusable_documents_fail_with_one_line(data: bytes, reason: str) -> None:
    with pytest.raises(SourceError) as info:
        parse_opml(data, "x.opml")
    assert reason in str(info.value) and "\n" not in str(info.value)


def test_import_skips_what_is_already_subscribed(db_path: Path) -> None:
    doc = parse_opml((DATA / "nested.opml").read_bytes())
    with Store.open(db_path) as store:
        store.add_feed("https://example.org/club.xml", section="Mine")
        report = import_opml(store, doc)
        assert len(report.added) == 5 and report.already_subscribed == 1
        assert report.duplicates == 1
        sections = {f.url: f.section for f in store.feeds()}
        assert sections["https://example.org/club.xml"] == "Mine"
        assert sections["https://example.org/top.xml"] == "General"
        assert sections["http://example.org/paris.xml"] == "News / Europe / Local"
        again = import_opml(store, doc)
        assert again.added == () and again.already_subscribed == 6


def test_import_into_one_section(db_path: Path) -> None:
    doc = parse_opml((DATA / "nested.opml").read_bytes())
    with Store.open(db_path) as store:
        import_opml(store, doc, section="Inbox")
        assert {f.section for f in store.feeds()} == {"Inbox"}


def test_export_round_trips(db_path: Path, tmp_path: Path) -> None:
    doc = parse_opml((DATA / "nested.opml").read_bytes())
    with Store.open(db_path) as store:
        import_opml(store, doc)
        store.add_feed(str(tmp_path), title="a local folder", kind="articles")
        before = {(f.url, f.title, f.section, f.site_url) for f in store.feeds() if not f.is_local}
        exported = export_opml(store.feeds())
    assert b"a local folder" not in exported
    etree.fromstring(exported)  # well-formed
    with Store.open(tmp_path / "other.db") as other:
        import_opml(other, parse_opml(exported, "export"))
        after = {(f.url, f.title, f.section, f.site_url) for f in other.feeds()}
    assert after == before


def test_export_escapes_hostile_titles(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.add_feed("https://example.org/a?x=1&y=2", title='<b>"Tom & Jerry"</b>\x1b[31m')
        exported = export_opml(store.feeds())
    doc = parse_opml(exported)
    assert doc.warnings == ()
    assert doc.feeds[0].title == '<b>"Tom & Jerry"</b>'
    assert doc.feeds[0].url == "https://example.org/a?x=1&y=2"


def test_starter_list_is_clean_and_sectioned() -> None:
    from termnews.cli.opml_commands import starter_opml

    doc = parse_opml(starter_opml(), "starter")
    assert doc.warnings == () and doc.duplicates == 0
    sections = {f.section for f in doc.feeds}
    assert {"World", "Technology", "Science", "Business"} <= sections
    assert all(f.url.startswith("https://") and f.title for f in doc.feeds)


@needs_opml_corpus
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: str(p.relative_to(CORPUS_OPML)))
def test_every_corpus_file_imports_or_fails_with_one_line(path: Path, db_path: Path) -> None:
    try:
        doc = parse_opml(path.read_bytes(), path.name)
    except SourceError as exc:
        assert "\n" not in str(exc) and str(exc).startswith(path.name + ": ")
        return
    with Store.open(db_path) as store:
        report = import_opml(store, doc)
        assert len(report.added) == len(doc.feeds) > 0


@needs_opml_corpus
def test_awesome_rss_feeds_lose_no_feed_and_keep_their_folder() -> None:
    files = sorted((CORPUS_OPML / "awesome-rss-feeds").rglob("*.opml"))
    assert len(files) == 61
    repaired = 0
    for path in files:
        raw = path.read_bytes()
        doc = parse_opml(raw, path.name)
        assert len(doc.feeds) + doc.duplicates == len(re.findall(rb"xmlUrl=", raw)), path.name
        repaired += bool(doc.warnings)
        if "with_category" in str(path):
            assert len({f.section for f in doc.feeds}) == 1, path.name
    assert repaired == 42


@needs_opml_corpus
def test_real_exports_keep_folders_and_fall_back_to_text() -> None:
    subs = parse_opml((CORPUS_OPML / "netnewswire-rsparser" / "Subs.opml").read_bytes())
    bare = parse_opml(
        (CORPUS_OPML / "netnewswire-rsparser" / "SubsNoTitleAttributes.opml").read_bytes()
    )
    assert len(subs.feeds) == 207
    assert [f.title for f in subs.feeds] == [f.title for f in bare.feeds]
    assert sum(f.section is None for f in subs.feeds) == 69
    assert {f.section for f in subs.feeds} - {None} == {
        "Programming",
        "Macintosh",
        "Weblogs",
        "Writers",
    }
