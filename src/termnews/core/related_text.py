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
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

LEAD_CHARS = 3000
"""How much of an article's text (after the title) is read."""
TITLE_WEIGHT = 2.0
"""A title word counts as this many extra occurrences."""
ENTITY_BOOST = 1.5
"""Weight factor for words mostly capitalised in running text (names)."""
SIGNATURE_TERMS = 48
"""Terms kept per article: enough for topic overlap, few enough to stay small."""
_WEIGHT_SCALE = 65535
"""Signature weights (unit vector components, 0..1) are stored as uint16."""

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

_WORD = re.compile(r"[^\W_]+")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_URL = re.compile(r"(?:https?://|www\.)\S+")

_TokenInfo = tuple[int, bool, str]
_token_cache: dict[str, _TokenInfo] = {}
_TOKEN_CACHE_LIMIT = 400_000


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


def _token_info(token: str) -> _TokenInfo:
    """(term id or 0 for a stop word, capitalised?, lower-case form), memoised."""
    info = _token_cache.get(token)
    if info is None:
        low = token.lower()
        if low in STOP_WORDS or len(low) < 2 or (low.isdigit() and len(low) < 3):
            info = (0, False, low)
        else:
            info = (term_hash(s_stem(low)), token[0].isupper(), low)
        if len(_token_cache) >= _TOKEN_CACHE_LIMIT:
            _token_cache.clear()
        _token_cache[token] = info
    return info


def lead_text(summary: str, content: str) -> str:
    """The part of an article read for relatedness: its text, without link targets."""
    body = content if len(content) >= len(summary) else summary
    if len(body) > LEAD_CHARS:
        cut = body.rfind(" ", 0, LEAD_CHARS)
        body = body[: cut if cut > LEAD_CHARS // 2 else LEAD_CHARS]
    if "](" in body:
        body = _MD_LINK_TARGET.sub("] ", _MD_IMAGE.sub(" ", body))
    if "://" in body or "www." in body:
        body = _URL.sub(" ", body)
    return body


@dataclass(frozen=True, slots=True)
class DocTerms:
    """An article's terms before idf (sublinear tf times the entity boost) and its dup key."""

    weights: dict[int, float]
    dup_key: int
    """Hash of the normalised title and lead: equal keys mean the same article."""


def doc_terms(title: str, body: str) -> DocTerms:
    """Count an article's terms (``body`` as returned by :func:`lead_text`)."""
    body_tokens = _WORD.findall(body)
    title_tokens = _WORD.findall(title)
    counts: dict[int, float] = {}
    capitals: dict[int, int] = {}
    for token, n in Counter(body_tokens).items():
        h, cap, _ = _token_info(token)
        if h:
            counts[h] = counts.get(h, 0) + n
            if cap:
                capitals[h] = capitals.get(h, 0) + n
    weights: dict[int, float] = {}
    for h, seen in counts.items():
        caps = capitals.get(h, 0)
        # Capitalised in most of its running-text uses: a name. (Title case says nothing.)
        weights[h] = ENTITY_BOOST if caps * 2 > seen else 1.0
    for token in set(title_tokens):
        h = _token_info(token)[0]
        if h:
            counts[h] = counts.get(h, 0) + TITLE_WEIGHT
            weights.setdefault(h, 1.0)
    for h, boost in weights.items():
        weights[h] = boost * (1.0 + math.log(counts[h]))
    words = " ".join(title_tokens + body_tokens).lower()
    digest = hashlib.blake2b(words.encode("utf-8", "replace"), digest_size=8).digest()
    return DocTerms(weights, int.from_bytes(digest, "big") >> 1)


def surface_forms(title: str, body: str) -> dict[int, str]:
    """Term id -> one lower-case word that produces it (to build full-text queries)."""
    forms: dict[int, str] = {}
    for token in set(_WORD.findall(title)) | set(_WORD.findall(body)):
        h, _, low = _token_info(token)
        if h and (h not in forms or len(low) < len(forms[h])):
            forms[h] = low
    return forms


def idf(df: int, n_docs: int) -> float:
    """Inverse document frequency; 0 for a term in every article."""
    return max(0.0, math.log((n_docs + 1) / max(df, 1)))


def signature(
    terms: DocTerms, df: Callable[[int], int] | Mapping[int, int], n_docs: int
) -> dict[int, float]:
    """The article's heaviest terms as a unit vector (term id -> weight)."""
    get = df.get if isinstance(df, Mapping) else df
    scored = [(w * idf(get(h) or 1, n_docs), h) for h, w in terms.weights.items()]
    scored.sort(reverse=True)
    top = [(h, w) for w, h in scored[:SIGNATURE_TERMS] if w > 0]
    norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
    return {h: w / norm for h, w in top}


def pack(sig: Mapping[int, float]) -> bytes:
    """A signature as bytes: uint32 term ids then uint16 weights, heaviest first."""
    items = sorted(sig.items(), key=lambda kv: -kv[1])
    ids = array("I", [h for h, _ in items])
    ws = array("H", [max(1, min(_WEIGHT_SCALE, round(w * _WEIGHT_SCALE))) for _, w in items])
    return ids.tobytes() + ws.tobytes()


def unpack(blob: bytes) -> dict[int, float]:
    """The inverse of :func:`pack` (weights back to 0..1 floats)."""
    n = len(blob) // 6
    ids = array("I")
    ids.frombytes(blob[: 4 * n])
    ws = array("H")
    ws.frombytes(blob[4 * n : 6 * n])
    scale = 1.0 / _WEIGHT_SCALE
    return {h: w * scale for h, w in zip(ids, ws, strict=True)}


def cosine(a: Mapping[int, float], b: Mapping[int, float]) -> float:
    """Cosine of two unit-vector signatures."""
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b[h] for h, w in a.items() if h in b)


def batch_document_frequencies(docs: Iterable[DocTerms]) -> Counter[int]:
    """How many of ``docs`` contain each term."""
    counts: Counter[int] = Counter()
    for d in docs:
        counts.update(d.weights.keys())
    return counts
