"""/needs: assistance requests, and on a need's page its answering and candidate activities
with one-click "this activity answers this need" / "it does not"."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from reports.matrix import MatrixFilters, build_matrix, need_activities
from ta_manager.accounts.assignments import within_assignment
from ta_manager.accounts.roles import EDITORS, STAFF
from ta_manager.audit import service as audit
from ta_manager.errors import DomainError
from ta_manager.locale import N_
from ta_manager.needs import candidates
from ta_manager.needs.schemas import NeedCreate
from ta_manager.needs.service import NeedFilters, NeedService
from ta_manager.ui import choices
from ta_manager.ui.forms import Errors, Field, errors_from, shown
from ta_manager.ui.pages import NEED_READERS, NOTICES, AnyRequest, is_htmx, may, redirect, render
from ta_manager.ui.records import form_page, listing, save

SERVICE = NeedService()

FIELDS: list[Field] = [
    Field("code", N_("Code"), required=True, help=N_("e.g. N-BEN-PA2-LEG")),
    Field("country", N_("State"), "picker", picker="countries", required=True),
    Field("priority_area", N_("Priority area"), "select", choices="priority_areas", required=True),
    Field(
        "assistance_type",
        N_("Type of assistance"),
        "select",
        choices="assistance_types",
        help=N_("Must belong to the priority area"),
    ),
    Field("status", N_("Status"), "select", choices="need_status", required=True),
    Field("priority", N_("Priority"), "select", choices="need_priority", required=True),
    Field("source", N_("Source"), "select", choices="need_source", required=True),
    Field("source_reference", N_("Source reference"), help=N_("Document, paragraph, footnote")),
    Field(
        "stated_on",
        N_("Stated on"),
        "partial_date",
        help=N_("A year (2008), a month (2008-05) or a day (2008-05-12)"),
    ),
    Field("instruments", N_("Instruments"), "checkboxes", choices="instruments"),
    Field("description", N_("Description"), "textarea"),
    Field("sources", N_("Sources"), "sources"),
]
CHOICES = {f.choices for f in FIELDS if f.choices}
FILTER_CHOICES = {"regions", "priority_areas", "need_status"}
NEW = {
    "status": "open",
    "priority": "medium",
    "source": "questionnaire",
    "instruments": [],
    "sources": [],
}


@get("/needs", opt={"roles": NEED_READERS}, include_in_schema=False)
async def list_needs(request: AnyRequest) -> Template:
    found = await listing(request, SERVICE, NeedFilters)
    return render(
        request,
        "needs/list.html",
        fragment="needs/partials/results.html",
        page=found.page,
        errors=found.errors,
        choices=await choices.load(FILTER_CHOICES),
    )


async def _form(
    request: AnyRequest,
    raw: dict[str, Any],
    errors: Errors,
    record: dict[str, Any] | None = None,
    status: int = 200,
    stale: list[dict[str, Any]] | None = None,
    version: int | None = None,
) -> Template:
    return await form_page(
        request, "needs", FIELDS, CHOICES, raw, errors, record, status, stale, version
    )


@get("/needs/new", opt={"roles": EDITORS}, include_in_schema=False)
async def new_need(request: AnyRequest) -> Template:
    return await _form(request, dict(NEW), {})


@post("/needs/new", opt={"roles": EDITORS}, include_in_schema=False, status_code=200)
async def create_need(request: AnyRequest) -> Response[Any]:
    saved = await save(request, SERVICE, NeedCreate, FIELDS)
    if saved.record is None:
        return await _form(request, saved.raw, saved.errors, status=saved.status)
    return redirect(request, f"/needs/{saved.record['id']}?done=created")


async def coverage(need: dict[str, Any]) -> dict[str, Any]:
    """The need's own status and the matrix cell it falls in (State x priority area)."""
    matrix = await build_matrix(
        MatrixFilters(country=[need["country"]], priority_area=[need["priority_area"]])
    )
    own = matrix.needs.filter(matrix.needs["need_id"] == need["id"])
    cells = matrix.area_cells.filter(matrix.area_cells["key"] == need["priority_area"])
    cell = cells.to_dicts()[0] if cells.height else {"status": "none", "needs": 0}
    return {
        "status": own["status"][0] if own.height else None,
        "cell": cell,
        "cell_link": "/matrix/cell?"
        + urlencode({"country": need["country"], "priority_area": need["priority_area"]}),
    }


