"""HTTP routes of this part, mounted under /api/v1 by ta_manager.app.

POST /imports/{kind}            multipart, the file in field `file`; ?dry_run=true,
                                ?accept_close_matches=true
GET  /imports/{kind}/template   the .xlsx template of the kind
GET  /imports/errors/{id}.xlsx  the marked-up file of a rejected import
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter

from importers.error_workbook import error_workbook
from importers.kinds import KINDS
from importers.problems import ImportFailed
from importers.reading import DEFAULT_MAX_BYTES, max_import_bytes
from importers.service import ImportRejected, import_file
from importers.templates import template
from ta_manager.accounts.permissions import require, resource_roles
from ta_manager.accounts.roles import ADMIN, OFFICER, SECRETARIAT, STAFF
from ta_manager.errors import NotFound

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_DIR = Path(tempfile.gettempdir()) / "ta-manager-import-errors"
ERROR_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
KEEP_ERRORS_SECONDS = 24 * 3600
# Whoever may write some kind; each import then needs the write roles of its own kind
# (the same as creating those records through the API).
IMPORTERS = (ADMIN, OFFICER, SECRETARIAT)


@dataclass
class ImportUpload:
    file: UploadFile


def _kind(kind: str) -> str:
    key = kind.strip().lower().replace("_", "-")
    if key not in KINDS:
        raise NotFound("import kind", f"{kind!r} (choose from {', '.join(KINDS)})")
    return key


def _body_limit() -> int:
    """Room for the largest file the importer accepts plus the multipart envelope (a bad
    TA_IMPORT_MAX_BYTES is reported by each import, not at start-up)."""
    try:
        return max_import_bytes() + 1024 * 1024
    except ImportFailed:
        return DEFAULT_MAX_BYTES + 1024 * 1024


@post(
    "/imports/{kind:str}",
    request_max_body_size=_body_limit(),
    status_code=200,
    summary="Import a workbook or CSV file, all-or-nothing",
    opt={"roles": IMPORTERS},
)
async def import_upload(
    request: Request[Any, Any, Any],
    kind: str,
    data: Annotated[ImportUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    dry_run: bool = False,
    accept_close_matches: Annotated[
        bool,
        Parameter(
            description="Take a misspelt State name ('Benim') as the one State clearly closest"
            " to it, each such reading listed in `warnings`, instead of refusing the row"
        ),
    ] = False,
) -> Response[dict[str, Any]]:
    name = _kind(kind)
    require(request, resource_roles(f"/{name}").write)
    content = await data.file.read()
    filename = data.file.filename or "upload"
    try:
        summary = await import_file(
            name, content, filename, dry_run=dry_run, accept_close_matches=accept_close_matches
        )
    except ImportRejected as exc:
        marked = await asyncio.to_thread(error_workbook, content, exc.table, exc.problems)
        error_id = await asyncio.to_thread(_store_errors, marked, _owner(request))
        body = {
            "type": "about:blank",
            "title": "Import rejected",
            "status": 422,
            "detail": f"{filename}: nothing was written; {exc.detail}",
            "errors": [p.as_dict() for p in exc.problems],
            "more_errors": exc.dropped,
            "errors_workbook": f"/api/v1/imports/errors/{error_id}.xlsx",
        }
        return Response(body, status_code=422, media_type="application/problem+json")
    body = asdict(summary)
    # Ids of every written row are for the server side (audit); the summary and the first
    # 1,000 changes are what the caller needs.
    del body["created_ids"], body["updated_ids"]
    return Response(body)


def _owner(request: Request[Any, Any, Any]) -> Path:
    """Each user's marked-up files live in their own directory: others cannot fetch them."""
    account = request.scope.get("user")
    return ERRORS_DIR / f"user-{getattr(account, 'id', 'anonymous')}"


def _store_errors(content: bytes, directory: Path) -> str:
    """Keep the marked-up file for KEEP_ERRORS_SECONDS under a random, unguessable id."""
    directory.mkdir(parents=True, exist_ok=True)
    expired = time.time() - KEEP_ERRORS_SECONDS
    for old in ERRORS_DIR.glob("*/*.xlsx"):
        with contextlib.suppress(OSError):
            if old.stat().st_mtime < expired:
                old.unlink()
    error_id = secrets.token_urlsafe(18)
    (directory / f"{error_id}.xlsx").write_bytes(content)
    return error_id


@get(
    "/imports/errors/{name:str}",
    summary="The marked-up file of a rejected import (its uploader's only)",
    opt={"roles": IMPORTERS},
)
async def import_errors(request: Request[Any, Any, Any], name: str) -> Response[bytes]:
    error_id = name.removesuffix(".xlsx")
    path = _owner(request) / f"{error_id}.xlsx"
    if not ERROR_ID.match(error_id) or not path.is_file():
        raise NotFound("import error workbook", name)
    return Response(
        path.read_bytes(),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="import-errors-{error_id}.xlsx"'},
    )


@get("/imports/{kind:str}/template", summary="The .xlsx template of a kind", opt={"roles": STAFF})
async def import_template(kind: str) -> Response[bytes]:
    name = _kind(kind)
    return Response(
        await template(name),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}-template.xlsx"'},
    )


ROUTES: list[Any] = [import_upload, import_errors, import_template]
