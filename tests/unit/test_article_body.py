"""The one-widget article body renderer (app/widgets/article_body.py).

Feed bodies are hostile: markup-looking text must stay text, escapes must not
survive, and a megabyte must not stall the reader. The look is checked on the
laid-out plain lines and on the styles of their spans.
"""

from __future__ import annotations

import time
from typing import Any

from textual.content import Content

from termnews.app.widgets.article_body import (
    HEADING_STYLES,
    LINK_STYLE,
    ArticleBody,
    layout,
    parse_document,
    plain_lines,
)
from termnews.app.widgets.article_view import cap_body
from termnews.core.text import clean_block


def _styles(line: Content) -> set[str]:
    return {str(span.style) for span in line.spans}


def test_hostile_markup_is_shown_as_text() -> None:
    body = clean_block("[bold red]boom[/] [@click=app.quit]x[/] <b>raw</b> \x1b[31mred\x1b]0;t\x07")
    doc = parse_document(body)
    text = "\n".join(plain_lines(doc, 80))
    assert "[bold red]boom[/]" in text
    assert "[@click=app.quit]x[/]" in text
    assert "<b>raw</b>" in text
    assert "\x1b" not in text and "\x07" not in text
    # No span came from the text: only the renderer's own styles exist.
    for line in layout(doc, 80):
        assert not line.spans


def test_headings_lists_quotes_and_code() -> None:
    doc = parse_document(
        "# Title\n\nIntro text.\n\n## Part two\n\n- one\n- two\n  1. inner\n\n"
        "3. three\n4. four\n\n> quoted\n\n```\ncode  here\n```\n\n---\n"
    )
    lines = layout(doc, 60)
    plain = [line.plain for line in lines]
    assert plain[0] == "Title"
    assert HEADING_STYLES[1] in _styles(lines[0])
    assert HEADING_STYLES[2] in _styles(lines[plain.index("Part two")])
    assert "• one" in plain and "• two" in plain
    assert "  1. inner" in plain
    assert "3. three" in plain and "4. four" in plain
    assert "┃ quoted" in plain
    assert "  code  here" in plain
    assert plain[-1] == "─" * 60


def test_lists_wrap_with_a_hanging_indent() -> None:
    doc = parse_document("- " + "word " * 30)
    lines = plain_lines(doc, 40)
    assert lines[0].startswith("• ")
    assert all(line.startswith("  ") for line in lines[1:])
    assert all(len(line) <= 40 for line in lines)


def test_links_show_text_and_url_and_are_clickable_by_index() -> None:
    doc = parse_document(
        "See [the report](https://example.com/r) and https://plain.example.\n\n"
        "![A harbour](https://img.example/h.jpg)"
    )
    plain = plain_lines(doc, 100)
    assert "See the report (https://example.com/r) and https://plain.example." in plain
    assert "[image: A harbour] (https://img.example/h.jpg)" in plain
    assert doc.links == ("https://example.com/r", "https://img.example/h.jpg")
    # An image without alt text ("alt=''" on most blogs) says just that.
    bare = plain_lines(parse_document("![](https://img.example/b.png)"), 100)
    assert "[image] (https://img.example/b.png)" in bare
    first = layout(doc, 100)[0]
    assert LINK_STYLE in _styles(first)
    clicks = [s.style.meta.get("@click") for s in first.spans if not isinstance(s.style, str)]
    assert "open_link(0)" in clicks  # an index, never the URL itself


def test_a_link_whose_text_is_its_address_shows_it_once() -> None:
    """It read "migp.cloudflare.com (https://migp.cloudflare.com)" (shared/corpus/feeds-real)."""
    doc = parse_document(
        "At [migp.cloudflare.com](https://migp.cloudflare.com), [www.Asana.com](http://www.asana.com/)"
        " and [asana.com/jobs](https://asana.com/jobs?ref=feed)."
    )
    assert plain_lines(doc, 200) == [
        "At migp.cloudflare.com, www.Asana.com and asana.com/jobs (https://asana.com/jobs?ref=feed)."
    ]
    assert len(doc.links) == 3


def test_an_image_without_alt_text_is_a_bare_placeholder() -> None:
    """It read "[image: image]" (235 bodies of shared/corpus/feeds-real)."""
    doc = parse_document("![](https://img.example/a.jpg)\n\n![Image](https://img.example/b.jpg)")
    plain = plain_lines(doc, 80)
    assert plain == [
        "[image] (https://img.example/a.jpg)",
        "",
        "[image] (https://img.example/b.jpg)",
    ]


