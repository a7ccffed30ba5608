"""What the activity and need pages share: list filters from the query string, saving a
form through the record's service (the officer's assignments checked as the API checks
them), and a stale edit turned into "what changed" instead of an overwrite."""

from __future__ import annotations

import dataclasses
import datetime as dt
import typing
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar.response import Template

from ta_manager.accounts.assignments import within_assignment
from ta_manager.accounts.donor_view import reader_for
from ta_manager.api.query import ALIASES
from ta_manager.audit import service as audit
from ta_manager.errors import DomainError, InvalidInput, StaleVersion
from ta_manager.locale import gettext
from ta_manager.records.filters import split_values
from ta_manager.records.service import Page, RecordService
from ta_manager.ui import choices
from ta_manager.ui.forms import Errors, Field, changed_only, convert, errors_from, read_form
from ta_manager.ui.pages import AnyRequest, render

PAGE_SIZE = 25


def query_key(field: dataclasses.Field[Any]) -> str:
    return str(field.metadata.get("query") or ALIASES.get(field.name) or field.name)


def filters_from(request: AnyRequest, filters_cls: type[Any], errors: Errors) -> Any:
    """The API's filter dataclass from the page's query string (same parameter names)."""
    hints = typing.get_type_hints(filters_cls)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(filters_cls):
        key = query_key(f)
        raw = [v for v in request.query_params.getall(key, []) if v]
        if not raw:
            continue
        if hints[f.name] == dt.date | None:
            try:
                values[f.name] = dt.date.fromisoformat(raw[-1])
            except ValueError:
                errors.setdefault(key, []).append(gettext("give a date as YYYY-MM-DD"))
        elif hints[f.name] == bool | None:
            if raw[-1] not in ("true", "false"):
                errors.setdefault(key, []).append(gettext("must be true or false"))
            else:
                values[f.name] = raw[-1] == "true"
        elif hints[f.name] == int | None:
            try:
                values[f.name] = int(raw[-1])
            except ValueError:
                errors.setdefault(key, []).append(gettext("must be a whole number"))
        else:
            values[f.name] = split_values(raw)
    return filters_cls(**values)


@dataclass
class Listing:
    page: Page
    errors: Errors


async def listing(
    request: AnyRequest, service: RecordService, filters_cls: type[Any], *, shared: bool = False
) -> Listing:
    """One page of records as the signed-in user may see them (a donor: its own; `shared`
    reference data such as States: everyone sees all)."""
    errors: Errors = {}
    filters = filters_from(request, filters_cls, errors)
    params = request.query_params
    try:
        offset = max(0, int(params.get("offset") or 0))
    except ValueError:
        offset = 0
    # Next/previous links carry the list's keyset cursor, and `at`, the position of the
    # page's first row (only to number the rows shown).
    cursor = (params.get("cursor") or "").strip() or None
    try:
        at = max(0, int(params.get("at") or 0))
    except ValueError:
        at = 0
    empty = Page(items=[], total=0, limit=PAGE_SIZE, offset=0)
    if errors:
        return Listing(empty, errors)
    try:
        reader = service if shared else reader_for(service, request.scope.get("user"))
        page = await reader.page(
            filters,
            q=(params.get("q") or "").strip() or None,
            sort=params.get("sort") or None,
            limit=PAGE_SIZE,
            offset=0 if cursor else offset,
            include_archived=params.get("include_archived") == "true",
            cursor=cursor,
        )
    except InvalidInput as exc:
        return Listing(empty, errors_from(exc))
    if cursor:
        page = dataclasses.replace(page, offset=at)
    return Listing(page, errors)


@dataclass
class Saved:
    """The outcome of a form post: the record, or the problems and what was typed."""

    record: dict[str, Any] | None
    raw: dict[str, Any]
    errors: Errors
    stale: list[dict[str, Any]] | None = None  # what others changed meanwhile
    current_version: int | None = None
    status: int = 422  # the HTTP status of the refusal (403 outside assignments, 409 stale)


async def save(
    request: AnyRequest,
    service: RecordService,
    struct: type[msgspec.Struct],
    fields: list[Field],
    record_id: int | None = None,
) -> Saved:
    """Create (record_id None) or update a record from the posted form."""
    form = await request.form()
    errors: Errors = {}
    values, raw = await read_form(form, fields, errors)
    more = form.get("_add_row")
    if isinstance(more, str) and more in {f.name for f in fields if f.kind == "sources"}:
        # "Add another source" without JavaScript: the same form, one more blank row.
        return Saved(None, {**raw, "_add_row": more}, {}, status=200)
    version_text = str(form.get("version") or "")
    data = convert(values, struct, errors)
    if data is None:
        return Saved(None, raw, errors)
    account = request.scope.get("user")
    try:
        if record_id is None:
            record = await within_assignment(
                account, service.table, None, lambda: service.create(data)
            )
        else:
            version = int(version_text) if version_text.isdigit() else None
            changes = changed_only(values, fields, data)
            record = await within_assignment(
                account,
                service.table,
                record_id,
                lambda: service.update(record_id, changes, version),
            )
    except StaleVersion as exc:
        sent = int(version_text) if version_text.isdigit() else 0
        changed = await changes_since(service.resource, record_id or 0, sent)
        return Saved(
            None,
            raw,
            {"version": [exc.detail]},
            stale=changed,
            current_version=exc.current_version,
            status=409,
        )
    except DomainError as exc:
        return Saved(None, raw, errors_from(exc), status=exc.status if exc.status < 500 else 422)
    return Saved(record, raw, {})


async def changes_since(resource: str, record_id: int, version: int) -> list[dict[str, Any]]:
    """Each field changed after `version`, by whom and when, from the audit trail."""
    rows, _ = await audit.page(audit.AuditFilters(record=f"{resource}:{record_id}"), limit=200)
    out: list[dict[str, Any]] = []
    for row in reversed(rows):
        if row.get("version") is None or row["version"] <= version:
            continue
        for field, change in (row.get("changes") or {}).items():
            out.append(
                {
                    "field": field,
                    "old": change.get("old"),
                    "new": change.get("new"),
                    "by": row["user_email"],
                    "at": row["at"],
                    "version": row["version"],
                }
            )
    return out


def int_or_none(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


async def form_page(
    request: AnyRequest,
    area: str,
    fields: list[Field],
    choice_lists: set[str],
    raw: dict[str, Any],
    errors: Errors,
    record: dict[str, Any] | None = None,
    status: int = 200,
    stale: list[dict[str, Any]] | None = None,
    version: int | None = None,
) -> Template:
    """A record's new/edit form (`<area>/form.html`, its htmx fragment beside it), with the
    version the edit is based on: the record's unless a stale edit names another."""
    return render(
        request,
        f"{area}/form.html",
        fragment=f"{area}/partials/form.html",
        status=status,
        fields=fields,
        raw=raw,
        errors=errors,
        record=record,
        version=version if version is not None else (record or {}).get("version"),
        stale=stale,
        choices=await choices.load(choice_lists),
    )
