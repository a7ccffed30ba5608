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

import re
import typing
from collections import defaultdict
from collections.abc import Callable
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
from ta_manager.funding.schemas import (
    AllocationCreate,
    BudgetCategory,
    ContributionCreate,
    ExpenditureCreate,
)
from ta_manager.funding.service import AllocationService, ContributionService, ExpenditureService
from ta_manager.iati import mapping as M
from ta_manager.iati.codelists import codes, name_of
from ta_manager.iati.reading import ACTIVITIES, IatiFileRefused, records
from ta_manager.iati.validator import schema_problems
from ta_manager.projects.schemas import ProjectCreate
from ta_manager.projects.service import ProjectService
from ta_manager.reference.schemas import OrganizationCreate
from ta_manager.reference.services import OrganizationService, SectorService
from ta_manager.settings import get_settings

Progress = Callable[[str, int, int], None]
CODE = re.compile(r"[^A-Za-z0-9._/-]+")
RECORD_PATH = re.compile(r"^/iati-activities/iati-activity(\[\d+\])?")
ORG_TYPES = {10, 11, 15, 21, 22, 23, 24, 30, 40, 60, 70, 71, 72, 73, 80, 90}
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


@dataclass
class Item:
    number: int  # position of the iati-activity in the file (1-based)
    pub: M.Publication
    code: str
    parent: str | None = None  # project code


def as_code(text: str) -> str:
    """A ta-manager code from an identifier: other characters become '-', 64 at most."""
    code = CODE.sub("-", text.strip()).strip("-._/")
    return code[:64] or "X"


