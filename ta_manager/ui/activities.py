"""/activities: the list with the API's filters, an activity's page, and its form."""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from ta_manager.accounts.assignments import within_assignment
from ta_manager.accounts.donor_view import reader_for
from ta_manager.accounts.roles import EDITORS, EVERYONE, STAFF
from ta_manager.activities.schemas import ActivityCreate
from ta_manager.activities.service import ActivityFilters, ActivityService
from ta_manager.audit import service as audit
from ta_manager.errors import DomainError, InvalidInput, NotFound
from ta_manager.locale import N_
from ta_manager.records import references as R
from ta_manager.ui import choices
from ta_manager.ui.forms import Field, errors_from, shown
from ta_manager.ui.pages import AnyRequest, may, redirect, render
from ta_manager.ui.records import form_page, listing, save

SERVICE = ActivityService()

DATE_HELP = N_("A year (2008), a month (2008-05) or a day (2008-05-12)")
FIELDS: list[Field] = [
    Field("code", N_("Code"), required=True, help=N_("Your reference, e.g. GLO-2008-WS-01")),
    Field("title", N_("Title"), required=True),
    Field("type", N_("Type"), "select", choices="activity_types", required=True),
    Field(
        "category",
        N_("Kind"),
        "select",
        choices="activity_category",
        required=True,
        help=N_("Only technical assistance counts as activities carried out"),
    ),
    Field("status", N_("Status"), "select", choices="activity_status", required=True),
    Field("scope", N_("Scope"), "select", choices="scope", required=True),
    Field(
        "events",
        N_("Events"),
        "number",
        help=N_("How many events this record stands for (a series of five workshops: 5)"),
    ),
    Field("planned_start", N_("Planned start"), "partial_date", help=DATE_HELP),
    Field("planned_end", N_("Planned end"), "partial_date"),
    Field("actual_start", N_("Actual start"), "partial_date", help=DATE_HELP),
    Field("actual_end", N_("Actual end"), "partial_date"),
    Field("venue_city", N_("Venue (city)")),
    Field("venue_country", N_("Venue (State)"), "picker", picker="countries"),
    Field(
        "beneficiary_countries",
        N_("Beneficiary States"),
        "pickers",
        picker="countries",
        help=N_("Names in any UN or ISO spelling, or ISO codes, separated by ';'"),
    ),
    Field("project", N_("Project"), "picker", picker="projects"),
    Field(
        "delivers",
        N_("Delivers the plan"),
        "picker",
        picker="plans",
        help=N_("The proposed or planned record this one delivered"),
    ),
    Field(
        "same_event_as",
        N_("Same event as"),
        "pickers",
        picker="activities",
        help=N_("Other records of this same event (codes, separated by ';')"),
    ),
    Field(
        "needs",
        N_("Needs it answers"),
        "pickers",
        picker="needs",
        help=N_("Codes of the needs, separated by ';'"),
    ),
    Field("priority_areas", N_("Priority areas"), "checkboxes", choices="priority_areas"),
    Field("assistance_types", N_("Types of assistance"), "checkboxes", choices="assistance_types"),
    Field("instruments", N_("Instruments"), "checkboxes", choices="instruments"),
    Field(
        "beneficiary_institutions",
        N_("Beneficiary institutions"),
        "pickers",
        picker="organizations",
    ),
    Field("partners", N_("Partners"), "pickers", picker="organizations"),
    Field(
        "donors",
        N_("Donors"),
        "pickers",
        picker="donors",
        help=N_("Donors a source names for it, with or without amounts"),
    ),
    Field("sectors", N_("DAC sectors"), "pickers", picker="sectors"),
    Field("participants_total", N_("Participants (total)"), "number"),
    Field("participants_female", N_("Women"), "number"),
    Field("participants_male", N_("Men"), "number"),
    Field("participants_by_profession", N_("Participants by profession"), "professions"),
    Field("planned_cost", N_("Planned cost"), "money"),
    Field("actual_cost", N_("Actual cost"), "money"),
    Field("cost_currency", N_("Currency"), help=N_("ISO 4217, e.g. USD")),
    Field("description", N_("Description"), "textarea"),
    Field("outputs", N_("Outputs"), "textarea"),
    Field("sources", N_("Sources"), "sources"),
]
CHOICES = {f.choices for f in FIELDS if f.choices} | {"profession"}
FILTER_CHOICES = {
    "regions",
    "priority_areas",
    "activity_types",
    "activity_status",
    "activity_category",
}
NEW = {
    "status": "planned",
    "category": "technical_assistance",
    "events": "1",
    "sources": [],
    "scope": "national",
    "cost_currency": "USD",
    "priority_areas": [],
    "assistance_types": [],
    "instruments": [],
    "participants_by_profession": {},
}


