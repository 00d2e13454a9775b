"""Scrollbars decided while a widget is laid out, not one frame after.

Textual shows or hides a widget's vertical scrollbar after a layout, from the
height that layout measured (``Widget._refresh_scrollbars`` in ``_size_updated``);
the change asks for another layout, and the frame in between is painted from the
first one: the reader's first screen was painted without its scrollbars (and the
article wrapped a column wider), then laid out and painted again (issue 8). A
widget that can tell, while the compositor places it, whether its content will
overflow calls :func:`settle_vertical_scrollbar` from ``_get_scrollable_region``:
the layout being made then already has the scrollbar, and Textual's own check
after it finds nothing to change.
"""

from __future__ import annotations

from textual.widget import Widget


def can_settle(widget: Widget) -> bool:
    """Whether ``widget``'s vertical scrollbar follows its content (overflow-y auto)."""
    styles = widget.styles
    return (
        widget.is_mounted and styles.overflow_y == "auto" and bool(styles.scrollbar_size_vertical)
    )


def settle_vertical_scrollbar(widget: Widget, show: bool) -> None:
    """Show or hide the vertical scrollbar now, without asking for another layout."""
    if show != widget.show_vertical_scrollbar:
        widget.set_reactive(Widget.show_vertical_scrollbar, show)
        if widget._vertical_scrollbar is not None or show:
            widget.vertical_scrollbar.display = show
