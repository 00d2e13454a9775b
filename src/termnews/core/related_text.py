"""Text features for related stories: terms, weights, signatures, duplicate keys.

Why a signature and not the whole text: a related-stories query must answer in
a few milliseconds over 100,000 articles, and grouping must run at ingest for
every new article. So each article is reduced once, when it arrives, to its
``SIGNATURE_TERMS`` heaviest terms (TF-IDF with a few news-specific touches),
stored as a small binary blob. Similarity between two articles is the cosine of
their signatures: symmetric, cheap (two small dicts), and it needs no document
frequencies at query time.

The weighting is generic, not tuned to any test set:

* only the **lead** of an article is read (title, then the first
  ``LEAD_CHARS`` of its text): news is written as an inverted pyramid, and
  reading less keeps ingest cheap;
* a standard **stop-word** list and a conservative plural stemmer (Harman's
  "S" stemmer), so "rebels"/"rebel" match without the surprises of Porter;
* **sublinear tf** (1 + ln tf), title words counted as ``TITLE_WEIGHT`` extra
  occurrences (the headline names the event);
* **idf** from the cache's own document frequencies (the user's cache is the
  corpus), ln((N + 1) / df);
* words mostly **capitalised** in running text (names of people, places,
  organisations) weigh ``ENTITY_BOOST`` times more: events are told apart by
  who and where, topics by what.

Terms are identified by a CRC-32 of their stem; with a few hundred thousand
distinct terms a collision is rare and only blurs one term's statistics.
"""

from __future__ import annotations

import hashlib
import math
import re
import struct
import zlib
from array import array
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain, repeat
from operator import attrgetter, itemgetter, mul
from typing import cast

from termnews.core.models import UNTITLED, EntryData

LEAD_CHARS = 1500
"""How much of an article's text (after the title) is read."""
TITLE_WEIGHT = 2.0
"""A title word counts as this many extra occurrences."""
ENTITY_BOOST = 1.5
"""Weight factor for words mostly capitalised in running text (names)."""
SIGNATURE_TERMS = 64
"""Terms kept per article: enough for topic overlap, few enough to stay small."""
_WEIGHT_SCALE = 65535
"""Signature weights (unit vector components, 0..1) are stored as uint16."""
_STORE_SCALE = float(_WEIGHT_SCALE - 1)
STORED_UNIT = _WEIGHT_SCALE * _WEIGHT_SCALE
"""The sum of products of two signatures' stored weights that is a cosine of 1."""

