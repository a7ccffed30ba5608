"""Annual activity report: the figures and activity lists of a period (flat rows + polars).

Activities counted are those carried out in the period: status completed or ongoing, not
archived, with dates overlapping the period. A State assisted by several activities (or by
a regional activity with 20 States) counts once in "distinct States assisted".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from reports.frames import conditions, frame
from reports.period import Period, period_of
from reports.snapshot import filters_used, snapshot
from ta_manager.activities.service import END, START, ActivityFilters, add_activity_filters
from ta_manager.records.filters import Where
from ta_manager.reference.instrument_status import parties_on, parties_source

HELD = ("completed", "ongoing")
TOP_PARTNERS = 10


@dataclass(frozen=True)
class AnnualFilters:
    year: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    region: list[str] | None = None
    country: list[str] | None = None
    priority_area: list[str] | None = None
    instrument: list[str] | None = None
    type: list[str] | None = None


@dataclass
class Annual:
    filters: dict[str, str]
    as_of: dt.datetime
    period: Period
    activities: pl.DataFrame  # one row per activity, with joined lists as text
    figures: list[tuple[str, int]]
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    by_priority_area: list[tuple[str, str, pl.DataFrame]] = field(default_factory=list)


_A = {"start": START.replace("t.", "a."), "end": END.replace("t.", "a.")}

ACTIVITY_SCHEMA: dict[str, Any] = {
    "activity_id": pl.Int64,
    "code": pl.String,
    "title": pl.String,
    "type": pl.String,
    "type_name": pl.String,
    "status": pl.String,
    "starts_on": pl.Date,
    "ends_on": pl.Date,
    "venue_city": pl.String,
    "venue_country": pl.String,
    "scope": pl.String,
    "participants_total": pl.Int64,
    "participants_female": pl.Int64,
    "participants_male": pl.Int64,
    "project": pl.String,
}
LINKS: dict[str, tuple[str, dict[str, Any]]] = {
    "states": (
        """SELECT l.activity_id, c.id AS country_id, c.name AS country,
                  coalesce(r.code, '') AS region_code, coalesce(r.name, '(no region)') AS region
           FROM activity_country l JOIN country c ON c.id = l.country_id
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
           FROM activity_priority_area l JOIN priority_area p ON p.id = l.priority_area_id""",
        {"activity_id": pl.Int64, "code": pl.String, "name": pl.String, "sort_order": pl.Int64},
    ),
    "instruments": (
        """SELECT l.activity_id, i.code, i.short_name AS name
           FROM activity_instrument l JOIN instrument i ON i.id = l.instrument_id""",
        {"activity_id": pl.Int64, "code": pl.String, "name": pl.String},
    ),
    "partners": (
        """SELECT l.activity_id, o.code, o.name
           FROM activity_partner l JOIN organization o ON o.id = l.organization_id""",
        {"activity_id": pl.Int64, "code": pl.String, "name": pl.String},
    ),
    # Funders: donors of allocations to the activity itself or to its project, already
    # joined per activity in SQL (per-donor rows would multiply by the donors of each project).
    "funders": (
        """SELECT a.id AS activity_id, '' AS code,
                  array_to_string(ARRAY(
                      SELECT DISTINCT n
                      FROM unnest(coalesce(d.names, '{}') || coalesce(p.names, '{}')) n
                      ORDER BY n), ', ') AS name
           FROM chosen JOIN activity a ON a.id = chosen.id
           LEFT JOIN (SELECT al.activity_id, array_agg(DISTINCT o.name) AS names
                      FROM allocation al JOIN contribution c ON c.id = al.contribution_id
                      JOIN organization o ON o.id = c.donor_id
                      WHERE al.activity_id IS NOT NULL GROUP BY al.activity_id) d
                  ON d.activity_id = a.id
           LEFT JOIN (SELECT al.project_id, array_agg(DISTINCT o.name) AS names
                      FROM allocation al JOIN contribution c ON c.id = al.contribution_id
                      JOIN organization o ON o.id = c.donor_id
                      WHERE al.project_id IS NOT NULL GROUP BY al.project_id) p
                  ON p.project_id = a.project_id
           WHERE d.names IS NOT NULL OR p.names IS NOT NULL""",
        {"activity_id": pl.Int64, "code": pl.String, "name": pl.String},
    ),
}


async def _selection(f: AnnualFilters, period: Period) -> Where:
    where = Where()
    where.add("a.status = ANY({})", list(HELD))
    activity_filters = ActivityFilters(
        country=f.country,
        region=f.region,
        priority_area=f.priority_area,
        instrument=f.instrument,
        type=f.type,
        date_from=period.start,
        date_to=period.end,
    )
    await add_activity_filters(where, activity_filters, "a")
    return where


def _chosen(where: Where) -> str:
    return (
        "WITH chosen AS (SELECT a.id FROM activity a"
        f" WHERE a.archived_at IS NULL AND {conditions(where)}) "
    )


async def _read(where: Where) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    activities = await frame(
        _chosen(where)
        + f"""
        SELECT a.id AS activity_id, a.code, a.title, ty.code AS type, ty.name AS type_name,
               a.status, {_A["start"]} AS starts_on, {_A["end"]} AS ends_on, a.venue_city,
               vc.name AS venue_country, a.scope, a.participants_total::bigint,
               a.participants_female::bigint, a.participants_male::bigint, p.code AS project
        FROM chosen JOIN activity a ON a.id = chosen.id
        JOIN activity_type ty ON ty.id = a.activity_type_id
        LEFT JOIN country vc ON vc.id = a.venue_country_id
        LEFT JOIN project p ON p.id = a.project_id
        ORDER BY starts_on NULLS LAST, a.code""",
        where.args,
        ACTIVITY_SCHEMA,
    )
    links = {}
    for name, (query, schema) in LINKS.items():
        links[name] = await frame(
            _chosen(where)
            + f"SELECT q.* FROM ({query}) q JOIN chosen ON chosen.id = q.activity_id",
            where.args,
            schema,
        )
    return activities, links


async def _ratifications(period: Period) -> pl.DataFrame:
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


def _joined(df: pl.DataFrame, alias: str) -> pl.DataFrame:
    return (
        df.sort("name")
        .group_by("activity_id")
        .agg(pl.col("name").unique(maintain_order=True).str.join(", ").alias(alias))
    )


def _by(
    links: pl.DataFrame, states: pl.DataFrame, acts: pl.DataFrame, own_states: bool = False
) -> pl.DataFrame:
    """Activities, distinct States and participants per link value (code, name).

    An activity counts once per value; `own_states` (for regions) counts only the States
    belonging to the value, not every State its activities reached.
    """
    per_activity = links.unique(["code", "activity_id"]).join(
        acts.select("activity_id", "participants_total"), on="activity_id", how="left"
    )
    counts = per_activity.group_by("code", "name").agg(
        pl.col("activity_id").n_unique().alias("activities"),
        pl.col("participants_total").sum().alias("participants"),
    )
    reached = (
        links.select("code", "country_id")
        if own_states
        else links.select("code", "activity_id").join(
            states.select("activity_id", "country_id"), on="activity_id"
        )
    )
    reached = reached.group_by("code").agg(pl.col("country_id").n_unique().alias("states"))
    return (
        counts.join(reached, on="code", how="left")
        .with_columns(pl.col("states").fill_null(0))
        .select("code", "name", "activities", "states", "participants")
        .sort("code")
    )


def _figures(acts: pl.DataFrame, states: pl.DataFrame) -> list[tuple[str, int]]:
    total = int(acts["participants_total"].sum() or 0)
    female = int(acts["participants_female"].sum() or 0)
    male = int(acts["participants_male"].sum() or 0)

    def held(kind: str) -> int:
        return acts.filter((pl.col("type") == kind) & (pl.col("status") == "completed")).height

    return [
        ("Activities carried out", acts.height),
        ("Distinct States assisted", states["country_id"].n_unique()),
        ("Participants", total),
        ("Women", female),
        ("Men", male),
        ("Sex not recorded", total - female - male),
        ("Workshops held", held("workshop")),
        ("Trainings held", held("training")),
        ("Regional or wider activities", acts.filter(pl.col("scope") != "national").height),
    ]


async def build_annual(f: AnnualFilters) -> Annual:
    period = period_of(f.year, f.date_from, f.date_to)
    where = await _selection(f, period)
    async with snapshot() as as_of:
        acts, links = await _read(where)
        ratifications = await _ratifications(period)
    states = links["states"]
    listed = acts
    for name, alias in [
        ("states", "beneficiary_states"),
        ("partners", "partners"),
        ("funders", "funders"),
        ("areas", "priority_areas"),
        ("instruments", "instruments"),
    ]:
        source = links[name].rename({"country": "name"}) if name == "states" else links[name]
        listed = listed.join(_joined(source, alias), on="activity_id", how="left")
    by_type = (
        acts.group_by("type", "type_name")
        .agg(
            pl.len().alias("activities"),
            (pl.col("status") == "completed").sum().alias("completed"),
            pl.col("participants_total").sum().alias("participants"),
        )
        .sort("activities", "type", descending=[True, False])
    )
    regions = states.select(
        "activity_id",
        "country_id",
        pl.col("region_code").alias("code"),
        pl.col("region").alias("name"),
    )
    partners = _by(links["partners"], states, acts).sort(
        "activities", "code", descending=[True, False]
    )
    areas = links["areas"]
    area_order = areas.unique("code").sort("sort_order", "code")
    by_area = []
    for code, name in area_order.select("code", "name").iter_rows():
        ids = areas.filter(pl.col("code") == code)["activity_id"]
        by_area.append((code, name, listed.filter(pl.col("activity_id").is_in(ids.implode()))))
    unassigned = listed.filter(~pl.col("activity_id").is_in(areas["activity_id"].implode()))
    if not unassigned.is_empty():
        by_area.append(("none", "No priority area", unassigned))
    return Annual(
        filters={
            "period": period.label(),
            **{
                k: v
                for k, v in filters_used(f).items()
                if k not in ("year", "date from", "date to")
            },
        },
        as_of=as_of,
        period=period,
        activities=listed,
        figures=_figures(acts, states),
        tables={
            "type": by_type,
            "region": _by(regions, states, acts, own_states=True),
            "priority area": _by(areas.select("activity_id", "code", "name"), states, acts),
            "instrument": _by(links["instruments"], states, acts),
            "partner": partners.head(TOP_PARTNERS),
            "ratifications": ratifications,
        },
        by_priority_area=by_area,
    )