class _Reader:
    """Reads the file's records, collecting every problem (element path + reason)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.items: list[Item] = []
        own = get_settings().iati_reporting_org
        self.own_prefix = own + "-" if own else None

    def problem(self, path: str, value: Any, reason: str, number: int | None = None) -> None:
        if len(self.problems) < 1000:
            shown = None if value is None else str(value)[:200]
            self.problems.append(Problem(self.name, number, path, shown, reason))

    def read(self, source: Path | IO[bytes], progress: Progress | None) -> None:
        for number, (root, element) in enumerate(records(source, self.name), start=1):
            if root.tag != ACTIVITIES:
                raise IatiFileRefused(
                    f"{self.name}: an organisation file (iati-organisations) has no activities"
                    " to import; import an iati-activities file"
                )
            if element is None:
                break
            self._record(number, element)
            if progress and number % 200 == 0:
                progress("read", number, 0)

    def _path(self, number: int, element: Any) -> str:
        return self._numbered(number, element.getroottree().getpath(element))

    @staticmethod
    def _numbered(number: int, path: str) -> str:
        """An element path with the record's position in the file (earlier records are
        already gone from the tree)."""
        return RECORD_PATH.sub(f"/iati-activities/iati-activity[{number}]", path, count=1)

    def _record(self, number: int, element: Any) -> None:
        for p in schema_problems(element, ACTIVITIES):
            self.problem(
                self._numbered(number, p.path or "/iati-activities/iati-activity"),
                None,
                f"not valid IATI 2.03: {p.message}",
                number,
            )
        pub, read_problems = M.from_element(element)
        for rp in read_problems:
            self.warnings.append(f"{rp.path}: {rp.reason}")
        identifier = pub.identifier
        if not identifier:
            return
        code = self._code(identifier)
        parent = next((ref for ref, kind in pub.related if kind == M.PARENT), None)
        item = Item(number, pub, code, self._code(parent) if parent else None)
        self._check_codes(item, element)
        self.items.append(item)

    def _code(self, identifier: str) -> str:
        if self.own_prefix and identifier.startswith(self.own_prefix):
            return as_code(identifier[len(self.own_prefix) :])
        return as_code(identifier)

    def _check_codes(self, item: Item, element: Any) -> None:
        n = item.number
        country_codes, sector_codes = codes("Country"), codes("Sector")
        currencies = codes("Currency")
        for c in element.findall("recipient-country"):
            code = (c.get("code") or "").strip().upper()
            if code not in country_codes:
                self.problem(
                    self._path(n, c) + "/@code", code, "not a code of the IATI Country codelist", n
                )
        for s in element.findall("sector"):
            if (s.get("vocabulary") or "1").strip() == "1":
                code = (s.get("code") or "").strip()
                if code not in sector_codes:
                    self.problem(
                        self._path(n, s) + "/@code", code, "not a DAC 5-digit sector code", n
                    )
        for path, value in (
            ("/@default-currency", element.get("default-currency")),
            *[
                (self._path(n, v)[len(self._path(n, element)) :] + "/@currency", v.get("currency"))
                for v in element.iter("value")
                if v.get("currency")
            ],
        ):
            if value is not None and value.strip() not in currencies:
                self.problem(
                    self._path(n, element) + path,
                    value,
                    "not a code of the IATI Currency codelist",
                    n,
                )
        status = element.find("activity-status")
        if status is not None and (status.get("code") or "") not in M.ACTIVITY_STATUS_BACK:
            self.problem(
                self._path(n, status) + "/@code",
                status.get("code"),
                "not a code of the IATI ActivityStatus codelist",
                n,
            )
        for t in element.iter("transaction-type"):
            if (t.get("code") or "") not in codes("TransactionType"):
                self.problem(
                    self._path(n, t) + "/@code",
                    t.get("code"),
                    "not a code of the IATI TransactionType codelist",
                    n,
                )


# ------------------------------------------------------------------ organisations
class _Organisations:
    """Organisations of the file matched to stored ones (IATI identifier, code, name), or
    new ones to create."""

    def __init__(self) -> None:
        self.by_ref: dict[str, str] = {}
        self.by_code: dict[str, str] = {}
        self.by_name: dict[str, str] = {}
        self.new: dict[str, dict[str, Any]] = {}
        self.roles: dict[str, set[str]] = defaultdict(set)

    async def load(self) -> None:
        for r in await sql.fetch("SELECT code, name, iati_identifier FROM organization"):
            if r["iati_identifier"]:
                self.by_ref.setdefault(r["iati_identifier"].upper(), r["code"])
            self.by_code[r["code"].upper()] = r["code"]
            self.by_name.setdefault(r["name"].strip().upper(), r["code"])

    def code_of(self, org: M.Org | None, role: str) -> str | None:
        if org is None or not (org.ref or org.name):
            return None
        found = (
            (self.by_ref.get(org.ref.upper()) if org.ref else None)
            or (self.by_code.get(as_code(org.ref).upper()) if org.ref else None)
            or (self.by_name.get(org.name.strip().upper()) if org.name else None)
        )
        if found is None:
            code = as_code(org.ref or org.name)
            while code.upper() in self.by_code and code not in self.new:
                code = as_code(code[:60] + "-2")
            self.new.setdefault(
                code,
                {
                    "code": code,
                    "name": (org.name or org.ref)[:200],
                    "iati_identifier": org.ref,
                    "iati_org_type": org.type if org.type in ORG_TYPES else None,
                },
            )
            self.by_code[code.upper()] = code
            if org.ref:
                self.by_ref[org.ref.upper()] = code
            if org.name:
                self.by_name[org.name.strip().upper()] = code
            found = code
        self.roles[found].add(role)
        return found


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
    reader = _Reader(name)
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
    reader: _Reader, name: str, dry_run: bool, progress: Progress | None
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
        orgs = _Organisations()
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
                and not await _exists("project", item.parent)
            ):
                warnings.append(
                    f"iati-activity {item.pub.identifier}: its parent {item.parent}"
                    " is not a project here; imported without a project"
                )
                values[item.code]["project"] = None
        created_orgs = await _create_organisations(orgs)
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
        money = await _money(items, orgs, name, warnings)
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


async def _exists(table: str, code: str) -> bool:
    return bool(await sql.fetchval(f"SELECT 1 FROM {table} WHERE upper(code) = upper($1)", code))


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


def _orgs_of(pub: M.Publication, orgs: _Organisations, role: str, as_role: str) -> list[str]:
    own = pub.reporting_org.ref
    found = []
    for org in pub.orgs:
        if org.role == role and not (own and org.ref == own):
            code = orgs.code_of(org, as_role)
            if code:
                found.append(code)
    return list(dict.fromkeys(found))


def _project_values(item: Item, orgs: _Organisations, iso3: dict[str, str]) -> dict[str, Any]:
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
    item: Item, orgs: _Organisations, iso3: dict[str, str], types: set[str], warnings: list[str]
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
        "planned_start": p.dates.get(M.PLANNED_START),
        "planned_end": p.dates.get(M.PLANNED_END),
        "actual_start": p.dates.get(M.ACTUAL_START),
        "actual_end": p.dates.get(M.ACTUAL_END),
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


async def _create_organisations(orgs: _Organisations) -> int:
    """Create the file's organisations not stored yet; stored ones gain the roles the file
    gives them (a funder becomes a donor). Called again once transactions named providers."""
    service = OrganizationService()
    stored = {
        r["code"]: r for r in await sql.fetch("SELECT id, code, version, roles FROM organization")
    }
    for code, values in orgs.new.items():
        if code not in stored:
            roles = sorted(orgs.roles.get(code, set()))
            struct = msgspec.convert({**values, "roles": roles}, OrganizationCreate, strict=False)
            await service.create(struct)
    for code, wanted in orgs.roles.items():
        row = stored.get(code)
        if row is not None and not wanted <= set(row["roles"]):
            merged = sorted(set(row["roles"]) | wanted)
            await service.update(row["id"], {"roles": merged}, row["version"])
    return len(orgs.new)


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


# ------------------------------------------------------------------ money
async def _money(
    items: list[Item], orgs: _Organisations, name: str, warnings: list[str]
) -> tuple[int, int, int]:
    """Contributions, allocations and expenditure from the records' transactions."""
    contributions: dict[str, dict[str, Any]] = {}
    for item in items:
        for n, t in enumerate(item.pub.transactions, start=1):
            if t.type not in (M.INCOMING_FUNDS, M.INCOMING_COMMITMENT):
                continue
            code = as_code(t.ref) if t.ref else f"{item.code}-C{n}"[:64]
            donor = orgs.code_of(t.provider, "donor") if t.provider else None
            if donor is None:
                warnings.append(
                    f"{item.pub.identifier}: incoming funds {code} without a"
                    " provider organisation: not imported"
                )
                continue
            c = contributions.setdefault(
                code,
                {
                    "code": code,
                    "donor": donor,
                    "amount": Decimal(0),
                    "currency": t.currency,
                    "status": "pledged",
                    "pledged_on": None,
                    "received_on": None,
                },
            )
            c["amount"] += t.value
            if t.type == M.INCOMING_FUNDS:
                c["status"] = "received"
                c["received_on"] = min(filter(None, [c["received_on"], t.date]))
            else:
                c["pledged_on"] = min(filter(None, [c["pledged_on"], t.date]))
            if t.earmarking == M.EARMARKING["project"] and item.pub.kind == "project":
                c.setdefault("earmarked_project", item.code)
    await _create_organisations(orgs)
    service = ContributionService()
    for code, c in contributions.items():
        if c["status"] == "received" and c["pledged_on"] is None:
            c["pledged_on"] = c["received_on"]
        if c.get("earmarked_project"):
            c["earmarking"] = "project"
        existing = await sql.fetchrow(
            "SELECT id, version FROM contribution WHERE upper(code) = upper($1)", code
        )
        try:
            data = msgspec.convert(c, ContributionCreate, strict=False)
            if existing is None:
                await service.create(data)
            else:
                changes = {k: v for k, v in c.items() if k != "code"}
                await service.update(existing["id"], changes, existing["version"])
        except (DomainError, msgspec.ValidationError) as exc:
            reason = exc.detail if isinstance(exc, DomainError) else str(exc)
            raise ImportFailed(
                [
                    Problem(
                        name,
                        None,
                        f"transaction[@ref='{code}']",
                        code,
                        f"cannot be stored as a contribution: {reason}",
                    )
                ]
            ) from exc
    allocations = expenditures = 0
    for item in items:
        a, e = await _record_money(item, set(contributions), name, warnings)
        allocations += a
        expenditures += e
    return len(contributions), allocations, expenditures


