"""Resolve the business codes users type (ISO-3, priority area codes, org codes) to row ids.

Records reference each other by code in the API and in files, because users know codes,
not database ids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from piccolo.query import WhereRaw

from ta_manager.database.prepared import Param, Prepared
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
    # Other columns that also identify a row, compared case-insensitively (e.g. its name).
    aliases: tuple[str, ...] = field(default_factory=tuple)

    @property
    def model(self) -> Any:
        from ta_manager.tables import BY_NAME

        return BY_NAME[self.table]

    def matching(self, values: Iterable[str]) -> WhereRaw:
        """Rows whose code is one of `values`, case-insensitively (the upper(code) index)."""
        return WhereRaw(
            f'upper("{self.code_column}"::text) = ANY({{}}::text[])',
            sorted({str(v).strip().upper() for v in values}),
        )

    @cached_property
    def _lookup(self) -> Prepared:
        model = self.model
        columns = (self.code_column, *self.aliases)
        condition = " OR ".join(f'upper("{c}"::text) = ANY({{}}::text[])' for c in columns)
        return Prepared(
            lambda: model.select(model.id, *(getattr(model, c) for c in columns)).where(
                WhereRaw(condition, *([Param("values")] * len(columns)))
            )
        )

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
        """Map each given value to an id where some identifying column matches it (the code
        first, then the aliases in order)."""
        wanted = {v.upper(): v for v in values}
        rows = await self._lookup.fetch(values=sorted(wanted))
        found: dict[str, int] = {}
        for column in (self.code_column, *self.aliases):
            for r in rows:
                key = str(r[column]).upper() if r[column] is not None else None
                if key is not None and key in wanted and wanted[key] not in found:
                    found[wanted[key]] = r["id"]
        return {v: found[wanted[v.upper()]] for v in values if wanted[v.upper()] in found}


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
REGION = Reference("region", "region", normalise=_upper, aliases=("name", "m49_code"))
INSTRUMENT = Reference("instrument", "instrument", normalise=_upper)
PRIORITY_AREA = Reference("priority_area", "priority area", normalise=_upper)
ASSISTANCE_TYPE = Reference("assistance_type", "assistance type", normalise=_upper)
ACTIVITY_TYPE = Reference("activity_type", "activity type", aliases=("name",))
SECTOR = Reference("sector", "DAC sector")
ORGANIZATION = Reference("organization", "organization", normalise=_upper)
PROJECT = Reference("project", "project", normalise=_upper)
NEED = Reference("assistance_request", "need", normalise=_upper)
ACTIVITY = Reference("activity", "activity", normalise=_upper)
CONTRIBUTION = Reference("contribution", "contribution", normalise=_upper)
