"""Services for reference data: States, regions, instruments, priority areas, codelists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import asyncpg

from ta_manager.errors import Conflict, FieldError
from ta_manager.records import references as R
from ta_manager.records.filters import Where, add_codes
from ta_manager.records.service import LinkField, RecordService, RefField
from ta_manager.reference.instrument_status import parties_of
from ta_manager.reference.schemas import OrgRole, RegionKind
from ta_manager.reference.tables import Country


@dataclass(frozen=True)
class ReferenceFilters:
    region: list[str] | None = None
    country: list[str] | None = None
    instrument: list[str] | None = None
    priority_area: list[str] | None = None
    role: list[OrgRole] | None = None
    kind: list[RegionKind] | None = None
    status: list[str] | None = None
    active: bool | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


# The types of assistance of the priority areas in $1, in their order (a union member of
# records/queries.py).
ASSISTANCE_TYPES = (
    "SELECT a.priority_area_id AS owner, 'assistance_types' AS field, a.code::text AS code,"
    " a.sort_order::bigint AS ord, NULL::bigint AS n FROM assistance_type a"
    " WHERE a.priority_area_id = ANY($1::bigint[])"
)


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
    columns = (
        "iso2",
        "iso3",
        "m49_code",
        "name",
        "official_name",
        "name_fr",
        "name_es",
        "official_name_fr",
        "official_name_es",
        "status",
        "note",
    )
    refs = (
        RefField("region", "region_id", R.REGION),
        RefField("sub_region", "sub_region_id", R.REGION),
    )
    search_columns = ("name", "official_name", "name_fr", "name_es", "iso3")
    sortable = ("name", "iso3", "iso2", "m49_code", "status")
    default_sort = "name"
    code_column = "iso3"

    def defaults(self) -> dict[str, Any]:
        return {"status": "territory", "iso2": None}

    async def check(self, record: dict[str, Any], record_id: int | None) -> list[FieldError]:
        if record.get("iso2") is None and record.get("status") != "former_name":
            return [FieldError("iso2", "is required (only former-name entries have none)")]
        return []

    async def filter(self, where: Where, filters: ReferenceFilters) -> None:
        await add_region_filter(where, filters.region, "t.id")
        await add_codes(where, "t.status = ANY({})", filters.status, None, "status")


class RegionService(RecordService):
    resource = "region"
    table = "region"
    columns = ("code", "name", "kind", "m49_code", "description")
    links = (LinkField("members", "region_member", "region_id", "country_id", R.COUNTRY),)
    search_columns = ("name", "code")
    sortable = ("code", "name", "kind")
    default_sort = "kind,code"

    async def check(self, record: dict[str, Any], record_id: int | None) -> list[FieldError]:
        """A grouping holds current States (and territories listed explicitly), never
        former-name entries; M49 regions also list the former entries that lie in them."""
        if record.get("kind", "grouping") != "grouping" or not record.get("members"):
            return []
        ids = await R.COUNTRY.ids(record["members"], "members")
        former = await (
            Country.select(Country.iso3, Country.name)
            .where(Country.id.is_in(ids) & (Country.status == "former_name"))
            .order_by(Country.iso3)
        )
        return [
            FieldError(
                "members",
                f"{r['name']} ({r['iso3']}) is a former-name entry, not a current State;"
                " a regional grouping holds current States",
                r["iso3"],
            )
            for r in former
        ]

    async def filter(self, where: Where, filters: ReferenceFilters) -> None:
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
        """Parties on `as_of`, from recorded ratifications or a published status, or no
        data (ta_manager.reference.instrument_status)."""
        return await parties_of(code, as_of)


class RatificationService(RecordService):
    resource = "ratification"
    table = "ratification"
    columns = ("kind", "deposited_on", "notes")
    refs = (
        RefField("country", "country_id", R.CURRENT_COUNTRY),
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

    async def filter(self, where: Where, filters: ReferenceFilters) -> None:
        await add_codes(where, "t.country_id = ANY({})", filters.country, R.COUNTRY, "country")
        await add_codes(
            where, "t.instrument_id = ANY({})", filters.instrument, R.INSTRUMENT, "instrument"
        )
        await add_region_filter(where, filters.region, "t.country_id")
        where.period("t.deposited_on", "t.deposited_on", filters.date_from, filters.date_to)


class PriorityAreaService(RecordService):
    resource = "priority area"
    table = "priority_area"
    columns = (
        "code",
        "name",
        "name_fr",
        "name_es",
        "description",
        "mandate",
        "sort_order",
        "active",
    )
    refs = (RefField("instrument", "instrument_id", R.INSTRUMENT),)
    search_columns = ("name", "name_fr", "name_es", "code", "mandate")
    sortable = ("sort_order", "code", "name")
    default_sort = "sort_order,code"

    def extra_links(self) -> dict[str, str]:
        return {"assistance_types": ASSISTANCE_TYPES}

    async def filter(self, where: Where, filters: ReferenceFilters) -> None:
        await add_codes(
            where, "t.instrument_id = ANY({})", filters.instrument, R.INSTRUMENT, "instrument"
        )
        if filters.active is not None:
            where.add("t.active = {}", filters.active)


class AssistanceTypeService(RecordService):
    resource = "assistance type"
    table = "assistance_type"
    columns = ("code", "name", "name_fr", "name_es", "description", "sort_order", "active")
    refs = (RefField("priority_area", "priority_area_id", R.PRIORITY_AREA),)
    search_columns = ("name", "name_fr", "name_es", "code")
    sortable = ("sort_order", "code", "name", "priority_area_id")
    default_sort = "priority_area_id,sort_order"

    async def filter(self, where: Where, filters: ReferenceFilters) -> None:
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
    refs = (RefField("country", "country_id", R.CURRENT_COUNTRY),)
    search_columns = ("name", "acronym", "code")
    search_indexed = True
    sortable = ("code", "name")
    default_sort = "code"

    async def filter(self, where: Where, filters: ReferenceFilters) -> None:
        await add_codes(where, "t.roles && {}::text[]", filters.role, None, "role")
        await add_codes(where, "t.country_id = ANY({})", filters.country, R.COUNTRY, "country")
