"""The headline list: one cheap row per article, loaded a page at a time.

Built on ``OptionList`` (the measured fast choice; a ``ListView`` makes one widget
per row and takes seconds at 1,000 rows). Each row is a :class:`HeadlineRow`
visual that lays out its columns at render time for the actual width and reports
a height of one line without wrapping anything, so even 10,000 loaded rows cost a
fraction of a second to add or re-measure on resize. Pages come from
``Store.headlines(limit, offset)``: the list asks for more with :class:`NeedMore`
when the highlight or the scroll position nears the end of what is loaded, and for
earlier rows with :class:`NeedEarlier` near its start.

The list holds a *window* of its query: rows ``start`` .. ``start + len(rows)``.
``G`` in a section of 100,000 articles loads its last page, not every row before
it (that was 165 MiB of rows and options, issue 8); the screen trims a window that
grew past :data:`WINDOW_MAX` rows as the reader moves on (see ``drop_rows``).

Feed text never becomes markup here: titles go into ``Content`` as plain text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, cast

from textual import on
from textual.content import Content
from textual.css.styles import RulesMap
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from termnews.app.widgets.cell_fit import fit_cells, fit_content
from termnews.app.widgets.scrollbars import can_settle, settle_vertical_scrollbar
from termnews.app.widgets.steady_scroll import CursorPlace, SteadyScrollOptionList
from termnews.core.dates import short_age
from termnews.core.models import UNTITLED, Headline
from termnews.core.text import clean_line, outlet_name

if TYPE_CHECKING:
    from termnews.core.search import MatchedHeadline

LOOKAHEAD = 40
"""Ask for the next page when the highlight or the view is this close to the end."""

PAGE_CONTEXT = 2
"""Rows of the last page kept in view when a move off the edge turns the page."""
WINDOW_MAX = 2_000
"""Most rows the list holds; past it the screen trims the end the reader moved away from."""
WINDOW_KEEP = 1_000
"""Rows a trim keeps around the highlight: a trim rebuilds the options, so not every page."""
SOURCE_FROM = 36
"""Narrowest row (cells) that still shows the source column; below it the title gets it all."""

Clock = Callable[[], datetime]
CursorTest = Callable[[Style], CursorPlace]
"""Tells a row whether the style it is drawn in is its list's cursor, focused or not."""

MUTED: dict[CursorPlace, str] = {
    "": "$tn-row-muted",
    "cursor": "$tn-cursor-muted",
    "blurred": "$tn-blurred-muted",
}
"""The source and age column's grey on each kind of row (made readable there and
dimmer than the titles by readable_colors)."""


def _now() -> datetime:
    return datetime.now(UTC)


