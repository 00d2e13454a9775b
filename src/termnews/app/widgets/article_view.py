"""The article pane, laid out like a news site's article page.

Kicker (the section), headline, byline (source, author, date, reading time),
then the body (one :class:`ArticleBody` widget: the Markdown rendered to a
single wrapped Content, not Textual's ``Markdown`` widget, which mounts a widget
per block and lays the screen out again on every update), and the link to the
original at the end. The body is Markdown made from the cached HTML when the
store loads the article (``models.body_markdown``; older caches hold Markdown
written at ingest); it is cleaned again here (terminal safety at every edge),
raw HTML is shown as text (the parser runs with ``html`` off), and bodies longer than
:data:`MAX_BODY_CHARS` are cut at a paragraph with a note: parsing and wrapping
a megabyte of hostile text would stall the app.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.geometry import Region, Size
from textual.layout import DockArrangeResult
from textual.visual import VisualType
from textual.widgets import Static

from termnews.app.links import browsable_url
from termnews.app.widgets.article_body import ArticleBody, Parse, wrap_content
from termnews.app.widgets.scrollbars import can_settle, settle_vertical_scrollbar
from termnews.core.dates import long_date
from termnews.core.models import UNTITLED, Article
from termnews.core.reading import reading_time_minutes
from termnews.core.text import (
    byline_author,
    cap_headline,
    clean_block,
    clean_line,
    has_cjk,
    lines_of_parts,
)
from termnews.core.title_echo import without_title_echo

MAX_BODY_CHARS = 100_000
"""Longest body rendered; news articles are far shorter, hostile ones are not."""


def cap_body(markdown: str, limit: int = MAX_BODY_CHARS) -> tuple[str, bool]:
    """``markdown`` cut to about ``limit`` characters at a paragraph break."""
    if len(markdown) <= limit:
        return markdown, False
    cut = markdown.rfind("\n\n", limit // 2, limit)
    return markdown[: cut if cut > 0 else limit], True


def byline(article: Article, minutes: int) -> Content:
    """Source · author · date · reading time, as plain text."""
    return Content(" · ".join(byline_parts(article, minutes)))


MAX_BYLINE_NAME_CELLS = 80
"""Cells of the source's or the author's name in the byline: a feed or an author
named with a paragraph (feed text is written by strangers) filled the pane above
the article as a story-long headline did. The rename field (e) holds it whole."""


def byline_parts(article: Article, minutes: int) -> list[str]:
    """The byline's parts: source, author, date, reading time (those there are)."""
    parts = [cap_headline(clean_line(article.feed_title), MAX_BYLINE_NAME_CELLS)]
    author = byline_author(article.author, article.feed_title)
    if author:
        parts.append(f"By {cap_headline(author, MAX_BYLINE_NAME_CELLS)}")
    when = long_date(article.published or article.updated)
    if when:
        parts.append(when)
    if minutes:  # 0: no text ("This article has no text." below), no reading time
        parts.append(f"{minutes} min read")
    return [p for p in parts if p]


class HeaderLine(Static):
    """A line of the article's header (headline, byline) that breaks Chinese and
    Japanese text as the body does (:func:`wrap_content`).

    Why: Textual wraps a Static's CJK text at any character, so a long Chinese
    headline could put "，" or "」" at the start of its second line.
    """

    def _lines(self, width: int) -> Content | None:
        content = self.content
        if width <= 0 or not isinstance(content, Content) or not has_cjk(content.plain):
            return None
        return Content("\n").join(wrap_content(content, width))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        lines = self._lines(width)
        if lines is None:
            return super().get_content_height(container, viewport, width)
        return lines.plain.count("\n") + 1

    def render(self) -> VisualType:
        lines = self._lines(self.content_region.width)
        return lines if lines is not None else super().render()


class BylineLine(HeaderLine):
    """The byline, broken between its parts (" · "), never inside one.

    Textual wrapped it as one text: "... 10:00 · 1 min" and "read" alone below it
    (seen by qa18 at 120 columns). A part wider than the line (a feed titled with
    a sentence) wraps on lines of its own and the parts after it still break
    between parts: wrapped with the rest, it left "· 1" and "min read" apart
    (seen by ui20 with BBC Urdu's feed). CJK text keeps the header's own wrapping.
    """

    parts: tuple[str, ...] = ()

    def show(self, parts: Sequence[str]) -> None:
        """Show these parts (an empty list clears the line)."""
        self.parts = tuple(parts)
        self.update(Content(" · ".join(self.parts)))

    def _lines(self, width: int) -> Content | None:
        if width <= 0 or not self.parts:
            return None
        content = self.content
        if isinstance(content, Content) and has_cjk(content.plain):
            return super()._lines(width)
        lines = lines_of_parts(self.parts, width)
        if len(lines) < 2:
            return None
        rows: list[Content] = []
        for line in lines:
            if cell_len(line) > width:
                rows.extend(Content(line).wrap(width))
            else:
                rows.append(Content(line))
        return Content("\n").join(rows)


