"""Term features behind related stories: stemming, stop words, names, signatures."""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections import Counter

import pytest

from termnews.core import related_text
from termnews.core.related_text import (
    ENTITY_BOOST,
    LEAD_CHARS,
    STOP_WORDS,
    TITLE_WEIGHT,
    cosine,
    cosine_packed,
    cosine_stored,
    doc_terms,
    idf_table,
    lead_text,
    pack,
    s_stem,
    signature,
    stored_weights,
    surface_forms,
    term_hash,
    unpack,
)
from termnews.core.related_text import _lower_words as lower_words
from termnews.core.related_text import _tf as tf_memo
from termnews.core.related_text import _words as words


def test_plural_stemmer_folds_plurals_only() -> None:
    assert s_stem("rebels") == "rebel"
    assert s_stem("countries") == "country"
    assert s_stem("boxes") == "boxe" == s_stem("boxe")
    assert s_stem("virus") == "virus"
    assert s_stem("glass") == "glass"
    assert s_stem("running") == "running"


def test_stop_words_and_short_numbers_are_not_terms() -> None:
    weights = doc_terms("The", "the and of 7 42 2008 said").weights
    assert set(weights) == {term_hash("2008")}


def test_names_weigh_more_than_common_words_and_title_words_count() -> None:
    terms = doc_terms(
        "Storm warning",
        "Forecasters in Lisbon warned of a storm. The storm hit Lisbon at night. Lisbon flooded.",
    ).weights
    lisbon, storm, night = term_hash("lisbon"), term_hash("storm"), term_hash("night")
    # "lisbon" 3 times, capitalised: (1 + ln 3) * boost. "storm" twice plus the title.
    assert terms[lisbon] == pytest.approx(ENTITY_BOOST * 2.0986, rel=1e-3)
    assert terms[storm] == pytest.approx(1 + 1.3863, rel=1e-3)
    assert terms[night] == pytest.approx(1.0)
    # A capital inside a word ("iPhone") is seen as a name starting there ("Phone",
    # a cheap regex); a word the body then does not count must not crash the boost.
    weights = doc_terms("x", "The iPhone is new.").weights
    assert set(weights) == {term_hash("iphone")}


def test_terms_come_in_order_of_first_use_with_plurals_merged() -> None:
    terms = doc_terms("Harbour Kanorri", "Rebels took the port. A rebel said ports and rebels")
    rebel, port, took = term_hash("rebel"), term_hash("port"), term_hash("took")
    harbour, kanorri = term_hash("harbour"), term_hash("kanorri")
    # Body terms first, in order of first use; then the title's own terms.
    assert list(terms.terms[:3]) == [rebel, took, port]
    assert set(terms.terms[3:]) == {harbour, kanorri}
    weights = terms.weights
    # "Rebels", "rebel", "rebels": one term counted three times (capitalised once of three).
    assert weights[rebel] == pytest.approx(1 + 1.0986, rel=1e-4)
    assert weights[port] == pytest.approx(1 + 0.6931, rel=1e-4)
    # A title word counts as TITLE_WEIGHT occurrences; it is capitalised nowhere in the body.
    assert weights[harbour] == pytest.approx(1 + 0.6931, rel=1e-4)


def test_lead_text_drops_link_targets_and_keeps_the_start() -> None:
    body = "See [the report](https://ex.example/r?id=1) and ![chart](https://img.example/c.png)."
    lead = lead_text("", body)
    assert "ex.example" not in lead and "img.example" not in lead and "the report" in lead
    long = "word " * 2000
    assert len(lead_text("", long)) <= LEAD_CHARS


def test_duplicate_key_ignores_case_and_punctuation_only() -> None:
    a = doc_terms("Quake hits Qazvin", "At least 40 dead, officials say.")
    b = doc_terms("QUAKE HITS QAZVIN!", "At least 40 dead; officials say")
    c = doc_terms("Quake hits Qazvin", "At least 41 dead, officials say.")
    assert a.dup_key == b.dup_key != c.dup_key


def test_signature_is_a_unit_vector_that_packs_and_unpacks() -> None:
    terms = doc_terms("Qazvin earthquake", "Rescuers in Qazvin searched the rubble of homes.")
    df = dict.fromkeys(terms.weights, 1)
    df[term_hash("home")] = 50
    sig = signature(terms, idf_table(df, 100), 4.6)
    assert sum(w * w for w in sig.values()) == pytest.approx(1.0)
    assert next(iter(sig)) == term_hash("qazvin")  # heaviest first
    assert min(sig, key=sig.__getitem__) == term_hash("home")  # the common word weighs least
    back = unpack(pack(sig))
    assert list(back) == list(sig)
    assert cosine(back, sig) == pytest.approx(1.0, abs=1e-3)
    assert cosine(sig, {}) == 0


