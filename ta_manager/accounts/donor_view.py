"""What a donor user may see: its own money and what it bought, and no other donor's name.

- contributions: its own; allocations and expenditure: of its own contributions;
- projects: those it is a donor of, or that its contributions are earmarked or allocated to;
- activities: those its allocations fund, those naming it as a donor, and those of the
  projects above;
- funding needs: those of the projects above and those of priority areas (not those
  stated only for a proposal);
- organizations: every organization except other donors.
Everything else about a record it may see comes back whole (beneficiaries, participants),
except references to other donors, which are removed from read records (`redact`).
A record outside this view answers 404, exactly as a record that does not exist.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any, Protocol

from ta_manager.accounts.roles import DONOR
from ta_manager.accounts.users import Account
from ta_manager.database import sql
from ta_manager.errors import NotFound
from ta_manager.records.filters import Where
from ta_manager.records.service import Page, RecordService, Total

# `{}` is the donor organization's id.
_OWN_ALLOCATIONS = (
    "SELECT a.id FROM allocation a JOIN contribution c ON c.id = a.contribution_id"
    " WHERE c.donor_id = {}"
)
_FUNDED_PROJECTS = (
    "SELECT pd.project_id FROM project_donor pd WHERE pd.organization_id = {}"
    " UNION SELECT c.earmarked_project_id FROM contribution c"
    " WHERE c.donor_id = {} AND c.earmarked_project_id IS NOT NULL"
    " UNION SELECT a.project_id FROM allocation a JOIN contribution c ON c.id = a.contribution_id"
    " WHERE c.donor_id = {} AND a.project_id IS NOT NULL"
)
_FUNDED_ACTIVITIES = (
    "SELECT a.activity_id FROM allocation a JOIN contribution c ON c.id = a.contribution_id"
    " WHERE c.donor_id = {} AND a.activity_id IS NOT NULL"
    " UNION SELECT ad.activity_id FROM activity_donor ad WHERE ad.organization_id = {}"
    f" UNION SELECT x.id FROM activity x WHERE x.project_id IN ({_FUNDED_PROJECTS})"
)

# Condition on table alias `t`, by table.
VISIBLE: dict[str, str] = {
    "contribution": "t.donor_id = {}",
    "allocation": "t.contribution_id IN (SELECT id FROM contribution WHERE donor_id = {})",
    "expenditure": f"t.allocation_id IN ({_OWN_ALLOCATIONS})",
    "project": f"t.id IN ({_FUNDED_PROJECTS})",
    "activity": f"t.id IN ({_FUNDED_ACTIVITIES})",
    "organization": "(NOT ('donor' = ANY(t.roles)) OR t.id = {})",
    "funding_need": f"(t.priority_area_id IS NOT NULL OR t.project_id IN ({_FUNDED_PROJECTS}))",
}


class RecordReader(Protocol):
    async def page(
        self,
        filters: Any = None,
        *,
        q: str | None = None,
        sort: str | None = None,
        limit: int = 50,
        offset: int = 0,
        include_archived: bool = False,
        cursor: str | None = None,
        total: Total = "estimated",
    ) -> Page: ...

    async def get(self, record_id: int) -> dict[str, Any]: ...


def visible_condition(where: Where, table: str, donor_id: int) -> None:
    condition = VISIBLE.get(table)
    if condition is None:
        where.add("false")
        return
    where.add(condition, *([donor_id] * condition.count("{}")))


class _NoFilters:
    """Stands for 'no filters' so that the scoped service's `filter` is still called."""


NO_FILTERS = _NoFilters()
_SCOPED: dict[type[RecordService], type[RecordService]] = {}


def _scoped_class(cls: type[RecordService]) -> type[RecordService]:
    if cls not in _SCOPED:

        class Scoped(cls):  # type: ignore[valid-type, misc]
            donor_id: int

            async def filter(self, where: Where, filters: Any) -> None:
                visible_condition(where, self.table, self.donor_id)
                if not isinstance(filters, _NoFilters):
                    await super().filter(where, filters)

        Scoped.__name__ = f"DonorScoped{cls.__name__}"
        _SCOPED[cls] = Scoped
    return _SCOPED[cls]


