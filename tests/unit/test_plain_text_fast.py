"""html_to_text's marker path must give the text the tree walk gives.

``_spaced_text`` (markers written into the markup, text serialised by libxml2)
replaces ``_text_of`` (a Python walk adding spaces around blocks) for most
bodies; these tests compare the two on real feed bodies and on random markup,
and check that everything it cannot do exactly goes to the walk.
"""

from __future__ import annotations

import html
import random
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import CORPUS, needs_corpus

from termnews.core.content import (
    _LOOKS_LIKE_HTML,
    _UNWANTED_ATTRIBUTE,
    _flat_attributes_ok,
    _flat_text,
    _parse,
    _plain_inline_text,
    _prepare,
    _printable_spaced,
    _spaced_text,
    _strip_tags,
    _text_of,
    html_to_text,
)
from termnews.core.text import clean_line


def _walked(markup: str) -> str:
    """html_to_text's answer through the tree walk alone (as before the fast paths)."""
    prepared = _prepare(markup)
    root = _parse(prepared)
    return clean_line(_text_of(root) if root is not None else _strip_tags(prepared))


def _marked(markup: str) -> str | None:
    text = _spaced_text(_prepare(markup))
    return None if text is None else clean_line(text)


def _assert_real_bodies_walk_alike(fast: Callable[[str], str | None]) -> None:
    """Every real-feed body ``fast`` takes gives the walk's text; it takes most of them."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    import content_conversion

    bodies = content_conversion.load_bodies(CORPUS / "feeds-real")
    taken = 0
    for body in bodies:
        text = fast(body)
        if text is not None:
            taken += 1
            assert text == _walked(body), body[:300]
    assert taken > len(bodies) // 2  # the fast path is the usual one


@needs_corpus
def test_real_feed_bodies_give_the_same_text_either_way() -> None:
    _assert_real_bodies_walk_alike(_marked)


_PIECES = [
    *(f"<{t}>" for t in ("p", "div", "li", "ul", "br", "img", "h2")),
    *(f"</{t}>" for t in ("p", "div", "li", "ul", "b", "a", "span", "h2")),
    '<p class="x">', "<img alt='a>b'>", "<p title='<p>'>", "<br/>", "<b>x</b>", '<a href="/">y</a>',
    "<P>", "<Div >", "alpha", "beta", "&amp;", "&nbsp;", "&eacute;", " ", "\n", "é", "—",
]  # fmt: skip


_BLOCK_STARTS = ("p", "div", "li", "ul", "h2")


def _tag_name(piece: str) -> str:
    return piece.strip("</>").split(" ")[0].lower()


def _soup(rng: random.Random) -> str:
    """Random well-nested markup: block end tags close open blocks, inline elements
    hold no blocks. (Misnested markup is where the marker path could misplace a
    space, so the checks of _spaced_text send most of it to the walk.)
    """
    out: list[str] = []
    open_blocks: list[str] = []
    for _ in range(rng.randint(1, 30)):
        piece = rng.choice(_PIECES)
        name = _tag_name(piece) if piece.startswith("<") else ""
        if piece.startswith("</"):
            if name in ("b", "a", "span"):
                out.append(piece)
            elif open_blocks:
                out.append(f"</{open_blocks.pop()}>")
            continue
        if name in _BLOCK_STARTS and open_blocks and open_blocks[-1] == "p":
            open_blocks.pop()
        if name in ("p", "div"):
            open_blocks.append(name)
        out.append(piece)
    return "".join(out)


def test_random_markup_gives_the_same_text_either_way() -> None:
    rng = random.Random(8)
    for _ in range(3_000):
        markup = _soup(rng)
        if "<" not in markup:
            continue
        marked = _marked(markup)
        if marked is not None:
            assert marked == _walked(markup), markup


@pytest.mark.parametrize(
    "markup",
    [
        "<p>a</p><script>document.write('<p>b</p>')</script>",
        "<p>a<!-- <p> -->b</p>",
        '<div class="sharedaddy"><p>Share</p></div><p>text</p>',
        '<p style="display:none">secret</p><p>text</p>',
        "<p>a</p><xmp><p>b</xmp>",
        "<p>a<![CDATA[<p>]]>b</p>",
        "<p>a \ue001 b</p>",
        "<p>a</p>b</div>",
    ],
)
def test_markup_the_markers_cannot_handle_goes_to_the_tree_walk(markup: str) -> None:
    assert _spaced_text(_prepare(markup)) is None
    assert html_to_text(markup) == _walked(markup)


def test_blocks_and_breaks_separate_words() -> None:
    assert html_to_text("<p>one</p><p>two<br>three</p><ul><li>four<li>five</ul>six") == (
        "one two three four five six"
    )
    assert html_to_text("<P>Up</P  ><H2 class=x>Case</H2>") == "Up Case"
    assert html_to_text("a<b>b</b>c") == "abc"  # inline tags do not


@pytest.mark.parametrize(
    "markup",
    ["a</div>b", "<span><p>a</span>b", "<p>a<p>b", "<li>a<li>b", "x</br>y", "<p>a</div>b</p>"],
)
def test_blocks_not_closed_by_their_own_end_tag_go_to_the_tree_walk(markup: str) -> None:
    # A stray end tag is ignored by the parser; a block closed by something else
    # has no marker after it: either way only the walk knows where spaces go.
    assert _spaced_text(_prepare(markup)) is None or "</br>" in markup
    assert html_to_text(markup) == _walked(markup)


_INLINE_PIECES = [
    "<b>", "</b>", "<strong>", "</strong>", "<em>", "</em>", "<span>", "</span>", "</a>",
    '<a href="http://x/y?a=1">', "alpha", "beta", " ", "  ", "\n", "\t", "\u00a0", "&amp;",
    "&lt;", "&gt;", "&quot;", "&#39;", "é", "—", "x>y", '"', "Σ", "\u200b",
]  # fmt: skip


def test_plain_inline_markup_gives_the_tree_s_text_without_a_tree() -> None:
    rng = random.Random(4)
    for _ in range(3_000):
        markup = "".join(rng.choice(_INLINE_PIECES) for _ in range(rng.randint(1, 25)))
        if "<" not in markup:
            continue
        inline = _plain_inline_text(_prepare(markup))
        assert inline is not None, markup
        assert clean_line(inline) == _walked(markup), markup


@pytest.mark.parametrize(
    "markup",
    [
        "<b>a</b><p>b</p>",
        "<b class='share'>a</b>",
        '<a href="x" style="display:none">a</a>',
        "<b>a &eacute; b</b>",
        "<b>a &#0; b</b>",
        "<b>a <!-- c --> b</b>",
        "a <script>x</script>",
        "<b>a</b>" + "x" * 5000,
    ],
)
def test_other_markup_is_not_taken_for_plain_inline(markup: str) -> None:
    assert _plain_inline_text(_prepare(markup)) is None
    assert html_to_text(markup) == _walked(markup)


def test_a_long_run_of_text_fails_the_inline_check_quickly() -> None:
    # Possessive quantifiers: no backtracking through ways of splitting the text.
    assert _plain_inline_text("a" * 3999 + "<") is None


def test_unsafe_check_without_the_regex_misses_no_character() -> None:
    """The printable shortcut must send every character strip_unsafe removes to it."""
    from termnews.core.content import _UNSAFE_HINT, _may_be_unsafe

    unsafe = [chr(i) for i in range(0x110000) if _UNSAFE_HINT.match(chr(i))]
    assert len(unsafe) > 60
    for ch in unsafe:
        for markup in (ch, f"<p>a\n{ch}b</p>", f"\t<p>{ch}</p>\n", f"<p>\u00a0{ch}</p>"):
            assert _may_be_unsafe(markup), repr(markup)
    for markup in ("", "<p>plain</p>", "<p>a</p>\n\t<p>Núñez — “quoted”</p>", "<p>a\u00a0b</p>"):
        assert not _may_be_unsafe(markup), repr(markup)


def test_escape_sequences_in_a_body_with_newlines_are_stripped() -> None:
    markup = "<p>a\n\x1b[31mred\x1b[0m\tb</p>\n<p>c\u202ed</p>"
    assert html_to_text(markup) == "a red b cd"


# --- the tree-less path for plain block markup (_flat_text) -------------------------


def _flat(markup: str) -> str | None:
    text = _flat_text(_prepare(markup))
    return None if text is None else clean_line(text)


@needs_corpus
def test_real_feed_bodies_give_the_same_text_without_a_tree() -> None:
    _assert_real_bodies_walk_alike(_flat)


_FLAT_TEXTS = [
    "alpha", "beta", " ", "\n", "  \n ", "\t", "é", "x>y", "&amp;", "&nbsp;", "&#233;",
    "&#x27;", "&eacute;", "&lang;", "&#128;", "&#0;", "&#xFDD0;", "&#65535;", "a & b", "&amp",
    "&AMP;", "<!-- c -->", "a < b", "<3", "\x01", "\u00ad",
]  # fmt: skip
_FLAT_ATTRS = [
    ' class="share"', " id='x'", ' href="http://a/?b=1&amp;c"', ' title="a>b"', " alt=x",
    ' style="color:red"', " hidden", ' data-hidden="1"',
]  # fmt: skip
_FLAT_NAMES = [
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "blockquote", "pre", "dl", "dt", "dd",
    "address", "center", "section", "figure", "figcaption", "br", "img", "hr", "a", "b", "i",
    "em", "strong", "span", "code", "small", "u", "del", "sup", "mark", "table", "td",
]  # fmt: skip


def _nested_soup(rng: random.Random, depth: int = 0) -> str:
    """Random well-nested markup of any of these elements inside any other."""
    out: list[str] = []
    for _ in range(rng.randint(0, 4)):
        if rng.random() < 0.4 or depth > 6:
            out.append(rng.choice(_FLAT_TEXTS))
            continue
        name = rng.choice(_FLAT_NAMES)
        if rng.random() < 0.1:
            name = name.upper()
        attrs = rng.choice(_FLAT_ATTRS) if rng.random() < 0.3 else ""
        if name.lower() in ("br", "img", "hr"):
            out.append(f"<{name}{attrs}{rng.choice(['', '/', ' /'])}>")
        else:
            out.append(f"<{name}{attrs}>{_nested_soup(rng, depth + 1)}</{name}>")
    return "".join(out)


def test_random_nested_markup_gives_the_same_text_without_a_tree() -> None:
    # Blocks inside paragraphs, headings and lists are where the parser ends an
    # element early and the tree's spaces move: those must be refused.
    rng = random.Random(7)
    taken = 0
    for _ in range(6_000):
        markup = _nested_soup(rng)
        flat = _flat(markup)
        if flat is not None:
            taken += 1
            assert flat == _walked(markup), markup
    assert taken > 300


def test_html_to_text_gives_the_checked_paths_text_on_random_markup() -> None:
    """Skipping clean_line's character check for printable markup changes no text."""
    rng = random.Random(11)
    extra = ["\u00a0", "\x85", "\u2028", "\x1b[1m", "\u202e", "\r", "&shy;", "&#x202e;"]
    for _ in range(6_000):
        markup = _nested_soup(rng)
        if rng.random() < 0.3:
            markup += rng.choice(extra)
        prepared = _prepare(markup)
        if not _LOOKS_LIKE_HTML.search(prepared):
            expected = clean_line(html.unescape(prepared))
        elif (inline := _plain_inline_text(prepared)) is not None:
            expected = clean_line(inline)
        elif (flat := _flat_text(prepared)) is not None:
            expected = clean_line(flat)
        else:
            continue
        assert html_to_text(markup) == expected, markup


