"""The search query language: text typed by a user turned into a typed :class:`Query`.

One small language serves the search bar, ``termnews search``, saved searches and
mute rules::

    climate "sea level" section:World -feed:tabloid is:unread since:2d

* words and ``"quoted phrases"`` must all appear (title, summary or body);
  ``a OR b`` accepts either; ``-word``, ``-"a phrase"`` and ``NOT word`` exclude;
  ``word*`` matches words starting with ``word``; ``title:word`` looks in titles only.
* filters: ``section:``, ``feed:``, ``author:``, ``is:unread|read|starred|muted``,
  ``since:`` and ``before:`` (``30m``, ``3h``, ``2d``, ``1w``, ``today``,
  ``yesterday`` or a date ``2026-01-24``); a leading ``-`` negates any of them.

Why a parser of our own rather than handing the text to FTS5: FTS5's syntax has
operators (``*``, ``^``, ``:``, ``NEAR``, ``AND``/``OR``/``NOT``, parentheses) that a
user types by accident, and a syntax error there is an exception, not a message.
Here every word becomes a quoted FTS5 string, so the only syntax is ours, and every
mistake is a :class:`~termnews.core.errors.QueryError` that says what to fix.
"""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from termnews.core.errors import QueryError

MAX_QUERY_CHARS = 1000
"""Longer text is refused: nobody types it, and it would only make a slow query."""

MIN_PREFIX_CHARS = 4
"""A prefix shorter than this is matched as a whole word: ``d*`` would merge the
postings of every word starting with d (400 ms at 20,000 articles) and ``the*`` those of
the, their, there... (0.5 s at 100,000; benchmarks/SEARCH.md)."""

FILTERS: dict[str, str] = {
    "section": "section:World  (a section's name; a prefix works)",
    "feed": "feed:verge  (part of a feed's title or URL, or its id)",
    "author": "author:smith  (part of the author's name)",
    "title": "title:budget  (a word or phrase in the title only)",
    "is": "is:unread, is:read, is:starred, is:muted",
    "since": "since:3h, since:2d, since:1w, since:today, since:2026-01-24",
    "before": "before:2d, before:2026-01-24",
}
"""Every filter the language knows, with an example (for messages and the help screen)."""

IS_VALUES = ("unread", "read", "starred", "muted")

_KEYED = re.compile(r"([A-Za-z_]+):(.*)", re.DOTALL)
_AGE = re.compile(r"(\d{1,6})([mhdw])", re.IGNORECASE)
_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_AGE_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def _has_token_chars(text: str) -> bool:
    """True if FTS5's unicode61 tokenizer would find at least one token in ``text``."""
    return any(ch.isalnum() for ch in text)


def _last_word_length(text: str) -> int:
    """Length of the last run of letters and digits (the word a prefix applies to)."""
    n = 0
    for ch in reversed(text):
        if ch.isalnum():
            n += 1
        elif n:
            break
    return n


@dataclass(frozen=True, slots=True)
class Term:
    """A word or phrase to find in the article text."""

    text: str
    """The words as typed, without quotes."""
    phrase: bool = False
    """Typed in quotes: the words must appear together, in order."""
    prefix: bool = False
    """Match words that start with the (last) word, as for ``word*`` or while typing."""
    title_only: bool = False
    """From ``title:``: only the title column is searched."""

    def fts(self) -> str:
        """This term as an FTS5 expression: always a quoted string, so never a syntax error."""
        quoted = '"' + self.text.replace('"', '""') + '"'
        if self.prefix:
            quoted += "*"
        return f"title : {quoted}" if self.title_only else quoted

    def display(self) -> str:
        """The term as it would be typed back."""
        core = f'"{self.text}"' if self.phrase else self.text
        if self.prefix and not self.phrase:
            core += "*"
        return f"title:{core}" if self.title_only else core


