"""The needs-to-activity matrix as a workbook: two grids, needs detail, summary."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from reports.matrix import Matrix
from reports.matrix_queries import CANDIDATES_SHOWN
from reports.workbook import Column, Progress, ReportWorkbook

LEGEND = [
    ("met", "met: linked to a completed activity"),
    ("partly", "partly met: linked only to planned, approved or ongoing activities"),
    ("unmet", "unmet: no linked activity (cancelled or only proposed ones do not count)"),
    ("none", "no stated need"),
]
NOTES = [
    "Coverage rule: a need is met when linked to a completed activity, partly met when "
    "linked only to planned/approved/ongoing activities, unmet otherwise. Withdrawn and "
    "archived needs are left out. Proposed activities do not count yet.",
    "A need linked to a plan that another activity delivered counts that delivery; records "
    "of one event from several documents (same_event_as) are one answering activity.",
    "With an activity period, only activities overlapping it count (a year or month stands "
    "for its whole interval; an ongoing activity with no end runs until today); undated "
    "activities then do not count and the Needs sheet says how many there are.",
    "A grid cell holding several needs is met when all are met, unmet when none has an "
    "answering activity, partly otherwise; (n) is the number of distinct answering activities.",
    "Regional activities: every regional, interregional or global activity (not cancelled) "
    "once per M49 sub-region of its beneficiary States, with the States it reached there.",
    "Candidate activities: same State (as a beneficiary, so regional activities count), not "
    "yet linked, and of the need's assistance type whatever priority area the activity is "
    "filed under (of the need's priority area when the need names no type); the "
    f"{CANDIDATES_SHOWN} most recent are listed.",
]

NEED_COLUMNS = [
    Column("Region", width=22),
    Column("State", width=24),
    Column("ISO-3", width=6),
    Column("Need", width=16),
    Column("Priority area", width=9),
    Column("Assistance type", width=16),
    Column("Instruments", width=14),
    Column("Stated on", "date"),
    Column("Record status", width=11),
    Column("Description", width=40),
    Column("Coverage", width=9),
    Column("Answering activities", "int"),
    Column("Answered by", width=30),
    Column("Answering activities: title (type, dates, status)", width=60),
    Column("Candidate activities", "int"),
    Column("Candidates (most recent)", width=30),
    Column("Stated (as given)", width=12),
    Column("Undated answering activities", "int"),
    Column("Sources", width=40),
]
ACTIVITY_COLUMNS = [
    Column("Need", width=16),
    Column("State", width=24),
    Column("Priority area", width=9),
    Column("Assistance type", width=16),
    Column("Relation", width=10),
    Column("Activity", width=16),
    Column("Title", width=48),
    Column("Type", width=18),
    Column("Starts", "date"),
    Column("Ends", "date"),
    Column("Status", width=10),
    Column("Scope", width=12),
]
REGIONAL_COLUMNS = [
    Column("Region", width=24),
    Column("Activity", width=16),
    Column("Title", width=48),
    Column("Type", width=18),
    Column("Scope", width=12),
    Column("Starts", "date"),
    Column("Ends", "date"),
    Column("Status", width=10),
    Column("Priority areas", width=12),
    Column("Beneficiary States in the region", width=48),
    Column("States in the region", "int"),
    Column("Answers needs", width=24),
    Column("Candidate for", width=24),
]
SUMMARY_COLUMNS = [
    Column("Code", width=18),
    Column("Name", width=44),
    Column("Needs", "int"),
    Column("Met", "int"),
    Column("Partly met", "int"),
    Column("Unmet", "int"),
    Column("Met %", "percent"),
    Column("Partly %", "percent"),
    Column("Unmet %", "percent"),
]


def _grid(
    book: ReportWorkbook, name: str, m: Matrix, columns: pl.DataFrame, cells: pl.DataFrame
) -> None:
    ws = book.add_sheet(name, small=True)
    keys = columns["key"].to_list() if "key" in columns.columns else columns["code"].to_list()
    labels = [f"{k}\n{n}" for k, n in zip(keys, columns["name"], strict=True)]
    headers = [Column("Region", width=22), Column("State", width=24), Column("ISO-3", width=6)]
    headers += [Column(label, width=14) for label in labels]
    book.header_row(ws, 0, headers)
    ws.set_row(0, 45)
    for c, col in enumerate(headers):
        ws.set_column(c, c, col.width)
    ws.freeze_panes(1, 3)
    lookup = {
        (r[0], r[1]): (r[2], r[3])
        for r in cells.select("country_id", "key", "status", "answering_activities").iter_rows()
    }
    row, region = 1, None
    for state in m.states.iter_rows(named=True):
        if state["region_code"] != region:
            region = state["region_code"]
            ws.write_string(row, 0, f"{state['region_name']} ({region})", book.bold)
            row += 1
        ws.set_row(row, None, None, {"level": 1})
        ws.write_string(row, 0, state["region_name"])
        book.text(ws, row, 1, state["country_name"])
        ws.write_string(row, 2, state["iso3"])
        for c, key in enumerate(keys, start=3):
            status, activities = lookup.get((state["country_id"], key), ("none", 0))
            label = "" if status == "none" else f"{status} ({activities})"
            ws.write_string(row, c, label, book.fills[status])
        row += 1
    ws.autofilter(0, 0, max(row - 1, 1), len(headers) - 1)
    row += 1
    ws.write_string(row, 0, "Legend", book.bold)
    for status, text in LEGEND:
        row += 1
        ws.write_string(row, 0, status if status != "none" else "", book.fills[status])
        ws.write_string(row, 1, text)


def _region_label() -> pl.Expr:
    return pl.format("{} ({})", "region_name", "region_code").alias("region")


def _need_rows(m: Matrix) -> Iterator[tuple[Any, ...]]:
    yield from m.needs.select(
        _region_label(),
        "country_name",
        "iso3",
        "code",
        "priority_area",
        "assistance_type",
        pl.col("instruments").list.join(", "),
        "stated_on",
        "need_status",
        "description",
        "status",
        "answering_activities",
        "answered_by",
        "answered_by_detail",
        "candidates_total",
        "candidates",
        "stated",
        "undated_activities",
        "sources",
    ).iter_rows()


def _activity_rows(m: Matrix) -> Iterator[tuple[Any, ...]]:
    needs = m.needs.select("need_id", "code", "country_name", "priority_area", "assistance_type")
    joined = m.activities.join(needs, on="need_id", how="left")
    yield from joined.select(
        "code",
        "country_name",
        "priority_area",
        "assistance_type",
        "relation",
        "activity_code",
        "title",
        "type",
        "starts_on",
        "ends_on",
        "activity_status",
        "scope",
    ).iter_rows()


def _regional_rows(m: Matrix) -> Iterator[tuple[Any, ...]]:
    if m.regional is None:
        return
    yield from m.regional.select(
        _region_label(),
        "activity_code",
        "title",
        "type",
        "scope",
        "starts_on",
        "ends_on",
        "activity_status",
        "priority_areas",
        "states",
        "state_count",
        "answers_needs",
        "candidate_for",
    ).iter_rows()


def _summary(book: ReportWorkbook, m: Matrix) -> None:
    ws = book.add_sheet("Summary")
    for c, col in enumerate(SUMMARY_COLUMNS):
        ws.set_column(c, c, col.width or 10)
    writers = [book.cell_writer(col.kind) for col in SUMMARY_COLUMNS]
    row = 0
    total = m.needs.height
    counts = {s: int((m.needs["status"] == s).sum()) for s in ("met", "partly", "unmet")}
    ws.write_string(row, 0, "All needs", book.title_format)
    row += 1
    book.header_row(ws, row, SUMMARY_COLUMNS)
    row += 1
    shares = [counts[s] / total if total else None for s in ("met", "partly", "unmet")]
    for c, v in enumerate(["all", "all needs", total, *counts.values(), *shares]):
        writers[c](ws, row, c, v)
    for title, df in m.summaries.items():
        row += 2
        ws.write_string(row, 0, f"Coverage by {title}", book.title_format)
        row += 1
        book.header_row(ws, row, SUMMARY_COLUMNS)
        for values in df.iter_rows():
            row += 1
            for c, v in enumerate(values):
                writers[c](ws, row, c, v)


def write_matrix(
    m: Matrix, target: Path, progress: Progress | None = None, *, lang: str = "en"
) -> None:
    book = ReportWorkbook(
        target,
        "Needs-to-activity matrix",
        m.filters,
        m.as_of,
        notes=[*NOTES, *(text for _, text in LEGEND)],
    )
    _grid(book, "By priority area", m, m.priority_areas, m.area_cells)
    if progress:
        progress("grids", 1, 4)
    _grid(book, "By assistance type", m, m.assistance_types, m.type_cells)
    book.table("Needs", NEED_COLUMNS, _need_rows(m), progress, m.needs.height)
    book.table(
        "Need activities", ACTIVITY_COLUMNS, _activity_rows(m), progress, m.activities.height
    )
    rows = 0 if m.regional is None else m.regional.height
    book.table("Regional activities", REGIONAL_COLUMNS, _regional_rows(m), progress, rows)
    _summary(book, m)
    book.close()
