"""The SQL of the IATI export: records in scope, their links, and their money, set-based.

Activities are read through a server-side cursor in batches, and each batch's money in one
query per table, so memory stays flat at any scale. Scope conditions reuse the donor view's
rules (ta_manager.accounts.donor_view.VISIBLE): a donor sees what its money funded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from ta_manager.accounts.donor_view import visible_condition
from ta_manager.activities.service import END, START
from ta_manager.database import sql
from ta_manager.records.filters import Where

BATCH = 1000
# Projects carry every allocation of theirs (hundreds at scale): fewer per batch.
PROJECT_BATCH = 100

ORGANIZATIONS = """
SELECT id, code, name, iati_identifier, iati_org_type, 'donor' = ANY(roles) AS is_donor
FROM organization
"""

# Every non-archived project, for activities: its code, office, sectors and donors.
PROJECT_CONTEXT = """
SELECT t.id, t.code, t.implementing_office_id,
       ARRAY(SELECT s.code FROM project_sector ps JOIN sector s ON s.id = ps.sector_id
             WHERE ps.project_id = t.id ORDER BY 1) AS sectors,
       ARRAY(SELECT pd.organization_id FROM project_donor pd WHERE pd.project_id = t.id
             UNION SELECT c.donor_id FROM allocation a JOIN contribution c
                   ON c.id = a.contribution_id
             WHERE a.project_id = t.id AND c.archived_at IS NULL ORDER BY 1) AS donors
FROM project t WHERE t.archived_at IS NULL
"""

PROJECTS = """
SELECT t.id, t.code, t.title, t.description, t.status, t.starts_on, t.ends_on, t.budget,
       t.currency::text AS currency, t.implementing_office_id, t.updated_at,
       ARRAY(SELECT co.iso2::text FROM project_country pc JOIN country co
             ON co.id = pc.country_id WHERE pc.project_id = t.id AND co.iso2 IS NOT NULL
             ORDER BY 1) AS countries,
       ARRAY(SELECT DISTINCT co.iso2::text FROM activity_country ac
             JOIN activity x ON x.id = ac.activity_id JOIN country co ON co.id = ac.country_id
             WHERE x.project_id = t.id AND x.archived_at IS NULL AND co.iso2 IS NOT NULL
             ORDER BY 1) AS activity_countries,
       ARRAY(SELECT DISTINCT ap.organization_id FROM activity_partner ap
             JOIN activity x ON x.id = ap.activity_id
             WHERE x.project_id = t.id AND x.archived_at IS NULL ORDER BY 1) AS partners,
       ARRAY(SELECT x.code FROM activity x WHERE x.project_id = t.id
             AND x.archived_at IS NULL ORDER BY 1) AS children
FROM project t {where}
ORDER BY t.code
"""

ACTIVITIES = """
SELECT t.id, t.code, t.title, t.description, t.outputs, t.status, t.planned_start,
       partial_date_end(t.planned_end, t.planned_end_precision) AS planned_end, t.actual_start,
       partial_date_end(t.actual_end, t.actual_end_precision) AS actual_end, t.scope,
       t.project_id, t.planned_cost,
       t.cost_currency::text AS currency, t.updated_at, t.venue_city,
       ty.code AS type_code, ty.name AS type_name, vc.name AS venue_country,
       ARRAY(SELECT co.iso2::text FROM activity_country ac JOIN country co
             ON co.id = ac.country_id WHERE ac.activity_id = t.id AND co.iso2 IS NOT NULL
             ORDER BY 1) AS countries,
       ARRAY(SELECT s.code FROM activity_sector x JOIN sector s ON s.id = x.sector_id
             WHERE x.activity_id = t.id ORDER BY 1) AS sectors,
       ARRAY(SELECT ap.organization_id FROM activity_partner ap
             WHERE ap.activity_id = t.id ORDER BY 1) AS partners
FROM activity t
JOIN activity_type ty ON ty.id = t.activity_type_id
LEFT JOIN country vc ON vc.id = t.venue_country_id
{where}
ORDER BY t.project_id NULLS LAST, t.code
"""

# Allocations to the given records (projects or activities), with their contribution.
ALLOCATIONS = """
SELECT al.id, al.{owner} AS owner_id, al.amount, al.allocated_on, c.code AS contribution,
       c.donor_id, c.currency::text AS currency, c.status,
       coalesce(c.pledged_on, c.dated_on) AS pledged_on,
       coalesce(c.received_on, c.dated_on) AS received_on,
       c.earmarking
