"""/: what the signed-in role needs first.

- officer: open needs and recent activities of their regions and projects, and their own
  last changes;
- secretariat and administrator: coverage by priority area and region, and the year so far;
- donor: its contributions (pledged, received, spent, balance) and what its money bought;
- viewer: recent activities and open needs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import get
from litestar.params import FromQuery
from litestar.response import Template

from reports.annual import AnnualFilters, build_annual
from reports.coverage import need_coverage
from reports.funding import build_funding, grand_total
from reports.matrix import coverage_by
from ta_manager.accounts.assignments import assignments
from ta_manager.accounts.donor_view import reader_for
from ta_manager.accounts.roles import DONOR, EVERYONE, OFFICER, VIEWER
from ta_manager.activities.service import ActivityFilters, ActivityService
from ta_manager.audit import service as audit
from ta_manager.database import sql
from ta_manager.needs.service import NeedFilters, NeedService
from ta_manager.ui.funding import contribution_rows
from ta_manager.ui.pages import AnyRequest, account_of, render

RECENT = 8


async def _codes(table: str, ids: list[int]) -> list[str]:
    rows = await sql.fetch(f"SELECT code FROM {table} WHERE id = ANY($1::bigint[])", ids)
    return [r["code"] for r in rows]


async def officer_view(request: AnyRequest) -> dict[str, Any]:
    account = account_of(request)
    region_ids, project_ids = await assignments(account.id)
    regions = await _codes("region", region_ids)
    projects = await _codes("project", project_ids)
    needs = await NeedService().page(
        NeedFilters(region=regions or None, status=["open", "in_progress"]),
        sort="-stated_on",
        limit=RECENT,
    )
    activities = ActivityService()
    if projects and not regions:
        recent = await activities.page(
            ActivityFilters(project=projects), sort="-updated_at", limit=RECENT
        )
    else:
        recent = await activities.page(
            ActivityFilters(region=regions or None), sort="-updated_at", limit=RECENT
        )
    mine, _ = await audit.page(audit.AuditFilters(user=str(account.id)), limit=RECENT)
    return {
        "regions": regions,
        "projects": projects,
        "open_needs": needs,
        "recent": recent,
        "mine": mine,
    }


async def secretariat_view(request: AnyRequest, year: int) -> dict[str, Any]:
    needs = await need_coverage(NeedFilters())
    annual = await build_annual(AnnualFilters(year=year))
    last = await ActivityService().page(None, sort="-actual_start", limit=1)
    latest = next((a["actual_start"] for a in last.items if a["actual_start"]), None)
    return {
        "by_area": coverage_by(needs, "priority_area", "priority_area_name").to_dicts(),
        "by_region": coverage_by(needs, "region_code", "region_name").to_dicts(),
        "needs_total": needs.height,
        "year": year,
        "figures": annual.figures,
        "latest_year": int(str(latest)[:4]) if latest else None,  # a partial date: "2008-06"
    }


async def donor_view(request: AnyRequest) -> dict[str, Any]:
    account = account_of(request)
    funding = await build_funding(account.donor_id)
    return {
        "totals": grand_total(funding),
        "contributions": contribution_rows(funding.contributions),
        "bought": funding.activities.to_dicts(),
    }


async def viewer_view(request: AnyRequest) -> dict[str, Any]:
    reader = reader_for(ActivityService(), request.scope.get("user"))
    recent = await reader.page(None, sort="-updated_at", limit=RECENT)
    needs = await NeedService().page(NeedFilters(status=["open"]), sort="-stated_on", limit=RECENT)
    return {"recent": recent, "open_needs": needs}


@get("/", opt={"roles": EVERYONE}, include_in_schema=False)
async def dashboard(request: AnyRequest, year: FromQuery[int | None] = None) -> Template:
    role = account_of(request).role
    if role == OFFICER:
        view, data = "officer", await officer_view(request)
    elif role == DONOR:
        view, data = "donor", await donor_view(request)
    elif role == VIEWER:
        view, data = "viewer", await viewer_view(request)
    else:
        view, data = "secretariat", await secretariat_view(request, year or dt.date.today().year)
    return render(request, f"dashboard/{view}.html", **data)


ROUTES: list[Any] = [dashboard]
