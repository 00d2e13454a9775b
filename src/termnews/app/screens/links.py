"""The open article's links, listed to open or copy one from the keyboard.

Links in the article pane can be clicked, but a reader who never touches the
mouse had no way to follow one: newsboat's URL view (``u``) and every text
browser give one. This modal lists each web link and image of the body once, in
the order the body gives them, numbered as the reader sees them counted; ``Enter``
(or ``o``) opens the highlighted one through the reader's browser, ``y`` copies it.

Every entry is feed data: labels and URLs are shown as plain :class:`Content`, never
markup, and only links :func:`~termnews.app.links.browsable_url` accepts (``http``
and ``https``, resolved against the article's address) are listed at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from termnews.app.commands import BY_ID
from termnews.app.links import browsable_url
from termnews.core.text import cap_headline, clean_line


@dataclass(frozen=True, slots=True)
class ArticleLink:
    """One link of the body: what it says and where it goes (checked, absolute)."""

    label: str
    url: str


@dataclass(frozen=True, slots=True)
class LinkChoice:
    """What the reader chose in the list: open or copy ``url``."""

    action: Literal["open", "copy"]
    url: str


def article_links(
    hrefs: Sequence[str], labels: Sequence[str], base: str | None
) -> list[ArticleLink]:
    """The body's web links, each URL once (its first label), in the body's order.

    Fragment links (``#note-1``) point inside the article and are left out, as are
    links no browser should be handed (``javascript:``, ``file:``, ``mailto:``...).
    """
    seen: set[str] = set()
    out: list[ArticleLink] = []
    for index, href in enumerate(hrefs):
        if href.startswith("#"):
            continue
        url = browsable_url(href, base)
        if url is None or url in seen:
            continue
        seen.add(url)
        label = clean_line(labels[index]) if index < len(labels) else ""
        out.append(ArticleLink(label, clean_line(url)))
    return out


def _prompt(number: int, link: ArticleLink) -> Table:
    """``number``, the label (when it says more than the URL) and the URL, dimmed.

    A grid whose text column is cut with an ellipsis at the list's edge rather than
    folded: a long URL folded to the left edge read as the next entry, and the
    list's own wrapping ignores a ``Text``'s ``no_wrap``.
    """
    # expand: without it Rich took the number column's cells for an entry too long
    # for the line, and its number sat two cells left of the short entries' (seen by
    # qa18: a link's "1" at the edge, the image below it indented, "2 [image]").
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(no_wrap=True, width=3, justify="right", style="bold")
    grid.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
    text = Text()
    if link.label and link.label != link.url:
        text.append(link.label)
        text.append("\n")
        text.append(link.url, style="dim")
    else:
        text.append(link.url)
    grid.add_row(Text(str(number)), text)
    return grid


class LinksScreen(ModalScreen[LinkChoice | None]):
    """A numbered list of the open article's links."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "choose('open')", "Open", show=False),
        Binding("y", "choose('copy')", "Copy", show=False),
        Binding("escape,q,O", "dismiss(None)", "Close", show=False),
        *(Binding(str(n), f"jump({n})", show=False) for n in range(1, 10)),
        # The reader's own moving keys (with their binding ids, so a [keys] remap
        # moves here too): j, k, g, G, Space and b did nothing in the list, only the
        # arrows, Home, End and the page keys did (seen by qa18 with 30 links).
        *(
            Binding(BY_ID[command_id].keys, f"move('{move}')", show=False, id=command_id)
            for command_id, move in (
                ("down", "cursor_down"),
                ("up", "cursor_up"),
                ("page-down", "page_down"),
                ("page-up", "page_up"),
                ("top", "first"),
                ("bottom", "last"),
            )
        ),
    ]

    def __init__(self, title: str, links: Sequence[ArticleLink]) -> None:
        super().__init__()
        self.article_title = title
        self.links = list(links)

    def compose(self) -> ComposeResult:
        with Vertical(id="links-box") as box:
            box.border_title = f"Links in this article ({len(self.links)})"
            # A story-long headline would push the links out of the box (article_view).
            headline = cap_headline(clean_line(self.article_title))
            yield Static(Content(headline), id="links-article")
            box.border_subtitle = "Enter/o open · y copy · 1-9 go to · Esc close"
            yield OptionList(
                *(Option(_prompt(n, link)) for n, link in enumerate(self.links, 1)),
                id="links-list",
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def _highlighted(self) -> ArticleLink | None:
        index = self.query_one(OptionList).highlighted
        return self.links[index] if index is not None and index < len(self.links) else None

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(LinkChoice("open", self.links[event.option_index].url))

    def action_choose(self, action: Literal["open", "copy"]) -> None:
        link = self._highlighted()
        if link is not None:
            self.dismiss(LinkChoice(action, link.url))

    def action_move(self, move: str) -> None:
        """Run one of the list's own moves (``cursor_down``, ``first``, ...)."""
        getattr(self.query_one(OptionList), f"action_{move}")()

    def action_jump(self, number: int) -> None:
        if number <= len(self.links):
            self.query_one(OptionList).highlighted = number - 1
