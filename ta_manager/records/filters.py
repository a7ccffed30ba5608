"""Building WHERE clauses with numbered asyncpg parameters."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class Where:
    """Collects conditions; `{}` in a condition becomes the next `$n` parameter."""

    def __init__(self) -> None:
        self.conditions: list[str] = []
        self.args: list[Any] = []

    def add(self, condition: str, *args: Any) -> None:
        placeholders = []
        for arg in args:
            self.args.append(arg)
            placeholders.append(f"${len(self.args)}")
        self.conditions.append(condition.format(*placeholders))

    def period(self, start: str, end: str, date_from: Any, date_to: Any) -> None:
        """Rows whose interval [start, end] overlaps [date_from, date_to] (docs/data-model.md).

        `start`/`end` are date expressions: a single date column is passed as both; a
        partial date as its first and last day. An `end` that is NULL while `start` is not
        means "open": ongoing until today (so an activity running since 2004 is in a 2019
        period, and in no period after today). Rows with no start are undated: they match
        no period (reports list them on their own line).
        """
        if date_from:
            self.add(
                f"({end} >= {{}} OR ({end} IS NULL AND {start} IS NOT NULL"
                f" AND greatest(current_date, {start}) >= {{}}))",
                date_from,
                date_from,
            )
        if date_to:
            self.add(f"{start} <= {{}}", date_to)

    def copy(self) -> Where:
        other = Where()
        other.conditions = list(self.conditions)
        other.args = list(self.args)
        return other

    def sql(self) -> str:
        return ("WHERE " + " AND ".join(self.conditions)) if self.conditions else ""


def split_values(values: Iterable[str] | str | None) -> list[str]:
    """Accept `?country=BEN&country=TCD` as well as `?country=BEN,TCD`."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for v in values:
        out.extend(p.strip() for p in v.split(",") if p.strip())
    return out


async def add_codes(
    where: Where, condition: str, values: Iterable[str] | str | None, ref: Any, field: str
) -> None:
    """Filter on codes given by the user: resolved through `ref` (unknown → 422 naming
    `field`), or used as they are when `ref` is None."""
    codes = split_values(values)
    if codes:
        where.add(condition, await ref.ids(codes, field) if ref is not None else codes)
