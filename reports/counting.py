"""The counting rules every report applies to activity records (docs/reports.md).

1. Delivered plans: a record that another (not cancelled, not archived) record `delivers`
   is not counted; its delivery is (at the end of a chain: proposed -> planned -> held).
2. One event, several records: records linked by `same_event_as` (directly or through
   others) are one group and count once. The group's figures are those of its primary
   record (the most participants recorded, then the lowest id): participants are never
   added across records of one event; its States, partners, instruments, priority areas
   and sources are the union of its records'; the other records are "also reported as".
3. Categories: only `technical_assistance` counts as "activities carried out" and in the
   figures and tables of technical assistance; intergovernmental meetings, participation
   in others' meetings and coordination are listed in their own tables.
4. Series: "workshops held" and "trainings held" add up `events` (a series of five
   workshops recorded once is five workshops), counted on completed activities.
5. Undated records match no period; period reports list them apart, as "undated".
"""

from __future__ import annotations

from typing import Any

import polars as pl

TECHNICAL_ASSISTANCE = "technical_assistance"
CATEGORY_LABELS = {
    "technical_assistance": "Technical assistance",
    "intergovernmental": "Intergovernmental meetings (Conference, working groups)",
    "participation": "Participation in meetings of other organizations",
    "coordination": "Coordination with other entities",
}

# Sheet names (Excel allows 31 characters) of the lists of the other categories.
CATEGORY_SHEETS = {
    "intergovernmental": "Intergovernmental meetings",
    "participation": "Participation in others' mtgs",
    "coordination": "Coordination",
}

# SQL over an activity alias `a`: not a delivered plan (rule 1).
NOT_DELIVERED = "{a}.id NOT IN (SELECT activity_id FROM activity_delivery)"
# Joined to an activity alias `a`: its same-event group (rule 2); NULL for unlinked records.
EVENT_GROUP_JOIN = "LEFT JOIN activity_event_group eg ON eg.activity_id = {a}.id"
GROUP_ID = "coalesce(eg.group_id, {a}.id)"


def not_delivered(alias: str = "a") -> str:
    return NOT_DELIVERED.format(a=alias)


def group_join(alias: str = "a") -> str:
    return EVENT_GROUP_JOIN.format(a=alias)


def group_id(alias: str = "a") -> str:
    return GROUP_ID.format(a=alias)


def primaries(records: pl.DataFrame) -> pl.DataFrame:
    """One row per group (rule 2): the primary record of each `group_id`, with
    `also_reported_as` (the codes of the group's other records, '' when alone) and
    `group_size`. `records` needs activity_id, code, group_id, participants_total."""
    ordered = records.sort(
        "group_id",
        "participants_total",
        "activity_id",
        descending=[False, True, False],
        nulls_last=True,
    )
    aggregates = [
        pl.col("code").slice(1).sort().str.join(", ").alias("also_reported_as"),
        pl.len().alias("group_size"),
    ]
    if "sources" in records.columns:  # every document that reports the event
        aggregates.append(pl.col("sources").drop_nulls().unique(maintain_order=True).str.join("; "))
    others = ordered.group_by("group_id", maintain_order=True).agg(*aggregates)
    first = ordered.unique("group_id", keep="first", maintain_order=True)
    if "sources" in records.columns:
        first = first.drop("sources")
    return first.join(others, on="group_id", how="left").select(
        *records.columns, "also_reported_as", "group_size"
    )


def primary_of(records: pl.DataFrame, primary: pl.DataFrame) -> pl.DataFrame:
    """activity_id -> primary_id for every record of the groups in `primary`."""
    return records.select("activity_id", "group_id").join(
        primary.select("group_id", pl.col("activity_id").alias("primary_id")), on="group_id"
    )


def onto_primaries(links: pl.DataFrame, mapping: pl.DataFrame) -> pl.DataFrame:
    """A link frame (activity_id, ...) with each record's links moved onto its group's
    primary record, each link once: the union of the group's States, partners, areas."""
    if links.is_empty():
        return links
    moved = (
        links.join(mapping, on="activity_id", how="inner")
        .drop("activity_id")
        .rename({"primary_id": "activity_id"})
        .select(links.columns)
    )
    return moved.unique(maintain_order=True)


def events_held(acts: pl.DataFrame, kind: str) -> int:
    """Events of completed activities of this type (rule 4)."""
    done = acts.filter((pl.col("type") == kind) & (pl.col("status") == "completed"))
    return int(done["events"].sum() or 0)


def category_label(category: str) -> str:
    return CATEGORY_LABELS.get(category, category)


def split_categories(acts: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    """(technical assistance, {other category: its records}) (rule 3)."""
    ta = acts.filter(pl.col("category") == TECHNICAL_ASSISTANCE)
    others: dict[str, Any] = {}
    for category in CATEGORY_LABELS:
        if category == TECHNICAL_ASSISTANCE:
            continue
        part = acts.filter(pl.col("category") == category)
        if not part.is_empty():
            others[category] = part
    return ta, others