@dataclass(frozen=True, slots=True)
class TimeBound:
    """A point in time given relatively (``2d``) or as a calendar day (``2026-01-24``)."""

    ago: timedelta | None = None
    day: date | None = None

    def timestamp(self, now: datetime) -> float:
        """The bound as a Unix time; a day starts at local midnight."""
        if self.ago is not None:
            return (now - self.ago).timestamp()
        assert self.day is not None
        local_midnight = datetime(self.day.year, self.day.month, self.day.day).astimezone()
        return local_midnight.timestamp()


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: what must match, what must not, and the filters.

    Repeating a filter widens it (``section:World section:Tech`` is either
    section); different filters narrow each other.
    """

    text: str = ""
    """The text the user typed."""
    groups: tuple[tuple[Term, ...], ...] = ()
    """Every group must match; a group of several terms came from ``OR``."""
    excluded: tuple[Term, ...] = ()
    sections: tuple[str, ...] = ()
    not_sections: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    not_feeds: tuple[str, ...] = ()
    feed_ids: tuple[int, ...] = ()
    """Exact feeds (not typed: set by a view that searches one feed)."""
    authors: tuple[str, ...] = ()
    not_authors: tuple[str, ...] = ()
    unread: bool | None = None
    """True for ``is:unread``, False for ``is:read``, None for either."""
    starred: bool | None = None
    muted: bool | None = None
    """True for ``is:muted`` (only what mute rules hid); None hides muted articles."""
    since: TimeBound | None = None
    before: TimeBound | None = None

    @property
    def has_text(self) -> bool:
        """True when words or phrases must match (the FTS index is needed)."""
        return bool(self.groups)

    @property
    def is_empty(self) -> bool:
        """True when nothing at all was asked for (every article matches)."""
        return self == Query(text=self.text)

    def fts_match(self) -> str | None:
        """The FTS5 MATCH expression of the positive terms (and exclusions), or None."""
        if not self.groups:
            return None
        parts = []
        for group in self.groups:
            if len(group) == 1:
                parts.append(group[0].fts())
            else:
                parts.append("(" + " OR ".join(t.fts() for t in group) + ")")
        expression = " AND ".join(parts)
        if self.excluded:
            expression = f"({expression}) NOT ({self.excluded_match()})"
        return expression

    def positive_match(self) -> str | None:
        """Only the terms that must match (used to highlight them in a hit)."""
        return replace(self, excluded=()).fts_match()

    def highlight_match(self) -> str | None:
        """Any wanted term (OR'ed): what to highlight, wherever each one occurs."""
        terms = [t.fts() for group in self.groups for t in group]
        return " OR ".join(terms) if terms else None

    def excluded_match(self) -> str | None:
        """The FTS5 expression matching any excluded term, or None."""
        if not self.excluded:
            return None
        return " OR ".join(t.fts() for t in self.excluded)


@dataclass(slots=True)
class _Token:
    """One lexical unit: a word, a phrase or a ``key:value`` filter."""

    value: str
    quoted: bool
    negated: bool
    key: str | None
    start: int
    unclosed: bool = False


@dataclass(slots=True)
class _Builder:
    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    lists: dict[str, list[str]] = field(default_factory=dict)
    flags: dict[str, bool] = field(default_factory=dict)
    since: TimeBound | None = None
    before: TimeBound | None = None
    pending_or: bool = False
    pending_not: bool = False


def _read_quoted(text: str, i: int) -> tuple[str, int, bool]:
    """Read a quoted string starting at the quote at ``text[i]``: (value, next index, closed)."""
    end = text.find('"', i + 1)
    if end < 0:
        return text[i + 1 :], len(text), False
    return text[i + 1 : end], end + 1, True


def _lex(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        negated = False
        if text[i] == "-" and i + 1 < n and not text[i + 1].isspace():
            negated = True
            i += 1
        if text[i] == '"':
            value, i, closed = _read_quoted(text, i)
            tokens.append(_Token(value, True, negated, None, start, unclosed=not closed))
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] != '"':
            j += 1
        chunk = text[i:j]
        i = j
        keyed = _KEYED.fullmatch(chunk)
        if keyed and not keyed.group(2).startswith("//"):
            key, value = keyed.group(1).lower(), keyed.group(2)
            if value == "" and i < n and text[i] == '"':
                value, i, closed = _read_quoted(text, i)
                tokens.append(_Token(value, True, negated, key, start, unclosed=not closed))
            else:
                tokens.append(_Token(value, False, negated, key, start))
            continue
        if chunk == "" and negated:
            continue
        tokens.append(_Token(chunk, False, negated, None, start))
    return tokens


def _parse_time(key: str, value: str, now: datetime) -> TimeBound:
    value = value.strip().lower()
    age = _AGE.fullmatch(value)
    if age:
        return TimeBound(ago=timedelta(seconds=int(age.group(1)) * _AGE_UNITS[age.group(2)]))
    if value in ("today", "yesterday"):
        today = now.astimezone().date()
        return TimeBound(day=today - timedelta(days=1 if value == "yesterday" else 0))
    day = _DAY.fullmatch(value)
    if day:
        try:
            return TimeBound(day=date(int(day.group(1)), int(day.group(2)), int(day.group(3))))
        except ValueError:
            raise QueryError(f"{key}:{value} is not a real date") from None
    raise QueryError(
        f'{key}: expects an age like 30m, 3h, 2d, 1w, "today" or a date like 2026-01-24, '
        f"got {value!r}"
    )


def _later(a: TimeBound | None, b: TimeBound, now: datetime) -> TimeBound:
    if a is None:
        return b
    return a if a.timestamp(now) >= b.timestamp(now) else b


def _earlier(a: TimeBound | None, b: TimeBound, now: datetime) -> TimeBound:
    if a is None:
        return b
    return a if a.timestamp(now) <= b.timestamp(now) else b


def nothing_to_search(text: str) -> QueryError:
    """The error for a query with no word or filter left (``*``, ``--``, ``AND`` or nothing).

    Such a query is the empty query, which matches every article: ``search *`` used
    to list everything while ``search ""`` was refused. Both are this one error now.
    """
    shown = text.strip()
    if len(shown) > 40:
        shown = shown[:39] + "…"
    return QueryError(
        f"nothing to search for in {shown!r}: give words or filters, e.g. climate or section:World"
    )


def _unknown_filter(key: str) -> QueryError:
    known = ", ".join(f"{k}:" for k in FILTERS)
    return QueryError(
        f'unknown filter "{key}:" (known filters: {known}); '
        f'to search for the text itself, put it in quotes: "{key}:..."'
    )


def _apply_filter(b: _Builder, tok: _Token, now: datetime, prefix: bool = False) -> None:
    key = tok.key
    assert key is not None
    value = tok.value.strip()
    if key not in FILTERS:
        raise _unknown_filter(key)
    if not value:
        example = FILTERS[key].split("  ")[0].split(",")[0]
        raise QueryError(f"{key}: needs a value, e.g. {example}")
    if key == "title":
        _add_term(b, tok, title_only=True, prefix=prefix)
        return
    if key in ("section", "feed", "author"):
        name = ("not_" if tok.negated else "") + key + "s"
        b.lists.setdefault(name, []).append(value)
        return
    if key == "is":
        flag = value.lower()
        if flag not in IS_VALUES:
            raise QueryError(f"is:{value} is not a state (use is:{', is:'.join(IS_VALUES)})")
        positive = not tok.negated
        if flag == "read":
            flag, positive = "unread", not positive
        b.flags[flag] = positive
        return
    bound = _parse_time(key, value, now)
    if (key == "since") != tok.negated:
        b.since = _later(b.since, bound, now)
    else:
        b.before = _earlier(b.before, bound, now)


def _add_term(b: _Builder, tok: _Token, title_only: bool = False, prefix: bool = False) -> None:
    text = tok.value.strip()
    if not tok.quoted and text.endswith("*"):
        text = text.rstrip("*")
        prefix = True
    if not _has_token_chars(text):
        # Punctuation alone (``*``, ``^``, ``--``) finds nothing in an FTS index: skip it.
        b.pending_or = False
        return
    if prefix and _last_word_length(text) < MIN_PREFIX_CHARS:
        prefix = False
    term = Term(text, phrase=tok.quoted, prefix=prefix, title_only=title_only)
    negated = tok.negated or b.pending_not
    b.pending_not = False
    if negated:
        if b.pending_or:
            raise QueryError("OR joins words and phrases; it cannot join an excluded word")
        b.excluded.append(term)
        return
    if b.pending_or and b.groups:
        b.groups[-1].append(term)
    else:
        b.groups.append([term])
    b.pending_or = False


def parse_query(text: str, *, partial: bool = False, now: datetime | None = None) -> Query:
    """Parse what the user typed; raise :class:`QueryError` with a clear message if it is wrong.

    With ``partial`` (the search bar, while typing) an unclosed quote is closed, a
    half-typed trailing filter or ``OR`` is ignored and the last word is a prefix,
    so results can follow every keystroke. Without it, those are errors.
    """
    now = now or datetime.now(UTC)
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long ({len(text)} characters; at most {MAX_QUERY_CHARS})")
    tokens = _lex(text)
    b = _Builder()
    typing_last_word = partial and bool(text) and not text[-1].isspace()
    for index, tok in enumerate(tokens):
        last = index == len(tokens) - 1
        if tok.unclosed and not partial:
            raise QueryError(
                f"unbalanced quote: the phrase starting at character {tok.start + 1} has no "
                'closing "'
            )
        # The word under the cursor: not a closed phrase, whose last word is complete.
        typing = partial and last and typing_last_word and (not tok.quoted or tok.unclosed)
        if tok.key is not None:
            if b.pending_not:
                tok.negated, b.pending_not = not tok.negated, False
            if typing and tok.key in FILTERS:
                with suppress(QueryError):  # Still being typed: "section:", "since:2".
                    _apply_filter(b, tok, now, prefix=not tok.negated)
                continue
            _apply_filter(b, tok, now)
            continue
        if not tok.quoted and not tok.negated and tok.value in ("OR", "AND", "NOT"):
            if tok.value == "OR":
                if not b.groups or b.pending_or or b.pending_not:
                    if partial:
                        continue
                    raise QueryError("OR needs a word or phrase on both sides")
                b.pending_or = True
            elif tok.value == "NOT":
                b.pending_not = True
            continue
        _add_term(b, tok, prefix=typing and not tok.negated)
    if (b.pending_or or b.pending_not) and not partial:
        raise QueryError(f"{'OR' if b.pending_or else 'NOT'} at the end needs a word after it")

    def listed(name: str) -> tuple[str, ...]:
        return tuple(b.lists.get(name, ()))

    query = Query(
        text=text,
        groups=tuple(tuple(g) for g in b.groups),
        excluded=tuple(b.excluded),
        unread=b.flags.get("unread"),
        starred=b.flags.get("starred"),
        muted=b.flags.get("muted"),
        since=b.since,
        before=b.before,
        sections=listed("sections"),
        not_sections=listed("not_sections"),
        feeds=listed("feeds"),
        not_feeds=listed("not_feeds"),
        authors=listed("authors"),
        not_authors=listed("not_authors"),
    )
    # Blank text is no search (an emptied search bar); text that parsed to nothing is a
    # mistake, except while its last word is still being typed ('-', '"', 'AND...').
    if query.is_empty and text.strip() and not typing_last_word:
        raise nothing_to_search(text)
    return query


def describe_filters() -> list[tuple[str, str]]:
    """(filter, example) pairs for the help screen and error messages."""
    return [(f"{k}:", v) for k, v in FILTERS.items()]