FROM allocation al JOIN contribution c ON c.id = al.contribution_id
WHERE al.{owner} = ANY($1::bigint[]) AND c.archived_at IS NULL {donor}
ORDER BY al.{owner}, al.allocated_on, al.id
"""

EXPENDITURES = """
SELECT e.allocation_id, e.amount, e.spent_on, e.category
FROM expenditure e WHERE e.allocation_id = ANY($1::bigint[])
ORDER BY e.allocation_id, e.spent_on, e.id
"""

# What is left of contributions earmarked to the given projects once allocations are taken.
EARMARKED_REST = """
SELECT c.earmarked_project_id AS owner_id, c.code AS contribution, c.donor_id,
       c.currency::text AS currency, c.status, coalesce(c.pledged_on, c.dated_on) AS pledged_on,
       coalesce(c.received_on, c.dated_on) AS received_on, c.earmarking,
       c.amount - coalesce((SELECT sum(a.amount) FROM allocation a
                            WHERE a.contribution_id = c.id), 0) AS rest
FROM contribution c
WHERE c.earmarked_project_id = ANY($1::bigint[]) AND c.archived_at IS NULL
  AND c.amount IS NOT NULL {donor}
ORDER BY c.earmarked_project_id, c.code
"""


@dataclass(frozen=True)
class Scope:
    """Which records an export covers (resolved ids; None = no restriction)."""

    donor_id: int | None = None
    project_ids: list[int] | None = None
    date_from: Any = None
    date_to: Any = None


def project_where(scope: Scope) -> Where:
    where = Where()
    where.add("t.archived_at IS NULL")
    if scope.donor_id is not None:
        visible_condition(where, "project", scope.donor_id)
    if scope.project_ids is not None:
        where.add("t.id = ANY({}::bigint[])", scope.project_ids)
    where.period("t.starts_on", "coalesce(t.ends_on, t.starts_on)", scope.date_from, scope.date_to)
    return where


def activity_where(scope: Scope) -> Where:
    where = Where()
    where.add("t.archived_at IS NULL")
    if scope.donor_id is not None:
        visible_condition(where, "activity", scope.donor_id)
    if scope.project_ids is not None:
        where.add("t.project_id = ANY({}::bigint[])", scope.project_ids)
    where.period(START, END, scope.date_from, scope.date_to)
    return where


async def organizations() -> dict[int, asyncpg.Record]:
    return {r["id"]: r for r in await sql.fetch(ORGANIZATIONS)}


async def project_context() -> dict[int, asyncpg.Record]:
    return {r["id"]: r for r in await sql.fetch(PROJECT_CONTEXT)}


async def projects(scope: Scope) -> list[asyncpg.Record]:
    where = project_where(scope)
    return await sql.fetch(PROJECTS.format(where=where.sql()), *where.args)


async def activity_batches(scope: Scope) -> AsyncIterator[list[asyncpg.Record]]:
    """The activities in scope, BATCH at a time, from a cursor (inside the caller's
    transaction, which the exporter opens for a consistent snapshot)."""
    where = activity_where(scope)
    query = ACTIVITIES.format(where=where.sql())
    async with sql.connection() as conn:
        cursor = await conn.cursor(query, *where.args)
        while True:
            rows = await cursor.fetch(BATCH)
            if not rows:
                return
            yield rows


async def count_activities(scope: Scope) -> int:
    where = activity_where(scope)
    return int(await sql.fetchval(f"SELECT count(*) FROM activity t {where.sql()}", *where.args))


@dataclass
class Money:
    """The money of a batch of records, by record id."""

    allocations: dict[int, list[asyncpg.Record]]
    expenditures: dict[int, list[asyncpg.Record]]  # by allocation id
    earmarked: dict[int, list[asyncpg.Record]]


def _by(rows: Sequence[asyncpg.Record], key: str) -> dict[int, list[asyncpg.Record]]:
    out: dict[int, list[asyncpg.Record]] = {}
    for r in rows:
        out.setdefault(r[key], []).append(r)
    return out


async def money(owner: str, ids: list[int], donor_id: int | None) -> Money:
    """Allocations (and their expenditure) to records of `owner` kind ('project_id' or
    'activity_id'), and for projects the unallocated rest of earmarked contributions."""
    # One statement per case, not "$2 IS NULL OR ...": asyncpg prepares statements, and a
    # generic plan of that form may scan every allocation.
    donor = "AND c.donor_id = $2" if donor_id is not None else ""
    args = [ids, donor_id] if donor_id is not None else [ids]
    allocations = await sql.fetch(ALLOCATIONS.format(owner=owner, donor=donor), *args)
    expenditures = await sql.fetch(EXPENDITURES, [r["id"] for r in allocations])
    earmarked = (
        await sql.fetch(EARMARKED_REST.format(donor=donor), *args) if owner == "project_id" else []
    )
    return Money(
        _by(allocations, "owner_id"), _by(expenditures, "allocation_id"), _by(earmarked, "owner_id")
    )
