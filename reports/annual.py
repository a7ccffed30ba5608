"""Annual activity report: the figures and activity lists of a period (flat rows + polars).

Activities counted are those carried out in the period: status completed or ongoing, not
archived, with dates overlapping the period (an ongoing activity with no end is open until
the report's date). The counting rules of reports/counting.py apply: delivered plans are
left out, records of one event count once, only technical assistance is "carried out"
(other categories get their own tables), series count their events, and undated
activities are listed apart. A State assisted by several activities (or by a regional
activity with 20 States) counts once in "distinct States assisted".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from reports import counting
from reports.annual_queries import read_activities, read_ratifications
from reports.period import Period, period_of
from reports.snapshot import filters_used, snapshot
from ta_manager.activities.service import ActivityFilters, add_activity_filters
from ta_manager.records.filters import Where

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
    # Intergovernmental, participation and coordination records: (category, label, rows).
    by_category: list[tuple[str, str, pl.DataFrame]] = field(default_factory=list)
    undated: pl.DataFrame | None = None  # held activities with no date at all


async def _selection(f: AnnualFilters, period: Period | None) -> Where:
    """Held activities matching the filters: in the period, or (period None) undated."""
    where = Where()
    where.add("a.status = ANY({})", list(HELD))
    where.add(counting.not_delivered("a"))
    activity_filters = ActivityFilters(
        country=f.country,
        region=f.region,
        priority_area=f.priority_area,
        instrument=f.instrument,
        type=f.type,
        undated=period is None,
        date_from=period.start if period else None,
        date_to=period.end if period else None,
    )
    await add_activity_filters(where, activity_filters, "a")
    return where


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


def _figures(
    acts: pl.DataFrame,
    states: pl.DataFrame,
    records: int,
    others: dict[str, pl.DataFrame],
    undated: int,
) -> list[tuple[str, int]]:
    total = int(acts["participants_total"].sum() or 0)
    female = int(acts["participants_female"].sum() or 0)
    male = int(acts["participants_male"].sum() or 0)
    return [
        ("Activities carried out", acts.height),
        ("Distinct States assisted", states["country_id"].n_unique()),
        ("Participants", total),
        ("Women", female),
        ("Men", male),
        ("Sex not recorded", total - female - male),
        ("Workshops held", counting.events_held(acts, "workshop")),
        ("Trainings held", counting.events_held(acts, "training")),
        ("Regional or wider activities", acts.filter(pl.col("scope") != "national").height),
        ("Events held (each event of a series)", int(acts["events"].sum() or 0)),
        ("Records of these activities (one event may have several)", records),
        *[
            (counting.category_label(category), df.height)
            for category, df in sorted(others.items())
        ],
        ("Undated activities (listed apart, not in these figures)", undated),
    ]


def _grouped(
    acts: pl.DataFrame, links: dict[str, pl.DataFrame]
) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    """One row per event (counting rule 2), its links the union of its records'."""
    primary = counting.primaries(acts)
    mapping = counting.primary_of(acts, primary)
    moved = {name: counting.onto_primaries(df, mapping) for name, df in links.items()}
    return primary.sort("starts_on", "code", nulls_last=True), moved


async def build_annual(f: AnnualFilters) -> Annual:
    period = period_of(f.year, f.date_from, f.date_to)
    where = await _selection(f, period)
    undated_where = await _selection(f, None)
    async with snapshot() as as_of:
        records, record_links = await read_activities(where)
        undated_records, undated_links = await read_activities(undated_where)
        ratifications = await read_ratifications(period)
    events, event_links = _grouped(records, record_links)
    ta, others = counting.split_categories(events)
    ta_ids = ta["activity_id"].implode()
    links = {k: v.filter(pl.col("activity_id").is_in(ta_ids)) for k, v in event_links.items()}
    acts = ta
    states = links["states"]
    listed = _listed(acts, links)
    by_type = (
        acts.group_by("type", "type_name")
        .agg(
            pl.len().alias("activities"),
            (pl.col("status") == "completed").sum().alias("completed"),
            pl.col("events").sum().alias("events"),
            pl.col("participants_total").sum().alias("participants"),
        )
        .sort("activities", "type", descending=[True, False])
    )
    by_category = (
        events.group_by("category")
        .agg(pl.len().alias("activities"), pl.col("events").sum().alias("events"))
        .with_columns(
            pl.col("category").replace_strict(counting.CATEGORY_LABELS, default="").alias("name")
        )
        .select("category", "name", "activities", "events")
        .sort("category")
    )
    other_lists = [
        (category, counting.CATEGORY_SHEETS[category], _listed(df, event_links))
        for category, df in sorted(others.items())
    ]
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
        figures=_figures(
            acts,
            states,
            records.filter(pl.col("category") == counting.TECHNICAL_ASSISTANCE).height,
            others,
            undated_records.height,
        ),
        tables={
            "category": by_category,
            "type": by_type,
            "region": _by(regions, states, acts, own_states=True),
            "priority area": _by(areas.select("activity_id", "code", "name"), states, acts),
            "instrument": _by(links["instruments"], states, acts),
            "partner": partners.head(TOP_PARTNERS),
            "ratifications": ratifications,
        },
        by_priority_area=by_area,
        by_category=other_lists,
        undated=_listed(*_grouped(undated_records, undated_links)),
    )


LISTED_LINKS = [
    ("states", "beneficiary_states"),
    ("partners", "partners"),
    ("funders", "funders"),
    ("areas", "priority_areas"),
    ("instruments", "instruments"),
]


def _listed(acts: pl.DataFrame, links: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """The rows of an activity list: each event with its joined States, partners, funders."""
    listed = acts
    for name, alias in LISTED_LINKS:
        if name not in links:
            listed = listed.with_columns(pl.lit(None, pl.String).alias(alias))
            continue
        source = links[name].rename({"country": "name"}) if name == "states" else links[name]
        listed = listed.join(_joined(source, alias), on="activity_id", how="left")
    return listed
