"""Every report written with the Rust writer (the default) holds exactly the cells the
xlsxwriter version holds: every cell's value and type, on every sheet, in the same order
(python-calamine reads both back). Covers Decimal money, empty cells, dates, long text and
text that looks like a formula."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from reports.annual import AnnualFilters, build_annual
from reports.annual_workbook import write_annual
from reports.funding import build_funding
from reports.funding_files import write_funding
from reports.matrix import MatrixFilters, build_matrix
from reports.matrix_workbook import write_matrix
from reports.workbook import MAX_TEXT, RUST_WRITER
from ta_manager.database import sql
from tests.fixtures.report_mix import build_mix
from tests.test_report_fixture import build_fixture

LONG = "A need described at length. " * 1500  # 42,000 characters: past Excel's cell limit


def _cells(path: Path) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_path(str(path))
    return {n: book.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in book.sheet_names}


class Number(float):
    """A float equal to another within 1e-15 (relative): xlsxwriter writes 16 significant
    digits (6/14 as 0.4285714285714285), rust_xlsxwriter the shortest exact form
    (0.42857142857142855); Excel itself shows 15."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, float) and math.isclose(self, other, rel_tol=1e-15)

    __hash__ = float.__hash__


def _number_formats(path: Path) -> dict[str, dict[str, str]]:
    """Each written cell's number format, per sheet: a date shows as the workbook's
    language writes dates, money with its decimals, whichever writer wrote it."""
    book = openpyxl.load_workbook(path, read_only=True)
    return {
        ws.title: {
            c.coordinate: c.number_format
            for row in ws.iter_rows()
            for c in row
            if c.value not in (None, "") and hasattr(c, "coordinate")
        }
        for ws in book.worksheets
    }


def _heights(path: Path) -> dict[str, dict[int, float]]:
    """Each row's height where one is set (wrapped text), per sheet; 15 points is the
    default height, which xlsxwriter leaves out of the file."""
    book = openpyxl.load_workbook(path)
    return {
        ws.title: {r: d.height for r, d in ws.row_dimensions.items() if d.height not in (None, 15)}
        for ws in book.worksheets
    }


def _typed(rows: list[list[Any]]) -> list[list[tuple[str, Any]]]:
    """Each cell as (type, value); an empty cell is ('', '')."""
    out = []
    for row in rows:
        while row and row[-1] in ("", None):
            row = row[:-1]
        out.append(
            [
                ("", "")
                if v in ("", None)
                else (type(v).__name__, Number(v) if isinstance(v, float) else v)
                for v in row
            ]
        )
    while out and not out[-1]:
        out.pop()
    return out


async def _both(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, write: Callable[[Path], None]
) -> tuple[Path, Path]:
    paths = []
    for writer in ("xlsxwriter", "rust"):
        monkeypatch.setenv("TA_REPORT_WRITER", writer)
        path = tmp_path / f"{name}-{writer}.xlsx"
        write(path)
        paths.append(path)
    return paths[0], paths[1]