async def _links(request: AnyRequest, need: dict[str, Any], problem: Errors | None = None) -> Any:
    activities = await need_activities(need["id"])
    return {
        "answers": activities.filter(activities["relation"] == "answers").to_dicts(),
        "candidates": activities.filter(activities["relation"] == "candidate").to_dicts(),
        "candidates_total": int(activities["candidates_total"].fill_null(0).max() or 0),  # type: ignore[arg-type]
        "rejected": await candidates.rejected(need["id"]),
        "coverage": await coverage(need),
        "problem": problem or {},
    }


@get("/needs/{record_id:int}", opt={"roles": NEED_READERS}, include_in_schema=False)
async def show_need(request: AnyRequest, record_id: FromPath[int]) -> Template:
    need = await SERVICE.get(record_id)
    history: list[dict[str, Any]] = []
    if may(request, STAFF):
        history, _ = await audit.page(audit.AuditFilters(record=f"need:{record_id}"), limit=20)
    return render(
        request, "needs/show.html", record=need, history=history, **await _links(request, need)
    )


async def _after_link_change(
    request: AnyRequest, record_id: int, done: str, problem: Errors | None = None
) -> Response[Any]:
    need = await SERVICE.get(record_id)
    if is_htmx(request) or problem:
        return render(
            request,
            "needs/show.html",
            fragment="needs/partials/links.html",
            status=409 if problem else 200,
            record=need,
            history=[],
            link_notice=NOTICES.get(done, ""),
            **await _links(request, need, problem),
        )
    return redirect(request, f"/needs/{record_id}?done={done}#links")


async def _activity_id(request: AnyRequest) -> int:
    form = await request.form()
    text = str(form.get("activity_id") or "")
    return int(text) if text.isdigit() else 0


@post("/needs/{record_id:int}/confirm", opt={"roles": EDITORS}, include_in_schema=False)
async def confirm_candidate(request: AnyRequest, record_id: FromPath[int]) -> Response[Any]:
    """ "This activity answers this need": the candidate becomes a real link."""
    try:
        await candidates.confirm(request.scope.get("user"), record_id, await _activity_id(request))
    except DomainError as exc:
        return await _after_link_change(request, record_id, "", errors_from(exc))
    return await _after_link_change(request, record_id, "confirmed")


@post("/needs/{record_id:int}/reject", opt={"roles": EDITORS}, include_in_schema=False)
async def reject_candidate(request: AnyRequest, record_id: FromPath[int]) -> Response[Any]:
    """ "It does not": stored, so the candidate stops being offered."""
    form = await request.form()
    try:
        await candidates.reject(
            request.scope.get("user"),
            record_id,
            await _activity_id(request),
            str(form.get("reason") or ""),
        )
    except DomainError as exc:
        return await _after_link_change(request, record_id, "", errors_from(exc))
    return await _after_link_change(request, record_id, "rejected")


@post("/needs/{record_id:int}/restore-candidate", opt={"roles": EDITORS}, include_in_schema=False)
async def restore_candidate(request: AnyRequest, record_id: FromPath[int]) -> Response[Any]:
    try:
        await candidates.undo_rejection(
            request.scope.get("user"), record_id, await _activity_id(request)
        )
    except DomainError as exc:
        return await _after_link_change(request, record_id, "", errors_from(exc))
    return await _after_link_change(request, record_id, "restored")


@get("/needs/{record_id:int}/edit", opt={"roles": EDITORS}, include_in_schema=False)
async def edit_need(request: AnyRequest, record_id: FromPath[int]) -> Template:
    record = await SERVICE.get(record_id)
    return await _form(request, shown(record, FIELDS), {}, record)


@post("/needs/{record_id:int}/edit", opt={"roles": EDITORS}, include_in_schema=False)
async def update_need(request: AnyRequest, record_id: FromPath[int]) -> Response[Any]:
    record = await SERVICE.get(record_id)
    saved = await save(request, SERVICE, NeedCreate, FIELDS, record_id)
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
    return redirect(request, f"/needs/{record_id}?done=saved")


@post("/needs/{record_id:int}/archive", opt={"roles": EDITORS}, include_in_schema=False)
async def archive_need(request: AnyRequest, record_id: FromPath[int]) -> Response[Any]:
    await within_assignment(
        request.scope.get("user"), SERVICE.table, record_id, lambda: SERVICE.archive(record_id)
    )
    return redirect(request, f"/needs/{record_id}?done=archived")


ROUTES: list[Any] = [
    list_needs,
    new_need,
    create_need,
    show_need,
    confirm_candidate,
    reject_candidate,
    restore_candidate,
    edit_need,
    update_need,
    archive_need,
]
