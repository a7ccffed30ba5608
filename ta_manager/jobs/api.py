"""HTTP routes of jobs, mounted under /api/v1 by ta_manager.app.

POST   /jobs                    {"kind": ..., "params": {...}} -> 202 {"id", "url", ...}
                                (an import: multipart with fields kind, params, file)
GET    /jobs                    my jobs, newest first
GET    /jobs/{id}               state, progress, download_url, or the error
DELETE /jobs/{id}               cancel (409 once finished)
GET    /jobs/{id}/download      the result file (its owner only)
GET    /jobs/{id}/errors.xlsx   the marked-up file of a rejected import job
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, Response, delete, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, QueryParameter
from litestar.response import Stream

from ta_manager.accounts.roles import DONOR, STAFF
from ta_manager.accounts.users import Account
from ta_manager.errors import InvalidInput
from ta_manager.files.http import file_response
from ta_manager.jobs import service
from ta_manager.jobs.kinds import KINDS, Upload

AnyRequest = Request[Any, Any, Any]
# Everyone who may start at least one kind; each kind then checks its own roles.
JOB_USERS = (*STAFF, DONOR)
KIND_LIST = ", ".join(KINDS)


def _account(request: AnyRequest) -> Account:
    account: Account = request.scope["user"]
    return account


def _upload_limit() -> int:
    """Room for the largest file an import accepts plus the multipart envelope."""
    from importers.problems import ImportFailed
    from importers.reading import DEFAULT_MAX_BYTES, max_import_bytes

    try:
        return max_import_bytes() + 1024 * 1024
    except ImportFailed:
        return DEFAULT_MAX_BYTES + 1024 * 1024


async def _body(request: AnyRequest) -> tuple[Any, Any, Upload | None]:
    """kind, params and the uploaded file from a JSON or a multipart body."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        raw = form.get("params") or "{}"
        try:
            params = msgspec.json.decode(raw) if isinstance(raw, str) else raw
        except msgspec.DecodeError as exc:
            raise InvalidInput.of("params", "must be a JSON object (text field)", raw) from exc
        file = None
        if isinstance(upload, UploadFile):
            file = Upload(await upload.read(), upload.filename or "upload")
        return form.get("kind"), params, file
    body = await request.body()
    try:
        doc = msgspec.json.decode(body) if body else {}
    except msgspec.DecodeError as exc:
        raise InvalidInput.of("body", f"not JSON: {exc}") from exc
    if not isinstance(doc, dict):
        raise InvalidInput.of("body", "must be an object with kind and params")
    extra = sorted(set(doc) - {"kind", "params"})
    if extra:
        raise InvalidInput.of(extra[0], "unknown field (send kind and params)")
    if "kind" not in doc:
        raise InvalidInput.of("kind", f"required: one of {KIND_LIST}")
    return doc["kind"], doc.get("params"), None


@post(
    "/jobs",
    operation_id="startJob",
    summary=f"Start a job off the request path ({KIND_LIST}); 202 with its URL",
    description='JSON `{"kind": ..., "params": {...}}` with the same filters as the'
    " synchronous URL; an import sends multipart fields `kind=import`, `params` (JSON text,"
    ' e.g. `{"kind": "activities", "dry_run": true}`) and `file`. See docs/jobs.md.',
    status_code=202,
    request_max_body_size=_upload_limit(),
    tags=["Jobs"],
    opt={"roles": JOB_USERS},
)
async def start_job(request: AnyRequest) -> Response[dict[str, Any]]:
    kind, params, upload = await _body(request)
    job = await service.start(_account(request), kind, params, upload, request.app.state.settings)
    return Response(job, status_code=202, headers={"Location": job["url"]})


@get(
    "/jobs",
    operation_id="listJobs",
    summary="My jobs, newest first",
    tags=["Jobs"],
    opt={"roles": JOB_USERS},
)
async def list_jobs(
    request: AnyRequest, limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 50
) -> dict[str, Any]:
    return {"items": await service.listing(_account(request), limit)}


@get(
    "/jobs/{job_id:str}",
    operation_id="getJob",
    summary="A job: state, progress, download_url or the error",
    tags=["Jobs"],
    opt={"roles": JOB_USERS},
)
async def get_job(request: AnyRequest, job_id: FromPath[str]) -> dict[str, Any]:
    return await service.status(_account(request), job_id, request.app.state.settings)


@delete(
    "/jobs/{job_id:str}",
    operation_id="cancelJob",
    status_code=200,
    summary="Cancel a queued or running job (409 once it has finished)",
    tags=["Jobs"],
    opt={"roles": JOB_USERS},
)
async def cancel_job(request: AnyRequest, job_id: FromPath[str]) -> dict[str, Any]:
    return await service.cancel(_account(request), job_id)


@get(
    "/jobs/{job_id:str}/download",
    operation_id="downloadJobResult",
    summary="The result file of a finished job (its owner only)",
    tags=["Jobs"],
    opt={"roles": JOB_USERS},
)
async def download_job(request: AnyRequest, job_id: FromPath[str]) -> Stream:
    return file_response(await service.result_file(_account(request), job_id))


@get(
    "/jobs/{job_id:str}/errors.xlsx",
    operation_id="downloadJobErrors",
    summary="The marked-up file of a rejected import job",
    tags=["Jobs"],
    opt={"roles": JOB_USERS},
)
async def job_errors(request: AnyRequest, job_id: FromPath[str]) -> Stream:
    return file_response(await service.errors_file(_account(request), job_id))


ROUTES: list[Any] = [start_job, list_jobs, get_job, cancel_job, download_job, job_errors]
