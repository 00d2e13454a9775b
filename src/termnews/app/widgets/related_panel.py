"""'You may also like': related cached stories under (or beside) the article.

Each teaser is tagged with its section, like the related block at the foot of a
news site's article page: section, source and age on one line, the headline on
the next. Enter (or a click) opens the story.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from textual import on
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from termnews.core.dates import short_age
from termnews.core.related import RelatedItem
from termnews.core.text import clean_line, outlet_name

TITLE = "You may also like"


def teaser(item: RelatedItem, now: datetime) -> Content:
    """Two lines: SECTION · source · age, then the headline."""
    meta = [outlet_name(item.feed_title)]
    age = short_age(item.published, now)
    if age:
        meta.append(age)
    return Content.assemble(
        (clean_line(item.section).upper(), "bold $tn-accent"),
        ("  " + " · ".join(meta), "$tn-muted"),
        "\n",
        (clean_line(item.title) or "(untitled)", "bold"),
    )


class RelatedPanel(OptionList):
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
        super().__init__(**kwargs)  # type: ignore[arg-type]
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
        teasers = [teaser(item, now) for item in self.items]
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

    def _replace_teasers(self, teasers: list[Content]) -> None:
        """Put new teasers into the options already there, one for one.

        ``set_options`` rebuilds the list, and a new line map always means a new
        virtual size, which lays out the whole screen again (~15-25 ms, just after the
        article is painted: the time of the next key). Replacing the prompts keeps the
        line count when the teasers wrap to the same heights (most often), and then the
        panel only repaints.
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
