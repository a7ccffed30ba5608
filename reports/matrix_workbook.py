"""The needs-to-activity matrix as a workbook: two grids, needs detail, summary.

Everything people read is in words of the workbook's language (State, priority area and
assistance type names, coverage, statuses, dates); codes keep their own narrow columns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from reports.matrix import Matrix
from reports.matrix_queries import CANDIDATES_SHOWN
from reports.workbook import Column, Progress, ReportWorkbook
from ta_manager.locale import N_, gettext
from ta_manager.locale.formats import as_given, iso_inside
from ta_manager.locale.labels import label, labels
from ta_manager.reference.country_names import state_name

LEGEND = [
    ("met", N_("met: linked to a completed activity")),
    ("partly", N_("partly met: linked only to planned, approved or ongoing activities")),
    ("unmet", N_("unmet: no linked activity (cancelled or only proposed ones do not count)")),
    ("none", N_("no stated need")),
]
NOTES = [
    N_(
        "Coverage rule: a need is met when linked to a completed activity, partly met when "
        "linked only to planned/approved/ongoing activities, unmet otherwise. Withdrawn and "
        "archived needs are left out. Proposed activities do not count yet."
    ),
    N_(
        "A need linked to a plan that another activity delivered counts that delivery; records "
        "of one event from several documents (same_event_as) are one answering activity."
    ),
    N_(
        "With an activity period, only activities overlapping it count (a year or month stands "
        "for its whole interval; an ongoing activity with no end runs until today); undated "
        "activities then do not count and the Needs sheet says how many there are."
    ),
    N_(
        "A grid cell holding several needs is met when all are met, unmet when none has an "
        "answering activity, partly otherwise; (n) is the number of distinct answering "
        "activities."
    ),
    N_(
        "Regional activities: every regional, interregional or global activity (not cancelled) "
        "once per M49 sub-region of its beneficiary States, with the States it reached there."
    ),
    N_(
        "Candidate activities: same State (as a beneficiary, so regional activities count), not "
        "yet linked, and of the need's assistance type whatever priority area the activity is "
        "filed under (of the need's priority area when the need names no type); the "
        "%(n)s most recent are listed."
    ),
]

NEED_COLUMNS = [
    Column(N_("State"), width=22),
    Column(N_("ISO-3"), width=6),
    Column(N_("Need"), width=18),
    Column(N_("Area"), width=6),
    Column(N_("Priority area"), width=24),
    Column(N_("Assistance type"), width=26),
    Column(N_("Type code"), width=9),
    Column(N_("Instruments"), width=12),
    Column(N_("Stated on"), "date"),
    Column(N_("Description"), width=40),
    Column(N_("Coverage"), width=10),
    Column(N_("Answering activities"), "int"),
    Column(N_("Answered by"), width=18),
    Column(N_("Answering activities: title (type, dates, status)"), width=48),
    Column(N_("Candidate activities"), "int"),
    Column(N_("Candidates (most recent)"), width=22),
    Column(N_("Undated answering activities"), "int"),
    Column(N_("Record status"), width=11),
    Column(N_("Region"), width=18),
    Column(N_("Sources"), width=30),
]
ACTIVITY_COLUMNS = [
    Column(N_("Need"), width=18),
    Column(N_("State"), width=22),
    Column(N_("Area"), width=6),
    Column(N_("Assistance type"), width=26),
    Column(N_("Relation"), width=11),
    Column(N_("Activity"), width=18),
    Column(N_("Title"), width=44),
    Column(N_("Type"), width=16),
    Column(N_("Starts"), "date"),
    Column(N_("Ends"), "date"),
    Column(N_("Status"), width=11),
    Column(N_("Scope"), width=12),
]
REGIONAL_COLUMNS = [
    Column(N_("Region"), width=20),
    Column(N_("Activity"), width=18),
    Column(N_("Title"), width=40),
    Column(N_("Type"), width=16),
    Column(N_("Scope"), width=12),
    Column(N_("Starts"), "date"),
    Column(N_("Ends"), "date"),
    Column(N_("Status"), width=11),
    Column(N_("Priority areas"), width=10),
    Column(N_("Beneficiary States in the region"), width=40),
    Column(N_("States in the region"), "int"),
    Column(N_("Answers needs"), width=22),
    Column(N_("Candidate for"), width=22),
]
SUMMARY_COLUMNS = [
    Column(N_("Code"), width=12),
    Column(N_("Name"), width=40),
    Column(N_("Needs"), "int"),
    Column(N_("Met"), "int"),
    Column(N_("Partly met"), "int"),
    Column(N_("Unmet"), "int"),
    Column(N_("Met %"), "percent"),
    Column(N_("Partly %"), "percent"),
    Column(N_("Unmet %"), "percent"),
]
SUMMARY_TITLES = {
    "priority area": N_("Coverage by priority area"),
    "region": N_("Coverage by region"),
    "instrument": N_("Coverage by instrument"),
}
GRID_KEY_WIDTHS = (20.0, 24.0, 6.0)  # region, State, ISO-3
GRID_CELL_WIDTH = 13.0


def _words(column: str) -> pl.Expr:
    """A code shown as words ('legal_advice' -> 'legal advice')."""
    return pl.col(column).str.replace_all("_", " ")


def _state_names(m: Matrix, lang: str) -> dict[str, str]:
    """ISO-3 -> the State's name in `lang` (the UN name of the vendored M49 files)."""
    rows = m.states.select("iso3", "country_name").iter_rows()
    return {iso3: state_name({"iso3": iso3, "name": name}, lang) for iso3, name in rows}


