"""Main-text extraction from whole pages (termnews.core.extract)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.conftest import CORPUS, needs_corpus

from termnews.core.extract import ExtractedArticle, extract_article

PARAGRAPHS = [
    "The city council voted on Tuesday to turn the old freight yard into a park, ending a "
    "decade of arguments over what should happen to the land beside the river.",
    "The plan keeps the two brick warehouses, which will become a market hall and a "
    "community workshop, and replaces the rest of the yard with meadows and a playground.",
    "Work is due to start next spring and the first part of the park should open the "
    "following summer, if the council can raise the rest of the money in time.",
    "Residents who had campaigned for a park since the yard closed said the vote was the "
    "result of years of meetings, petitions and public walks across the site.",
]

PAGE = f"""<!DOCTYPE html>
<html><head>
<title>Old Freight Yard Will Become a Park | City Courier</title>
<meta property="og:title" content="Old Freight Yard Will Become a Park">
<meta name="author" content="Tomás Ferreira">
<meta property="article:published_time" content="2024-05-14T09:30:00+00:00">
<script>document.write("tracking code");</script>
</head><body>
<nav><a href="/">Home</a> <a href="/city">City</a> <a href="/sport">Sport</a></nav>
<article>
<h1>Old Freight Yard Will Become a Park</h1>
<p>By Tomás Ferreira</p>
<p>{PARAGRAPHS[0]}</p>
<p>{PARAGRAPHS[1]} See <a href="/plans/freight-yard.pdf">the plans</a>.</p>
<h2>What Happens Next</h2>
<p>{PARAGRAPHS[2]}</p>
<ul><li>Spring: demolition of the sheds</li><li>Summer: planting</li></ul>
<p>{PARAGRAPHS[3]}</p>
</article>
<footer>© 2024 City Courier. Subscribe to our newsletter.</footer>
</body></html>"""


@pytest.fixture(scope="module")
def article() -> ExtractedArticle:
    return extract_article(PAGE, "https://courier.example.org/city/freight-yard")


def test_metadata_is_read(article: ExtractedArticle) -> None:
    assert article.title == "Old Freight Yard Will Become a Park"
    assert article.author == "Tomás Ferreira"
    assert article.published == datetime(2024, 5, 14, tzinfo=UTC)


def test_body_keeps_paragraphs_subheadings_and_lists(article: ExtractedArticle) -> None:
    md = article.markdown
    for paragraph in PARAGRAPHS:
        assert paragraph in md
    assert "\n## What Happens Next\n" in md
    assert "- Spring: demolition of the sheds\n- Summer: planting" in md


def test_body_leaves_out_chrome_title_and_byline(article: ExtractedArticle) -> None:
    md = article.markdown
    for chrome in ("Home", "Sport", "tracking code", "newsletter", "City Courier", "By Tomás"):
        assert chrome not in md
    assert not md.startswith("#")  # the title is not repeated
    assert md.startswith(PARAGRAPHS[0][:40])


def test_a_lead_image_captioned_with_the_title_does_not_repeat_it() -> None:
    """ars-1 (corpus): under the headline, "[image: <the headline again>]"."""
    page = PAGE.replace(
        "<p>By Tomás Ferreira</p>",
        '<p><img src="/img/yard-1.jpg" alt="Old freight yard will become a park"></p>'
        '<p><img src="/img/yard-2.jpg" alt="The brick warehouses"></p>',
    )
    md = extract_article(page, "https://courier.example.org/city/freight-yard").markdown
    assert md.startswith("![](https://courier.example.org/img/yard-1.jpg)\n\n")
    assert "![The brick warehouses](https://courier.example.org/img/yard-2.jpg)" in md


def test_links_resolve_against_the_page_url(article: ExtractedArticle) -> None:
    assert "[the plans](https://courier.example.org/plans/freight-yard.pdf)" in article.markdown


def test_text_is_plain(article: ExtractedArticle) -> None:
    assert PARAGRAPHS[0] in article.text
    assert "##" not in article.text and "](" not in article.text
    assert "\n" not in article.text
    assert not article.text.startswith("Old Freight Yard")


def test_page_without_an_article_still_gives_its_text() -> None:
    page = "<html><head><title>Tiny</title></head><body><p>Just one line.</p></body></html>"
    got = extract_article(page)
    assert got.title == "Tiny"
    assert "Just one line." in got.markdown


@pytest.mark.parametrize(
    "junk",
    ["", "   ", "<html>", "\x00\x01binary\xff", "<" * 10_000, "<p>" * 3_000 + "x", "plain words"],
    ids=["empty", "blank", "bare-tag", "binary", "angles", "deep-p", "plain"],
)
def test_junk_never_raises(junk: str) -> None:
    got = extract_article(junk)
    assert isinstance(got, ExtractedArticle)
    assert "\x00" not in got.markdown


def test_scripts_and_escape_sequences_never_reach_the_text() -> None:
    page = PAGE.replace(PARAGRAPHS[0], PARAGRAPHS[0] + " \x1b[2J\x1b]0;pwned\x07")
    got = extract_article(page)
    assert "\x1b" not in got.markdown and "\x1b" not in got.text
    assert "pwned" not in got.markdown


@needs_corpus
def test_real_pages_are_extracted_close_to_the_reference() -> None:
    """A few of the 30 reference pages (the benchmark scores all of them)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    import extraction_quality as bench

    folder = CORPUS / "html-articles" / "mozilla-readability"
    for name in ("bbc-1", "guardian-1", "lemonde-1", "gmw", "ars-1"):
        page = (folder / name / "source.html").read_text(encoding="utf-8", errors="replace")
        expected = bench.visible_text((folder / name / "expected.html").read_text("utf-8"))
        got = extract_article(page)
        assert got.title
        _, _, f1 = bench.score(got.text, expected)
        assert f1 >= 0.9, (name, f1)


