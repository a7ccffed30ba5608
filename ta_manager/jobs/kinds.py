"""The kinds of job: each is a check of its params (who may, with what) and a small function
calling reports/ or importers/ with a progress callback, exactly as the CLI does.

`prepare` runs when the job is started (so a bad job is refused with 4xx) and again in the
worker before it runs (so a user who lost the right in between gets nothing).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from importers.kinds import KINDS as IMPORT_KINDS
from ta_manager.accounts.permissions import resource_roles
from ta_manager.accounts.roles import ADMIN, DONOR, OFFICER, SECRETARIAT, STAFF, Role
from ta_manager.accounts.users import Account
from ta_manager.errors import DomainError, InvalidInput, NotFound
from ta_manager.jobs import params as P

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
JSON = "application/json"
Progress = Callable[[str, int, int], None]
Params = dict[str, Any]


@dataclass(frozen=True)
class Upload:
    """The file an import job reads (kept in PostgreSQL while the job waits)."""

    content: bytes
    filename: str


@dataclass
class RunContext:
    account: Account
    params: Params
    progress: Progress
    scratch: Path  # a directory of this run; removed afterwards
    upload: Upload | None = None


@dataclass
class Outcome:
    """What a job produced: a file (on scratch disk or in memory) and/or a JSON result."""

    filename: str = ""
    media_type: str = ""
    path: Path | None = None
    content: bytes | None = None
    result: dict[str, Any] | None = None


class JobFailure(Exception):
    """The job ended with a problem for its user (problem details), e.g. a rejected import
    with its marked-up file."""

    def __init__(self, problem: dict[str, Any], errors_file: bytes | None = None) -> None:
        super().__init__(problem.get("detail", "failed"))
        self.problem = problem
        self.errors_file = errors_file


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


Prepare = Callable[[Account, Mapping[str, Any], Upload | None], Awaitable[Params]]
Run = Callable[[RunContext], Awaitable[Outcome]]


@dataclass(frozen=True)
class JobKind:
    name: str
    summary: str
    roles: tuple[Role, ...]
    prepare: Prepare
    run: Run
    # A worker lost mid-job: run it again (reports) or fail it (imports: the user decides).
    retry_when_lost: bool = True
    needs_upload: bool = False
    params_doc: dict[str, str] = field(default_factory=dict)


def _stamp() -> str:
    return dt.date.today().isoformat()


def file_name(*parts: object) -> str:
    """A file name from parts, keeping only characters safe in a Content-Disposition."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", "-".join(str(p) for p in parts if p))


# ---------------------------------------------------------------- reports


async def _prepare_matrix(account: Account, params: Mapping[str, Any], _: Upload | None) -> Params:
    from reports.matrix import MatrixFilters
    from reports.period import check_order

    f = P.filters_of(MatrixFilters, params, {"format", "lang"})
    fmt = P.choice(params, "format", ("xlsx", "json"))
    check_order(f.stated_from, f.stated_to, "stated_from", "stated_to")
    check_order(f.activity_from, f.activity_to, "activity_from", "activity_to")
    await P.check_codes(f)
    return {**dict(params), "format": fmt, "lang": P.language(params, account.language)}


async def _run_matrix(ctx: RunContext) -> Outcome:
    from reports import exports
    from reports.matrix import MatrixFilters

    f = P.filters_of(MatrixFilters, ctx.params, {"format", "lang"})
    suffix = ctx.params["format"]
    lang = P.language(ctx.params)
    target = ctx.scratch / f"matrix.{suffix}"
    if suffix == "json":
        ctx.progress("reading data", 0, 0)
        await exports.matrix_json_file(f, target, lang=lang)
        return Outcome(f"needs-matrix-{_stamp()}.json", JSON, target)
    await exports.matrix_xlsx(f, target, ctx.progress, lang=lang)
    return Outcome(f"needs-matrix-{_stamp()}.xlsx", XLSX, target)


async def _prepare_annual(account: Account, params: Mapping[str, Any], _: Upload | None) -> Params:
    from reports.annual import AnnualFilters
    from reports.period import period_of

    f = P.filters_of(AnnualFilters, params, {"lang"})
    period_of(f.year, f.date_from, f.date_to)
    await P.check_codes(f)
    return {**dict(params), "lang": P.language(params, account.language)}


