"""Feed parsing: RSS, Atom, JSON Feed (our own parser), and bad documents."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.conftest import needs_corpus

from termnews.core.errors import SourceError
from termnews.core.sources.jsonfeed import parse_json_feed
from termnews.core.sources.local import discover_local, read_feed_file
from termnews.core.sources.parse import FeedParseError, parse_feed_bytes


def test_rss_fields(feeds_dir: Path) -> None:
    feed, _ = read_feed_file(feeds_dir / "world.xml")
    assert feed.title == "Fixture World" and feed.ttl_minutes == 30
    first = feed.entries[0]
    assert first.guid == "fixture-world-1"
    assert first.published is not None and first.published.year == 2026
    assert first.categories == ("Transport",)
    assert "Traffic returns" in first.content  # plain text; the Markdown is made on read
    assert "## Traffic returns" in first.markdown
    assert "https://fixture.example/repairs" in first.markdown
    assert "<" not in first.summary
    assert "🎉" in feed.entries[1].title and "日本語" in feed.entries[1].content


def test_atom_fields(feeds_dir: Path) -> None:
    feed, _ = read_feed_file(feeds_dir / "tech.atom")
    assert [e.title for e in feed.entries][1] == "[bold]Markup[/] in a title stays text"
    assert feed.entries[0].author == "Sam Reyes"


def test_json_feed(feeds_dir: Path) -> None:
    feed = parse_json_feed((feeds_dir / "news.json").read_bytes())
    assert feed.title == "Fixture JSON"
    one, two, three = feed.entries
    assert one.categories == ("Science", "Space") and one.published is not None
    assert "https://fixture.example/x" in one.content  # relative link resolved
    assert (
        two.guid == "2"
        and two.title.startswith("Untitled text item")
        and two.author == "Item Author"
    )
    assert two.updated is not None and two.updated.hour == 8  # +01:00 normalised to UTC
    assert (
        three.title == "42"
        and three.categories == ()
        and three.enclosures == ("https://fixture.example/a.mp3",)
    )
    assert feed.entries[0].author == "JSON Desk"  # feed-level author falls through


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"{not json", "JSON"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": 5}', "no items"),
        (b'{"version": "https://jsonfeed.org/version/1", "items": [', "malformed JSON"),
        (b'{"title": "x"}', "not a JSON Feed"),
        (b"<!DOCTYPE html><html><body>hi</body></html>", "HTML page"),
        (b"\x00\x01\x02binary", "not a feed"),
        # A text file's address given to 'add': "syntax error at line 2, column 0".
        (b"just some text\nand more\n", "not a feed: plain text, neither XML nor JSON"),
    ],
)
def test_bad_documents_have_reasons(data: bytes, reason: str) -> None:
    with pytest.raises(FeedParseError, match=reason):
        parse_feed_bytes(data)


def test_server_noise_before_the_xml_is_not_taken_for_plain_text() -> None:
    noisy = b"Warning: headers already sent in feed.php on line 3\n" + (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>N</title>'
        b"<item><title>One</title><guid>1</guid></item></channel></rss>"
    )
    try:
        feed = parse_feed_bytes(noisy)
    except FeedParseError as exc:
        assert "plain text" not in str(exc)
    else:
        assert [e.title for e in feed.entries] == ["One"]


def test_gzip_feed_file(tmp_path: Path, feeds_dir: Path) -> None:
    gz = tmp_path / "world.xml.gz"
    gz.write_bytes(gzip.compress((feeds_dir / "world.xml").read_bytes()))
    feed, _ = read_feed_file(gz)
    assert len(feed.entries) == 3


def test_local_errors(tmp_path: Path, feeds_dir: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        discover_local(str(tmp_path / "missing.xml"))
    with pytest.raises(SourceError, match="malformed XML"):
        read_feed_file(feeds_dir / "malformed.xml")
    (tmp_path / "empty").mkdir()
    with pytest.raises(SourceError, match="holds no feed files"):
        discover_local(str(tmp_path / "empty"))
    png = tmp_path / "image.xml"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with pytest.raises(SourceError):
        read_feed_file(png)


def test_future_dates_are_clamped() -> None:
    data = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><guid>1</guid>'
        b"<title>x</title><pubDate>Fri, 01 Jan 2100 00:00:00 GMT</pubDate></item></channel></rss>"
    )
    entry = parse_feed_bytes(data).entries[0]
    assert entry.published is not None and entry.published.year < 2100


def test_dates_past_2200_are_clamped_like_any_future_date_not_dropped() -> None:
    # Dates after 2200 were dropped as absurd (the item listed with no date), where a
    # date in 2150 was clamped to the fetch: both are a broken clock, both are capped.
    # JSON Feed had no cap at all: a 2150 item was listed first, 'now', for good.
    before = datetime.now(UTC)
    rss = parse_feed_bytes(
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        + b"".join(
            f"<item><guid>{year}</guid><title>x</title>"
            f"<pubDate>Mon, 01 Jan {year} 00:00:00 GMT</pubDate></item>".encode()
            for year in (2150, 2300, 9000, 2020)
        )
        + b"</channel></rss>"
    )
    items = ",".join(
        f'{{"id":"{year}","title":"x","date_published":"{year}-01-01T00:00:00Z",'
        f'"date_modified":"{year}-01-02T00:00:00Z"}}'
        for year in (2150, 2300, 9000, 2020)
    )
    json_feed = parse_json_feed(
        f'{{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[{items}]}}'.encode()
    )
    after = datetime.now(UTC)
    for feed in (rss, json_feed):
        *future, past = feed.entries
        for entry in future:
            assert entry.published is not None, entry.guid
            assert before <= entry.published <= after, (entry.guid, entry.published)
            assert entry.updated is None or entry.updated <= after, entry.guid
        assert past.published == datetime(2020, 1, 1, tzinfo=UTC)


def test_parsed_entries_survive_the_trip_from_a_parse_worker(feeds_dir: Path) -> None:
    """Parse workers pickle their results; every field must come back as it was."""
    import dataclasses
    import pickle

    for name in ("world.xml", "tech.atom", "news.json"):
        parsed = read_feed_file(feeds_dir / name)[0]
        assert parsed.entries
        back = pickle.loads(pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL))
        assert back == parsed
        for before, after in zip(parsed.entries, back.entries, strict=True):
            assert dataclasses.astuple(after) == dataclasses.astuple(before)
            assert type(after.published) is type(before.published)


_CONTENT_ONLY_ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Content only</title>
<id>urn:c</id><updated>2026-11-20T10:00:00Z</updated>
<entry><id>urn:c:1</id><title>One</title><updated>2026-11-20T10:00:00Z</updated>
<content type="html">&lt;p&gt;America&amp;#8217;s
&lt;b&gt;favourite&lt;/b&gt; show.&lt;/p&gt;</content>
</entry></feed>"""

