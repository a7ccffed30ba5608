"""HTTP routes of this part, mounted under /api/v1 by ta_manager.app.

Workbooks are built into a temporary file and streamed back in chunks (the file is
deleted once sent). Bad filters give a 4xx problem document naming the field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from litestar import Controller, Request, get
from litestar.background_tasks import BackgroundTask
from litestar.di import Provide
from litestar.params import Parameter
from litestar.response import File

from reports import exports
from reports.annual import AnnualFilters
from reports.funding import donor_scope_of
from reports.matrix import MatrixFilters, build_matrix, matrix_json
from ta_manager.accounts.roles import DONOR as DONOR_ROLE
from ta_manager.accounts.roles import STAFF
from ta_manager.api.query import filter_provider

MATRIX = {"filters": Provide(filter_provider(MatrixFilters), sync_to_thread=False)}
ANNUAL = {"filters": Provide(filter_provider(AnnualFilters), sync_to_thread=False)}
DONOR = Parameter(
    default=None,
    description="Donor organization code or id; all donors when omitted (secretariat)",
)


async def _file(write: Callable[[Path], Awaitable[None]], filename: str, media_type: str) -> File:
    suffix = Path(filename).suffix
    path = await exports.to_temporary_file(write, suffix)
    return File(
        path,
        filename=filename,
        media_type=media_type,
        background=BackgroundTask(path.unlink, missing_ok=True),
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
        filters: MatrixFilters,
        detail: bool = Parameter(
            default=False,
            description="Also every need-activity row and the regional activities (large)",
        ),
    ) -> dict[str, Any]:
        return matrix_json(await build_matrix(filters), detail=detail)

    @get(
        "/matrix.xlsx",
        operation_id="needsMatrixWorkbook",
        summary="Needs-to-activity matrix (workbook)",
        dependencies=MATRIX,
    )
    async def matrix_xlsx(self, filters: MatrixFilters) -> File:
        async def write(path: Path) -> None:
            await exports.matrix_xlsx(filters, path)

        return await _file(write, f"needs-matrix-{_stamp()}.xlsx", exports.XLSX)

    @get(
        "/annual.xlsx",
        operation_id="annualReportWorkbook",
        summary="Annual activity report for ?year= or ?from=&to=",
        dependencies=ANNUAL,
    )
    async def annual_xlsx(self, filters: AnnualFilters) -> File:
        async def write(path: Path) -> None:
            await exports.annual_xlsx(filters, path)

        label = filters.year or _name(filters.date_from, "to", filters.date_to)
        return await _file(write, _name("annual-report", label) + ".xlsx", exports.XLSX)

    @get(
        "/funding.xlsx",
        operation_id="fundingWorkbook",
        summary="Donor funding export (a donor user gets its own money only)",
        opt={"roles": (*STAFF, DONOR_ROLE)},
    )
    async def funding_xlsx(
        self, request: Request[Any, Any, Any], donor: str | None = DONOR
    ) -> File:
        scope = await donor_scope(request, donor)

        async def write(path: Path) -> None:
            await exports.funding_xlsx(scope, path)

        return await _file(
            write, _name("funding", donor or "all", _stamp()) + ".xlsx", exports.XLSX
        )

    @get(
        "/funding.csv",
        operation_id="fundingLedger",
        summary="Donor funding ledger (CSV: contributions, allocations, expenditure)",
        opt={"roles": (*STAFF, DONOR_ROLE)},
    )
    async def funding_csv(self, request: Request[Any, Any, Any], donor: str | None = DONOR) -> File:
        scope = await donor_scope(request, donor)

        async def write(path: Path) -> None:
            await exports.funding_csv(scope, path)

        return await _file(write, _name("funding", donor or "all", _stamp()) + ".csv", exports.CSV)


ROUTES: list[Any] = [ReportsController]
