"""Turn what officers type into typed values: dates three ways, numbers with separators.

Every parser takes the raw cell value (as the reader gives it: str, float, int, bool,
date or datetime) and returns the typed value or raises `CellError` with the reason.
Text is never evaluated: a cell typed "=SUM(A1)" is the text "=SUM(A1)".
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.dates import get_month_names

from ta_manager.records.partial_dates import NotADate, PartialDate

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 (with Excel's 1900 leap-year bug)
# Languages whose month names are understood ("May 2008", "mai 2008", "mayo de 2008").
MONTH_LOCALES = ("en", "fr", "es")
NOT_A_DATE = "is not a date: use"


def _unaccented(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))


def _month_names() -> dict[str, int]:
    """Month names and abbreviations of MONTH_LOCALES from CLDR (Babel), lower case, with
    and without accents and the abbreviation's dot: "février", "fevrier", "févr", "sept"."""
    names: dict[str, int] = {}
    for locale in MONTH_LOCALES:
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=locale).items():
                key = name.lower().rstrip(".")
                for variant in (key, _unaccented(key)):
                    names.setdefault(variant, number)
    names.setdefault("sept", 9)
    return names


MONTHS = _month_names()
TRUE = {"true", "yes", "y", "1", "x", "oui", "sí", "si"}
FALSE = {"false", "no", "n", "0", "non"}


class CellError(ValueError):
    """The cell's value cannot be used; the message is the reason shown to the officer."""


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any) -> str:
    """The cell as text. Whole numbers lose the '.0' a spreadsheet adds (code 2008 -> '2008')."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def split_multi(value: Any) -> list[str]:
    """'BEN; TCD;GAB' -> ['BEN', 'TCD', 'GAB'] (also one per line); duplicates dropped."""
    parts = re.split(r"[;\n]", text(value))
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00(?:\.0+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})$")
_D_MONTH_Y = re.compile(r"^(\d{1,2})(?:st|nd|rd|th|er)?[\s\-]+([^\W\d_]+)\.?,?[\s\-]+(\d{4})$")


def date(value: Any) -> dt.date:
    """A date: a date cell, an Excel serial number, ISO (2024-02-01), day-first d/m/Y,
    d.m.Y or d-m-Y (01/02/2024 is 1 February), or '1 February 2024'."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellError("is not a date")
    if isinstance(value, int | float):
        if not float(value).is_integer() or not 1 <= value <= 2958465:
            raise CellError("is not a date (expected an Excel date, e.g. 2024-02-01)")
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    raw = text(value)
    if re.fullmatch(r"\d{5}", raw):  # a serial number that arrived as text (CSV)
        return EXCEL_EPOCH + dt.timedelta(days=int(raw))
    if m := _ISO.match(raw):
        return _make(int(m[1]), int(m[2]), int(m[3]), raw)
    if m := _DMY.match(raw):
        year = int(m[4]) + (2000 if len(m[4]) == 2 and int(m[4]) < 70 else 0)
        year += 1900 if len(m[4]) == 2 and year < 100 else 0
        return _make(year, int(m[3]), int(m[1]), raw)
    if m := _D_MONTH_Y.match(raw):
        month = MONTHS.get(m[2].lower()) or MONTHS.get(_unaccented(m[2].lower()))
        if month is None:
            raise CellError(f"unknown month name {m[2]!r}")
        return _make(int(m[3]), month, int(m[1]), raw)
    raise CellError(
        f"{NOT_A_DATE} 2024-02-01, 01/02/2024 (day first), 01.02.2024 or 1 February 2024"
    )


