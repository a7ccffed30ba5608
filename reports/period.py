"""Report periods: a year or a from/to pair, checked once for every report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ta_manager.errors import FieldError, InvalidInput


@dataclass(frozen=True)
class Period:
    start: dt.date | None = None
    end: dt.date | None = None

    def label(self) -> str:
        if self.start is None and self.end is None:
            return "all dates"
        return f"{self.start or '…'} to {self.end or '…'}"


def check_order(
    start: dt.date | None, end: dt.date | None, start_field: str = "from", end_field: str = "to"
) -> None:
    if start is not None and end is not None and start > end:
        raise InvalidInput(
            f"{start_field} ({start}) is after {end_field} ({end})",
            [FieldError(start_field, f"is after {end_field} ({end})", str(start))],
        )


def period_of(
    year: int | None = None, start: dt.date | None = None, end: dt.date | None = None
) -> Period:
    """The period asked for: `year` alone, or `from`/`to` (either may be open)."""
    if year is not None:
        if start is not None or end is not None:
            raise InvalidInput.of("year", "give either year or from/to, not both", year)
        if not 1900 <= year <= 2100:
            raise InvalidInput.of("year", "must be between 1900 and 2100", year)
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))
    check_order(start, end)
    return Period(start, end)
