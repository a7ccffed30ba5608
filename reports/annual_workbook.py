"""The annual activity report as a workbook: Summary (figures, tables, charts) and one
sheet per priority area listing its activities in date order."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from reports.annual import HELD, Annual
from reports.workbook import Column, Progress, ReportWorkbook

NOTES = [
    f"Activities counted: status {' or '.join(HELD)}, dates overlapping the period (a year or "
    "a month stands for its whole interval; an ongoing activity with no end runs until the "
    "report's date); cancelled, proposed, planned and archived activities are left out.",
    "A record that another record delivered (a plan and what was held) is counted once, as "
    "the record of what was held ('Delivers' names the plan).",
    "Records of one event from several documents (same_event_as) count once; participants "
    "are those of the record with the most, States and partners those of all its records "
    "('Also reported as' names the others).",
    "Activities carried out and every figure and table below are technical assistance; "
    "intergovernmental meetings, participation in others' meetings and coordination are "
    "counted and listed apart, in their own sheets.",
    "Workshops and trainings held count events: a series recorded once counts each event.",
    "Undated activities match no period: they are listed on the sheet 'Undated'.",
    "Distinct States assisted counts each beneficiary State once, however many activities "
    "(national or regional) it took part in.",
    "Regions are the UN M49 regions of the beneficiary States; an activity counts once per "
    "region it reached.",
    "Funders: donors named for the activity, and donors of allocations to it or its project.",
]
TABLES: dict[str, tuple[str, list[Column]]] = {
    "category": (
        "Activities by category",
        [
            Column("Category", width=22),
            Column("Name", width=40),
            Column("Activities", "int"),
            Column("Events", "int"),
        ],
    ),
    "type": (
        "Activities by type",
        [
            Column("Type", width=22),
            Column("Name", width=40),
            Column("Activities", "int"),
            Column("Completed", "int"),
            Column("Events", "int"),
            Column("Participants", "int"),
        ],
    ),
    "region": ("Activities and States by region", []),
    "priority area": ("Activities and States by priority area", []),
    "instrument": ("Activities and States by instrument", []),
    "partner": ("Top partners", []),
    "ratifications": (
        "Ratifications",
        [
            Column("Instrument", width=22),
            Column("Name", width=40),
            Column("Deposited in period", "int"),
            Column("Parties at end of period", "int"),
            Column("Source", width=60),  # of the parties figure (text runs on to the right)
        ],
    ),
}
BY_COLUMNS = [
    Column("Code", width=22),
    Column("Name", width=40),
    Column("Activities", "int"),
    Column("States", "int"),
    Column("Participants", "int"),
]
ACTIVITY_COLUMNS = [
    Column("Code", width=16),
    Column("Title", width=48),
    Column("Type", width=18),
    Column("Status", width=10),
    Column("Dates", width=22),
    Column("Starts", "date"),
    Column("Ends", "date"),
    Column("Events", "int"),
    Column("Place", width=24),
    Column("Scope", width=12),
    Column("Beneficiary States", width=40),
    Column("Partners", width=30),
    Column("Funders", width=30),
    Column("Participants", "int"),
    Column("Women", "int"),
    Column("Men", "int"),
    Column("Instruments", width=14),
    Column("Project", width=14),
    Column("Delivers", width=40),
    Column("Also reported as", width=24),
    Column("Sources", width=40),
]


def _summary(book: ReportWorkbook, a: Annual) -> None:
    ws = book.add_sheet("Summary", small=True)  # charts beside its tables
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 40)
    ws.set_column(2, 5, 14)
    ws.freeze_panes(1, 0)
    ws.write_string(0, 0, f"Annual activity report: {a.period.label()}", book.title_format)
    row = 2
    book.header_row(ws, row, [Column("Figure"), Column("Value")])
    number = book.cell_writer("int")
    figure_rows: dict[str, int] = {}
    for label, value in a.figures:
        row += 1
        ws.write_string(row, 0, label)
        number(ws, row, 1, value)
        figure_rows[label] = row
    ranges: dict[str, tuple[int, int]] = {}
    for key, (title, columns) in TABLES.items():
        columns = columns or BY_COLUMNS
        df = a.tables[key]
        row += 2
        ws.write_string(row, 0, title, book.bold)
        row += 1
        book.header_row(ws, row, columns)
        writers = [book.cell_writer(c.kind) for c in columns]
        first = row + 1
        for values in df.iter_rows():
            row += 1
            for c, v in enumerate(values):
                writers[c](ws, row, c, v)
        if df.is_empty():
            row += 1
            ws.write_string(row, 0, "(none in this period)")
        ranges[key] = (first, row)
    _charts(book, ws, ranges, figure_rows, a)


def _charts(
    book: ReportWorkbook,
    ws: Any,
    ranges: dict[str, tuple[int, int]],
    figure_rows: dict[str, int],
    a: Annual,
) -> None:
    sheet = "Summary"
    place = 2
    for key, title in [
        ("priority area", "Activities by priority area"),
        ("region", "Activities by region"),
    ]:
        first, last = ranges[key]
        if a.tables[key].is_empty():
            continue
        chart = book.book.add_chart({"type": "bar"})
        chart.add_series(
            {
                "name": "Activities",
                "categories": [sheet, first, 0, last, 0],
                "values": [sheet, first, 2, last, 2],
            }
        )
        chart.set_title({"name": title})
        chart.set_legend({"none": True})
        ws.insert_chart(place, 7, chart)
        place += 16
    sexes = [figure_rows[k] for k in ("Women", "Men", "Sex not recorded")]
    chart = book.book.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": "Participants",
            "categories": [sheet, sexes[0], 0, sexes[-1], 0],
            "values": [sheet, sexes[0], 1, sexes[-1], 1],
        }
    )
    chart.set_title({"name": "Participants by sex"})
    chart.set_legend({"none": True})
    ws.insert_chart(place, 7, chart)


def _rows(df: pl.DataFrame) -> Iterator[tuple[Any, ...]]:
    place = pl.concat_str(
        pl.when(pl.col("venue_city") != "").then(pl.col("venue_city")),
        pl.col("venue_country"),
        separator=", ",
        ignore_nulls=True,
    )
    yield from df.select(
        "code",
        "title",
        "type_name",
        "status",
        "dates",
        "starts_on",
        "ends_on",
        "events",
        place.alias("place"),
        "scope",
        "beneficiary_states",
        "partners",
        "funders",
        "participants_total",
        "participants_female",
        "participants_male",
        "instruments",
        "project",
        "delivers",
        "also_reported_as",
        "sources",
    ).iter_rows()


def write_annual(
    a: Annual, target: Path, progress: Progress | None = None, *, lang: str = "en"
) -> None:
    book = ReportWorkbook(target, "Annual activity report", a.filters, a.as_of, notes=NOTES)
    _summary(book, a)
    total = sum(df.height for _, _, df in a.by_priority_area)
    done = 0
    for code, name, df in a.by_priority_area:
        book.table(f"{code} {name}", ACTIVITY_COLUMNS, _rows(df))
        done += df.height
        if progress:
            progress("activities", done, total)
    for _, label, df in a.by_category:
        book.table(label, ACTIVITY_COLUMNS, _rows(df))
    if a.undated is not None and not a.undated.is_empty():
        book.table("Undated", ACTIVITY_COLUMNS, _rows(a.undated))
    book.close()