_YEAR = re.compile(r"^(\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
# "May 2008", "mai 2008", "mayo de 2008", "June, 2008", "Sept. 2008", "in May 2008"
_MONTH_NAME_YEAR = re.compile(r"^(?:in\s+|en\s+)?([^\W\d_]+)\.?,?\s+(?:de\s+|of\s+)?(\d{4})$")


def partial_date(value: Any) -> PartialDate:
    """A year, a month or a day, at the precision the cell gives: "2019" and the number 2019
    are years; "2008-05", "05/2008", "May 2008", "mai 2008", "mayo de 2008" are months;
    anything `date()` reads (date cells, Excel serials, 2008-05-12, 12/05/2008 day first,
    "12 May 2008") is a day."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 1000 <= value <= 2999:
            return _partial(PartialDate.year, int(value))
        return PartialDate(date(value))
    if isinstance(value, dt.date):
        return PartialDate(date(value))
    raw = text(value)
    if m := _YEAR.match(raw):
        return _partial(PartialDate.year, int(m[1]))
    if m := _YEAR_MONTH.match(raw):
        return _partial(PartialDate.month, int(m[1]), int(m[2]))
    if m := _MONTH_YEAR.match(raw):
        return _partial(PartialDate.month, int(m[2]), int(m[1]))
    if m := _MONTH_NAME_YEAR.match(raw.lower()):
        month = MONTHS.get(m[1]) or MONTHS.get(_unaccented(m[1]))
        if month is None:
            raise CellError(f"unknown month name {m[1]!r}")
        return _partial(PartialDate.month, int(m[2]), month)
    try:
        return PartialDate(date(value))
    except CellError as exc:
        if not str(exc).startswith(NOT_A_DATE):  # a day's form, but not a real day: say why
            raise
        raise CellError(
            "is not a date: use a year (2019), a month (2008-05, May 2008, mai 2008) or a day"
            " (2008-05-12, 12/05/2008 day first, 12 May 2008)"
        ) from exc


def _partial(make: Any, *parts: int) -> PartialDate:
    try:
        result: PartialDate = make(*parts)
    except NotADate as exc:
        raise CellError(str(exc)) from exc
    return result


def _make(year: int, month: int, day: int, raw: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise CellError(f"is not a real date ({exc}; day-first order is assumed)") from exc


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")


def number(value: Any) -> Decimal:
    """A number. Thousands separators are understood: 1,234,567.89 / 1.234.567,89 /
    1 234 567,89 / 1'234'567.89; a lone comma is a decimal comma unless it groups 3 digits."""
    if isinstance(value, bool):
        raise CellError("is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if not value.is_integer() else Decimal(int(value))
    raw = _SPACES.sub("", text(value))
    if raw.startswith("(") and raw.endswith(")"):
        raw = "-" + raw[1:-1]
    if "," in raw and "." in raw:
        if raw.rfind(",") > raw.rfind("."):
            raw = raw.replace(".", "").replace(",", ".")
        else:
            raw = raw.replace(",", "")
    elif "," in raw:
        grouped = re.fullmatch(r"-?\d{1,3}(,\d{3})+", raw)
        raw = raw.replace(",", "") if grouped else raw.replace(",", ".")
    elif re.fullmatch(r"-?\d{1,3}(\.\d{3}){2,}", raw):
        raw = raw.replace(".", "")
    try:
        result = Decimal(raw)
    except InvalidOperation as exc:
        raise CellError("is not a number") from exc
    if not result.is_finite():
        raise CellError("is not a number")
    return result


def integer(value: Any) -> int:
    result = number(value)
    if result != result.to_integral_value():
        raise CellError("must be a whole number")
    return int(result)


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raw = text(value).lower()
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False
    raise CellError("must be yes or no (TRUE/FALSE)")


def choice(value: Any, options: tuple[Any, ...]) -> Any:
    """One of a codelist, matched case-insensitively; 'Legal advisory' matches legal_advisory."""
    if options and all(isinstance(o, int) for o in options):
        n = integer(value)
        if n in options:
            return n
        raise CellError(f"must be one of {', '.join(map(str, options))}")
    raw = text(value)
    key = re.sub(r"[\s\-]+", "_", raw.lower())
    for option in options:
        if key == str(option).lower():
            return option
    raise CellError(f"must be one of {', '.join(map(str, options))}")
