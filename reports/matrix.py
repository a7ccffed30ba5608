"""Needs-to-activity matrix: the data (flat SQL rows, aggregated with polars).

States by priority area and States by assistance type; each cell is the coverage of that
State's needs there (reports/coverage.py gives each need's status). A cell with several
needs is "met" when all are met, "unmet" when none has any answering activity, and
"partly" otherwise; a State with no need there shows "none".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from reports.coverage import COVERAGE_SCHEMA, activity_period_where, need_coverage
from reports.frames import conditions, frame
from reports.matrix_queries import ANSWERS, CANDIDATES
from reports.regional import regional_activities
from reports.snapshot import filters_used, snapshot
from ta_manager.activities.service import ActivityFilters
from ta_manager.database import sql
from ta_manager.needs.service import NeedFilters
from ta_manager.records import references as R
from ta_manager.records.filters import Where, split_values

NO_TYPE = " (type not stated)"


@dataclass(frozen=True)
class MatrixFilters:
    region: list[str] | None = None
    country: list[str] | None = None
    priority_area: list[str] | None = None
    instrument: list[str] | None = None
    stated_from: dt.date | None = None
    stated_to: dt.date | None = None
    activity_from: dt.date | None = None
    activity_to: dt.date | None = None

    def activity_filters(self) -> ActivityFilters:
        return ActivityFilters(
            country=self.country,
            region=self.region,
            priority_area=self.priority_area,
            instrument=self.instrument,
            date_from=self.activity_from,
            date_to=self.activity_to,
        )

    def need_filters(self) -> NeedFilters:
        return NeedFilters(
            country=self.country,
            region=self.region,
            priority_area=self.priority_area,
            instrument=self.instrument,
            date_from=self.stated_from,
            date_to=self.stated_to,
        )


@dataclass
class Matrix:
    filters: dict[str, str]
    as_of: dt.datetime
    needs: pl.DataFrame  # coverage rows + answering / candidate codes
    activities: pl.DataFrame  # need_id, relation (answers/candidate), activity columns
    states: pl.DataFrame  # row order of the grids
    priority_areas: pl.DataFrame  # id, code, name (column order)
    assistance_types: pl.DataFrame  # key, code, name, priority_area (column order)
    area_cells: pl.DataFrame  # country_id, key, status, needs, answering_activities
    type_cells: pl.DataFrame
    summaries: dict[str, pl.DataFrame] = field(default_factory=dict)
    regional: pl.DataFrame | None = None  # regional activities in their regions


ACTIVITY_SCHEMA: dict[str, Any] = {
    "need_id": pl.Int64,
    "relation": pl.String,
    "activity_id": pl.Int64,
    "activity_code": pl.String,
    "title": pl.String,
    "type": pl.String,
    "starts_on": pl.Date,
    "ends_on": pl.Date,
    "activity_status": pl.String,
    "scope": pl.String,
    "candidates_total": pl.Int64,
    "group_id": pl.Int64,
}


async def need_activities(need_id: int) -> pl.DataFrame:
    """The answering and candidate activities of one need (ACTIVITY_SCHEMA; the need page)."""
    f = MatrixFilters()
    answers = await _activities([need_id], f, ANSWERS)
    candidates = await _activities([need_id], f, CANDIDATES)
    return pl.concat([answers, candidates]).sort("relation", "starts_on", "activity_code")


STATE_SCHEMA: dict[str, Any] = {
    "country_id": pl.Int64,
    "iso3": pl.String,
    "country_name": pl.String,
    "region_code": pl.String,
    "region_name": pl.String,
}


async def _activities(need_ids: list[int], f: MatrixFilters, template: str) -> pl.DataFrame:
    """The answering or candidate activities (`template`) of the needs, in f's period."""
    needs = Where()
    needs.args.append(need_ids)  # $1 of the templates
    if template is CANDIDATES:  # $2: the needs' States, where the candidates are
        needs.args.append(
            await sql.fetchval(
                "SELECT array_agg(DISTINCT country_id) FROM assistance_request"
                " WHERE id = ANY($1::bigint[])",
                need_ids,
            )
            or []
        )
    period = await activity_period_where(needs, f.activity_from, f.activity_to, "a")
    query = template.format(where=conditions(period))
    return await frame(query, period.args, ACTIVITY_SCHEMA)


