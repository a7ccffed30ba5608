from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ta_manager.errors import FieldError
from ta_manager.projects.schemas import ProjectStatus
from ta_manager.records import references as R
from ta_manager.records.filters import Where, add_codes
from ta_manager.records.service import LinkField, RecordService, RefField


@dataclass(frozen=True)
class ProjectFilters:
    country: list[str] | None = None
    region: list[str] | None = None
    priority_area: list[str] | None = None
    donor: list[str] | None = None
    status: list[ProjectStatus] | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def end_before_start(record: dict[str, Any], start: str, end: str) -> list[FieldError]:
    s, e = record.get(start), record.get(end)
    if s is not None and e is not None and e < s:
        return [FieldError(end, f"is before {start} ({s.isoformat()})", e.isoformat())]
    return []


class ProjectService(RecordService):
    resource = "project"
    table = "project"
    columns = (
        "code",
        "title",
        "description",
        "status",
        "starts_on",
        "ends_on",
        "budget",
        "currency",
    )
    refs = (RefField("implementing_office", "implementing_office_id", R.ORGANIZATION),)
    links = (
        LinkField("donors", "project_donor", "project_id", "organization_id", R.ORGANIZATION),
        LinkField(
            "priority_areas",
            "project_priority_area",
            "project_id",
            "priority_area_id",
            R.PRIORITY_AREA,
        ),
        LinkField("countries", "project_country", "project_id", "country_id", R.COUNTRY),
        LinkField("sectors", "project_sector", "project_id", "sector_id", R.SECTOR),
    )
    archivable = True
    search_columns = ("code", "title")
    search_indexed = True
    sortable = ("code", "title", "starts_on", "ends_on", "status", "budget")
    default_sort = "code"

    async def check(self, record: dict[str, Any], record_id: int | None) -> list[FieldError]:
        return end_before_start(record, "starts_on", "ends_on")

    async def filter(self, where: Where, f: ProjectFilters) -> None:
        await add_codes(
            where,
            "t.id IN (SELECT project_id FROM project_country WHERE country_id = ANY({}))",
            f.country,
            R.COUNTRY,
            "country",
        )
        await add_codes(
            where,
            "t.id IN (SELECT pc.project_id FROM project_country pc JOIN region_member rm"
            " ON rm.country_id = pc.country_id WHERE rm.region_id = ANY({}))",
            f.region,
            R.REGION,
            "region",
        )
        await add_codes(
            where,
            "t.id IN (SELECT project_id FROM project_priority_area"
            " WHERE priority_area_id = ANY({}))",
            f.priority_area,
            R.PRIORITY_AREA,
            "priority_area",
        )
        await add_codes(
            where,
            "t.id IN (SELECT project_id FROM project_donor WHERE organization_id = ANY({}))",
            f.donor,
            R.ORGANIZATION,
            "donor",
        )
        await add_codes(where, "t.status = ANY({})", f.status, None, "status")
        # An active project with no end is open until today; a closed one ended on its start.
        where.period(
            "t.starts_on",
            "CASE WHEN t.status = 'closed' THEN coalesce(t.ends_on, t.starts_on)"
            " ELSE t.ends_on END",
            f.date_from,
            f.date_to,
        )