_STOP_TEXT = """
    a about above across after afterwards again against all almost alone along already also
    although always am among amongst an and another any anyhow anyone anything anyway anywhere
    are aren around as at back be became because become becomes becoming been before beforehand
    behind being below beside besides between beyond both but by can cannot could couldn did
    didn do does doesn doing don done down during each eg either else elsewhere enough etc even
    ever every everyone everything everywhere except few for former formerly from further had
    hadn has hasn have haven having he hence her here hereafter hereby herein hers herself him
    himself his how however ie if in inc indeed into is isn it its itself just last latter
    latterly least less ll ltd made many may me meanwhile might mine more moreover most mostly
    much must my myself namely neither never nevertheless next no nobody none noone nor not
    nothing now nowhere of off often on once one only onto or other others otherwise our ours
    ourselves out over own per perhaps please rather re same say said says saying see seem
    seemed seeming seems several she should shouldn since so some somehow someone something
    sometime sometimes somewhere still such than that the their theirs them themselves then
    thence there thereafter thereby therefore therein thereupon these they this those though
    through throughout thru thus to together too toward towards under until up upon us ve very
    via was wasn we well were weren what whatever when whence whenever where whereafter whereas
    whereby wherein whereupon wherever whether which while whither who whoever whole whom whose
    why will with within without won would wouldn yet you your yours yourself yourselves
    told tell tells according also mr mrs ms dr just like get got go going make makes new
    news year years day days time week weeks month months today yesterday tomorrow monday
    tuesday wednesday thursday friday saturday sunday ago s t d m
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())
"""Function words and news boilerplate that say nothing about what a story is."""

_WORD = re.compile(r"\w+")
_NON_WORD_ASCII = bytes(c if chr(c).isalnum() or c == 0x5F else 0x20 for c in range(128)) + bytes(
    range(128, 256)
)
"""A ``bytes.translate`` table: ASCII characters ``\\w`` does not match become spaces."""
_LOWER_NON_WORD_ASCII = bytes(
    ord(chr(c).lower()) if chr(c).isalnum() or c == 0x5F else 0x20 for c in range(128)
) + bytes(range(128, 256))
""":data:`_NON_WORD_ASCII` that also lower-cases ASCII letters."""
_ASCII = bytes(range(128))
"""Every ASCII byte (to delete them with ``bytes.translate``)."""
_NON_WORD_PUNCTUATION = ("\u2014", "\u201c", "\u201d", "\u2019", "\u2018", "\u2013", "\u2026")
"""The non-ASCII punctuation common in news text (dashes, curly quotes, ellipsis)."""


def _words(text: str) -> list[str]:
    """``_WORD.findall(text)``, about 1.6x faster on an article's lead.

    Why: finding the words of the lead was a quarter of :func:`doc_terms`. Here
    the non-word ASCII characters and common punctuation become spaces (one
    ``bytes.translate`` over the UTF-8, which leaves multi-byte characters
    alone) and ``str.split`` cuts at them. If what is left holds only word
    characters (``\\w`` is ``str.isalnum`` or ``_``), every other character was a
    space or made one, so the pieces are exactly the regex's matches; otherwise
    (another non-word character, a lone surrogate) the regex is used.
    """
    if not text.isascii():
        for mark in _NON_WORD_PUNCTUATION:
            if mark in text:
                text = text.replace(mark, " ")
    try:
        encoded = text.encode("utf-8").translate(_NON_WORD_ASCII)
        spaced = encoded.decode("utf-8")
    except UnicodeError:
        return _WORD.findall(text)
    words = spaced.split()
    if spaced.isascii():
        # (Constant time.) Only ASCII word characters and spaces are left: no check.
        return words
    # Only the non-ASCII characters can be non-word ones: deleting the ASCII bytes
    # leaves those (whole UTF-8 sequences, a few per lead), cheaper to check than all
    # the words. A non-ASCII space fails this check and takes the one below.
    if encoded.translate(None, _ASCII).decode("utf-8").isalnum():
        return words
    joined = "".join(words)
    if not joined or joined.isalnum() or joined.replace("_", "").isalnum():
        return words
    return _WORD.findall(text)


def _lower_words(text: str) -> list[str]:
    """``_words(text.lower())``, without lower-casing the whole text first (see
    :func:`_lower_spaced`)."""
    spaced = _lower_spaced(text)
    return _words(text.lower()) if spaced is None else spaced.decode("utf-8").split()


def _lower_spaced(text: str) -> bytes | None:
    """``text`` lower-cased as UTF-8 with every non-word character a space, or None.

    Its ``split()`` gives the words of :func:`_lower_words`, as bytes: the
    parse workers count those (:func:`_counted`), which saves decoding the lead
    and a ``str`` per word (``bytes.split`` is a quarter cheaper than
    ``str.split`` on text with accents).

    Why not ``text.lower()``: the lower-case copy of a lead cost a sixth of
    finding its words. The translation table of :func:`_words` lower-cases the
    ASCII letters as it spaces the other characters; that is all ``str.lower``
    does when no non-ASCII character changes case (checked on the few non-ASCII
    characters, which :func:`_words` has to pick out anyway). Lower-casing is
    per character but for one, a final sigma, and a capital sigma changes case,
    so that check covers it too. Text with a lone surrogate, a sigma or a
    character whose lower case is not one word character gives None: such text
    is lower-cased and goes to :func:`_words`.
    """
    if not text.isascii():
        for mark in _NON_WORD_PUNCTUATION:
            if mark in text:
                text = text.replace(mark, " ")
    try:
        encoded = text.encode("utf-8").translate(_LOWER_NON_WORD_ASCII)
    except UnicodeError:
        return None
    others = encoded.translate(None, _ASCII)
    if not others:
        return encoded
    chars = others.decode("utf-8")
    if chars.isalnum() and chars.lower() == chars:
        return encoded
    # A few leads in six (200 x 50 corpus) hold a non-ASCII capital ("Ó") or a
    # symbol ("★"): each distinct one is lowered or made a space in the bytes (a
    # UTF-8 sequence never starts inside another), as ``str.lower`` and ``\w+``
    # would, unless its lower case is not one word character of its own.
    for char in set(chars):
        if not char.isalnum():
            encoded = encoded.replace(char.encode("utf-8"), b" ")
            continue
        lower = char.lower()
        if lower != char:
            if char == "\u03a3" or len(lower) != 1 or not lower.isalnum() or lower.lower() != lower:
                return None  # a sigma's case depends on what follows
            encoded = encoded.replace(char.encode("utf-8"), lower.encode("utf-8"))
    return encoded


_CAPITALISED = re.compile(r"[A-ZÀ-ÖØ-Þ]\w*")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_URL = re.compile(r"(?:https?://|www\.)\S+")

_TERM_CACHE_LIMIT = 400_000
_TF_CACHE_LIMIT = 4096


class _TermMemo(dict[str, int]):
    """Lower-case word -> term id (0 for a stop word), computed on first lookup.

    A dict whose misses fill themselves, so that ``map(memo.__getitem__, words)``
    turns a whole article's words into term ids inside C: a lookup that hits
    (nearly all of them) runs no Python code at all.

    It also notes which term ids more than one word has given (``shared``: a
    plural and its singular), so that :func:`_counted` knows when a term's count
    is one word's count; ``generation`` changes whenever the memo is emptied
    (the notes start again then).
    """

    def __init__(self) -> None:
        super().__init__()
        self.encoded = _EncodedTermMemo(self)
        """The same words as UTF-8 bytes (emptied with this memo)."""
        self.ids: set[int] = set()
        """The term ids memoised (the memo's values but 0; each miss is a new word)."""
        self.shared: set[int] = set()
        """Term ids memoised for more than one word."""
        self.generation = 0
        """How many times the memo was emptied."""

    def __missing__(self, token: str) -> int:
        if token in STOP_WORDS or len(token) < 2 or (token.isdigit() and len(token) < 3):
            h = 0
        else:
            h = term_hash(s_stem(token.replace("_", "")))
            if h in self.ids:
                self.shared.add(h)
            else:
                self.ids.add(h)
        if len(self) >= _TERM_CACHE_LIMIT:
            self.empty()
            if h:
                self.ids.add(h)
        self[token] = h
        return h

    def empty(self) -> None:
        """Forget every word (a memo of bounded size), and the notes on them."""
        self.clear()
        self.encoded.clear()
        self.ids = set()
        self.shared = set()
        self.generation += 1


class _EncodedTermMemo(dict[bytes, int]):
    """:class:`_TermMemo` for words given as UTF-8 bytes (the words of :func:`_lower_spaced`).

    A miss asks the word memo, so its notes (``ids``, ``shared``) see every word;
    the word memo empties this one whenever it is emptied itself, so no word is
    looked up here that the notes have forgotten. It holds at most as many words
    as the word memo.
    """

    def __init__(self, words: _TermMemo) -> None:
        super().__init__()
        self._words = words

    def __missing__(self, word: bytes) -> int:
        h = self._words[word.decode("utf-8")]  # (this memo is emptied if that one was)
        self[word] = h
        return h


_term_cache = _TermMemo()


class _TfMemo(dict[float, float]):
    """Count -> sublinear tf, 1 + ln(count), computed on first lookup.

    Why: an article's counts are a few small numbers (whole ones, plus
    ``TITLE_WEIGHT`` for title words), met again in every article, and looking
    one up cost less than the logarithm and the addition, each a call in C on a
    new float (a tenth of :func:`_counted`). ``3`` and ``3.0`` are one key, and
    ``math.log`` gives them the same value. Counts are bounded by the words of a
    lead and a title, so this stays small (a bound is kept all the same).
    """

    def __missing__(self, count: float) -> float:
        if len(self) >= _TF_CACHE_LIMIT:  # a hostile title of many words sharing a term
            self.clear()
        tf = self[count] = 1.0 + math.log(count)
        return tf


_tf = _TfMemo()


def s_stem(word: str) -> str:
    """Harman's "S" stemmer: fold English plurals and nothing else."""
    if len(word) > 3 and word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if len(word) > 2 and word.endswith("s") and not word.endswith(("us", "ss", "is")):
        return word[:-1]
    return word


def term_hash(stem: str) -> int:
    """The stable id of a term (CRC-32 of its stem)."""
    return zlib.crc32(stem.encode("utf-8", "replace"))


def _term_of(token: str) -> int:
    """The term id of a lower-case word, 0 for a stop word (memoised)."""
    return _term_cache[token]


def lead_text(summary: str, content: str) -> str:
    """The part of an article read for relatedness: its text, without link targets."""
    body = content if len(content) >= len(summary) else summary
    if len(body) > LEAD_CHARS:
        cut = body.rfind(" ", 0, LEAD_CHARS)
        body = body[: cut if cut > LEAD_CHARS // 2 else LEAD_CHARS]
    # Each two- or three-character search is guarded by a one-character one, which
    # is several times cheaper (``memchr``) and on most leads finds nothing.
    if "]" in body and "](" in body:
        body = _MD_LINK_TARGET.sub("] ", _MD_IMAGE.sub(" ", body))
    if ("/" in body and "://" in body) or "www." in body:
        body = _URL.sub(" ", body)
    return body


@dataclass(frozen=True, slots=True)
class DocTerms:
    """An article's terms before idf (sublinear tf times the entity boost) and its dup key."""

    terms: Sequence[int]
    """Term ids, in order of first use."""
    tf: Sequence[float]
    """Each term's weight before idf, aligned with ``terms``."""
    dup_key: int
    """Hash of the normalised title and lead: equal keys mean the same article."""

    @property
    def weights(self) -> dict[int, float]:
        """Term id -> weight before idf."""
        return dict(zip(self.terms, self.tf, strict=True))


def doc_terms(title: str, body: str) -> DocTerms:
    """Count an article's terms (``body`` as returned by :func:`lead_text`)."""
    terms, tf, dup_key = _counted(title, body)
    return DocTerms(array("I", terms), array("d", tf), dup_key)


def _counted(title: str, body: str) -> tuple[list[int], list[float], int]:
    """:func:`doc_terms` as term ids and their weights before idf, in order, and the dup key.

    The parse workers encode these straight to bytes (:func:`entry_terms`), with
    no :class:`DocTerms` in between.

    This runs for every new article (in the parse worker processes during a
    refresh), so it is written for speed: the regular expressions, the memo
    lookups (:class:`_TermMemo`) and the counters run in C; the only Python
    loops are over the title's distinct words and the capitalised ones.

    Terms come in order of first use in the body (counting the term ids of the
    word stream keeps that order), then title-only terms.

    The weights are a list aligned with the terms, not a dict: a dict of ~60
    terms cost twice what the list does (6.9 against 3.3 us an article), and
    only the few names need finding again, to be boosted.
    """
    if title == UNTITLED:
        title = ""  # a placeholder, not words of the article's (see UNTITLED)
    spaced = _lower_spaced(body)
    title_tokens = _lower_words(title)
    cache = _term_cache
    generation = cache.generation
    # Term-id counts of the word stream, in order of first use, counted in C: one
    # memo lookup per word (each a C-level dict hit but for a word's first use).
    # The words are bytes but in the rare text :func:`_lower_spaced` leaves to
    # :func:`_words`; ``stream`` is them joined by spaces, as UTF-8.
    body_tokens: list[str] | list[bytes]
    if spaced is None:
        body_tokens = _words(body.lower())
        counts = cast("dict[int, float]", Counter(map(cache.__getitem__, body_tokens)))
        stream = " ".join(body_tokens).encode("utf-8", "replace")
    else:
        body_tokens = spaced.split()
        counts = cast("dict[int, float]", Counter(map(cache.encoded.__getitem__, body_tokens)))
        stream = b" ".join(body_tokens)
    counts.pop(0, None)  # the stop words
    titled: dict[int, float] = {}
    for token in set(title_tokens):
        h = cache[token]
        if h:
            counts[h] = counts.get(h, 0) + TITLE_WEIGHT
            titled[h] = titled.get(h, 0) + TITLE_WEIGHT
    # A term's body count is its word's count unless several words give the term (a
    # plural and its singular: the memo notes those) or the memo was emptied while
    # this article was counted (its notes then miss the words before): only then is
    # the word counted on its own, in C (~1 such word an article in real news).
    shared = cache.shared if cache.generation == generation else None
    # Capitalised in most of its running-text uses: a name (title case says nothing).
    # (Lower-casing each match alone is the same as lower-casing them joined by spaces:
    # a space ends the context of a final sigma, and no lower case letter is a space.)
    names: list[int] = []
    for token, n in Counter(map(str.lower, _CAPITALISED.findall(body))).items():
        # (A capital inside a word, as in "iPhone", finds a word the body does not count:
        # its term is looked up all the same, so that the weights do not depend on
        # what the memo holds, that is on which articles this process counted before.)
        h = cache[token]
        if h and h in counts:
            twice = n * 2
            if twice > counts[h] - titled.get(h, 0) or (
                (shared is None or h in shared) and twice > _occurrences(body_tokens, token)
            ):
                names.append(h)
    terms = list(counts)
    weights = list(map(_tf.__getitem__, counts.values()))
    # Boosted once per word that passed (two capitalised words can give one term, a
    # plural and its singular: boosted twice, as when the weights were a dict).
    for h in names:
        weights[terms.index(h)] *= ENTITY_BOOST
    # The hash of the title's and the body's words joined by spaces, fed in pieces
    # (the same digest as of the whole).
    digest = hashlib.blake2b(" ".join(title_tokens).encode("utf-8", "replace"), digest_size=8)
    digest.update(b" ")
    digest.update(stream)
    return terms, weights, int.from_bytes(digest.digest(), "big") >> 1


def _occurrences(words: list[str] | list[bytes], word: str) -> int:
    """How often ``word`` is in ``words`` (bytes words: as UTF-8)."""
    if words and isinstance(words[0], bytes):
        return words.count(word.encode("utf-8"))
    return words.count(word)  # type: ignore[arg-type]


def encode_terms(terms: DocTerms) -> bytes:
    """``terms`` as bytes, to travel from a parse worker process (see :func:`decode_terms`)."""
    return _packed(terms.dup_key, terms.terms, terms.tf)


def _encoded(title: str, body: str) -> bytes:
    """``encode_terms(doc_terms(title, body))``, without building the :class:`DocTerms`."""
    terms, tf, dup_key = _counted(title, body)
    return _packed(dup_key, terms, tf)


def _packed(dup_key: int, terms: Collection[int], tf: Collection[float]) -> bytes:
    """The wire form :func:`decode_terms` reads: dup key, term ids, weights.

    One ``struct.pack`` in native order and standard sizes (the bytes of the
    ``array("I")`` and ``array("d")`` that :func:`decode_terms` reads): building
    the two arrays from iterators cost 1.5x as much (4.3 -> 2.8 us an article).
    """
    return dup_key.to_bytes(8, "little") + struct.pack(f"={len(terms)}I{len(tf)}d", *terms, *tf)


def decode_terms(blob: bytes) -> DocTerms:
    """The inverse of :func:`encode_terms`."""
    n = (len(blob) - 8) // 12
    ids = array("I")
    ids.frombytes(blob[8 : 8 + 4 * n])
    tf = array("d")
    tf.frombytes(blob[8 + 4 * n :])
    return DocTerms(ids, tf, int.from_bytes(blob[:8], "little"))


def entry_terms(entries: Iterable[EntryData], since: datetime | None = None) -> tuple[bytes, ...]:
    """Each entry's encoded :func:`doc_terms`, computed where the feed was parsed.

    The parse worker has the text in hand and a core of its own; the writer
    then only weighs the counts (idf needs the cache's statistics). With
    ``since``, only entries dated after it (or undated) are counted, the
    others get ``b""``: a feed fetched before mostly repeats entries already
    cached, and counting those would be wasted.
    """
    return tuple(
        _encoded(e.title, lead_text(e.summary, e.content))
        if since is None or _newer(e, since)
        else b""
        for e in entries
    )


def _newer(entry: EntryData, since: datetime) -> bool:
    when = entry.published or entry.updated
    return when is None or when > since


def surface_forms(title: str, body: str) -> dict[int, str]:
    """Term id -> one lower-case word that produces it (to build full-text queries)."""
    forms: dict[int, str] = {}
    for token in set(_WORD.findall(title.lower())) | set(_WORD.findall(body.lower())):
        h = _term_of(token)
        if h and "_" not in token and (h not in forms or len(token) < len(forms[h])):
            forms[h] = token
    return forms


def idf_table(df: Mapping[int, int], n_docs: int) -> dict[int, float]:
    """Inverse document frequency of each term, ln((N + 1) / df); 0 for a term in every article."""
    log = math.log
    log_n = log(n_docs + 1)
    return {h: max(0.0, log_n - log(f or 1)) for h, f in df.items()}


def signature(terms: DocTerms, idf: Mapping[int, float], unseen: float) -> dict[int, float]:
    """The article's heaviest terms as a unit vector (term id -> weight), heaviest first.

    A term missing from ``idf`` weighs ``unseen`` (the idf of a term in one article).
    """
    ids, scores, scale = _heaviest(terms, idf, unseen)
    return dict(zip(ids, map(mul, scores, repeat(scale)), strict=True))


def weigh(
    terms: DocTerms, idf: Mapping[int, float], unseen: float
) -> tuple[tuple[int, ...], bytes]:
    """The :func:`signature`'s term ids (heaviest first) and its :func:`pack` form.

    One ``struct.pack`` of ids and quantised weights: building two arrays from
    iterators converted each item through the array's argument parser. The
    weights are quantised as :func:`pack` does, the same operations in the same
    order (so the same bits), in one comprehension: cheaper than four chained
    ``map`` calls.
    """
    ids, scores, scale = _heaviest(terms, idf, unseen)
    n = len(ids)
    stored = [int(score * scale * _STORE_SCALE + 1.5) for score in scores]
    return ids, struct.pack(f"={n}I{n}H", *ids, *stored)


def _heaviest(
    terms: DocTerms, idf: Mapping[int, float], unseen: float
) -> tuple[tuple[int, ...], tuple[float, ...], float]:
    """The ``SIGNATURE_TERMS`` heaviest terms and their scores, heaviest first, and the
    scale that makes those scores a unit vector.

    Run for every new article, so each step is one C-level call (``map``,
    ``sorted`` with a key, ``itemgetter``, ``hypot``) rather than a Python loop.
    The positions are sorted by score, not (score, id) pairs: no tuple per
    term, and the same order, since the sort is stable (equal scores keep the
    order of first use) with ``reverse`` as well.
    """
    ids = terms.terms
    scores = list(map(mul, terms.tf, map(idf.get, ids, repeat(unseen))))
    order = sorted(range(len(scores)), key=scores.__getitem__, reverse=True)
    del order[SIGNATURE_TERMS:]
    # Scores are never negative; a term in every article weighs 0 and is left out.
    while order and scores[order[-1]] <= 0:
        order.pop()
    if len(order) < 2:
        if not order:
            return (), (), 1.0
        score = scores[order[0]]
        return (ids[order[0]],), (score,), 1.0 / (math.hypot(score) or 1.0)
    pick = itemgetter(*order)
    top = pick(scores)
    return pick(ids), top, 1.0 / (math.hypot(*top) or 1.0)


def pack(sig: Mapping[int, float]) -> bytes:
    """A signature as bytes: uint32 term ids then uint16 weights, in the given order.

    A weight w (0..1] is stored as round(w * 65534) + 1, so no term is ever stored
    as weighing nothing; :func:`unpack` reads it back as stored / 65535.
    """
    ws = array("H", [int(w * _STORE_SCALE + 1.5) for w in sig.values()])
    return array("I", sig.keys()).tobytes() + ws.tobytes()


def term_ids(blob: bytes) -> array[int]:
    """Only the term ids of a packed signature (cheaper than :func:`unpack`)."""
    ids = array("I")
    ids.frombytes(blob[: 4 * (len(blob) // 6)])
    return ids


def unpack(blob: bytes) -> dict[int, float]:
    """The inverse of :func:`pack` (weights back to 0..1 floats)."""
    n = len(blob) // 6
    ids = array("I")
    ids.frombytes(blob[: 4 * n])
    ws = array("H")
    ws.frombytes(blob[4 * n : 6 * n])
    return dict(zip(ids, map(mul, ws, repeat(1.0 / _WEIGHT_SCALE)), strict=True))


def cosine(a: Mapping[int, float], b: Mapping[int, float]) -> float:
    """Cosine of two unit-vector signatures."""
    return sum([a[h] * b[h] for h in a.keys() & b.keys()])


def cosine_packed(a: Mapping[int, float], blob: bytes) -> float:
    """:func:`cosine` of a signature and a packed one, without unpacking it into a dict."""
    n = len(blob) // 6
    ids = array("I")
    ids.frombytes(blob[: 4 * n])
    ws = array("H")
    ws.frombytes(blob[4 * n : 6 * n])
    return float(sum(map(mul, map(a.get, ids, repeat(0.0)), ws))) / _WEIGHT_SCALE


def stored_weights(ids: Iterable[int], blob: bytes) -> dict[int, int]:
    """A packed signature (its term ids given) as term id -> weight as stored (uint16)."""
    n = len(blob) // 6
    return dict(zip(ids, memoryview(blob)[4 * n : 6 * n].cast("H"), strict=True))


def cosine_stored(stored: Mapping[int, int], blob: bytes) -> float:
    """:func:`cosine_packed` of a signature given by :func:`stored_weights` and a packed one.

    Why: grouping scores each new article against its candidates (~2 cosines an
    article, at most ``GROUP_CANDIDATES``). Here the products are of the stored
    integers, summed exactly (``sum`` adds ints in C without a float per term),
    the packed side is read through a ``memoryview`` (no arrays copied), and the
    new article needs no :func:`unpack` to floats. The result is the exact cosine
    of the stored weights, where :func:`cosine_packed` rounds at every step; the
    two agree to the last few bits.
    """
    n = len(blob) // 6
    view = memoryview(blob)
    ids, weights = view[: 4 * n].cast("I"), view[4 * n : 6 * n].cast("H")
    total: int = sum(map(mul, map(stored.get, ids, repeat(0)), weights))
    return total / STORED_UNIT


def batch_document_frequencies(docs: Iterable[DocTerms]) -> Counter[int]:
    """How many of ``docs`` contain each term."""
    # One count over every article's terms (in C), not one Counter.update per article.
    return Counter(chain.from_iterable(map(attrgetter("terms"), docs)))