async def _states(needs: pl.DataFrame, f: MatrixFilters) -> pl.DataFrame:
    """States with a need, plus every State the country/region filters name."""
    args: list[Any] = [needs["country_id"].unique().to_list()]
    wanted = ["c.id = ANY($1)"]
    if v := split_values(f.country):
        args.append(await R.COUNTRY.ids(v, "country"))
        wanted.append(f"c.id = ANY(${len(args)})")
    if v := split_values(f.region):
        args.append(await R.REGION.ids(v, "region"))
        wanted.append(
            f"c.id IN (SELECT country_id FROM region_member WHERE region_id = ANY(${len(args)}))"
        )
    return await frame(
        f"""
        SELECT c.id AS country_id, c.iso3::text AS iso3, c.name AS country_name,
               coalesce(sr.code, r.code, '') AS region_code,
               coalesce(sr.name, r.name, '(no region)') AS region_name
        FROM country c
        LEFT JOIN region sr ON sr.id = c.sub_region_id
        LEFT JOIN region r ON r.id = c.region_id
        WHERE {" OR ".join(wanted)}
        ORDER BY coalesce(r.code, ''), coalesce(sr.code, ''), c.name
        """,
        args,
        STATE_SCHEMA,
    )


async def _columns(needs: pl.DataFrame, f: MatrixFilters) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Priority areas (active ones and any with a need) and their assistance types."""
    where = Where()
    where.add("(pa.active OR pa.id = ANY({}))", needs["priority_area_id"].unique().to_list())
    if v := split_values(f.priority_area):
        where.add("pa.id = ANY({})", await R.PRIORITY_AREA.ids(v, "priority_area"))
    areas = await frame(
        f"SELECT pa.id, pa.code, pa.name FROM priority_area pa {where.sql()}"
        " ORDER BY pa.sort_order, pa.code",
        where.args,
        {"id": pl.Int64, "code": pl.String, "name": pl.String},
    )
    types = await frame(
        "SELECT t.code AS key, t.code, t.name, pa.code AS priority_area"
        " FROM assistance_type t JOIN priority_area pa ON pa.id = t.priority_area_id"
        " WHERE t.priority_area_id = ANY($1) AND (t.active OR t.id = ANY($2))"
        " ORDER BY pa.sort_order, pa.code, t.sort_order, t.code",
        [areas["id"].to_list(), needs["assistance_type_id"].drop_nulls().unique().to_list()],
        {"key": pl.String, "code": pl.String, "name": pl.String, "priority_area": pl.String},
    )
    untyped = (
        needs.filter(pl.col("assistance_type").is_null())
        .select(pl.col("priority_area").unique())
        .to_series()
        .to_list()
    )
    if untyped:
        extra = pl.DataFrame(
            {
                "key": [a + NO_TYPE for a in untyped],
                "code": [a + NO_TYPE for a in untyped],
                "name": ["assistance type not stated"] * len(untyped),
                "priority_area": untyped,
            }
        )
        order = {code: i for i, code in enumerate(areas["code"])}
        types = pl.concat([types, extra]).with_columns(
            pl.col("priority_area").replace_strict(order, default=len(order)).alias("_o"),
            pl.col("key").str.ends_with(NO_TYPE).alias("_u"),
        )
        types = types.sort(["_o", "_u"], maintain_order=True).drop("_o", "_u")
    return areas, types


def _cells(needs: pl.DataFrame, answers: pl.DataFrame, key: str) -> pl.DataFrame:
    """One row per (State, column key) that has needs: its status and answering activities."""
    if needs.is_empty():
        return pl.DataFrame(
            schema={
                "country_id": pl.Int64,
                "key": pl.String,
                "status": pl.String,
                "needs": pl.UInt32,
                "answering_activities": pl.UInt32,
            }
        )
    keyed = needs.select("need_id", "country_id", pl.col(key).alias("key"), "status")
    status = keyed.group_by("country_id", "key").agg(
        pl.len().alias("needs"),
        pl.when((pl.col("status") == "met").all())
        .then(pl.lit("met"))
        .when((pl.col("status") == "unmet").all())
        .then(pl.lit("unmet"))
        .otherwise(pl.lit("partly"))
        .alias("status"),
    )
    activities = (
        keyed.join(answers.select("need_id", "group_id"), on="need_id")
        .group_by("country_id", "key")
        .agg(pl.col("group_id").n_unique().alias("answering_activities"))
    )
    return status.join(activities, on=["country_id", "key"], how="left").with_columns(
        pl.col("answering_activities").fill_null(0)
    )


def coverage_by(needs: pl.DataFrame, key: str, name: str) -> pl.DataFrame:
    """Counts and shares of met / partly / unmet needs per value of `key`."""
    counts = needs.group_by(pl.col(key).alias("key"), pl.col(name).alias("name")).agg(
        pl.len().alias("needs"),
        *[(pl.col("status") == s).sum().alias(s) for s in ("met", "partly", "unmet")],
    )
    return counts.with_columns(
        *[(pl.col(s) / pl.col("needs")).alias(f"{s}_share") for s in ("met", "partly", "unmet")]
    ).sort("key")


def _summaries(needs: pl.DataFrame) -> dict[str, pl.DataFrame]:
    by_instrument = needs.with_columns(
        pl.when(pl.col("instruments").list.len() == 0)
        .then(pl.lit(["(none)"]))
        .otherwise(pl.col("instruments"))
        .alias("instrument")
    ).explode("instrument")
    return {
        "priority area": coverage_by(needs, "priority_area", "priority_area_name"),
        "region": coverage_by(needs, "region_code", "region_name"),
        "instrument": coverage_by(by_instrument, "instrument", "instrument"),
    }


def _codes(activities: pl.DataFrame, relation: str, alias: str) -> pl.DataFrame:
    """Per need: the codes of its activities of `relation`, and one line describing each."""

    def day(column: str) -> pl.Expr:
        return pl.col(column).cast(pl.String).fill_null("?")

    described = pl.format(
        "{}: {} ({}, {} to {}, {})",
        "activity_code",
        "title",
        "type",
        day("starts_on"),
        day("ends_on"),
        "activity_status",
    )
    return (
        activities.filter(pl.col("relation") == relation)
        .sort("activity_code")
        .group_by("need_id", maintain_order=True)
        .agg(
            pl.col("activity_code").str.join(", ").alias(alias),
            described.str.join("; ").alias(f"{alias}_detail"),
            pl.col("candidates_total").max().alias(f"{alias}_total"),
        )
    )


async def build_matrix(f: MatrixFilters) -> Matrix:
    async with snapshot() as as_of:
        return await _build(f, as_of)


async def _build(f: MatrixFilters, as_of: dt.datetime) -> Matrix:
    needs = await need_coverage(f.need_filters(), f.activity_from, f.activity_to)
    ids = needs["need_id"].to_list()
    answers = await _activities(ids, f, ANSWERS)
    candidates = await _activities(ids, f, CANDIDATES)
    activities = pl.concat([answers, candidates])
    answering = _codes(activities, "answers", "answered_by").drop("answered_by_total")
    candidate = _codes(activities, "candidate", "candidates").drop("candidates_detail")
    needs = (
        needs.join(answering, on="need_id", how="left")
        .join(candidate, on="need_id", how="left")
        .with_columns(pl.col("candidates_total").fill_null(0))
    )
    states = await _states(needs, f)
    areas, types = await _columns(needs, f)
    typed = needs.with_columns(
        pl.coalesce(pl.col("assistance_type"), pl.col("priority_area") + NO_TYPE).alias("type_key")
    )
    return Matrix(
        filters=filters_used(f),
        as_of=as_of,
        needs=needs,
        activities=activities.sort("need_id", "relation", "starts_on", "activity_code"),
        states=states,
        priority_areas=areas,
        assistance_types=types,
        area_cells=_cells(needs, answers, "priority_area"),
        type_cells=_cells(typed, answers, "type_key"),
        summaries=_summaries(needs),
        regional=await regional_activities(f.activity_filters(), activities, needs),
    )


def matrix_json(m: Matrix, detail: bool = True) -> dict[str, Any]:
    """The matrix for the UI: the same rows, cells, summaries and needs as the workbook;
    with `detail`, also every need-activity row and the regional activities (large)."""

    def cells(df: pl.DataFrame) -> dict[int, dict[str, Any]]:
        out: dict[int, dict[str, Any]] = {}
        for row in df.iter_rows(named=True):
            out.setdefault(row["country_id"], {})[row["key"]] = {
                "status": row["status"],
                "needs": row["needs"],
                "answering_activities": row["answering_activities"],
            }
        return out

    by_area, by_type = cells(m.area_cells), cells(m.type_cells)
    need_columns = [c for c in COVERAGE_SCHEMA if c not in ("description",)]
    return {
        "filters": m.filters,
        "as_of": m.as_of.isoformat(),
        "legend": {
            "met": "linked to a completed activity",
            "partly": "linked only to planned, approved or ongoing activities",
            "unmet": "no linked activity (cancelled or only proposed ones do not count)",
            "none": "no stated need",
        },
        "priority_areas": m.priority_areas.select("code", "name").to_dicts(),
        "assistance_types": m.assistance_types.to_dicts(),
        "states": [
            {
                **s,
                "priority_areas": by_area.get(s["country_id"], {}),
                "assistance_types": by_type.get(s["country_id"], {}),
            }
            for s in m.states.to_dicts()
        ],
        "summary": {k: v.to_dicts() for k, v in m.summaries.items()},
        "needs": m.needs.select(
            *need_columns, "answered_by", "answered_by_detail", "candidates", "candidates_total"
        ).to_dicts(),
        **(
            {
                "activities": m.activities.to_dicts(),
                "regional_activities": [] if m.regional is None else m.regional.to_dicts(),
            }
            if detail
            else {}
        ),
    }