async def _record_money(
    item: Item, known: set[str], name: str, warnings: list[str]
) -> tuple[int, int]:
    owner = "project" if item.pub.kind == "project" else "activity"
    record_id = await sql.fetchval(
        f"SELECT id FROM {owner} WHERE upper(code) = upper($1)", item.code
    )
    refs = {as_code(t.ref) for t in item.pub.transactions if t.ref}
    # The file's money replaces what the same contributions had on this record.
    old = await sql.fetch(
        f"SELECT a.id FROM allocation a JOIN contribution c ON c.id = a.contribution_id"
        f" WHERE a.{owner}_id = $1 AND c.code = ANY($2::text[])",
        record_id,
        sorted(refs),
    )
    allocations, expenditures = AllocationService(), ExpenditureService()
    for row in old:
        for e in await sql.fetch("SELECT id FROM expenditure WHERE allocation_id = $1", row["id"]):
            await expenditures.delete(e["id"])
        await allocations.delete(row["id"])
    by_contribution: dict[str, int] = {}
    n_alloc = n_exp = 0
    for t in item.pub.transactions:
        ref = as_code(t.ref) if t.ref else ""
        if t.type == M.COMMITMENT:
            if ref not in known and not await _exists("contribution", ref):
                warnings.append(
                    f"{item.pub.identifier}: commitment {ref or '(no ref)'} names no"
                    " contribution of the file or of ta-manager: not imported"
                )
                continue
            created = await allocations.create(
                msgspec.convert(
                    {
                        "contribution": ref,
                        "amount": t.value,
                        "allocated_on": t.date,
                        owner: item.code,
                    },
                    AllocationCreate,
                    strict=False,
                )
            )
            by_contribution.setdefault(ref, created["id"])
            n_alloc += 1
        elif t.type in (M.EXPENDITURE, M.DISBURSEMENT):
            allocation = by_contribution.get(ref)
            if allocation is None:
                warnings.append(
                    f"{item.pub.identifier}: transaction type {t.type}"
                    f" {ref or '(no ref)'} follows no commitment of the same"
                    " contribution on this record: not imported"
                )
                continue
            category = t.description.replace(" ", "_")
            categories = typing.get_args(BudgetCategory)
            await expenditures.create(
                msgspec.convert(
                    {
                        "allocation_id": allocation,
                        "amount": t.value,
                        "spent_on": t.date,
                        "category": category if category in categories else "operating_costs",
                    },
                    ExpenditureCreate,
                    strict=False,
                )
            )
            n_exp += 1
    return n_alloc, n_exp
