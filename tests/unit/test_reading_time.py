"""Reading time: the word and CJK counts without the slow-to-compile character class."""

from __future__ import annotations

import random
import re

from termnews.core.reading import _words_and_cjk, reading_time_minutes

_CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
WORD = re.compile(rf"[^\W{_CJK_RANGES}]+")
CJK = re.compile(rf"[{_CJK_RANGES}]")
"""The definition the counts keep: the regexes reading_time_minutes used before."""

ALPHABET = [
    *"ab c_1 -'.,\n",
    *"éñŁß٣😀",
    *"中文アー한",
    "・",  # katakana middle dot: in the CJK ranges but not a word character
    "゛",
    "\u303f",
    "\u3040",
    "\u30ff",
    "\u3400",
    "\u4dbf",
    "\u4e00",
    "\u9fff",
    "\uac00",
    "\ud7af",
]


def test_counts_match_the_character_class_definition() -> None:
    rng = random.Random(8)
    for _ in range(20_000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40)))
        assert _words_and_cjk(text) == (len(WORD.findall(text)), len(CJK.findall(text))), text


def test_reading_time_of_mixed_text() -> None:
    assert reading_time_minutes("Núñez said " * 460) == 4  # 920 words
    assert reading_time_minutes("東京・大阪" * 500) == 5  # 2,500 CJK characters, no words
    assert reading_time_minutes("[a link](http://x.org/long/path) " * 10) == 1