class DonorView:
    """A service as one donor sees it: same reads, fewer records, no other donors' names."""

    def __init__(self, service: RecordService, donor_id: int) -> None:
        self.service = service
        self.scoped = _scoped_class(type(service))()
        self.scoped.donor_id = donor_id  # type: ignore[attr-defined]
        self.donor_id = donor_id

    async def page(
        self,
        filters: Any = None,
        *,
        q: str | None = None,
        sort: str | None = None,
        limit: int = 50,
        offset: int = 0,
        include_archived: bool = False,
        cursor: str | None = None,
        total: Total = "estimated",
    ) -> Page:
        page = await self.scoped.page(
            NO_FILTERS if filters is None else filters,
            q=q,
            sort=sort,
            limit=limit,
            offset=offset,
            include_archived=include_archived,
            cursor=cursor,
            total=total,
        )
        return dataclasses.replace(page, items=await redact(page.items, self.donor_id))

    async def get(self, record_id: int) -> dict[str, Any]:
        where = Where()
        where.add("t.id = {}", record_id)
        visible_condition(where, self.service.table, self.donor_id)
        found = await sql.fetchval(
            f"SELECT 1 FROM {self.service.table} t {where.sql()}", *where.args
        )
        if not found:
            raise NotFound(self.service.resource, record_id)
        return (await redact([await self.service.get(record_id)], self.donor_id))[0]


# Read-record fields that hold organization codes.
ORGANIZATION_LISTS = frozenset({"donors", "partners", "beneficiary_institutions"})
ORGANIZATION_FIELDS = frozenset({"donor", "implementing_office"})
# Fields of an activity naming other activities: only those the donor may see are kept.
ACTIVITY_LISTS = frozenset({"same_event_as", "same_event_group", "delivered_by"})
ACTIVITY_FIELDS = frozenset({"delivers"})


async def other_donor_codes(donor_id: int) -> frozenset[str]:
    rows = await sql.fetch(
        "SELECT upper(code) AS code FROM organization WHERE 'donor' = ANY(roles) AND id <> $1",
        donor_id,
    )
    return frozenset(r["code"] for r in rows)


async def redact(items: Iterable[dict[str, Any]], donor_id: int) -> list[dict[str, Any]]:
    """Remove every reference by code to another donor (e.g. a co-funded project's donors)."""
    rows = await _visible_activity_links(list(items), donor_id)
    hidden = await other_donor_codes(donor_id)
    if not hidden:
        return rows
    out = []
    for row in rows:
        clean = dict(row)
        for key in ORGANIZATION_LISTS & row.keys():
            clean[key] = [v for v in row[key] or [] if str(v).upper() not in hidden]
        for key in ORGANIZATION_FIELDS & row.keys():
            if isinstance(row[key], str) and row[key].upper() in hidden:
                clean[key] = None
        out.append(clean)
    return out


async def _visible_activity_links(
    rows: list[dict[str, Any]], donor_id: int
) -> list[dict[str, Any]]:
    """Codes of activities outside the donor's view are removed from links to them."""
    named = {
        str(code).upper()
        for row in rows
        for key in (ACTIVITY_LISTS | ACTIVITY_FIELDS) & row.keys()
        for code in (row[key] if isinstance(row[key], list) else [row[key]])
        if code
    }
    if not named:
        return rows
    where = Where()
    where.add("upper(t.code) = ANY({})", sorted(named))
    visible_condition(where, "activity", donor_id)
    found = await sql.fetch(
        f"SELECT upper(t.code) AS code FROM activity t {where.sql()}", *where.args
    )
    seen = {r["code"] for r in found}
    out = []
    for row in rows:
        clean = dict(row)
        for key in ACTIVITY_LISTS & row.keys():
            clean[key] = [c for c in row[key] or [] if str(c).upper() in seen]
        for key in ACTIVITY_FIELDS & row.keys():
            if row[key] and str(row[key]).upper() not in seen:
                clean[key] = None
        out.append(clean)
    return out


def reader_for(service: RecordService, account: Account | None) -> RecordReader:
    """The service itself for staff and viewers; its donor view for a donor user."""
    if account is not None and account.role == DONOR and account.donor_id is not None:
        return DonorView(service, account.donor_id)
    return service
