"""Resolving date expressions against a report's publication date.

>>> import datetime as dt
>>> pub = dt.date(2024, 4, 30)
>>> resolve_date("October 7", pub)
('2023-10-07', 'day')
>>> resolve_date("on Monday", pub)
('2024-04-29', 'day')
>>> resolve_date("last week", pub)
('2024-04-23', 'week')
>>> resolve_date("currently", pub)
('2024-04-30', 'document-date')
>>> resolve_date("March 3, 2022", pub)
('2022-03-03', 'day')
>>> resolve_date("in 2023", pub)
('2023-01-01', 'year')
>>> resolve_date("January", pub)
('2024-01-01', 'month')
>>> resolve_date("next week", pub)
('2024-05-07', 'week')
>>> resolve_date("three days ago", pub)
('2024-04-27', 'day')
>>> resolve_date("the weekend", pub) is None
True
>>> resolve_date("in January", pub, future=True)
('2025-01-01', 'month')
>>> resolve_date("on Friday", pub, future=True)
('2024-05-03', 'day')
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    name: n
    for n, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS = {
    name: n
    for n, name in enumerate(
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    )
}
NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "a": 1,
    "an": 1,
}
NOW_WORDS = {"currently", "now", "presently", "ongoing"}
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_MD = re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b")
_DM = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_RE})\.?(?:,?\s+(\d{{4}}))?\b"
)
_MY = re.compile(rf"\b({_MONTH_RE})\.?(?:\s+(?:of\s+)?(\d{{4}}))?\b")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_AGO = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|an)\s+"
    r"(day|week|month|year)s?\s+ago\b"
)


def _past(month: int, day: int, published: dt.date) -> dt.date | None:
    try:
        candidate = dt.date(published.year, month, day)
    except ValueError:
        return None
    if candidate > published:
        try:
            candidate = dt.date(published.year - 1, month, day)
        except ValueError:
            return None
    return candidate


def _near(month: int, day: int, published: dt.date | None, future: bool) -> dt.date | None:
    if published is None:
        return None
    if not future:
        return _past(month, day, published)
    candidate = _day(published.year, month, day)
    if candidate is not None and candidate < published:
        candidate = _day(published.year + 1, month, day)
    return candidate


def _day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def resolve_date(
    text: str, published: dt.date | None, *, future: bool = False
) -> tuple[str, str] | None:
    """Resolve a date expression to an ISO date and a precision.

    Args:
        text: The expression as written ("October 7", "on Monday", "last week").
        published: Publication date of the report, for relative expressions.
        future: The event lies ahead ("is set to meet ... in January"): a date without a year
            or a bare weekday resolves to its next occurrence rather than its last.

    Returns:
        ``(iso_date, precision)`` with precision ``day``, ``week``, ``month``, ``year`` or
        ``document-date``; None when the expression cannot be placed.
    """
    low = text.lower().strip()
    if m := _ISO.search(low):
        d = _day(int(m[1]), int(m[2]), int(m[3]))
        return (d.isoformat(), "day") if d else None
    if m := _MD.search(low):
        month, day = MONTHS[m[1]], int(m[2])
        d = _day(int(m[3]), month, day) if m[3] else _near(month, day, published, future)
        return (d.isoformat(), "day") if d else None
    if m := _DM.search(low):
        day, month = int(m[1]), MONTHS[m[2]]
        d = _day(int(m[3]), month, day) if m[3] else _near(month, day, published, future)
        return (d.isoformat(), "day") if d else None
    if published is None:
        if m := _YEAR.search(low):
            return f"{m[1]}-01-01", "year"
        return None
    words = set(re.findall(r"[a-z]+", low))
    if words & NOW_WORDS or low in {"today", "this morning", "tonight", "this evening"}:
        precision = "day" if words & {"today", "morning", "tonight", "evening"} else "document-date"
        return published.isoformat(), precision
    if "yesterday" in words:
        return (published - dt.timedelta(days=1)).isoformat(), "day"
    if "tomorrow" in words:
        return (published + dt.timedelta(days=1)).isoformat(), "day"
    for name, weekday in WEEKDAYS.items():
        if name in words:
            delta = (published.weekday() - weekday) % 7
            if "next" in words or (future and "last" not in words):
                delta = -((weekday - published.weekday()) % 7 or 7)
            return (published - dt.timedelta(days=delta)).isoformat(), "day"
    if m := _AGO.search(low):
        n = int(m[1]) if m[1].isdigit() else NUMBERS[m[1]]
        unit = m[2]
        days = {"day": 1, "week": 7, "month": 30, "year": 365}[unit] * n
        return (published - dt.timedelta(days=days)).isoformat(), unit
    for unit, days in (("week", 7), ("month", 30), ("year", 365)):
        if unit in words:
            if "last" in words or "past" in words or "previous" in words:
                return _shift(published, unit, -1, days)
            if "next" in words or "coming" in words:
                return _shift(published, unit, 1, days)
            if "this" in words:
                return _shift(published, unit, 0, days)
    if m := _MY.search(low):
        month = MONTHS[m[1]]
        if month == 5 and m[1] == "may" and not m[2]:
            return None
        if m[2]:
            year = int(m[2])
        elif future:
            year = published.year if month >= published.month else published.year + 1
        else:
            year = published.year if month <= published.month else published.year - 1
        return f"{year:04d}-{month:02d}-01", "month"
    if m := _YEAR.search(low):
        return f"{m[1]}-01-01", "year"
    return None


def _shift(published: dt.date, unit: str, sign: int, days: int) -> tuple[str, str]:
    if unit == "week":
        return (published + dt.timedelta(days=7 * sign)).isoformat(), "week"
    if unit == "month":
        month = published.month + sign
        year = published.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        return f"{year:04d}-{month:02d}-01", "month"
    return f"{published.year + sign:04d}-01-01", "year"