async def _run_annual(ctx: RunContext) -> Outcome:
    from reports import exports
    from reports.annual import AnnualFilters

    f = P.filters_of(AnnualFilters, ctx.params, {"lang"})
    target = ctx.scratch / "annual.xlsx"
    await exports.annual_xlsx(f, target, ctx.progress, lang=P.language(ctx.params))
    label = f.year or file_name(f.date_from, "to", f.date_to)
    return Outcome(file_name("annual-report", label) + ".xlsx", XLSX, target)


async def _prepare_funding(account: Account, params: Mapping[str, Any], _: Upload | None) -> Params:
    from reports.funding import donor_scope_of

    P.unknown_names(params, {"donor", "format", "bom", "lang"})
    donor = params.get("donor")
    if donor is not None and not isinstance(donor, str | int):
        raise InvalidInput.of("params.donor", "must be a donor organization code or id", donor)
    fmt = P.choice(params, "format", ("xlsx", "csv"))
    bom = params.get("bom", True)
    if not isinstance(bom, bool):
        raise InvalidInput.of("params.bom", "must be true or false", bom)
    try:
        await donor_scope_of(account, donor)
    except NotFound as exc:
        if account.role == DONOR:
            raise  # a donor asking for another's money: as if it did not exist
        raise InvalidInput.of("params.donor", exc.detail, donor) from exc
    return {
        **dict(params),
        "format": fmt,
        "bom": bom,
        "lang": P.language(params, account.language),
    }


async def _run_funding(ctx: RunContext) -> Outcome:
    from reports import exports
    from reports.funding import donor_scope_of

    donor = ctx.params.get("donor")
    scope = await donor_scope_of(ctx.account, donor)
    fmt = ctx.params["format"]
    target = ctx.scratch / f"funding.{fmt}"
    name = file_name("funding", donor or "all", _stamp()) + f".{fmt}"
    lang = P.language(ctx.params)
    if fmt == "csv":
        bom = ctx.params.get("bom", True)
        await exports.funding_csv(scope, target, ctx.progress, bom=bom, lang=lang)
        return Outcome(name, CSV, target)
    await exports.funding_xlsx(scope, target, ctx.progress, lang=lang)
    return Outcome(name, XLSX, target)


# ---------------------------------------------------------------- proposals


async def _prepare_proposal(
    account: Account, params: Mapping[str, Any], _: Upload | None
) -> Params:
    from ta_manager.proposals import service

    P.unknown_names(params, {"id", "lang"})
    proposal_id = params.get("id")
    if not isinstance(proposal_id, int) or isinstance(proposal_id, bool):
        raise InvalidInput.of(
            "params.id", "the proposal's id (an integer) is required", proposal_id
        )
    try:
        await service.document(proposal_id)
    except NotFound as exc:
        raise InvalidInput.of("params.id", exc.detail, proposal_id) from exc
    return {"id": proposal_id, "lang": P.language(params, account.language)}


async def _run_proposal(ctx: RunContext) -> Outcome:
    from ta_manager.proposals.export import proposal_workbook

    ctx.progress("writing workbook", 0, 1)
    content = await proposal_workbook(ctx.params["id"], lang=P.language(ctx.params))
    ctx.progress("writing workbook", 1, 1)
    return Outcome(f"proposal-{ctx.params['id']}.xlsx", XLSX, content=content)


# ---------------------------------------------------------------- imports

IMPORTERS: tuple[Role, ...] = (ADMIN, OFFICER, SECRETARIAT)


async def _prepare_import(
    account: Account, params: Mapping[str, Any], upload: Upload | None
) -> Params:
    from importers.problems import ImportFailed
    from importers.reading import max_import_bytes

    P.unknown_names(params, {"kind", "dry_run", "accept_close_matches", "lang"})
    raw = params.get("kind")
    name = str(raw or "").strip().lower().replace("_", "-")
    if name not in IMPORT_KINDS:
        raise InvalidInput.of(
            "params.kind", f"the kind of records to import: one of {', '.join(IMPORT_KINDS)}", raw
        )
    flags = {}
    for flag in ("dry_run", "accept_close_matches"):
        flags[flag] = params.get(flag, False)
        if not isinstance(flags[flag], bool):
            raise InvalidInput.of(f"params.{flag}", "must be true or false", flags[flag])
    writers = resource_roles(f"/{name}").write
    if account.role not in writers:
        raise Forbidden(
            f"the {account.role} role may not import {name} (allowed: {', '.join(writers)})"
        )
    if upload is None:
        raise InvalidInput.of("file", "an import job needs the file (multipart field 'file')")
    try:
        limit = max_import_bytes()
    except ImportFailed as exc:
        raise InvalidInput.of("file", str(exc)) from exc
    if len(upload.content) > limit:
        raise InvalidInput.of("file", f"larger than the {limit:,} bytes an import accepts")
    return {"kind": name, **flags, "lang": P.language(params, account.language)}


