"""The lxml fast path gives the same entries as feedparser, and steps aside when unsure."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import termnews.core.sources.parse as parse_module
from termnews.core.models import ParsedFeed
from termnews.core.sources.fastparse import attempt_fast, parse_fast
from termnews.core.sources.parse import parse_feed_bytes

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "feeds-real"
URL = "https://example.org/feed.xml"


def feedparser_only(data: bytes, url: str = URL) -> ParsedFeed:
    saved = parse_module._parse_fast
    parse_module._parse_fast = lambda data, url: None  # type: ignore[assignment]
    try:
        return parse_feed_bytes(data, url)
    finally:
        parse_module._parse_fast = saved  # type: ignore[assignment]


def assert_same(fast: ParsedFeed, slow: ParsedFeed) -> None:
    assert (fast.title, fast.link, fast.ttl_minutes) == (slow.title, slow.link, slow.ttl_minutes)
    assert len(fast.entries) == len(slow.entries)
    recent = datetime.now(UTC) - timedelta(minutes=5)
    for a, b in zip(fast.entries, slow.entries, strict=True):
        for f in fields(a):
            x, y = getattr(a, f.name), getattr(b, f.name)
            if isinstance(x, datetime) and isinstance(y, datetime) and x > recent and y > recent:
                continue  # future dates are clamped to "now", a few microseconds apart
            assert x == y, f.name


def rss(items: str, channel: str = "<title>T</title><link>https://example.org/</link>") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/"'
        ' xmlns:atom="http://www.w3.org/2005/Atom">'
        f"<channel>{channel}{items}</channel></rss>"
    ).encode()


CASES = {
    "permalink guid is the link": "<item><title>a</title><guid>https://x.org/1</guid></item>",
    "non-permalink guid": '<item><title>a</title><guid isPermaLink="false">id-1</guid></item>',
    "first non-empty title wins": (
        "<item><title></title><title>b</title><dc:title>c</dc:title></item>"
    ),
    "content before description": (
        "<item><title>a</title><content:encoded>&lt;p&gt;full &lt;b&gt;text&lt;/b&gt;&lt;/p&gt;"
        "</content:encoded><description>short</description></item>"
    ),
    "content only": (
        "<item><title>a</title><content:encoded><![CDATA[<p>x</p>]]></content:encoded></item>"
    ),
    "dates and authors": (
        "<item><title>a</title><pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate>"
        "<dc:date>2003-06-11T08:00:00+02:00</dc:date><author>me@x.org (Me)</author>"
        "<dc:creator>Someone</dc:creator></item>"
    ),
    "categories deduplicated": (
        "<item><title>a</title><category>x</category><category domain='d'>y</category>"
        "<category>x</category><dc:subject>z</dc:subject></item>"
    ),
    "media and enclosures": (
        "<item><title>a</title><media:group><media:content url='https://x.org/v.mp4'/>"
        "<media:thumbnail url='https://x.org/t.jpg'/></media:group>"
        "<enclosure url='https://x.org/a.mp3' type='audio/mpeg' length='1'/></item>"
    ),
    "atom link in rss": (
        "<item><title>a</title><atom:link rel='alternate' href='https://x.org/alt'/></item>"
    ),
    "cp1252 and mojibake": "<item><title>caf\u00c3\u00a9 \u0093quoted\u0094</title></item>",
    "mojibake beside a character past Latin-1 is left alone": (
        "<item><title>caf\u00c3\u00a9 \u2014 \u0093q\u0094</title>"
        "<description>caf\u00c3\u00a9 \u00e9t\u00e9 \u20ac</description></item>"
    ),
    "a date repeated in an item is the same date, another one is read": (
        "<item><title>a</title><pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate>"
        "<dc:date>Tue, 10 Jun 2003 04:00:00 GMT</dc:date></item><item><title>b</title>"
        "<dc:date>Tue, 10 Jun 2003 04:00:00 GMT</dc:date><pubDate>Wed, 11 Jun 2003 04:00:00"
        " -0130</pubDate><dc:date>2003-06-11T08:00:00-00:00</dc:date></item>"
    ),
    "links with entities and extra slashes": (
        "<item><title>a</title><link>https:///x.org/a?b=1&amp;amp;c=2&amp;d</link></item>"
        "<item><title>b</title><guid>http:////x.org/g&amp;h</guid></item>"
    ),
    "undated and untitled": "<item><description>Only a body here</description></item>",
    "item-scoped xml:base leaks to later items, as in feedparser": (
        "<item xml:base='https://example.com/first/'><title>a</title><link>one</link></item>"
        "<item><title>b</title><link>second</link><guid>g/2</guid></item>"
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_rss_shapes_match_feedparser(name: str) -> None:
    data = rss(CASES[name])
    fast = parse_fast(data, URL)
    assert fast is not None, attempt_fast(data, URL)
    assert_same(fast, feedparser_only(data))


def test_atom_matches_feedparser() -> None:
    data = b"""<?xml version="1.0" encoding="utf-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom"><title type="html">A &amp;amp; B</title>
    <id>https://example.org/</id>
    <entry><title>One</title><id>tag:example.org,2024:1</id>
      <link href="https://example.org/1"/><link rel="enclosure" href="https://example.org/1.mp3"/>
      <author><name>Ann</name><email>ann@example.org</email></author>
      <published>2024-01-01T10:00:00Z</published><updated>2024-01-02T10:00:00Z</updated>
      <category term="news" label="News"/><summary>Short</summary>
      <content type="html">&lt;p&gt;Long &lt;a href="/x"&gt;text&lt;/a&gt;&lt;/p&gt;</content>
    </entry>
    <entry><title type="text">Two</title><id>https://example.org/2</id>
      <content type="text">Plain body
