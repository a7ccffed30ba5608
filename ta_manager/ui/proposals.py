"""/proposals: costed proposals. Draft one from the needs still unmet (with the drafting
filters), then edit quantities, phasing and cost lines, and read totals, secured funding
and the gap; export the workbook. Every write is the proposal service's, versioned."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from litestar import Response, get, post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from ta_manager.accounts.roles import EDITORS, STAFF
from ta_manager.errors import DomainError, InvalidInput
from ta_manager.locale import N_, gettext
from ta_manager.proposals import drafting, service
from ta_manager.proposals.schemas import (
    CostLineCreate,
    DraftRequest,
    ProposalUpdate,
    ProposedActivityCreate,
    ProposedActivityUpdate,
    changes_of,
    convert,
)
from ta_manager.records.sources import format_all
from ta_manager.ui import choices
from ta_manager.ui.forms import Errors, Field, errors_from, read_form
from ta_manager.ui.forms import convert as convert_form
from ta_manager.ui.pages import AnyRequest, redirect, render
from ta_manager.ui.records import int_or_none

DRAFT_FIELDS: list[Field] = [
    Field("title", N_("Title"), required=True),
    Field("start_year", N_("First year"), "number", required=True),
    Field("end_year", N_("Last year"), "number", required=True),
    Field("currency", N_("Currency"), help=N_("ISO 4217, e.g. USD")),
    Field("priority_areas", N_("Priority areas"), "checkboxes", choices="priority_areas"),
    Field("instruments", N_("Instruments"), "checkboxes", choices="instruments"),
    Field(
        "regions", N_("Regions"), "pickers", picker="regions", help=N_("Codes, separated by ';'")
    ),
    Field("include_partly_met", N_("Also needs that are partly met"), "bool"),
    Field("min_states_for_workshop", N_("States needed for a regional workshop"), "number"),
    Field(
        "activities",
        N_("Proposed activity records to take"),
        "pickers",
        picker="proposed",
        help=N_("Codes of activities of status 'proposed', separated by ';'"),
    ),
    Field(
        "take_proposed",
        N_("Also take every proposed activity record of these priority areas not yet taken"),
        "bool",
    ),
]
HEADER_FIELDS: list[Field] = [
    Field("title", N_("Title"), required=True),
    Field("start_year", N_("First year"), "number", required=True),
    Field("end_year", N_("Last year"), "number", required=True),
    Field("psc_rate", N_("Programme support cost, percent"), "money"),
    Field("status", N_("Status"), "select", choices="proposal_status", required=True),
    Field("description", N_("Description"), "textarea"),
]


@get("/proposals", opt={"roles": STAFF}, include_in_schema=False)
async def list_proposals(request: AnyRequest, offset: FromQuery[int] = 0) -> Template:
    listing = await service.listing(50, max(0, offset))
    return await _list(request, listing, {"currency": "USD", "min_states_for_workshop": "3"}, {})


async def _list(
    request: AnyRequest,
    listing: dict[str, Any],
    raw: dict[str, Any],
    errors: Errors,
    status: int = 200,
) -> Template:
    return render(
        request,
        "proposals/list.html",
        status=status,
        listing=listing,
        fields=DRAFT_FIELDS,
        raw={"priority_areas": [], "instruments": [], **raw},
        errors=errors,
        choices=await choices.load({"priority_areas", "instruments"}),
    )


@post("/proposals/draft", opt={"roles": EDITORS}, include_in_schema=False, status_code=200)
async def draft_proposal(request: AnyRequest) -> Response[Any]:
    errors: Errors = {}
    values, raw = await read_form(await request.form(), DRAFT_FIELDS, errors)
    values = {k: v for k, v in values.items() if v is not None}
    data = convert_form(values, DraftRequest, errors)
    if data is not None:
        try:
            doc = await drafting.draft(data)
        except DomainError as exc:
            errors = errors_from(exc)
        else:
            return redirect(request, f"/proposals/{doc['id']}?done=created")
    return await _list(request, await service.listing(50, 0), raw, errors, status=422)


async def _page(
    request: AnyRequest,
    proposal_id: int,
    errors: Errors | None = None,
    where: str = "",
    status: int = 200,
) -> Template:
    doc = await service.document(proposal_id)
    return render(
        request,
        "proposals/show.html",
        status=status,
        doc=doc,
        header_fields=HEADER_FIELDS,
        header={
            "title": doc["title"],
            "start_year": str(doc["start_year"]),
            "end_year": str(doc["end_year"]),
            "psc_rate": str(doc["psc_rate"]),
            "status": doc["status"],
            "description": doc["description"],
        },
        errors=errors or {},
        where=where,
        funding_needs=[funding_need_row(f) for f in doc["funding_needs"]],
        choices=await choices.load({"proposal_status", "line_category"}),
    )


def funding_need_row(record: dict[str, Any]) -> dict[str, Any]:
    """A funding need record in the shape the funding report lists them (funding/needs.html)."""
    return {
        **record,
        "stated": record.get("stated_on"),
        "sources": format_all(record.get("sources")),
    }


@get("/proposals/{proposal_id:int}", opt={"roles": STAFF}, include_in_schema=False)
async def show_proposal(request: AnyRequest, proposal_id: FromPath[int]) -> Template:
    return await _page(request, proposal_id)


def _version(form: FormMultiDict) -> int | None:
    return int_or_none(str(form.get("version") or ""))


async def _write(request: AnyRequest, proposal_id: int, where: str, write: Any) -> Response[Any]:
    """Run a write of the proposal service; problems come back on the page beside `where`."""
    try:
        await write()
    except DomainError as exc:
        status = exc.status if exc.status in (409, 422, 428) else 422
        return await _page(request, proposal_id, errors_from(exc), where, status)
    return redirect(request, f"/proposals/{proposal_id}?done=saved#{where}")


@post("/proposals/{proposal_id:int}", opt={"roles": EDITORS}, include_in_schema=False)
async def update_proposal(request: AnyRequest, proposal_id: FromPath[int]) -> Response[Any]:
    form = await request.form()
    errors: Errors = {}
    values, _ = await read_form(form, HEADER_FIELDS, errors)
    values = {k: v for k, v in values.items() if v is not None}
    data = convert_form(values, ProposalUpdate, errors)
    if data is None:
        return await _page(request, proposal_id, errors, "header", 422)
    return await _write(
        request,
        proposal_id,
        "header",
        lambda: service.update(proposal_id, changes_of(data), _version(form)),
    )


def _numbers(form: FormMultiDict, prefix: str, errors: Errors, field: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in form:
        if not (isinstance(key, str) and key.startswith(prefix)):
            continue
        text = str(form.get(key) or "").strip().replace(",", "")
        if not text:
            continue
        try:
            out[key[len(prefix) :]] = Decimal(text)
        except InvalidOperation:
            errors.setdefault(field, []).append(gettext("must be a number") + f" ({text})")
    return out


@post(
    "/proposals/{proposal_id:int}/activities/{activity_id:int}",
    opt={"roles": EDITORS},
    include_in_schema=False,
)
async def update_activity(
    request: AnyRequest, proposal_id: FromPath[int], activity_id: FromPath[int]
) -> Response[Any]:
    """Quantities (the template's parameters), phasing by year, title."""
    form = await request.form()
    errors: Errors = {}
    current = await service.activity_document(proposal_id, activity_id)
    params = dict(current["parameters"])
    for name, value in _numbers(form, "parameters.", errors, "parameters").items():
        params[name] = int(value) if value == value.to_integral_value() else value
    phasing = _numbers(form, "phasing.", errors, "phasing")
    where = f"activity-{activity_id}"
    if errors:
        return await _page(request, proposal_id, errors, where, 422)
    raw: dict[str, Any] = {"parameters": params, "phasing": dict(phasing)}
    title = str(form.get("title") or "").strip()
    if title:
        raw["title"] = title
    try:
        data = convert(raw, ProposedActivityUpdate)
    except InvalidInput as exc:
        return await _page(request, proposal_id, errors_from(exc), where, 422)
    return await _write(
        request,
        proposal_id,
        where,
        lambda: service.update_activity(proposal_id, activity_id, changes_of(data), _version(form)),
    )


@post(
    "/proposals/{proposal_id:int}/activities/{activity_id:int}/delete",
    opt={"roles": EDITORS},
    include_in_schema=False,
)
async def delete_activity(
    request: AnyRequest, proposal_id: FromPath[int], activity_id: FromPath[int]
) -> Response[Any]:
    return await _write(
        request,
        proposal_id,
        "activities",
        lambda: service.delete_activity(proposal_id, activity_id),
    )


@post(
    "/proposals/{proposal_id:int}/activities",
    opt={"roles": EDITORS},
    include_in_schema=False,
)
async def take_activity(request: AnyRequest, proposal_id: FromPath[int]) -> Response[Any]:
    """Take an existing `proposed` activity record as a proposed activity (its title,
    priority area, type, States, needs and year fill the rest)."""
    form = await request.form()
    code = str(form.get("activity") or "").strip()
    if not code:
        errors = {"activity": [gettext("give the code of a proposed activity record")]}
        return await _page(request, proposal_id, errors, "take", 422)
    return await _write(
        request,
        proposal_id,
        "take",
        lambda: service.add_activity(proposal_id, ProposedActivityCreate(activity=code)),
    )


LINE_FIELDS: list[Field] = [
    Field("category", N_("Category"), "select", choices="line_category", required=True),
    Field("description", N_("Description"), required=True),
    Field("quantity", N_("Quantity"), "money", required=True),
    Field("quantity_high", N_("to (a range)"), "money"),
    Field("unit", N_("Unit")),
    Field("unit_cost", N_("Unit cost"), "money", required=True),
]


@post(
    "/proposals/{proposal_id:int}/activities/{activity_id:int}/lines",
    opt={"roles": EDITORS},
    include_in_schema=False,
)
async def add_line(
    request: AnyRequest, proposal_id: FromPath[int], activity_id: FromPath[int]
) -> Response[Any]:
    errors: Errors = {}
    values, _ = await read_form(await request.form(), LINE_FIELDS, errors)
    values = {k: v for k, v in values.items() if v is not None}
    data = convert_form(values, CostLineCreate, errors)
    where = f"activity-{activity_id}"
    if data is None:
        return await _page(request, proposal_id, errors, where, 422)
    return await _write(
        request, proposal_id, where, lambda: service.add_line(proposal_id, activity_id, data)
    )


@post(
    "/proposals/{proposal_id:int}/activities/{activity_id:int}/lines/{line_id:int}",
    opt={"roles": EDITORS},
    include_in_schema=False,
)
async def update_line(
    request: AnyRequest,
    proposal_id: FromPath[int],
    activity_id: FromPath[int],
    line_id: FromPath[int],
) -> Response[Any]:
    """A line overridden by hand: its quantity and unit cost (send the line's version)."""
    form = await request.form()
    errors: Errors = {}
    changes: dict[str, Any] = {}
    for key in ("quantity", "quantity_high", "unit_cost"):
        text = str(form.get(key) or "").strip().replace(",", "")
        try:
            if text:
                changes[key] = Decimal(text)
            elif key == "quantity_high" and key in form:
                changes[key] = None  # the range removed
        except InvalidOperation:
            errors.setdefault(key, []).append(gettext("must be a number") + f" ({text})")
    where = f"activity-{activity_id}"
    if form.get("delete"):
        return await _write(
            request,
            proposal_id,
            where,
            lambda: service.delete_line(proposal_id, activity_id, line_id),
        )
    if errors or not {k for k, v in changes.items() if v is not None}:
        errors = errors or {"line": [gettext("give a quantity and a unit cost")]}
        return await _page(request, proposal_id, errors, where, 422)
    return await _write(
        request,
        proposal_id,
        where,
        lambda: service.update_line(proposal_id, activity_id, line_id, changes, _version(form)),
    )


ROUTES: list[Any] = [
    list_proposals,
    draft_proposal,
    show_proposal,
    update_proposal,
    update_activity,
    delete_activity,
    take_activity,
    add_line,
    update_line,
]
