"""'You may also like': related cached stories under (or beside) the article.

Each teaser is tagged with its section, like the related block at the foot of a
news site's article page: section, source and age on one line, the headline on
the next two (cut with an ellipsis if longer). Enter (or a click) opens the story.

Every teaser is the same height (:class:`Teaser`), so a new set of as many teasers
leaves the panel's line count alone: its options are replaced in place and the panel
only repaints, where a new line count lays out the whole screen again (~15-25 ms,
right after an article is painted: when the next key arrives).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from textual import on
from textual.content import Content
from textual.css.styles import RulesMap
from textual.message import Message
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from termnews.app.widgets.cell_fit import fit_content
from termnews.app.widgets.steady_scroll import SteadyScrollOptionList
from termnews.core.dates import short_age
from termnews.core.models import UNTITLED
from termnews.core.text import clean_line, outlet_name

if TYPE_CHECKING:
    # Types only: the engine is imported when the first related stories are read,
    # after the first frame (issue 8).
    from termnews.core.related import RelatedItem

TITLE = "You may also like"


TITLE_LINES = 2
"""Lines a teaser's headline may take; shorter ones are padded, so all are as tall."""


class Teaser(Visual):
    """A related story in 1 + :data:`TITLE_LINES` lines: section, source, age; headline."""

    def __init__(
        self,
        meta: Content,
        title: Content,
        plain_meta: Content | None = None,
        on_cursor: Callable[[Style], bool] | None = None,
        age: str = "",
    ) -> None:
        self.meta = meta
        self.age = age
        """Kept whole at the meta line's end: cut with a long source's name, it was
        lost ("Varthabharathi : Kanrnataka's Leadin…", seen by ui20)."""
        self.title = title
        self.plain_meta = plain_meta or meta
        """The meta line on the cursor: its own colours there were unreadable."""
        self.on_cursor = on_cursor
        """Whether a row style is the focused cursor's (the panel knows; see render_strips)."""
        self._laid_out: tuple[int, bool, list[Content]] | None = None

    def lines(self, width: int, on_cursor: bool = False) -> list[Content]:
        """The teaser's lines at ``width`` cells (kept for the next call at that width)."""
        laid_out = self._laid_out
        if laid_out is None or laid_out[:2] != (width, on_cursor):
            wrapped = self.title.wrap(max(1, width))
            if len(wrapped) > TITLE_LINES:
                tail = Content(" ").join(wrapped[TITLE_LINES - 1 :])
                wrapped = [*wrapped[: TITLE_LINES - 1], fit_content(tail, width)]
            wrapped += [Content("")] * (TITLE_LINES - len(wrapped))
            meta = self.plain_meta if on_cursor else self.meta
            laid_out = (width, on_cursor, [self._meta_line(meta, width, on_cursor), *wrapped])
            self._laid_out = laid_out
        return laid_out[2]

    def _meta_line(self, meta: Content, width: int, on_cursor: bool) -> Content:
        """Section and source cut to leave room for `` · age``, which the line ends with."""
        if not self.age:
            return fit_content(meta, width)
        tail = Content.styled(f" · {self.age}", "" if on_cursor else "$tn-muted")
        if meta.cell_length + tail.cell_length <= width or width - tail.cell_length < 12:
            return fit_content(meta + tail, width)
        return fit_content(meta, width - tail.cell_length) + tail

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        # On the focused panel's cursor the section in $tn-accent and the source in
        # $tn-muted sat on the cursor colour at 1.0-2.4:1 in every built-in theme, so
        # there the meta line takes the cursor's text colour (readable_colors makes
        # that one readable on it). The option list caches renders by style, so the
        # cursor's render is its own.
        on_cursor = self.on_cursor is not None and self.on_cursor(style)
        strips: list[Strip] = []
        for line in self.lines(width, on_cursor):
            strips += line.render_strips(width, 1, style, options)
        return strips

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return container_width

    def get_height(self, rules: RulesMap, width: int) -> int:
        return 1 + TITLE_LINES


def teaser(
    item: RelatedItem, now: datetime, on_cursor: Callable[[Style], bool] | None = None
) -> Teaser:
    """SECTION · source · age, then the headline."""
    section, rest = clean_line(item.section).upper(), "  " + outlet_name(item.feed_title)
    return Teaser(
        Content.assemble((section, "bold $tn-accent"), (rest, "$tn-muted")),
        Content.styled(clean_line(item.title) or UNTITLED, "bold"),
        Content.assemble((section, "bold"), rest),
        on_cursor,
        short_age(item.published, now),
    )


class RelatedPanel(SteadyScrollOptionList):
    """Related stories for the open article."""

    class Opened(Message):
        """The user chose a related story."""

        def __init__(self, panel: RelatedPanel, article_id: int) -> None:
            super().__init__()
            self.panel = panel
            self.article_id = article_id

        @property
        def control(self) -> RelatedPanel:
            return self.panel

    def __init__(self, clock: Callable[[], datetime] | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.items: list[RelatedItem] = []
        self._showing_teasers = False
        """True while the options are teasers (not a hint line)."""
        self.border_title = TITLE

    def show_hint(self, text: str) -> None:
        """A line in place of teasers (no article open)."""
        self.items = []
        self._showing_teasers = False
        self.set_options([Option(Content(text), disabled=True)])

    def show_items(self, items: Sequence[RelatedItem]) -> None:
        """Replace the teasers (an empty list shows a short note)."""
        self.items = list(items)
        now = self.clock()
        if not self.items:
            self.show_hint("Nothing related in the cache yet.")
            return
        teasers = [teaser(item, now, self.is_cursor_style) for item in self.items]
        if self._showing_teasers and self.option_count == len(teasers):
            self._replace_teasers(teasers)
        else:
            options: list[Option | None] = []
            for content in teasers:
                options.append(Option(content))
                options.append(None)
            self.set_options(options[:-1])
        self._showing_teasers = True
        self.highlighted = 0

    def _replace_teasers(self, teasers: list[Teaser]) -> None:
        """Put new teasers into the options already there, one for one.

        ``set_options`` rebuilds the list, and a new line map always means a new
        virtual size, which lays out the whole screen again. Teasers being all as
        tall, replacing the prompts keeps the line count, and the panel only repaints.
        """
        for option, content in zip(self.options, teasers, strict=True):
            option._set_prompt(content)
        self._clear_caches()
        self.scroll_to(y=0, animate=False, immediate=True)
        self._update_lines()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.items and 0 <= event.option_index < len(self.items):
            self.post_message(self.Opened(self, self.items[event.option_index].article_id))
