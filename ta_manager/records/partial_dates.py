"""Dates as documents give them: a year ("in 2019"), a month ("in May 2008") or a day.

A partial date means an interval: "2008-05" is 1 to 31 May 2008, "2019" the whole year.
It is stored in two columns so that SQL compares and indexes plain dates:

- `<name>`: the first day of the interval (a `date`);
- `<name>_precision`: `day`, `month` or `year`.

The SQL function `partial_date_end(first, precision)` gives the last day. The API and the
importers return the value as it was given ("2008-05", never "2008-05-01").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ta_manager.errors import FieldError, InvalidInput

Precision = Literal["day", "month", "year"]
PRECISIONS: tuple[Precision, ...] = ("day", "month", "year")
SUFFIX = "_precision"

_FORM = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


class NotADate(ValueError):
    """The text is not a year, a month or a day; the message says why."""


@dataclass(frozen=True, order=True)
class PartialDate:
    first: dt.date
    precision: Precision = "day"

    @property
    def last(self) -> dt.date:
        if self.precision == "year":
            return dt.date(self.first.year, 12, 31)
        if self.precision == "month":
            days = calendar.monthrange(self.first.year, self.first.month)[1]
            return self.first.replace(day=days)
        return self.first

    @property
    def text(self) -> str:
        if self.precision == "year":
            return f"{self.first.year:04d}"
        if self.precision == "month":
            return f"{self.first.year:04d}-{self.first.month:02d}"
        return self.first.isoformat()

    def __str__(self) -> str:
        return self.text

    @classmethod
    def year(cls, year: int) -> PartialDate:
        return cls(_make(year, 1, 1), "year")

    @classmethod
    def month(cls, year: int, month: int) -> PartialDate:
        return cls(_make(year, month, 1), "month")

    @classmethod
    def day(cls, year: int, month: int, day: int) -> PartialDate:
        return cls(_make(year, month, day), "day")

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """`YYYY`, `YYYY-MM` or `YYYY-MM-DD`; NotADate says what is wrong ("2019-13")."""
        m = _FORM.match(text.strip())
        if not m:
            raise NotADate("is not a date: use YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2008-05)")
        year, month, day = int(m[1]), m[2], m[3]
        if month is None:
            return cls.year(year)
        if day is None:
            return cls.month(year, int(month))
        return cls.day(year, int(month), int(day))


def _make(year: int, month: int, day: int) -> dt.date:
    if not 1 <= month <= 12:
        raise NotADate(f"is not a date: there is no month {month}")
    if not 1 <= year <= 9999:
        raise NotADate(f"is not a date: year {year}")
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise NotADate(f"is not a date: {exc}") from exc


def of(value: Any, field: str) -> PartialDate | None:
    """A partial date from what a caller sends: text, a date, a PartialDate or None."""
    if value is None or isinstance(value, PartialDate):
        return value
    if isinstance(value, dt.datetime):
        return PartialDate(value.date())
    if isinstance(value, dt.date):
        return PartialDate(value)
    try:
        return PartialDate.parse(str(value))
    except NotADate as exc:
        raise InvalidInput.of(field, str(exc), value) from exc


def from_row(row: Mapping[str, Any], name: str) -> PartialDate | None:
    """The partial date held in a row's `<name>` and `<name>_precision` columns."""
    first = row.get(name)
    if first is None:
        return None
    if isinstance(first, PartialDate):
        return first
    if isinstance(first, str):
        return PartialDate.parse(first)
    return PartialDate(first, row.get(name + SUFFIX) or "day")


def columns(value: PartialDate | None) -> tuple[dt.date | None, Precision]:
    """The two stored columns of a value (a missing date is stored with precision 'day')."""
    if value is None:
        return None, "day"
    return value.first, value.precision


def present(row: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """A stored row as the API returns it: each partial date as its text, precision folded."""
    for name in names:
        if name not in row:
            continue
        value = from_row(row, name)
        row.pop(name + SUFFIX, None)
        row[name] = value.text if value else None
    return row


def end_before_start(record: Mapping[str, Any], start: str, end: str) -> list[FieldError]:
    """An end before the start, at the precision given: '2008-06' does not end before
    '2008-06-10' (June contains the 10th), '2008-05-31' does."""
    s, e = from_row(record, start), from_row(record, end)
    if s is not None and e is not None and e.last < s.first:
        return [FieldError(end, f"is before {start} ({s.text})", e.text)]
    return []


def describe(start: PartialDate | None, end: PartialDate | None, open_end: bool) -> str:
    """'2008-06-10 to 2008-06-12', '2008-06', '2004 to ongoing', 'undated'."""
    if start is None and end is None:
        return "undated"
    if end is None:
        if open_end and start is not None:
            return f"{start.text} to ongoing"
        return start.text if start else ""
    if start is None or start == end:
        return end.text
    return f"{start.text} to {end.text}"


def precision_ok(value: PartialDate) -> bool:
    """First days only for months and years (what the database CHECK also enforces)."""
    if value.precision == "year":
        return value.first.month == 1 and value.first.day == 1
    if value.precision == "month":
        return value.first.day == 1
    return True


__all__ = [
    "PRECISIONS",
    "SUFFIX",
    "NotADate",
    "PartialDate",
    "Precision",
    "columns",
    "describe",
    "end_before_start",
    "from_row",
    "of",
    "present",
]
