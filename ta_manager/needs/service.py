from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ta_manager.database import sql
from ta_manager.errors import FieldError
from ta_manager.needs.schemas import NeedSource, NeedStatus
from ta_manager.records import references as R
from ta_manager.records.filters import Where, add_codes
from ta_manager.records.service import LinkField, RecordService, RefField
from ta_manager.reference.services import add_region_filter


@dataclass(frozen=True)
class NeedFilters:
    country: list[str] | None = None
    region: list[str] | None = None
    priority_area: list[str] | None = None
    assistance_type: list[str] | None = None
    instrument: list[str] | None = None
    status: list[NeedStatus] | None = None
    source: list[NeedSource] | None = None
    undated: bool | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class NeedService(RecordService):
    resource = "need"
    table = "assistance_request"
    columns = (
        "code",
        "description",
        "source",
        "source_reference",
        "stated_on",
        "status",
        "priority",
        "sources",
    )
    partial_dates = ("stated_on",)
    refs = (
        RefField("country", "country_id", R.COUNTRY),
        RefField("priority_area", "priority_area_id", R.PRIORITY_AREA),
        RefField("assistance_type", "assistance_type_id", R.ASSISTANCE_TYPE),
    )
    links = (
        LinkField(
            "instruments",
            "assistance_request_instrument",
            "assistance_request_id",
            "instrument_id",
            R.INSTRUMENT,
        ),
    )
    archivable = True
    search_columns = ("code", "description", "source_reference")
    sortable = ("code", "stated_on", "status", "priority", "created_at", "updated_at")
    default_sort = "code"

    def extra_select(self) -> list[str]:
        return [
            "ARRAY(SELECT a.code FROM activity_need an JOIN activity a ON a.id = an.activity_id"
            " WHERE an.assistance_request_id = t.id ORDER BY a.code) AS activities"
        ]

    async def check(self, record: dict[str, Any], record_id: int | None) -> list[FieldError]:
        type_id = record.get("assistance_type_id")
        if type_id is None:
            return []
        area_id = await sql.fetchval(
            "SELECT priority_area_id FROM assistance_type WHERE id = $1", type_id
        )
        if area_id != record.get("priority_area_id"):
            return [
                FieldError(
                    "assistance_type", "does not belong to the need's priority area", type_id
                )
            ]
        return []

    async def filter(self, where: Where, filters: NeedFilters) -> None:
        await add_need_filters(where, filters, "t")


async def add_need_filters(where: Where, f: NeedFilters, alias: str) -> None:
    """Need filters, shared with reports so that the API and spreadsheets agree."""
    a = alias
    await add_codes(where, f"{a}.country_id = ANY({{}})", f.country, R.COUNTRY, "country")
    await add_region_filter(where, f.region, f"{a}.country_id")
    await add_codes(
        where,
        f"{a}.priority_area_id = ANY({{}})",
        f.priority_area,
        R.PRIORITY_AREA,
        "priority_area",
    )
    await add_codes(
        where,
        f"{a}.assistance_type_id = ANY({{}})",
        f.assistance_type,
        R.ASSISTANCE_TYPE,
        "assistance_type",
    )
    await add_codes(
        where,
        f"{a}.id IN (SELECT assistance_request_id FROM assistance_request_instrument"
        " WHERE instrument_id = ANY({}))",
        f.instrument,
        R.INSTRUMENT,
        "instrument",
    )
    await add_codes(where, f"{a}.status = ANY({{}})", f.status, None, "status")
    await add_codes(where, f"{a}.source = ANY({{}})", f.source, None, "source")
    if f.undated is not None:
        where.add(f"{a}.stated_on IS {'' if f.undated else 'NOT '}NULL")
    # A need stated "in 2008" is in every period that overlaps 2008 (stated_until is the
    # last day of stated_on at its precision).
    where.period(f"{a}.stated_on", f"{a}.stated_until", f.date_from, f.date_to)