def test_tables_fit_the_width_or_fall_back_to_records() -> None:
    table = "| Name | Score |\n|---|---|\n| Ana | 3 |\n| Bo | 12 |\n"
    plain = plain_lines(parse_document(table), 40)
    assert plain[0].split("│")[0].strip() == "Name"
    assert any("Bo" in line and "12" in line for line in plain)
    wide = "| " + " | ".join(f"h{i}" for i in range(12)) + " |\n|" + "---|" * 12 + "\n"
    wide += "| " + " | ".join(f"v{i}" for i in range(12)) + " |\n"
    records = plain_lines(parse_document(wide), 30)
    assert "h0: v0" in records and "h11: v11" in records
    assert all(len(line) <= 30 for line in records)


def test_a_table_without_a_header_row_draws_none() -> None:
    """Its empty header row (core/content.py) is neither drawn nor used as labels."""
    table = "|  |  |\n| --- | --- |\n| Version: | 5.7-rc4 |\n| Released: | 2020-05-03 |\n"
    doc = parse_document(table)
    assert plain_lines(doc, 40) == ["Version:  │ 5.7-rc4", "Released: │ 2020-05-03"]
    assert not any(span.style == "bold" for line in layout(doc, 40) for span in line.spans)
    assert plain_lines(doc, 12) == ["Version:", "5.7-rc4", "", "Released:", "2020-05-03"]


def test_links_and_images_in_a_table_show_no_url_and_stay_clickable() -> None:
    """kernel.org's and podlove's tables (shared/corpus/feeds-real) were URLs folded
    down narrow columns, a few characters a line."""
    table = (
        "| File | Host |\n| --- | --- |\n"
        "| [linux-5.7.tar.gz](https://git.kernel.org/t/linux-5.7.tar.gz) |"
        " ![avatar](https://img.example/a.png) |\n"
    )
    doc = parse_document(table + "\nSee [notes](https://n.example/).")
    assert plain_lines(doc, 40) == [
        "File             │ Host",
        "─────────────────┼" + "─" * 16,
        "linux-5.7.tar.gz │ [image: avatar]",
        "",
        "See notes (https://n.example/).",
    ]
    assert doc.links == (
        "https://git.kernel.org/t/linux-5.7.tar.gz",
        "https://img.example/a.png",
        "https://n.example/",
    )
    row = layout(doc, 40)[2]
    clicks = [s.style.meta.get("@click") for s in row.spans if not isinstance(s.style, str)]
    assert clicks == ["open_link(0)", "open_link(1)"]


def test_every_line_fits_the_width() -> None:
    body = "> - " + "longword" * 20 + "\n\n" + "x" * 500 + "\n\n```\n" + "y" * 300 + "\n```\n"
    for width in (20, 41, 100):
        assert all(line.cell_length <= width for line in layout(parse_document(body), width))


def test_nesting_past_the_parser_limit_keeps_the_text() -> None:
    doc = parse_document(">" * 5000 + " deep")
    assert "deep" in "".join(plain_lines(doc, 80))


def test_a_megabyte_body_is_capped_and_rendered_quickly() -> None:
    paragraph = "Lorem *ipsum* dolor [sit](https://x.example/a) amet, consectetur. " * 20
    body = "\n\n".join(f"## Part {i}\n\n{paragraph}\n\n- a\n- b" for i in range(800))
    assert len(body) > 1_000_000
    shown, truncated = cap_body(clean_block(body))
    assert truncated
    start = time.perf_counter()
    lines = layout(parse_document(shown), 80)
    assert time.perf_counter() - start < 3.0  # ~0.2 s here; generous for a loaded machine
    assert len(lines) > 1000


async def test_a_click_on_a_link_names_its_target() -> None:
    """The click reaches the screen as a LinkClicked message with the raw href."""
    from textual.app import App, ComposeResult

    clicked: list[str] = []

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield ArticleBody()

        def on_article_body_link_clicked(self, event: ArticleBody.LinkClicked) -> None:
            clicked.append(event.href)

    app = One()
    async with app.run_test(size=(60, 10)) as pilot:
        body = app.query_one(ArticleBody)
        body.update("Intro line.\n\nRead [the report](https://example.com/r) now.")
        await pilot.pause()
        await pilot.click(ArticleBody, offset=(8, 2))
        await pilot.pause()
    assert clicked == ["https://example.com/r"]


def test_the_body_is_wrapped_once_per_width_and_again_after_show(monkeypatch) -> None:
    """An open asks for two widths in turn (scrollbar settling): each is wrapped once.

    A one-width cache wrapped the body on every switch (~4 times per open); a new
    document must still be wrapped afresh, and a resize drag must not pile up widths.
    """
    from textual.geometry import Size

    from termnews.app.widgets import article_body

    calls: list[int] = []
    real_layout = article_body.layout

    def counting(document: article_body.Document, width: int) -> list[Content]:
        calls.append(width)
        return real_layout(document, width)

    monkeypatch.setattr(article_body, "layout", counting)
    body = ArticleBody()
    body.update("word " * 200)
    size = Size(80, 24)
    heights = [body.get_content_height(size, size, w) for w in (58, 60, 58, 60, 58)]
    assert calls == [58, 60]
    assert heights[0] == heights[2] > heights[1] == heights[3]

    body.update("short")
    assert body.get_content_height(size, size, 58) == 1
    assert calls == [58, 60, 58]

    for width in range(20, 40):
        assert body.get_content_height(size, size, width) == 1
    assert len(body._lines) <= article_body.MAX_CACHED_WIDTHS


