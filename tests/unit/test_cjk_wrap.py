"""CJK line breaking in the article pane (kinsoku): core/text.py's cjk_line_spans as the
article body widget lays paragraphs out with it.

A line of Chinese or Japanese never starts with a closing mark (。、，」』）！？ ...) nor
ends with an opening one (「『（ ...), and a Latin word or number inside the text is
not cut when it fits on a line. Checked at the pane's usual widths on paragraphs
written here and on the two CJK pages of ../shared/corpus (gmw, qq).
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest
from rich.cells import cell_len
from tests.conftest import CORPUS, needs_corpus

from termnews.app.widgets.article_body import parse_document, plain_lines
from termnews.core.extract import extract_article
from termnews.core.text import NO_LINE_END, NO_LINE_START, cjk_line_spans, has_cjk

CHINESE = (
    "据英国《每日邮报》报道，美国国家航空航天局（NASA）的宇航员在国际空间站（ISS）上工作时，"
    "不能饮用含酒精的饮料，因为酒精会影响“水循环系统”。DeepMind新电脑已可利用记忆自学！"
    "Google公司的AlphaGo程序在2016年3月以4比1的比分击败了李世石，这是人工智能的里程碑吗？"
    "研究人员说：“这只是开始。”他们表示——未来还有很长的路要走……"
)
JAPANESE = (
    "東京都は十二日、新型の電気バス「エコライナー」を二〇二五年春から運行すると発表した。"
    "車両はトヨタ自動車が開発し、一回の充電で約200キロメートル走れる（都によると、"
    "国内最長）。都の担当者は『環境への負担を減らしたい』と話している。ちょっと待って！"
    "キャッシュレス決済にも対応し、Suicaやクレジットカードが使える。"
)
WIDTHS = (40, 60, 80)
_RUN_END = re.compile(r"[^\s\u3000-\u9fff\uff00-\uffef]+$")
_RUN_START = re.compile(r"^[^\s\u3000-\u9fff\uff00-\uffef]+")
"""Text with no break point in it: a Latin word, a number, a URL."""


def _problems(lines: list[str], width: int, joined: list[bool] | None = None) -> list[str]:
    """Each kinsoku or word-break fault of ``lines``, described; ``joined[i]`` says
    whether line ``i`` and the next were one run of text (no space dropped between)."""
    found = []
    for i, line in enumerate(lines):
        if cell_len(line) > width:
            found.append(f"line {i} too wide: {line!r}")
        if i and line[:1] in NO_LINE_START:
            found.append(f"line {i} starts with {line[:1]!r}: {line!r}")
        if i + 1 < len(lines) and line.rstrip()[-1:] in NO_LINE_END:
            found.append(f"line {i} ends with {line.rstrip()[-1:]!r}: {line!r}")
        if i + 1 < len(lines) and (joined is None or joined[i]):
            tail, head = _RUN_END.search(line), _RUN_START.search(lines[i + 1])
            if tail and head and cell_len(tail.group(0) + head.group(0)) <= width:
                found.append(f"word cut at line {i}: {tail.group(0)}|{head.group(0)}")
    return found


def _wrapped(text: str, width: int) -> list[str]:
    """``text`` as cjk_line_spans cuts it, checked for faults."""
    spans = cjk_line_spans(text, width)
    lines = [text[a:b] for a, b in spans]
    joined = [a[1] == b[0] for a, b in pairwise(spans)]
    assert _problems(lines, width, joined) == [], (width, text[:40])
    return lines


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("text", [CHINESE, JAPANESE], ids=["chinese", "japanese"])
def test_paragraphs_break_as_cjk_typesetting_does(text: str, width: int) -> None:
    lines = plain_lines(parse_document(text), width)
    assert _problems(lines, width) == []
    assert "".join(lines) == text  # nothing lost or doubled (no spaces to drop here)


@pytest.mark.parametrize("width", range(10, 101))
def test_no_width_breaks_the_rules(width: int) -> None:
    """Every width from the pane's narrowest, so no line-filling coincidence hides a fault."""
    for text in (CHINESE, JAPANESE):
        assert "".join(_wrapped(text, width)) == text


def test_spaces_between_latin_words_are_break_points_and_dropped() -> None:
    text = "苹果公司首席执行官 Tim Cook 表示，新款 iPhone 将于九月发布。"
    lines = [text[a:b] for a, b in cjk_line_spans(text, 14)]
    assert all(line == line.strip() for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert not any(line.endswith(("Ti", "Coo", "iPh")) for line in lines)


def test_a_run_wider_than_the_line_is_cut_by_cells() -> None:
    text = "链接：https://example.org/a/very/long/path/that/cannot/fit"
    lines = [text[a:b] for a, b in cjk_line_spans(text, 20)]
    assert "".join(lines) == text
    assert all(cell_len(line) <= 20 for line in lines)


def test_latin_text_wraps_as_before() -> None:
    text = "The quick brown fox jumps over the lazy dog, again and again and again."
    assert plain_lines(parse_document(text), 30) == [
        "The quick brown fox jumps over",
        "the lazy dog, again and again",
        "and again.",
    ]


@needs_corpus
@pytest.mark.parametrize("name", ["gmw", "qq"])
def test_real_chinese_pages_break_as_cjk_typesetting_does(name: str) -> None:
    """Every paragraph of the two Chinese pages, as the pane breaks it."""
    page = CORPUS / "html-articles" / "mozilla-readability" / name / "source.html"
    article = extract_article(Path(page).read_text(encoding="utf-8", errors="replace"))
    paragraphs = [
        block.content.plain
        for block in parse_document(article.markdown).blocks
        if has_cjk(block.content.plain)
    ]
    assert len(paragraphs) >= 10
    for width in WIDTHS:
        for paragraph in paragraphs:
            for line in paragraph.split("\n"):
                _wrapped(line, width)
        lines = plain_lines(parse_document(article.markdown), width)
        assert all(cell_len(line) <= width for line in lines)


async def test_a_chinese_headline_breaks_as_the_body_does() -> None:
    """The article's headline is a Static: Textual broke it at any character, and
    "美国国家航空航天局（NASA）的宇航员，在国际空间站上不能饮酒" put "，" first on its
    second line at 24 columns."""
    from textual.app import App, ComposeResult
    from textual.content import Content

    from termnews.app.widgets.article_view import HeaderLine

    title = "美国国家航空航天局（NASA）的宇航员，在国际空间站上不能饮酒"

    class Headline(App[None]):
        CSS = "HeaderLine { width: 24; }"

        def compose(self) -> ComposeResult:
            yield HeaderLine(Content(title))

    app = Headline()
    async with app.run_test(size=(40, 8)) as pilot:
        await pilot.pause()
        widget = app.query_one(HeaderLine)
        lines = [widget.render_line(y).text.rstrip() for y in range(widget.content_region.height)]
    assert "".join(lines) == title
    assert _problems(lines, 24) == []
    assert len(lines) == 3