@pytest.mark.skipif(
    not RUST_WRITER, reason="rvgsrust-xlsxwriter has no wheel for this machine: xlsxwriter only"
)
async def test_every_report_has_the_same_cells_with_both_writers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    await build_fixture()
    await build_mix(needs=40, activities=160)
    await sql.execute(
        "UPDATE assistance_request SET description = $1 WHERE code = 'N-TCD-EQP'", LONG
    )
    reports = {
        "matrix": (write_matrix, await build_matrix(MatrixFilters())),
        "matrix-region": (write_matrix, await build_matrix(MatrixFilters(region=["WCA"]))),
        "annual-2008": (write_annual, await build_annual(AnnualFilters(year=2008))),
        "annual-range": (
            write_annual,
            await build_annual(
                AnnualFilters(date_from=dt.date(2005, 1, 1), date_to=dt.date(2012, 12, 31))
            ),
        ),
        # (the all-donors export's totals are formulas with their results stored)
        "funding-all": (write_funding, await build_funding(None)),
        "funding-NOR": (write_funding, await build_funding("NOR")),
    }
    seen: set[str] = set()
    seen_tall: set[str] = set()  # reports with rows grown for wrapped text
    for name, (write, data) in reports.items():
        old, new = await _both(
            monkeypatch,
            tmp_path,
            name,
            lambda p, w=write, d=data: w(d, p),  # type: ignore[misc]
        )
        want, got = _cells(old), _cells(new)
        assert list(got) == list(want), name
        for sheet, rows in want.items():
            expected, actual = _typed(rows), _typed(got[sheet])
            if sheet == "About":  # written a moment apart: the time of writing differs
                expected, actual = (
                    [r for r in x if r[:1] != [("str", "Generated at")]] for x in (expected, actual)
                )
            assert actual == expected, f"{name} / {sheet}"
            seen |= {t for row in expected for t, _ in row}
        formats_want, formats_got = _number_formats(old), _number_formats(new)
        for sheet, cells in formats_want.items():
            assert formats_got[sheet] == cells, f"{name} / {sheet}: number formats"
        heights_want, heights_got = _heights(old), _heights(new)
        for sheet, rows_set in heights_want.items():  # rust_xlsxwriter rounds to pixels
            assert formats_got.keys() == formats_want.keys()
            assert heights_got[sheet].keys() == rows_set.keys(), f"{name} / {sheet}: heights"
            for r, height in rows_set.items():
                assert heights_got[sheet][r] == pytest.approx(height, abs=0.5), (name, sheet, r)
        tall = {sheet: h for sheet, h in heights_want.items() if any(v > 20 for v in h.values())}
        seen_tall |= {name} if tall else set()
    assert seen >= {"str", "float", "date"}  # text, numbers (money, counts) and dates
    assert {"matrix", "annual-2008"} <= seen_tall
    # the same things survive: formula-looking text stays text, long text is cut the same
    matrix = openpyxl.load_workbook(tmp_path / "matrix-rust.xlsx")["Needs"]
    head = [c.value for c in matrix[1]]
    rows = {r[head.index("Need")].value: r for r in matrix.iter_rows(min_row=2)}
    description = head.index("Description")
    assert rows["N-NER-TRN"][description].data_type == "s"
    assert rows["N-NER-TRN"][description].value == "-SUM(A1)"
    assert rows["N-NER-TRN"][description].quotePrefix
    assert rows["N-TCD-EQP"][description].value == LONG[:MAX_TEXT]
    grid = openpyxl.load_workbook(tmp_path / "matrix-rust.xlsx")["By priority area"]
    assert grid.freeze_panes == "D2" and grid.auto_filter.ref
    assert any(d.outline_level == 1 for d in grid.row_dimensions.values())


