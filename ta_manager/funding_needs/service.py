"""Funding needs: gaps and resource requests, with their sources; reports and proposals
list them beside the money that is there."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ta_manager.database import sql
from ta_manager.errors import FieldError
from ta_manager.records import references as R
from ta_manager.records.filters import Where, add_codes
from ta_manager.records.service import RecordService, RefField

# Proposals have no code: they are referenced by id.
PROPOSAL = R.Reference("proposal", "proposal", code_column="id", normalise=lambda v: str(v).strip())


@dataclass(frozen=True)
class FundingNeedFilters:
    priority_area: list[str] | None = None
    project: list[str] | None = None
    proposal: int | None = None
    kind: list[str] | None = None
    status: list[str] | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class FundingNeedService(RecordService):
    resource = "funding need"
    table = "funding_need"
    columns = (
        "code",
        "kind",
        "title",
        "description",
        "amount",
        "currency",
        "stated_on",
        "status",
        "sources",
    )
    partial_dates = ("stated_on",)
    refs = (
        RefField("priority_area", "priority_area_id", R.PRIORITY_AREA),
        RefField("project", "project_id", R.PROJECT),
        RefField("proposal", "proposal_id", PROPOSAL),
    )
    archivable = True
    search_columns = ("code", "title", "description")
    search_indexed = True
    sortable = ("code", "title", "stated_on", "amount", "status", "created_at", "updated_at")
    default_sort = "code"

    def defaults(self) -> dict[str, Any]:
        return {"kind": "resource_request", "status": "open"}

    async def check(self, record: dict[str, Any], record_id: int | None) -> list[FieldError]:
        errors: list[FieldError] = []
        subjects = ("priority_area_id", "project_id", "proposal_id")
        if all(record.get(k) is None for k in subjects):
            errors.append(
                FieldError("priority_area", "give a priority_area, a project or a proposal")
            )
        if record.get("amount") is not None and not record.get("currency"):
            errors.append(FieldError("currency", "is required with an amount"))
        return errors

    async def filter(self, where: Where, f: FundingNeedFilters) -> None:
        await add_codes(
            where,
            "t.priority_area_id = ANY({})",
            f.priority_area,
            R.PRIORITY_AREA,
            "priority_area",
        )
        await add_codes(where, "t.project_id = ANY({})", f.project, R.PROJECT, "project")
        if f.proposal is not None:
            where.add("t.proposal_id = {}", f.proposal)
        await add_codes(where, "t.kind = ANY({})", f.kind, None, "kind")
        await add_codes(where, "t.status = ANY({})", f.status, None, "status")
        where.period(
            "t.stated_on",
            "partial_date_end(t.stated_on, t.stated_on_precision)",
            f.date_from,
            f.date_to,
        )


async def funding_needs_for(
    priority_areas: list[str] | None = None,
    projects: list[str] | None = None,
    proposal_id: int | None = None,
) -> list[dict[str, Any]]:
    """Open funding needs stated for any of these priority areas, projects or the proposal
    (what proposals and reports list); not archived."""
    rows = await sql.fetch(
        """
        SELECT f.id FROM funding_need f
        LEFT JOIN priority_area pa ON pa.id = f.priority_area_id
        LEFT JOIN project p ON p.id = f.project_id
        WHERE f.archived_at IS NULL AND f.status = 'open'
          AND (pa.code = ANY($1::text[]) OR p.code = ANY($2::text[]) OR f.proposal_id = $3)
        ORDER BY f.code""",
        priority_areas or [],
        projects or [],
        proposal_id,
    )
    return await FundingNeedService().get_many([r["id"] for r in rows])