def _in_language(df: pl.DataFrame, names: dict[str, str], lang: str) -> pl.DataFrame:
    """State names of `df` (with iso3 and country_name) in `lang`."""
    if lang == "en" or "iso3" not in df.columns:
        return df
    return df.with_columns(
        pl.col("iso3").replace_strict(names, default=pl.col("country_name")).alias("country_name")
    )


def _grid(
    book: ReportWorkbook, name: str, m: Matrix, columns: pl.DataFrame, cells: pl.DataFrame
) -> None:
    ws = book.add_sheet(name, small=True)
    keys = columns["key"].to_list() if "key" in columns.columns else columns["code"].to_list()
    codes = columns["code"].to_list()
    headers = [book.t("Region"), book.t("State"), book.t("ISO-3")]
    headers += [f"{n} ({c})" for c, n in zip(codes, columns["name"], strict=True)]
    column_widths = [*GRID_KEY_WIDTHS, *[GRID_CELL_WIDTH] * len(keys)]
    for c, text in enumerate(headers):
        ws.write_string(0, c, text, book.header)
        ws.set_column(c, c, column_widths[c], book.wrap)
    ws.set_row(0, book.header_height(headers, column_widths))
    ws.freeze_panes(1, 3)
    lookup = {
        (r[0], r[1]): (r[2], r[3])
        for r in cells.select("country_id", "key", "status", "answering_activities").iter_rows()
    }
    words = labels("coverage", book.lang)
    names = _state_names(m, book.lang)
    row, region = 1, None
    for state in m.states.iter_rows(named=True):
        if state["region_code"] != region:
            region = state["region_code"]
            ws.write_string(row, 0, f"{state['region_name']} ({region})", book.group)
            for c in range(1, len(headers)):
                ws.write_blank(row, c, None, book.group)
            row += 1
        ws.set_row(row, None, None, {"level": 1})
        ws.write_string(row, 0, state["region_name"], book.wrap)
        book.text(ws, row, 1, names.get(state["iso3"], state["country_name"]), book.wrap)
        ws.write_string(row, 2, state["iso3"], book.wrap)
        for c, key in enumerate(keys, start=3):
            status, activities = lookup.get((state["country_id"], key), ("none", 0))
            text = "" if status == "none" else f"{words[status]} ({activities})"
            ws.write_string(row, c, text, book.fills[status])
        row += 1
    ws.autofilter(0, 0, max(row - 1, 1), len(headers) - 1)
    row += 1
    ws.write_string(row, 0, book.t("Legend"), book.bold)
    for status, text in LEGEND:
        row += 1
        ws.write_string(row, 0, "" if status == "none" else words[status], book.fills[status])
        ws.write_string(row, 1, book.t(text))
    book.page(ws, sum(column_widths), key_columns=3)


def _need_rows(m: Matrix, lang: str) -> pl.DataFrame:
    coverage = labels("coverage", lang)
    status = labels("need_status", lang)
    df = _in_language(m.needs, _state_names(m, lang), lang).with_columns(
        pl.col("answered_by_detail").map_elements(
            lambda s: iso_inside(s, lang), return_dtype=pl.String
        ),
        pl.col("status").replace_strict(coverage, default=pl.col("status")),
        pl.col("need_status").replace_strict(status, default=pl.col("need_status")),
        pl.col("stated").map_elements(lambda s: as_given(s, lang), return_dtype=pl.String),
        pl.coalesce("assistance_type_name", pl.lit("")).alias("type_words"),
    )
    return df.select(
        "country_name",
        "iso3",
        "code",
        "priority_area",
        "priority_area_name",
        "type_words",
        pl.col("assistance_type").fill_null(""),
        pl.col("instruments").list.join(", "),
        "stated_on",
        "description",
        "status",
        "answering_activities",
        pl.col("answered_by").fill_null(""),
        "answered_by_detail",
        "candidates_total",
        "candidates",
        "undated_activities",
        "need_status",
        pl.format("{} ({})", "region_name", "region_code"),
        "sources",
    )


