"""Reading time of an article body, for the byline ("3 min read").

Apart from :mod:`termnews.core.content` (which re-exports it) so the reader's first
screen, which shows a byline, does not import the HTML converter and lxml for it.
"""

from __future__ import annotations

import math
import re

WORDS_PER_MINUTE = 230
_CJK_CHARS_PER_MINUTE = 500

_MD_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_WORD_RUN = re.compile(r"\w+")
"""Runs of word characters. Words are such runs without the CJK characters below,
which count one by one instead. Not one regex with the CJK ranges excluded: that
character class took ~10 ms to compile, in every start-up of the reader (issue 8)."""


def _is_cjk(ch: str) -> bool:
    """Kana, CJK ideographs (with extension A) or Hangul syllables."""
    return (
        "\u3040" <= ch <= "\u30ff"
        or "\u3400" <= ch <= "\u4dbf"
        or "\u4e00" <= ch <= "\u9fff"
        or "\uac00" <= ch <= "\ud7af"
    )


def _words_and_cjk(text: str) -> tuple[int, int]:
    """Words (runs of word characters other than CJK) and CJK characters in ``text``."""
    if text.isascii():
        return len(_WORD_RUN.findall(text)), 0
    words = 0
    for run in _WORD_RUN.findall(text):
        if run.isascii():
            words += 1
            continue
        in_word = False
        for ch in run:
            if _is_cjk(ch):
                in_word = False
            elif not in_word:
                words += 1
                in_word = True
    cjk = sum(1 for ch in text if ch >= "\u3040" and _is_cjk(ch))
    return words, cjk


def reading_time_minutes(markdown: str) -> int:
    """Minutes to read ``markdown`` at ~230 words a minute (at least 1).

    Link and image targets are not words. Chinese, Japanese and Korean text has
    no spaces between words, so its characters count at ~500 a minute.
    """
    if not markdown:
        return 1
    words, cjk = _words_and_cjk(_MD_LINK_TARGET.sub("]", markdown))
    minutes = words / WORDS_PER_MINUTE + cjk / _CJK_CHARS_PER_MINUTE
    return max(1, math.floor(minutes + 0.5))