def test_printable_markup_reads_alike_without_the_surrogate_check() -> None:
    """``_flat_text(markup, printable=True)`` skips the encoding: surrogates are not printable."""
    assert not any(chr(cp).isprintable() for cp in range(0xD800, 0xE000))
    rng = random.Random(12)
    for _ in range(3_000):
        markup = _prepare(_nested_soup(rng) + rng.choice(["", "é", "—"]))
        if markup.replace("\n", " ").replace("\t", " ").isprintable():
            assert _flat_text(markup, printable=True) == _flat_text(markup), markup


@pytest.mark.parametrize(
    "markup",
    [
        "<p>a<div>b</div>c</p>d",  # the div ends the paragraph: its </p> is stray
        "<h2>a<p>b</p>c</h2>d",
        "<p>a<hr>b</p>c",
        "<li>a<li>b</li>c</li>d",
        "<ul>a<ol><li>b</li></ol>c</ul>d",
        "<span><p>a</span>b</p>",  # not nested
        "<p>a",  # left open
        "a</p>b",  # stray end tag
        "<p>a<sup>1</sup> <b>b</b></p>",  # the parser drops the blank after <sup>
        '<div class="share">Share</div><p>text</p>',
        '<p style="display:none">secret</p><p>text</p>',
        "<p hidden>secret</p>",
        "<p>a<!-- <p> -->b</p>",
        "<p>a < b</p>",
        "<p><a <b>x</a></p>",  # a "<" inside a tag
        '<p><img src="a" <b>x</p>',
        "<p>x</p <b>",
        "<p>AT&T</p>",
        "<p>&#1;</p>",
        "<p>&#xFFFE;</p>",
        '<p><a title="x>y">a</a></p>',
        "<p/>a<p>b</p>",
        "<p>a</p><script>x</script>",
        "<table><tr><td>a</td></tr></table>b",
    ],
)
def test_markup_the_flat_path_cannot_read_goes_elsewhere(markup: str) -> None:
    assert _flat_text(_prepare(markup)) is None
    assert "secret" not in html_to_text(markup)


