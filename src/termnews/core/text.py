"""Neutralising hostile text from feeds before it is stored or shown.

Feed text is written by strangers. Anything that a terminal would interpret
(C0/C1 controls, ESC-introduced CSI/OSC/DCS sequences, bidi overrides) is removed
at ingest *and* again at every output edge, because a cache written by an older
version, or a title typed into an OPML file, must not reach the terminal raw.
Rich markup is never built from these strings: views wrap them in ``Text``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

# ESC-introduced sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL/ST),
# DCS/SOS/PM/APC (ESC P/X/^/_ ... ST) and two-character escapes.
_ESCAPE_SEQUENCES = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]            # CSI
    | \x1b[\]PX^_][^\x07\x1b\x9c]{0,4096}(?:\x07|\x1b\\|\x9c)  # OSC, DCS, SOS, PM, APC to BEL/ST
    | \x9b[0-?]*[ -/]*[@-~]            # 8-bit CSI
    | \x1b[@-Z\\-_]?                   # any other escape (an unterminated OSC's ESC too)
    """,
    re.VERBOSE | re.DOTALL,
)
"""Escape sequences a terminal would act on, payload and all.

A string sequence (OSC, DCS, ...) goes with its payload only when it is closed
within 4 KB; the 8-bit introducers (U+0090, U+0098, U+009D-U+009F) go alone, as
_CONTROL_CHARS does. Why: in feed and page text these are nearly always mojibake,
not controls: '”' read as Windows-1252 and written back as UTF-8 holds U+009D,
'“' U+009C, and a private-use icon glyph U+F057 misread gives U+0081 U+0097. The
old rule, an introducer up to a terminator *or the end of the text*, deleted all
of an article after the first such quote (a 378 KB BuzzFeed page lost 250 KB and
was refused: 'no article text found'). Without its introducer the rest is plain
text, which is all the terminal needs."""

# Controls except TAB and LF, C1 controls, DEL, bidi embeddings/overrides/isolates,
# and other invisible format characters that can reorder or hide text; also the
# invisible ones terminals disagree about: a soft hyphen, the Mongolian vowel
# separator and the word joiner take no cell in Textual's layout but one in tmux
# and other wcwidth-based terminals, which shifted the rest of the row by a cell.
_CONTROL_CHARS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u180e\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
_EMOJI_JOINS = re.compile("\ufe0f|\u200d|[\U0001f3fb-\U0001f3ff]")
"""Emoji presentation selectors, zero-width joiners and skin-tone modifiers.

Kept in stored text (they are the feed's words: "👍🏽", "👩‍💻"), removed from what
reaches the terminal (:func:`terminal_form`). Why: terminals disagree on how wide
they make a character, and Textual lays a row out by Rich's widths. Measured in
tmux 3.3a against Rich 14.2: "👍🏽" four cells there (a swatch after the hand, as
glibc's wcwidth and VTE have it), two in Textual's layout and in kitty or
WezTerm; "👩‍💻" two in tmux (the letter after a joiner goes in the joiner's
cell), four in Textual; "✔️" one in Textual, two in kitty, WezTerm and VTE.
Either way the rest of the row moved: columns and borders no longer lined up.
Without them every terminal agrees with the layout: "✔" in one cell, "👍" in
two, "👩💻" in four, "क्ष" (a Devanagari half-form hint dropped) in two."""
_SKIN_TONES = tuple(chr(c) for c in range(0x1F3FB, 0x1F400))
"""The five emoji skin-tone modifiers: printable, so checked with ``in``."""


def _has_emoji_joins(text: str) -> bool:
    """Whether ``text`` holds a character of :data:`_EMOJI_JOINS`.

    ``in`` with a needle wider than every character of the text returns at once,
    so the skin-tone checks cost nothing on text without astral-plane characters
    (and ``isascii`` reads a flag: nothing at all on ASCII text).
    """
    if text.isascii():
        return False
    return "\ufe0f" in text or "\u200d" in text or any(tone in text for tone in _SKIN_TONES)


def terminal_form(text: str) -> str:
    """``text`` without the characters terminals measure differently (:data:`_EMOJI_JOINS`).

    For what is drawn, never for what is stored. Each of them takes no cell in
    Rich's measure, so removing them changes no layout: the reader applies this to
    every line it draws (``app/drawn_text.py``), the CLI to the columns it pads
    (:func:`fit_cells`).
    """
    if not _has_emoji_joins(text):
        return text
    return _EMOJI_JOINS.sub("", text)


_SPACE = "[ \t\u00a0\u2000-\u200b\u3000]"
_SPACE_RUNS = re.compile(f" {_SPACE}+|[\t\u00a0\u2000-\u200b\u3000]{_SPACE}*")
"""Runs of spaces that are not already one plain space: replacing only these by a
space gives the same line as replacing every run, without rewriting each space
of a long body (clean_line was a third of turning a body into text)."""


