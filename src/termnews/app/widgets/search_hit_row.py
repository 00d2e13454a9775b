"""A search result in the headline list: the headline with its matched words marked,
and a second line with the passage where they occur.

The words are marked from the ``(start, end)`` spans the core computed
(:class:`~termnews.core.search.MatchedHeadline`), by styling ranges of plain
``Content``: feed text never becomes markup.
"""

from __future__ import annotations

from datetime import UTC, datetime

from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions

from termnews.app.widgets.cell_fit import fit_content
from termnews.app.widgets.headline_list import MUTED, Clock, CursorTest, HeadlineRow
from termnews.app.widgets.steady_scroll import CursorPlace
from termnews.core.models import UNTITLED
from termnews.core.search import MatchedHeadline
from termnews.core.search.highlight import Spans

MATCH_STYLE = "bold underline $tn-accent"
"""How a matched word looks (theme variables, so every theme gets it right)."""
CURSOR_MATCH_STYLE = "bold underline"
"""How it looks on the focused cursor, drawn in the accent colour in most themes:
the accent there was 1.1-1.8:1 on it. The cursor's own text colour is readable
(readable_colors); bold and the underline still mark the word."""
SNIPPET_INDENT = "   "


def _now() -> datetime:
    return datetime.now(UTC)


def _marked(text: str, spans: Spans, base: str, mark: str) -> Content:
    content = Content.styled(text, base) if base else Content(text)
    for start, end in spans:
        if 0 <= start < end <= len(text):
            content = content.stylize(mark, start, end)
    return content


def _mark(place: CursorPlace) -> str:
    return CURSOR_MATCH_STYLE if place == "cursor" else MATCH_STYLE


class SearchHitRow(HeadlineRow):
    """Two lines: the marked headline (laid out like any headline) and its snippet."""

    def __init__(
        self,
        headline: MatchedHeadline,
        clock: Clock = _now,
        show_source: bool = True,
        on_cursor: CursorTest | None = None,
    ) -> None:
        super().__init__(headline, clock, show_source, on_cursor)
        self.hit = headline

    def title_content(self, place: CursorPlace = "") -> Content:
        """The title with the matched words marked."""
        h = self.hit
        return _marked(h.title or UNTITLED, h.title_spans, "" if h.read else "bold", _mark(place))

    def snippet_content(self, width: int, place: CursorPlace = "") -> Content:
        """The snippet line, indented under the title and cut to ``width``, in the muted
        grey of the row's source and age where the row is drawn (``place``)."""
        snippet = _marked(self.hit.snippet, self.hit.snippet_spans, MUTED[place], _mark(place))
        return fit_content(Content.assemble(SNIPPET_INDENT, snippet), width)

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        place = "" if self.on_cursor is None else self.on_cursor(style)
        strips = self.content(width, place).render_strips(width, 1, style, options)
        if self.hit.snippet:
            snippet = self.snippet_content(width, place)
            strips += snippet.render_strips(width, 1, style, options)
        return strips

    def get_height(self, rules: RulesMap, width: int) -> int:
        return 2 if self.hit.snippet else 1