def _activity_rows(m: Matrix, lang: str) -> pl.DataFrame:
    needs = _in_language(m.needs, _state_names(m, lang), lang).select(
        "need_id", "code", "country_name", "priority_area", "assistance_type_name"
    )
    joined = m.activities.join(needs, on="need_id", how="left")
    relation, status, scope = (labels(k, lang) for k in ("relation", "activity_status", "scope"))
    return joined.select(
        "code",
        "country_name",
        "priority_area",
        pl.col("assistance_type_name").fill_null(""),
        pl.col("relation").replace_strict(relation, default=pl.col("relation")),
        "activity_code",
        "title",
        _words("type"),
        "starts_on",
        "ends_on",
        pl.col("activity_status").replace_strict(status, default=pl.col("activity_status")),
        pl.col("scope").replace_strict(scope, default=pl.col("scope")),
    )


def _regional_rows(m: Matrix, lang: str) -> pl.DataFrame | list[tuple[Any, ...]]:
    if m.regional is None:
        return []
    status, scope = labels("activity_status", lang), labels("scope", lang)
    df = m.regional
    return df.select(
        pl.format("{} ({})", "region_name", "region_code"),
        "activity_code",
        "title",
        _words("type"),
        pl.col("scope").replace_strict(scope, default=pl.col("scope")),
        "starts_on",
        "ends_on",
        pl.col("activity_status").replace_strict(status, default=pl.col("activity_status")),
        "priority_areas",
        "states",
        "state_count",
        "answers_needs",
        "candidate_for",
    )


def _summary(book: ReportWorkbook, m: Matrix) -> None:
    ws = book.add_sheet(book.t("Summary"))
    writers = [book.cell_writer(col.kind) for col in SUMMARY_COLUMNS]
    row = 0
    total = m.needs.height
    counts = {s: int((m.needs["status"] == s).sum()) for s in ("met", "partly", "unmet")}
    ws.write_string(row, 0, book.t("All needs"), book.title_format)
    row += 1
    headers = book.header_row(ws, row, SUMMARY_COLUMNS)
    row += 1
    shares = [counts[s] / total if total else None for s in ("met", "partly", "unmet")]
    for c, v in enumerate(["", book.t("all needs"), total, *counts.values(), *shares]):
        writers[c](ws, row, c, v)
    samples: list[list[Any]] = [[] for _ in SUMMARY_COLUMNS]
    for key, df in m.summaries.items():
        row += 2
        ws.write_string(row, 0, book.t(SUMMARY_TITLES.get(key, key)), book.title_format)
        row += 1
        book.header_row(ws, row, SUMMARY_COLUMNS)
        for values in df.iter_rows():
            row += 1
            for c, v in enumerate(values):
                writers[c](ws, row, c, v)
                samples[c].append(v)
    fitted = [col.fit(samples[c], headers[c]) for c, col in enumerate(SUMMARY_COLUMNS)]
    for c, (width, _) in enumerate(fitted):
        ws.set_column(c, c, width, book.formats.get(SUMMARY_COLUMNS[c].kind))
    book.page(ws, sum(w for w, _ in fitted), title_rows=None)


def write_matrix(
    m: Matrix, target: Path, progress: Progress | None = None, lang: str = "en"
) -> None:
    def t(message: str, **values: object) -> str:
        return gettext(message, lang, **values)

    notes = [t(n, n=CANDIDATES_SHOWN) if "%(n)s" in n else t(n) for n in NOTES]
    book = ReportWorkbook(
        target,
        t("Needs-to-activity matrix"),
        m.filters,
        m.as_of,
        notes=[*notes, *(t(text) for _, text in LEGEND)],
        lang=lang,
    )
    _grid(book, t("By priority area"), m, m.priority_areas, m.area_cells)
    if progress:
        progress("grids", 1, 4)
    _grid(book, t("By assistance type"), m, m.assistance_types, m.type_cells)
    book.table(t("Needs"), NEED_COLUMNS, _need_rows(m, lang), progress, m.needs.height, 2)
    book.table(
        t("Need activities"),
        ACTIVITY_COLUMNS,
        _activity_rows(m, lang),
        progress,
        m.activities.height,
        2,
    )
    rows = 0 if m.regional is None else m.regional.height
    book.table(
        t("Regional activities"), REGIONAL_COLUMNS, _regional_rows(m, lang), progress, rows, 2
    )
    _summary(book, m)
    book.close()


__all__ = ["label", "write_matrix"]
