"""Regional activities in their regions: the matrix's view of work done for groups of States.

A regional (or interregional, global) activity appears once per M49 sub-region of its
beneficiary States, with the States it reached there (delivered plans are left out and the
records of one event appear once, reports/counting.py), so a workshop for West and Central
Africa shows in "Western Africa" and "Middle Africa". The needs it answers, and those it
is a candidate for, come from the matrix.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import polars as pl

from reports.frames import chained, conditions, frame
from reports.matrix_queries import REGIONAL
from ta_manager.activities.service import ActivityFilters, add_activity_filters
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


async def regional_rows(activity_filters: ActivityFilters) -> pl.DataFrame:
    """The query's rows (SCHEMA): one per (sub-region, activity record)."""
    # Only the beneficiary States the filters ask for are shown, and the query starts from
    # them: an activity is listed in the region iff it reached one of those States, so the
    # activity filters on country and region are implied.
    states = Where()
    if v := split_values(activity_filters.country):
        states.add("c.id = ANY({})", await R.COUNTRY.ids(v, "country"))
    if v := split_values(activity_filters.region):
        states.add(
            "c.id IN (SELECT country_id FROM region_member WHERE region_id = ANY({}))",
            await R.REGION.ids(v, "region"),
        )
    where = chained(states)
    await add_activity_filters(
        where, dataclasses.replace(activity_filters, country=None, region=None), "a"
    )
    query = REGIONAL.format(states=conditions(states), where=conditions(where))
    return await frame(query, where.args, SCHEMA)


async def regional_activities(
    activity_filters: ActivityFilters, need_links: pl.DataFrame, needs: pl.DataFrame
) -> pl.DataFrame:
    """Rows per (sub-region, activity); `need_links` are the matrix's answers/candidates."""
    rows = await regional_rows(activity_filters)
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
