"""Every built-in Textual theme keeps the reader readable.

The test renders the real main screen (demo data, an article open, the related
panel showing) in each theme and measures the WCAG contrast ratio of every cell
of text against the background it is drawn on, from the segments Textual's
compositor actually produces. Body text must reach 4.5:1 (WCAG AA); the muted
parts (ages, sources, bylines, scrollbars aside) may go down to 3:1, the AA
figure for secondary text. ``textual-ansi``, ``ansi-dark`` and ``ansi-light`` are
skipped: they defer to the terminal's own palette, whose colours nobody can know.
"""

from __future__ import annotations

import pytest
from rich.color import Color
from rich.segment import Segment
from tests.ui.conftest import Env, RunApp, main_screen, settle
from textual.app import App

from termnews.app.app import TermnewsApp

MIN_CONTRAST = 3.0
"""The floor for any text on screen (WCAG AA for large or secondary text)."""

BODY_CONTRAST = 4.5
"""The floor for the article's paragraphs (WCAG AA for body text)."""


def _theme_names() -> list[str]:
    return sorted(name for name in App().available_themes if "ansi" not in name)


def _luminance(color: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = color.get_truecolor()
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(fg: Color, bg: Color) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    lighter, darker = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_cells(app: TermnewsApp) -> list[tuple[int, int, str, float]]:
    """(row, column, text, contrast) for every run of visible text the compositor draws."""
    update = app.screen._compositor.render_update(full=True)
    found: list[tuple[int, int, str, float]] = []
    for row, line in enumerate(update.strips):  # type: ignore[attr-defined]
        segments = [segment for strip in line for segment in strip]
        x = 0
        for segment in segments:
            assert isinstance(segment, Segment)
            column = x
            x += segment.cell_length
            text = segment.text.strip()
            style = segment.style
            # Box drawing, scrollbars and block elements are decoration, not text.
            letters = "".join(ch for ch in text if ch.isalnum())
            if not letters or style is None or style.color is None or style.bgcolor is None:
                continue
            fg, bg = style.color, style.bgcolor
            if style.reverse:
                fg, bg = bg, fg
            found.append((row, column, text, contrast(fg, bg)))
    return found


@pytest.mark.parametrize("theme", _theme_names())
async def test_every_theme_keeps_text_readable(demo: Env, run_app: RunApp, theme: str) -> None:
    async with run_app(demo, size=(120, 36)) as (app, pilot):
        screen = main_screen(app)
        await pilot.press("j", "enter")
        await settle(pilot)
        app.theme = theme
        await settle(pilot)
        await pilot.pause()
        cells = text_cells(app)
        assert cells, "nothing measured: the compositor API changed?"
        worst = min(cells, key=lambda c: c[3])
        assert worst[3] >= MIN_CONTRAST, f"{theme}: {worst[2]!r} at {worst[:2]}: {worst[3]:.2f}"
        view = screen.article_view
        body = view.query_one("#article-body").region.intersection(view.content_region)
        body_cells = [c for c in cells if body.contains(c[1], c[0])]
        assert body_cells, "the article body was not found on screen"
        poorest = min(body_cells, key=lambda c: c[3])
        assert poorest[3] >= BODY_CONTRAST, (
            f"{theme}: article text {poorest[2]!r}: {poorest[3]:.2f}"
        )
