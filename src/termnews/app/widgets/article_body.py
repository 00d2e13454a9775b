"""The article body as ONE widget: Markdown rendered to a single wrapped ``Content``.

Why not Textual's ``Markdown`` widget: it mounts one widget per block (20-40 for a
news article) and each update lays out the whole screen again; opening an article
cost ~100 ms in ``show_article`` plus a ~75 ms layout per update (benchmarks/
RESULTS.md, "Opening an article"). Here the Markdown is parsed once into a flat list
of :class:`Block` (width-independent, cheap enough for the UI thread, pure data) and
each block is wrapped to the pane's width when the widget renders; the result is
cached per width, so scrolling and repaints cost nothing and a resize re-wraps once.

Safety: the text is feed text. It is cleaned (:func:`clean_block`) before parsing,
raw HTML is off in the parser (shown as text), and every piece of text goes into
``Content`` spans as *data*: no Rich or Textual markup is ever parsed from it. Link
targets are never put into a terminal hyperlink or an action string: a click names
the link by its index in :attr:`Document.links`, and the screen checks the URL
(http/https only) before handing it to a browser.

Styles are theme variables (``$tn-h1``, ``$tn-muted`` ...: app/readable_colors.py), resolved
by the app's stylesheet when the content renders, so every built-in theme stays
readable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.content import Content, Span, _FormattedLine
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.style import Style
from textual.visual import Visual
from textual.widget import Widget

from termnews.core.text import cjk_line_spans, clean_line, has_cjk

if TYPE_CHECKING:
    # Imported when the first body is parsed: the first frame's body may come
    # parsed from the last run (app/body_cache.py), and the parser is ~10 ms of imports.
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode

HEADING_STYLES = {
    1: "bold $tn-h1",
    2: "bold $tn-h2",
    3: "bold $tn-h3",
    4: "bold",
    5: "bold italic",
    6: "italic $tn-muted",
}
LINK_STYLE = "underline $tn-link"
URL_STYLE = "$tn-muted"
CODE_STYLE = "$tn-code"
IMAGE_STYLE = "italic $tn-h3"
MARKER_STYLE = "$tn-accent"
QUOTE_BAR_STYLE = "$tn-accent"
QUOTE_STYLE = "italic"
RULE_STYLE = "$tn-muted"
TABLE_LINE_STYLE = "$tn-muted"

MIN_WIDTH = 10
"""Narrowest width a block is wrapped to, however deep its indentation."""
MIN_COLUMN = 6
"""Narrowest table column; below that the table is shown row by row instead."""
MAX_NESTING = 12
"""Deeper nesting of lists and quotes is flattened: hostile bodies nest thousands."""
MAX_CACHED_WIDTHS = 4
"""Widths whose wrapped lines an :class:`ArticleBody` keeps (see ``_lines_for``)."""


@cache
def safe_markdown_parser() -> MarkdownIt:
    """CommonMark + tables and strikethrough, with raw HTML shown as text."""
    from markdown_it import MarkdownIt

    return MarkdownIt("gfm-like", {"html": False, "linkify": False})


@dataclass(frozen=True)
class Block:
    """One leaf block of the body, with the prefixes its containers give it.

    ``first`` prefixes its first line (a list marker), ``rest`` the others (the
    hanging indent, the quote bar). ``gap`` asks for a blank line before it.
    """

    kind: str  # "text", "code", "rule", "table"
    content: Content
    first: Content
    rest: Content
    gap: bool
    rows: tuple[tuple[Content, ...], ...] = ()
    """Table rows (the first is the header), for kind "table"."""


@dataclass(frozen=True)
class Document:
    """A parsed body: its blocks and the targets of its links, by index."""

    blocks: tuple[Block, ...] = ()
    links: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    """What each link says (its text, or the image's "[image: alt]"), by the same index:
    the links list (``O``) shows them."""


EMPTY_DOCUMENT = Document()

Later = Callable[[Callable[[], object]], object]
"""Runs a callable after the next screen refresh (a widget's ``call_after_refresh``)."""
Parse = Callable[[str, Later], Document]
"""Markdown to a :class:`Document`, able to put work off until after the next frame."""


@dataclass
class _Builder:
    """Walks the markdown-it syntax tree into :class:`Block`s."""

    blocks: list[Block] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    in_cell: bool = False
    """Inside a table cell: links and images show no URL (their text is still clicked).
    A column a few cells wide held a folded URL per line ("(https:/", "/www.gra",
    ...) and pushed the table's words apart or off into records."""

    # -- blocks ----------------------------------------------------------------

    def children(
        self, node: SyntaxTreeNode, first: Content, rest: Content, gap: bool, depth: int
    ) -> None:
        """Render ``node``'s block children; only the first one gets ``first``."""
        # In a tight list item (its paragraphs "hidden"), a nested list follows the text.
        tight = node.type == "list_item" and any(c.hidden for c in node.children)
        for index, child in enumerate(node.children):
            apart = gap if index == 0 else not tight
            self.block(child, first if index == 0 else rest, rest, apart, depth)
            first = rest

    def block(
        self, node: SyntaxTreeNode, first: Content, rest: Content, gap: bool, depth: int
    ) -> None:
        kind = node.type
        deep = depth >= MAX_NESTING
        if kind == "paragraph":
            # A tight list's paragraphs are "hidden": no blank line between items.
            self._add("text", self.inline(node), first, rest, gap and not node.hidden)
        elif kind == "heading":
            level = int(node.tag[1:]) if node.tag[1:].isdigit() else 6
            text = self.inline(node).stylize(HEADING_STYLES.get(level, "bold"))
            self._add("text", text, first, rest, True)
        elif kind in ("fence", "code_block"):
            code = node.content.rstrip("\n").expandtabs(4)
            self._add("code", Content.styled(code, CODE_STYLE), first + "  ", rest + "  ", gap)
        elif kind == "hr":
            self._add("rule", Content(""), first, rest, gap)
        elif kind == "blockquote":
            bar = Content.styled("┃ ", QUOTE_BAR_STYLE)
            start = len(self.blocks)
            if deep:
                self.children(node, first, rest, gap, depth + 1)
            else:
                self.children(node, first + bar, rest + bar, gap, depth + 1)
            for index in range(start, len(self.blocks)):
                b = self.blocks[index]
                if b.kind == "text":
                    self.blocks[index] = Block(
                        b.kind, b.content.stylize_before(QUOTE_STYLE), b.first, b.rest, b.gap
                    )
        elif kind in ("bullet_list", "ordered_list"):
            self._list(node, first, rest, gap, depth)
        elif kind == "table":
            self._table(node, first, rest, gap)
        elif node.children:
            self.children(node, first, rest, gap, depth + 1)
        elif node.content:
            self._add("text", Content(node.content), first, rest, gap)

    def _list(
        self, node: SyntaxTreeNode, first: Content, rest: Content, gap: bool, depth: int
    ) -> None:
        ordered = node.type == "ordered_list"
        start = 1
        if ordered:
            raw = node.attrs.get("start", 1)
            start = raw if isinstance(raw, int) else int(str(raw)) if str(raw).isdigit() else 1
        items = [c for c in node.children if c.type == "list_item"]
        if not ordered and node.markup == "+" and _follows_a_term(node):
            self._description(items, first, rest, depth)
            return
        # Each item shows the number written on it, as a browser numbers the list
        # (core/content.py writes "3. 2. 1." for <ol reversed>, "1. 9. 10." for
        # <li value=9>); CommonMark would count on from the first.
        labels = [_item_number(item, start + index) for index, item in enumerate(items)]
        width = max(len(label) for label in labels) + 2 if ordered and labels else 2
        if depth >= MAX_NESTING:
            width = 0
        for index, item in enumerate(items):
            if width == 0:
                marker = Content("")
            elif ordered:
                marker = Content.styled(f"{labels[index]}.".rjust(width - 1) + " ", MARKER_STYLE)
            else:
                marker = Content.styled("• ", MARKER_STYLE)
            item_first = (first if index == 0 else rest) + marker
            item_rest = rest + " " * width
            loose_gap = gap if index == 0 else True
            begin = len(self.blocks)
            if item.children:
                self.children(item, item_first, item_rest, loose_gap, depth + 1)
            else:
                self._add("text", Content(""), item_first, item_rest, loose_gap)
            if index == 0 and begin < len(self.blocks) and begin > 0:
                # Items of a tight list follow each other; the list stands apart.
                b = self.blocks[begin]
                self.blocks[begin] = Block(b.kind, b.content, b.first, b.rest, gap, b.rows)

    def _description(
        self, items: list[SyntaxTreeNode], first: Content, rest: Content, depth: int
    ) -> None:  # (a "+" list right after a bold-only paragraph: see _follows_a_term)
        """A definition's description (a "+" list from core/content.py's ``<dd>``):
        indented under its term with no marker and no blank line between, as a
        browser draws ``<dd>``."""
        indent = "" if depth >= MAX_NESTING else "    "
        for index, item in enumerate(items):
            item_first = (first if index == 0 else rest) + indent
            if item.children:
                self.children(item, item_first, rest + indent, False, depth + 1)

    def _table(self, node: SyntaxTreeNode, first: Content, rest: Content, gap: bool) -> None:
        rows: list[tuple[Content, ...]] = []
        self.in_cell = True
        try:
            for section in node.children:
                for tr in section.children:
                    rows.append(tuple(self.inline(cell) for cell in tr.children))
        finally:
            self.in_cell = False
        if rows:
            self.blocks.append(Block("table", Content(""), first, rest, gap, tuple(rows)))

    def _add(self, kind: str, content: Content, first: Content, rest: Content, gap: bool) -> None:
        self.blocks.append(Block(kind, content, first, rest, gap and bool(self.blocks)))

    # -- inline ----------------------------------------------------------------

    def inline(self, node: SyntaxTreeNode) -> Content:
        """The inline text under ``node`` as one Content: styles as spans, text as data."""
        parts: list[str] = []
        spans: list[Span] = []
        self._inline(node, parts, spans, [0])
        return Content("".join(parts), spans)

    def _inline(
        self, node: SyntaxTreeNode, parts: list[str], spans: list[Span], at: list[int]
    ) -> None:
        def put(text: str, style: str | Style = "") -> None:
            if not text:
                return
            if style:
                spans.append(Span(at[0], at[0] + len(text), style))
            parts.append(text)
            at[0] += len(text)

        for child in node.children:
            kind = child.type
            if kind == "text":
                put(child.content)
            elif kind == "softbreak":
                put(" ")
            elif kind == "hardbreak":
                put("\n")
            elif kind == "code_inline":
                put(child.content, CODE_STYLE)
            elif kind in ("em", "strong", "s"):
                style = {"em": "italic", "strong": "bold", "s": "strike"}[kind]
                begin = at[0]
                self._inline(child, parts, spans, at)
                if at[0] > begin:
                    spans.append(Span(begin, at[0], style))
            elif kind == "link":
                href = clean_line(str(child.attrs.get("href", "")))
                begin = at[0]
                self._inline(child, parts, spans, at)
                text = "".join(parts)[begin:]
                if href:
                    self.links.append(href)
                    self.labels.append(clean_line(text))
                    click = Style.from_meta({"@click": f"open_link({len(self.links) - 1})"})
                    if at[0] > begin:
                        spans.append(Span(begin, at[0], LINK_STYLE))
                        spans.append(Span(begin, at[0], click))
                    if not _names_url(text, href) and not href.startswith("#") and not self.in_cell:
                        put(" (", URL_STYLE)
                        put(href, URL_STYLE)
                        spans.append(Span(at[0] - len(href), at[0], click))
                        put(")", URL_STYLE)
            elif kind == "image":
                alt = clean_line(_plain(child))
                src = clean_line(str(child.attrs.get("src", "")))
                begin = at[0]
                put(_image_label(alt), IMAGE_STYLE)
                if src:
                    self.labels.append(_image_label(alt))
                if src and self.in_cell:
                    self.links.append(src)
                    click = Style.from_meta({"@click": f"open_link({len(self.links) - 1})"})
                    spans.append(Span(begin, at[0], click))
                elif src:
                    self.links.append(src)
                    put(" (", URL_STYLE)
                    put(src, URL_STYLE)
                    spans.append(
                        Span(
                            at[0] - len(src),
                            at[0],
                            Style.from_meta({"@click": f"open_link({len(self.links) - 1})"}),
                        )
                    )
                    put(")", URL_STYLE)
            elif child.children:
                self._inline(child, parts, spans, at)
            else:
                put(child.content)


def _item_number(item: SyntaxTreeNode, counted: int) -> str:
    """The number written on an ordered list's item, or ``counted`` if none."""
    info = item.info
    return info if info.isascii() and info.isdigit() else str(counted)


def _bare_url(url: str) -> str:
    """``url`` as people write it: no scheme, no "www.", no trailing "/" (lower case)."""
    rest = url.strip().lower().removeprefix("https://").removeprefix("http://")
    return rest.removeprefix("www.").rstrip("/")


def _names_url(text: str, href: str) -> bool:
    """Whether a link's text is its URL, as written or as people write it.

    "migp.cloudflare.com (https://migp.cloudflare.com)": the URL said again after a
    text that already says it (69 links in shared/corpus/feeds-real).
    """
    text = text.strip()
    return text == href or ("." in text and " " not in text and _bare_url(text) == _bare_url(href))


def _image_label(alt: str) -> str:
    """What stands for an image: "[image: alt]", or "[image]" when the alt says nothing.

    An image without alt text read "[image: image]" (235 of the 3,167 bodies of
    ``shared/corpus/feeds-real``), as did one whose alt is the word itself.
    """
    return f"[image: {alt}]" if alt and alt.casefold() != "image" else "[image]"


def _plain(node: SyntaxTreeNode) -> str:
    """The text under ``node``, without styles (an image's alt text)."""
    if node.type == "text" or node.type == "code_inline":
        return node.content
    if node.type in ("softbreak", "hardbreak"):
        return " "
    return "".join(_plain(c) for c in node.children)


def parse_document(markdown: str) -> Document:
    """Parse ``markdown`` (already cleaned and capped) into blocks and links."""
    builder = _Builder()
    if markdown.strip():
        from markdown_it.tree import SyntaxTreeNode

        tree = SyntaxTreeNode(safe_markdown_parser().parse(markdown))
        builder.children(tree, Content(""), Content(""), False, 0)
        if not builder.blocks:  # e.g. nesting past the parser's limit: keep the text
            builder.blocks.append(Block("text", Content(markdown), Content(""), Content(""), False))
    return Document(tuple(builder.blocks), tuple(builder.links), tuple(builder.labels))


# -- layout at a width ----------------------------------------------------------


def layout(document: Document, width: int) -> list[Content]:
    """The document's lines, each at most ``width`` cells (prefixes included)."""
    lines: list[Content] = []
    previous = Content("")
    for block in document.blocks:
        if block.gap and lines:
            # The blank line keeps only the prefix both blocks share (a quote's bar).
            shared = _common_prefix(previous.plain, block.rest.plain)
            lines.append(block.rest[:shared].rstrip())
        previous = block.rest
        indent = max(block.first.cell_length, block.rest.cell_length)
        inner = max(MIN_WIDTH, width - indent)
        if block.kind == "rule":
            body = [Content.styled("─" * inner, RULE_STYLE)]
        elif block.kind == "code":
            body = [
                piece
                for line in block.content.split("\n", allow_blank=True)
                for piece in (line.fold(inner) if line.cell_length > inner else [line])
            ]
        elif block.kind == "table":
            body = _table_lines(block.rows, inner)
        else:
            body = wrap_content(block.content, inner)
        for index, line in enumerate(body):
            lines.append((block.first if index == 0 else block.rest) + line)
    return lines


_NBSP = "\u00a0"
_GLUE = "\ue001"
"""Stands for a no-break space while a line is wrapped: a private-use character one
cell wide that Textual's wrap sees as part of a word (it breaks at any ``\\s``,
U+00A0 included)."""


def wrap_content(content: Content, width: int) -> list[Content]:
    """``content`` (one paragraph) as lines of at most ``width`` cells.

    Latin text is wrapped by Textual; text holding Chinese, Japanese or Korean by
    :func:`~termnews.core.text.cjk_line_spans`, which keeps closing marks off the
    start of a line and opening ones off its end, and Latin words and numbers in
    the text whole (Textual's wrap breaks CJK text at any character).
    """
    if not content:
        return [Content("")]
    plain = content.plain
    if has_cjk(plain):
        pieces = content.split("\n", allow_blank=True) if "\n" in plain else [content]
        return [
            piece[start:end]
            for piece in pieces
            for start, end in cjk_line_spans(piece.plain, width)
        ]
    if _NBSP in plain:
        return _wrap_keeping_nbsp(content, width)
    return content.wrap(width)


def _wrap_keeping_nbsp(content: Content, width: int) -> list[Content]:
    """``content.wrap(width)``, never breaking a line at a no-break space.

    Why: "10&nbsp;km" and "Mr.&nbsp;Smith" were split across lines. core/content.py
    keeps such short joins (and only those) as U+00A0. Each shows as a plain space;
    the glue is one character for one, so the spans keep their offsets.
    """
    glued = Content(content.plain.replace(_NBSP, _GLUE), list(content.spans))
    return [
        Content(line.plain.replace(_GLUE, " "), list(line.spans)) if _GLUE in line.plain else line
        for line in glued.wrap(width)
    ]


def lines_at_least(document: Document, width: int) -> int:
    """A lower bound of ``len(layout(document, width))``, found without wrapping.

    Why: to settle its scrollbar, the article pane asks whether the article
    overflows at two widths, beside the scrollbar and without it
    (:meth:`ArticleView._get_scrollable_region`); each answer wrapped the whole
    body. For a news article, far taller than the pane, the second answer follows
    from this bound. A wrapped line holds at most ``inner`` cells and wrapping
    drops only whitespace, so a paragraph takes at least its non-blank cells
    divided by ``inner`` lines (rounded up); a code block at least its lines;
    every other block but a table at least one.
    """
    count = 0
    for block in document.blocks:
        if block.gap and count:
            count += 1
        if block.kind == "text":
            indent = max(block.first.cell_length, block.rest.cell_length)
            inner = max(MIN_WIDTH, width - indent)
            ink = cell_len("".join(block.content.plain.split()))
            count += max(1, -(-ink // inner))
        elif block.kind == "code":
            count += block.content.plain.count("\n") + 1
        elif block.kind == "rule":
            count += 1
    return count


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _table_lines(rows: tuple[tuple[Content, ...], ...], width: int) -> list[Content]:
    """A grid when the columns fit at :data:`MIN_COLUMN` or more, else row by row.

    A header row with no text (the converter's, for a table without one) is not
    drawn: neither a blank bold line and its rule nor "": value" records.
    """
    columns = max(len(r) for r in rows)
    grid = [r + (Content(""),) * (columns - len(r)) for r in rows]
    headed = len(grid) < 2 or any(cell.plain.strip() for cell in grid[0])
    if not headed:
        grid = grid[1:]
    natural = [max(1, *(row[c].cell_length for row in grid)) for c in range(columns)]
    sep = Content.styled(" │ ", TABLE_LINE_STYLE)
    room = width - 3 * (columns - 1)
    if room < MIN_COLUMN * columns:
        return _table_as_records(grid, width, headed)
    widths = list(natural)
    while sum(widths) > room:  # shrink the widest column until it all fits
        widest = max(range(columns), key=lambda c: widths[c])
        widths[widest] -= max(1, (sum(widths) - room) // columns)
        widths[widest] = max(MIN_COLUMN, widths[widest])
        if all(w == MIN_COLUMN for w in widths):
            break
    out: list[Content] = []
    for index, row in enumerate(grid):
        bold = index == 0 and headed
        cells = [
            wrap_content(cell.stylize_before("bold") if bold else cell, widths[c])
            for c, cell in enumerate(row)
        ]
        height = max(len(c) for c in cells)
        for y in range(height):
            pieces = [
                (cells[c][y] if y < len(cells[c]) else Content("")).pad_right(
                    max(0, widths[c] - (cells[c][y].cell_length if y < len(cells[c]) else 0))
                )
                for c in range(columns)
            ]
            out.append(sep.join(pieces).rstrip())
        if index == 0 and headed:
            out.append(Content.styled("─┼─".join("─" * w for w in widths), TABLE_LINE_STYLE))
    return out


def _table_as_records(
    grid: list[tuple[Content, ...]], width: int, headed: bool = True
) -> list[Content]:
    """A table too wide for the pane: each row as "header: value" lines (or values alone
    when the table has no header row)."""
    header, *body = grid if headed else [(), *grid]
    out: list[Content] = []
    for index, row in enumerate(body or [header]):
        if index:
            out.append(Content(""))
        if not headed:
            for value in row:
                out.extend(wrap_content(value, width) if value else [])
            continue
        for name, value in zip(header, row, strict=False):
            label = name.stylize_before("bold") + ": " if body else Content("")
            record = label + value
            out.extend(wrap_content(record, width) if record else [])
    return out


class ArticleBody(Widget):
    """The body of the open article: one widget, whatever the number of blocks."""

    DEFAULT_CSS = """
    ArticleBody {
        height: auto;
        width: 1fr;
    }
    """

    class LinkClicked(Message):
        """A link in the body was clicked; ``href`` is unchecked feed data."""

        def __init__(self, body: ArticleBody, href: str) -> None:
            super().__init__()
            self.body = body
            self.href = href

        @property
        def control(self) -> ArticleBody:
            return self.body

    def __init__(self, parse: Parse | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._parse = parse
        """Parses the bodies shown (None: :func:`parse_document`; the reader's keeps one)."""
        self.document: Document = EMPTY_DOCUMENT
        self._lines: dict[int, list[Content]] = {}
        self._strips: dict[int, Strip] = {}
        self._strips_for: tuple[int, Style] | None = None

    def show(self, document: Document) -> None:
        """Show ``document``; wrapping waits for the next render at the pane's width."""
        self.document = document
        self._lines = {}
        self.refresh(layout=True)

    def update(self, markdown: str) -> None:
        """Parse and show ``markdown`` (cleaned and capped by the caller)."""
        if self._parse is None:
            self.show(parse_document(markdown))
        else:
            self.show(self._parse(markdown, self.call_after_refresh))

    def _lines_for(self, width: int) -> list[Content]:
        """The document wrapped at ``width``, kept for the last few widths.

        One open asks for two widths in turn: the article pane arranges the body
        beside its scrollbar and at the full width to settle the scrollbar
        (:meth:`ArticleView._get_scrollable_region`), then the layout and the
        paint use one of them. Keeping a single width re-wrapped the body on
        every switch, ~4 times per open; keeping each width wraps it twice.
        """
        width = max(1, width)
        lines = self._lines.get(width)
        if lines is None:
            if len(self._lines) >= MAX_CACHED_WIDTHS:  # a resize drag: keep it bounded
                self._lines.pop(next(iter(self._lines)))
            lines = self._lines[width] = layout(self.document, width)
        return lines

    def height_at_least(self, width: int) -> int:
        """A lower bound of the body's height at ``width``, without wrapping it."""
        lines = self._lines.get(max(1, width))
        return len(lines) if lines is not None else lines_at_least(self.document, width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines_for(width))

    def render(self) -> Content:
        return Content("\n").join(self._lines_for(self.content_region.width or self.size.width))

    def render_line(self, y: int) -> Strip:
        """Render line ``y`` alone, when the pane shows it.

        The widget is as tall as the whole body inside the scrolling pane, and
        ``Widget`` renders all of it on every repaint (an open): 60-100 lines for a
        news article, ~20 on screen. Lines are rendered as they come into view and
        kept until the next repaint, width or style.
        """
        width = self.size.width
        key = (width, self.visual_style)
        if self._dirty_regions or key != self._strips_for:
            self._strips = {}
            self._strips_for = key
            self._dirty_regions.clear()
        strip = self._strips.get(y)
        if strip is None:
            lines = self._lines_for(width)
            if 0 <= y < len(lines):
                strip = self._line_strip(lines[y], width)
            else:
                strip = Strip.blank(width, self.visual_style.rich_style)
            self._strips[y] = strip
        return strip

    def _line_strip(self, line: Content, width: int) -> Strip:
        """One laid-out line as a strip: what ``Visual.to_strips`` gives, made directly.

        ``to_strips`` wraps and aligns the line again (~60 us a line, ~1 ms for the
        lines an open paints); a line :func:`layout` made already fits. When nothing
        Textual would do to it applies (no text selection, default text styles, no
        tab or line break, no more characters than cells), the strip is built the
        way ``Content.render_strips`` builds it for such a line (~11 us), links
        styled as ``to_strips`` styles them. Anything else goes the long way.
        """
        style = self.visual_style
        plain = line.plain
        rules = self.styles
        align = rules.get("text_align", "left")
        if (
            self.text_selection is None
            and 0 < line.cell_length <= width
            and len(plain) <= width
            and "\t" not in plain
            and "\n" not in plain
            and align in ("start", "left")
            and rules.get("text_overflow", "fold") == "fold"
            and rules.get("text_wrap", "wrap") == "wrap"
            and rules.get("line_pad", 0) == 0
            and self.styles.content_align == ("left", "top")
        ):
            formatted = _FormattedLine(self._get_style, line, width, align=align, line_end=True)
            strip = Strip(*formatted.to_strip(style))
            if self.auto_links and not self.is_container and not self.screen._selecting:
                strip = strip._apply_link_style(self.link_style)
            return strip
        return Visual.to_strips(self, line, width, 1, style)[0]

    def action_open_link(self, index: int) -> None:
        """A click on link number ``index`` (from the ``@click`` meta of its span)."""
        if 0 <= index < len(self.document.links):
            self.post_message(self.LinkClicked(self, self.document.links[index]))


def plain_lines(document: Document, width: int) -> list[str]:
    """The laid-out text without styles (tests, and the length checks)."""
    return [line.plain for line in layout(document, width)]


def iter_links(document: Document) -> Iterable[str]:
    """The document's link targets in order (tests)."""
    return iter(document.links)


def _follows_a_term(node: SyntaxTreeNode) -> bool:
    """Whether a "+" list stands right after a paragraph that is one bold run.

    That is how core/content.py writes ``<dt>term</dt><dd>text</dd>`` ("**term**",
    then "+ text"), and how nothing else in a body reads: a Markdown article file's
    own "+" lists (CommonMark allows -, * and +) keep their bullets.
    """
    before = node.previous_sibling
    if before is None or before.type != "paragraph" or len(before.children) != 1:
        return False
    inline = before.children[0]
    parts = [c for c in inline.children if c.type != "text" or c.content.strip()]
    return len(parts) == 1 and parts[0].type == "strong"
