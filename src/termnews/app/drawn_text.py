"""What the reader draws: stored text in the form every terminal lays out alike.

Titles and bodies keep their emoji sequences in the cache ("👍🏽", "👩‍💻", "✔️");
the terminal gets them without the skin tones, joiners and presentation selectors
that terminals measure differently (``core.text.terminal_form`` says how they
differ). Done here, once, as a Textual line filter on every line of every widget,
rather than at each of the dozens of places that put feed text in a widget: each
of those characters takes no cell in Rich's measure, so the widgets lay out the
stored text and the filter changes no width (``Strip.apply_filter`` keeps the
strip's cell length), only what reaches the terminal.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from termnews.core.text import terminal_form


class TerminalForm(LineFilter):
    """Drops emoji skin tones, zero-width joiners and U+FE0F from drawn segments."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        # Nearly every segment is ASCII (isascii reads a flag): the list is returned
        # as it is unless a segment changes.
        changed: list[Segment] | None = None
        for index, segment in enumerate(segments):
            text = segment.text
            form = text if text.isascii() or segment.control else terminal_form(text)
            if changed is None:
                if form == text:
                    continue
                changed = segments[:index]
            if form == text:
                changed.append(segment)
            elif form:  # a segment of U+FE0F alone goes: Textual wants no empty ones
                changed.append(Segment(form, segment.style, segment.control))
        return segments if changed is None else changed
