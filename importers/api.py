"""HTTP routes of this part, mounted under /api/v1 by ta_manager.app.

POST /imports/{kind}            multipart, the file in field `file`; ?dry_run=true,
                                ?accept_close_matches=true
GET  /imports/{kind}/template   the .xlsx template of the kind
GET  /imports/errors/{id}.xlsx  the marked-up file of a rejected import
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, MultipartBody, QueryParameter
from litestar.response import Stream

from importers.error_workbook import error_workbook
from importers.service import ImportRejected, import_file
from importers.templates import template
from importers.uploads import (
    check_may_import,
    errors_file,
    kind_key,
    store_errors,
    upload_limit,
)
from ta_manager.accounts.roles import ADMIN, OFFICER, SECRETARIAT, STAFF
from ta_manager.api.language import LANGUAGE
from ta_manager.files.http import file_response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Whoever may write some kind; each import then needs the write roles of its own kind
# (the same as creating those records through the API).
IMPORTERS = (ADMIN, OFFICER, SECRETARIAT)


@dataclass
class ImportUpload:
    file: UploadFile


@post(
    "/imports/{kind:str}",
    request_max_body_size=upload_limit(),
    status_code=200,
    summary="Import a workbook or CSV file, all-or-nothing",
    opt={"roles": IMPORTERS},
    dependencies=LANGUAGE,
)
async def import_upload(
    request: Request[Any, Any, Any],
    kind: FromPath[str],
    data: MultipartBody[ImportUpload],
    language: NamedDependency[str],
    dry_run: Annotated[bool, QueryParameter(description="Check only; write nothing")] = False,
    accept_close_matches: Annotated[
        bool,
        QueryParameter(
            description="Take a misspelt State name ('Benim') as the one State clearly closest"
            " to it, each such reading listed in `warnings`, instead of refusing the row"
        ),
    ] = False,
) -> Response[dict[str, Any]]:
    name = kind_key(kind)
    check_may_import(request.scope.get("user"), name)
    content = await data.file.read()
    filename = data.file.filename or "upload"
    try:
        summary = await import_file(
            name, content, filename, dry_run=dry_run, accept_close_matches=accept_close_matches
        )
    except ImportRejected as exc:
        marked = await asyncio.to_thread(
            error_workbook, content, exc.table, exc.problems, lang=language
        )
        error_id = await store_errors(marked, request.scope.get("user"))
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


@get(
    "/imports/errors/{name:str}",
    summary="The marked-up file of a rejected import (its uploader's only)",
    opt={"roles": IMPORTERS},
    media_type=XLSX,
)
async def import_errors(request: Request[Any, Any, Any], name: FromPath[str]) -> Stream:
    return file_response(await errors_file(request.scope.get("user"), name))


@get(
    "/imports/{kind:str}/template",
    summary="The .xlsx template of a kind (?lang= for State names in French or Spanish)",
    opt={"roles": STAFF},
    media_type=XLSX,
    dependencies=LANGUAGE,
)
async def import_template(kind: FromPath[str], language: NamedDependency[str]) -> Response[bytes]:
    name = kind_key(kind)
    return Response(
        await template(name, lang=language),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}-template.xlsx"'},
    )


ROUTES: list[Any] = [import_upload, import_errors, import_template]
