"""The IATI activity file: projects (and, where configured, activities) as iati-activity.

`export_activities(filters, out, progress)` is the plain function the CLI, the HTTP route
and the job queue call: it streams the file into `out` record by record (constant memory)
and returns what was published and what was left out, by record and field. Each record is
checked before it is written: the Standard Ruleset's main rules on the record's values
(start date, actual dates not in the future, sectors, codes in their codelists...) and the
official XSD on the element itself. A record that fails is left out with its reasons; the
rest of the file is still written.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict, dataclass, field
from typing import IO, Any

from lxml import etree

from reports.funding import find_donor
from reports.period import check_order
from reports.snapshot import snapshot
from ta_manager.iati import mapping as M
from ta_manager.iati import queries as Q
from ta_manager.iati.codelists import codes
from ta_manager.iati.publications import Context, activity_publication, project_publication
from ta_manager.iati.publisher import Publisher, publisher
from ta_manager.iati.validator import schema
from ta_manager.records import references as R

Progress = Callable[[str, int, int], None]
MEDIA_TYPE = "application/xml"


@dataclass(frozen=True)
class IatiFilters:
    """What to export: one donor's money, some projects, a period (records overlapping it)."""

    donor: str | int | None = None
    project: list[str] | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass(frozen=True)
class LeftOut:
    record: str  # project | activity
    code: str
    identifier: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.record} {self.code}: {self.field}: {self.reason}"


@dataclass
class ExportResult:
    published: int = 0
    projects: int = 0
    activities: int = 0
    left_out: list[LeftOut] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "published": self.published,
            "projects": self.projects,
            "activities": self.activities,
            "left_out": [asdict(x) for x in self.left_out],
        }


class Unpublishable(Exception):
    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{f}: {r}" for f, r in problems))
        self.problems = problems


async def resolve_scope(filters: IatiFilters) -> Q.Scope:
    check_order(filters.date_from, filters.date_to)
    donor_id = None
    if filters.donor is not None:
        donor_id = int((await find_donor(filters.donor))["id"])
    project_ids = None
    if filters.project:
        project_ids = await R.PROJECT.ids(list(filters.project), "project")
    return Q.Scope(donor_id, project_ids, filters.date_from, filters.date_to)


# ------------------------------------------------------------------ checks before writing
def check(p: M.Publication, ctx: Context) -> list[tuple[str, str]]:
    """The ruleset's main rules on a record's values, as (field, reason), in the record's
    own field names so that an officer knows what to fix."""
    problems: list[tuple[str, str]] = []
    project = p.kind == "project"
    start_field = "starts_on" if project else "planned_start"
    if M.PLANNED_START not in p.dates and M.ACTUAL_START not in p.dates:
        problems.append((start_field, "no planned or actual start date (IATI rule 6.11.1)"))
    for kind, name in ((M.ACTUAL_START, "actual_start"), (M.ACTUAL_END, "actual_end")):
        when = p.dates.get(kind)
        if when is not None and when > ctx.today:
            problems.append((name, f"actual date {when} is in the future (IATI rule 11.1.4)"))
    for a, b, name in (
        (M.PLANNED_START, M.PLANNED_END, "planned_end"),
        (M.ACTUAL_START, M.ACTUAL_END, "actual_end"),
    ):
        if a in p.dates and b in p.dates and p.dates[a] > p.dates[b]:
            problems.append((name, f"{p.dates[b]} is before the start {p.dates[a]} (rule 11.1.2)"))
    if not p.sectors:
        problems.append(
            (
                "sectors",
                "no DAC sector on the record, its project or TA_IATI_DEFAULT_SECTOR"
                " (IATI rule 6.2.2)",
            )
        )
    sector_codes, country_codes, currencies = codes("Sector"), codes("Country"), codes("Currency")
    for code, _ in p.sectors:
        if code not in sector_codes:
            problems.append(("sectors", f"{code} is not in the IATI Sector (DAC 5-digit) codelist"))
    countries_field = "countries" if project else "beneficiary_countries"
    for code, _ in p.countries:
        if code not in country_codes:
            problems.append((countries_field, f"{code} is not in the IATI Country codelist"))
    if p.currency not in currencies:
        problems.append(
            (
                "currency" if project else "cost_currency",
                f"{p.currency} is not in the IATI Currency codelist",
            )
        )
    names = {
        M.INCOMING_FUNDS: "contributions",
        M.INCOMING_COMMITMENT: "contributions",
        M.COMMITMENT: "allocations",
        M.EXPENDITURE: "expenditures",
    }
    for t in p.transactions:
        if t.date > ctx.today:
            problems.append(
                (
                    names.get(t.type, "transactions"),
                    f"{t.ref}: dated {t.date}, in the future (IATI rule 11.2.1)",
                )
            )
        if t.currency not in currencies:
            problems.append(
                (
                    names.get(t.type, "transactions"),
                    f"{t.ref}: {t.currency} is not in the IATI Currency codelist",
                )
            )
    if not project and p.code in ctx.project_codes:
        problems.append(
            (
                "code",
                f"a project has the same code, so the same IATI identifier"
                f" {p.identifier}: rename one of them",
            )
        )
    return problems


