"""/admin: users, roles, donor binding, region/project assignments (administrators; the
secretariat reads them), everyone's own API tokens, and reference data (priority areas,
assistance types, cost norms) for the roles the API lets edit them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from ta_manager.accounts import api_tokens, users
from ta_manager.accounts.permissions import resource_roles
from ta_manager.accounts.roles import ADMIN, ADMINS, EVERYONE, SECRETARIAT
from ta_manager.accounts.schemas import UserCreate, UserUpdate
from ta_manager.cost_norms.schemas import CostNormCreate
from ta_manager.cost_norms.service import CostNormService
from ta_manager.errors import DomainError, InvalidInput, NotFound
from ta_manager.locale import N_, gettext
from ta_manager.records.service import RecordService
from ta_manager.reference import schemas as ref
from ta_manager.reference import services as refsvc
from ta_manager.ui import choices
from ta_manager.ui.forms import Errors, Field, convert, errors_from, read_form, shown
from ta_manager.ui.pages import AnyRequest, account_of, may, redirect, render
from ta_manager.ui.records import int_or_none, save
from ta_manager.ui.states import STATE_FIELDS

USER_READERS = (ADMIN, SECRETARIAT)


@dataclass(frozen=True)
class ReferenceKind:
    """A reference table editable here, with the API path whose roles it follows."""

    key: str
    title: str
    api_path: str
    service: RecordService
    struct: type[msgspec.Struct]
    fields: list[Field]
    columns: tuple[str, ...]
    listed_here: bool = True  # False: the list has a page of its own (`back`)
    back: str = ""

    @property
    def editors(self) -> tuple[str, ...]:
        return tuple(resource_roles(self.api_path).write)

    @property
    def list_url(self) -> str:
        return self.back or f"/admin#{self.key}"


# A priority area's or assistance type's name in French and Spanish (docs/languages.md).
NAME_TRANSLATIONS = (
    Field("name_fr", N_("Name in French"), help=N_("Blank: the English name is shown")),
    Field("name_es", N_("Name in Spanish"), help=N_("Blank: the English name is shown")),
)

REFERENCE: dict[str, ReferenceKind] = {
    k.key: k
    for k in (
        ReferenceKind(
            "priority-areas",
            N_("Priority areas"),
            "/priority-areas",
            refsvc.PriorityAreaService(),
            ref.PriorityAreaCreate,
            [
                Field("code", N_("Code"), required=True),
                Field("name", N_("Name"), required=True),
                *NAME_TRANSLATIONS,
                Field("instrument", N_("Instrument (code)")),
                Field("sort_order", N_("Order"), "number"),
                Field("active", N_("Active"), "bool"),
                Field("mandate", N_("Mandate"), "textarea"),
                Field("description", N_("Description"), "textarea"),
            ],
            ("code", "name", "instrument", "active"),
        ),
        ReferenceKind(
            "assistance-types",
            N_("Types of assistance"),
            "/assistance-types",
            refsvc.AssistanceTypeService(),
            ref.AssistanceTypeCreate,
            [
                Field("code", N_("Code"), required=True),
                Field(
                    "priority_area",
                    N_("Priority area"),
                    "select",
                    choices="priority_areas",
                    required=True,
                ),
                Field("name", N_("Name"), required=True),
                *NAME_TRANSLATIONS,
                Field("sort_order", N_("Order"), "number"),
                Field("active", N_("Active"), "bool"),
                Field("description", N_("Description"), "textarea"),
            ],
            ("code", "priority_area", "name", "active"),
        ),
        ReferenceKind(
            "cost-norms",
            N_("Cost norms"),
            "/cost-norms",
            CostNormService(),
            CostNormCreate,
            [
                Field("item", N_("Item"), "select", choices="cost_item", required=True),
                Field("unit", N_("Unit"), "select", choices="cost_unit", required=True),
                Field("unit_cost", N_("Unit cost"), "money", required=True),
                Field("currency", N_("Currency"), required=True, help=N_("ISO 4217, e.g. USD")),
                Field("year", N_("Year"), "number", required=True),
                Field("region", N_("Region of origin"), "picker", picker="regions"),
                Field("venue_region", N_("Venue region"), "picker", picker="regions"),
                Field("place", N_("Place")),
                Field("grade", N_("Grade")),
                Field("description", N_("Description"), "textarea"),
            ],
            ("item", "unit", "unit_cost", "currency", "year", "region", "venue_region", "place"),
        ),
        ReferenceKind(
            "states",
            N_("States and areas"),
            "/countries",
            refsvc.CountryService(),
            ref.CountryCreate,
            STATE_FIELDS,
            ("iso3", "name", "status"),
            listed_here=False,
            back="/admin/states",
        ),
    )
}

USER_FIELDS: list[Field] = [
    Field("email", N_("E-mail"), "email", required=True),
    Field("display_name", N_("Name")),
    Field("role", N_("Role"), "select", choices="role", required=True),
    Field(
        "donor",
        N_("Donor organization"),
        "picker",
        picker="organizations",
        help=N_("Only for donor users: the organization whose money they see"),
    ),
    Field(
        "regions",
        N_("Limited to regions"),
        "pickers",
        picker="regions",
        help=N_("Officers only; empty = not limited"),
    ),
    Field("projects", N_("Limited to projects"), "pickers", picker="projects"),
    Field("password", N_("Password"), "password", help=N_("Leave empty to keep it")),
]
ACTIVE = Field("active", N_("Active"), "bool")


async def _admin_page(
    request: AnyRequest,
    *,
    status: int = 200,
    user_raw: dict[str, Any] | None = None,
    user_errors: Errors | None = None,
    token_errors: Errors | None = None,
    new_token: dict[str, Any] | None = None,
) -> Template:
    account = account_of(request)
    user_rows: list[dict[str, Any]] = []
    if may(request, USER_READERS):
        user_rows, _ = await users.list_users(1000, 0)
    reference = [
        {
            "kind": k,
            "items": (await k.service.page(None, limit=1000)).items,
            "editable": account.role in k.editors,
        }
        for k in REFERENCE.values()
        if k.listed_here and may(request, (ADMIN, SECRETARIAT))
    ]
    return render(
        request,
        "admin/page.html",
        status=status,
        users=user_rows,
        may_edit_users=account.role == ADMIN,
        user_fields=USER_FIELDS,
        user_raw=user_raw or {"role": "officer"},
        user_errors=user_errors or {},
        tokens=await api_tokens.list_tokens(account.id),
        token_errors=token_errors or {},
        new_token=new_token,
        reference=reference,
        choices=await choices.load({"role"}),
    )


@get("/admin", opt={"roles": EVERYONE}, include_in_schema=False)
async def admin_page(request: AnyRequest) -> Template:
    return await _admin_page(request)


# ---------------------------------------------------------------------- users
def _user_values(values: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in values.items() if v not in (None, "")}
    if values.get("donor") is None:
        out.pop("donor", None)
    return out


@post("/admin/users", opt={"roles": ADMINS}, include_in_schema=False, status_code=200)
async def create_user(request: AnyRequest) -> Response[Any]:
    errors: Errors = {}
    values, raw = await read_form(await request.form(), USER_FIELDS, errors)
    data = convert(_user_values(values), UserCreate, errors)
    if data is not None:
        try:
            await users.create_user(
                data.email,
                data.role,
                display_name=data.display_name,
                donor=data.donor,
                password=data.password,
                regions=data.regions,
                projects=data.projects,
            )
        except DomainError as exc:
            errors = errors_from(exc)
        else:
            return redirect(request, "/admin?done=created#users")
    raw["password"] = ""
    return await _admin_page(request, status=422, user_raw=raw, user_errors=errors)


async def _user_form(
    request: AnyRequest, user: dict[str, Any], raw: dict[str, Any], errors: Errors, status: int
) -> Template:
    return render(
        request,
        "admin/user.html",
        status=status,
        user=user,
        fields=[*USER_FIELDS, ACTIVE],
        raw=raw,
        errors=errors,
        choices=await choices.load({"role"}),
    )


@get("/admin/users/{user_id:int}", opt={"roles": ADMINS}, include_in_schema=False)
async def edit_user(request: AnyRequest, user_id: FromPath[int]) -> Template:
    user = await users.get_user(user_id)
    raw = shown(user, [*USER_FIELDS, ACTIVE])
    raw["password"] = ""
    return await _user_form(request, user, raw, {}, 200)


@post("/admin/users/{user_id:int}", opt={"roles": ADMINS}, include_in_schema=False)
async def update_user(request: AnyRequest, user_id: FromPath[int]) -> Response[Any]:
    user = await users.get_user(user_id)
    form = await request.form()
    errors: Errors = {}
    values, raw = await read_form(form, [*USER_FIELDS, ACTIVE], errors)
    if not values.get("password"):
        values.pop("password", None)
    values.pop("email", None)  # the e-mail is the account's name; not changed here
    data = convert(values, UserUpdate, errors)
    if data is not None:
        changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
        try:
            await users.update_user(user_id, changes, int_or_none(str(form.get("version") or "")))
        except DomainError as exc:
            errors = errors_from(exc)
        else:
            return redirect(request, "/admin?done=saved#users")
    raw["password"] = ""
    return await _user_form(request, user, raw, errors, 409 if "version" in errors else 422)


# ---------------------------------------------------------------------- API tokens
@post("/admin/tokens", opt={"roles": EVERYONE}, include_in_schema=False, status_code=200)
async def create_token(request: AnyRequest) -> Response[Any]:
    form = await request.form()
    name = str(form.get("name") or "")
    expires = str(form.get("expires_on") or "").strip()
    try:
        expires_on = dt.date.fromisoformat(expires) if expires else None
        row, secret = await api_tokens.create_token(account_of(request).id, name, expires_on)
    except ValueError:
        errors = {"expires_on": [gettext("give a date as YYYY-MM-DD")]}
        return await _admin_page(request, status=422, token_errors=errors)
    except InvalidInput as exc:
        return await _admin_page(request, status=422, token_errors=errors_from(exc))
    response = await _admin_page(request, new_token={**row, "token": secret})
    response.headers["Cache-Control"] = "no-store"
    return response


@post(
    "/admin/tokens/{token_id:int}/revoke",
    opt={"roles": EVERYONE},
    include_in_schema=False,
    status_code=200,
)
async def revoke_token(request: AnyRequest, token_id: FromPath[int]) -> Response[Any]:
    await api_tokens.revoke_token(account_of(request).id, token_id)
    return redirect(request, "/admin?done=token#tokens")


# ---------------------------------------------------------------------- reference data
def _after(kind: ReferenceKind, done: str) -> str:
    if kind.back:
        return f"{kind.back}?done={done}"
    return f"/admin?done={done}#{kind.key}"


def _kind(request: AnyRequest, key: str) -> ReferenceKind:
    kind = REFERENCE.get(key)
    if kind is None:
        raise NotFound("reference data", key)
    if not may(request, kind.editors):  # type: ignore[arg-type]
        from litestar.exceptions import PermissionDeniedException

        raise PermissionDeniedException(gettext("Your role may not change this list."))
    return kind


async def _reference_form(
    request: AnyRequest,
    kind: ReferenceKind,
    raw: dict[str, Any],
    errors: Errors,
    record: dict[str, Any] | None,
    status: int = 200,
    stale: list[dict[str, Any]] | None = None,
    version: int | None = None,
) -> Template:
    return render(
        request,
        "admin/reference.html",
        status=status,
        kind=kind,
        fields=kind.fields,
        raw=raw,
        errors=errors,
        record=record,
        stale=stale,
        version=version if version is not None else (record or {}).get("version"),
        choices=await choices.load({f.choices for f in kind.fields if f.choices}),
    )


@get("/admin/{key:str}/new", opt={"roles": (ADMIN, SECRETARIAT)}, include_in_schema=False)
async def new_reference(request: AnyRequest, key: FromPath[str]) -> Template:
    kind = _kind(request, key)
    return await _reference_form(request, kind, {"active": True}, {}, None)


@post(
    "/admin/{key:str}/new",
    opt={"roles": (ADMIN, SECRETARIAT)},
    include_in_schema=False,
    status_code=200,
)
async def create_reference(request: AnyRequest, key: FromPath[str]) -> Response[Any]:
    kind = _kind(request, key)
    saved = await save(request, kind.service, kind.struct, kind.fields)
    if saved.record is None:
        return await _reference_form(request, kind, saved.raw, saved.errors, None, saved.status)
    return redirect(request, _after(kind, "created"))


@get(
    "/admin/{key:str}/{record_id:int}",
    opt={"roles": (ADMIN, SECRETARIAT)},
    include_in_schema=False,
)
async def edit_reference(
    request: AnyRequest, key: FromPath[str], record_id: FromPath[int]
) -> Template:
    kind = _kind(request, key)
    record = await kind.service.get(record_id)
    return await _reference_form(request, kind, shown(record, kind.fields), {}, record)


@post(
    "/admin/{key:str}/{record_id:int}",
    opt={"roles": (ADMIN, SECRETARIAT)},
    include_in_schema=False,
)
async def update_reference(
    request: AnyRequest, key: FromPath[str], record_id: FromPath[int]
) -> Response[Any]:
    kind = _kind(request, key)
    record = await kind.service.get(record_id)
    saved = await save(request, kind.service, kind.struct, kind.fields, record_id)
    if saved.record is None:
        return await _reference_form(
            request,
            kind,
            saved.raw,
            saved.errors,
            record,
            saved.status,
            saved.stale,
            saved.current_version,
        )
    return redirect(request, _after(kind, "saved"))


ROUTES: list[Any] = [
    admin_page,
    create_user,
    edit_user,
    update_user,
    create_token,
    revoke_token,
    new_reference,
    create_reference,
    edit_reference,
    update_reference,
]
