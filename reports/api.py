"""HTTP routes of this part, mounted under /api/v1 by ta_manager.app.

A download URL hands its work to a job worker when one is alive (the web process only
waits, so other users' requests stay fast): it answers with the file when the job ends
within TA_SYNC_WAIT_SECONDS, else 303 See Other to the job (`?wait=true`: wait to the end
and answer with the file, as before). Without a live worker the file is built here, into a
temporary file streamed back in chunks. Bad filters give a 4xx problem naming the field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.background_tasks import BackgroundTask
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter
from litestar.response import File

from reports import exports
from reports.annual import AnnualFilters
from reports.funding import donor_scope_of
from reports.matrix import MatrixFilters, build_matrix, matrix_json
from reports.translated import translate_matrix
from ta_manager.accounts.roles import DONOR as DONOR_ROLE
from ta_manager.accounts.roles import STAFF
from ta_manager.api.language import LANGUAGE
from ta_manager.api.problems import PROBLEM_JSON
from ta_manager.api.query import filter_provider
from ta_manager.files.http import file_response
from ta_manager.jobs import service as jobs
from ta_manager.jobs.params import params_of

MATRIX = {"filters": Provide(filter_provider(MatrixFilters), sync_to_thread=False), **LANGUAGE}
ANNUAL = {"filters": Provide(filter_provider(AnnualFilters), sync_to_thread=False), **LANGUAGE}
Donor = Annotated[
    str | None,
    QueryParameter(
        description="Donor organization code or id; all donors when omitted (secretariat)"
    ),
]
Wait = Annotated[
    bool,
    QueryParameter(
        description="Wait for the whole export and answer with the file, however long it"
        " takes (otherwise a long one answers 303 See Other to its job)"
    ),
]
Bom = Annotated[
    bool,
    QueryParameter(
        description="Start the CSV with a UTF-8 byte-order mark (the default, so a spreadsheet"
        " program opened by double-click reads accents right); false for scripts"
    ),
]


async def _file(write: Callable[[Path], Awaitable[None]], filename: str, media_type: str) -> File:
    suffix = Path(filename).suffix
    path = await exports.to_temporary_file(write, suffix)
    return File(
        path,
        filename=filename,
        media_type=media_type,
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


async def _deliver(
    request: Request[Any, Any, Any],
    kind: str,
    params: dict[str, Any],
    wait: bool,
    here: Callable[[], Awaitable[Response[Any]]],
) -> Response[Any]:
    """The file of a download URL: from a job worker when one is alive, else built here."""
    settings = request.app.state.settings
    if not await jobs.workers_alive(settings):
        return await here()
    account = request.scope["user"]
    # A browser following a download link cannot follow a job: it waits for the file.
    wait = wait or "text/html" in request.headers.get("accept", "")
    job = await jobs.start(account, kind, params, settings=settings)
    job = await jobs.wait(account, job["id"], None if wait else settings.sync_wait_seconds)
    if job["state"] == "done":
        return file_response(await jobs.result_file(account, job["id"]))
    if job["state"] == "failed" and job["error"]:
        error = job["error"]
        return Response(error, status_code=error.get("status", 500), media_type=PROBLEM_JSON)
    return Response(
        job,
        status_code=303,
        headers={"Location": job["url"], "Retry-After": "5"},
        media_type="application/json",  # the job, whatever the download's own type
    )


async def donor_scope(request: Request[Any, Any, Any], donor: str | None) -> str | int | None:
    """The donor whose money may be exported (reports.funding.donor_scope_of)."""
    return await donor_scope_of(request.scope.get("user"), donor)


def _stamp() -> str:
    return dt.date.today().isoformat()


def _name(*parts: object) -> str:
    """A file name from parts, keeping only characters safe in a Content-Disposition."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", "-".join(str(p) for p in parts if p))