def strip_unsafe(text: str) -> str:
    """Remove escape sequences and control/bidi characters; keep TAB and LF."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Every escape sequence starts with a character of _CONTROL_CHARS, so text
    # without one has nothing to remove (one scan instead of two rewrites).
    if _CONTROL_CHARS.search(text) is None:
        return text
    text = _ESCAPE_SEQUENCES.sub("", text)
    return _CONTROL_CHARS.sub("", text)


_PLAIN_SPACE_RUNS = re.compile("  +")
"""Two or more plain spaces (the only spaces printable text can hold)."""
_PLAIN_SPACES = ("\n", "\t", "\u00a0")
"""The non-printable characters feed text commonly holds that clean_line turns into spaces."""


def clean_line(text: str | None) -> str:
    """A single display line: safe, NFC-normalised, whitespace collapsed.

    Called for every title, author, link and body text at ingest, so the usual
    case is checked first with cheap string methods. ``str.isprintable()`` is
    false for every character strip_unsafe removes and every space other than
    U+0020 (controls, format and bidi characters, separators), so text that is
    printable once its newlines, tabs and no-break spaces are spaces has nothing
    to remove and only runs of plain spaces to collapse: the same line as the
    general path below, without its regular expressions (3x faster on a body).
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    if not text.isprintable():
        plain = text
        for space in _PLAIN_SPACES:
            if space in plain:
                plain = plain.replace(space, " ")
        if not plain.isprintable():
            return _clean_line_general(text)
        text = plain
    if "  " in text:
        # One pass: replacing "  " until none is left took two or three passes
        # over a body (half of this function's time on one).
        text = _PLAIN_SPACE_RUNS.sub(" ", text)
    return text.strip()


