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
from textual.geometry import Region

from termnews.app.app import FEW_COLOURS_THEME, TermnewsApp

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


def glyph_cells(app: TermnewsApp, region: Region) -> list[tuple[int, int, str, float]]:
    """(row, column, text, contrast) of every run of glyphs in ``region`` (marks such as
    the unread ● included, box drawing and blocks left out)."""
    update = app.screen._compositor.render_update(full=True)
    found: list[tuple[int, int, str, float]] = []
    for row, line in enumerate(update.strips):  # type: ignore[attr-defined]
        x = 0
        for segment in (segment for strip in line for segment in strip):
            column = x
            x += segment.cell_length
            text = "".join(ch for ch in segment.text if not ch.isspace() and ch not in _DRAWING)
            style = segment.style
            if not text or style is None or style.color is None or style.bgcolor is None:
                continue
            if not region.contains(column, row):
                continue
            fg, bg = style.color, style.bgcolor
            if style.reverse:
                fg, bg = bg, fg
            found.append((row, column, segment.text.strip(), contrast(fg, bg)))
    return found


_DRAWING = set("─│╭╮╰╯━┃▁▂▃▄▅▆▇█▉▊▋▌▍▎▏▐▔▕▀")


@pytest.mark.parametrize("theme", _theme_names())
async def test_cursor_rows_read_focused_and_unfocused(
    demo: Env, run_app: RunApp, theme: str
) -> None:
    async with run_app(demo, size=(120, 36)) as (app, pilot):
        screen = main_screen(app)
        await pilot.press("j", "enter", "j")  # the cursor on an unread headline
        await settle(pilot)
        app.theme = theme
        await settle(pilot)
        headlines, related = screen.headlines, screen.related

        def cursor_row() -> Region:
            region = headlines.content_region
            y = region.y + (headlines.highlighted or 0) - int(headlines.scroll_offset.y)
            return Region(region.x, y, region.width, 1)

        def check(region: Region, what: str) -> None:
            cells = glyph_cells(app, region)
            assert cells, f"{what}: nothing measured"
            worst = min(cells, key=lambda c: c[3])
            assert worst[3] >= MIN_CONTRAST, f"{theme} {what}: {worst[2]!r}: {worst[3]:.2f}"
            words = [c for c in cells if any(ch.isalpha() for ch in c[2])]
            poorest = min(words, key=lambda c: c[3])
            assert poorest[3] >= BODY_CONTRAST, f"{theme} {what}: {poorest[2]!r}: {poorest[3]:.2f}"

        await pilot.press("tab")  # to the article: the headline cursor is blurred
        await settle(pilot)
        assert app.focused is screen.article_view
        # Textual's own rule wrote the blurred cursor row in $foreground: 2.8:1 in
        # solarized-dark, 3.0-4.4:1 in six more themes.
        check(cursor_row(), "unfocused headline cursor")
        related.focus()
        related.highlighted = 0
        await settle(pilot)
        region = related.content_region
        # The focused teaser's section and source kept their own colours on the
        # cursor: 1.0-2.4:1 in every theme.
        check(Region(region.x, region.y, region.width, 3), "focused related teaser")


def _row_runs(app: TermnewsApp, y: int, region: Region) -> list[tuple[str, Segment]]:
    """The runs of words in row ``y`` of ``region``, left to right: a headline row's
    title first, its age last, its source just before (the marks left out)."""
    update = app.screen._compositor.render_update(full=True)
    x, runs = 0, []
    for segment in (segment for strip in update.strips[y] for segment in strip):  # type: ignore[attr-defined]
        text = segment.text.strip()
        if any(ch.isalnum() for ch in text) and region.contains(x, y):
            runs.append((text, segment))
        x += segment.cell_length
    return runs


def _ratio(segment: Segment) -> float:
    style = segment.style
    assert style is not None and style.color is not None and style.bgcolor is not None
    return contrast(style.color, style.bgcolor)


