"""Services for reference data: States, regions, instruments, priority areas, codelists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import asyncpg

from ta_manager.database import sql
from ta_manager.errors import Conflict, FieldError, NotFound
from ta_manager.records import references as R
from ta_manager.records.filters import Where, add_codes
from ta_manager.records.service import LinkField, RecordService, RefField
from ta_manager.reference.schemas import OrgRole, RegionKind


@dataclass(frozen=True)
class CountryFilters:
    region: list[str] | None = None


@dataclass(frozen=True)
class RegionFilters:
    country: list[str] | None = None
    kind: list[RegionKind] | None = None


@dataclass(frozen=True)
class RatificationFilters:
    country: list[str] | None = None
    instrument: list[str] | None = None
    region: list[str] | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass(frozen=True)
class PriorityAreaFilters:
    instrument: list[str] | None = None
    active: bool | None = None


@dataclass(frozen=True)
class AssistanceTypeFilters:
    priority_area: list[str] | None = None
    active: bool | None = None


@dataclass(frozen=True)
class OrganizationFilters:
    country: list[str] | None = None
    role: list[OrgRole] | None = None


async def add_region_filter(where: Where, codes: list[str] | None, country_expr: str) -> None:
    """States in any of the given regions or groupings (by code, name or M49 code)."""
    await add_codes(
        where,
        f"{country_expr} IN (SELECT country_id FROM region_member WHERE region_id = ANY({{}}))",
        codes,
        R.REGION,
        "region",
    )


class CountryService(RecordService):
    resource = "country"
    table = "country"
    columns = ("iso2", "iso3", "m49_code", "name", "official_name", "un_member")
    refs = (
        RefField("region", "region_id", R.REGION),
        RefField("sub_region", "sub_region_id", R.REGION),
    )
    search_columns = ("name", "official_name", "iso3")
    sortable = ("name", "iso3", "iso2", "m49_code")
    default_sort = "name"
    code_column = "iso3"

    async def filter(self, where: Where, filters: CountryFilters) -> None:
        await add_region_filter(where, filters.region, "t.id")


class RegionService(RecordService):
    resource = "region"
    table = "region"
    columns = ("code", "name", "kind", "m49_code", "description")
    links = (LinkField("members", "region_member", "region_id", "country_id", R.COUNTRY),)
    search_columns = ("name", "code")
    sortable = ("code", "name", "kind")
    default_sort = "kind,code"

    async def filter(self, where: Where, filters: RegionFilters) -> None:
        await add_codes(where, "t.kind = ANY({})", filters.kind, None, "kind")
        await add_codes(
            where,
            "t.id IN (SELECT region_id FROM region_member WHERE country_id = ANY({}))",
            filters.country,
            R.COUNTRY,
            "country",
        )


class InstrumentService(RecordService):
    resource = "instrument"
    table = "instrument"
    columns = ("code", "short_name", "name", "adopted_on", "entry_into_force")
    refs = (RefField("parent", "parent_id", R.INSTRUMENT),)
    search_columns = ("name", "short_name", "code")
    sortable = ("code", "name", "entry_into_force")
    default_sort = "id"

    async def check(self, record: dict[str, Any], record_id: int | None) -> list[FieldError]:
        adopted, eif = record.get("adopted_on"), record.get("entry_into_force")
        if adopted and eif and eif < adopted:
            return [FieldError("entry_into_force", "is before adopted_on", str(eif))]
        return []

    async def parties(self, code: str, as_of: dt.date) -> dict[str, Any]:
        """States whose instrument was deposited on or before `as_of` (see docs/api.md)."""
        found = await R.INSTRUMENT.lookup([R.INSTRUMENT.normalise(code)])
        if not found:
            raise NotFound("instrument", repr(code))
        instrument_id = next(iter(found.values()))
        rows = await sql.fetch(
            "SELECT kind, count(*) AS n FROM ratification"
            " WHERE instrument_id = $1 AND deposited_on <= $2 GROUP BY kind",
            instrument_id,
            as_of,
        )
        by_kind = {r["kind"]: r["n"] for r in rows}
        return {
            "instrument": R.INSTRUMENT.normalise(code),
            "as_of": as_of,
            "parties": sum(by_kind.values()),
            "by_kind": by_kind,
        }


class RatificationService(RecordService):
    resource = "ratification"
    table = "ratification"
    columns = ("kind", "deposited_on", "notes")
    refs = (
        RefField("country", "country_id", R.COUNTRY),
        RefField("instrument", "instrument_id", R.INSTRUMENT),
    )
    sortable = ("deposited_on", "id")
    default_sort = "deposited_on"
    code_column = None

    def translate(self, exc: asyncpg.PostgresError) -> Exception:
        if isinstance(exc, asyncpg.UniqueViolationError):
            return Conflict(
                "this State already has a ratification of this instrument",
                [FieldError("instrument", "already ratified by this State")],
            )
        return super().translate(exc)

    async def filter(self, where: Where, filters: RatificationFilters) -> None:
        await add_codes(where, "t.country_id = ANY({})", filters.country, R.COUNTRY, "country")
        await add_codes(
            where, "t.instrument_id = ANY({})", filters.instrument, R.INSTRUMENT, "instrument"
        )
        await add_region_filter(where, filters.region, "t.country_id")
        where.period("t.deposited_on", "t.deposited_on", filters.date_from, filters.date_to)


class PriorityAreaService(RecordService):
    resource = "priority area"
    table = "priority_area"
    columns = ("code", "name", "description", "mandate", "sort_order", "active")
    refs = (RefField("instrument", "instrument_id", R.INSTRUMENT),)
    search_columns = ("name", "code", "mandate")
    sortable = ("sort_order", "code", "name")
    default_sort = "sort_order,code"

    def extra_select(self) -> list[str]:
        return [
            "ARRAY(SELECT a.code FROM assistance_type a WHERE a.priority_area_id = t.id"
            " ORDER BY a.sort_order, a.code) AS assistance_types"
        ]

    async def filter(self, where: Where, filters: PriorityAreaFilters) -> None:
        await add_codes(
            where, "t.instrument_id = ANY({})", filters.instrument, R.INSTRUMENT, "instrument"
        )
        if filters.active is not None:
            where.add("t.active = {}", filters.active)


class AssistanceTypeService(RecordService):
    resource = "assistance type"
    table = "assistance_type"
    columns = ("code", "name", "description", "sort_order", "active")
    refs = (RefField("priority_area", "priority_area_id", R.PRIORITY_AREA),)
    search_columns = ("name", "code")
    sortable = ("sort_order", "code", "name", "priority_area_id")
    default_sort = "priority_area_id,sort_order"

    async def filter(self, where: Where, filters: AssistanceTypeFilters) -> None:
        await add_codes(
            where,
            "t.priority_area_id = ANY({})",
            filters.priority_area,
            R.PRIORITY_AREA,
            "priority_area",
        )
        if filters.active is not None:
            where.add("t.active = {}", filters.active)


class ActivityTypeService(RecordService):
    resource = "activity type"
    table = "activity_type"
    columns = ("code", "name", "description", "sort_order")
    search_columns = ("name", "code")
    sortable = ("sort_order", "code", "name")
    default_sort = "sort_order"


class SectorService(RecordService):
    resource = "sector"
    table = "sector"
    columns = ("code", "name", "description")
    search_columns = ("name", "code")
    sortable = ("code", "name")
    default_sort = "code"


class OrganizationService(RecordService):
    resource = "organization"
    table = "organization"
    columns = ("code", "name", "acronym", "roles", "iati_org_type", "iati_identifier", "notes")
    refs = (RefField("country", "country_id", R.COUNTRY),)
    search_columns = ("name", "acronym", "code")
    sortable = ("code", "name")
    default_sort = "code"

    async def filter(self, where: Where, filters: OrganizationFilters) -> None:
        await add_codes(where, "t.roles && {}::text[]", filters.role, None, "role")
        await add_codes(where, "t.country_id = ANY({})", filters.country, R.COUNTRY, "country")
