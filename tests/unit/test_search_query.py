"""The query language: every filter, negation, OR, typing mode, and clear errors."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from termnews.core.errors import QueryError
from termnews.core.search import Query, Term, TimeBound, parse_query

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def parse(text: str, partial: bool = False) -> Query:
    return parse_query(text, partial=partial, now=NOW)


def test_words_and_phrases_are_quoted_fts_strings() -> None:
    q = parse('climate "sea level"')
    assert q.groups == ((Term("climate"),), (Term("sea level", phrase=True),))
    assert q.fts_match() == '"climate" AND "sea level"'


def test_or_joins_neighbours_and_binds_tighter_than_and() -> None:
    q = parse('rust OR "go lang" compiler')
    assert q.fts_match() == '("rust" OR "go lang") AND "compiler"'
    assert parse("a OR b OR c").fts_match() == '("a" OR "b" OR "c")'


@pytest.mark.parametrize("text", ["OR rust", "rust OR", "rust OR OR go"])
def test_or_without_words_on_both_sides_is_an_error(text: str) -> None:
    with pytest.raises(QueryError, match="OR"):
        parse(text)


def test_negated_words_and_phrases() -> None:
    q = parse('election -poll -"opinion piece" NOT rumour')
    assert q.excluded == (
        Term("poll"),
        Term("opinion piece", phrase=True),
        Term("rumour"),
    )
    assert q.fts_match() == '("election") NOT ("poll" OR "opinion piece" OR "rumour")'
    assert q.positive_match() == '"election"'


def test_only_negations_have_no_positive_match() -> None:
    q = parse("-sponsored")
    assert q.fts_match() is None
    assert q.excluded_match() == '"sponsored"'
    assert not q.has_text and not q.is_empty


def test_section_feed_author_filters_and_their_negation() -> None:
    q = parse(
        'section:World section:"Tech News" -section:Sport feed:verge -feed:tabloid '
        "author:smith -author:bot"
    )
    assert q.sections == ("World", "Tech News")
    assert q.not_sections == ("Sport",)
    assert q.feeds == ("verge",)
    assert q.not_feeds == ("tabloid",)
    assert q.authors == ("smith",)
    assert q.not_authors == ("bot",)
    assert not q.has_text


def test_not_applies_to_a_following_filter() -> None:
    assert parse("NOT feed:tabloid").not_feeds == ("tabloid",)


@pytest.mark.parametrize(
    ("text", "unread", "starred", "muted"),
    [
        ("is:unread", True, None, None),
        ("is:read", False, None, None),
        ("-is:unread", False, None, None),
        ("-is:read", True, None, None),
        ("is:starred", None, True, None),
        ("-is:starred", None, False, None),
        ("is:muted", None, None, True),
        ("IS:Unread is:starred", True, True, None),
    ],
)
def test_is_filters(
    text: str, unread: bool | None, starred: bool | None, muted: bool | None
) -> None:
    q = parse(text)
    assert (q.unread, q.starred, q.muted) == (unread, starred, muted)


def test_unknown_is_value_lists_the_known_ones() -> None:
    with pytest.raises(QueryError, match=r"is:new .*is:unread, is:read, is:starred, is:muted"):
        parse("is:new")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("3h", timedelta(hours=3)),
        ("2d", timedelta(days=2)),
        ("1w", timedelta(weeks=1)),
        ("2D", timedelta(days=2)),
    ],
)
def test_since_ages(value: str, expected: timedelta) -> None:
    q = parse(f"since:{value}")
    assert q.since == TimeBound(ago=expected)
    assert q.since.timestamp(NOW) == (NOW - expected).timestamp()


def test_since_and_before_dates() -> None:
    q = parse("since:2026-01-24 before:2026-02-01")
    assert q.since == TimeBound(day=date(2026, 1, 24))
    assert q.before == TimeBound(day=date(2026, 2, 1))
    local_midnight = datetime(2026, 1, 24).astimezone()
    assert q.since.timestamp(NOW) == local_midnight.timestamp()


def test_today_and_yesterday_are_local_days() -> None:
    today = NOW.astimezone().date()
    assert parse("since:today").since == TimeBound(day=today)
    assert parse("since:yesterday").since == TimeBound(day=today - timedelta(days=1))


def test_negated_since_is_before_and_repeats_keep_the_narrowest() -> None:
    assert parse("-since:2d").before == TimeBound(ago=timedelta(days=2))
    assert parse("since:1w since:2d").since == TimeBound(ago=timedelta(days=2))
    assert parse("before:1d before:3d").before == TimeBound(ago=timedelta(days=3))


@pytest.mark.parametrize("text", ["since:soon", "since:2d3h", "before:yesterdayish"])
def test_bad_time_gives_examples(text: str) -> None:
    with pytest.raises(QueryError, match=r"expects an age like 30m, 3h, 2d"):
        parse(text)


def test_impossible_date_is_named() -> None:
    with pytest.raises(QueryError, match="since:2026-02-30 is not a real date"):
        parse("since:2026-02-30")


def test_unknown_filter_names_it_and_lists_known_filters() -> None:
    with pytest.raises(QueryError) as info:
        parse("climate tag:science")
    message = str(info.value)
    assert 'unknown filter "tag:"' in message
    for known in ("section:", "feed:", "author:", "is:", "since:", "before:", "title:"):
        assert known in message


def test_filter_without_value_says_what_to_write() -> None:
    with pytest.raises(QueryError, match=r"section: needs a value, e\.g\. section:World"):
        parse("section:")


def test_quoted_text_with_a_colon_is_a_phrase_not_a_filter() -> None:
    q = parse('"update: apple"')
    assert q.groups == ((Term("update: apple", phrase=True),),)


def test_urls_are_words_not_filters() -> None:
    assert parse("https://example.com/a").groups == ((Term("https://example.com/a"),),)


def test_title_filter_limits_a_term_to_titles() -> None:
    q = parse('title:budget -title:"leaked memo"')
    assert q.groups == ((Term("budget", title_only=True),),)
    assert q.fts_match() == '(title : "budget") NOT (title : "leaked memo")'


def test_explicit_prefix_star() -> None:
    q = parse("econom*")
    assert q.groups == ((Term("econom", prefix=True),),)
    assert q.fts_match() == '"econom"*'


def test_punctuation_only_terms_are_dropped() -> None:
    assert parse("^ * -- climate").groups == ((Term("climate"),),)


@pytest.mark.parametrize("text", ["*", "***", "^ --", "AND", "()", '""', "-*", "* AND ^"])
def test_a_query_with_no_searchable_words_is_an_error_naming_it(text: str) -> None:
    # Dropping everything would leave the empty query, which matches every article:
    # 'search *' listed everything while 'search ""' was an error.
    with pytest.raises(QueryError, match=r"nothing to search for in " + re.escape(repr(text))):
        parse(text)


def test_while_typing_only_the_word_under_the_cursor_may_have_no_words() -> None:
    # '-' starts an exclusion, '"' a phrase, 'AND' may be the start of 'ANDROID'.
    for text in ("-", '"', "*", "AND"):
        assert parse(text, partial=True).is_empty
    with pytest.raises(QueryError, match=r"nothing to search for in '\*'"):
        parse("* ", partial=True)


def test_unbalanced_quote_is_an_error_naming_the_position() -> None:
    with pytest.raises(QueryError, match=r"unbalanced quote.*character 9"):
        parse('climate "sea level')


def test_typing_mode_closes_quotes_and_prefixes_the_last_word() -> None:
    assert parse('climate "sea leve', partial=True).groups == (
        (Term("climate"),),
        (Term("sea leve", phrase=True, prefix=True),),
    )
    assert parse("climate chan", partial=True).fts_match() == '"climate" AND "chan"*'
    # A finished word (trailing space) or a closed phrase is not a prefix.
    assert parse("climate ", partial=True).fts_match() == '"climate"'
    assert parse('"sea level"', partial=True).fts_match() == '"sea level"'


def test_typing_mode_ignores_a_half_typed_filter_or_operator() -> None:
    assert parse("climate section:", partial=True).sections == ()
    assert parse("climate since:2", partial=True).since is None
    assert parse("climate OR", partial=True).fts_match() == '"climate"'
    # But a finished filter still counts, and errors before the cursor still show.
    assert parse("climate section:Wor", partial=True).sections == ("Wor",)
    with pytest.raises(QueryError, match="unknown filter"):
        parse("tag:x climate", partial=True)


def test_too_long_query_is_refused() -> None:
    with pytest.raises(QueryError, match="too long"):
        parse("word " * 300)


def test_empty_query() -> None:
    assert parse("").is_empty
    assert parse("   ").is_empty


def test_short_prefixes_are_whole_words() -> None:
    assert parse("zero-d", partial=True).fts_match() == '"zero-d"'
    assert parse("the", partial=True).fts_match() == '"the"'
    assert parse("abc*").fts_match() == '"abc"'
    assert parse("abcd*").fts_match() == '"abcd"*'
    assert parse("zero-days", partial=True).fts_match() == '"zero-days"*'


def test_typing_mode_flags_an_unknown_filter_at_once() -> None:
    with pytest.raises(QueryError, match='unknown filter "tag:"'):
        parse("climate tag:sci", partial=True)
