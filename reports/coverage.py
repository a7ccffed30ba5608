"""Need coverage: is each stated need met, partly met or unmet by activities?

The one place the coverage rule lives (docs/reports.md); the matrix and the proposals
both read it from here:

- met: linked (activity_need) to at least one completed activity;
- partly: linked only to planned, approved or ongoing activities;
- unmet: no link at all (links to cancelled, archived or only proposed activities do not
  count);
- withdrawn and archived needs are left out.

A link to a plan that another record delivered counts as a link to its delivery (the
record at the end of the `delivers` chain), and records of one event (same_event_as) are
one answering activity (reports/counting.py).

`activity_from`/`activity_to` restrict which activities count (by their dates), so
"met by activities held in 2008" can be asked; undated activities then do not count, and
`undated_activities` says how many answered the need all the same.
The SQL (reports/coverage_queries.py) starts from the filtered needs and reads only their
links, so one region's coverage costs what that region holds.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from reports.coverage_queries import COVERAGE
from reports.frames import chained, conditions, frame
from reports.period import check_order
from ta_manager.activities.service import ActivityFilters, add_activity_filters
from ta_manager.needs.service import NeedFilters, add_need_filters
from ta_manager.records.filters import Where

MET, PARTLY, UNMET = "met", "partly", "unmet"
STATUSES = (MET, PARTLY, UNMET)

COVERAGE_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "need_id": pl.Int64,
    "code": pl.String,
    "description": pl.String,
    "stated_on": pl.Date,
    "stated": pl.String,
    "sources": pl.String,
    "need_status": pl.String,
    "priority": pl.String,
    "country_id": pl.Int64,
    "iso3": pl.String,
    "country_name": pl.String,
    "region_code": pl.String,
    "region_name": pl.String,
    "m49_region_code": pl.String,
    "m49_region_name": pl.String,
    "priority_area_id": pl.Int64,
    "priority_area": pl.String,
    "priority_area_name": pl.String,
    "priority_area_order": pl.Int64,
    "assistance_type_id": pl.Int64,
    "assistance_type": pl.String,
    "assistance_type_name": pl.String,
    "instruments": pl.List(pl.String),
    "status": pl.String,
    "answering_activities": pl.Int64,
    "completed_activities": pl.Int64,
    "undated_activities": pl.Int64,
}


async def activity_period_where(
    where: Where, activity_from: dt.date | None, activity_to: dt.date | None, alias: str
) -> Where:
    """Conditions on activities' dates, numbered after `where`'s parameters."""
    check_order(activity_from, activity_to, "activity_from", "activity_to")
    activities = chained(where)
    await add_activity_filters(
        activities, ActivityFilters(date_from=activity_from, date_to=activity_to), alias
    )
    return activities


async def need_coverage(
    filters: NeedFilters,
    activity_from: dt.date | None = None,
    activity_to: dt.date | None = None,
) -> pl.DataFrame:
    """One row per need (withdrawn and archived left out) with its coverage status.

    Columns: see COVERAGE_SCHEMA (need_id, code, country_id, iso3, country_name,
    region_code/region_name = the State's M49 sub-region, priority_area(_id),
    assistance_type(_id), status in met/partly/unmet, answering_activities, ...).
    Unknown codes in `filters` raise InvalidInput naming the field.
    """
    check_order(filters.date_from, filters.date_to, "stated_from", "stated_to")
    needs = Where()
    await add_need_filters(needs, filters, "n")
    activities = await activity_period_where(needs, activity_from, activity_to, "a")
    query = COVERAGE.format(need_where=conditions(needs), activity_where=conditions(activities))
    return await frame(query, activities.args, COVERAGE_SCHEMA)
