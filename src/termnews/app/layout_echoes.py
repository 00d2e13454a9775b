"""Requests a layout makes of itself, dropped once the frame it painted covers them.

Opening an article changes the heights of the article pane's parts, and the screen
is laid out again. While Textual lays it out, every widget whose size or virtual
size changed asks for a layout and a repaint of its own (``Widget._size_updated``
sets the ``virtual_size`` reactive, which is ``layout=True``; a scrollable widget
also sets its scrollbars' sizes). The frame painted from that layout already shows
each of them at its new size: the layout used those very sizes, and every widget
whose geometry changed is repainted whole. Left standing, the requests laid out
the whole screen once more and repainted the article pane and its scrollbar a
frame later, identical (~3-4 ms of the event loop per open, plus ~6 KB to the
terminal; issue 8).

:func:`standing_requests` notes what was asked before the layout; after it,
:func:`drop_layout_echoes` clears only what the layout itself asked for:

* a **repaint** request of a widget whose whole visible region is in the frame
  about to be painted (the widget's lines were marked dirty by the same request,
  so the frame renders them afresh);
* a **layout** request, when the layout placed every scrollbar the widgets now
  want (the caller's check): laid out again, the screen would come out the same.

Anything asked before the layout, and any repaint of a region the frame does not
cover, stays and is done as Textual does it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from typing import Any

from textual.screen import Screen
from textual.widget import Widget


def _with_scrollbars(screen: Screen[Any]) -> Iterator[Widget]:
    """The screen's widgets and the scrollbars Textual keeps outside the DOM."""
    for widget in screen.walk_children(Widget, with_self=True):
        yield widget
        for bar in (widget._vertical_scrollbar, widget._horizontal_scrollbar):
            if bar is not None:
                yield bar


def standing_requests(screen: Screen[Any]) -> set[Widget]:
    """Widgets with a layout or repaint request not yet sent to the screen."""
    return {w for w in _with_scrollbars(screen) if w._layout_required or w._repaint_required}


def drop_layout_echoes(
    screen: Screen[Any],
    standing: Collection[Widget],
    settled: Callable[[list[Widget]], bool],
) -> None:
    """Clear the requests the layout just done made, where its frame covers them.

    Called just before that frame is painted, with the compositor's dirty regions
    (what the frame will repaint) in place. ``settled(widgets)`` says whether the
    layout placed every scrollbar the widgets want.
    """
    compositor = screen._compositor
    painted = list(compositor._dirty_regions)
    if not painted:
        return
    widgets = [w for w in _with_scrollbars(screen) if w not in standing]
    if not any(w._layout_required or w._repaint_required for w in widgets):
        return
    visible = compositor.visible_widgets
    layout_settled: bool | None = None
    for widget in widgets:
        if widget._repaint_required:
            placed = visible.get(widget)
            if placed is not None:
                region, clip = placed
                shown = region.intersection(clip)
                if any(area.contains_region(shown) for area in painted):
                    widget._repaint_required = False
                    widget._repaint_regions.clear()
        if widget._layout_required:
            if layout_settled is None:
                layout_settled = settled(list(screen.walk_children(Widget, with_self=True)))
            if layout_settled:
                widget._layout_required = False