def element_of(p: M.Publication, ctx: Context) -> Any:
    """The checked element of a record, or Unpublishable with its reasons."""
    problems = check(p, ctx)
    if problems:
        raise Unpublishable(problems)
    element = M.to_element(p)
    xsd = schema("iati-activities")
    if not xsd.validate(element):
        raise Unpublishable([(e.path or "element", e.message) for e in xsd.error_log])
    return element


# ------------------------------------------------------------------ the file
def header(pub: Publisher, generated: dt.datetime) -> bytes:
    stamp = generated.replace(microsecond=0).isoformat()
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<iati-activities version="{M.VERSION}" generated-datetime="{stamp}">\n'
    ).encode()


FOOTER = b"</iati-activities>\n"


def _serialise(element: Any) -> bytes:
    data: bytes = etree.tostring(element, encoding="UTF-8", pretty_print=True)
    return data


@dataclass(frozen=True)
class Prepared:
    """An export whose settings and filters are checked (so that an HTTP route can refuse
    with a 4xx before its streamed response starts)."""

    pub: Publisher
    scope: Q.Scope


async def prepare(filters: IatiFilters) -> Prepared:
    return Prepared(await publisher(), await resolve_scope(filters))


async def _with_money(
    batches: AsyncIterator[list[Any]], owner: str, donor_id: int | None
) -> AsyncIterator[tuple[list[Any], Q.Money]]:
    """Each batch of rows with its money, the next one read while the caller works on the
    current one (PostgreSQL works on its core while Python builds elements on the other)."""

    async def fetch() -> tuple[list[Any], Q.Money] | None:
        rows = await anext(batches, None)
        if rows is None:
            return None
        return rows, await Q.money(owner, [r["id"] for r in rows], donor_id)

    pending = asyncio.ensure_future(fetch())
    try:
        while (item := await pending) is not None:
            pending = asyncio.ensure_future(fetch())
            yield item
    finally:
        pending.cancel()


async def _listed(rows: list[Any], size: int) -> AsyncIterator[list[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


async def activity_chunks(
    prepared: Prepared, result: ExportResult, progress: Progress | None = None
) -> AsyncIterator[bytes]:
    """The file as byte chunks (header, one chunk per batch of records, footer); `result`
    is filled in as records are written or left out. Elements are built in a worker thread
    while the next batch is read."""
    pub, scope = prepared.pub, prepared.scope
    async with snapshot() as as_of:
        ctx = Context(pub, scope, await Q.organizations(), await Q.project_context(), as_of.date())
        yield header(pub, as_of)
        projects = await Q.projects(scope)
        ctx.project_codes = {r["code"] for r in projects}
        total = len(projects) + (await Q.count_activities(scope) if pub.activities else 0)
        done = 0
        if progress:
            progress("projects", 0, total)
        phases: list[tuple[str, AsyncIterator[list[Any]], str, Any]] = [
            ("projects", _listed(projects, Q.PROJECT_BATCH), "project_id", project_publication)
        ]
        if pub.activities:
            phases.append(
                ("activities", Q.activity_batches(scope), "activity_id", activity_publication)
            )
        for step, batches, owner, build in phases:
            async for rows, money in _with_money(batches, owner, scope.donor_id):
                yield await asyncio.to_thread(_write, ctx, rows, money, build, result)
                done += len(rows)
                if progress:
                    progress(step, done, total)
        if result.left_out:
            yield _left_out_comment(result.left_out)
        yield FOOTER


def _write(
    ctx: Context,
    rows: list[Any],
    money: Q.Money,
    build: Callable[[Context, Any, Q.Money], M.Publication],
    result: ExportResult,
) -> bytes:
    parts = []
    for row in rows:
        p = build(ctx, row, money)
        try:
            parts.append(_serialise(element_of(p, ctx)))
        except Unpublishable as exc:
            for name, reason in exc.problems:
                result.left_out.append(LeftOut(p.kind, p.code, p.identifier, name, reason))
            continue
        result.published += 1
        if p.kind == "project":
            result.projects += 1
        else:
            result.activities += 1
    return b"".join(parts)


def _left_out_comment(left_out: list[LeftOut]) -> bytes:
    """The records left out, as a comment at the end of the file (also returned)."""
    lines = [str(x).replace("--", "- -") for x in left_out[:1000]]
    more = f"\n  ... and {len(left_out) - 1000} more" if len(left_out) > 1000 else ""
    return (
        "<!-- Not published (record: field: reason):\n  " + "\n  ".join(lines) + more + "\n-->\n"
    ).encode()


async def export_activities(
    filters: IatiFilters, out: IO[bytes], progress: Progress | None = None
) -> ExportResult:
    """Write the IATI activity file for `filters` into `out` (any binary stream)."""
    result = ExportResult()
    async for chunk in activity_chunks(await prepare(filters), result, progress):
        out.write(chunk)
    return result