def _features(book: Any, ws: Any, table: bool = True) -> None:
    """xlsxwriter's calls for page setup, validation, notes, tables and charts."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.repeat_columns(0, 1)
    ws.set_header("&CNeeds and activities")
    ws.set_footer("&LAs of 2026-01-01&RPage &P of &N")
    for r, row in enumerate([("N-1", "met", 2), ("N-2", "unmet", 0), ("N-3", "partly", 1)], 1):
        ws.write_row(r, 0, row)
        if r == 1:  # in constant memory a note goes with its row, before the next
            ws.write_comment(1, 0, "Stated in CTOC/COP/2008/16", {"author": "ta-manager"})
    (ws.add_table if table else _refused(ws.add_table))(
        0, 0, 3, 2,
        {"name": "Needs", "style": "Table Style Medium 9",
         "columns": [{"header": "Code"}, {"header": "Status"}, {"header": "Activities"}]},
    )  # fmt: skip
    ws.data_validation(1, 1, 3, 1, {"validate": "list", "source": ["met", "partly", "unmet"]})
    ws.data_validation(
        1, 2, 3, 2,
        {"validate": "integer", "criteria": ">=", "value": 0, "error_message": "A count"},
    )  # fmt: skip
    chart = book.add_chart({"type": "column"})
    chart.add_series(
        {"name": "Activities", "categories": ["Data", 1, 0, 3, 0], "values": ["Data", 1, 2, 3, 2]}
    )
    chart.set_title({"name": "Activities per need"})
    chart.set_x_axis({"name": "Need"})
    chart.set_y_axis({"name": "Activities", "min": 0})
    chart.set_legend({"none": True})
    ws.insert_chart(5, 0, chart)


def _refused(call: Callable[..., None]) -> Callable[..., None]:
    def refused(*args: Any) -> None:
        with pytest.raises(ValueError, match="held in memory"):
            call(*args)

    return refused


def _features_read(path: Path) -> dict[str, Any]:
    import zipfile

    ws = openpyxl.load_workbook(path)["Data"]
    with zipfile.ZipFile(path) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    return {
        "orientation": ws.page_setup.orientation,
        "paper": str(ws.page_setup.paperSize),
        "fit": (
            ws.sheet_properties.pageSetUpPr.fitToPage,
            ws.page_setup.fitToWidth,
            ws.page_setup.fitToHeight,
        ),
        "titles": (ws.print_title_rows, ws.print_title_cols),
        "header": ws.oddHeader.center.text,
        "footer": (ws.oddFooter.left.text, ws.oddFooter.right.text),
        "table": {
            t.name: (t.ref, t.tableStyleInfo.name, [c.name for c in t.tableColumns])
            for t in ws.tables.values()
        },
        "cells": [[c.value for c in row] for row in ws.iter_rows(max_row=4, max_col=3)],
        "validation": sorted(
            (str(d.sqref), d.type, d.operator, d.formula1, d.error)
            for d in ws.data_validations.dataValidation
        ),
        "note": ws["A2"].comment.text.removeprefix("ta-manager:\n"),
        "chart": [
            all(
                t in xml
                for t in (
                    "<a:t>Activities per need</a:t>",
                    "<a:t>Need</a:t>",
                    "Data!$C$2:$C$4",
                    '<c:min val="0"/>',
                )
            )
            for xml in charts
        ],
        # the values cached with the chart (what a viewer shows before recalculating)
        "chart cache": ['<c:pt idx="0"><c:v>N-1</c:v>' in xml for xml in charts],
    }


@pytest.mark.skipif(not RUST_WRITER, reason="rvgsrust-xlsxwriter has no wheel for this machine")
def test_adapter_features(tmp_path: Path) -> None:
    """Page setup, validation, notes, tables and a chart with axis titles: the Rust writer
    (constant-memory sheet or in memory) writes what xlsxwriter writes for the same calls
    (issue 14 adds these to the reports)."""
    import xlsxwriter

    from reports import rust_workbook

    books: dict[str, Any] = {
        "xlsxwriter": lambda p: xlsxwriter.Workbook(p),  # tables need a sheet in memory
        "rust": lambda p: rust_workbook.Workbook(p),
        "rust in memory": lambda p: rust_workbook.Workbook(p),
    }
    found = {}
    for writer, open_book in books.items():
        path = str(tmp_path / f"{writer}.xlsx")
        book = open_book(path)
        memory = {"in_memory": True} if writer == "rust in memory" else {}
        _features(book, book.add_worksheet("Data", **memory), table=writer != "rust")
        book.close()
        found[writer] = _features_read(Path(path))
    assert found["rust in memory"] == found["xlsxwriter"]
    # constant memory: no table (refused above), and the chart caches only the last row
    # (Excel and LibreOffice read the cells on opening); everything else the same
    streamed = {k: v for k, v in found["rust"].items() if k not in ("table", "chart cache")}
    assert streamed == {k: found["xlsxwriter"][k] for k in streamed} | {
        "cells": [[None, None, None], *found["xlsxwriter"]["cells"][1:]]
    }
    got = found["rust in memory"]
    assert got["orientation"] == "landscape" and got["fit"] == (True, None, 0)  # 1 page wide
    assert got["titles"] == ("$1:$1", "$A:$B")
    assert got["header"] == "Needs and activities"
    assert got["footer"] == ("As of 2026-01-01", "Page &P of &N")
    assert got["table"] == {
        "Needs": ("A1:C4", "TableStyleMedium9", ["Code", "Status", "Activities"])
    }
    assert got["cells"][1] == ["N-1", "met", 2]
    assert [v[1] for v in got["validation"]] == ["list", "whole"]
    assert got["note"] == "Stated in CTOC/COP/2008/16"
    assert got["chart"] == [True] and got["chart cache"] == [True]
    with pytest.raises(ValueError, match="not mapped"):
        from reports import rust_workbook

        rust_workbook.Workbook(str(tmp_path / "x.xlsx")).add_format({"diag_type": 1})
