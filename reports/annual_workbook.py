"""The annual activity report as a workbook: Summary (figures, tables, charts) and one
sheet per priority area listing its activities in date order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from reports.annual import HELD, Annual
from reports.workbook import Column, Progress, ReportWorkbook
from ta_manager.locale import N_, gettext
from ta_manager.locale.formats import as_given
from ta_manager.locale.labels import labels

NOTES = [
    N_(
        "Activities counted: status %(held)s, dates overlapping the period (a year or "
        "a month stands for its whole interval; an ongoing activity with no end runs until the "
        "report's date); cancelled, proposed, planned and archived activities are left out."
    ),
    N_(
        "A record that another record delivered (a plan and what was held) is counted once, as "
        "the record of what was held ('Delivers' names the plan)."
    ),
    N_(
        "Records of one event from several documents (same_event_as) count once; participants "
        "are those of the record with the most, States and partners those of all its records "
        "('Also reported as' names the others)."
    ),
    N_(
        "Activities carried out and every figure and table below are technical assistance; "
        "intergovernmental meetings, participation in others' meetings and coordination are "
        "counted and listed apart, in their own sheets."
    ),
    N_("Workshops and trainings held count events: a series recorded once counts each event."),
    N_("Undated activities match no period: they are listed on the sheet 'Undated'."),
    N_(
        "Distinct States assisted counts each beneficiary State once, however many activities "
        "(national or regional) it took part in."
    ),
    N_(
        "Regions are the UN M49 regions of the beneficiary States; an activity counts once per "
        "region it reached."
    ),
    N_("Funders: donors named for the activity, and donors of allocations to it or its project."),
]
TABLES: dict[str, tuple[str, list[Column]]] = {
    "category": (
        N_("Activities by category"),
        [
            Column(N_("Category"), width=22),
            Column(N_("Name"), width=40),
            Column(N_("Activities"), "int"),
            Column(N_("Events"), "int"),
        ],
    ),
    "type": (
        N_("Activities by type"),
        [
            Column(N_("Type"), width=22),
            Column(N_("Name"), width=40),
            Column(N_("Activities"), "int"),
            Column(N_("Completed"), "int"),
            Column(N_("Events"), "int"),
            Column(N_("Participants"), "int"),
        ],
    ),
    "region": (N_("Activities and States by region"), []),
    "priority area": (N_("Activities and States by priority area"), []),
    "instrument": (N_("Activities and States by instrument"), []),
    "partner": (N_("Top partners"), []),
    "ratifications": (
        N_("Ratifications"),
        [
            Column(N_("Instrument"), width=22),
            Column(N_("Name"), width=40),
            Column(N_("Deposited in period"), "int"),
            Column(N_("Parties at end of period"), "int"),
            Column(N_("Source"), width=60),  # of the parties figure (text runs on to the right)
        ],
    ),
}
BY_COLUMNS = [
    Column(N_("Code"), width=22),
    Column(N_("Name"), width=40),
    Column(N_("Activities"), "int"),
    Column(N_("States"), "int"),
    Column(N_("Participants"), "int"),
]
ACTIVITY_COLUMNS = [
    Column(N_("Code"), width=16),
    Column(N_("Title"), width=36),
    Column(N_("Type"), width=18),
    Column(N_("Status"), width=10),
    Column(N_("Dates"), width=22),
    Column(N_("Starts"), "date"),
    Column(N_("Ends"), "date"),
    Column(N_("Events"), "int"),
    Column(N_("Place"), width=24),
    Column(N_("Scope"), width=12),
    Column(N_("Beneficiary States"), width=30),
    Column(N_("Partners"), width=24),
    Column(N_("Funders"), width=20),
    Column(N_("Participants"), "int"),
    Column(N_("Women"), "int"),
    Column(N_("Men"), "int"),
    Column(N_("Instruments"), width=14),
    Column(N_("Project"), width=14),
    Column(N_("Delivers"), width=24),
    Column(N_("Also reported as"), width=24),
    Column(N_("Sources"), width=30),
]


CHARTS = [
    ("priority area", N_("Activities by priority area"), N_("Priority area")),
    ("region", N_("Activities by region"), N_("Region")),
]
SUMMARY_WIDTHS = (40.0, 40.0, 12.0, 12.0, 12.0, 12.0)
CHART_COLUMN = 7  # charts sit right of the tables (column H)
CHART_ROWS = 16


def _summary(book: ReportWorkbook, a: Annual) -> None:
    name = book.t("Summary")
    ws = book.add_sheet(name, small=True)  # charts beside its tables
    name = book.names[-1]
    for c, width in enumerate(SUMMARY_WIDTHS):
        ws.set_column(c, c, width, book.wrap if c < 2 else None)
    ws.write_string(
        0,
        0,
        book.t("Annual activity report: %(period)s", period=book.shown(a.period.label())),
        book.title_format,
    )
    row = 2
    book.header_row(ws, row, [Column(N_("Figure")), Column(N_("Value"))])
    number = book.cell_writer("int")
    figure_rows: dict[str, int] = {}
    figures = dict(a.figures)
    for label, value in a.figures:
        row += 1
        text = book.t(label)
        ws.set_row(row, book.text_height(text, SUMMARY_WIDTHS[0]))
        ws.write_string(row, 0, text)
        number(ws, row, 1, value)
        figure_rows[label] = row
    ranges: dict[str, tuple[int, int]] = {}
    for key, (title, columns) in TABLES.items():
        columns = columns or BY_COLUMNS
        df = a.tables[key]
        if key == "category":
            words = labels("category", book.lang)
            df = df.with_columns(
                pl.col("category").replace_strict(words, default=pl.col("name")).alias("name")
            )
        row += 2
        ws.write_string(row, 0, book.t(title), book.bold)
        row += 1
        book.header_row(ws, row, columns)
        writers = [book.cell_writer(c.kind) for c in columns]
        first = row + 1
        for values in df.iter_rows():
            row += 1
            tallest = max(
                (book.text_height(v, SUMMARY_WIDTHS[c]) for c, v in enumerate(values[:2]) if v),
                default=0,
            )
            if tallest > book.text_height("x", 40):
                ws.set_row(row, tallest)
            for c, v in enumerate(values):
                writers[c](ws, row, c, v)
        if df.is_empty():
            row += 1
            ws.write_string(row, 0, book.t("(none in this period)"))
        ranges[key] = (first, row)
    _charts(book, ws, name, ranges, figure_rows, figures, a)
    chart_width = 8 * 9.0  # eight default columns beside the tables
    book.page(ws, sum(SUMMARY_WIDTHS) + chart_width, title_rows=None, landscape=True)


def _charts(
    book: ReportWorkbook,
    ws: Any,
    sheet: str,
    ranges: dict[str, tuple[int, int]],
    figure_rows: dict[str, int],
    figures: dict[str, int],
    a: Annual,
) -> None:
    """Bar charts of the activities by priority area and region (categories are the names),
    and the participants by sex (a zero "sex not recorded" is left out, never an empty bar)."""
    place = 2
    activities = book.t("Activities")
    for key, title, axis in CHARTS:
        first, last = ranges[key]
        if a.tables[key].is_empty():
            continue
        chart = book.book.add_chart({"type": "bar"})
        chart.add_series(
            {
                "name": activities,
                "categories": [sheet, first, 1, last, 1],
                "values": [sheet, first, 2, last, 2],
            }
        )
        chart.set_title({"name": book.t(title)})
        chart.set_legend({"none": True})
        chart.set_x_axis({"name": activities})
        chart.set_y_axis({"name": book.t(axis)})
        ws.insert_chart(place, CHART_COLUMN, chart)
        place += CHART_ROWS
    shown = ["Women", "Men"] + (["Sex not recorded"] if figures.get("Sex not recorded") else [])
    if not any(figures.get(k) for k in shown):
        return
    first, last = figure_rows[shown[0]], figure_rows[shown[-1]]
    chart = book.book.add_chart({"type": "column"})
    participants = book.t("Participants")
    chart.add_series(
        {
            "name": participants,
            "categories": [sheet, first, 0, last, 0],
            "values": [sheet, first, 1, last, 1],
        }
    )
    chart.set_title({"name": book.t("Participants by sex")})
    chart.set_legend({"none": True})
    chart.set_x_axis({"name": book.t("Sex")})
    chart.set_y_axis({"name": participants})
    ws.insert_chart(place, CHART_COLUMN, chart)


def _rows(df: pl.DataFrame, lang: str) -> pl.DataFrame:
    place = pl.concat_str(
        pl.when(pl.col("venue_city") != "").then(pl.col("venue_city")),
        pl.col("venue_country"),
        separator=", ",
        ignore_nulls=True,
    )
    status, scope = labels("activity_status", lang), labels("scope", lang)
    return df.select(
        "code",
        "title",
        "type_name",
        pl.col("status").replace_strict(status, default=pl.col("status")),
        pl.col("dates").map_elements(lambda s: as_given(s, lang), return_dtype=pl.String),
        "starts_on",
        "ends_on",
        "events",
        place.alias("place"),
        pl.col("scope").replace_strict(scope, default=pl.col("scope")),
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
    )


def write_annual(
    a: Annual, target: Path, progress: Progress | None = None, lang: str = "en"
) -> None:
    def t(message: str, **values: object) -> str:
        return gettext(message, lang, **values)

    notes = [t(n, held=" / ".join(HELD)) if "%(held)s" in n else t(n) for n in NOTES]
    book = ReportWorkbook(
        target, t("Annual activity report"), a.filters, a.as_of, notes=notes, lang=lang
    )
    _summary(book, a)
    total = sum(df.height for _, _, df in a.by_priority_area)
    done = 0
    for code, name, df in a.by_priority_area:
        book.table(f"{code} {name}", ACTIVITY_COLUMNS, _rows(df, lang))
        done += df.height
        if progress:
            progress("activities", done, total)
    for _, label, df in a.by_category:
        book.table(t(label), ACTIVITY_COLUMNS, _rows(df, lang))
    if a.undated is not None and not a.undated.is_empty():
        book.table(t("Undated"), ACTIVITY_COLUMNS, _rows(a.undated, lang))
    book.close()
