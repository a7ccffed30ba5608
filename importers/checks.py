"""Rules across fields, the same the API applies: each kind's service `check()` runs on
every row as the record would be stored. Needs (a bulk kind whose rule needs a lookup)
get a set-based equivalent so that 100,000 rows do not mean 100,000 queries."""

from __future__ import annotations

from typing import Any

from importers.problems import Problems
from importers.rows import Parsed
from ta_manager.database import sql
from ta_manager.errors import FieldError


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
    # The activity rule reads stored participant groups only when given a record id; the
    # importer does not set those groups, so it checks every row as a new record.
    pass_id = kind.name != "activities"
    defaults = service.defaults()
    for row in parsed.rows:
        view: dict[str, Any] = dict(defaults)
        for column in parsed.columns:
            value = row.values.get(column.name, column.default)
            if column.ref is not None:
                view[column.ref.column] = None if value is None else ids[column.name][value]
                view[column.name] = value
            else:
                view[column.name] = value
        errors: list[FieldError] = await service.check(
            view, existing.get(row.number) if pass_id else None
        )
        for e in errors:
            problems.add(row.number, e.field, e.value, e.reason)


async def _check_need_types(
    parsed: Parsed, ids: dict[str, dict[str, int]], problems: Problems
) -> None:
    """An assistance type must belong to the need's priority area (NeedService.check)."""
    if "assistance_type" not in ids:
        return
    rows = await sql.fetch("SELECT id, priority_area_id FROM assistance_type")
    area_of = {r["id"]: r["priority_area_id"] for r in rows}
    for row in parsed.rows:
        type_code = row.values.get("assistance_type")
        area_code = row.values.get("priority_area")
        if type_code is None or area_code is None:
            continue
        if area_of.get(ids["assistance_type"][type_code]) != ids["priority_area"][area_code]:
            problems.add(
                row.number,
                "assistance_type",
                type_code,
                f"does not belong to the need's priority area ({area_code})",
            )
