from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ta_manager.errors import FieldError
from ta_manager.needs import queries
from ta_manager.needs.schemas import NeedSource, NeedStatus
from ta_manager.records import references as R
from ta_manager.records.filters import Where
from ta_manager.records.service import LinkField, RecordService, RefField
from ta_manager.reference.tables import AssistanceType


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
    search_indexed = True
    sortable = ("code", "stated_on", "status", "priority", "created_at", "updated_at")
    default_sort = "code"

    def extra_links(self) -> dict[str, str]:
        return {"activities": queries.ACTIVITIES}

    async def check(self, record: dict[str, Any], record_id: int | None) -> list[FieldError]:
        type_id = record.get("assistance_type_id")
        if type_id is None:
            return []
        found = await (
            AssistanceType.select(AssistanceType.priority_area_id)
            .where(AssistanceType.id == type_id)
            .first()
        )
        area_id = found["priority_area_id"] if found else None
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
    await queries.add_need_filters(where, f, alias)