@get("/activities", opt={"roles": EVERYONE}, include_in_schema=False)
async def list_activities(request: AnyRequest) -> Template:
    found = await listing(request, SERVICE, ActivityFilters)
    return render(
        request,
        "activities/list.html",
        fragment="activities/partials/results.html",
        page=found.page,
        errors=found.errors,
        choices=await choices.load(FILTER_CHOICES),
        may_review=may(request, STAFF),
    )


async def _form(
    request: AnyRequest,
    raw: dict[str, Any],
    errors: dict[str, list[str]],
    record: dict[str, Any] | None = None,
    status: int = 200,
    stale: list[dict[str, Any]] | None = None,
    version: int | None = None,
) -> Template:
    return await form_page(
        request, "activities", FIELDS, CHOICES, raw, errors, record, status, stale, version
    )


@get("/activities/new", opt={"roles": EDITORS}, include_in_schema=False)
async def new_activity(request: AnyRequest) -> Template:
    return await _form(request, dict(NEW), {})


@post("/activities/new", opt={"roles": EDITORS}, include_in_schema=False, status_code=200)
async def create_activity(request: AnyRequest) -> Response[Any]:
    saved = await save(request, SERVICE, ActivityCreate, FIELDS)
    if saved.record is None:
        return await _form(request, saved.raw, saved.errors, status=saved.status)
    return redirect(request, f"/activities/{saved.record['id']}?done=created")


@get("/activities/{record_id:int}", opt={"roles": EVERYONE}, include_in_schema=False)
async def show_activity(request: AnyRequest, record_id: FromPath[int]) -> Template:
    record = await reader_for(SERVICE, request.scope.get("user")).get(record_id)
    history: list[dict[str, Any]] = []
    if may(request, STAFF):
        history, _ = await audit.page(audit.AuditFilters(record=f"activity:{record_id}"), limit=20)
    return render(request, "activities/show.html", record=record, history=history)


@get("/activities/by-code/{code:str}", opt={"roles": EVERYONE}, include_in_schema=False)
async def activity_by_code(request: AnyRequest, code: FromPath[str]) -> Response[Any]:
    """A link by code (plans, same-event records) to the activity's page; 404 for a code
    the user may not see (a donor: activities its money did not fund)."""
    try:
        record_id = await R.ACTIVITY.id(code, "code")
    except InvalidInput as exc:
        raise NotFound("activity", code) from exc
    record = await reader_for(SERVICE, request.scope.get("user")).get(record_id)
    return Redirect(f"/activities/{record['id']}", status_code=303)


@get("/activities/{record_id:int}/edit", opt={"roles": EDITORS}, include_in_schema=False)
async def edit_activity(request: AnyRequest, record_id: FromPath[int]) -> Template:
    record = await SERVICE.get(record_id)
    return await _form(request, shown(record, FIELDS), {}, record)


@post("/activities/{record_id:int}/edit", opt={"roles": EDITORS}, include_in_schema=False)
async def update_activity(request: AnyRequest, record_id: FromPath[int]) -> Response[Any]:
    record = await SERVICE.get(record_id)
    saved = await save(request, SERVICE, ActivityCreate, FIELDS, record_id)
    if saved.record is None:
        return await _form(
            request,
            saved.raw,
            saved.errors,
            record,
            status=saved.status,
            stale=saved.stale,
            version=saved.current_version,
        )
    return redirect(request, f"/activities/{record_id}?done=saved")


@post(
    "/activities/{record_id:int}/archive",
    opt={"roles": EDITORS},
    include_in_schema=False,
    status_code=200,
)
async def archive_activity(request: AnyRequest, record_id: FromPath[int]) -> Response[Any]:
    account = request.scope.get("user")
    try:
        await within_assignment(
            account, SERVICE.table, record_id, lambda: SERVICE.archive(record_id)
        )
    except DomainError as exc:
        record = await SERVICE.get(record_id)
        return render(
            request,
            "activities/show.html",
            status=exc.status,
            record=record,
            history=[],
            problem=errors_from(exc),
        )
    return redirect(request, f"/activities/{record_id}?done=archived")


ROUTES: list[Any] = [
    list_activities,
    new_activity,
    create_activity,
    show_activity,
    activity_by_code,
    edit_activity,
    update_activity,
    archive_activity,
]
