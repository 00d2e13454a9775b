"""The section list: All / Unread / Starred, then the user's sections and their feeds.

A ``Tree`` with the root hidden. The active section is expanded to show its
feeds (an accordion: others fold away), each label carries its unread count,
and a feed whose last refresh failed is marked. Counts are updated in place so
the cursor never jumps while a refresh changes them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from termnews.core.models import Feed, Section
from termnews.core.text import clean_line, cluster_start, outlet_name

FAILING_MARK = "⚠"


@dataclass(frozen=True, slots=True)
class View:
    """What the headline list shows: a section, or one feed of a section."""

    section: str
    feed_id: int | None = None
    feed_title: str | None = None

    @property
    def label(self) -> str:
        """How the status bar names this view."""
        if self.feed_id is not None:
            return f"{self.section} › {self.feed_title or 'feed'}"
        return self.section


class SectionList(Tree[View]):
    """Sections and feeds with unread counts."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Space and the vim keys are the screen's; the tree keeps only its own basics.
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "section-list--count",
        "section-list--failing",
        "section-list--virtual",
    }

    class Chosen(Message):
        """The cursor moved to a section or feed: show its headlines."""

        def __init__(self, section_list: SectionList, view: View) -> None:
            super().__init__()
            self.section_list = section_list
            self.view = view

        @property
        def control(self) -> SectionList:
            return self.section_list

    class Entered(Message):
        """Enter on a section or feed: go to its headlines."""

        def __init__(self, section_list: SectionList, view: View) -> None:
            super().__init__()
            self.section_list = section_list
            self.view = view

        @property
        def control(self) -> SectionList:
            return self.section_list

    def __init__(self, **kwargs: object) -> None:
        super().__init__("Sections", **kwargs)  # type: ignore[arg-type]
        self.show_root = False
        self.guide_depth = 2
        self.auto_expand = False
        self.sections: list[Section] = []
        self.feeds: list[Feed] = []
        self._section_nodes: dict[str, TreeNode[View]] = {}
        self._feed_nodes: dict[int, TreeNode[View]] = {}
        self._feed_names: dict[int, str] | None = {}
        """Short names by feed id, made from ``feeds`` when first asked for (None: not yet)."""
        self._active: View | None = None
        self._styles: tuple[Style, Style, Style] | None = None
        self._resized = False

    def _on_resize(self, event: events.Resize) -> None:
        # Tree invalidates everything (and asks for a layout) on every Resize. The
        # first one comes right after the first frame, which was drawn at that size;
        # its lines are cached by width anyway: redoing them was a layout and a
        # repaint of the list right behind the first frame (issue 8).
        first = not self._resized
        self._resized = True
        if first:
            self._line_cache.grow(event.size.height)
            event.prevent_default()

    # ---------------------------------------------------------------- labels

    def render_label(self, node: TreeNode[View], base_style: Style, style: Style) -> Text:
        """The label, its name shortened with … when the line would not fit the pane.

        Tree crops a line at the pane's edge, which cut off what matters most in a
        narrow pane: the unread count and the ⚠ of a failing feed with a long name.
        The name is what the labels below start with; the count and mark are the
        styled spans after it. Tree caches lines by width, so a resize redoes this.
        """
        text = super().render_label(node, base_style, style)
        depth = 0
        parent = node.parent
        while parent is not None and parent is not self.root:
            depth += 1
            parent = parent.parent
        # Not size.width: a vertical scrollbar covers the last column of that. One
        # cell less: a cut label's count touched the pane's border.
        room = self.scrollable_content_region.width - depth * self.guide_depth - 1
        if room <= 0 or text.cell_len <= room:
            return text
        label = node.label
        spans = label.spans if isinstance(label, Text) else []
        prefix = len(text) - len(label)
        # A name with no count after it is cut the same way (Tree's crop at the edge
        # could leave half a flag there, and no sign that the name goes on).
        suffix_at = min((s.start for s in spans if s.start > 0), default=len(label))
        suffix = text[prefix + suffix_at :]
        name = text[: prefix + suffix_at]
        whole = name.plain
        name.truncate(max(1, room - suffix.cell_len), overflow="ellipsis")
        kept = len(name.plain) - 1 if name.plain.endswith("…") else len(name.plain)
        # Never half a character: a flag's first half, a letter without its marks.
        start = cluster_start(whole, kept)
        if start < kept:
            name = name[:start]
            name.append("…")
        return name + suffix

    def _count(self, unread: int) -> str:
        return f" {unread}" if unread else ""

    def section_label(self, section: Section, failing: bool) -> Text:
        virtual_style, count_style, failing_style = self._label_styles()
        name = clean_line(section.name) or "(no name)"
        text = Text(name)
        if section.virtual:
            text.stylize(virtual_style)
        # Starred and Trending count what they hold; the others count what is unread.
        count = section.total if section.name in ("Starred", "Trending") else section.unread
        text.append(self._count(count), count_style)
        if failing:
            text.append(f" {FAILING_MARK}", failing_style)
        return text

    def feed_name(self, feed: Feed) -> str:
        """The feed's name under its section: the outlet alone when that is unambiguous."""
        if self._feed_names is None:
            self._feed_names = self._name_feeds(self.feeds)
        return (
            self._feed_names.get(feed.id)
            or clean_line(feed.title)
            or clean_line(feed.url)
            or "(untitled feed)"
        )

    @staticmethod
    def _name_feeds(feeds: Sequence[Feed]) -> dict[int, str]:
        """Short names for the tree: "Harbour Post — World" is "Harbour Post" under World.

        The section is the parent node, so repeating it in every child wastes a narrow
        pane; but two feeds of one outlet in one section keep their whole titles. Made
        when a feed is first labelled (a section opened), not with every set of counts:
        1,000 outlet names were ~5 ms before the first frame, which shows no feed.
        """
        outlets = {f.id: outlet_name(f.title) for f in feeds}
        seen = Counter((f.section, outlets[f.id]) for f in feeds)
        return {
            f.id: outlets[f.id]
            for f in feeds
            if outlets[f.id] and seen[(f.section, outlets[f.id])] == 1
        }

    def feed_label(self, feed: Feed) -> Text:
        _, count_style, failing_style = self._label_styles()
        text = Text(self.feed_name(feed))
        text.append(self._count(feed.unread), count_style)
        if feed.failing:
            text.append(f" {FAILING_MARK}", failing_style)
        return text

    def _label_styles(self) -> tuple[Style, Style, Style]:
        """The virtual, count and failing styles, looked up once per batch of labels.

        ``get_component_rich_style`` costs ~0.18 ms a call: with 1,000 feeds,
        looking it up per label was ~0.2 s of every start and every recount.
        """
        if self._styles is None:
            self._styles = (
                self.get_component_rich_style("section-list--virtual", partial=True),
                self.get_component_rich_style("section-list--count", partial=True),
                self.get_component_rich_style("section-list--failing", partial=True),
            )
        return self._styles

    def restyle(self) -> None:
        """Relabel every node (after a theme change: labels carry resolved colours)."""
        self._styles = None
        self._relabel(self.sections, self.feeds)

    def _relabel(self, sections: Sequence[Section], feeds: Sequence[Feed]) -> None:
        """Give these sections' and feeds' nodes fresh labels (counts, marks, colours)."""
        failing_sections = {f.section for f in self.feeds if f.failing}
        for s in sections:
            node = self._section_nodes.get(s.name)
            if node is not None:
                node.set_label(self.section_label(s, s.name in failing_sections))
        for f in feeds:
            feed_node = self._feed_nodes.get(f.id)
            if feed_node is not None:
                feed_node.set_label(self.feed_label(f))
                title = clean_line(f.title)
                if feed_node.data is not None and feed_node.data.feed_title != title:
                    # Renamed: the view the node stands for names it as it is now.
                    feed_node.data = replace(feed_node.data, feed_title=title)

    # ------------------------------------------------------------------ data

    def set_data(self, sections: Sequence[Section], feeds: Sequence[Feed]) -> None:
        """Show these sections and feeds; relabel in place when the shape is unchanged."""
        self._styles = None  # the theme may have changed since the last labels
        same_shape = [s.name for s in sections] == [s.name for s in self.sections] and [
            (f.id, f.section) for f in feeds
        ] == [(f.id, f.section) for f in self.feeds]
        self.sections = list(sections)
        self.feeds = list(feeds)
        self._feed_names = None
        failing_sections = {f.section for f in feeds if f.failing}
        if same_shape and self._section_nodes:
            self.restyle()
            return
        cursor = self._active
        self.clear()
        self._section_nodes.clear()
        self._feed_nodes.clear()
        with_feeds = {f.section for f in feeds}
        for s in sections:
            label = self.section_label(s, s.name in failing_sections)
            if s.virtual or s.name not in with_feeds:
                node = self.root.add_leaf(label, View(s.name))
            else:
                node = self.root.add(label, View(s.name), allow_expand=True)
            self._section_nodes[s.name] = node
        if cursor is not None:
            self.activate(cursor, move_cursor=True)

    def _add_feed_nodes(self, section: str) -> None:
        """Give a section its feed nodes, the first time it is expanded.

        Only the open section shows its feeds (an accordion), so building a node and a
        label for every feed at start-up was work nobody saw: ~25 ms before the first
        frame with 1,000 feeds, growing with the subscriptions.
        """
        node = self._section_nodes.get(section)
        if node is None or node.children:
            return
        for f in self.feeds:  # the current counts, not those of the last rebuild
            if f.section != section:
                continue
            self._feed_nodes[f.id] = node.add_leaf(
                self.feed_label(f), View(section, f.id, clean_line(f.title))
            )

    def adjust_counts(self, section: str, feed_id: int, unread: int = 0, starred: int = 0) -> None:
        """Apply one article's change (read/unread, star) to the counts in place.

        Opening an article marks it read; recounting every section and feed for that
        (``Store.sections``/``feeds``) cost ~90 ms at 100,000 articles and held up the
        next key. The change is known exactly, so only the four labels it touches
        (All, Unread or Starred, its section, its feed) are updated.
        """
        virtual = {"All": (0, unread), "Unread": (unread, unread), "Starred": (starred, 0)}
        changed: list[Section] = []
        for index, s in enumerate(self.sections):
            if s.virtual and s.name in virtual:
                total_delta, unread_delta = virtual[s.name]
            elif not s.virtual and s.name == section:
                total_delta, unread_delta = 0, unread
            else:
                continue
            if total_delta or unread_delta:
                new = replace(
                    s,
                    total=max(0, s.total + total_delta),
                    unread=max(0, s.unread + unread_delta),
                )
                self.sections[index] = new
                changed.append(new)
        touched: list[Feed] = []
        if unread:
            for index, f in enumerate(self.feeds):
                if f.id == feed_id:
                    self.feeds[index] = f = replace(f, unread=max(0, f.unread + unread))
                    touched.append(f)
                    break
        self._relabel(changed, touched)

    def node_for(self, view: View) -> TreeNode[View] | None:
        """The tree node showing ``view`` (a feed's is built with its section's)."""
        if view.feed_id is not None:
            if view.feed_id not in self._feed_nodes:
                feed = next((f for f in self.feeds if f.id == view.feed_id), None)
                if feed is not None:
                    self._add_feed_nodes(feed.section)
            return self._feed_nodes.get(view.feed_id)
        return self._section_nodes.get(view.section)

    def has_view(self, view: View) -> bool:
        """True when ``view`` names a section or feed that exists."""
        return self.node_for(view) is not None

    def activate(self, view: View, move_cursor: bool = True) -> None:
        """Mark ``view`` active: expand its section, fold the others, move the cursor."""
        self._active = view
        node = self.node_for(view)
        if node is None:
            return
        section_node = self._section_nodes.get(view.section)
        for name, other in self._section_nodes.items():
            if other.allow_expand and name != view.section and other.is_expanded:
                other.collapse()
        if section_node is not None and section_node.allow_expand and not section_node.is_expanded:
            self._add_feed_nodes(view.section)
            section_node.expand()
        if move_cursor and self.cursor_node is not node:
            _ = self.last_line  # rebuild the lines so the node's line number is current
            self.move_cursor(node, animate=False)

    def section_names(self) -> list[str]:
        """All section names in display order (virtual first)."""
        return [s.name for s in self.sections]

    def section(self, name: str) -> Section | None:
        """The named section with its counts."""
        for s in self.sections:
            if s.name == name:
                return s
        return None

    # --------------------------------------------------------------- events

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[View]) -> None:
        event.stop()
        view = event.node.data
        # Highlights caused by activate() itself name the active view, and expanding a
        # section re-highlights the node under a moved cursor line: only a highlight
        # that is still where the cursor is, on another view, is the user's move.
        if view is None or view == self._active or event.node is not self.cursor_node:
            return
        self.post_message(self.Chosen(self, view))

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[View]) -> None:
        """A section opened by the tree itself (a click on its arrow): add its feeds."""
        event.stop()
        view = event.node.data
        if view is not None and view.feed_id is None:
            self._add_feed_nodes(view.section)

    def on_tree_node_selected(self, event: Tree.NodeSelected[View]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.Entered(self, event.node.data))
