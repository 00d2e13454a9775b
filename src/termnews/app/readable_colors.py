"""Theme colours the reader draws text with, nudged until they are readable.

Textual's built-in themes pick accents and muted greys that look good as borders
and highlights but are often too faint as text: measured on the reader's own
screen, gruvbox's cursor text sits at 2.4:1 against the cursor, solarized's muted
grey at 2.3:1, catppuccin-latte's orange accent at 1.9:1. A news reader is text
first, so every colour the app writes text in is derived here from the active
theme: the theme's own hue, blended towards its foreground (or towards black or
white) only as far as needed to reach a WCAG contrast ratio against every
background that text can sit on. Themes that already read well keep their colours
exactly.

The results are extra CSS variables (``$tn-muted``, ``$tn-accent``, ...) plus a few
of Textual's own (footer keys, the list cursor, Markdown headings), so the
``.tcss`` and the ``Content`` styles of the widgets simply use variables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

from textual.color import Color

BODY_RATIO = 4.5
"""WCAG AA for body text: muted bylines and ages too, they are read, not glanced at."""

LABEL_RATIO = 3.5
"""Bold labels (kickers, counts, keys) and status colours: above AA's 3:1 for large text."""

BACKGROUNDS = ("background", "surface", "panel")
"""The surfaces the reader puts text on: panes, the status bar, dialogs."""


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


@lru_cache(maxsize=4096)
def luminance(color: Color) -> float:
    """Relative luminance (WCAG 2), remembered: the same few backgrounds are measured
    against every candidate colour (~20 ms of the reader's start-up unremembered)."""
    return 0.2126 * _channel(color.r) + 0.7152 * _channel(color.g) + 0.0722 * _channel(color.b)


def _ratio(a: float, b: float) -> float:
    """The contrast ratio of two luminances."""
    lighter, darker = (a, b) if a >= b else (b, a)
    return (lighter + 0.05) / (darker + 0.05)


def contrast_ratio(a: Color, b: Color) -> float:
    """WCAG contrast ratio between two opaque colours: 1 (none) to 21."""
    return _ratio(luminance(a), luminance(b))


Shown = Callable[[Color], Color]
"""The colour a terminal shows for one the app asks for (see :func:`eight_bit`)."""


@lru_cache(maxsize=4096)
def eight_bit(color: Color) -> Color:
    """The colour a 256-colour terminal shows for ``color``: Rich's own downgrade.

    Why: with TERM=xterm-256color and no COLORTERM (macOS Terminal, tmux without
    truecolor) Rich draws each colour as the nearest of the 256, and colours nudged
    to their ratio in truecolor fell below it there: solarized-dark's '● online' at
    2.0:1, nord's footer keys at 2.8:1. Measured on what is shown, they are nudged
    until the shown pair reads.
    """
    from rich.color import Color as RichColor
    from rich.color import ColorSystem

    shown = RichColor.from_rgb(color.r, color.g, color.b).downgrade(ColorSystem.EIGHT_BIT)
    r, g, b = shown.get_truecolor()
    return Color(r, g, b)


def readable(
    color: Color, backgrounds: Iterable[Color], ratio: float, shown: Shown | None = None
) -> Color:
    """``color`` blended towards white or black, whichever needs less, until it reaches
    ``ratio`` against every one of ``backgrounds``; unchanged when it already does.

    ``shown``: how the terminal draws a colour (:func:`eight_bit` on 256 colours);
    the ratio is then that of the colours drawn."""
    # Each candidate's luminance is taken once, not once per background: the app's
    # variables are made at every start, before the first frame (~2 -> ~1 ms, issue 8).
    if shown is None:
        grounds = [luminance(bg) for bg in backgrounds]
    else:
        grounds = [luminance(shown(bg)) for bg in backgrounds]

    def worst(candidate: Color) -> float:
        lum = luminance(candidate if shown is None else shown(candidate))
        return min(_ratio(lum, ground) for ground in grounds)

    if not grounds or worst(color) >= ratio:
        return color
    best: tuple[int, Color] | None = None
    for target in (Color(255, 255, 255), Color(0, 0, 0)):
        for step in range(1, 21):
            candidate = color.blend(target, step / 20)
            if worst(candidate) >= ratio:
                if best is None or step < best[0]:
                    best = (step, candidate)
                break
    if best is not None:
        return best[1]
    return max((Color(255, 255, 255), Color(0, 0, 0)), key=worst)


def _solid(value: str | None, over: Color) -> Color | None:
    """A variable's colour flattened onto ``over`` (muted greys carry an alpha)."""
    if not value:
        return None
    try:
        color = Color.parse(value)
    except Exception:
        return None
    if color.ansi is not None or color.auto:
        return None
    return over + color if color.a < 1 else color


