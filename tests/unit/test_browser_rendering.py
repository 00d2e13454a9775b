"""Article bodies drawn as a browser draws them (list numbers, lazy images, terms).

Each check renders a small HTML fixture through both halves the reader sees:
``html_to_markdown`` (core/content.py) and the article pane's layout
(app/widgets/article_body.py), which ``termnews show`` prints too.
"""

from __future__ import annotations

from termnews.app.widgets.article_body import parse_document, plain_lines
from termnews.core.content import html_to_markdown


def shown(html: str, width: int = 60) -> list[str]:
    """The pane's lines for ``html`` at ``width``, trailing spaces dropped."""
    return [line.rstrip() for line in plain_lines(parse_document(html_to_markdown(html)), width)]


def test_reversed_list_counts_down_from_its_item_count() -> None:
    html = "<ol reversed><li>bronze</li><li>silver</li><li>gold</li></ol>"
    assert shown(html) == ["3. bronze", "2. silver", "1. gold"]


def test_reversed_list_counts_down_from_its_start() -> None:
    html = '<ol reversed start="10"><li>ten</li><li>nine</li></ol>'
    assert shown(html) == ["10. ten", " 9. nine"]


def test_start_is_honoured_and_widens_the_markers() -> None:
    html = '<ol start="9"><li>nine</li><li>ten</li></ol>'
    assert shown(html) == [" 9. nine", "10. ten"]


def test_item_value_renumbers_it_and_those_after() -> None:
    html = '<ol><li>one</li><li value="7">seven</li><li>eight</li></ol>'
    assert shown(html) == ["1. one", "7. seven", "8. eight"]


def test_letter_and_roman_types() -> None:
    assert shown('<ol type="a"><li>x</li><li>y</li><li>z</li></ol>') == ["a. x", "b. y", "c. z"]
    assert shown('<ol type="A" start="26"><li>x</li><li>y</li></ol>') == ["Z. x", "AA. y"]
    roman = '<ol type="i" start="3"><li>x</li><li>y</li><li>z</li></ol>'
    assert shown(roman) == ["iii. x", "iv. y", "v. z"]
    assert shown('<ol type="I"><li value="1999">x</li></ol>') == ["MCMXCIX. x"]


def test_reversed_list_below_zero_keeps_its_numbers_as_text() -> None:
    html = '<ol reversed start="1"><li>a</li><li>b</li><li>c</li></ol>'
    assert shown(html) == ["1. a", "0. b", "-1. c"]


def test_hostile_numbers_fall_back_to_counting() -> None:
    html = '<ol start="99999999999999"><li value="x">a</li><li>b</li></ol>'
    assert shown(html) == ["1. a", "2. b"]


LAZY_FIGURE = (
    '<figure><img alt="A heron" src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAA'
    'AAABAAEAAAIBRAA7" data-nimg="fill"><noscript><img alt="A heron" src="/photos/heron.jpg">'
    "</noscript><figcaption>Grey heron.</figcaption></figure>"
)


def test_noscript_image_stands_in_for_a_data_placeholder() -> None:
    md = html_to_markdown(LAZY_FIGURE, "https://news.example.com/a/")
    assert md == "![A heron](https://news.example.com/photos/heron.jpg)\n\n*Grey heron.*"
    assert "data:" not in md


def test_noscript_image_stands_in_for_a_pixel_or_no_image() -> None:
    pixel = (
        '<figure><span><img src="/img/blank.gif" width="1" height="1"></span>'
        '<noscript><img src="https://cdn.example.com/p.jpg" alt="Pier"></noscript></figure>'
    )
    assert html_to_markdown(pixel) == "![Pier](https://cdn.example.com/p.jpg)"
    alone = (
        '<figure><noscript><img src="https://cdn.example.com/p.jpg" alt="Pier"></noscript></figure>'
    )
    assert html_to_markdown(alone) == "![Pier](https://cdn.example.com/p.jpg)"


def test_noscript_is_left_out_beside_a_real_image_or_holding_a_pixel() -> None:
    real = (
        '<figure><img src="https://cdn.example.com/p.jpg" alt="Pier">'
        '<noscript><img src="https://cdn.example.com/p-small.jpg" alt="Pier"></noscript></figure>'
    )
    assert html_to_markdown(real) == "![Pier](https://cdn.example.com/p.jpg)"
    tracker = (
        "<p>Words.<noscript><img src='https://www.facebook.com/tr?id=1' width=1 height=1>"
        "<img src='data:image/png;base64,AAAA' alt='x'></noscript></p>"
    )
    assert html_to_markdown(tracker) == "Words."


def test_definition_list_indents_each_description_under_its_bold_term() -> None:
    html = (
        "<p>Terms.</p><dl><dt>Apogee</dt><dd>The point of an orbit farthest from the Earth."
        "</dd><dt>Perigee</dt><dd>The nearest point.</dd><dd>A second sense.</dd></dl>"
        "<p>After.</p>"
    )
    assert shown(html, 40) == [
        "Terms.",
        "",
        "Apogee",
        "    The point of an orbit farthest from",
        "    the Earth.",
        "",
        "Perigee",
        "    The nearest point.",
        "    A second sense.",
        "",
        "After.",
    ]
    document = parse_document(html_to_markdown(html))
    term = next(b for b in document.blocks if b.content.plain == "Apogee")
    assert any(str(span.style) == "bold" for span in term.content.spans)


def test_plus_at_a_line_start_in_feed_text_is_not_a_description() -> None:
    assert shown("<p>+ 5 points</p>") == ["+ 5 points"]


def test_no_break_spaces_keep_their_words_on_one_line() -> None:
    html = "<p>The race was run over 10&nbsp;km and won by <b>Mr.&nbsp;Smith</b> of the club.</p>"
    for width in range(16, 40):
        lines = shown(html, width)
        assert not any(line.endswith(("10", "Mr.")) for line in lines), (width, lines)
        assert " ".join(lines) == "The race was run over 10 km and won by Mr. Smith of the club."
    expected = ["The race was run over", "10 km and won by", "Mr. Smith of the club."]
    assert shown(html, 24) == expected


def test_text_whose_every_space_is_a_no_break_one_still_wraps_at_words() -> None:
    words = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    lines = shown("<p>" + "&nbsp;".join(words) + "</p>", 20)
    assert all(len(line) <= 20 for line in lines)
    assert all(word in words for line in lines for word in line.split())


def test_a_markdown_files_own_plus_list_keeps_its_bullets() -> None:
    """CommonMark bullets may be "+": an article file's list lost its bullets when every
    "+" list was taken for a definition's description."""
    lines = [
        line.rstrip() for line in plain_lines(parse_document("Packing:\n\n+ tent\n+ stove"), 60)
    ]
    assert "• tent" in lines and "• stove" in lines