_CONTENT_ONLY_RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Content only</title><link>https://fixture.example/</link>
<item><guid>c1</guid><title>One</title>
<content:encoded><![CDATA[<p>America&#8217;s <b>favourite</b> show.</p>]]></content:encoded>
</item></channel></rss>"""


@pytest.mark.parametrize(
    "data",
    [
        _CONTENT_ONLY_ATOM,  # the fast parser
        _CONTENT_ONLY_RSS,
        _CONTENT_ONLY_ATOM.replace(b"utf-8", b"iso-8859-1"),  # feedparser
        _CONTENT_ONLY_RSS.replace(b"utf-8", b"iso-8859-1"),
    ],
    ids=["atom-fast", "rss-fast", "atom-feedparser", "rss-feedparser"],
)
def test_summary_of_an_entry_with_only_html_content_is_plain_text(data: bytes) -> None:
    """Daring Fireball's Atom entries (content, no summary) had their HTML, tags and
    entities, as the 'plain-text' summary: in articles --json and every search snippet."""
    (entry,) = parse_feed_bytes(data).entries
    assert entry.summary == "America\u2019s favourite show."
    assert entry.content == "America\u2019s favourite show."


_HTML_TITLE_ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Google Alert - Slack</title>
<id>urn:a</id><updated>2026-11-20T10:00:00Z</updated>
<entry><id>urn:a:1</id><updated>2026-11-20T10:00:00Z</updated>
<title type="html">&lt;b&gt;Slack&lt;/b&gt; Stock Has a Story</title></entry></feed>"""

_HTML_TITLE_RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>T</title>
<item><guid>1</guid><title>AT&amp;amp;T &lt;i&gt;news&lt;/i&gt;</title></item>
<item><guid>2</guid><title>Use &lt;div&gt; for layout</title></item></channel></rss>"""


@pytest.mark.parametrize("encoding", ["utf-8", "iso-8859-1"], ids=["fast", "feedparser"])
def test_html_titles_are_read_as_html(encoding: str) -> None:
    """Google Alerts' titles are type="html": the reader and every listing showed
    "<b>Slack</b> Stock"; RSS titles that look like HTML showed "AT&amp;T"."""
    atom = parse_feed_bytes(_HTML_TITLE_ATOM.replace(b"utf-8", encoding.encode()))
    assert [e.title for e in atom.entries] == ["Slack Stock Has a Story"]
    rss = parse_feed_bytes(_HTML_TITLE_RSS.replace(b"utf-8", encoding.encode()))
    # A title with a tag that is not HTML's ("<div>" alone, no close tag) stays text.
    assert [e.title for e in rss.entries] == ["AT&T news", "Use <div> for layout"]


def test_html_escaped_json_feed_titles_are_decoded() -> None:
    """Grav and other CMSs write JSON Feed titles HTML-escaped ("I&#039;m A Guest!")."""
    feed = parse_json_feed(
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "R", "items": ['
        b'{"id": "1", "title": "Add Task &amp; Sub Tasks", "content_text": "x"},'
        b'{"id": "2", "title": "I&#039;m A Guest!", "content_text": "x"},'
        b'{"id": "3", "title": "Q&A: 3 < 4 & more", "content_text": "x",'
        b' "summary": "Blackletter &amp; thick Tschichold"}]}'
    )
    assert feed.entries[2].summary == "Blackletter & thick Tschichold"
    assert [e.title for e in feed.entries] == [
        "Add Task & Sub Tasks",
        "I'm A Guest!",
        "Q&A: 3 < 4 & more",
    ]


def _atom(content: str, ctype: str = "html") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>T</title><id>urn:t</id><updated>2026-01-01T00:00:00Z</updated>"
        "<entry><title>E</title><id>urn:e</id><updated>2026-01-01T00:00:00Z</updated>"
        f'<content type="{ctype}">{content}</content></entry></feed>'
    ).encode()


def _rss(description: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        "<link>https://t.example/</link><description>d</description>"
        f"<item><title>E</title><guid>e1</guid><description>{description}</description></item>"
        "</channel></rss>"
    ).encode()


@pytest.mark.parametrize("make", [_atom, _rss])
def test_html_escaped_twice_is_read_as_html(make: Callable[[str], bytes]) -> None:
    """Markup escaped once too often (reddit's old RSS, some Hugo themes) showed its
    tags in the article: '<div class="md"><p>Hey Reddit!'."""
    body = "&amp;lt;div class=&amp;quot;md&amp;quot;&amp;gt;&amp;lt;p&amp;gt;Hey Reddit! I&amp;amp;#39;m here.&amp;lt;/p&amp;gt;&amp;lt;/div&amp;gt;"  # noqa: E501
    (entry,) = parse_feed_bytes(make(body)).entries
    assert entry.content == "Hey Reddit! I'm here."
    assert "<" not in entry.markdown and "Hey Reddit! I'm here." in entry.markdown


@pytest.mark.parametrize(
    ("content", "shown"),
    [
        # Escaped text that opens with no tag, or escaped code inside real markup, or
        # no closing tag: the feed means the characters, as feedparser reads them.
        ("&amp;lt;3 you &amp;lt;/b&amp;gt;", "<3 you </b>"),
        (
            "&lt;p&gt;Use &amp;lt;b&amp;gt;bold&amp;lt;/b&amp;gt; here&lt;/p&gt;",
            "Use <b>bold</b> here",
        ),
        ("&amp;lt;br/&amp;gt; breaks a line", "<br/> breaks a line"),
    ],
)
def test_escaped_text_that_is_not_clearly_markup_stays_text(content: str, shown: str) -> None:
    (entry,) = parse_feed_bytes(_atom(content)).entries
    assert entry.content == shown


def test_atom_text_content_is_never_read_as_html() -> None:
    body = "&lt;p&gt;a&lt;/p&gt;"  # type="text": the characters themselves
    (entry,) = parse_feed_bytes(_atom(body, "text")).entries
    assert entry.content == "<p>a</p>"


@needs_corpus
def test_reddits_doubly_escaped_posts_read_as_html_before_its_real_links() -> None:
    """The reddit feed in the corpus: the post's HTML escaped twice, then real
    "submitted by <a>" links; the reader showed '<!-- SC_OFF --><div class="md">'."""
    from tests.conftest import CORPUS

    data = (CORPUS / "feeds-real" / "rss-parser" / "reddit-atom.rss").read_bytes()
    posts = [e for e in parse_feed_bytes(data).entries if "Von Wong" in e.content]
    assert len(posts) == 1
    (post,) = posts
    assert post.content.startswith("Hey Reddit! Benjamin Von Wong here")
    assert "SC_OFF" not in post.content and "<div" not in post.markdown
    assert "[339 comments]" in post.content  # the real links after it are kept


def test_an_emoji_title_keeps_the_key_it_had_when_its_skin_tones_were_stripped() -> None:
    # An item with neither guid nor link is keyed by its title and date. Titles lost
    # their skin tones and joiners at ingest until they were kept whole: keyed by the
    # whole title, such an item cached before would come back once as a new one.
    from termnews.core.store.rows import title_key

    data = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
        b"<title>Thumbs \xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd up</title>"
        b"<pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate></item></channel></rss>"
    )
    entry = parse_feed_bytes(data).entries[0]
    assert entry.title == "Thumbs 👍🏽 up"
    when = datetime(2024, 1, 1, 10, tzinfo=UTC).timestamp()
    assert entry.guid == title_key("Thumbs 👍 up", when)