def test_surface_forms_give_a_word_for_each_term() -> None:
    forms = surface_forms("Rebels advance", "The rebel army")
    assert forms[term_hash("rebel")] == "rebel"
    assert forms[term_hash("army")] == "army"


_WORD = re.compile(r"\w+")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "— “” …",
        "plain ascii words, with punctuation! and snake_case 42",
        "___ _ a_b",
        "em—dash “curly” l’apostrophe ‘single’ 1–2 and so…",
        "café naïve über ŝtelo 東京 москва ١٢٣ ½ x²",
        "non-word non-ascii: a«b»c a·b a\u00a0b a\u2009b a\u0301b a\u200bb",
        "controls\x00a\x1fb\x7fc\x85d tab\tnew\nline",
        "a lone surrogate \ud800 here",
        "word\U0001f600emoji and 𝐛𝐨𝐥𝐝",
        "only non-ascii letters: éte ΟΔΟΣ 東京",
        "letters then one symbol: éte ΟΔΟΣ 東京 €",
    ],
)
def test_words_are_the_regex_matches(text: str) -> None:
    """The fast tokeniser gives exactly what ``\\w+`` finds, whatever the text holds."""
    assert words(text) == _WORD.findall(text)


def test_words_match_the_regex_on_every_character() -> None:
    """Each code point between two words, and as a word of its own, splits as the regex does."""
    for cp in [*range(0x3000), *range(0x3000, 0x110000, 97)]:
        ch = chr(cp)
        for text in (f"ab{ch}cd", ch, f"{ch}{ch} x"):
            assert words(text) == _WORD.findall(text), hex(cp)


def test_a_capitalised_name_lowers_as_the_body_does() -> None:
    """A final sigma: the capitalised match lower-cases to the word the body counts.

    (A match starts with a Latin capital; the rest may be any word characters.)
    """
    terms = doc_terms("x", "Ο ÉΛΛΑΣ είπε ότι ο ÉΛΛΑΣ ήρθε")
    name = term_hash("éλλας")
    assert math.isclose(terms.weights[name], (1 + math.log(2)) * ENTITY_BOOST)


_CASE_TEXTS = [
    "Plain ASCII Words, With Capitals",
    "Ramírez — ÓLAFUR “Quoted” l’Apostrophe",
    "ΟΔΟΣ ΟΔΟΣ. Σ ΣΑ AΣ'A",  # sigmas: final or not depends on what follows
    "İstanbul and KELVIN \u212a and Ω \u2126",  # lower-case to two characters, or to ASCII
    "ǅemal ǈ ǋ titlecase digraphs",
    "ÀÉÎÕÜ àéîõü ÆØÅ ẞ ß",
    "a lone surrogate \ud800 Here",
    "MIXED_case snake_Case x²",
]


@pytest.mark.parametrize("text", _CASE_TEXTS)
def test_lower_words_are_the_words_of_the_lower_case_text(text: str) -> None:
    assert lower_words(text) == words(text.lower()) == _WORD.findall(text.lower())


def test_lower_words_lower_every_character_as_str_lower_does() -> None:
    """Each code point, beside ASCII letters and as a word of its own, upper or lower case."""
    for cp in [*range(0x3000), *range(0x3000, 0x110000, 97)]:
        ch = chr(cp)
        for text in (f"Ab{ch}Cd", ch, f"{ch}{ch} X", f"é{ch}Σ", f"Σ{ch}"):
            assert lower_words(text) == words(text.lower()), hex(cp)


def test_tf_memo_gives_the_formula_for_whole_and_title_counts() -> None:
    for count in [1, 2, 3, 7, 250, 2.0, 3.0, 4.0, 9.0, 1 + 2.0 + 2.0]:
        assert tf_memo[count] == 1.0 + math.log(count)
    assert tf_memo[3] == tf_memo[3.0]


def _reference_weights(title: str, body: str) -> list[tuple[int, float]]:
    """The term weights as the module describes them, computed the plain way."""

    def term(word: str) -> int:
        if word in STOP_WORDS or len(word) < 2 or (word.isdigit() and len(word) < 3):
            return 0
        return term_hash(s_stem(word.replace("_", "")))

    occurrences = Counter(_WORD.findall(body.lower()))
    counts: dict[int, float] = {}
    for word, n in occurrences.items():
        if h := term(word):
            counts[h] = counts.get(h, 0) + n
    for word in set(_WORD.findall(title.lower())):
        if h := term(word):
            counts[h] = counts.get(h, 0) + TITLE_WEIGHT
    weights = {h: 1.0 + math.log(n) for h, n in counts.items()}
    capitalised = Counter(m.lower() for m in re.findall(r"[A-ZÀ-ÖØ-Þ]\w*", body))
    for word, n in capitalised.items():
        h = term(word)
        if h and h in weights and n * 2 > occurrences.get(word, 0):
            weights[h] *= ENTITY_BOOST
    return list(weights.items())


