"""Officers limited to assigned regions or projects (optional: no assignment, no limit).

An assigned officer may create, edit and archive a need only for a State of an assigned
region; an activity or project only if it belongs to an assigned project or benefits (or
takes place in) a State of an assigned region. The record is checked before and after the
write, in one transaction, so nothing can be moved out of (or created outside) the scope.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from ta_manager.accounts.account import Account
from ta_manager.accounts.roles import OFFICER
from ta_manager.accounts.tables import OfficerAssignment
from ta_manager.database import sql
from ta_manager.errors import DomainError, InvalidInput
from ta_manager.records import references as R

T = TypeVar("T")

_IN_REGIONS = (
    "SELECT 1 FROM {link} l JOIN region_member rm ON rm.country_id = l.country_id"
    " WHERE l.{owner} = t.id AND rm.region_id = ANY($2::bigint[])"
)
# Per table: is record $1 inside regions $2 or projects $3?
SCOPE: dict[str, str] = {
    "assistance_request": "EXISTS (SELECT 1 FROM region_member rm"
    " WHERE rm.country_id = t.country_id AND rm.region_id = ANY($2::bigint[]))"
    " AND cardinality($3::bigint[]) >= 0",
    "activity": "t.project_id = ANY($3::bigint[])"
    f" OR EXISTS ({_IN_REGIONS.format(link='activity_country', owner='activity_id')})"
    " OR EXISTS (SELECT 1 FROM region_member rm WHERE rm.country_id = t.venue_country_id"
    " AND rm.region_id = ANY($2::bigint[]))",
    "project": "t.id = ANY($3::bigint[])"
    f" OR EXISTS ({_IN_REGIONS.format(link='project_country', owner='project_id')})",
}


class OutsideAssignment(DomainError):
    status = 403
    title = "Forbidden"


async def assignments(user_id: int) -> tuple[list[int], list[int]]:
    rows = await OfficerAssignment.select(
        OfficerAssignment.region_id, OfficerAssignment.project_id
    ).where(OfficerAssignment.user_id == user_id)
    regions = [r["region_id"] for r in rows if r["region_id"] is not None]
    projects = [r["project_id"] for r in rows if r["project_id"] is not None]
    return regions, projects


async def set_assignments(
    user_id: int, role: str, regions: Sequence[str] | None, projects: Sequence[str] | None
) -> None:
    """Replace the officer's regions and/or projects (None leaves that kind unchanged)."""
    if role != OFFICER and (regions or projects):
        raise InvalidInput.of("regions", "only officers are limited to regions or projects")
    if role != OFFICER:
        await OfficerAssignment.delete().where(OfficerAssignment.user_id == user_id)
        return
    kinds = (
        (OfficerAssignment.region_id, regions, R.REGION, "regions"),
        (OfficerAssignment.project_id, projects, R.PROJECT, "projects"),
    )
    for column, codes, ref, field in kinds:
        if codes is None:
            continue
        ids = await ref.ids(list(dict.fromkeys(codes)), field)
        await OfficerAssignment.delete().where(
            (OfficerAssignment.user_id == user_id) & column.is_not_null()
        )
        if ids:
            await OfficerAssignment.insert(
                *(OfficerAssignment({OfficerAssignment.user_id: user_id, column: i}) for i in ids)
            )


async def _check(table: str, record_id: int, regions: list[int], projects: list[int]) -> None:
    inside = await sql.fetchval(
        f"SELECT coalesce(({SCOPE[table]}), false) FROM {table} t WHERE t.id = $1",
        record_id,
        regions,
        projects,
    )
    if inside is False:
        raise OutsideAssignment("this record is outside the regions and projects assigned to you")


async def within_assignment(
    account: Account | None,
    table: str,
    record_id: int | None,
    write: Callable[[], Awaitable[T]],
) -> T:
    """Run `write` (a create/update/archive of `table`), refusing it outside the officer's scope."""
    if account is None or account.role != OFFICER or table not in SCOPE:
        return await write()
    regions, projects = await assignments(account.id)
    if not regions and not projects:
        return await write()
    async with sql.transaction():
        if record_id is not None:
            await _check(table, record_id, regions, projects)
        result = await write()
        after: Any = result
        if isinstance(after, dict) and isinstance(after.get("id"), int):
            await _check(table, after["id"], regions, projects)
        return result
