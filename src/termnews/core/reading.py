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
_WORD = re.compile(r"[^\W\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def reading_time_minutes(markdown: str) -> int:
    """Minutes to read ``markdown`` at ~230 words a minute (at least 1).

    Link and image targets are not words. Chinese, Japanese and Korean text has
    no spaces between words, so its characters count at ~500 a minute.
    """
    if not markdown:
        return 1
    text = _MD_LINK_TARGET.sub("]", markdown)
    words = len(_WORD.findall(text))
    cjk = len(_CJK.findall(text))
    minutes = words / WORDS_PER_MINUTE + cjk / _CJK_CHARS_PER_MINUTE
    return max(1, math.floor(minutes + 0.5))
