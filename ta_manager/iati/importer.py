"""Import another publisher's IATI 2.03 activity file: all-or-nothing, like the spreadsheets.

The file is read whole first (hostile XML refused by `reading`, every record checked
against the XSD); States, DAC sectors and organisations are matched by code; anything
unknown is reported with its element path and nothing is written. Then, in one
transaction, records are created or updated through the same services the API uses (so
every write is audited, via 'import'), and a dry run rolls that transaction back.

How an iati-activity becomes records (docs/iati.md, "Import"):
- hierarchy 1 (or none) -> a project; hierarchy 2 and more -> an activity, of the project
  its related-activity of type 1 (parent) names, if that project is in the file or stored;
- codes: our own identifiers lose the `{TA_IATI_REPORTING_ORG}-` prefix (a file we
  exported comes back with the same codes); another publisher's keep the whole identifier;
- incoming funds / incoming commitments -> contributions (code = the transaction's ref),
  commitments -> allocations of that contribution, expenditure and disbursements ->
  expenditure of that allocation. A record's money from the file replaces the money the
  same contributions had on it, so importing a file twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import msgspec

from importers.problems import ImportFailed, Problem
from ta_manager.activities.schemas import ActivityCreate
from ta_manager.activities.service import ActivityService
from ta_manager.audit.actor import SYSTEM, Actor, acting_as, command_line_actor, current_actor
from ta_manager.database import sql
from ta_manager.errors import DomainError
from ta_manager.iati import mapping as M
from ta_manager.iati.codelists import name_of
from ta_manager.iati.import_money import import_money, record_exists
from ta_manager.iati.import_organisations import Organisations, create_organisations
from ta_manager.iati.import_reading import FileReader, Item, Progress
from ta_manager.iati.reading import IatiFileRefused
from ta_manager.projects.schemas import ProjectCreate
from ta_manager.projects.service import ProjectService
from ta_manager.reference.services import SectorService

DEFAULT_TYPE = "other"  # activity type when the file does not say (tag vocabulary 99)


@dataclass
class IatiImportSummary:
    file: str
    records: int
    projects: dict[str, int]  # new / updated
    activities: dict[str, int]
    organizations: int
    sectors: int
    contributions: int
    allocations: int
    expenditures: int
    dry_run: bool
    warnings: list[str] = field(default_factory=list)


class _DryRunDone(Exception):
    def __init__(self, summary: IatiImportSummary) -> None:
        self.summary = summary


# ------------------------------------------------------------------ the import
def _import_actor() -> Actor:
    actor = current_actor.get()
    if actor == SYSTEM:
        return command_line_actor("import")
    return Actor(actor.user_id, actor.email, "import")


async def import_iati(
    source: Path | IO[bytes],
    name: str,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> IatiImportSummary:
    """Import an IATI activity file; ImportFailed lists every problem, nothing written."""
    reader = FileReader(name)
    try:
        reader.read(source, progress)
    except IatiFileRefused as exc:
        raise ImportFailed([Problem(name, None, None, None, str(exc))]) from exc
    if reader.problems:
        raise ImportFailed(reader.problems)
    if not reader.items:
        raise ImportFailed([Problem(name, None, None, None, "the file has no iati-activity")])
    try:
        with acting_as(_import_actor()):
            return await _write(reader, name, dry_run, progress)
    except _DryRunDone as done:
        return done.summary


async def _country_codes() -> dict[str, str]:
    rows = await sql.fetch("SELECT iso2::text AS iso2, iso3::text AS iso3 FROM country")
    return {r["iso2"]: r["iso3"] for r in rows}


async def _activity_types() -> set[str]:
    return {r["code"] for r in await sql.fetch("SELECT code FROM activity_type")}


async def _write(
    reader: FileReader, name: str, dry_run: bool, progress: Progress | None
) -> IatiImportSummary:
    items = reader.items
    warnings = list(reader.warnings)
    async with sql.transaction():
        iso3 = await _country_codes()
        problems: list[Problem] = []
        for item in items:
            for code, _ in item.pub.countries:
                if code not in iso3:
                    problems.append(
                        Problem(
                            name,
                            item.number,
                            "recipient-country/@code",
                            code,
                            "no State with this ISO code in ta-manager",
                        )
                    )
        if problems:
            raise ImportFailed(problems)
        sectors = await _add_sectors(items, warnings)
        orgs = Organisations()
        await orgs.load()
        projects = [i for i in items if i.pub.kind == "project"]
        activities = [i for i in items if i.pub.kind == "activity"]
        project_codes = {i.code for i in projects}
        values = {}
        for item in projects:
            values[item.code] = _project_values(item, orgs, iso3)
        types = await _activity_types()
        for item in activities:
            values[item.code] = _activity_values(item, orgs, iso3, types, warnings)
        for item in activities:
            if (
                item.parent
                and item.parent not in project_codes
                and not await record_exists("project", item.parent)
            ):
                warnings.append(
                    f"iati-activity {item.pub.identifier}: its parent {item.parent}"
                    " is not a project here; imported without a project"
                )
                values[item.code]["project"] = None
        created_orgs = await create_organisations(orgs)
        counts: dict[str, dict[str, int]] = {"project": {}, "activity": {}}
        for kind, group, service, struct in (
            ("project", projects, ProjectService(), ProjectCreate),
            ("activity", activities, ActivityService(), ActivityCreate),
        ):
            for done, item in enumerate(group, start=1):
                action = await _save(service, struct, values[item.code], item, name)
                counts[kind][action] = counts[kind].get(action, 0) + 1
                if progress and done % 100 == 0:
                    progress(f"write {kind}s", done, len(group))
        money = await import_money(items, orgs, name, warnings)
        summary = IatiImportSummary(
            file=name,
            records=len(items),
            projects=counts["project"],
            activities=counts["activity"],
            organizations=created_orgs,
            sectors=sectors,
            contributions=money[0],
            allocations=money[1],
            expenditures=money[2],
            dry_run=dry_run,
            warnings=warnings,
        )
        if dry_run:
            raise _DryRunDone(summary)
        return summary


async def _add_sectors(items: list[Item], warnings: list[str]) -> int:
    """DAC sectors of the file that ta-manager does not list yet, named from the codelist."""
    wanted = {code for item in items for code, _ in item.pub.sectors}
    stored = {r["code"] for r in await sql.fetch("SELECT code FROM sector")}
    service = SectorService()
    added = sorted(wanted - stored)
    for code in added:
        await service.create({"code": code, "name": name_of("Sector", code) or code})
    if added:
        warnings.append(f"DAC sectors added from the IATI codelist: {', '.join(added)}")
    return len(added)


def _description(pub: M.Publication, kind: str) -> str:
    return next((text for t, text in pub.descriptions if t == kind), "")


def _total(budgets: list[M.Budget], currency: str) -> Decimal | None:
    values = [b.value for b in budgets if b.currency == currency]
    return sum(values, Decimal(0)) if values else None


def _orgs_of(pub: M.Publication, orgs: Organisations, role: str, as_role: str) -> list[str]:
    own = pub.reporting_org.ref
    found = []
    for org in pub.orgs:
        if org.role == role and not (own and org.ref == own):
            code = orgs.code_of(org, as_role)
            if code:
                found.append(code)
    return list(dict.fromkeys(found))


def _project_values(item: Item, orgs: Organisations, iso3: dict[str, str]) -> dict[str, Any]:
    p = item.pub
    currency = p.currency or "USD"
    offices = _orgs_of(p, orgs, M.EXTENDING, "implementing_office")
    return {
        "code": item.code,
        "title": p.title or item.code,
        "description": _description(p, "1"),
        "status": M.PROJECT_STATUS_BACK.get(p.status, "active"),
        "starts_on": p.dates.get(M.ACTUAL_START) or p.dates.get(M.PLANNED_START),
        "ends_on": p.dates.get(M.ACTUAL_END) or p.dates.get(M.PLANNED_END),
        "budget": _total(p.budgets, currency),
        "currency": currency,
        "implementing_office": offices[0] if offices else None,
        "donors": _orgs_of(p, orgs, M.FUNDING, "donor"),
        "countries": [iso3[c] for c, _ in p.countries],
        "sectors": [s for s, _ in p.sectors],
    }


def _activity_values(
    item: Item, orgs: Organisations, iso3: dict[str, str], types: set[str], warnings: list[str]
) -> dict[str, Any]:
    p = item.pub
    currency = p.currency or "USD"
    type_code = next((code for code, _ in p.tags if code in types), None)
    if type_code is None:
        type_code = DEFAULT_TYPE if DEFAULT_TYPE in types else sorted(types)[0]
    _orgs_of(p, orgs, M.FUNDING, "donor")  # donors are known organisations after the import
    return {
        "code": item.code,
        "title": p.title or item.code,
        "type": type_code,
        "status": M.ACTIVITY_STATUS_BACK.get(p.status, "planned"),
        "planned_start": _day(p.dates.get(M.PLANNED_START)),
        "planned_end": _day(p.dates.get(M.PLANNED_END)),
        "actual_start": _day(p.dates.get(M.ACTUAL_START)),
        "actual_end": _day(p.dates.get(M.ACTUAL_END)),
        "scope": M.SCOPE_BACK.get(p.scope or "", "national"),
        "project": item.parent,
        "description": _description(p, "1"),
        "outputs": _description(p, "4"),
        "beneficiary_countries": [iso3[c] for c, _ in p.countries],
        "partners": _orgs_of(p, orgs, M.IMPLEMENTING, "partner"),
        "sectors": [s for s, _ in p.sectors],
        "planned_cost": _total(p.budgets, currency),
        "cost_currency": currency,
    }


def _day(value: Any) -> str | None:
    """IATI dates are days; activity dates are partial-date text (YYYY-MM-DD here)."""
    return None if value is None else value.isoformat()


async def _save(
    service: Any, struct: type[msgspec.Struct], values: dict[str, Any], item: Item, name: str
) -> str:
    """Create or update one record; a rule it breaks is reported for its iati-activity."""
    where = f"/iati-activities/iati-activity[{item.number}]"
    try:
        data = msgspec.convert(values, struct, strict=False)
        existing = await sql.fetchrow(
            f"SELECT id, version FROM {service.table} WHERE upper(code) = upper($1)", item.code
        )
        if existing is None:
            await service.create(data)
            return "new"
        changes = {k: v for k, v in msgspec.structs.asdict(data).items() if k != "code"}
        await service.update(existing["id"], changes, existing["version"])
        return "updated"
    except msgspec.ValidationError as exc:
        raise ImportFailed(
            [
                Problem(
                    name,
                    item.number,
                    where,
                    item.pub.identifier,
                    f"cannot be stored as a {service.resource}: {exc}",
                )
            ]
        ) from exc
    except DomainError as exc:
        fields = ", ".join(f"{e.field}: {e.reason}" for e in exc.errors) or exc.detail
        raise ImportFailed(
            [
                Problem(
                    name,
                    item.number,
                    where,
                    item.pub.identifier,
                    f"cannot be stored as a {service.resource}: {fields}",
                )
            ]
        ) from exc
