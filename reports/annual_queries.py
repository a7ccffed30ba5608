"""The SQL of the annual report: the held activities of a selection and their links, as
flat frames (one row per activity record, or per record and linked value), and the
ratifications of a period."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from reports import counting
from reports.frames import conditions, frame
from reports.period import Period
from ta_manager.activities.service import END, START
from ta_manager.records.filters import Where
from ta_manager.reference.instrument_status import parties_on, parties_source

_A = {"start": START.replace("t.", "a."), "end": END.replace("t.", "a.")}

ACTIVITY_SCHEMA: dict[str, Any] = {
    "activity_id": pl.Int64,
    "code": pl.String,
    "title": pl.String,
    "type": pl.String,
    "type_name": pl.String,
    "status": pl.String,
    "category": pl.String,
    "events": pl.Int64,
    "group_id": pl.Int64,
    "starts_on": pl.Date,
    "ends_on": pl.Date,
    "dates": pl.String,
    "venue_city": pl.String,
    "venue_country": pl.String,
    "scope": pl.String,
    "participants_total": pl.Int64,
    "participants_female": pl.Int64,
    "participants_male": pl.Int64,
    "project": pl.String,
    "delivers": pl.String,
    "sources": pl.String,
}
# Each query starts from the chosen activities (`chosen`, the report's selection) and reads
# only their links, so a year's report costs what that year holds, not the whole tables.
LINKS: dict[str, tuple[str, dict[str, Any]]] = {
    "states": (
        """SELECT l.activity_id, c.id AS country_id, c.name AS country,
                  coalesce(r.code, '') AS region_code, coalesce(r.name, '(no region)') AS region
           FROM chosen JOIN activity_country l ON l.activity_id = chosen.id
           JOIN country c ON c.id = l.country_id
           LEFT JOIN region r ON r.id = c.region_id""",
        {
            "activity_id": pl.Int64,
            "country_id": pl.Int64,
            "country": pl.String,
            "region_code": pl.String,
            "region": pl.String,
        },
    ),
    "areas": (
        """SELECT l.activity_id, p.code, p.name, p.sort_order::bigint AS sort_order
           FROM chosen JOIN activity_priority_area l ON l.activity_id = chosen.id
           JOIN priority_area p ON p.id = l.priority_area_id""",
        {"activity_id": pl.Int64, "code": pl.String, "name": pl.String, "sort_order": pl.Int64},
    ),
    "instruments": (
        """SELECT l.activity_id, i.code, i.short_name AS name
           FROM chosen JOIN activity_instrument l ON l.activity_id = chosen.id
           JOIN instrument i ON i.id = l.instrument_id""",
        {"activity_id": pl.Int64, "code": pl.String, "name": pl.String},
    ),
    "partners": (
        """SELECT l.activity_id, o.code, o.name
           FROM chosen JOIN activity_partner l ON l.activity_id = chosen.id
           JOIN organization o ON o.id = l.organization_id""",
        {"activity_id": pl.Int64, "code": pl.String, "name": pl.String},
    ),
    # Funders: donors named on the activity (with or without amounts), and donors of
    # allocations to the activity itself or to its project, one row per (activity, donor).
    "funders": (
        """SELECT ad.activity_id, o.code, o.name
             FROM chosen JOIN activity_donor ad ON ad.activity_id = chosen.id
             JOIN organization o ON o.id = ad.organization_id
           UNION
           SELECT al.activity_id, o.code, o.name
             FROM chosen JOIN allocation al ON al.activity_id = chosen.id
             JOIN contribution c ON c.id = al.contribution_id
             JOIN organization o ON o.id = c.donor_id
           UNION
           SELECT a.id, o.code, o.name
             FROM chosen JOIN activity a ON a.id = chosen.id
             JOIN allocation al ON al.project_id = a.project_id
             JOIN contribution c ON c.id = al.contribution_id
             JOIN organization o ON o.id = c.donor_id""",
        {"activity_id": pl.Int64, "code": pl.String, "name": pl.String},
    ),
}


def _chosen(where: Where) -> str:
    return (
        "WITH chosen AS MATERIALIZED (SELECT a.id FROM activity a"
        f" WHERE a.archived_at IS NULL AND {conditions(where)}) "
    )


# What a delivering record delivered: "A-P-JIT: planned for 2008-09 (CTOC/COP/2008/16 para 22)".
_DELIVERS = """CASE WHEN pl.id IS NOT NULL THEN
    pl.code || ': ' || pl.status || ' for ' || activity_dates(pl)
    || coalesce(' (' || sources_text(pl.sources) || ')', '') END"""


async def read_activities(where: Where) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    activities = await frame(
        _chosen(where)
        + f"""
        SELECT a.id AS activity_id, a.code, a.title, ty.code AS type, ty.name AS type_name,
               a.status, a.category, a.events::bigint, {counting.group_id("a")} AS group_id,
               {_A["start"]} AS starts_on, {_A["end"]} AS ends_on, activity_dates(a) AS dates,
               a.venue_city, vc.name AS venue_country, a.scope, a.participants_total::bigint,
               a.participants_female::bigint, a.participants_male::bigint, p.code AS project,
               {_DELIVERS} AS delivers, sources_text(a.sources) AS sources
        FROM chosen JOIN activity a ON a.id = chosen.id
        {counting.group_join("a")}
        JOIN activity_type ty ON ty.id = a.activity_type_id
        LEFT JOIN country vc ON vc.id = a.venue_country_id
        LEFT JOIN project p ON p.id = a.project_id
        LEFT JOIN activity pl ON pl.id = a.delivers_id
        ORDER BY starts_on NULLS LAST, a.code""",
        where.args,
        ACTIVITY_SCHEMA,
    )
    links = {}
    for name, (query, schema) in LINKS.items():
        links[name] = await frame(_chosen(where) + query, where.args, schema)
    return activities, links


async def read_ratifications(period: Period) -> pl.DataFrame:
    """Per instrument: instruments deposited in the period, and parties at its end with the
    source of that figure (recorded ratifications or a published status; "no data", never
    0, when there is neither: ta_manager.reference.instrument_status)."""
    end = period.end or dt.date.today()
    deposited = await frame(
        """
        SELECT i.code AS instrument,
               count(r.id) FILTER (WHERE r.deposited_on BETWEEN $2 AND $1) AS deposited
        FROM instrument i LEFT JOIN ratification r ON r.instrument_id = i.id
        GROUP BY i.id, i.code ORDER BY i.id""",
        [end, period.start or dt.date.min],
        {"instrument": pl.String, "deposited": pl.Int64},
    )
    parties = pl.DataFrame(
        [
            {
                "instrument": p["instrument"],
                "name": p["name"],
                "parties_at_end": p["parties"],
                "parties_source": parties_source(p),
            }
            for p in await parties_on(end)
        ],
        schema={
            "instrument": pl.String,
            "name": pl.String,
            "parties_at_end": pl.Int64,
            "parties_source": pl.String,
        },
    )
    return parties.join(deposited, on="instrument", how="left", maintain_order="left").select(
        "instrument", "name", "deposited", "parties_at_end", "parties_source"
    )
