"""Rules across fields, the same the API applies: each kind's service `check()` runs on
every row as the record would be stored (file values over stored ones, as an update sees
them). Needs (a bulk kind whose rule needs a lookup) get a set-based equivalent so that
100,000 rows do not mean 100,000 queries."""

from __future__ import annotations

import typing
from typing import Any

from importers import staging
from importers.problems import Problems
from importers.rows import Parsed
from ta_manager.activities.schemas import Profession
from ta_manager.database import sql
from ta_manager.errors import FieldError

PROFESSIONS = typing.get_args(Profession)

# Columns (as stored) each kind's rules read. For a row that updates a record, those the
# file leaves out are read from the stored record, as an API update would see them.
RULE_COLUMNS: dict[str, tuple[str, ...]] = {
    "activities": (
        "planned_start",
        "planned_start_precision",
        "planned_end",
        "planned_end_precision",
        "actual_start",
        "actual_start_precision",
        "actual_end",
        "actual_end_precision",
        "delivers_id",
        "participants_total",
        "participants_female",
        "participants_male",
    ),
    "projects": ("starts_on", "ends_on"),
    "contributions": (
        "amount",
        "currency",
        "status",
        "pledged_on",
        "pledged_on_precision",
        "received_on",
        "received_on_precision",
        "period_from",
        "period_from_precision",
        "period_to",
        "period_to_precision",
        "cumulative",
        "earmarking",
        "earmarked_priority_area_id",
        "earmarked_project_id",
        "donor_id",
    ),
    "needs": ("priority_area_id", "assistance_type_id"),
}


async def check_rows(
    parsed: Parsed,
    ids: dict[str, dict[str, int]],
    existing: dict[int, int],
    problems: Problems,
) -> None:
    kind = parsed.kind
    service = kind.service()
    stored = await _stored_values(parsed)
    if kind.name == "needs":
        await _check_need_types(parsed, ids, stored, problems)
        return
    rows: list[int] | range = range(len(parsed))
    if kind.name == "activities":
        # ActivityService.check would read stored participant groups one query per row when
        # given a record id: the stored groups come set-based with `stored` instead.
        existing = {}
        groups = [c for c in parsed.columns if c.group is not None]
        watched = [
            *RULE_COLUMNS["activities"],
            *(c.name for c in groups),
            "delivers",
            "same_event_as",
            "donors",
        ]
        present = [parsed.values[f] for f in watched if f in parsed.values]
        rows = [
            i
            for i in rows
            if parsed.numbers[i] in stored or any(column[i] is not None for column in present)
        ]
    defaults = service.defaults()
    for i in rows:
        number = parsed.numbers[i]
        view: dict[str, Any] = dict(defaults)
        view.update(stored.get(number, {}))
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
        errors: list[FieldError] = await service.check(view, existing.get(number))
        for e in errors:
            problems.add(number, e.field, e.value, e.reason)


def row_checks(parsed: Parsed, problems: Problems) -> None:
    """The rules within one row that need nothing stored, run along with the cell checks
    when those already failed: every problem of a row is reported in one pass (female +
    male above the total together with a bad date), not on a second attempt. (With no cell
    problem, check_rows runs these same rules on the record as it would be stored.)"""
    if parsed.kind.name != "activities":
        return
    values = parsed.values
    total = values.get("participants_total")
    female = values.get("participants_female")
    male = values.get("participants_male")
    if total is None or (female is None and male is None):
        return
    for i, number in enumerate(parsed.numbers):
        t = total[i]
        f = (female[i] if female is not None else None) or 0
        m = (male[i] if male is not None else None) or 0
        if t is not None and f + m > t:
            problems.add(
                number,
                "participants_female",
                f,
                f"female ({f}) + male ({m}) exceeds participants_total ({t})",
            )


async def _stored_values(parsed: Parsed) -> dict[int, dict[str, Any]]:
    """Per row number of a row that updates a record: the stored values of the rule columns
    the file leaves out (and, for activities, the stored counts of professions it leaves
    out), read set-based from the staging table's matches."""
    kind = parsed.kind
    given = {c.db_column for c in parsed.columns if c.link is None and c.group is None}
    wanted = [c for c in RULE_COLUMNS.get(kind.name, ()) if c not in given]
    stored: dict[int, dict[str, Any]] = {}
    if wanted:
        rows = await sql.fetch(
            f"SELECT s.row_no, {', '.join('t.' + c for c in wanted)} FROM {staging.ROWS} s"
            f" JOIN {kind.service.table} t ON t.id = s.target_id"
        )
        for r in rows:
            stored[r["row_no"]] = {c: r[c] for c in wanted}
    groups = [c.group for c in parsed.columns if c.group is not None]
    if kind.name == "activities" and len(groups) < len(PROFESSIONS):
        rows = await sql.fetch(
            f"SELECT s.row_no, jsonb_object_agg(g.profession, g.participants) AS counts"
            f" FROM {staging.ROWS} s JOIN activity_participant_group g"
            " ON g.activity_id = s.target_id WHERE g.profession <> ALL($1::text[])"
            " GROUP BY s.row_no",
            [g.key for g in groups],
        )
        for r in rows:
            stored.setdefault(r["row_no"], {})["participants_by_profession"] = dict(r["counts"])
    return stored


async def _check_need_types(
    parsed: Parsed,
    ids: dict[str, dict[str, int]],
    stored: dict[int, dict[str, Any]],
    problems: Problems,
) -> None:
    """An assistance type must belong to the need's priority area (NeedService.check)."""
    rows = await sql.fetch("SELECT id, code, priority_area_id FROM assistance_type")
    area_of = {r["id"]: r["priority_area_id"] for r in rows}
    code_of = {r["id"]: r["code"] for r in rows}
    given_types = parsed.values.get("assistance_type")
    areas = parsed.values["priority_area"]
    for i, area_code in enumerate(areas):
        number = parsed.numbers[i]
        if given_types is not None:
            type_code = given_types[i]
            type_id = None if type_code is None else ids["assistance_type"][type_code]
        else:  # the file leaves the type out: the stored one must fit the file's area
            type_id = stored.get(number, {}).get("assistance_type_id")
            type_code = code_of.get(type_id) if type_id is not None else None
        if type_id is None or area_code is None:
            continue
        if area_of.get(type_id) != ids["priority_area"][area_code]:
            problems.add(
                number,
                "assistance_type",
                type_code,
                f"does not belong to the need's priority area ({area_code})",
            )
