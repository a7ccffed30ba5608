"""Merging two records of one event into the one kept, losing nothing.

`merge_activities(keep, other)`, in one transaction:
- the kept record gets the union of both records' links (beneficiary States and
  institutions, partners, donors, priority areas, assistance types, instruments, sectors,
  needs) and of their sources (every citation of both documents), and the other record's
  values where its own are blank (description, outputs, venue, project, dates,
  participants, costs);
- money follows: allocations and expenditure on the other record move to the kept one;
  records delivering the other now deliver the kept one, the other's `delivers` passes to
  the kept one if it had none, and its same-event links are moved to the kept one;
- the other record is archived (kept, with its own sources) and linked `same_event_as`
  the kept one, so that it stays findable and reports count the event once.
Every change goes through the services, so checks and the audit trail apply.
"""

from __future__ import annotations

from typing import Any

from ta_manager.activities.links import event_group_codes
from ta_manager.activities.service import ActivityService
from ta_manager.database import sql
from ta_manager.errors import FieldError, InvalidInput, StaleVersion
from ta_manager.funding.service import AllocationService, ExpenditureService
from ta_manager.records import references as R
from ta_manager.records.sources import merged

LISTS = (
    "priority_areas",
    "assistance_types",
    "instruments",
    "beneficiary_countries",
    "beneficiary_institutions",
    "partners",
    "donors",
    "sectors",
    "needs",
)
FILLED = (
    "description",
    "outputs",
    "venue_city",
    "venue_country",
    "project",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "participants_total",
    "participants_female",
    "participants_male",
    "planned_cost",
    "actual_cost",
)


async def merge_activities(
    keep_id: int, other: str | int, version: int | None = None
) -> dict[str, Any]:
    """Merge record `other` (code or id) into record `keep_id`; returns the kept record.
    `version` (of the kept record) guards against merging into a record changed meanwhile."""
    service = ActivityService()
    async with sql.transaction():
        kept = await service.get(keep_id)
        if version is not None and version != kept["version"]:
            raise StaleVersion("activity", keep_id, version, kept["version"])
        other_id = other if isinstance(other, int) else await R.ACTIVITY.id(str(other), "other")
        if other_id == keep_id:
            raise InvalidInput.of("other", "is the record itself: name another record", other)
        gone = await service.get(other_id)
        if gone["archived_at"] is not None:
            raise InvalidInput.of("other", "is archived (already merged?)", gone["code"])
        await _move_money(other_id, keep_id, kept["project"])
        await _move_links_to(other_id, keep_id, gone["code"], kept["code"], service)
        kept = await service.get(keep_id)
        gone = await service.get(other_id)
        changes: dict[str, Any] = {
            name: sorted(set(kept[name]) | set(gone[name])) for name in LISTS
        }
        changes["sources"] = merged(kept["sources"], gone["sources"])
        for name in FILLED:
            if kept[name] in (None, "") and gone[name] not in (None, ""):
                changes[name] = gone[name]
        if not kept["delivers"] and gone["delivers"] and gone["delivers"] != kept["code"]:
            changes["delivers"] = gone["delivers"]
        if not kept["participants_by_profession"] and gone["participants_by_profession"]:
            changes["participants_by_profession"] = gone["participants_by_profession"]
        changes["same_event_as"] = [
            c for c in kept["same_event_as"] if c.upper() != gone["code"].upper()
        ]
        kept = await service.update(keep_id, changes, kept["version"])
        current = await service.get(other_id)
        await service.update(
            other_id, {"same_event_as": [kept["code"]], "delivers": None}, current["version"]
        )
        await service.archive(other_id)
        return await service.get(keep_id)


async def _move_money(other_id: int, keep_id: int, keep_project: str | None) -> None:
    allocations = AllocationService()
    rows = await sql.fetch("SELECT id, version FROM allocation WHERE activity_id = $1", other_id)
    kept_code = await sql.fetchval("SELECT code FROM activity WHERE id = $1", keep_id)
    for r in rows:
        await allocations.update(r["id"], {"activity": kept_code}, r["version"])
    expenditures = ExpenditureService()
    spent = await sql.fetch(
        "SELECT e.id, e.version, a.project_id FROM expenditure e"
        " JOIN allocation a ON a.id = e.allocation_id WHERE e.activity_id = $1",
        other_id,
    )
    for r in spent:
        if r["project_id"] is not None and keep_project is None:
            raise InvalidInput(
                "other: its spending is booked on a project's allocation, and the kept record"
                " belongs to no project: give it the project first",
                [FieldError("other", "spending on a project allocation")],
            )
        await expenditures.update(r["id"], {"activity": kept_code}, r["version"])


async def _move_links_to(
    other_id: int, keep_id: int, other_code: str, keep_code: str, service: ActivityService
) -> None:
    """Records pointing at the other (delivers, same_event_as) point at the kept one.

    Same-event links stay a tree: every link touching the other record is removed, then
    each of its former neighbours that is not already of the kept record's event is
    linked to the kept record."""
    delivering = await sql.fetch(
        "SELECT id, version FROM activity WHERE delivers_id = $1 AND id <> $2", other_id, keep_id
    )
    for r in delivering:
        await service.update(r["id"], {"delivers": keep_code}, r["version"])
    neighbours = await sql.fetch(
        "SELECT DISTINCT a.id, a.code FROM activity_same_event l"
        " JOIN activity a ON a.id = CASE WHEN l.activity_id = $1 THEN l.other_id"
        " ELSE l.activity_id END"
        " WHERE $1 IN (l.activity_id, l.other_id) AND a.id <> $2 ORDER BY a.code",
        other_id,
        keep_id,
    )
    for r in neighbours:
        record = await service.get(r["id"])
        if other_code.upper() in {c.upper() for c in record["same_event_as"]}:
            kept_links = [c for c in record["same_event_as"] if c.upper() != other_code.upper()]
            await service.update(r["id"], {"same_event_as": kept_links}, record["version"])
    other = await service.get(other_id)
    if other["same_event_as"]:
        await service.update(other_id, {"same_event_as": []}, other["version"])
    for r in neighbours:
        group = {c.upper() for c in await event_group_codes(keep_id)}
        if r["code"].upper() in group:
            continue
        kept = await service.get(keep_id)
        await service.update(
            keep_id, {"same_event_as": [*kept["same_event_as"], r["code"]]}, kept["version"]
        )