with lines</content></entry>
    </feed>"""
    fast = parse_fast(data, URL)
    assert fast is not None
    assert_same(fast, feedparser_only(data))
    assert fast.link == "https://example.org/"
    assert fast.entries[1].link == "https://example.org/2"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'<?xml version="1.0" encoding="iso-8859-1"?><rss><channel/></rss>', "encoding"),
        (b'<!DOCTYPE rss SYSTEM "x.dtd"><rss><channel/></rss>', "DOCTYPE"),
        (b"<rss><channel><item><title>a</ite></channel></rss>", "not well-formed"),
        (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', "root"),
        (rss("<item><source url='https://x.org'>S</source></item>"), ":source"),
        (rss("<item><media:title>m</media:title></item>"), "media:title"),
        (rss("<item><categories><category>c</category></categories></item>"), "nested"),
        (rss("<item><tags>a, b</tags></item>"), ":tags"),
        (rss("<item><description>a</description><description>b</description></item>"), "summary"),
    ],
)
def test_unusual_documents_go_to_feedparser(data: bytes, reason: str) -> None:
    result = attempt_fast(data, URL)
    assert isinstance(result, str) and reason in result


def corpus_fast_files() -> Iterator[Path]:
    if not CORPUS.is_dir():
        return
    for path in sorted(CORPUS.rglob("*")):
        usable = path.is_file() and path.suffix not in (".csv", ".md")
        if usable and parse_fast(path.read_bytes(), URL) is not None:
            yield path


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus is absent")
def test_real_feeds_give_the_same_articles_both_ways() -> None:
    files = list(corpus_fast_files())
    assert len(files) >= 80  # most well-formed UTF-8 RSS 2.0 / Atom files
    for path in files:
        data = path.read_bytes()
        fast = parse_fast(data, URL)
        assert fast is not None
        try:
            assert_same(fast, feedparser_only(data))
        except AssertionError as exc:
            raise AssertionError(f"{path.relative_to(CORPUS)}: {exc}") from exc


def test_an_unknown_namespace_is_named_by_each_element_s_own_prefix() -> None:
    # The tag-name memo must not give the second element the first one's prefix.
    from lxml import etree

    from termnews.core.sources.fastparse import _name

    doc = etree.fromstring(
        b'<r xmlns:a="urn:x-unknown" xmlns:b="urn:x-unknown"><a:t/><b:t/><a:t/></r>'
    )
    assert [_name(el) for el in doc] == [("a", "t"), ("b", "t"), ("a", "t")]


def _fix_as_before(text: str) -> str:
    """_fix as it was written first: the C1 check is a regex over the text."""
    import contextlib

    from termnews.core.sources.fastparse import _C1, _cp1252

    if text.isascii():
        return text
    try:
        raw = text.encode("iso-8859-1")
    except UnicodeEncodeError:
        pass
    else:
        with contextlib.suppress(UnicodeDecodeError):
            text = raw.decode("utf-8")
    return text.translate(_cp1252) if _C1.search(text) else text


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("caf\xe9 \x93ok\x94", "café “ok”"),  # Latin-1 text with Windows-1252 quotes
        ("\u201cnew\u201d \x96 \x80", "“new” – €"),  # C1 beside characters past Latin-1
        ("\u00c3\u00a9t\u00c3\u00a9", "été"),  # UTF-8 read as Latin-1
        ("Nú\u00f1ez \u00a0 서울 \u00c2", "Nú\u00f1ez \u00a0 서울 \u00c2"),  # nothing to repair
    ],
)
def test_text_repairs(text: str, fixed: str) -> None:
    from termnews.core.sources.fastparse import _fix

    assert _fix(text) == fixed == _fix_as_before(text)


def test_text_repairs_match_the_regex_check_on_random_text() -> None:
    import random

    from termnews.core.sources.fastparse import _fix

    rnd = random.Random(8)
    pieces = ["a", "é", "\x85", "\x9f", "\x80", "€", "“", "서", "Â", "\xa0", "Ã©", "\ud800"]
    pieces += ["😀", "\n"]
    for _ in range(20_000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 8)))
        assert _fix(text) == _fix_as_before(text), repr(text)


def test_join_matches_feedparser_s_urljoin() -> None:
    # _join skips _urljoin's slash-fixing substitution when it cannot change the URI:
    # the result must be the same for any base and URI, malformed ones included.
    import random

    from feedparser.urls import _urljoin

    from termnews.core.sources.fastparse import _join

    bases = ["", "http://e.org/a/b", "https://e.org/", "http:///x", "http://[::1", "/rel/"]
    uris = ["", "x", "/p?q=1#f", "http://e.org/", "http:///e.org/", "HTTP:////a//b", "a+b.c-d:///x"]
    uris += ["1http:///x", "http://[::1/", "javascript:alert(1)", "//e.org/p", "x:///", "://///"]
    for base in bases:
        for uri in uris:
            assert _join(base, uri) == _urljoin(base, uri), (base, uri)
    rnd = random.Random(3)
    pieces = ["h", "t", ":", "/", "//", "[", "]", "e.org", "+", ".", "?", "#", "1", " ", "é"]
    for _ in range(20_000):
        base = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 6)))
        uri = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 8)))
        assert _join(base, uri) == _urljoin(base, uri), (base, uri)


def test_fix_without_c1_is_fix_for_text_without_c1() -> None:
    # _fix(text, c1=False) may skip the C1 check only because the text holds none.
    import random

    from termnews.core.sources.fastparse import _fix

    rnd = random.Random(9)
    pieces = ["a", "é", "Â", "\xa0", "Ã©", "Ã", "\xc2", "€", "“", "서", "\ud800", "😀", "\n"]
    for _ in range(20_000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 8)))
        assert _fix(text, False) == _fix(text), repr(text)


def test_a_document_said_to_hold_no_c1_has_none_in_any_text() -> None:
    import random

    from lxml import etree

    from termnews.core.sources.fastparse import _C1, _may_hold_c1

    rnd = random.Random(10)
    pieces = ["a", "é", "\xa0", "\x85", "\x9f", "&#133;", "&#x85;", "&#x9F;", "&#0128;"]
    pieces += ["&#x0080;", "&#127;", "&#160;", "&#8217;", "&amp;#133;", "#", "&#x2014;"]
    pieces += ["<![CDATA[&#133;]]>", "<![CDATA[\x85]]>", "<b>&#159;</b>", "\u0185"]
    pieces += ["b", "ü", "\u2014", "&amp;", "<i>c</i>", "\u0105", "\U0001f600"] * 3
    said_none = 0
    for _ in range(5_000):
        body = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 6)))
        data = f"<r><t>{body}</t><u a='{rnd.choice(pieces[:9])}'/></r>".encode()
        try:
            root = etree.fromstring(data)
        except etree.XMLSyntaxError:
            continue
        texts = [el.text or "" for el in root.iter()] + [el.tail or "" for el in root.iter()]
        if any(_C1.search(t) for t in texts):
            assert _may_hold_c1(data), data
        said_none += not _may_hold_c1(data)
    assert said_none > 100  # the fast answer is given, not only the safe one
    assert not _may_hold_c1("<r>é \u2014 &amp; &lt;x&gt; <![CDATA[ü]]></r>".encode())


def _bases_as_before(root: object) -> dict[object, str]:
    """_bases without its memo: feedparser's join for every element."""
    from feedparser.urls import _urljoin, make_safe_absolute_uri
    from lxml import etree

    from termnews.core.sources.fastparse import XML_BASE

    bases: dict[object, str] = {}
    current = ""
    stack: list[str] = []
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            rel = el.get(XML_BASE) or el.get("base") or current
            if current:
                current = make_safe_absolute_uri(current, rel) or current
            else:
                current = _urljoin(current, rel)
            stack.append(current)
            bases[el] = current
        else:
            stack.pop()
            if stack and stack[-1]:
                current = stack[-1]
    return bases


def test_memoised_bases_match_feedparser_s_step_by_step_bases() -> None:
    import random

    from lxml import etree

    from termnews.core.sources.fastparse import _bases

    rnd = random.Random(11)
    values = ["", "http://e.org/a/", "https://e.org/b/c", "rel/", "../up/", "/abs/", "#frag"]
    values += ["javascript:alert(1)", "http:///x//y", "http://e.org/a/../b/", "?q=1", "ftp://f/"]
    values += ["data:text/html,x", "http://[::1", "  http://s.org/ ", "mailto:a@b"]

    def tree(depth: int) -> str:
        attrs = ""
        if (r := rnd.random()) < 0.3:
            attrs = f' xml:base="{rnd.choice(values)}"'
        elif r < 0.4:
            attrs = f' base="{rnd.choice(values)}"'
        kids = "".join(tree(depth + 1) for _ in range(rnd.randint(0, 3))) if depth < 4 else ""
        return f"<e{attrs}>{kids}</e>"

    for _ in range(2_000):
        root = etree.fromstring(tree(0).encode())
        got, expected = _bases(root), _bases_as_before(root)
        assert [got[el] for el in root.iter()] == [expected[el] for el in root.iter()]
