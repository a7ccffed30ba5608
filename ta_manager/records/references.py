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


@dataclass(frozen=True)
class StateReference(Reference):
    """States are matched by ta_manager.reference.country_names (codes, UN names in three
    languages, aliases; historical names refused with their explanation). With
    `current_only`, former-name entries are refused too (the field needs a current State)."""

    current_only: bool = False

    async def lookup(self, values: list[str]) -> dict[str, int]:
        from ta_manager.reference.country_names import StateNameError, state_names

        names = await state_names()
        found: dict[str, int] = {}
        for value in values:
            try:
                match = names.match(value, current_only=self.current_only)
            except StateNameError:
                continue
            if match.id is not None:
                found[value] = match.id
        return found

    async def reasons(self, values: list[str]) -> dict[str, str]:
        """Why each value names no usable State (unknown, ambiguous, former name...)."""
        from ta_manager.reference.country_names import StateNameError, state_names

        names = await state_names()
        out: dict[str, str] = {}
        for value in values:
            try:
                names.match(value, current_only=self.current_only)
            except StateNameError as exc:
                out[value] = str(exc)
        return out

    async def ids(self, values: Iterable[str], field_name: str) -> list[int]:
        wanted = [self.normalise(v) for v in values]
        if not wanted:
            return []
        found = await self.lookup(wanted)
        missing = [v for v in dict.fromkeys(wanted) if v not in found]
        if missing:
            reasons = await self.reasons(missing)
            errors = [FieldError(field_name, reasons.get(m, "unknown State"), m) for m in missing]
            raise InvalidInput("; ".join(_said(field_name, e) for e in errors), errors)
        return [found[v] for v in wanted]


def _said(field_name: str, error: FieldError) -> str:
    """'country: Southern Sudan: South Sudan became...' / "country: 'Benim': unknown State..."."""
    if str(error.reason).startswith(f"{error.value}:"):
        return f"{field_name}: {error.reason}"
    return f"{field_name}: {error.value!r}: {error.reason}"


# Any entry of the country table, including a former-name entry named explicitly (by its code
# or its name): fields that record history (needs, activities, projects) and filters.
COUNTRY = StateReference("country", "State", code_column="iso3", normalise=_strip)
# A current State or territory: ratifications, regional groupings, organizations' seats.
CURRENT_COUNTRY = StateReference(
    "country", "State", code_column="iso3", normalise=_strip, current_only=True
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