@pytest.mark.parametrize("theme", _theme_names())
async def test_headline_source_and_age_are_muted_but_read(
    demo: Env, run_app: RunApp, theme: str
) -> None:
    """The source and age columns were drawn in $text-muted, an auto colour whose 60%
    the row dropped: pure white, brighter than the titles, in every theme (seen by
    qa19). Off the cursor they are dimmer than the title and still body text (4.5:1);
    on the cursor, focused or not, they read too."""
    async with run_app(demo, size=(120, 36)) as (app, pilot):
        screen = main_screen(app)
        await pilot.press("j", "enter", "j")
        await settle(pilot)
        app.theme = theme
        await settle(pilot)
        headlines = screen.headlines
        region = headlines.content_region

        def row(offset: int) -> list[tuple[str, Segment]]:
            y = region.y + (headlines.highlighted or 0) + offset - int(headlines.scroll_offset.y)
            runs = _row_runs(app, y, region)
            assert len(runs) >= 3, runs  # title, source, age
            return runs

        for focused in (False, True):
            if focused:
                headlines.focus()
            else:
                screen.article_view.focus()
            await settle(pilot)
            title, *_, source, age = row(+1)
            title_ratio = _ratio(title[1])
            # Body text's 4.5:1 where the theme's text leaves room above it (all but
            # solarized's, whose own text is 4.1-4.4:1), the secondary 3:1 at least.
            floor = BODY_CONTRAST if title_ratio >= 6 else MIN_CONTRAST
            for text, segment in (source, age):
                ratio = _ratio(segment)
                assert floor <= ratio < title_ratio, (
                    theme,
                    focused,
                    text,
                    round(ratio, 2),
                    round(title_ratio, 2),
                )
            *_, source, age = row(0)
            for text, segment in (source, age):
                ratio = _ratio(segment)
                assert ratio >= BODY_CONTRAST, (theme, focused, "cursor", text, round(ratio, 2))


@pytest.mark.parametrize("theme", ["ansi-dark", "ansi-light"])
async def test_ansi_themes_dim_the_source_and_age(seeded: Env, run_app: RunApp, theme: str) -> None:
    """In an ANSI theme muted text is the terminal's default colour, as bright as the
    titles: off the cursor the source and age are dimmed, as a terminal mutes text."""
    seeded.write_config(f'[general]\ntheme = "{theme}"\n')
    async with run_app(seeded, size=(100, 30)) as (app, pilot):
        headlines = main_screen(app).headlines
        await settle(pilot)
        region = headlines.content_region
        y = region.y + (headlines.highlighted or 0) + 1 - int(headlines.scroll_offset.y)
        title, *_, source, age = _row_runs(app, y, region)
        assert not (title[1].style and title[1].style.dim), title
        for text, segment in (source, age):
            assert segment.style is not None and segment.style.dim, (text, segment.style)


async def test_unread_mark_shows_on_the_focused_cursor(demo: Env, run_app: RunApp) -> None:
    async with run_app(demo, size=(120, 36)) as (app, pilot):
        headlines = main_screen(app).headlines
        await pilot.press("j", "enter", "j")  # the cursor on an unread headline
        await settle(pilot)
        region = headlines.content_region
        y = region.y + (headlines.highlighted or 0) - int(headlines.scroll_offset.y)
        marks = [c for c in glyph_cells(app, Region(region.x, y, 2, 1)) if "●" in c[2]]
        assert marks, "no unread mark on the cursor row"
        assert min(c[3] for c in marks) >= MIN_CONTRAST


@pytest.mark.parametrize("theme", ["ansi-dark", "ansi-light"])
async def test_ansi_themes_start_and_switch(demo: Env, run_app: RunApp, theme: str) -> None:
    """The palette lists the ANSI themes and ``general.theme`` accepts them.

    Their colours are the terminal's (no contrast to nudge), but the stylesheet still
    needs every ``$tn-*`` variable: without them the reader stopped at start with
    "reference to undefined variable '$tn-muted'" (set in the config) or when picked
    in the palette (seen by qa17).
    """
    demo.write_config(f'[general]\ntheme = "{theme}"\n')
    async with run_app(demo, size=(100, 30)) as (app, pilot):
        assert app.theme == theme
        screen = main_screen(app)
        await pilot.press("j", "enter")
        await settle(pilot)
        assert screen.headlines.option_count > 0
        app.theme = "textual-dark"
        await settle(pilot)
        app.theme = theme
        await settle(pilot)
        assert app.is_running and app.theme == theme


