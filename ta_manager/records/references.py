"""Resolve the business codes users type (ISO-3, priority area codes, org codes) to row ids.

Records reference each other by code in the API and in files, because users know codes,
not database ids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ta_manager.database import sql
from ta_manager.errors import FieldError, InvalidInput


def _upper(value: str) -> str:
    return value.strip().upper()


def _strip(value: str) -> str:
    return value.strip()


@dataclass(frozen=True)
class Reference:
    """A table whose rows are referenced by a code column."""

    table: str
    label: str
    code_column: str = "code"
    normalise: Callable[[str], str] = _strip
    # Extra SQL expressions (over the row) that also identify it, e.g. ISO-2 or the name.
    aliases: tuple[str, ...] = field(default_factory=tuple)

    def code_sql(self, id_expr: str) -> str:
        return f"(SELECT {self.code_column} FROM {self.table} WHERE id = {id_expr})"

    async def ids(self, values: Iterable[str], field_name: str) -> list[int]:
        """Ids for the given codes, in order; every unknown code is reported."""
        wanted = [self.normalise(v) for v in values]
        if not wanted:
            return []
        found = await self.lookup(wanted)
        missing = [v for v in wanted if v not in found]
        if missing:
            raise InvalidInput(
                f"{field_name}: unknown {self.label} {', '.join(map(repr, missing))}",
                [FieldError(field_name, f"unknown {self.label}", m) for m in missing],
            )
        return [found[v] for v in wanted]

    async def id(self, value: str, field_name: str) -> int:
        return (await self.ids([value], field_name))[0]

    async def lookup(self, values: list[str]) -> dict[str, int]:
        """Map each given value to an id where some identifying column matches it."""
        exprs = [f"upper({self.code_column}::text)", *self.aliases]
        match = " OR ".join(f"{e} = upper(v)" for e in exprs)
        rows = await sql.fetch(
            f"SELECT v, t.id FROM unnest($1::text[]) AS v JOIN {self.table} t ON ({match})",
            values,
        )
        return {r["v"]: r["id"] for r in rows}


COUNTRY = Reference(
    "country",
    "State",
    code_column="iso3",
    normalise=_upper,
    aliases=("upper(iso2::text)", "upper(name)", "upper(official_name)"),
)
REGION = Reference("region", "region", normalise=_upper, aliases=("upper(name)", "m49_code"))
INSTRUMENT = Reference("instrument", "instrument", normalise=_upper)
PRIORITY_AREA = Reference("priority_area", "priority area", normalise=_upper)
ASSISTANCE_TYPE = Reference("assistance_type", "assistance type", normalise=_upper)
ACTIVITY_TYPE = Reference("activity_type", "activity type", aliases=("upper(name)",))
SECTOR = Reference("sector", "DAC sector")
ORGANIZATION = Reference("organization", "organization", normalise=_upper)
PROJECT = Reference("project", "project", normalise=_upper)
NEED = Reference("assistance_request", "need", normalise=_upper)
ACTIVITY = Reference("activity", "activity", normalise=_upper)
CONTRIBUTION = Reference("contribution", "contribution", normalise=_upper)
