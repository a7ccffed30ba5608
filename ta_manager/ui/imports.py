"""/imports: upload a spreadsheet, see the dry run as a table (new / changed / unchanged,
every problem by row and column), then confirm; templates and the marked-up error
workbook to download. The importer, its checks and its storage are the API's."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import get, post
from litestar.datastructures import UploadFile
from litestar.response import Template

from importers.error_workbook import error_workbook
from importers.kinds import KINDS
from importers.service import ImportRejected, ImportSummary, import_file
from importers.uploads import (
    check_may_import,
    forget_upload,
    import_roles,
    kind_key,
    load_upload,
    store_errors,
    store_upload,
    upload_limit,
)
from ta_manager.errors import DomainError
from ta_manager.locale import gettext
from ta_manager.ui.pages import IMPORTERS, AnyRequest, account_of, render


def kinds_for(request: AnyRequest) -> list[tuple[str, str]]:
    """The kinds this role may import (the write roles of each kind's records)."""
    role = account_of(request).role
    return [(k.name, k.label) for k in KINDS.values() if role in import_roles(k.name)]


def _page(request: AnyRequest, status: int = 200, **values: Any) -> Template:
    defaults: dict[str, Any] = {
        "kinds": kinds_for(request),
        "kind": "",
        "summary": None,
        "problems": [],
        "more_problems": 0,
        "detail": "",
        "errors_workbook": "",
        "upload_id": "",
        "filename": "",
        "done": False,
    }
    return render(
        request,
        "imports/page.html",
        fragment="imports/partials/result.html",
        status=status,
        **{**defaults, **values},
    )


@get("/imports", opt={"roles": IMPORTERS}, include_in_schema=False)
async def imports_page(request: AnyRequest) -> Template:
    return _page(request)


async def _rejected(
    request: AnyRequest, exc: ImportRejected, content: bytes, kind: str, filename: str
) -> Template:
    marked = await asyncio.to_thread(error_workbook, content, exc.table, exc.problems)
    error_id = await store_errors(marked, account_of(request))
    return _page(
        request,
        status=422,
        kind=kind,
        filename=filename,
        problems=[p.as_dict() for p in exc.problems],
        more_problems=exc.dropped,
        detail=exc.detail,
        errors_workbook=f"/api/v1/imports/errors/{error_id}.xlsx",
    )


def _summary(summary: ImportSummary) -> dict[str, Any]:
    return {
        "rows": summary.rows,
        "new": summary.new,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "warnings": summary.warnings,
        "changes": summary.changes,
        "sheet": summary.sheet,
    }


@post(
    "/imports",
    opt={"roles": IMPORTERS},
    include_in_schema=False,
    status_code=200,
    request_max_body_size=upload_limit(),
)
async def dry_run(request: AnyRequest) -> Template:
    """Check the file all the way (nothing is written) and keep it for the confirmation."""
    form = await request.form()
    kind = str(form.get("kind") or "")
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, status=422, kind=kind, detail=gettext("Choose a file to import."))
    try:
        name = kind_key(kind)
    except DomainError:
        return _page(request, status=422, detail=gettext("Choose what the file holds."))
    check_may_import(account_of(request), name)
    content = await upload.read()
    filename = upload.filename
    try:
        summary = await import_file(name, content, filename, dry_run=True)
    except ImportRejected as exc:
        return await _rejected(request, exc, content, name, filename)
    upload_id = await store_upload(account_of(request), name, filename, content)
    return _page(
        request, kind=name, filename=filename, summary=_summary(summary), upload_id=upload_id
    )


@post("/imports/confirm", opt={"roles": IMPORTERS}, include_in_schema=False, status_code=200)
async def confirm(request: AnyRequest) -> Template:
    """Import the file that was checked, all-or-nothing."""
    form = await request.form()
    pending = await load_upload(account_of(request), str(form.get("upload_id") or ""))
    check_may_import(account_of(request), pending.kind)
    try:
        summary = await import_file(pending.kind, pending.content, pending.filename)
    except ImportRejected as exc:
        return await _rejected(request, exc, pending.content, pending.kind, pending.filename)
    await forget_upload(account_of(request), pending.id)
    return _page(
        request,
        kind=pending.kind,
        filename=pending.filename,
        summary=_summary(summary),
        done=True,
    )


ROUTES: list[Any] = [imports_page, dry_run, confirm]