_VOCABULARY = [
    "rebel",
    "rebels",
    "Rebel",
    "Rebels",
    "REBELS",
    "port",
    "ports",
    "Port",
    "harbour",
    "Harbour",
    "the",
    "The",
    "a",
    "of",
    "said",
    "police",
    "Police",
    "policies",
    "policy",
    "Lisbon",
    "lisbon",
    "storm",
    "storms",
    "Storms",
    "2008",
    "42",
    "x_y",
    "X_Y",
    "é",
    "É",
    "iPhone",
    "iPhones",
    "phone",
    "phones",
    "eBay",
    "bay",
    "Ramírez",
    "ramírez",
    "ÓLAFUR",
    "€",
    "ΟΔΟΣ",  # a sigma: the body's words are then found as str, not as bytes
]


@pytest.mark.parametrize("limit", [400_000, 7])
def test_term_weights_are_the_plain_counts_whatever_the_memo_holds(
    limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plurals and singulars share a term; a capitalised word is a name by its own count.

    The counting reads a term's count for its word's unless the memo saw several
    words give that term; a tiny memo is emptied between and within articles, and
    the weights must not depend on what it holds ("iPhone" finds "phone" whether or
    not an earlier article had the word).
    """
    monkeypatch.setattr(related_text, "_TERM_CACHE_LIMIT", limit)
    related_text._term_cache.empty()
    rng = random.Random(8)
    for _ in range(400):
        body = " ".join(rng.choices(_VOCABULARY, k=rng.randint(1, 40)))
        title = " ".join(rng.choices(_VOCABULARY, k=rng.randint(0, 12)))
        terms = doc_terms(title, body)
        assert list(terms.weights.items()) == _reference_weights(title, body)
        assert terms.dup_key == _reference_dup_key(title, body)
    related_text._term_cache.empty()


def _reference_dup_key(title: str, body: str) -> int:
    """The duplicate key as the module describes it: a hash of the lower-case words."""
    joined = " ".join(_WORD.findall(title.lower())) + " " + " ".join(_WORD.findall(body.lower()))
    digest = hashlib.blake2b(joined.encode("utf-8", "replace"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


@pytest.mark.parametrize("text", _CASE_TEXTS)
def test_lower_spaced_splits_into_the_lower_words_as_utf8(text: str) -> None:
    """The bytes the parse workers count split into :func:`_lower_words`'s words, or are None."""
    spaced = related_text._lower_spaced(text)
    if spaced is not None:
        assert spaced.split() == [w.encode("utf-8") for w in lower_words(text)]
    else:  # only text str.lower must see whole: a sigma, a lone surrogate, ...
        assert any(c in text for c in "\u03a3\ud800\u0130")


def test_the_bytes_word_memo_is_emptied_with_the_word_memo(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A word counted as bytes goes through the word memo, so its notes see every word."""
    monkeypatch.setattr(related_text, "_TERM_CACHE_LIMIT", 2)
    memo = related_text._term_cache
    memo.empty()
    assert memo.encoded[b"rebels"] == term_hash("rebel") == memo["rebels"]
    memo.encoded[b"storm"]
    memo["harbour"]  # the word memo is full: emptied, and the bytes memo with it
    assert len(memo) == 1 and not memo.encoded
    memo.encoded[b"rebel"]
    assert "rebel" in memo and term_hash("rebel") in memo.ids
    memo.empty()


def test_the_cosine_of_stored_weights_is_the_packed_cosine() -> None:
    """Grouping's integer cosine agrees with the float one the queries use."""
    rng = random.Random(3)
    idf = idf_table({}, 1)
    texts = [" ".join(rng.choices(_VOCABULARY, k=30)) for _ in range(30)]
    blobs = [pack(signature(doc_terms("", text), idf, 2.0)) for text in texts]
    for a in blobs:
        ids = list(unpack(a))
        stored = stored_weights(ids, a)
        assert list(stored) == ids
        for b in blobs:
            assert cosine_stored(stored, b) == pytest.approx(cosine_packed(unpack(a), b), abs=1e-12)
        assert cosine_stored(stored, a) == pytest.approx(1.0, abs=1e-3)
