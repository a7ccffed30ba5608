"""Proposals that take existing `proposed` activity records (the 2008 paper's proposals).

A proposed activity naming `activity` (the code of an activity record of status
`proposed`) takes from that record whatever it leaves out: title, first priority area,
activity type and the template costing it, description, beneficiary States, needs, and
the year it is planned for (phasing, when inside the cycle). A regional workshop is
costed for as many States as the record names (at least one) unless parameters say
otherwise ("8 to 10" States is a range, costed at both ends).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ta_manager.activities.service import ActivityService
from ta_manager.database import sql
from ta_manager.errors import InvalidInput
from ta_manager.proposals.templates import ACTIVITY_TYPE
from ta_manager.records import references as R

# The template that costs an activity of each type.
TEMPLATE_OF_TYPE = {
    kind: template for template, kind in ACTIVITY_TYPE.items() if template != "manual"
}


async def taken_from_record(
    values: Mapping[str, Any], proposal: Mapping[str, Any]
) -> dict[str, Any]:
    """`values` with the proposed record's fields filling those left at their defaults."""
    filled = dict(values)
    code = filled.get("activity")
    if not code:
        return filled
    activity_id = await R.ACTIVITY.id(code, "activity")
    record = await ActivityService().get(activity_id)
    if record["status"] != "proposed":
        raise InvalidInput.of(
            "activity",
            f"is {record['status']}, not proposed: a proposal takes proposed activities"
            " (a planned or held one already has its plan)",
            code,
        )
    filled["activity"] = record["code"]
    if not filled.get("title"):
        filled["title"] = record["title"]
    if not filled.get("priority_area"):
        if not record["priority_areas"]:
            raise InvalidInput.of(
                "priority_area", f"give one: activity {record['code']} has no priority area"
            )
        filled["priority_area"] = record["priority_areas"][0]
    if not filled.get("activity_type"):
        filled["activity_type"] = record["type"]
    if filled.get("template", "manual") == "manual" and not filled.get("lines"):
        filled["template"] = TEMPLATE_OF_TYPE.get(record["type"], "manual")
    if not filled.get("description"):
        filled["description"] = record["description"]
    if not filled.get("countries"):
        filled["countries"] = record["beneficiary_countries"]
    if not filled.get("needs"):
        filled["needs"] = record["needs"]
    if not filled.get("parameters") and filled["template"] == "regional_workshop":
        filled["parameters"] = {"states": max(1, len(filled["countries"] or []))}
    start = record["actual_start"] or record["planned_start"]
    if not filled.get("phasing") and start:
        year = int(start[:4])
        if proposal["start_year"] <= year <= proposal["end_year"]:
            filled["phasing"] = {str(year): 100}
    return filled


async def proposed_records(priority_areas: list[str], exclude: list[str]) -> list[str]:
    """Codes of proposed activity records (not archived) of these priority areas (all when
    none) that no proposal has taken yet, nor named in `exclude`."""
    rows = await sql.fetch(
        """
        SELECT a.code FROM activity a
         WHERE a.status = 'proposed' AND a.archived_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM proposed_activity p WHERE p.activity_id = a.id)
           AND upper(a.code) <> ALL($2::text[])
           AND (cardinality($1::text[]) = 0 OR EXISTS (
                SELECT 1 FROM activity_priority_area ap JOIN priority_area pa
                    ON pa.id = ap.priority_area_id
                 WHERE ap.activity_id = a.id AND upper(pa.code) = ANY($1::text[])))
         ORDER BY a.starts_on NULLS LAST, a.code""",
        [c.upper() for c in priority_areas],
        [c.upper() for c in exclude],
    )
    return [r["code"] for r in rows]