def test_the_flat_path_reads_plain_bodies() -> None:
    markup = (
        '<p><strong>Lead</strong> &mdash; text with <a href="/x?a=1&amp;b=2">a link</a>.</p>\n'
        "<ul><li>one</li><li>two<br/>three</li></ul>"
        '<p class="intro" id="p2">caf&eacute; &#8212; &#x2019;<img src="a.png" alt="x"></p>'
        "<H2>Up</H2><blockquote><p>q</p></blockquote>"
    )
    assert _flat_text(_prepare(markup)) is not None
    assert html_to_text(markup) == _walked(markup)
    assert html_to_text(markup) == "Lead — text with a link. one two three café — ’ Up q"


def test_named_references_decode_as_the_parser_decodes_them() -> None:
    from termnews.core.content import _HTML4_ENTITIES

    for name in sorted(_HTML4_ENTITIES):
        markup = f"<p>a&{name};b</p>"
        assert _flat(markup) == _walked(markup), name


def test_numeric_references_the_flat_path_takes_decode_alike() -> None:
    points = [*range(0, 0x300), *range(0xD7F0, 0xE010), *range(0xFDC0, 0xFE00)]
    points += [0xFFFD, 0xFFFE, 0xFFFF, 0x1FFFE, 0x10FFFD, 0x10FFFF, 0x110000]
    for cp in points:
        for markup in (f"<p>a&#{cp};b</p>", f"<p>a&#x{cp:X};b</p>"):
            flat = _flat(markup)
            assert flat is None or flat == _walked(markup), markup


