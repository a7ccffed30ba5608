"""Dates and numbers written as words and figures of a language (Babel's CLDR data).

- a day: `12 Sep 2007`, `12 sept. 2007`, `12 sept 2007`;
- a month: `May 2008`, `mai 2008`, `may 2008`; a year: `2008`;
- dates as records give them (`2008-06-10 to 2008-06-12`, `2004 to ongoing`, `2005 to now`):
  `10-12 Jun 2008`, `2004 - ongoing`;
- numbers: `1,234.50` (en), `1 234,50` (fr), `1234,50` (es).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache

from babel.dates import format_date
from babel.numbers import format_decimal

from ta_manager.locale import N_, gettext

# Babel locales of the catalogues' languages (dates are written day first in all three).
LOCALES = {"en": "en", "fr": "fr_FR", "es": "es_ES"}
DAY = "d MMM y"
MONTH = "LLL y"


def locale_of(lang: str) -> str:
    return LOCALES.get(lang, "en")


def day(value: dt.date, lang: str = "en") -> str:
    return format_date(value, DAY, locale=locale_of(lang))


def month(value: dt.date, lang: str = "en") -> str:
    return format_date(value, MONTH, locale=locale_of(lang))


def partial(value: dt.date, precision: str, lang: str = "en") -> str:
    """A partial date at its precision: a year, a month or a day."""
    if precision == "year":
        return str(value.year)
    if precision == "month":
        return month(value, lang)
    return day(value, lang)


def number(value: int | float | Decimal, lang: str = "en", digits: int = 0) -> str:
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=locale_of(lang))


# ------------------------------------------------------------------ dates as given
_ISO = re.compile(r"(?<![\w/.-])(\d{4})-(\d{2})(?:-(\d{2}))?(?![\w/.-])")
_WORDS = {"ongoing": N_("ongoing"), "now": N_("now"), "undated": N_("undated")}
EN_DASH = "\u2013"
_DASH = f" {EN_DASH} "


def _one(text: str, lang: str) -> tuple[str, dt.date | None, str]:
    """(shown, date, precision) of one end: '2008-06-10', '2008-06', '2008', a word."""
    text = text.strip()
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        d = dt.date(int(m[1]), int(m[2]), int(m[3]))
        return day(d, lang), d, "day"
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        d = dt.date(int(m[1]), int(m[2]), 1)
        return month(d, lang), d, "month"
    if re.fullmatch(r"\d{4}", text):
        return text, dt.date(int(text), 1, 1), "year"
    if text in _WORDS:
        return gettext(_WORDS[text], lang), None, ""
    return _iso_inside(text, lang), None, ""


@lru_cache(maxsize=20_000)
def as_given(text: str | None, lang: str = "en") -> str:
    """Dates written as records give them ('2008-06-10 to 2008-06-12', '2008-05 / 2008-07',
    '2004 to ongoing', 'undated'), in words of `lang`: '10-12 Jun 2008' (an en dash), 'May 2008 /
    Jul 2008', '2004 - ongoing'."""
    if not text:
        return ""
    if " / " in text:
        return " / ".join(as_given(part, lang) for part in text.split(" / "))
    parts = text.split(" to ")
    if len(parts) != 2:
        return _one(text, lang)[0]
    (a, start, p1), (b, end, p2) = _one(parts[0], lang), _one(parts[1], lang)
    if start is not None and end is not None and p1 == p2 == "day" and start <= end:
        return interval(start, end, lang)
    return f"{a}{_DASH}{b}"


def interval(start: dt.date, end: dt.date, lang: str = "en") -> str:
    """Two days as one range (en dashes): '10-12 Jun 2008', '30 Jun - 2 Jul 2008'."""
    if start == end:
        return day(start, lang)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}{EN_DASH}{day(end, lang)}"
    if start.year == end.year:
        return f"{format_date(start, 'd MMM', locale=locale_of(lang))}{_DASH}{day(end, lang)}"
    return f"{day(start, lang)}{_DASH}{day(end, lang)}"


def _iso_inside(text: str, lang: str) -> str:
    """ISO dates inside a text ('planned for 2008-09 (…)') in words; codes such as
    'A-2008-01' and symbols such as 'CTOC/COP/2008/16' are left alone."""

    def words(m: re.Match[str]) -> str:
        y, mo = int(m[1]), int(m[2])
        if not 1 <= mo <= 12:
            return m[0]
        if m[3]:
            try:
                return day(dt.date(y, mo, int(m[3])), lang)
            except ValueError:
                return m[0]
        return month(dt.date(y, mo, 1), lang)

    return _ISO.sub(words, text)


def iso_inside(text: str | None, lang: str = "en") -> str:
    return _iso_inside(text or "", lang)