class HeadlineRow(Visual):
    """One headline as a single line: unread dot, star, age, source, title."""

    def __init__(
        self,
        headline: Headline,
        clock: Clock = _now,
        show_source: bool = True,
        on_cursor: CursorTest | None = None,
    ) -> None:
        self.headline = headline
        self.clock = clock
        self.show_source = show_source
        self.on_cursor = on_cursor
        """Whether a row style is the list's cursor (the list knows; see render_strips)."""
        self._laid_out: tuple[int, CursorPlace, Content] | None = None

    def content(self, width: int, place: CursorPlace = "") -> Content:
        """The row laid out for ``width`` cells, kept for the next call at that width.

        Laying a row out (truncating the title, padding the columns) is most of what a
        repaint of the list costs, and the list repaints every visible row whenever its
        render cache is dropped (focus moves, a resize, a theme change). The layout holds
        theme variable *names* (``$tn-accent``), resolved only when the strips are made,
        so a theme change does not invalidate it; a row that changes (read, starred) is
        a new :class:`HeadlineRow`. ``place``: the row as the list's cursor, focused
        or not, shows it (see :meth:`render_strips`).
        """
        laid_out = self._laid_out
        if laid_out is None or laid_out[:2] != (width, place):
            laid_out = self._laid_out = (width, place, self._layout(width, place))
        return laid_out[2]

    def _layout(self, width: int, place: CursorPlace = "") -> Content:
        """Marker, title, then source and age at the right, in ``width`` cells."""
        h = self.headline
        on_cursor = place == "cursor"
        if h.starred:
            marker = ("★ ", "$tn-warning")
        elif not h.read:
            marker = ("● ", "$tn-accent")
        else:
            marker = ("  ", "")
        if on_cursor:
            # The focused cursor is drawn in the accent colour in most themes: the
            # ● in $tn-accent sat on it at 1.0-2.3:1, there and not there. On it
            # the marks take the cursor's own text colour (readable_colors makes
            # that readable); the glyph still says unread or starred.
            marker = (marker[0], "bold")
        age = short_age(h.published, self.clock())
        muted = MUTED[place]
        right: list[tuple[str, str]] = []
        if h.sources > 1:
            right.append((f"+{h.sources - 1} ", "" if on_cursor else "$tn-secondary"))
        if self.show_source and width >= SOURCE_FROM:
            # A fixed-width, left-aligned column, so sources line up down the list.
            src_width = min(18, max(10, width // 4))
            source = fit_cells(outlet_name(h.feed_title), src_width)
            right.append((source + " ", muted))
        right.append((age.rjust(3), muted))
        tail = Content.assemble(*right)
        room = width - 2 - tail.cell_length - 2
        title = self.title_content(place)
        if room < 8:
            # Too narrow for the right-hand columns: the title matters most.
            return fit_content(Content.assemble(marker, title), width)
        title = fit_content(title, room)
        gap = width - 2 - title.cell_length - tail.cell_length
        return Content.assemble(marker, title, " " * max(gap, 1), tail)

    def title_content(self, place: CursorPlace = "") -> Content:
        """The title (a search result marks its matched words here; ``place``: as in
        :meth:`content`)."""
        h = self.headline
        return Content.styled(clean_line(h.title) or UNTITLED, "bold" if not h.read else "")

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        # The option list caches renders by style, so the cursor's render is its own.
        place = "" if self.on_cursor is None else self.on_cursor(style)
        return self.content(width, place).render_strips(width, 1, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return container_width

    def get_height(self, rules: RulesMap, width: int) -> int:
        return 1


def _row_for(
    headline: Headline,
    clock: Clock,
    matched: type[MatchedHeadline],
    on_cursor: CursorTest | None = None,
    show_source: bool = True,
) -> HeadlineRow:
    """The row visual: search results (``matched``: with matched words, a snippet) get their own."""
    if isinstance(headline, matched):
        from termnews.app.widgets.search_hit_row import SearchHitRow

        return SearchHitRow(headline, clock, show_source, on_cursor=on_cursor)
    return HeadlineRow(headline, clock, show_source, on_cursor=on_cursor)


class _PagingMessage(Message):
    """A headline list asks its screen for rows (its subclasses say which)."""

    def __init__(self, headline_list: HeadlineList) -> None:
        super().__init__()
        self.headline_list = headline_list

    @property
    def control(self) -> HeadlineList:
        return self.headline_list


class HeadlineList(SteadyScrollOptionList):
    """Headlines of the current section or feed, newest first, paged lazily."""

    highlighted: reactive[int | None] = reactive(None, repaint=False)
    """As in ``OptionList``, but a move repaints the two rows it changes, not the list.

    ``OptionList`` repaints every visible row when the highlight moves (~35 lines
    through the styles cache, most of the cost of a ``j``); only the row left and
    the row reached look different. A move that scrolls repaints everything anyway.
    """

    class Opened(Message):
        """The user opened a headline (Enter or click)."""

        def __init__(self, headline_list: HeadlineList, headline: Headline) -> None:
            super().__init__()
            self.headline_list = headline_list
            self.headline = headline

        @property
        def control(self) -> HeadlineList:
            return self.headline_list

    class NeedMore(_PagingMessage):
        """Fewer than ``LOOKAHEAD`` loaded rows remain below the highlight or the view."""

    class NeedEarlier(_PagingMessage):
        """Fewer than ``LOOKAHEAD`` rows lie above the highlight or the view, and the
        window starts below the query's first row."""

    def __init__(self, clock: Clock = _now, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.clock = clock
        self.show_source = True
        """Whether rows show their source (not in one feed's list: the screen says)."""
        self.rows: list[Headline] = []
        self.total = 0
        """How many rows the current query has in all (loaded or not)."""
        self.start = 0
        """The query's offset of ``rows[0]``: above 0 once ``G`` or a trim left rows out."""
        self.loading_more = False
        self._asked_for_more = False
        self._asked_for_earlier = False
        self._replacing = False

    def _get_scrollable_region(self, region: Region) -> Region:
        """The list's region, its scrollbar decided from its line count (:mod:`.scrollbars`).

        Rows are one line (a search hit with a snippet two), whatever the width, so
        the count is known before the rows are measured for this width.
        """
        if can_settle(self):
            settle_vertical_scrollbar(self, self._line_count() > region.height)
        return super()._get_scrollable_region(region)

    def _line_count(self) -> int:
        """Lines of all the options: those measured, plus the rest counted now."""
        lines = self._line_cache.lines
        measured = lines[-1][0] + 1 if lines else 0
        count = len(lines)
        if measured < len(self.options):
            count += self._lines_of(self.options[measured:])
        return count

    # ---------------------------------------------------------------- data

    @property
    def has_more(self) -> bool:
        """True when rows beyond the loaded ones exist."""
        return self.start + len(self.rows) < self.total

    @property
    def has_earlier(self) -> bool:
        """True when the window starts after the query's first row."""
        return self.start > 0

    def _row(self, headline: Headline) -> HeadlineRow:
        """The row visual: search results (with matched words and a snippet) get their own."""
        if type(headline) is Headline:
            return HeadlineRow(headline, self.clock, self.show_source, self.cursor_place)
        from termnews.core.search import MatchedHeadline

        return _row_for(headline, self.clock, MatchedHeadline, self.cursor_place, self.show_source)

    def build_options(self, rows: Sequence[Headline]) -> list[Option]:
        """Options for ``rows``, ready to add; safe to call from any thread.

        It touches no widget state, so a store thread builds them with the rows it
        read: after a refresh the list is reloaded with every new article (10,000 in
        the benchmark), and making their rows on the event loop was ~25 ms of the
        ~80 ms the reload held it (more on a busy machine), with keys waiting.
        Each option's visual is set as ``OptionList`` would set it (a
        :class:`HeadlineRow` is its own visual), sparing the loop that pass too.
        """
        # show_source is read once, as the rows are asked for: a load for a view left
        # meanwhile is dropped by its screen (the load's generation), rows and all.
        clock, on_cursor, source = self.clock, self.cursor_place, self.show_source
        # A section's rows are plain headlines: the search engine (where a search
        # result's class lives, ~30 ms to import) is not needed to tell them apart.
        matched: type = Headline
        if any(type(h) is not Headline for h in rows):
            from termnews.core.search import MatchedHeadline

            matched = MatchedHeadline
        out: list[Option] = []
        for headline in rows:
            row = (
                HeadlineRow(headline, clock, source, on_cursor)
                if type(headline) is Headline
                else _row_for(headline, clock, matched, on_cursor, source)
            )
            option = Option(row)
            option._visual = row
            out.append(option)
        return out

    def show_rows(
        self,
        rows: Sequence[Headline],
        total: int,
        keep_id: int | None = None,
        options: Sequence[Option] | None = None,
        start: int = 0,
        note: str | None = None,
    ) -> None:
        """Replace the list; keep ``keep_id`` highlighted at the same screen line if present.

        ``options`` are :meth:`build_options` of ``rows``, when built off the loop;
        ``start``: the query's offset of the first row (a window further down);
        ``note``: what to say when there are no rows (:mod:`termnews.app.empty_notes`),
        shown as one option that cannot be highlighted or opened.
        """
        old_index = self.highlighted
        old_offset = (old_index - int(self.scroll_y)) if old_index is not None else 0
        self.rows = list(rows)
        self.start = start
        self.total = max(total, start + len(self.rows))
        self._asked_for_more = self._asked_for_earlier = False
        if not self.rows and note:
            options = [Option(Content.styled(clean_line(note), "italic $tn-muted"), disabled=True)]
        self.set_options(options if options is not None else self.build_options(self.rows))
        new_index = self.index_of(keep_id) if keep_id is not None else None
        if new_index is None:
            if self.rows:
                self.highlighted = 0
            self.scroll_home(animate=False, immediate=True)
            return
        with self.prevent(OptionList.OptionHighlighted):
            self.highlighted = new_index
        self.scroll_to(y=max(0, new_index - old_offset), animate=False, immediate=True)
        self._maybe_need_more()  # a window near its start loads the page above now

    def append_rows(
        self, rows: Sequence[Headline], total: int, options: Sequence[Option] | None = None
    ) -> None:
        """Add the next page below the loaded rows (``options``: as in :meth:`show_rows`)."""
        known = {h.id for h in self.rows}
        built = options if options is not None else self.build_options(rows)
        fresh = [(h, o) for h, o in zip(rows, built, strict=True) if h.id not in known]
        self.rows.extend(h for h, _ in fresh)
        self.total = max(total, self.start + len(self.rows))
        self._asked_for_more = False
        if fresh:
            highlighted = self.highlighted
            self.add_options([o for _, o in fresh])
            if highlighted is None and self.rows:
                self.highlighted = 0

    def prepend_rows(
        self, rows: Sequence[Headline], start: int, options: Sequence[Option] | None = None
    ) -> None:
        """Put the page before the window above it; ``start``: the page's first row's offset.

        The highlighted row stays highlighted at the same screen line: the view
        scrolls down by the lines added, so nothing moves under the reader.
        """
        known = {h.id for h in self.rows}
        built = options if options is not None else self.build_options(rows)
        fresh = [(h, o) for h, o in zip(rows, built, strict=True) if h.id not in known]
        self.start = max(0, start)
        self._asked_for_earlier = False
        if not fresh:
            return
        added = [o for _, o in fresh]
        self._replace_options(
            [h for h, _ in fresh] + self.rows,
            added + list(self.options),
            shift=len(added),
            lines=self._lines_of(added),
        )

    def trim(self, counted: Callable[[Sequence[Headline]], int]) -> None:
        """Keep :data:`WINDOW_KEEP` rows around the reader once over :data:`WINDOW_MAX`.

        Around the highlight when it is in view, else around the view (a mouse wheel
        scrolls without moving the highlight). ``counted``: how many of some rows the
        query still counts (``HeadlineQuery.offset_after``), for the new ``start``.
        """
        count = len(self.rows)
        if count <= WINDOW_MAX:
            return
        view = self.scrollable_content_region.height
        first = self.row_at_line(int(self.scroll_y))
        last = self.row_at_line(int(self.scroll_y) + max(0, view - 1))
        highlighted = self.highlighted
        if highlighted is not None and first <= highlighted <= last:
            anchor = highlighted
        else:
            anchor = (first + last) // 2
        low = max(0, anchor - WINDOW_KEEP // 2)
        high = min(count, low + WINDOW_KEEP)
        low = max(0, high - WINDOW_KEEP)
        self.drop_rows(low, count - high, counted(self.rows[:low]))

    def row_at_line(self, y: int) -> int:
        """The row shown at line ``y`` of the list (the last row past its end)."""
        self._update_lines()
        lines = self._line_cache.lines
        if not lines:
            return 0
        return lines[min(max(0, y), len(lines) - 1)][0]

    def drop_rows(self, top: int, bottom: int, start_shift: int) -> None:
        """Drop ``top`` rows from the start of the window and ``bottom`` from its end.

        ``start_shift``: how far the window's query offset moves, which is ``top``
        unless some of the dropped rows no longer count in the query (read, with
        "unread only": see ``HeadlineQuery.offset_after``). The highlighted row stays
        at its screen line; it must not be among the dropped ones.
        """
        if top <= 0 and bottom <= 0:
            return
        end = len(self.rows) - max(0, bottom)
        top = max(0, top)
        options = list(self.options)
        self.start += start_shift if top else 0
        self._replace_options(
            self.rows[top:end],
            options[top:end],
            shift=-top,
            lines=-self._lines_of(options[:top]),
        )

    def _replace_options(
        self, rows: list[Headline], options: list[Option], shift: int, lines: int
    ) -> None:
        """Set ``rows``/``options``; the highlight moves ``shift`` rows, the view ``lines``."""
        highlighted = self.highlighted
        scroll_y = int(self.scroll_y)
        self.rows = rows
        # set_options scrolls to the top on the way: not a reader's move to page on.
        self._replacing = True
        try:
            with self.prevent(OptionList.OptionHighlighted):
                self.set_options(options)
                if highlighted is not None and rows:
                    self.highlighted = min(max(0, highlighted + shift), len(rows) - 1)
            self._update_lines()
            self.scroll_to(y=max(0, scroll_y + lines), animate=False, immediate=True)
        finally:
            self._replacing = False

    def _lines_of(self, options: Sequence[Option]) -> int:
        """Screen lines ``options`` take (one a row, two for a search hit with a snippet)."""
        # (a visual reads its styles through the RulesMap keys RenderStyles has)
        styles = cast("RulesMap", self.styles)
        get_visual = self._get_visual
        return sum(get_visual(o).get_height(styles, 0) + int(o._divider) for o in options)

    def index_of(self, article_id: int) -> int | None:
        """Row index of an article among the loaded rows."""
        for index, h in enumerate(self.rows):
            if h.id == article_id:
                return index
        return None

    def update_row(self, article_id: int, **changes: object) -> Headline | None:
        """Change a loaded row in place (read, starred) and repaint that row alone."""
        index = self.index_of(article_id)
        if index is None:
            return None
        headline = replace(self.rows[index], **changes)  # type: ignore[arg-type]
        self.rows[index] = headline
        self._repaint_row(index, self._row(headline))
        return headline

    def _repaint_row(self, index: int, row: HeadlineRow) -> None:
        """Give option ``index`` a new row visual and repaint only its screen lines.

        ``replace_option_prompt_at_index`` drops the whole render cache and the line map
        and repaints the list: every visible row laid out again and the line map rebuilt
        over all loaded rows, on every article opened (it marks one row read). A row's
        height never changes here (one line, or two for a search hit whose snippet stays),
        so only this option's cached strips are dropped and only its lines repainted.
        """
        option = self.get_option_at_index(index)
        option._set_prompt(row)
        cache = self._option_render_cache
        # LRUCache has no __iter__: keys() is the way through it.
        for key in [key for key in cache.keys() if key[0] is option]:  # noqa: SIM118
            cache.discard(key)
        if index in self._line_cache.index_to_line:
            self._refresh_option_lines(index)
        # else: not laid out yet, so it is rendered fresh when it is

    def mark_all_read(self) -> None:
        """Show every loaded row as read (after 'mark section read')."""
        changed = False
        for index, h in enumerate(self.rows):
            if not h.read:
                self.rows[index] = replace(h, read=True)
                self.get_option_at_index(index)._set_prompt(self._row(self.rows[index]))
                changed = True
        if changed:
            self._option_render_cache.clear()
            self.refresh()

    @property
    def current(self) -> Headline | None:
        """The highlighted headline."""
        if self.highlighted is None or not 0 <= self.highlighted < len(self.rows):
            return None
        return self.rows[self.highlighted]

    # ----------------------------------------------------------- paging

    def _maybe_need_more(self) -> None:
        if self._replacing:
            return
        if self.has_earlier and not self._asked_for_earlier:
            near = min(self.highlighted or 0, int(self.scroll_y))
            if near <= LOOKAHEAD:
                self._asked_for_earlier = True
                self.post_message(self.NeedEarlier(self))
        if not self.has_more or self._asked_for_more:
            return
        bottom_visible = int(self.scroll_y) + self.scrollable_content_region.height
        near = max(self.highlighted or 0, bottom_visible)
        if near >= len(self.rows) - LOOKAHEAD:
            self._asked_for_more = True
            self.post_message(self.NeedMore(self))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._maybe_need_more()

    # Textual passes (old, new) to a watcher that takes two values; OptionList's takes one.
    def watch_highlighted(self, old: int | None, new: int | None) -> None:  # type: ignore[override]
        super().watch_highlighted(new)
        for index in (old, new):
            if index is not None:
                self._refresh_option_lines(index)

    def scroll_to_highlight(self, top: bool = False) -> None:
        """As in ``OptionList``, but a move off the bottom (or top) edge turns a page.

        ``OptionList`` scrolls by the one row needed, so once the highlight reached
        the bottom, every ``j`` scrolled the list and repainted all its rows (and the
        terminal redrew them: ~11 KB of output): about four times the CPU of a move
        within the page, on most presses of someone reading down a long list (issue 8).
        Here the page turns so the row reached is :data:`PAGE_CONTEXT` rows from the
        top (from the bottom, moving up): one full repaint per page instead of one per
        row, as in mutt and less. Jumps farther than one row scroll as before.
        """
        highlighted = self.highlighted
        if top or highlighted is None or not self.is_mounted:
            super().scroll_to_highlight(top)
            return
        self._update_lines()
        try:
            y = self._index_to_line[highlighted]
        except KeyError:
            return
        height = self._heights[highlighted]
        view = self.scrollable_content_region.height
        first = int(self.scroll_y)
        last = first + view
        if view <= 2 * PAGE_CONTEXT + height:
            super().scroll_to_highlight(top)  # too small a pane to keep any context
        elif y <= last < y + height:  # just below the bottom edge, or across it
            target = min(y - PAGE_CONTEXT, int(self.max_scroll_y))
            self.scroll_to(y=max(first, target), animate=False, immediate=True)
        elif y < first <= y + height:  # just above the top edge, or across it
            target = max(0, y + height + PAGE_CONTEXT - view)
            self.scroll_to(y=min(first, target), animate=False, immediate=True)
        else:
            super().scroll_to_highlight(top)

    def _refresh_option_lines(self, index: int) -> None:
        """Repaint the screen lines of option ``index``, if it is laid out and visible."""
        line = self._line_cache.index_to_line.get(index)
        if line is None:
            self.refresh()
            return
        top = line - int(self.scroll_y)
        height = self._line_cache.heights.get(index, 1)
        if top + height > 0 and top < self.scrollable_content_region.height:
            self.refresh(Region(0, top, self.scrollable_content_region.width, height))

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._maybe_need_more()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.rows):
            self.post_message(self.Opened(self, self.rows[event.option_index]))