def clean_printable_line(text: str) -> str:
    """:func:`clean_line` of text known to be printable once its newlines and tabs are spaces.

    Why: a caller that has checked the characters already (``html_to_text``
    checks a body's markup, whose characters its text is made of) saves the
    scan of ``str.isprintable`` that was a third of clean_line on a body. NFC
    keeps such text so: every character it composes or decomposes to is
    printable (a test checks each code point), and it leaves newlines and tabs
    alone. What is left is clean_line's own fast path.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    if "\n" in text:
        text = text.replace("\n", " ")
    if "\t" in text:
        text = text.replace("\t", " ")
    if "  " in text:
        text = _PLAIN_SPACE_RUNS.sub(" ", text)
    return text.strip()


def _clean_line_general(text: str) -> str:
    """:func:`clean_line` of NFC text that holds controls or unusual spaces."""
    text = strip_unsafe(text)
    if "\n" in text:
        text = text.replace("\n", " ")
    return _SPACE_RUNS.sub(" ", text).strip()


def clean_block(text: str | None) -> str:
    """Multi-line text: safe and NFC-normalised, line breaks kept."""
    if not text:
        return ""
    return strip_unsafe(unicodedata.normalize("NFC", text)).strip()


_OUTLET_SEPARATORS = (" — ", " – ", " | ", " > ", " - ", " :: ", " · ")


def plural(n: int, word: str) -> str:
    """``n`` and ``word``, with an "s" unless ``n`` is 1 ("1 feed", "2 feeds", "0 feeds")."""
    return f"{n} {word}" + ("" if n == 1 else "s")


def cluster_start(text: str, index: int) -> int:
    """``index``, moved back to the start of the character a reader sees there.

    Why: a line cut to a width in cells with an ellipsis is cut between code points,
    and some characters are several: a letter and the marks on it (a Devanagari
    consonant and its virama or vowel sign), or a flag, two regional indicators
    (🇩🇪), or an emoji sequence: an emoji and its skin tone ("👍🏽"), emoji joined
    by zero-width joiners ("👩‍💻"). Cut inside one, the line showed a different
    letter, a lone "🇩" where a flag was, a woman without her laptop. Cutting where
    this says drops the whole character instead (the ellipsis takes its place).
    """
    if index <= 0 or index >= len(text):
        return max(0, min(index, len(text)))
    while index > 0 and (
        unicodedata.category(text[index]).startswith("M")  # a mark, U+FE0F too
        or text[index] in _SKIN_TONES
        or text[index] == "\u200d"
        or text[index - 1] == "\u200d"
    ):
        index -= 1  # it belongs to the character before it: cut before that one
    if _is_regional(text[index]):
        start = index
        while start > 0 and _is_regional(text[start - 1]):
            start -= 1
        if (index - start) % 2:
            index -= 1  # the second half of a flag: cut before its first half
    return index


def _is_regional(char: str) -> bool:
    return "\U0001f1e6" <= char <= "\U0001f1ff"


def outlet_name(feed_title: str | None) -> str:
    """The outlet part of a feed title, for narrow columns: ``BBC News - World`` -> ``BBC News``.

    Feed titles usually name the outlet first and the section after a separator
    ("NYT > World News", "Reuters | Business"). The headline list already shows
    the section, so a column a dozen cells wide is better spent on the outlet.
    A title with no separator, or whose first part would be under three
    characters, is returned whole (cleaned); a title that is a web address (a
    feed that has none of its own) gives its host.
    """
    title = clean_line(feed_title)
    if title.startswith(("http://", "https://")):
        # A feed without a title of its own is titled by its address: in a column a
        # dozen cells wide every such feed read "https://exam…". Its site's host
        # says which it is (two of one host in a section keep their whole titles).
        host = _url_host(title)
        if host:
            return host
    cut = min((i for sep in _OUTLET_SEPARATORS if (i := title.find(sep)) >= 3), default=-1)
    return title[:cut].rstrip() if cut > 0 else title


def _url_host(url: str) -> str:
    """The host (and port) of an http(s) URL, without "www." or user info; "" if none."""
    rest = url.split("://", 1)[1]
    for end in "/?#":
        rest = rest.split(end, 1)[0]
    host = rest.rsplit("@", 1)[-1].lower()
    return host.removeprefix("www.")


def byline_author(author: str | None, feed_title: str | None) -> str:
    """The author for a byline beside the feed's name, or "" when it only repeats it.

    Blogs and one-person sites name themselves as the author ("DC Rainmaker · By DC
    Rainmaker", and in ``termnews show`` "DC Rainmaker · DC Rainmaker", read as a
    doubled line); a feed titled "Katie Floyd" by Katie Floyd says it once.
    """
    name = clean_line(author)
    if not name:
        return ""
    feed = clean_line(feed_title)
    if name.casefold() in (feed.casefold(), outlet_name(feed).casefold()):
        return ""
    return name


def lines_of_parts(parts: Sequence[str], width: int, sep: str = " · ") -> list[str]:
    """``parts`` joined by ``sep``, broken only between parts to fit ``width`` cells.

    For bylines (outlet · author · date · reading time): wrapped as one text, a
    byline broke inside a part, "... 08:40 · 1 min" on one line and "read" on the
    next (seen by qa18 in ``termnews show`` and the reader). A part wider than the
    line on its own is a line of its own, left to wrap where it must.
    """
    from rich.cells import cell_len

    lines: list[str] = []
    for part in parts:
        joined = f"{lines[-1]}{sep}{part}" if lines else part
        if lines and cell_len(joined) <= width:
            lines[-1] = joined
        else:
            lines.append(part)
    return lines


def fit_cells(text: str, width: int) -> str:
    """``text`` cut (with an ellipsis) or padded to exactly ``width`` terminal cells.

    Why cells and not characters: a CJK or emoji outlet name ("日本語ニュース") takes
    two cells a character, so cutting and padding by ``len`` made its column twice
    as wide as the others and pushed the rows' titles out of line. ASCII, the usual
    case, keeps the cheap string methods (one cell a character). Here, not in the
    reader's widgets, so the CLI's listings line up the same way without Textual.
    The text is cut and padded in :func:`terminal_form`, the form every terminal
    draws at the width Rich measures.
    """
    if text.isascii():
        if len(text) > width:
            text = text[: width - 1].rstrip() + "…"
        return text.ljust(width)
    from rich.cells import cell_len  # only for text that is not ASCII: start-up cost

    text = terminal_form(text)
    if cell_len(text) > width:
        cells = 0
        for end, char in enumerate(text):
            cells += cell_len(char)
            if cells > width - 1:
                text = text[: cluster_start(text, end)].rstrip() + "…"
                break
    return text + " " * max(0, width - cell_len(text))


MAX_HEADLINE_CELLS = 200
"""Cells of a headline shown above an article or its links: two to five lines at the
panes' usual widths. News headlines are under 150 characters; a feed that puts a
whole story (5,000 characters) in its title filled the article pane with it."""


def cap_headline(title: str, limit: int = MAX_HEADLINE_CELLS) -> str:
    """``title`` cut to ``limit`` cells with an ellipsis, at a space if one is near the end."""
    if len(title) <= limit // 2:  # no character takes more than two cells
        return title
    from rich.cells import cell_len

    if cell_len(title) <= limit:
        return title
    cut = fit_cells(title, limit).rstrip()[:-1]  # without fit_cells's own ellipsis
    space = cut.rfind(" ")
    if space > len(cut) * 4 // 5:
        cut = cut[:space]
    return cut.rstrip() + "…"


_CJK_TEXT = re.compile(
    "[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3130-\u318f\u31a0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]"
)
"""Chinese, Japanese and Korean letters and their full-width punctuation."""

NO_LINE_START = frozenset(
    "、。，．：；！？）］｝〕〉》」』】〙〗〟’”｠»"
    "ゝゞーァィゥェォッャュョヮヵヶぁぃぅぇぉっゃゅょゎゕゖㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ々〻"
    '‐゠–〜～・･!%),.:;?]}¢°’"‰′″℃…‥'
)
"""Characters a line never starts with in CJK typesetting (kinsoku shori, JIS X 4051):
closing brackets and quotes, full stops and commas, small kana, the prolonged sound
mark and iteration marks, and their ASCII cousins; and the ellipsis, which Unicode's
line breaking never breaks before (UAX #14, LB22)."""

NO_LINE_END = frozenset("（［｛〔〈《「『【〘〖〝‘“｟«([{$£¥＄￡￥")
"""Characters a line never ends with: opening brackets and quotes."""

_UNSPLIT_PAIRS = frozenset("—…‥")
"""Doubled to one mark ("——", "……"): never split between two lines."""


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds Chinese, Japanese or Korean text (wrapped by
    :func:`cjk_line_spans` rather than at spaces alone)."""
    return not text.isascii() and _CJK_TEXT.search(text) is not None


def cjk_line_spans(text: str, width: int) -> list[tuple[int, int]]:
    """Where to cut ``text`` (one paragraph, no newlines) into lines of ``width`` cells.

    Each line is ``text[start:end]``; the spaces a line is broken at are left out.
    Why not Textual's wrap: it breaks CJK text at any character, so a line could
    start with "。" or "」" or end with "「", which CJK typesetting never allows
    (kinsoku), and it cut Latin words and numbers inside Chinese text ("Deep|Mind",
    "2|016") even where they fitted on the next line. Here a line may break between
    two CJK characters, between a CJK character and a Latin word, and at spaces;
    never inside a Latin word or number, never before a closing mark
    (:data:`NO_LINE_START`), never after an opening one (:data:`NO_LINE_END`). A
    closing mark that does not fit pushes the character before it to the next line
    with it (oidashi); only a run with no break in it wider than the line (a URL) is
    cut by cells.
    """
    from rich.cells import cell_len  # the measure Textual lays lines out with

    width = max(1, width)
    pieces = _unbreakable_pieces(text)
    spans: list[tuple[int, int]] = []
    start = end = -1
    used = 0
    for begin, stop, is_space in pieces:
        if is_space:
            if start >= 0:
                used_space = cell_len(text[begin:stop])
                if used + used_space > width:
                    spans.append((start, end))
                    start = end = -1
                    used = 0
                else:
                    end, used = stop, used + used_space
            continue
        size = cell_len(text[begin:stop])
        if start >= 0 and used + size <= width:
            end, used = stop, used + size
            continue
        if start >= 0:
            spans.append((start, _rstrip_spaces(text, start, end)))
        while size > width:  # one run wider than the line: cut it by cells
            cut, cells = begin, 0
            while cut < stop and cells + cell_len(text[cut]) <= width:
                cells += cell_len(text[cut])
                cut += 1
            while cut - 1 > begin and (text[cut] in NO_LINE_START or text[cut - 1] in NO_LINE_END):
                cut -= 1  # even cut by cells, a line keeps its closing mark ("（NASA）")
            cut = max(cut, begin + 1)
            spans.append((begin, cut))
            begin = cut
            size = cell_len(text[begin:stop])
        start, end, used = begin, stop, size
    if start >= 0:
        spans.append((start, _rstrip_spaces(text, start, end)))
    return spans or [(0, 0)]


def _rstrip_spaces(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace() and text[end - 1] != "\u00a0":
        end -= 1
    return end


def _unbreakable_pieces(text: str) -> list[tuple[int, int, bool]]:
    """``text`` as (start, end, is_space) runs, no line break allowed inside a run."""
    pieces: list[tuple[int, int, bool]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i < len(text) and not _break_between(text[i - 1], text[i]):
            continue
        piece = text[start:i]
        pieces.append((start, i, piece.isspace() and "\u00a0" not in piece))
        start = i
    return pieces


def _break_between(before: str, after: str) -> bool:
    """Whether a line may break between two neighbouring characters."""
    space_before = before.isspace() and before != "\u00a0"
    space_after = after.isspace() and after != "\u00a0"
    if space_before or space_after:
        return not (space_before and space_after)  # a run of spaces is one piece
    if after in NO_LINE_START or before in NO_LINE_END:
        return False
    if unicodedata.category(after).startswith("M"):
        return False  # a mark belongs to the letter before it
    if before == after and after in _UNSPLIT_PAIRS:
        return False
    return _CJK_TEXT.match(before) is not None or _CJK_TEXT.match(after) is not None
