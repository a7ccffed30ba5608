"""Rules across fields, the same the API applies: each kind's service `check()` runs on
every row as the record would be stored. Needs (a bulk kind whose rule needs a lookup)
get a set-based equivalent so that 100,000 rows do not mean 100,000 queries."""

from __future__ import annotations

from typing import Any

from importers.problems import Problems
from importers.rows import Parsed
from ta_manager.database import sql
from ta_manager.errors import FieldError

# Fields the activity rules read; rows that leave them all blank cannot break them.
ACTIVITY_RULE_FIELDS = (
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "participants_total",
    "participants_female",
    "participants_male",
)


async def check_rows(
    parsed: Parsed,
    ids: dict[str, dict[str, int]],
    existing: dict[int, int],
    problems: Problems,
) -> None:
    kind = parsed.kind
    service = kind.service()
    if kind.name == "needs":
        await _check_need_types(parsed, ids, problems)
        return
    rows: list[int] | range = range(len(parsed))
    if kind.name == "activities":
        # ActivityService.check reads stored participant groups only when given a record
        # id; the importer does not set those groups, so each row is checked as new.
        existing = {}
        groups = [c for c in parsed.columns if c.group is not None]
        watched = [*ACTIVITY_RULE_FIELDS, *(c.name for c in groups)]
        present = [parsed.values[f] for f in watched if f in parsed.values]
        rows = [i for i in rows if any(column[i] is not None for column in present)]
    defaults = service.defaults()
    for i in rows:
        view: dict[str, Any] = dict(defaults)
        for column in parsed.columns:
            value = parsed.values[column.name][i]
            if column.group is not None:
                counts = view.setdefault(column.group.field, {})
                if value is not None:
                    counts[column.group.key] = value
                continue
            if column.ref is not None:
                view[column.ref.column] = None if value is None else ids[column.name][value]
            view[column.name] = value
        number = parsed.numbers[i]
        errors: list[FieldError] = await service.check(view, existing.get(number))
        for e in errors:
            problems.add(number, e.field, e.value, e.reason)


async def _check_need_types(
    parsed: Parsed, ids: dict[str, dict[str, int]], problems: Problems
) -> None:
    """An assistance type must belong to the need's priority area (NeedService.check)."""
    if "assistance_type" not in ids:
        return
    rows = await sql.fetch("SELECT id, priority_area_id FROM assistance_type")
    area_of = {r["id"]: r["priority_area_id"] for r in rows}
    types = parsed.values["assistance_type"]
    areas = parsed.values["priority_area"]
    for i, (type_code, area_code) in enumerate(zip(types, areas, strict=True)):
        if type_code is None or area_code is None:
            continue
        if area_of.get(ids["assistance_type"][type_code]) != ids["priority_area"][area_code]:
            problems.add(
                parsed.numbers[i],
                "assistance_type",
                type_code,
                f"does not belong to the need's priority area ({area_code})",
            )