def test_printable_check_agrees_with_str_isprintable_on_every_character() -> None:
    """The byte-wise check, in ASCII, mostly-ASCII and dense text, short and long."""
    latin = "<p>Plain text, a café and “quotes” — like most bodies.</p>\n" * 12
    dense = "<p>Москва — сегодня в городе прошла встреча.</p>\n" * 12
    for cp in [*range(0x3000), *range(0x3000, 0x110000, 97)]:
        ch = chr(cp)
        for markup in (ch, f"a\n{ch}\tb", latin + ch, ch + latin, dense + ch, ch + dense):
            expected = markup.replace("\n", " ").replace("\t", " ").isprintable()
            assert _printable_spaced(markup) == expected, hex(cp)


def _attributes_ok_reference(name: str, rest: str) -> bool:
    """``_flat_attributes_ok`` as it was: the regular expression searched every time."""
    from termnews.core.content import _FLAT_ATTRIBUTES_RE, _FLAT_EXEMPT, _FLAT_VOID

    rest = rest.rstrip()
    if rest.endswith("/"):
        if name not in _FLAT_VOID:
            return False
        rest = rest[:-1]
    if not rest or rest.isspace():
        return True
    if name not in _FLAT_EXEMPT and name not in ("img", "br"):
        return False
    return (
        _FLAT_ATTRIBUTES_RE.fullmatch(rest) is not None and _UNWANTED_ATTRIBUTE.search(rest) is None
    )


def test_style_and_hidden_are_found_in_attributes_in_any_case() -> None:
    """The search for them is skipped only where it cannot match (``ſ``, ``İ``, ``ı`` too)."""
    words = ["style", "hidden", "Style", "HIDDEN", "\u017ftyle", "H\u0130DDEN", "h\u0131dden",
             "stylesheet", "xstyle", "hid", "den", "tyle", "dden", "sTyLe"]  # fmt: skip
    rng = random.Random(5)
    for _ in range(3_000):
        value = " ".join(rng.choice(words) for _ in range(rng.randint(0, 3)))
        rest = rng.choice(
            [f' alt="{value}"', f" title='{value}' src=\"x\"", f" {value}", f' a="{value}"/']
        )
        for name in ("a", "img", "br", "p"):
            assert _flat_attributes_ok(name, rest) == _attributes_ok_reference(name, rest), rest
    assert not _flat_attributes_ok("img", ' alt="a \u017ftyle"')
    assert not _flat_attributes_ok("a", ' title="x H\u0130DDEN"')
    assert _flat_attributes_ok("a", ' title="stylesheet"')


def test_the_flat_path_refuses_nesting_deeper_than_its_limit_only() -> None:
    from termnews.core.content import _FLAT_MAX_DEPTH

    def nested(depth: int, siblings: int = 0) -> str:
        flat = "<p>x</p><br><img src='a'>" * siblings  # many elements, little depth
        return flat + "<div>" * depth + "deep" + "</div>" * depth + flat

    assert _flat_text(nested(_FLAT_MAX_DEPTH, 60)) is not None
    assert _flat_text(nested(_FLAT_MAX_DEPTH + 1)) is None
    assert _flat_text(nested(3, 200)) is not None  # more elements than the limit, shallow
    for depth in (_FLAT_MAX_DEPTH - 1, _FLAT_MAX_DEPTH, _FLAT_MAX_DEPTH + 1):
        assert html_to_text(nested(depth, 60)) == _walked(nested(depth, 60))
