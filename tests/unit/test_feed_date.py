"""feed_date reads the usual date forms itself and must agree with feedparser on all."""

from __future__ import annotations

import random

from feedparser.datetimes import _parse_date

from termnews.core.dates import feed_date, from_struct, parse_date

_DAYS = ["Mon, ", "Tue, ", "Wed, ", "Thu, ", "Fri, ", "Sat, ", "Sun, ", ""]
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_RFC_ZONES = [
    "+0000",
    "-0000",
    "+0001",
    "-0100",
    "-0500",
    "+0530",
    "GMT",
    "UTC",
    "UT",
    "Z",
    "+1400",
    "+9999",
    "-0099",
    "EST",
]
_W3C_ZONES = [
    "Z",
    "+00:00",
    "-00:00",
    "+00:01",
    "-01:00",
    "-05:00",
    "+05:30",
    "+14:00",
    "-99:99",
    "+00:61",
    "z",
    "",
]


def _rfc822(rng: random.Random) -> str:
    day, month = rng.randint(0, 32), rng.choice(_MONTHS)
    year = rng.choice([1, 99, 1969, 1970, 2024, 2025, 9999])
    clock = f"{rng.randint(0, 25):02d}:{rng.randint(0, 61):02d}:{rng.randint(0, 61):02d}"
    return f"{rng.choice(_DAYS)}{day} {month} {year} {clock} {rng.choice(_RFC_ZONES)}"


def _w3cdtf(rng: random.Random) -> str:
    year = rng.choice([1, 1969, 1970, 2025, 9999])
    date = f"{year}-{rng.randint(0, 13):02d}-{rng.randint(0, 32):02d}"
    clock = f"{rng.randint(0, 25):02d}:{rng.randint(0, 61):02d}:{rng.randint(0, 61):02d}"
    fraction = rng.choice(["", ".5", ".999999", ".1234567"])
    return f"{date}T{clock}{fraction}{rng.choice(_W3C_ZONES)}"


def test_random_rfc822_and_w3cdtf_dates_parse_as_feedparser_parses_them() -> None:
    rng = random.Random(5)
    for _ in range(20_000):
        text = _rfc822(rng) if rng.random() < 0.5 else _w3cdtf(rng)
        assert feed_date(text) == _parse_date(text), text


def test_the_usual_forms_give_utc() -> None:
    rfc = from_struct(feed_date("Sat, 31 May 2025 17:54:37 -0130"))
    assert rfc is not None and rfc.isoformat() == "2025-05-31T19:24:37+00:00"
    w3c = from_struct(feed_date("2025-05-31T17:54:37.9+02:00"))
    assert w3c is not None and w3c.isoformat() == "2025-05-31T15:54:37+00:00"


def test_other_forms_still_go_to_feedparser() -> None:
    for text in ("31 May 2025", "2025-05-31", "Saturday, 31-May-25 17:54:37 GMT", "junk", ""):
        assert feed_date(text) == _parse_date(text), text


def test_dates_far_ahead_are_read_for_the_caller_to_cap() -> None:
    # The year 2200 was a fixed limit: later dates read as none (no date on screen),
    # and from 2201 on, every date would have. Capping the future is the caller's
    # (dates.clamp_future), which needs the date to see it is ahead.
    for text in ("2300-01-01T10:00:00Z", "Tue, 01 Jan 2300 10:00:00 +0000"):
        value = parse_date(text)
        assert value is not None and value.year == 2300, text
    struct = from_struct(feed_date("Tue, 01 Jan 2300 10:00:00 +0000"))
    assert struct is not None and struct.year == 2300
    # At the edges of what a datetime holds: a date, or none, never an OverflowError.
    latest = parse_date("9998-12-31T23:00:00-14:00")
    assert latest is not None and latest.year == 9999
    assert parse_date("9999-12-31T23:00:00-05:00") is None
    assert parse_date("0001-01-01T00:30:00+01:00") is None