def test_long_pages_skip_trafilatura_body_but_keep_metadata(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past TRAFILATURA_MAX_CHARS only readability extracts (trafilatura is slow there)."""
    import termnews.core.extract as extract

    monkeypatch.setattr(extract, "TRAFILATURA_MAX_CHARS", 1_000)
    got = extract_article(PAGE, "https://courier.example.org/city/freight-yard")
    assert got.title == "Old Freight Yard Will Become a Park"
    assert got.published == datetime(2024, 5, 14, tzinfo=UTC)
    for paragraph in PARAGRAPHS:
        assert paragraph in got.markdown
    assert "Sport" not in got.markdown


def test_a_byline_names_each_author_once() -> None:
    """trafilatura joined the New York Times' byline and its metadata: "By Jeffrey
    Gettleman; JEFFREY GETTLEMAN" stood in the pane."""
    from termnews.core.extract import _distinct_names

    assert _distinct_names("Jeffrey Gettleman; JEFFREY GETTLEMAN") == "Jeffrey Gettleman"
    assert _distinct_names("Ann Lee; Bo Kim; ann lee") == "Ann Lee; Bo Kim"
    assert _distinct_names("Ann Lee") == "Ann Lee"


STORY = [
    f"Paragraph {i} of the story tells how the harbour board spent the winter arguing over "
    f"the new ferry terminal, and why the vote on its design was put off again until the "
    f"spring meeting of number {i}."
    for i in range(12)
]


def _paragraphs(numbers: range) -> str:
    return "".join(f"<p>{STORY[i]}</p>" for i in numbers)


def test_figures_between_the_parts_of_a_story_body_are_kept() -> None:
    """readability dropped every figure standing between the <div>s a story body is
    split into (nytimes-3 in the corpus): the pane lost the photographs and captions."""
    page = f"""<html><head><title>Ferry terminal</title></head><body><article>
    <h1>Ferry terminal vote put off</h1>
    <div class="story-body">{_paragraphs(range(4))}</div>
    <figure><div class="ratio"><img src="/img/terminal.jpg" alt="The terminal site"></div>
    <figcaption>The old terminal site at the end of the pier, seen from the water.</figcaption>
    </figure>
    <div class="story-body">{_paragraphs(range(4, 8))}</div>
    <figure><div class="lazy" data-src="/img/later.jpg"></div>
    <figcaption>Members of the harbour board at their last meeting.</figcaption></figure>
    <div class="story-body">{_paragraphs(range(8, 12))}</div>
    </article></body></html>"""
    md = extract_article(page, "https://port.example.org/news/ferry").markdown
    image = "![The terminal site](https://port.example.org/img/terminal.jpg)"
    assert image in md
    assert "The old terminal site at the end of the pier" in md
    assert "Members of the harbour board at their last meeting." in md
    # Each where the page has it: after the paragraph before it, before the next one.
    assert md.index(STORY[3]) < md.index(image) < md.index(STORY[4])
    assert md.index(STORY[7]) < md.index("Members of the harbour") < md.index(STORY[8])


def test_a_figure_readability_emptied_gets_its_picture_back() -> None:
    """The Guardian's <figure><a><div><picture>: readability kept an empty figure."""
    page = f"""<html><head><title>Ferry terminal</title></head><body><article>
    <h1>Ferry terminal vote put off</h1>{_paragraphs(range(3))}
    <figure id="img-2"><a href="#img-2" class="lightbox"><div class="u-responsive-ratio">
    <picture><source srcset="/img/pier-880.jpg 880w">
    <img src="/img/pier-300.jpg" alt="The pier at dawn"></picture></div>
    <span class="icon"><svg viewBox="0 0 22 22"><path d="M3 20"></path></svg></span></a>
    </figure>{_paragraphs(range(3, 7))}</article></body></html>"""
    md = extract_article(page, "https://port.example.org/news/ferry").markdown
    assert "![The pier at dawn](https://port.example.org/img/pier-300.jpg)" in md
    assert md.index(STORY[2]) < md.index("![The pier") < md.index(STORY[3])


def test_a_video_player_figure_is_not_put_back() -> None:
    page = f"""<html><head><title>Ferry terminal</title></head><body><article>
    <div class="story-body">{_paragraphs(range(4))}</div>
    <figure class="media-player"><div class="player"><iframe src="/player.html"></iframe></div>
    <figcaption>Media caption The board's chair on the delay</figcaption></figure>
    <div class="story-body">{_paragraphs(range(4, 8))}</div>
    </article></body></html>"""
    md = extract_article(page, "https://port.example.org/news/ferry").markdown
    assert "board's chair" not in md


def test_the_opening_of_a_story_split_from_its_body_is_kept() -> None:
    """herald-sun-1 (corpus): the first paragraphs sit in one container, the rest in a
    "read more" one; readability took the second alone and the story began mid-way."""
    page = f"""<html><head><title>Ferry terminal</title></head><body><main>
    <div class="article-top"><div class="wrap"><h1>Ferry terminal vote put off</h1>
    <p>Harbour board members at the pier. Source: Supplied</p>
    <div class="intro">{_paragraphs(range(3))}</div></div></div>
    <div class="article-main"><div class="wrap">
    <div id="read-more-content">{_paragraphs(range(3, 12))}</div></div></div>
    </main></body></html>"""
    md = extract_article(page, "https://port.example.org/news/ferry").markdown
    assert md.startswith(STORY[0])
    positions = [md.index(paragraph) for paragraph in STORY]
    assert positions == sorted(positions)
    assert md.count("Paragraph 0 ") == 1


@needs_corpus
def test_real_pages_keep_their_opening_figures_and_captions() -> None:
    """herald-sun-1 lost its first five paragraphs, nytimes-3 its photographs' captions,
    guardian-1 every picture of its photo essay and their captions (readability emptied
    the figures and dropped the caption lists under them)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    import extraction_quality as bench

    folder = CORPUS / "html-articles" / "mozilla-readability"
    for name, least in (("herald-sun-1", 0.95), ("nytimes-3", 0.9), ("guardian-1", 0.95)):
        page = (folder / name / "source.html").read_text(encoding="utf-8", errors="replace")
        expected = bench.visible_text((folder / name / "expected.html").read_text("utf-8"))
        _, recall, _ = bench.score(extract_article(page).text, expected)
        assert recall >= least, (name, recall)
    page = (folder / "guardian-1" / "source.html").read_text(encoding="utf-8")
    assert extract_article(page).markdown.count("](https://i.guim.co.uk/") >= 10


def test_a_caption_printed_as_a_list_under_a_figure_is_its_caption() -> None:
    """guardian-1: each photo's caption is a one-item list after its <figure>; both
    went, and the figure's links list (a gallery's "more photos") must not come."""
    figure = """<figure id="img-{n}"><a href="#img-{n}"><div class="ratio"><picture>
    <img src="/img/pier-{n}.jpg" alt="Pier {n}"></picture></div></a></figure>"""
    page = f"""<html><head><title>Ferry terminal</title></head><body><article>
    <h1>Ferry terminal vote put off</h1>{_paragraphs(range(3))}
    {figure.format(n=1)}<ul><li><p>Clockwise from top: the pier; its cracked supports.</p>
    </li></ul>{_paragraphs(range(3, 6))}
    {figure.format(n=2)}<ul><li><a href="/gallery">More photos of the pier</a></li></ul>
    {_paragraphs(range(6, 9))}</article></body></html>"""
    md = extract_article(page, "https://port.example.org/news/ferry").markdown
    caption = "Clockwise from top: the pier; its cracked supports."
    assert caption in md
    assert md.index("![Pier 1]") < md.index(caption) < md.index(STORY[3])
    assert "More photos" not in md


def test_labels_the_page_hides_from_the_eye_are_left_out() -> None:
    """A class whose rule clips its box to nothing (the New York Times' hashed
    ``css-1ly73wi``, nytimes-3) is for screen readers: its "Credit" label is not shown."""
    page = f"""<html><head><title>Ferry terminal</title>
    <style>.css-x1{{position:absolute;width:1px;height:1px;clip:rect(0 0 0 0);overflow:hidden}}
    .css-y2{{color:#888}}</style></head><body><article>
    <h1>Ferry terminal vote put off</h1>{_paragraphs(range(3))}
    <figure><img src="/img/pier.jpg" alt="The pier"><figcaption><span>The pier at dawn.</span>
    <span class="css-y2"><span class="css-x1">Credit</span><span>Ann Lee</span></span>
    </figcaption></figure>{_paragraphs(range(3, 7))}</article></body></html>"""
    article = extract_article(page, "https://port.example.org/news/ferry")
    assert "*The pier at dawn. Ann Lee*" in article.markdown
    assert "Credit" not in article.markdown


@needs_corpus
def test_nytimes_captions_read_as_on_the_site() -> None:
    page = (CORPUS / "html-articles/mozilla-readability/nytimes-3/source.html").read_text()
    article = extract_article(page)
    assert "winter weather. Kirsten Luce for The New York Times*" in article.markdown
    assert "winter weather. Credit Kirsten Luce" in article.text  # search keeps the label


def test_the_standfirst_under_the_headline_leads_the_body() -> None:
    """nytimes-3: the summary under the headline (the page's og:description) sat in the
    header, apart from the story, and the pane opened without it."""
    dek = "The harbour board put off its vote again, and the ferry will keep its old pier."
    page = f"""<html><head><title>Ferry terminal</title>
    <meta property="og:description" content="{dek}"></head><body>
    <header><h1>Ferry terminal vote put off</h1><p class="dek">{dek}</p></header>
    <article>{_paragraphs(range(6))}</article></body></html>"""
    md = extract_article(page, "https://port.example.org/news/ferry").markdown
    assert md.startswith(dek + "\n\n" + STORY[0])
    # A description the page does not print, or prints as its first paragraph: as before.
    same = page.replace(f'<p class="dek">{dek}</p>', "").replace(dek, STORY[0])
    assert extract_article(same).markdown.count(STORY[0]) == 1


def test_a_newsletter_plug_among_the_paragraphs_is_left_out() -> None:
    plug = (
        '<p><em>[What you need to know to start the day:</em> <a href="/newsletters/today">'
        "<em>Get Port Today in your inbox</em></a>.]</p>"
    )
    mention = '<p>The board also <a href="/newsletters/board">writes a newsletter</a>.</p>'
    page = f"""<html><head><title>Ferry terminal</title></head><body><article>
    <h1>Ferry terminal vote put off</h1>{plug}{_paragraphs(range(3))}{mention}
    {_paragraphs(range(3, 6))}</article></body></html>"""
    md = extract_article(page, "https://port.example.org/news/ferry").markdown
    assert "inbox" not in md
    assert "writes a newsletter" in md  # no sign-up asked: the story's own sentence


def test_the_byline_and_date_stamps_under_a_lead_picture_are_left_out() -> None:
    """breitbart: a picture, its credit, then "by <a>Name</a>" and two bare <time>s
    ("22 Dec, 2016 22 Dec, 2016"); the pane prints byline and date above the body."""
    page = f"""<html><head><title>Ferry terminal</title></head><body><article><header>
    <h1>Ferry terminal vote put off</h1>
    <figure><img src="/img/pier.jpg" alt="The pier at dawn"><div>Ann Lee/Port Photos</div>
    </figure><p class="byline">by <a href="/author/tom">Tom Ferreira</a></p>
    <time datetime="2016-12-22">22 Dec, 2016</time> <time datetime="2016-12-22">22 Dec, 2016</time>
    </header><p>On <time datetime="2016-12-21">Wednesday</time> the board met.</p>
    {_paragraphs(range(6))}</article></body></html>"""
    md = extract_article(page, "https://port.example.org/news/ferry").markdown
    assert "Tom Ferreira" not in md
    assert "22 Dec" not in md
    assert "On Wednesday the board met." in md


@needs_corpus
def test_paragraphs_readability_dropped_from_the_middle_of_a_story_are_put_back() -> None:
    """salon-1: readability-lxml dropped "As Mashable reports, ..." and the question and
    quoted tweet under it from between paragraphs it kept."""
    page = (CORPUS / "html-articles/mozilla-readability/salon-1/source.html").read_text()
    md = extract_article(page).markdown
    tweeted = md.index("In the midst of the fear, Uber stepped in")
    assert tweeted < md.index("reports, the company announced") < md.index("What can we learn")
    assert md.index("What can we learn") < md.index("*“We are all concerned with events in CBD")


def test_a_title_ending_in_its_authors_name_is_the_headline_alone() -> None:
    """guardian-1's og:title is "... whale strandings | Eleanor Ainge Roy"; the pane
    prints the byline beside the headline, and read the name twice."""
    page = PAGE.replace(
        '<meta property="og:title" content="Old Freight Yard Will Become a Park">',
        '<meta property="og:title" content="Old Freight Yard Will Become a Park | Tomás Ferreira">',
    )
    article = extract_article(page, "https://courier.example.org/city/freight-yard")
    assert article.author == "Tomás Ferreira"
    assert article.title == "Old Freight Yard Will Become a Park"
    other = page.replace("| Tomás Ferreira", "| Part Two")
    assert extract_article(other).title == "Old Freight Yard Will Become a Park | Part Two"
