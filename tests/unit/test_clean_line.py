"""clean_line's fast path must give exactly the line its general path gives.

The fast path relies on ``str.isprintable()`` being false for every character
the general path removes or treats as a space; these tests check that claim for
every Unicode code point, in the contexts where a difference would show.
"""

from __future__ import annotations

import random
import sys
import unicodedata

import pytest
from rich.cells import cell_len

from termnews.core.text import (
    _clean_line_general,
    clean_block,
    clean_line,
    clean_printable_line,
    cluster_start,
    fit_cells,
    strip_unsafe,
    terminal_form,
)

_CONTEXTS = ("{c}", "a{c}b", " {c} ", "x\n{c}{c} y", "\r{c}\x1b[31mz", "e\u0301{c}\t")


def _reference(text: str) -> str:
    return _clean_line_general(unicodedata.normalize("NFC", text)) if text else ""


@pytest.mark.parametrize("start", range(0, 0x10000, 0x4000))
def test_every_bmp_code_point_cleans_as_the_general_path_does(start: int) -> None:
    for cp in range(start, start + 0x4000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        for context in _CONTEXTS:
            text = context.format(c=chr(cp))
            assert clean_line(text) == _reference(text), (hex(cp), context)


def test_every_astral_code_point_cleans_as_the_general_path_does() -> None:
    # No astral character is one clean_line removes or collapses: one context will do.
    for cp in range(0x10000, sys.maxunicode + 1):
        text = f"a {chr(cp)}\n"
        assert clean_line(text) == _reference(text), hex(cp)


def test_random_mixes_of_spaces_and_controls_clean_as_the_general_path_does() -> None:
    alphabet = (
        " \t\n\r\x0b\x0c\x1b[]\x85\xa0\u1680\u2000\u200a\u200b\u200c\u200e\u2028\u2029"
        "\u202f\u205f\u3000\ufeff\x9b\x9dabcé\u0301Σ"
    )
    rng = random.Random(8)
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        assert clean_line(text) == _reference(text), repr(text)


def test_fast_path_collapses_spaces_and_keeps_the_text() -> None:
    assert clean_line("  Núñez\n\n  wins\t\u00a0 the   vote  ") == "Núñez wins the vote"
    assert clean_line("e\u0301t\u00e9") == "\u00e9t\u00e9"  # NFC


def test_general_path_still_removes_escapes_and_bidi_controls() -> None:
    assert clean_line("red\x1b[31m alert\u202e\r\nnow\u2028") == "red alert now\u2028".strip()


def test_nfc_keeps_printable_text_printable() -> None:
    """clean_printable_line's premise: NFC of printable text is printable.

    NFC decomposes, then composes: every printable character must decompose to
    printable ones, and every character whose decomposition is printable (what
    composition can make) must be printable itself.
    """
    for cp in range(sys.maxunicode + 1):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        decomposed = unicodedata.normalize("NFD", ch)
        if ch.isprintable():
            assert decomposed.isprintable(), hex(cp)
        elif decomposed != ch:
            assert not decomposed.isprintable(), hex(cp)


def _printable_spaced(text: str) -> bool:
    return text.replace("\n", " ").replace("\t", " ").isprintable()


def test_every_code_point_cleans_alike_when_known_printable() -> None:
    for cp in range(sys.maxunicode + 1):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        for context in _CONTEXTS:
            text = context.format(c=chr(cp))
            if _printable_spaced(text):
                assert clean_printable_line(text) == clean_line(text), (hex(cp), context)


def test_random_printable_text_cleans_alike_when_known_printable() -> None:
    alphabet = " \t\n abcé\u0301\u0327Σ\u1100\u1161\u11a8—“”"
    rng = random.Random(9)
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        assert clean_printable_line(text) == clean_line(text), repr(text)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Done ✔️ today", "Done ✔ today"),  # VS16: one cell to Textual, two to kitty/VTE
        ("Love ❤️", "Love ❤"),
        ("Family 👨\u200d👩\u200d👧\u200d👦 day", "Family 👨👩👧👦 day"),  # ZWJ: 8 or 2 cells
        ("Pride 🏳️\u200d🌈", "Pride 🏳🌈"),
        ("Coder 👩\u200d💻", "Coder 👩💻"),  # four cells to Textual, two to tmux 3.3a
        ("क्\u200dष", "क्ष"),  # tmux draws the letter after a joiner in its cell: 1 cell, not 2
        ("Thumbs 👍🏽 up", "Thumbs 👍 up"),  # a skin tone: no cell to Textual, two to tmux
        ("☝🏻 points", "☝ points"),
        ("🇯🇵 flag", "🇯🇵 flag"),  # a flag is two regional indicators, two cells everywhere
    ],
)
def test_emoji_sequences_are_kept_and_drawn_in_the_form_terminals_agree_on(
    text: str, shown: str
) -> None:
    # They were stripped at ingest: the cache, 'show' and --json lost the feed's
    # "👍🏽". They are kept; what is drawn drops the characters terminals measure
    # differently (each takes no cell in Rich's measure: no layout changes).
    assert clean_line(text) == text
    assert clean_block(text + "\n" + text) == text + "\n" + text
    assert terminal_form(text) == shown
    assert cell_len(terminal_form(text)) == cell_len(text)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("soft\u00adhyphen", "softhyphen"),  # no cell to Textual, one to tmux
        ("word\u2060joiner", "wordjoiner"),
        ("a\u202eevil", "aevil"),  # a bidi override
        ("bell\x07 and \x1b[31mred", "bell and red"),
    ],
)
def test_invisible_format_and_control_characters_are_still_removed(text: str, shown: str) -> None:
    assert clean_line(text) == shown
    assert clean_block(text + "\n" + text) == shown + "\n" + shown


