"""The reader measures spacing vowel signs as terminals draw them (termnews.app)."""

from __future__ import annotations

import sys
import unicodedata

import pytest
import rich._cell_widths
import rich.cells
from rich.cells import cell_len, get_character_cell_size
from textual.content import Content

import termnews.app
from termnews.app.widgets.cell_fit import fit_cells, fit_content


def test_spacing_marks_take_the_cell_glibc_gives_them() -> None:
    assert "termnews.app" in sys.modules
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if unicodedata.category(char) == "Mc":
            wide = unicodedata.east_asian_width(char) in "WF"
            assert get_character_cell_size(char) == (2 if wide else 1), hex(code)
    # Devanagari, Bengali, Tamil: each vowel sign a cell, the virama none.
    assert cell_len("हिन्दी समाचार") == 12
    assert cell_len("বাংলা খবর") == 9
    assert cell_len("தமிழ் செய்தி") == 10
    # Accents that do not space, and the rest of the table, are as Rich has them.
    assert cell_len("e\u0301 Tiê\u0301ng") == 7
    assert cell_len("中文") == 4
    assert cell_len("\u200b") == 0


def test_applying_twice_changes_nothing() -> None:
    before = list(vars(rich.cells)["CELL_WIDTHS"])
    termnews.app.agree_with_terminal_widths()
    assert before == vars(rich.cells)["CELL_WIDTHS"]


def test_the_written_out_marks_are_unicodes_spacing_marks() -> None:
    listed: set[int] = set()
    for item in termnews.app.SPACING_MARKS.split():
        first, _, last = item.partition("-")
        listed.update(range(int(first, 16), int(last or first, 16) + 1))
    found = {c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Mc"}
    if unicodedata.unidata_version == "14.0.0":  # Python 3.11
        assert listed == found
    else:  # a later Unicode adds marks, never recategorises these
        assert listed <= found


def test_every_other_width_is_rich_s_own() -> None:
    original = rich._cell_widths.CELL_WIDTHS
    for start, end, width in original:
        for code in range(start, min(end, start + 4000) + 1):
            char = chr(code)
            if unicodedata.category(char) != "Mc":
                assert get_character_cell_size(char) == max(width, 0), hex(code)


@pytest.mark.parametrize(
    ("text", "width", "shown"),
    [
        ("Germany 🇩🇪 beats", 10, "Germany …"),  # was "Germany 🇩…", half a flag
        ("Germany 🇩🇪 beats", 11, "Germany 🇩🇪…"),
        ("Wörld हिन्दी", 8, "Wörld …"),  # was "Wörld ह…": ह without its vowel sign ि
        ("Wörld हिन्दी", 10, "Wörld हिन्…"),
        ("short", 10, "short"),
    ],
)
def test_a_cut_line_keeps_whole_characters(text: str, width: int, shown: str) -> None:
    fitted = fit_content(Content(text), width)
    assert fitted.plain == shown
    assert fitted.cell_length <= width


@pytest.mark.parametrize(
    ("text", "width", "shown"),
    [
        ("日本 🇯🇵 News", 7, "日本…"),  # a source column's cut: not "日本 🇯…"
        ("日本 🇯🇵 News", 8, "日本 🇯🇵…"),
        ("हिन्दी समाचार", 2, "…"),  # not "ह…": ह without its vowel sign ि
        ("हिन्दी समाचार", 4, "हिन्…"),  # the virama stays with its letter
        ("BBC News", 5, "BBC…"),
        ("日本", 6, "日本"),
    ],
)
def test_a_column_keeps_whole_characters(text: str, width: int, shown: str) -> None:
    fitted = fit_cells(text, width)
    assert fitted.rstrip(" ") == shown
    assert cell_len(fitted) == width
