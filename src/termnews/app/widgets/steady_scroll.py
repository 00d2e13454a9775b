"""Option lists that do not repaint their scrollbar on every layout of the screen.

Textual 8.2's ``ScrollView._size_updated`` compares the virtual size the compositor
passes in (the visible size, for a ScrollView) with the widget's own (its whole
content), which never match for a list longer than its pane; so every layout of
the screen (each article opened lays it out, often twice) re-runs the scroll update
of every option list and repaints their scrollbars: ~2-3 ms per list per layout.

An option list keeps its own virtual size and scrollbars current when its lines
change (``OptionList._update_lines`` runs the scroll update itself), so when neither
its size nor its container's changed, there is nothing to update.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.widgets import OptionList


class SteadyScrollOptionList(OptionList):
    """An ``OptionList`` whose scrollbars are updated only when something changed."""

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        if size == self._size and container_size == self.container_size:
            return False  # what ScrollView returns here, without repainting the bars
        return super()._size_updated(size, virtual_size, container_size, layout)