MUTED_SHARE = 0.8
"""A muted grey's contrast next to its text's, at most: dimmer at a glance."""

MUTED_FLOOR = 3.0
"""WCAG AA for secondary text: the least a muted grey keeps, beside a faint text colour."""


def _beside(muted: Color, text: Color, grounds: list[Color], shown: Shown | None) -> Color:
    """``muted`` made readable on ``grounds`` but kept dimmer than ``text`` there.

    Why: held to body text's 4.5:1, the grey of a headline's source and age came out
    brighter than the titles where the theme's own text is faint (solarized-dark's
    foreground is 4.1:1 on its pane). It gets 4.5:1 when the text has room above it."""
    if not grounds:
        return muted

    def worst(color: Color) -> float:
        drawn = color if shown is None else shown(color)
        return min(contrast_ratio(drawn, g if shown is None else shown(g)) for g in grounds)

    ratio = max(MUTED_FLOOR, min(BODY_RATIO, worst(text) * MUTED_SHARE))
    made = start = readable(muted, grounds, ratio, shown)
    # A theme's own muted grey can be as bright as its text: take it back towards
    # the pane, as far as the ratio allows.
    for step in range(1, 11):
        if worst(made) <= worst(text) * MUTED_SHARE:
            break
        candidate = start.blend(grounds[0], step / 20)
        if worst(candidate) < ratio:
            break
        made = candidate
    return made


TOAST_TITLES: dict[str, str] = {
    "tn-toast-information": "text-success",
    "tn-toast-warning": "text-warning",
    "tn-toast-error": "text-error",
}
"""The colour of a toast's title by severity, and the Textual variable it is in a
truecolor theme. In an ANSI theme it is ``$ansi-foreground``: Textual's
``Toast:ansi`` rule puts toasts on ``$ansi-background``, and its title colours
(green, bright red) fell to 1.7:1 and 3.2:1 on ansi-light's white (xterm's palette).
A ``:ansi`` selector cannot reach the title (a component class), hence variables."""

_WANTED: dict[str, tuple[str, float]] = {
    "tn-text": ("foreground", BODY_RATIO),
    "tn-muted": ("foreground-muted", BODY_RATIO),
    "tn-accent": ("accent", LABEL_RATIO),
    "tn-primary": ("primary", LABEL_RATIO),
    "tn-secondary": ("secondary", LABEL_RATIO),
    "tn-success": ("success", BODY_RATIO),  # "● online": regular-weight text, not a label
    "tn-warning": ("warning", LABEL_RATIO),
    "tn-code": ("warning", BODY_RATIO),
    "tn-h1": ("primary", BODY_RATIO),
    "tn-h2": ("accent", BODY_RATIO),
    "tn-h3": ("secondary", BODY_RATIO),
    "tn-link": ("accent", BODY_RATIO),
    "tn-error": ("error", LABEL_RATIO),
    "markdown-h1-color": ("markdown-h1-color", BODY_RATIO),
    "markdown-h2-color": ("markdown-h2-color", BODY_RATIO),
    "markdown-h3-color": ("markdown-h3-color", BODY_RATIO),
    "markdown-h4-color": ("markdown-h4-color", BODY_RATIO),
    "markdown-h5-color": ("markdown-h5-color", BODY_RATIO),
    "markdown-h6-color": ("markdown-h6-color", BODY_RATIO),
}
"""Each variable the reader writes text in: the theme colour it comes from, the ratio it needs."""


