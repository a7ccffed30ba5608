"""Regional activities in their regions: the matrix's view of work done for groups of States.

A regional (or interregional, global) activity appears once per M49 sub-region of its
beneficiary States, with the States it reached there (delivered plans are left out and the
records of one event appear once, reports/counting.py), so a workshop for West and Central
Africa shows in "Western Africa" and "Middle Africa". The needs it answers, and those it
is a candidate for, come from the matrix.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from reports.counting import group_id, group_join, not_delivered
from reports.frames import conditions, frame
from ta_manager.activities.service import END, START, ActivityFilters, add_activity_filters
from ta_manager.records import references as R
from ta_manager.records.filters import Where, split_values

SCHEMA: dict[str, Any] = {
    "region_code": pl.String,
    "region_name": pl.String,
    "activity_id": pl.Int64,
    "activity_code": pl.String,
    "title": pl.String,
    "type": pl.String,
    "scope": pl.String,
    "starts_on": pl.Date,
    "ends_on": pl.Date,
    "activity_status": pl.String,
    "priority_areas": pl.String,
    "states": pl.String,
    "state_count": pl.Int64,
    "group_id": pl.Int64,
    "participants_total": pl.Int64,
}

_QUERY = f"""
SELECT coalesce(sr.code, r.code, '') AS region_code,
       coalesce(sr.name, r.name, '(no region)') AS region_name,
       a.id AS activity_id, a.code AS activity_code, a.title, ty.code AS type, a.scope,
       {START.replace("t.", "a.")} AS starts_on, {END.replace("t.", "a.")} AS ends_on,
       a.status AS activity_status,
       (SELECT string_agg(pa.code, ', ' ORDER BY pa.sort_order, pa.code)
          FROM activity_priority_area ap JOIN priority_area pa ON pa.id = ap.priority_area_id
         WHERE ap.activity_id = a.id) AS priority_areas,
       string_agg(c.name, ', ' ORDER BY c.name) AS states,
       count(*) AS state_count, {group_id("a")} AS group_id,
       a.participants_total::bigint AS participants_total
FROM activity a
{group_join("a")}
JOIN activity_type ty ON ty.id = a.activity_type_id
JOIN activity_country ac ON ac.activity_id = a.id
JOIN country c ON c.id = ac.country_id
LEFT JOIN region sr ON sr.id = c.sub_region_id
LEFT JOIN region r ON r.id = c.region_id
WHERE a.archived_at IS NULL AND a.status NOT IN ('cancelled', 'proposed')
  AND a.scope <> 'national' AND {not_delivered("a")} AND {{where}}
GROUP BY r.code, r.name, sr.code, sr.name, a.id, ty.code, eg.group_id
ORDER BY coalesce(r.code, ''), 1, starts_on NULLS LAST, a.code
"""


async def regional_activities(
    activity_filters: ActivityFilters, need_links: pl.DataFrame, needs: pl.DataFrame
) -> pl.DataFrame:
    """Rows per (sub-region, activity); `need_links` are the matrix's answers/candidates."""
    where = Where()
    await add_activity_filters(where, activity_filters, "a")
    # Only the beneficiary States the filters ask for are shown.
    if v := split_values(activity_filters.country):
        where.add("c.id = ANY({})", await R.COUNTRY.ids(v, "country"))
    if v := split_values(activity_filters.region):
        where.add(
            "c.id IN (SELECT country_id FROM region_member WHERE region_id = ANY({}))",
            await R.REGION.ids(v, "region"),
        )
    rows = await frame(_QUERY.format(where=conditions(where)), where.args, SCHEMA)
    # Records of one event are listed once per region: the one with the most participants.
    rows = (
        rows.with_row_index("_order")
        .sort("participants_total", "activity_id", descending=[True, False], nulls_last=True)
        .unique(["region_code", "group_id"], keep="first")
        .sort("_order")
        .drop("_order", "group_id", "participants_total")
    )
    codes = need_links.join(needs.select("need_id", "code"), on="need_id").group_by("activity_id")
    linked = codes.agg(
        pl.col("code")
        .filter(pl.col("relation") == "answers")
        .sort()
        .str.join(", ")
        .alias("answers_needs"),
        pl.col("code")
        .filter(pl.col("relation") == "candidate")
        .sort()
        .str.join(", ")
        .alias("candidate_for"),
    )
    return rows.join(linked, on="activity_id", how="left", maintain_order="left")