def _random_bodies(count: int, seed: int = 12) -> list[str]:
    """Markdown made of awkward pieces: wide and zero-width characters, odd spaces."""
    import random

    rng = random.Random(seed)
    words = [
        "word",
        "a",
        "longlonglonglonglonglonglonglongword",
        "Núñez",
        "東京都庁",
        "e\u0301",
        "x\u200by",
        "tab\there",
        "nb\u00a0sp",
        "[link](https://example.org/a)",
        "*em*",
        "`code`",
        "**bold**",
        "\u3000wide\u3000space",
        "😀",
        "![alt](https://i.example/p.png)",
    ]
    blocks = [
        lambda: " ".join(rng.choices(words, k=rng.randint(0, 60))),
        lambda: "- " + " ".join(rng.choices(words, k=rng.randint(1, 20))),
        lambda: "> " + " ".join(rng.choices(words, k=rng.randint(1, 30))),
        lambda: "```\n" + "\n".join(" ".join(rng.choices(words, k=5)) for _ in range(3)) + "\n```",
        lambda: "## " + " ".join(rng.choices(words, k=rng.randint(1, 8))),
        lambda: "---",
        lambda: "| a | b |\n|---|---|\n| " + " ".join(rng.choices(words, k=4)) + " | x |",
        lambda: "1. one\n2. " + " ".join(rng.choices(words, k=12)) + "\n   - nested item",
    ]
    return [
        "\n\n".join(rng.choice(blocks)() for _ in range(rng.randint(0, 12))) for _ in range(count)
    ]


def test_the_height_bound_never_exceeds_the_laid_out_height() -> None:
    """``lines_at_least`` may be low, never high: the scrollbar decision depends on it."""
    from termnews.app.widgets.article_body import lines_at_least

    bodies = [*_random_bodies(150), "", "word " * 2000, "x" * 5000, "\n\n".join(["p"] * 300)]
    for body in bodies:
        document = parse_document(clean_block(body))
        for width in (1, 5, 10, 11, 17, 30, 44, 45, 80, 130):
            assert lines_at_least(document, width) <= len(layout(document, width)), (body, width)


def test_the_height_bound_is_close_for_prose() -> None:
    """For paragraphs of ordinary words the bound is near the real height, so a long
    article's overflow is known from it (the pane then wraps the body only once)."""
    from termnews.app.widgets.article_body import lines_at_least

    body = "\n\n".join(
        "The minister said the talks would resume next week. " * 8 for _ in range(12)
    )
    document = parse_document(body)
    for width in (44, 60, 90):
        assert lines_at_least(document, width) >= 0.7 * len(layout(document, width))


async def test_a_line_is_drawn_exactly_as_textual_would_draw_it(monkeypatch) -> None:
    """The direct strip of a laid-out line equals ``Visual.to_strips``'s, segment by segment.

    Links (click meta and link style), quotes, code, wide and zero-width characters,
    at several widths; with a text selection the long way is taken.
    """
    from textual.app import App, ComposeResult
    from textual.selection import Selection
    from textual.visual import Visual

    from termnews.app.widgets import article_body

    direct: list[int] = []

    class Counted(article_body._FormattedLine):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            direct.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(article_body, "_FormattedLine", Counted)

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield ArticleBody()

    app = One()
    async with app.run_test(size=(100, 20)) as pilot:
        body = app.query_one(ArticleBody)
        await pilot.pause()
        compared = 0
        for text in _random_bodies(60, seed=3):
            document = parse_document(clean_block(text))
            for width in (12, 44, 45, 99):
                for line in layout(document, width):
                    fast = body._line_strip(line, width)
                    slow = Visual.to_strips(body, line, width, 1, body.visual_style)[0]
                    assert list(fast) == list(slow), (text, width, line.plain)
                    assert fast.cell_length == slow.cell_length
                    compared += 1
        assert compared > 2000
        assert len(direct) > compared * 0.7  # most lines take the direct way
        # With text selected, every line goes through Textual's own rendering.
        direct.clear()
        app.screen.selections = {body: Selection(None, None)}
        for line in layout(parse_document("Some *selected* text " * 10), 44):
            fast = body._line_strip(line, 44)
            assert list(fast) == list(Visual.to_strips(body, line, 44, 1, body.visual_style)[0])
        assert direct == []