@pytest.mark.parametrize("theme", ["ansi-dark", "ansi-light"])
async def test_ansi_themes_cursor_row_shows_its_source_and_age(
    seeded: Env, run_app: RunApp, theme: str
) -> None:
    """ANSI themes draw muted text in the terminal's default colour; on the focused
    cursor (ansi-dark: a white bar) the source and age were default-on-white, gone on
    a dark terminal. They take the cursor's own text colour there (seen by qa17)."""
    seeded.write_config(f'[general]\ntheme = "{theme}"\n')
    async with run_app(seeded, size=(100, 30)) as (app, pilot):
        screen = main_screen(app)
        screen.headlines.focus()
        await settle(pilot)
        headlines = screen.headlines
        region = headlines.content_region
        y = region.y + (headlines.highlighted or 0) - int(headlines.scroll_offset.y)
        row = Region(region.x, y, region.width, 1)
        update = app.screen._compositor.render_update(full=True)
        line = update.strips[y]  # type: ignore[attr-defined]
        x, styles = 0, []
        for segment in (segment for strip in line for segment in strip):
            if segment.text.strip() and row.contains(x, y) and segment.style is not None:
                styles.append((segment.text.strip(), segment.style))
            x += segment.cell_length
        assert len(styles) >= 2, styles  # the title, then source and age
        cursor_fg = styles[0][1].color
        for text, style in styles:
            assert style.color == cursor_fg, (text, style)


@pytest.mark.parametrize("theme", ["ansi-dark", "ansi-light"])
async def test_ansi_themes_write_toasts_in_the_colour_of_their_background(
    seeded: Env, run_app: RunApp, theme: str
) -> None:
    """Textual draws a toast on ``$ansi-background`` (ansi-light: the palette's white) in
    ``$foreground``, the terminal's default colour: on a dark terminal in ansi-light, the
    16-colour default, light grey on white (1.0:1, in tmux with xterm's palette); the
    titles green on white (1.7:1) or bright red (3.2:1). Seen by qa18."""
    from textual.color import Color as TextualColor
    from textual.widgets._toast import Toast

    seeded.write_config(f'[general]\ntheme = "{theme}"\n')
    async with run_app(seeded, size=(100, 30), notifications=True) as (app, pilot):
        app.notify("3 of 9 feeds failed", title="Refresh done", severity="warning")
        app.notify("Opened the link", severity="information")
        await settle(pilot)
        await pilot.pause()
        pair = TextualColor.parse(app.theme_variables["ansi-foreground"]).rich_color
        update = app.screen._compositor.render_update(full=True)
        toasts = [t.region for t in app.query(Toast)]
        assert len(toasts) == 2
        seen = []
        for y, line in enumerate(update.strips):  # type: ignore[attr-defined]
            x = 0
            for segment in (segment for strip in line for segment in strip):
                inside = any(r.contains(x, y) for r in toasts)
                if inside and segment.text.strip() not in ("", "▌"):
                    seen.append(segment.text.strip())
                    assert segment.style is not None and segment.style.color == pair, (
                        segment.text,
                        segment.style,
                    )
                x += segment.cell_length
        assert "Refresh done" in seen and "Opened the link" in seen, seen