def readable_variables(variables: Mapping[str, str], shown: Shown | None = None) -> dict[str, str]:
    """The ``$tn-*`` variables and corrected Textual ones for a theme's ``variables``.

    ANSI themes get the theme's own colours, unchanged: they are whatever the user's
    terminal palette says, which no program can measure. They still need every
    variable: the stylesheet names them, and one missing stopped the reader at start.
    """
    base = _solid(variables.get("background"), Color(0, 0, 0))
    if base is None:
        fallback = variables.get("foreground") or "ansi_default"
        ansi = {name: variables.get(source) or fallback for name, (source, _) in _WANTED.items()}
        # Muted text is the terminal's default colour here: on the list cursor (a
        # fixed ANSI colour) it can be that very colour. There it takes the cursor's.
        ansi["tn-cursor-muted"] = variables.get("block-cursor-foreground") or fallback
        # A headline's source and age elsewhere: the default colour, dimmed, the way a
        # terminal mutes text in its own palette (plain, they were as bright as the
        # titles). Only ``Content`` styles use it: a CSS colour could not say "dim".
        ansi["tn-row-muted"] = ansi["tn-blurred-muted"] = f"{fallback} dim"
        # "● online" is the only text in $tn-success. ANSI green is 2.2:1 on white in
        # xterm's palette, and these themes run on light and dark terminals alike
        # (ansi-light stands in on any 16-colour terminal): no ANSI colour reaches
        # 4.5:1 on both. The terminal's default colour reads on its own background.
        ansi["tn-success"] = fallback
        # Toasts are drawn on $ansi-background (termnews.tcss): their text takes the
        # colour paired with it, not the terminal's default nor a severity colour.
        toast = variables.get("ansi-foreground") or fallback
        ansi.update(dict.fromkeys(TOAST_TITLES, toast))
        return ansi
    surfaces = [c for name in BACKGROUNDS if (c := _solid(variables.get(name), base))]
    # Panes are tinted a few per cent towards the foreground (termnews.tcss).
    foreground = _solid(variables.get("foreground"), base) or Color(224, 224, 224)
    surfaces += [s.blend(foreground, 0.03) for s in list(surfaces)]
    # The marks a headline row starts with (the unread ●, the ★, "+2" sources) stay
    # in their colour on an unfocused list's cursor, a translucent highlight over the
    # pane: measured against the panes alone, the ● sat at 2.5-2.9:1 on it in nord,
    # solarized and textual-light.
    pane = _solid(variables.get("surface"), base) or base
    blurred = _solid(variables.get("block-cursor-blurred-background"), pane)
    marked = [*surfaces, blurred, blurred.blend(foreground, 0.03)] if blurred else surfaces
    marks = ("tn-accent", "tn-warning", "tn-secondary")
    out: dict[str, str] = {}
    # A headline's source and age: Textual's $text-muted is "auto 60%", whose alpha a
    # row's Content drops: they came out pure white, brighter than the titles, in
    # every theme. Fixed greys instead, one for each kind of row: a single grey that
    # read on the unfocused cursor too was brighter than the titles in nine themes.
    muted = _solid(variables.get("foreground-muted"), base)
    if muted is not None:
        out["tn-row-muted"] = _beside(muted, foreground, surfaces, shown).hex
        if blurred is not None:
            cursor_grounds = [blurred, blurred.blend(foreground, 0.03)]
            out["tn-blurred-muted"] = readable(muted, cursor_grounds, BODY_RATIO, shown).hex
    for name, (source, ratio) in _WANTED.items():
        color = _solid(variables.get(source), base)
        if color is not None:
            out[name] = readable(color, marked if name in marks else surfaces, ratio, shown).hex
    if shown is not None:
        # Textual's own text colour too: a theme's foreground reads on its panes in
        # truecolor by design, but its nearest of the 256 may not (solarized-dark's
        # headlines: 2.2:1 on the teal the pane becomes).
        out["foreground"] = readable(foreground, surfaces, BODY_RATIO, shown).hex
    footer = _solid(variables.get("footer-background"), base)
    key = _solid(variables.get("footer-key-foreground"), base)
    if footer is not None and key is not None:
        out["footer-key-foreground"] = readable(key, [footer], LABEL_RATIO, shown).hex
    # The highlighted row: its text must read on the cursor colour itself.
    cursor = _solid(variables.get("block-cursor-background"), base)
    if cursor is not None:
        text = _solid(variables.get("block-cursor-foreground"), cursor) or foreground
        on_cursor = readable(text, [cursor], BODY_RATIO, shown)
        out["block-cursor-foreground"] = on_cursor.hex
        # The focused cursor's source and age: its text colour a third of the way
        # to the cursor, as far back as the ratio allows (textual-dark's blue bar
        # takes nothing but white: there they stay white).
        dimmed = on_cursor.blend(cursor, 0.35)
        out["tn-cursor-muted"] = readable(dimmed, [cursor], BODY_RATIO, shown).hex
    # The cursor of an unfocused list: a translucent highlight over the pane.
    if blurred is not None:
        text = _solid(variables.get("block-cursor-blurred-foreground"), blurred) or foreground
        tinted = blurred.blend(foreground, 0.03)
        on_blurred = readable(text, [blurred, tinted], BODY_RATIO, shown)
        out["block-cursor-blurred-foreground"] = on_blurred.hex
    out.setdefault("tn-cursor-muted", out.get("block-cursor-foreground", foreground.hex))
    out.setdefault("tn-row-muted", out.get("tn-muted", foreground.hex))
    out.setdefault("tn-blurred-muted", out.get("block-cursor-blurred-foreground", foreground.hex))
    # Toast titles as Textual draws them in these themes.
    out.update(
        {name: variables.get(source) or "$foreground" for name, source in TOAST_TITLES.items()}
    )
    return out