@pytest.mark.parametrize(
    ("text", "index", "start"),
    [
        ("Germany 🇩🇪 beats", 9, 8),  # between a flag's halves: before the flag
        ("Germany 🇩🇪 beats", 10, 10),  # after the flag: where it was
        ("🇩🇪🇫🇷", 3, 2),
        ("हिन्दी", 3, 2),  # before the virama: before न, whose mark it is
        ("हिन्दी", 1, 0),  # before the vowel sign ि: before ह
        ("cafe\u0301s", 4, 3),  # a decomposed accent stays with its e
        ("Up 👍🏽 ok", 4, 3),  # before the skin tone: before the hand it colours
        ("Go 👩\u200d💻 ok", 4, 3),  # before the joiner: before the woman
        ("Go 👩\u200d💻 ok", 5, 3),  # before the laptop she is joined to: before her
        ("Go 👩\u200d💻 ok", 6, 6),  # after the sequence: where it was
        ("Done ✔️ ok", 6, 5),  # before U+FE0F: before the check mark
        ("plain", 2, 2),
        ("plain", 9, 5),
    ],
)
def test_a_cut_moves_to_the_start_of_the_character(text: str, index: int, start: int) -> None:
    assert cluster_start(text, index) == start


def test_a_stray_8_bit_introducer_takes_only_itself() -> None:
    # '”' and '“' read as Windows-1252 and saved as UTF-8 hold U+009D (8-bit OSC) and
    # U+009C (ST): everything from the first such quote to the end was deleted.
    mojibake = "He said \u00e2\u20ac\x9dyes\u00e2\u20ac\x9d, and the story goes on.\nMore."
    assert (
        strip_unsafe(mojibake)
        == "He said \u00e2\u20acyes\u00e2\u20ac, and the story goes on.\nMore."
    )
    assert clean_line("icon \u00ef\x81\x97 then the article") == "icon \u00ef then the article"
    # An unterminated 7-bit OSC loses its introducer; a terminated one its payload too.
    assert strip_unsafe("x \x1b]0;no end and the rest") == "x 0;no end and the rest"
    assert strip_unsafe("a \x1b]0;title\x07b \x1b]8;;http://e\x1b\\link") == "a b link"


def test_byline_author_is_left_out_when_it_repeats_the_feed() -> None:
    from termnews.core.text import byline_author

    assert byline_author("DC Rainmaker", "DC Rainmaker") == ""
    assert byline_author("katie floyd", "Katie Floyd") == ""
    assert byline_author("Harbour Post", "Harbour Post — World") == ""  # the outlet part
    assert byline_author("John Gruber", "Daring Fireball") == "John Gruber"
    assert byline_author(None, "Daring Fireball") == ""


def test_a_column_fitted_for_the_terminal_is_in_the_form_terminals_agree_on() -> None:
    # The CLI pads its listings itself: a skin tone in a title pushed the columns
    # after it two cells right in tmux (four cells there, two in Rich's measure).
    for text in ("Thumbs 👍🏽 up", "Coder 👩\u200d💻 ok", "Done ✔️"):
        fitted = fit_cells(text, 20)
        assert fitted.rstrip() == terminal_form(text)
        assert cell_len(fitted) == 20
    assert fit_cells("Coder 👩\u200d💻 and more words", 9) == "Coder 👩…"