class ArticleView(VerticalScroll, can_focus=True):
    """Scrollable article: header, body, link to the original."""

    def __init__(self, parse: Parse | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.article: Article | None = None
        self._parse = parse
        """How the body parses its Markdown (see :class:`ArticleBody`)."""

    def compose(self) -> ComposeResult:
        yield Static(id="article-kicker")
        yield HeaderLine(id="article-title")
        yield BylineLine(id="article-byline")
        yield Static(id="article-notice")
        yield ArticleBody(self._parse, id="article-body")
        yield Static(id="article-link")

    def _get_scrollable_region(self, region: Region) -> Region:
        """The region for the article, with room for the scrollbar it will need.

        Every article that needs a scrollbar the one before did not (the first one
        at start-up) was painted once without it, wrapped a column wider, and again
        a moment later (see :mod:`.scrollbars`). Here the body is arranged at the
        width it would have beside a scrollbar (the layout that follows reuses that
        arrangement), and the scrollbar is shown when the article overflows there
        and at the full width too: the state Textual's own check settles on.
        """
        bar = self.styles.scrollbar_size_vertical
        if can_settle(self) and region.width > bar:
            height = region.height
            beside_bar = self.arrange(Size(region.width - bar, height))
            show = beside_bar.total_region.height > height and (
                self._body_overflows_without_bar(beside_bar, bar, height)
                or self.arrange(region.size).total_region.height > height
            )
            settle_vertical_scrollbar(self, show)
        return super()._get_scrollable_region(region)

    def _body_overflows_without_bar(
        self, beside_bar: DockArrangeResult, bar: int, height: int
    ) -> bool:
        """Whether the body alone is taller than ``height`` at the full width, surely.

        Known without arranging (and so wrapping) the article a second time from
        a lower bound of the body's height (:func:`lines_at_least`): for a news
        article, many times the pane's height, the bound is too. ``False`` means
        "cannot tell": the caller arranges at the full width.
        """
        body = self.query_one(ArticleBody)
        for placement in beside_bar.placements:
            if placement.widget is body:
                return body.height_at_least(placement.region.width + bar) > height
        return False

    def _set(self, widget_id: str, content: Content | str) -> None:
        widget = self.query_one(f"#{widget_id}", Static)
        widget.update(content)
        widget.display = bool(content)

    async def show_article(self, article: Article) -> None:
        """Show ``article`` from the top."""
        self.article = article
        body = without_title_echo(clean_block(article.body), article.title, article.link)
        minutes = reading_time_minutes(body) if body.strip() else 0
        shown, truncated = cap_body(body)
        self._set("article-kicker", Content(clean_line(article.section).upper()))
        title = clean_line(article.title) or UNTITLED
        headline = cap_headline(title)
        self._set("article-title", Content(headline))
        self.query_one(BylineLine).show(byline_parts(article, minutes))
        notices: list[str] = []
        if headline != title:
            notices.append("The headline is long: it is shown in full at the end.")
        if article.full_error and not article.full_content:
            notices.append(f"Full text unavailable: {clean_line(article.full_error)}")
        if truncated:
            notices.append(
                f"This article is long: showing the first {len(shown) // 1000} KB of "
                f"{len(body) // 1000} KB. Press o to read it all in the browser."
            )
        self._set("article-notice", Content("\n".join(notices)))
        link = browsable_url(article.link)
        if link:
            where = f"Original: {clean_line(link)}  (o opens, y copies)"
        elif not article.link:
            where = "No web link for this article."
        else:
            where = "The original link is not a web address; not shown."
        full = f"Full headline: {title}\n\n" if headline != title else ""
        self._set("article-link", Content(full + where))
        self.scroll_home(animate=False)
        self.query_one(ArticleBody).update(shown or "*This article has no text.*")
        self.scroll_home(animate=False)

    async def show_message(self, title: str, markdown: str) -> None:
        """Show a page of help (welcome, empty cache) instead of an article."""
        self.article = None
        self._set("article-kicker", Content("TERMNEWS"))
        self._set("article-title", Content(title))
        self.query_one(BylineLine).show([])
        self._set("article-notice", "")
        self._set("article-link", "")
        self.query_one(ArticleBody).update(markdown)
        self.scroll_home(animate=False)
