"""Lenient date parsing for feed timestamps.

Feeds use RFC 822, ISO 8601 and worse. Dates are normalised to aware UTC; a date
more than a day in the future is clamped to "now" at ingest time by the caller
(:func:`clamp_future`) so a broken clock on a server cannot pin an item to the top
forever.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta

_MIN_YEAR = 1970
_MAX_YEAR = 9998
"""The last year a date is read in: the last hours of 9999 overflow when converted
to UTC or local time. Why not a near bound: it was 2200, and a feed dated 2300 (a
broken clock, a typo) had its date dropped, listed with no date at all, where one
dated 2150 was clamped to when it was fetched like any future date; and from 2201
on every date would have been dropped. Far-future dates are :func:`clamp_future`'s
to cap, all alike."""
FUTURE_SLACK = timedelta(days=1)
"""How far ahead of now a feed's date may be (time zones, slightly fast clocks)."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
"""Time zero: what a feed that writes 0 for a missing date sends. Read as no date.

Taken as a date, an item "published" then sorted as just fetched (its sort key,
0.0, read as missing) and was listed first, 'now', while 'articles' printed 1970
beside it. No news item was published in that second.
"""


def clamp_future(value: datetime | None, now: datetime) -> datetime | None:
    """``value``, or ``now`` when it is more than :data:`FUTURE_SLACK` ahead of ``now``.

    A date from a broken server clock must not pin an item to the top forever:
    such an item is dated when it was fetched, and shown and sorted so.
    """
    if value is not None and value > now + FUTURE_SLACK:
        return now
    return value


def from_struct(value: time.struct_time | None) -> datetime | None:
    """feedparser's UTC ``struct_time`` to an aware datetime (None if absurd)."""
    if value is None:
        return None
    try:
        if not _MIN_YEAR <= value.tm_year <= _MAX_YEAR:
            return None
        stamp = datetime(*value[:6], tzinfo=UTC)
        return None if stamp == _EPOCH else stamp
    except (TypeError, ValueError, OverflowError):
        return None


_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}
_RFC822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) (" + "|".join(_MONTH_NAMES) + r")"
    r" (\d{4}) (\d{2}):(\d{2}):(\d{2}) (?:([+-])(\d{2})(\d{2})|GMT|UTC|UT|Z)"
)
_W3CDTF = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|([+-])(\d{2}):(\d{2}))"
)


def feed_date(text: str) -> time.struct_time | None:
    """What feedparser's date parser makes of a feed date: a UTC ``struct_time`` or None.

    Why not just feedparser's ``_parse_date``: it was a tenth of parsing a feed.
    It tries a list of lenient parsers, each splitting and re-joining the text;
    the two forms nearly every feed uses (RFC 822 ``Sat, 31 May 2025 17:54:37
    +0000`` and W3C-DTF ``2025-05-31T17:54:37Z``) are read here with one regular
    expression and the same arithmetic feedparser's parser for that form does
    (its seconds truncated, the offset subtracted, ``utctimetuple``), so the
    result is the same; anything else still goes to feedparser.
    """
    match = _RFC822.fullmatch(text)
    if match is not None:
        day, month, year, hour, minute, second, sign, tz_h, tz_m = match.groups()
        month_number = _MONTHS[month]
    else:
        match = _W3CDTF.fullmatch(text)
        if match is not None:
            year, month, day, hour, minute, second, sign, tz_h, tz_m = match.groups()
            month_number = int(month)
    if match is not None:
        try:
            stamp = datetime(int(year), month_number, int(day), int(hour), int(minute), int(second))
            if sign is not None and (tz_h != "00" or tz_m != "00"):
                offset = timedelta(0, int(tz_h) * 3600 + int(tz_m) * 60)
                stamp = stamp + offset if sign == "-" else stamp - offset
            return _utc_struct(stamp)
        except (ValueError, OverflowError):
            pass  # feedparser decides what an impossible date means
    # Imported here: importing feedparser costs ~40-100 ms, see parse_date.
    from feedparser.datetimes import _parse_date as _feedparser_date

    parsed: time.struct_time | None = _feedparser_date(text)
    return parsed


def _utc_struct(stamp: datetime) -> time.struct_time:
    """``stamp.utctimetuple()`` for a naive ``stamp``, built here at a third of the cost.

    Why: the C method makes its ``struct_time`` by calling back into the
    ``time`` module (~0.8 us, a quarter of :func:`feed_date`); the fields are
    the same: weekday, day of the year, and ``tm_isdst`` 0.
    """
    year = stamp.year
    return time.struct_time(
        (year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second,
         stamp.weekday(), stamp.toordinal() - date(year, 1, 1).toordinal() + 1, 0)
    )  # fmt: skip


def parse_date(text: str | None) -> datetime | None:
    """Parse an ISO 8601 or RFC 822 date string to aware UTC, or None."""
    if not text or not isinstance(text, str):
        return None
    text = text.strip()
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        value = None
    if value is None:
        # Imported here: email.utils (with calendar, locale, socket) was ~10 ms of
        # every start-up, the reader's included, that parses no RFC 822 date.
        from email.utils import parsedate_to_datetime

        try:
            value = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            value = None
    if value is None:
        # Imported here, not at the top: importing feedparser costs ~40-100 ms, and every
        # CLI command and the reader import this module but almost never reach this line.
        from feedparser.datetimes import _parse_date as _feedparser_date

        try:
            parsed = _feedparser_date(text)
        except Exception:  # feedparser's many lenient date handlers: never trust them
            return None
        return from_struct(parsed) if parsed else None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if not _MIN_YEAR <= value.year <= _MAX_YEAR:
        return None
    value = value.astimezone(UTC)  # no overflow: 9998-12-31 -14:00 is 9999-01-01 UTC
    return None if value == _EPOCH else value


def long_date(value: datetime | None) -> str:
    """The full local date of an article's byline: ``Tue 3 Nov 2026, 08:40``.

    One function for the reader's article pane and ``termnews show``, which used
    to differ (``Tue 03 Nov 2026 08:40`` in one, a comma in the other). The day
    has no leading zero, as on a news site; the time always has two digits (the
    reader's old ``replace(" 0", " ", 1)`` stripped the hour's zero instead when
    the day had two digits: ``Mon 23 Nov 2026, 9:05`` but ``Tue 3 Nov 2026, 09:05``).
    Scripts read ``--json``, whose dates are ISO 8601.
    """
    if value is None:
        return ""
    local = value.astimezone()
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


def short_age(value: datetime | None, now: datetime | None = None) -> str:
    """Compact age as a news site shows it: now, 5m, 3h, Tue, 12 Mar, 2024."""
    if value is None:
        return ""
    now = now or datetime.now(UTC)
    seconds = (now - value).total_seconds()
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    local = value.astimezone()
    if seconds < 6 * 86400:
        return local.strftime("%a")
    if local.year == now.astimezone().year:
        return local.strftime("%d %b").lstrip("0")
    return local.strftime("%Y")
