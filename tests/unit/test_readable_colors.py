"""The colour nudging that keeps text readable in every theme (app/readable_colors.py)."""

from __future__ import annotations

from textual.app import App
from textual.color import Color

from termnews.app.readable_colors import (
    BODY_RATIO,
    LABEL_RATIO,
    contrast_ratio,
    readable,
    readable_variables,
)


def test_contrast_ratio_matches_wcag_reference_values() -> None:
    assert round(contrast_ratio(Color(0, 0, 0), Color(255, 255, 255)), 1) == 21.0
    assert contrast_ratio(Color(10, 20, 30), Color(10, 20, 30)) == 1.0
    # WCAG's own example: #777777 on white is just under 4.5:1.
    assert 4.4 < contrast_ratio(Color.parse("#777777"), Color(255, 255, 255)) < 4.5


def test_a_readable_colour_is_kept_exactly() -> None:
    white_on_black = readable(Color(255, 255, 255), [Color(0, 0, 0)], BODY_RATIO)
    assert white_on_black == Color(255, 255, 255)


def test_a_faint_colour_moves_only_as_far_as_needed() -> None:
    faint = Color.parse("#FEA62B")  # orange accent on a light background: 1.9:1
    light = Color.parse("#EFF1F5")
    fixed = readable(faint, [light], LABEL_RATIO)
    assert contrast_ratio(fixed, light) >= LABEL_RATIO
    assert fixed != Color(0, 0, 0)  # still a colour, not black
    assert fixed.r > fixed.b  # and still orange-ish


def test_every_builtin_theme_gets_readable_text_variables() -> None:
    app = App()
    for name in app.available_themes:
        app.theme = name
        variables = app.get_css_variables()
        made = readable_variables(variables)
        if "ansi" in name:
            assert made == {} or "tn-muted" in made
            continue
        background = Color.parse(variables["background"])
        surface = background + Color.parse(variables["surface"])
        for key in ("tn-text", "tn-muted", "tn-code", "tn-success"):
            assert contrast_ratio(Color.parse(made[key]), surface) >= BODY_RATIO, (name, key)
        for key in ("tn-accent", "tn-warning", "tn-error"):
            assert contrast_ratio(Color.parse(made[key]), surface) >= LABEL_RATIO, (name, key)
