"""/imports: upload a spreadsheet, see the dry run as a table (new / changed / unchanged,
every problem by row and column), then confirm; templates and the marked-up error
workbook to download. The importer, its checks and its storage are the API's.

Both the dry run and the confirmation run as `import` jobs (ui/jobs.py) when a job worker
is running, so a big file shows its progress and never holds the page; the job's result
is shown here as the same table. Without a worker they run in the request, as before.
"Confirm" imports exactly the file that was checked (kept for its uploader meanwhile)."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
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
from ta_manager.files.http import file_response
from ta_manager.jobs import service as jobs
from ta_manager.jobs.kinds import Upload
from ta_manager.locale import current_language, gettext
from ta_manager.ui.jobs import RESULT_VIEWS, settings_of, show, worker_running
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
        "accept_close_matches": False,
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
    marked = await asyncio.to_thread(
        error_workbook, content, exc.table, exc.problems, lang=current_language.get()
    )
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
async def dry_run(request: AnyRequest) -> Any:
    """Check the file all the way (nothing is written) and keep it for the confirmation."""
    form = await request.form()
    kind = str(form.get("kind") or "")
    upload = form.get("file")
    close = form.get("accept_close_matches") == "true"
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, status=422, kind=kind, detail=gettext("Choose a file to import."))
    try:
        name = kind_key(kind)
    except DomainError:
        return _page(request, status=422, detail=gettext("Choose what the file holds."))
    account = account_of(request)
    check_may_import(account, name)
    content = await upload.read()
    filename = upload.filename
    if await worker_running(request):
        upload_id = await store_upload(account, name, filename, content)
        params = {
            "kind": name,
            "dry_run": True,
            "accept_close_matches": close,
            "lang": current_language.get(),
        }
        try:
            job = await jobs.start(
                account, "import", params, Upload(content, filename), settings_of(request)
            )
        except DomainError as exc:
            return _page(request, status=exc.status, kind=name, detail=exc.detail)
        return await show(request, job, upload=upload_id, file=filename)
    try:
        summary = await import_file(
            name, content, filename, dry_run=True, accept_close_matches=close
        )
    except ImportRejected as exc:
        return await _rejected(request, exc, content, name, filename)
    upload_id = await store_upload(account, name, filename, content)
    return _page(
        request,
        kind=name,
        filename=filename,
        summary=_summary(summary),
        upload_id=upload_id,
        accept_close_matches=close,
    )


@post("/imports/confirm", opt={"roles": IMPORTERS}, include_in_schema=False, status_code=200)
async def confirm(request: AnyRequest) -> Any:
    """Import the file that was checked, all-or-nothing."""
    form = await request.form()
    account = account_of(request)
    pending = await load_upload(account, str(form.get("upload_id") or ""))
    check_may_import(account, pending.kind)
    close = form.get("accept_close_matches") == "true"
    if await worker_running(request):
        params = {
            "kind": pending.kind,
            "dry_run": False,
            "accept_close_matches": close,
            "lang": current_language.get(),
        }
        try:
            job = await jobs.start(
                account,
                "import",
                params,
                Upload(pending.content, pending.filename),
                settings_of(request),
            )
        except DomainError as exc:
            return _page(request, status=exc.status, kind=pending.kind, detail=exc.detail)
        await forget_upload(account, pending.id)  # the job has its own copy: confirmed once
        return await show(request, job, file=pending.filename)
    try:
        summary = await import_file(
            pending.kind,
            pending.content,
            pending.filename,
            accept_close_matches=close,
        )
    except ImportRejected as exc:
        return await _rejected(request, exc, pending.content, pending.kind, pending.filename)
    await forget_upload(account, pending.id)
    return _page(
        request,
        kind=pending.kind,
        filename=pending.filename,
        summary=_summary(summary),
        done=True,
    )


async def job_result(
    request: AnyRequest, job: dict[str, Any], upload: str = "", file: str = "", **_: Any
) -> dict[str, Any]:
    """An import job's outcome as the values of imports/partials/result.html."""
    params = job["params"] or {}
    values: dict[str, Any] = {
        "import_view": True,
        "kind": params.get("kind", ""),
        "filename": file or gettext("your file"),
        "summary": None,
        "problems": [],
        "more_problems": 0,
        "detail": "",
        "errors_workbook": "",
        "upload_id": "",
        "done": False,
        "accept_close_matches": bool(params.get("accept_close_matches")),
    }
    checking = bool(params.get("dry_run"))
    name = values["filename"]
    if checking:
        values["title"] = gettext("Check of %(file)s", file=name)
    else:
        values["title"] = gettext("Import of %(file)s", file=name)
    if job["state"] == "done":
        values["state_text"] = gettext("checked") if checking else gettext("imported")
    elif job["state"] == "failed":
        values["state_text"] = gettext("problems found: nothing was written")
    if job["state"] == "done" and job["result"]:
        values["summary"] = job["result"]
        values["done"] = not params.get("dry_run")
        values["upload_id"] = upload if params.get("dry_run") else ""
    elif job["state"] == "failed":
        error = job["error"] or {}
        values["detail"] = error.get("detail") or job["note"] or gettext("The import failed.")
        values["problems"] = error.get("errors") or []
        values["more_problems"] = error.get("more_errors") or 0
        if error.get("errors_workbook"):
            values["errors_workbook"] = f"/jobs/{job['id']}/errors.xlsx"
    return values


RESULT_VIEWS["import"] = job_result


@get("/jobs/{job_id:str}/errors.xlsx", opt={"roles": IMPORTERS}, include_in_schema=False)
async def job_errors(request: AnyRequest, job_id: FromPath[str]) -> Any:
    """The marked-up file of a rejected import job (its starter's only)."""
    return file_response(await jobs.errors_file(account_of(request), job_id))


ROUTES: list[Any] = [imports_page, dry_run, confirm, job_errors]