class ReportsController(Controller):
    path = "/reports"
    tags = ["Reports"]
    opt = {"roles": STAFF}

    @get(
        "/matrix",
        operation_id="needsMatrix",
        summary="Needs-to-activity matrix (JSON)",
        dependencies=MATRIX,
    )
    async def matrix(
        self,
        filters: NamedDependency[MatrixFilters],
        language: NamedDependency[str],
        detail: Annotated[
            bool,
            QueryParameter(
                description="Also every need-activity row and the regional activities (large)"
            ),
        ] = False,
    ) -> dict[str, Any]:
        matrix = await translate_matrix(await build_matrix(filters), language)
        return matrix_json(matrix, detail=detail)

    @get(
        "/matrix.xlsx",
        operation_id="needsMatrixWorkbook",
        summary="Needs-to-activity matrix (workbook)",
        dependencies=MATRIX,
        media_type=exports.XLSX,
        opt={"problems": (303,)},
    )
    async def matrix_xlsx(
        self,
        request: Request[Any, Any, Any],
        filters: NamedDependency[MatrixFilters],
        language: NamedDependency[str],
        wait: Wait = False,
    ) -> Response[Any]:
        async def write(path: Path) -> None:
            await exports.matrix_xlsx(filters, path, lang=language)

        async def here() -> Response[Any]:
            return await _file(write, f"needs-matrix-{_stamp()}.xlsx", exports.XLSX)

        params = {**params_of(filters), "lang": language}
        return await _deliver(request, "matrix", params, wait, here)

    @get(
        "/annual.xlsx",
        operation_id="annualReportWorkbook",
        summary="Annual activity report for ?year= or ?from=&to=",
        dependencies=ANNUAL,
        media_type=exports.XLSX,
        opt={"problems": (303,)},
    )
    async def annual_xlsx(
        self,
        request: Request[Any, Any, Any],
        filters: NamedDependency[AnnualFilters],
        language: NamedDependency[str],
        wait: Wait = False,
    ) -> Response[Any]:
        async def write(path: Path) -> None:
            await exports.annual_xlsx(filters, path, lang=language)

        async def here() -> Response[Any]:
            label = filters.year or _name(filters.date_from, "to", filters.date_to)
            return await _file(write, _name("annual-report", label) + ".xlsx", exports.XLSX)

        params = {**params_of(filters), "lang": language}
        return await _deliver(request, "annual", params, wait, here)

    @get(
        "/funding.xlsx",
        operation_id="fundingWorkbook",
        summary="Donor funding export (a donor user gets its own money only)",
        opt={"roles": (*STAFF, DONOR_ROLE), "problems": (303, 404)},
        media_type=exports.XLSX,
        dependencies=LANGUAGE,
    )
    async def funding_xlsx(
        self,
        request: Request[Any, Any, Any],
        language: NamedDependency[str],
        donor: Donor = None,
        wait: Wait = False,
    ) -> Response[Any]:
        scope = await donor_scope(request, donor)

        async def write(path: Path) -> None:
            await exports.funding_xlsx(scope, path, lang=language)

        async def here() -> Response[Any]:
            name = _name("funding", donor or "all", _stamp()) + ".xlsx"
            return await _file(write, name, exports.XLSX)

        params = {"donor": donor, "format": "xlsx", "lang": language}
        return await _deliver(request, "funding", params, wait, here)

    @get(
        "/funding.csv",
        operation_id="fundingLedger",
        summary="Donor funding ledger (CSV: contributions, allocations, expenditure)",
        opt={"roles": (*STAFF, DONOR_ROLE), "problems": (303, 404)},
        media_type=exports.CSV,
        dependencies=LANGUAGE,
    )
    async def funding_csv(
        self,
        request: Request[Any, Any, Any],
        language: NamedDependency[str],
        donor: Donor = None,
        wait: Wait = False,
        bom: Bom = True,
    ) -> Response[Any]:
        scope = await donor_scope(request, donor)

        async def write(path: Path) -> None:
            await exports.funding_csv(scope, path, bom=bom, lang=language)

        async def here() -> Response[Any]:
            name = _name("funding", donor or "all", _stamp()) + ".csv"
            return await _file(write, name, exports.CSV)

        params = {"donor": donor, "format": "csv", "bom": bom, "lang": language}
        return await _deliver(request, "funding", params, wait, here)


ROUTES: list[Any] = [ReportsController]
