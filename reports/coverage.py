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
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from reports.frames import chained, conditions, frame
from reports.period import check_order
from ta_manager.activities.service import ActivityFilters, add_activity_filters
from ta_manager.needs.service import NeedFilters, add_need_filters
from ta_manager.records.filters import Where

MET, PARTLY, UNMET = "met", "partly", "unmet"
STATUSES = (MET, PARTLY, UNMET)
# Activity statuses that make a linked need partly met; "completed" makes it met.
UNDER_WAY = ("planned", "approved", "ongoing")

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

# Each link of a need to an activity, taken to the record that counts for it: a delivered
# plan's link counts for its delivery.
LINKED = """
    activity_need an
    LEFT JOIN activity_delivery dl ON dl.activity_id = an.activity_id
    JOIN activity a ON a.id = coalesce(dl.counted_id, an.activity_id)
    LEFT JOIN activity_event_group eg ON eg.activity_id = a.id
"""

_QUERY = """
WITH need AS (
    SELECT n.* FROM assistance_request n
    WHERE n.archived_at IS NULL AND n.status <> 'withdrawn' AND {need_where}
), answer AS (
    SELECT an.assistance_request_id AS need_id,
           count(DISTINCT coalesce(eg.group_id, a.id)) AS answering,
           count(DISTINCT coalesce(eg.group_id, a.id)) FILTER (WHERE a.status = 'completed')
               AS completed
    FROM {linked}
    WHERE an.assistance_request_id IN (SELECT id FROM need)
      AND a.archived_at IS NULL AND a.status IN ('completed', {under_way})
      AND {activity_where}
    GROUP BY an.assistance_request_id
), undated AS (
    SELECT an.assistance_request_id AS need_id,
           count(DISTINCT coalesce(eg.group_id, a.id)) AS undated
    FROM {linked}
    WHERE an.assistance_request_id IN (SELECT id FROM need)
      AND a.archived_at IS NULL AND a.status IN ('completed', {under_way})
      AND a.starts_on IS NULL
    GROUP BY an.assistance_request_id
)
SELECT need.id AS need_id, need.code, need.description, need.stated_on,
       partial_date_text(need.stated_on, need.stated_on_precision) AS stated,
       sources_text(need.sources) AS sources,
       need.status AS need_status, need.priority,
       c.id AS country_id, c.iso3::text AS iso3, c.name AS country_name,
       coalesce(sr.code, r.code) AS region_code, coalesce(sr.name, r.name) AS region_name,
       r.code AS m49_region_code, r.name AS m49_region_name,
       pa.id AS priority_area_id, pa.code AS priority_area, pa.name AS priority_area_name,
       pa.sort_order::bigint AS priority_area_order,
       at.id AS assistance_type_id, at.code AS assistance_type, at.name AS assistance_type_name,
       ARRAY(SELECT i.code FROM assistance_request_instrument ri
             JOIN instrument i ON i.id = ri.instrument_id
             WHERE ri.assistance_request_id = need.id ORDER BY i.id) AS instruments,
       CASE WHEN answer.completed > 0 THEN 'met'
            WHEN answer.answering > 0 THEN 'partly'
            ELSE 'unmet' END AS status,
       coalesce(answer.answering, 0) AS answering_activities,
       coalesce(answer.completed, 0) AS completed_activities,
       coalesce(undated.undated, 0) AS undated_activities
FROM need
JOIN country c ON c.id = need.country_id
LEFT JOIN region sr ON sr.id = c.sub_region_id
LEFT JOIN region r ON r.id = c.region_id
JOIN priority_area pa ON pa.id = need.priority_area_id
LEFT JOIN assistance_type at ON at.id = need.assistance_type_id
LEFT JOIN answer ON answer.need_id = need.id
LEFT JOIN undated ON undated.need_id = need.id
ORDER BY coalesce(r.code, ''), coalesce(sr.code, ''), c.name, pa.sort_order, pa.code,
         at.sort_order NULLS FIRST, at.code NULLS FIRST, need.code
"""


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
    query = _QUERY.format(
        need_where=conditions(needs),
        activity_where=conditions(activities),
        under_way=", ".join(f"'{s}'" for s in UNDER_WAY),
        linked=LINKED,
    )
    return await frame(query, activities.args, COVERAGE_SCHEMA)
