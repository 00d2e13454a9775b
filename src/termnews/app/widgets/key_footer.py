"""The key footer: the main keys on one line, drawn as one piece of text.

Why not Textual's ``Footer``: it is a scrollable container that composes one
``FooterKey`` widget per binding (nine here), each styled, laid out and rendered on
its own, and it composes them only after the first bindings signal, then again on
every focus change (``recompose``). At start-up that was ~25 ms of CPU before the
reader's first full screen (issue 8): nine widget mounts with their style
applications, a class change on each (``-compact``), a horizontal layout and nine
renders. Here one widget renders one line: the same keys, descriptions, colours
and spacing (``Footer``'s own theme variables), a dimmed key when its action is
disabled, a click runs the key, and hovering shows the binding's tooltip.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

from textual.content import Content
from textual.style import Style
from textual.widget import Widget

if TYPE_CHECKING:
    from textual import events
    from textual.screen import Screen


HELP_ACTION = "help"
"""The action of the help key, which the footer keeps when it cannot show every key."""


@dataclass(frozen=True, slots=True)
class FooterItem:
    """One key as shown: where it starts and ends on the line, and what it does."""

    key: str
    """The key pressed when the item is clicked (Textual's name for it)."""
    action: str
    display: str
    description: str
    tooltip: str
    enabled: bool
    start: int
    end: int


class KeyFooter(Widget, can_focus=False):
    """The shown bindings of the focused chain, as ``Footer`` lists them, in one line."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-footer--key", "key-footer--description"}
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        text-overflow: clip;
    }
    KeyFooter > .key-footer--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyFooter > .key-footer--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: tuple[FooterItem, ...] = ()

    def on_mount(self) -> None:
        self.items = self._items()
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[Any]) -> None:
        items = self._items()
        if items != self.items:
            self.items = items
            self.refresh()

    def _items(self) -> tuple[FooterItem, ...]:
        """One item per action with a shown binding, in ``Footer``'s order."""
        app = self.app
        seen: set[str] = set()
        out: list[FooterItem] = []
        x = 0
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            display = app.get_key_display(binding)
            # " key " then "description ": the padding FooterKey gives each part.
            width = len(display) + 2 + len(binding.description) + 1
            out.append(
                FooterItem(
                    key=binding.key,
                    action=binding.action,
                    display=display,
                    description=binding.description,
                    tooltip=active.tooltip or binding.description,
                    enabled=active.enabled,
                    start=x,
                    end=x + width,
                )
            )
            x += width
        return tuple(out)

    def shown(self) -> tuple[FooterItem, ...]:
        """The items drawn: those that fit the width whole.

        A key cut off at the edge ("^p P") reads as a different key or none at
        all; the ones left out are still listed by help (``?``) and the palette.
        """
        width = self.size.width
        fit = tuple(item for item in self.items if item.end <= width)
        if len(fit) == len(self.items):
            return fit
        # Help is how the keys left out are found: it stays, in place of the last
        # ones that fit (at 60 columns the line ended before "? Help").
        help_item = next((i for i in self.items if i.action == HELP_ACTION), None)
        if help_item is None or help_item in fit:
            return fit
        help_width = help_item.end - help_item.start
        kept: list[FooterItem] = []
        x = 0
        for item in self.items:
            item_width = item.end - item.start
            if item is help_item:
                continue
            if x + item_width + help_width > width:
                break
            kept.append(replace(item, start=x, end=x + item_width))
            x += item_width
        if x + help_width <= width:
            kept.append(replace(help_item, start=x, end=x + help_width))
        return tuple(kept)

    def render(self) -> Content:
        key_style = self.get_visual_style("key-footer--key")
        description_style = self.get_visual_style("key-footer--description")
        dimmed = Style(dim=True)
        parts: list[tuple[str, Style]] = []
        for item in self.shown():
            key, description = (
                (key_style, description_style)
                if item.enabled
                else (key_style + dimmed, description_style + dimmed)
            )
            parts.append((f" {item.display} ", key))
            parts.append((f"{item.description} ", description))
        return Content.assemble(*parts)

    def item_at(self, x: int) -> FooterItem | None:
        """The item drawn at column ``x``."""
        return next((item for item in self.shown() if item.start <= x < item.end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        item = self.item_at(event.x)
        self.tooltip = item.tooltip if item is not None else None

    def on_click(self, event: events.Click) -> None:
        item = self.item_at(event.x)
        if item is None:
            return
        if item.enabled:
            self.app.simulate_key(item.key)
        else:
            self.app.bell()
