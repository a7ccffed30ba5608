"""Turn what officers type into typed values: dates three ways, numbers with separators.

Every parser takes the raw cell value (as the reader gives it: str, float, int, bool,
date or datetime) and returns the typed value or raises `CellError` with the reason.
Text is never evaluated: a cell typed "=SUM(A1)" is the text "=SUM(A1)".
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 (with Excel's 1900 leap-year bug)
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan", "janvier", "enero"),
            ("february", "feb", "février", "fevrier", "febrero"),
            ("march", "mar", "mars", "marzo"),
            ("april", "apr", "avril", "abril"),
            ("may", "mai", "mayo"),
            ("june", "jun", "juin", "junio"),
            ("july", "jul", "juillet", "julio"),
            ("august", "aug", "août", "aout", "agosto"),
            ("september", "sep", "sept", "septembre", "septiembre"),
            ("october", "oct", "octobre", "octubre"),
            ("november", "nov", "novembre", "noviembre"),
            ("december", "dec", "décembre", "decembre", "diciembre"),
        ],
        start=1,
    )
    for name in names
}
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
_D_MONTH_Y = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([^\W\d_]+)\.?,?[\s\-]+(\d{4})$")


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
        month = MONTHS.get(m[2].lower())
        if month is None:
            raise CellError(f"unknown month name {m[2]!r}")
        return _make(int(m[3]), month, int(m[1]), raw)
    raise CellError(
        "is not a date: use 2024-02-01, 01/02/2024 (day first), 01.02.2024 or 1 February 2024"
    )


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
