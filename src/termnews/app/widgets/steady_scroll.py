"""Option lists that do not repaint their scrollbar on every layout of the screen.

Textual 8.2's ``ScrollView._size_updated`` compares the virtual size the compositor
passes in (the visible size, for a ScrollView) with the widget's own (its whole
content), which never match for a list longer than its pane; so every layout of
the screen (each article opened lays it out, often twice) re-runs the scroll update
of every option list and repaints their scrollbars: ~2-3 ms per list per layout.

An option list keeps its own virtual size and scrollbars current when its lines
change (``OptionList._update_lines`` runs the scroll update itself), so when neither
its size nor its container's changed, there is nothing to update.

When the size did change, the lines are measured there and then (``OptionList``
measures them when it first renders): see :meth:`SteadyScrollOptionList._size_updated`.
"""

from __future__ import annotations

from typing import Any, Literal

from textual import events
from textual.geometry import Size
from textual.style import Style
from textual.widgets import OptionList

CursorPlace = Literal["", "cursor", "blurred"]
"""Where a row is drawn: off the cursor, on the focused cursor, on an unfocused one."""


class SteadyScrollOptionList(OptionList):
    """An ``OptionList`` whose scrollbars are updated only when something changed."""

    def __init__(self, *content: Any, **kwargs: Any) -> None:
        super().__init__(*content, **kwargs)
        self._sized_at = Size(0, 0)
        """The size the lines were last measured at (see ``_size_updated``)."""
        self._resized = False

    def is_cursor_style(self, style: Style) -> bool:
        """Whether ``style`` is the one this list draws its focused cursor row in.

        Row visuals ask it in ``render_strips`` (the headline list's marks, the related
        panel's meta line): their own colours are unreadable on the focused cursor."""
        return self.cursor_place(style) == "cursor"

    def cursor_place(self, style: Style) -> CursorPlace:
        """Whether ``style`` is this list's cursor row, focused or not, or another row.

        A headline's muted columns need a grey of their own on each: one grey that
        read on the pane and on the unfocused cursor was as bright as the titles."""
        highlighted = self.get_visual_style(
            "option-list--option", "option-list--option-highlighted"
        )
        if style != highlighted:
            return ""
        return "cursor" if self.has_focus else "blurred"

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        """Know the list's height (and so its scrollbar) the moment it is sized.

        ``OptionList`` measures its lines when it first renders, so rows set before
        the first layout (the start-up's) got their scrollbar one frame later: the
        first frame was painted without it, then the whole screen laid out and
        painted again (issue 8). Measuring here, right after the size is known, puts
        the scrollbar in the layout the first frame is painted from.
        """
        if size == self._size and container_size == self.container_size:
            return False  # what ScrollView returns here, without repainting the bars
        changed = super()._size_updated(size, virtual_size, container_size, layout)
        if changed:
            self._line_cache.clear()
            self._option_render_cache.clear()  # strips are cached by option, not width
            self._update_lines()
            # Measuring can show the scrollbar, a column narrower: measured again, the
            # virtual size is the one the first render finds (else that render changed
            # it, and the list was laid out and repainted again right behind the frame).
            self._update_lines()
            self._sized_at = size
        return changed

    def _on_resize(self, event: events.Resize) -> None:  # type: ignore[override]
        # OptionList drops its caches and repaints on every Resize. The first one
        # comes right after the first frame, at the size _size_updated measured the
        # lines at and the frame was painted at: its repaint was a second full frame
        # of the same rows (issue 8). Any other Resize goes on to OptionList's.
        first = not self._resized
        self._resized = True
        if first and event.size == self._sized_at:
            event.prevent_default()