async def test_a_16_colour_terminal_starts_in_the_ansi_theme_and_keeps_the_remembered_one(
    seeded: Env, run_app: RunApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TERM=screen (tmux's default), xterm or linux: Rich finds 16 colours and
    downgrades a truecolor theme to them; textual-dark's top line and footer keys came
    out bright red on bright grey, 1.0:1 (seen by qa17). The ANSI theme stands in,
    unless the config names a theme; the remembered theme is kept for the next start."""
    import json

    from termnews.app.state import load_state

    monkeypatch.setenv("TERM", "screen")
    monkeypatch.delenv("COLORTERM", raising=False)
    state = seeded.data_dir / "state.json"
    state.write_text(json.dumps({"theme": "nord"}), encoding="utf-8")
    async with run_app(seeded) as (app, pilot):
        assert app.console.color_system == "standard"
        assert app.theme == FEW_COLOURS_THEME and "ansi" in app.theme
        await pilot.press("j")
        main_screen(app).save_state()
        await pilot.press("q")
    assert load_state(state).theme == "nord"
    seeded.write_config('[general]\ntheme = "gruvbox"\n')
    async with run_app(seeded) as (app, _pilot):
        assert app.theme == "gruvbox"  # a theme the config names is the user's choice
    seeded.write_config("")
    state.write_text(json.dumps({"theme": "nord"}), encoding="utf-8")
    monkeypatch.setenv("TERM", "xterm-256color")
    async with run_app(seeded) as (app, _pilot):
        assert app.theme == "nord"


async def test_no_color_never_shows_an_ansi_theme(
    seeded: Env, run_app: RunApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual's NO_COLOR filter greys each colour by its brightness; an ANSI colour
    has none it knows, so an ANSI theme under NO_COLOR=1 was black on black, every
    cell (seen by qa17 on tmux's capture). Neither the 16-colour default, the config
    nor the palette puts one on screen then."""
    from textual.filter import Monochrome

    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "screen")
    monkeypatch.delenv("COLORTERM", raising=False)
    for config in ("", '[general]\ntheme = "ansi-dark"\n'):
        seeded.write_config(config)
        async with run_app(seeded, size=(100, 30)) as (app, _pilot):
            assert app.no_color and not app.current_theme.ansi, app.theme
            update = app.screen._compositor.render_update(full=True)
            drawn = Monochrome().apply(
                [segment for strip in update.strips[0] for segment in strip],  # type: ignore[attr-defined]
                app.screen.styles.background,
            )
            text = [s for s in drawn if s.text.strip() and s.style and s.style.color]
            assert text and any(contrast(s.style.color, s.style.bgcolor) >= 3 for s in text)
            _no_ansi_theme_in_the_palette(app)


def _no_ansi_theme_in_the_palette(app: TermnewsApp) -> None:
    """The palette's theme entries (ThemesProvider) list no ANSI theme under NO_COLOR."""
    from termnews.app.providers import ThemesProvider

    provider = ThemesProvider(app.screen)
    names = [entry.text for entry in provider.entries()]
    assert names and not [n for n in names if "ansi" in n]


@pytest.mark.parametrize("theme", _theme_names())
async def test_every_theme_stays_readable_in_256_colours(
    demo: Env, run_app: RunApp, theme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TERM=xterm-256color without COLORTERM (macOS Terminal, tmux without Tc): Rich
    draws each colour as the nearest of the 256. The nudged colours met their ratios in
    truecolor and lost them there: solarized-dark's '● offline' at 2.0:1, textual-light's
    at 2.7:1, nord's footer keys at 2.8:1 (tmux capture, seen by qa17). Measured here on
    what a 256-colour terminal shows: both colours of every cell downgraded as Rich does."""
    from rich.color import ColorSystem

    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("COLORTERM", raising=False)
    async with run_app(demo, size=(120, 36)) as (app, pilot):
        assert app.console.color_system == "256"
        await pilot.press("j", "enter")
        await settle(pilot)
        app.theme = theme
        await settle(pilot)
        await pilot.pause()
        update = app.screen._compositor.render_update(full=True)
        worst: tuple[float, str] = (21.0, "")
        for line in update.strips:  # type: ignore[attr-defined]
            for segment in (segment for strip in line for segment in strip):
                style = segment.style
                letters = "".join(ch for ch in segment.text if ch.isalnum())
                if not letters or style is None or style.color is None or style.bgcolor is None:
                    continue
                fg = style.color.downgrade(ColorSystem.EIGHT_BIT)
                bg = style.bgcolor.downgrade(ColorSystem.EIGHT_BIT)
                if style.reverse:
                    fg, bg = bg, fg
                worst = min(worst, (contrast(fg, bg), segment.text.strip()))
        assert worst[0] >= MIN_CONTRAST, f"{theme}: {worst[1]!r}: {worst[0]:.2f}"


def _online_styles(app: TermnewsApp) -> list[Segment]:
    """The segments of the top line's "● online" as the compositor draws them."""
    update = app.screen._compositor.render_update(full=True)
    line = update.strips[0]  # type: ignore[attr-defined]
    return [s for strip in line for s in strip if "online" in s.text or s.text.strip() == "●"]


@pytest.mark.parametrize("theme", ["ansi-light", "ansi-dark", "textual-light", "solarized-light"])
async def test_the_online_mark_reads_on_light_terminals(
    seeded: Env, run_app: RunApp, theme: str
) -> None:
    """ansi-light drew "● online" in ANSI green: 2.2:1 on white in xterm's palette (and
    ansi-light stands in on any 16-colour terminal, light or dark). In ANSI themes it
    is the terminal's default colour now; in the others it reaches 4.5:1 (regular
    weight, body text), where it was held to 3.5:1 (textual-light: 3.8:1)."""
    seeded.write_config(f'[general]\ntheme = "{theme}"\n')
    async with run_app(seeded, size=(100, 30)) as (app, pilot):
        await settle(pilot)
        segments = _online_styles(app)
        assert segments, "no '● online' on the top line"
        for segment in segments:
            style = segment.style
            assert style is not None
            if "ansi" in theme:
                assert style.color is None or style.color.is_default, (segment.text, style)
            else:
                assert style.color is not None and style.bgcolor is not None
                ratio = contrast(style.color, style.bgcolor)
                assert ratio >= BODY_CONTRAST, (segment.text, round(ratio, 2))


@pytest.mark.parametrize("theme", _theme_names())
async def test_matched_words_read_on_the_focused_cursor(
    demo: Env, run_app: RunApp, theme: str
) -> None:
    """A search result's matched words are drawn in the accent colour, which is the
    focused cursor's own colour in most themes: on the cursor row "Storm" sat on
    it at 1.0-2.5:1 (seen by ui20 in solarized-light)."""
    from textual.widgets import Input

    async with run_app(demo, size=(120, 36)) as (app, pilot):
        screen = main_screen(app)
        app.theme = theme
        await pilot.press("slash")
        await settle(pilot)
        screen.query_one("#search").query_one(Input).value = "storm"
        await pilot.press("enter")
        await settle(pilot)
        headlines = screen.headlines
        assert app.focused is headlines and headlines.rows
        titled = [i for i, row in enumerate(headlines.rows) if "storm" in row.title.lower()]
        headlines.highlighted = titled[0]  # a row whose headline has the word too
        await settle(pilot)
        region = headlines.content_region
        top = region.y + 2 * titled[0] - int(headlines.scroll_offset.y)  # two lines a hit
        cells = glyph_cells(app, Region(region.x, top, region.width, 2))
        marked = [c for c in cells if c[2].lower().startswith("stor")]  # "stor…" cut
        assert len(marked) >= 2, "\n".join(map(str, cells))  # in the headline and in the snippet
        worst = min(cells, key=lambda c: c[3])
        assert worst[3] >= MIN_CONTRAST, f"{theme}: {worst[2]!r}: {worst[3]:.2f}"
        await pilot.press("tab")  # the cursor blurred: the accent again, on its grey
        await settle(pilot)
        assert app.focused is not headlines
        cells = glyph_cells(app, Region(region.x, top, region.width, 2))
        worst = min(cells, key=lambda c: c[3])
        assert worst[3] >= MIN_CONTRAST, f"{theme} blurred: {worst[2]!r}: {worst[3]:.2f}"
