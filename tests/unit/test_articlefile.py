"""Local article files (.html, .md, .txt) as entries (termnews.core.sources.articlefile).

The .txt fixtures in tests/data/content/ are pages saved as text in different
shapes (a blog with menus and share blocks, a hard-wrapped wire story, a page
with a related-stories block in the middle, setext headings, plain notes): the
same generic rules must find the headline, keep subheadings and drop chrome in
all of them, and in the real scraped page of ../shared/corpus/local-articles.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from tests.conftest import CORPUS, DATA, needs_corpus

from termnews.core.errors import SourceError
from termnews.core.models import EntryData
from termnews.core.sources.articlefile import parse_article_file, text_page_to_article
from termnews.core.sources.local import read_article_source

FIXTURES = DATA / "content"
_md = MarkdownIt("gfm-like")


def parse(name: str) -> EntryData:
    return parse_article_file(FIXTURES / name)


def headings(markdown: str) -> list[str]:
    return [line for line in markdown.split("\n") if line.startswith("#")]


# --- identity and dates -------------------------------------------------------------------


def test_guid_link_and_mtime(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("# A Note\n\nSome text here.\n", encoding="utf-8")
    stamp = datetime(2023, 4, 5, 6, 7, 8, tzinfo=UTC).timestamp()
    os.utime(path, (stamp, stamp))
    entry = parse_article_file(path)
    assert entry.guid == "file:" + str(path.resolve())
    assert entry.link == path.resolve().as_uri()
    assert entry.published == datetime(2023, 4, 5, 6, 7, 8, tzinfo=UTC)
    assert entry.updated == entry.published


def test_guid_is_the_resolved_path(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("Some words in a file that make up one paragraph of text.", "utf-8")
    link = tmp_path / "alias.txt"
    link.symlink_to(real)
    assert parse_article_file(link).guid == "file:" + str(real.resolve())


# --- Markdown -----------------------------------------------------------------------------


def test_markdown_front_matter_gives_title_author_and_date() -> None:
    entry = parse("front-matter.md")
    assert entry.title == "Notes on Offline Reading"
    assert entry.author == "Priya Raman"
    assert entry.published == datetime(2024, 2, 10, tzinfo=UTC)
    assert not entry.content.startswith("---")
    assert "title:" not in entry.content
    assert entry.content.startswith("# A Heading That Is Not the Title")


def test_markdown_body_is_kept_as_written() -> None:
    entry = parse("front-matter.md")
    assert '```python\n# not a heading\nprint("hi")\n```' in entry.content
    assert entry.summary == "Reading offline works best when the full text is cached."


def test_markdown_title_from_first_h1() -> None:
    entry = parse("heading-only.md")
    assert entry.title == "Field Guide to Urban Birds"
    assert entry.content.startswith("Some intro text before the heading.")


def test_an_opening_h1_that_is_the_title_is_not_repeated_in_the_body(tmp_path: Path) -> None:
    # The reader and 'show' print the title above the body: a file opening with
    # its '# Title' showed the headline twice, the second time as a boxed H1.
    path = tmp_path / "pier.md"
    path.write_text(
        "\n# Pier closes for repairs\n\nThe old pier closed on Monday.\n\n# Later\n\nMore.\n",
        encoding="utf-8",
    )
    entry = parse_article_file(path)
    assert entry.title == "Pier closes for repairs"
    assert entry.content == "The old pier closed on Monday.\n\n# Later\n\nMore."
    # A front-matter title different from the opening heading keeps the heading.
    path.write_text("---\ntitle: Pier news\n---\n# Pier closes\n\nText here.\n")
    assert parse_article_file(path).content.startswith("# Pier closes")


def test_markdown_title_from_file_name() -> None:
    entry = parse("untitled_field-notes.md")
    assert entry.title == "Untitled field notes"
    assert "- one\n- two" in entry.content


def test_heading_in_code_fence_is_not_the_title(tmp_path: Path) -> None:
    path = tmp_path / "code-notes.md"
    path.write_text("```\n# comment\n```\n\nText after the code.\n", encoding="utf-8")
    assert parse_article_file(path).title == "Code notes"


# --- HTML -----------------------------------------------------------------------------


def test_html_article_file() -> None:
    entry = parse("saved-article.html")
    assert entry.title == "Night Trains Return to Europe's Busiest Routes"
    assert entry.author == "Lena Vogt"
    assert entry.published == datetime(2023, 11, 5, tzinfo=UTC)
    assert "## Why Now" in entry.content
    assert entry.content.startswith("Sleeper trains are coming back")
    for chrome in ("Sign in", "Privacy policy", "All rights reserved", "window.tracker"):
        assert chrome not in entry.content
    assert entry.summary.startswith("Sleeper trains are coming back")


def test_html_relative_links_do_not_become_file_links() -> None:
    entry = parse("saved-article.html")
    assert "file:" not in entry.content
    assert "demand for rail travel" in entry.content


# --- plain-text pages -----------------------------------------------------------------------


def test_blog_page_saved_as_text() -> None:
    entry = parse("blog-scrape.txt")
    assert entry.title == "How to Start a Compost Heap That Actually Works"
    assert entry.author == "Maria Keller"
    assert entry.published == datetime(2024, 3, 3, tzinfo=UTC)
    assert headings(entry.content) == ["## Choosing the Right Spot", "## Greens and Browns"]
    assert entry.content.startswith("Most compost heaps fail")
    assert entry.content.endswith("Turn the heap every couple of weeks to let air in.")
    for chrome in ("Skip to content", "Quiet Gardener", "Archive", "Share this", "Loading"):
        assert chrome not in entry.content
    for teaser in ("Why My Tomatoes Split", "Ten Tools", "Leave a Reply", "email address"):
        assert teaser not in entry.content


def test_hard_wrapped_wire_story() -> None:
    entry = parse("wire-story-hardwrapped.txt")
    assert entry.title == "Wildfire Smoke Closes Schools Across Three Provinces"
    assert entry.author == "Daniel Osei"
    assert entry.published == datetime(2023, 6, 7, tzinfo=UTC)
    assert headings(entry.content) == ["## WHY IS IT SO BAD THIS YEAR?"]
    paragraphs = entry.content.split("\n\n")
    assert paragraphs[0].startswith("Schools in three provinces closed on Wednesday as smoke")
    assert "\n" not in paragraphs[0]  # hard wraps joined
    assert paragraphs[-1].startswith('"We have never seen this many fires')
    for chrome in ("MENU", "Business", "Read more", "ADVERTISEMENT", "Most Popular", "Storm"):
        assert chrome not in entry.content
    assert "Copyright" not in entry.content and "Trending" not in entry.content


def test_related_block_in_the_middle_is_skipped_and_the_story_resumes() -> None:
    entry = parse("science-news.txt")
    assert entry.title == "NASA Picks Three Teams to Design a Lunar Rover for Artemis Crews"
    assert entry.published == datetime(2024, 4, 12, tzinfo=UTC)
    md = entry.content
    assert md.startswith("The agency will pay the companies")
    assert (
        "- carry two astronauts in spacesuits\n- drive itself when no crew is aboard\n"
        "- survive the two-week lunar night" in md
    )
    for teaser in ("Related Stories", "Moon Base Plans", "Artemis Crew Named", "South Pole"):
        assert teaser not in md
    assert "The contracts are worth up to $4.6 billion" in md
    assert md.endswith("expects to pick a single rover to fly.")
    for chrome in ("Home ›", "Published", "Tags:", "Follow us"):
        assert chrome not in md


def test_setext_headings() -> None:
    entry = parse("release-notes.txt")
    assert entry.title == "Release Notes for Version 2.0"
    assert headings(entry.content) == ["## New Features", "## Known Problems"]
    assert "- Faster sync over slow connections\n- A dark theme" in entry.content
    assert "===" not in entry.content and "---" not in entry.content


def test_plain_notes_without_a_headline() -> None:
    entry = parse("plain-notes.txt")
    assert entry.title == "Plain notes"
    assert entry.content.startswith("These are my notes from the planning meeting.")
    html = _md.render(entry.content)
    # Markdown characters in the text stay text.
    assert "<h1>" not in html and "<em>" not in html
    assert "# of boxes needed is still open: Sam thinks *at least* 400" in html
    assert "<p>2024. The year the boxes finally arrived" in html
    assert "<li>bring the projector from room 4</li>" in html


def test_text_page_markdown_renders_subheadings_as_headings() -> None:
    html = _md.render(parse("blog-scrape.txt").content)
    assert "<h2>Choosing the Right Spot</h2>" in html


def test_text_page_function_on_a_string() -> None:
    article = text_page_to_article(
        "Menu\nHome\nNews\nSport\n\nCouncil Approves New Cycle Lanes Across the City\n\n"
        "The council approved twelve kilometres of new cycle lanes on Monday, after a year "
        "of consultation with residents and shop owners along the routes.\n\n"
        "Advertisement\n\nWork starts in June and should be finished before the end of "
        "the year, the council said in a statement.\n\nYou might also like\n\n"
        "Bus fares to rise in April as operators cite fuel costs...\n"
    )
    assert article.title == "Council Approves New Cycle Lanes Across the City"
    assert article.markdown == (
        "The council approved twelve kilometres of new cycle lanes on Monday, after a year "
        "of consultation with residents and shop owners along the routes.\n\n"
        "Work starts in June and should be finished before the end of the year, the council "
        "said in a statement."
    )


def test_hostile_text_is_cleaned(tmp_path: Path) -> None:
    path = tmp_path / "hostile.txt"
    path.write_text(
        "Headline With \x1b[31mEscape\x1b[0m Codes Inside It\n\n"
        "A paragraph that is long enough to count as running text, with a bell \x07 and "
        "an OSC \x1b]0;title\x07 sequence in it.\n",
        encoding="utf-8",
    )
    entry = parse_article_file(path)
    assert entry.title == "Headline With Escape Codes Inside It"
    assert "\x1b" not in entry.content and "\x07" not in entry.content


def test_windows_1252_text_is_read(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(
        "Caf\xe9 Owners Say the New Rules Are Unfair\n\nThe owners of three caf\xe9s said "
        "on Friday that the new rules would force them to close their terraces early.".encode(
            "cp1252"
        )
    )
    entry = parse_article_file(path)
    assert entry.title == "Café Owners Say the New Rules Are Unfair"


# --- errors ---------------------------------------------------------------------------------


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("  \n\n ", encoding="utf-8")
    with pytest.raises(SourceError, match="empty file"):
        parse_article_file(path)


def test_binary_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(SourceError, match="binary"):
        parse_article_file(path)


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as caught:
        parse_article_file(tmp_path / "gone.md")
    assert str(caught.value).startswith(str(tmp_path / "gone.md") + ": ")


def test_directory_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "folder.html"
    folder.mkdir()
    with pytest.raises(SourceError):
        parse_article_file(folder)


def test_unsupported_suffix_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(SourceError, match="not an article file"):
        parse_article_file(path)


def test_file_with_only_chrome_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "chrome.txt"
    path.write_text("Advertisement\n\nShare this\n\nFollow us\n", encoding="utf-8")
    with pytest.raises(SourceError, match="no article text"):
        parse_article_file(path)


def test_html_without_text_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "blank.html"
    path.write_text("<html><body><script>x()</script></body></html>", encoding="utf-8")
    with pytest.raises(SourceError, match="no article text"):
        parse_article_file(path)


# --- the real scraped page --------------------------------------------------------------------

SAMPLE = CORPUS / "local-articles" / "000_501065e9a06ffd9b.txt"


@needs_corpus
def test_real_scraped_page(tmp_path: Path) -> None:
    # A copy in tmp_path: the corpus stays read-only and the path is ours.
    copy = tmp_path / SAMPLE.name
    shutil.copyfile(SAMPLE, copy)
    entry = parse_article_file(copy)
    assert entry.title == (
        "Russia Escalates Missile and Drone Assaults on Kyiv and Kharkiv Amid Renewed "
        "Peace Negotiations"
    )
    md = entry.content
    assert md.startswith("## Overnight Strikes Hit Ukraine as Peace Talks Resume\n\n")
    assert headings(md) == [
        "## Overnight Strikes Hit Ukraine as Peace Talks Resume",
        "## Major Cities Targeted: Power, Heat and Civilian Areas Hit",
        "## Diplomatic Fallout and Political Reactions",
    ]
    assert "Russia intensified its military campaign on January 24, 2026" in md
    assert "attacks struck hospitals, a maternity ward" in md
    assert md.endswith("though observers caution that significant disagreements remain.")
    for chrome in (
        "Connect with us",
        "looking for",
        "You May Also Like",
        "Crime",
        "Trinidad",
        "Anaheim",
        "Advertisement",
        "Trending",
        "ChatGPT Image",
    ):
        assert chrome not in md, chrome
    assert not any(line.strip() == "News" for line in md.split("\n"))
    assert entry.published == datetime(2026, 1, 24, tzinfo=UTC)
    assert entry.summary.startswith("Russia intensified its military campaign")


_SAVED_PAGE = """<!doctype html><html><head><title>Rivers rise | Example</title>
<meta property="og:site_name" content="The Example {site}Courier"></head><body><article>
<h1>Rivers rise</h1><p>{body}</p></article></body></html>"""
_BODY = "The river rose through the night and the town held its breath until morning. " * 8


def test_a_saved_page_is_named_by_the_publication_it_names(tmp_path: Path) -> None:
    page = tmp_path / "source.html"
    page.write_text(_SAVED_PAGE.format(site="", body=_BODY), encoding="utf-8")
    parsed, _, warnings = read_article_source(page)
    assert parsed.title == "The Example Courier"  # not "source", the file's name
    assert not warnings and len(parsed.entries) == 1


def test_a_saved_page_without_a_publication_is_named_by_its_file(tmp_path: Path) -> None:
    page = tmp_path / "floods-2026.html"
    page.write_text(
        _SAVED_PAGE.format(site="", body=_BODY).replace("og:site_name", "og:other"),
        encoding="utf-8",
    )
    assert read_article_source(page)[0].title == "floods-2026"


def test_a_hostile_publication_name_is_cleaned(tmp_path: Path) -> None:
    page = tmp_path / "source.html"
    page.write_text(_SAVED_PAGE.format(site="\x1b]0;x\x07[b]", body=_BODY), encoding="utf-8")
    assert read_article_source(page)[0].title == "The Example [b]Courier"


def test_a_folder_of_saved_pages_keeps_the_folder_name(tmp_path: Path) -> None:
    folder = tmp_path / "Clippings"
    folder.mkdir()
    (folder / "a.html").write_text(_SAVED_PAGE.format(site="", body=_BODY), encoding="utf-8")
    assert read_article_source(folder)[0].title == "Clippings"
