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
        """Rows whose [start, end] overlaps [date_from, date_to]; for a single date column pass
        it as both start and end."""
        if date_from:
            self.add(f"{end} >= {{}}", date_from)
        if date_to:
            self.add(f"{start} <= {{}}", date_to)

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
