"""The Textual reader.

Importing the package first makes Rich (and so Textual) measure spacing vowel
signs the way terminals draw them; see :func:`agree_with_terminal_widths`.
"""

from __future__ import annotations

import unicodedata

import rich.cells

SPACING_MARKS = (
    "903 93b 93e-940 949-94c 94e-94f 982-983 9be-9c0 9c7-9c8 9cb-9cc 9d7 a03 a3e-a40 a83 "
    "abe-ac0 ac9 acb-acc b02-b03 b3e b40 b47-b48 b4b-b4c b57 bbe-bbf bc1-bc2 bc6-bc8 "
    "bca-bcc bd7 c01-c03 c41-c44 c82-c83 cbe cc0-cc4 cc7-cc8 cca-ccb cd5-cd6 d02-d03 "
    "d3e-d40 d46-d48 d4a-d4c d57 d82-d83 dcf-dd1 dd8-ddf df2-df3 f3e-f3f f7f 102b-102c 1031 "
    "1038 103b-103c 1056-1057 1062-1064 1067-106d 1083-1084 1087-108c 108f 109a-109c 1715 "
    "1734 17b6 17be-17c5 17c7-17c8 1923-1926 1929-192b 1930-1931 1933-1938 1a19-1a1a 1a55 "
    "1a57 1a61 1a63-1a64 1a6d-1a72 1b04 1b35 1b3b 1b3d-1b41 1b43-1b44 1b82 1ba1 1ba6-1ba7 "
    "1baa 1be7 1bea-1bec 1bee 1bf2-1bf3 1c24-1c2b 1c34-1c35 1ce1 1cf7 302e-302f a823-a824 "
    "a827 a880-a881 a8b4-a8c3 a952-a953 a983 a9b4-a9b5 a9ba-a9bb a9be-a9c0 aa2f-aa30 "
    "aa33-aa34 aa4d aa7b aa7d aaeb aaee-aaef aaf5 abe3-abe4 abe6-abe7 abe9-abea abec 11000 "
    "11002 11082 110b0-110b2 110b7-110b8 1112c 11145-11146 11182 111b3-111b5 111bf-111c0 "
    "111ce 1122c-1122e 11232-11233 11235 112e0-112e2 11302-11303 1133e-1133f 11341-11344 "
    "11347-11348 1134b-1134d 11357 11362-11363 11435-11437 11440-11441 11445 114b0-114b2 "
    "114b9 114bb-114be 114c1 115af-115b1 115b8-115bb 115be 11630-11632 1163b-1163c 1163e "
    "116ac 116ae-116af 116b6 11720-11721 11726 1182c-1182e 11838 11930-11935 11937-11938 "
    "1193d 11940 11942 119d1-119d3 119dc-119df 119e4 11a39 11a57-11a58 11a97 11c2f 11c3e "
    "11ca9 11cb1 11cb4 11d8a-11d8e 11d93-11d94 11d96 11ef5-11ef6 16f51-16f87 16ff0-16ff1 "
    "1d165-1d166 1d16d-1d172"
)
"""Unicode 14's spacing combining marks (category Mc), as hex code point ranges.

Written out, not found with ``unicodedata`` at start (that was ~0.4-0.7 ms over
the 2,900 code points Rich gives no cell); tests/unit/test_cell_widths.py checks
the list against ``unicodedata``."""


def agree_with_terminal_widths() -> None:
    """Give Unicode's spacing combining marks (category Mc) the cell terminals give them.

    Why: Rich 14.2's width table, which Textual lays everything out with, gives
    the spacing vowel signs of Devanagari, Bengali, Tamil and the other Indic
    scripts (ि ी া ி ...) no cell, as if they were accents; glibc's wcwidth, and
    so tmux, VTE, xterm and alacritty, gives each one a cell. In tmux a Hindi
    headline of 8 cells to Textual took 12, pushing the source column, the pane's
    border and everything after it to the right. With this every such mark takes
    one cell (two for the four East Asian wide ones, as glibc has it) and the
    layout is what tmux draws. Applied once, before anything is measured: Rich's
    width functions remember their answers.
    """
    cells = vars(rich.cells)  # its table is a private global: read and replaced here
    table: list[tuple[int, int, int]] = cells["CELL_WIDTHS"]
    if any(width == 1 for _, _, width in table):
        return  # applied already: Rich's own table lists only 0, -1 and 2
    marks: list[tuple[int, int, int]] = []
    for item in SPACING_MARKS.split():
        first, _, last = item.partition("-")
        start = int(first, 16)
        wide = unicodedata.east_asian_width(chr(start)) in "WF"
        marks.append((start, int(last or first, 16), 2 if wide else 1))
    agreed: list[tuple[int, int, int]] = []
    index = 0
    for start, end, width in table:
        while index < len(marks) and marks[index][1] < start:
            index += 1  # a mark Rich measures already (none in Rich 14.2)
        if width != 0:
            agreed.append((start, end, width))
            continue
        position = start
        while index < len(marks) and marks[index][0] <= end:
            low, high, cells_wide = marks[index]
            low = max(low, position)
            if low > position:
                agreed.append((position, low - 1, 0))
            agreed.append((low, min(high, end), cells_wide))
            position = min(high, end) + 1
            if high > end:
                break  # the rest of the run lies in the next range
            index += 1
        if position <= end:
            agreed.append((position, end, 0))
    cells["CELL_WIDTHS"] = agreed
    rich.cells.get_character_cell_size.cache_clear()
    rich.cells.cached_cell_len.cache_clear()


agree_with_terminal_widths()