async def _run_import(ctx: RunContext) -> Outcome:
    import asyncio
    from dataclasses import asdict

    from importers.error_workbook import error_workbook
    from importers.service import ImportRejected, import_file

    assert ctx.upload is not None
    upload = ctx.upload
    try:
        summary = await import_file(
            ctx.params["kind"],
            upload.content,
            upload.filename,
            dry_run=ctx.params["dry_run"],
            accept_close_matches=ctx.params["accept_close_matches"],
            progress=ctx.progress,
        )
    except ImportRejected as exc:
        marked = await asyncio.to_thread(
            error_workbook,
            upload.content,
            exc.table,
            exc.problems,
            lang=P.language(ctx.params),
        )
        raise JobFailure(
            {
                "type": "about:blank",
                "title": "Import rejected",
                "status": 422,
                "detail": f"{upload.filename}: nothing was written; {exc.detail}",
                "errors": [p.as_dict() for p in exc.problems],
                "more_errors": exc.dropped,
            },
            errors_file=marked,
        ) from exc
    body = asdict(summary)
    del body["created_ids"], body["updated_ids"]
    return Outcome(result=body)


# ---------------------------------------------------------------- IATI


async def _iati_filters(account: Account, params: Mapping[str, Any]) -> Any:
    """The IATI filters, with a donor user's own organization forced (as the route does)."""
    from reports.funding import donor_scope_of
    from ta_manager.iati.exporter import IatiFilters

    f = P.filters_of(IatiFilters, params)
    try:
        scope = await donor_scope_of(account, f.donor)
    except NotFound as exc:
        if account.role == DONOR:
            raise
        raise InvalidInput.of("params.donor", exc.detail, f.donor) from exc
    return dataclasses.replace(f, donor=scope)


async def _prepare_iati(account: Account, params: Mapping[str, Any], _: Upload | None) -> Params:
    from ta_manager.iati.exporter import prepare

    await prepare(await _iati_filters(account, params))  # the publisher's settings, codes
    return dict(params)


async def _run_iati(ctx: RunContext) -> Outcome:
    from ta_manager.iati.exporter import export_activities

    filters = await _iati_filters(ctx.account, ctx.params)
    target = ctx.scratch / "iati-activities.xml"
    with target.open("wb") as out:
        result = await export_activities(filters, out, ctx.progress)
    name = f"iati-activities-{_stamp()}.xml"
    return Outcome(name, "application/xml", target, result=result.as_dict())


KINDS: dict[str, JobKind] = {
    k.name: k
    for k in (
        JobKind(
            "matrix",
            "Needs-to-activity matrix workbook (or JSON with format=json)",
            STAFF,
            _prepare_matrix,
            _run_matrix,
        ),
        JobKind("annual", "Annual activity report workbook", STAFF, _prepare_annual, _run_annual),
        JobKind(
            "funding",
            "Donor funding workbook (or CSV ledger with format=csv)",
            (*STAFF, DONOR),
            _prepare_funding,
            _run_funding,
        ),
        JobKind("proposal", "Costed proposal workbook", STAFF, _prepare_proposal, _run_proposal),
        JobKind(
            "import",
            "Import a workbook or CSV file, all-or-nothing (dry_run to check)",
            IMPORTERS,
            _prepare_import,
            _run_import,
            retry_when_lost=False,
            needs_upload=True,
        ),
        JobKind(
            "iati",
            "IATI activity file (result: what was published and left out)",
            (*STAFF, DONOR),
            _prepare_iati,
            _run_iati,
        ),
    )
}


def kind_named(name: object) -> JobKind:
    if not isinstance(name, str) or name not in KINDS:
        raise InvalidInput.of("kind", f"must be one of {', '.join(KINDS)}", name)
    return KINDS[name]
