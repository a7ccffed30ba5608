"""The officer's own file, sent back with every bad cell filled red and a comment giving
the reason, plus a first sheet listing all problems (including those about the whole file).

Workbooks up to LARGE rows are edited with openpyxl, so their formatting survives. Larger
ones (openpyxl would need gigabytes) are rewritten with xlsxwriter in constant memory:
same sheet, same cells and values, without the original formatting.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from typing import Any

import openpyxl
import python_calamine
import xlsxwriter
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.workbook import Workbook

from importers.problems import Problem
from importers.reading import Table, column_index, column_letter
from ta_manager.locale import N_, gettext
from ta_manager.spreadsheet_text import append_row
from ta_manager.workbook import openpyxl_sheets as styled
from ta_manager.workbook import style

BAD_COLOUR = "FFC7CE"
BAD = PatternFill("solid", start_color=BAD_COLOUR, end_color=BAD_COLOUR)
PROBLEMS_SHEET = "Import problems"
PROBLEM_HEADER = [N_("Sheet"), N_("Row"), N_("Cell"), N_("Column"), N_("Value"), N_("Reason")]
LARGE = 20_000
AUTHOR = "ta-manager import"


def error_workbook(
    data: bytes, table: Table | None, problems: list[Problem], lang: str = "en"
) -> bytes:
    """An .xlsx: the uploaded workbook (or the CSV's rows) with bad cells marked."""
    marks = _marks(table, problems)
    if table is not None and table.source == "xlsx" and table.row_count > LARGE:
        return _rewritten(data, table, problems, marks, lang)
    book = _original(data, table)
    if table is not None and table.sheet in book.sheetnames:
        sheet = book[table.sheet]
        for (row, col), reasons in marks.items():
            cell = sheet.cell(row=row, column=col + 1)
            cell.fill = BAD
            cell.comment = Comment("\n".join(reasons), AUTHOR)
    _problem_sheet(book, table, problems, lang)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _marks(table: Table | None, problems: list[Problem]) -> dict[tuple[int, int], list[str]]:
    """(row number, 0-based column) -> reasons, for problems that point at a cell."""
    marks: dict[tuple[int, int], list[str]] = {}
    if table is None:
        return marks
    for p in problems:
        if p.row is None:
            continue
        index = table.fields.get(p.column or "")
        if index is None and p.column and len(p.column) <= 3 and p.column.isalpha():
            index = column_index(p.column)  # problems outside the header name the letter
        reason = p.reason if index is not None else f"{p.column or 'row'}: {p.reason}"
        marks.setdefault((p.row, index or 0), []).append(reason)
    return marks


def _original(data: bytes, table: Table | None) -> Workbook:
    if table is not None and table.source == "xlsx":
        try:
            return openpyxl.load_workbook(io.BytesIO(data))
        except Exception:  # a workbook calamine read but openpyxl cannot: rebuild below
            pass
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = table.sheet[:31] if table is not None else "file"
    if table is not None:
        for _ in range(table.header_row - 1):
            sheet.append([])
        append_row(sheet, list(table.labels))
        for row in table.rows:
            append_row(sheet, list(row))  # never let '=...' become a formula
    return book


def _problem_rows(table: Table | None, problems: list[Problem]) -> list[list[Any]]:
    rows = []
    for p in problems:
        index = table.fields.get(p.column or "") if table else None
        ref = f"{column_letter(index)}{p.row}" if index is not None and p.row else ""
        rows.append([p.sheet, p.row, ref, p.column, p.value, p.reason])
    return rows


def _problem_sheet(
    book: Workbook, table: Table | None, problems: list[Problem], lang: str = "en"
) -> None:
    if PROBLEMS_SHEET in book.sheetnames:
        del book[PROBLEMS_SHEET]
    sheet = book.create_sheet(PROBLEMS_SHEET, 0)
    sheet.append([gettext(h, lang) for h in PROBLEM_HEADER])
    for row in _problem_rows(table, problems):
        append_row(sheet, row)
    styled.header_cells(sheet, 1)
    for letter, width in zip("ABCDEF", (14, 8, 8, 22, 30, 70), strict=True):
        sheet.column_dimensions[letter].width = width
    for cells in sheet.iter_rows(min_row=2, min_col=5, max_col=6):
        for cell in cells:
            cell.alignment = styled.WRAP
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    styled.page_setup(sheet, gettext("Import problems", lang), lang, title_rows=(1, 1), width=152)


def _rewritten(
    data: bytes,
    table: Table,
    problems: list[Problem],
    marks: dict[tuple[int, int], list[str]],
    lang: str = "en",
) -> bytes:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows = book.get_sheet_by_name(table.sheet).to_python(skip_empty_area=False)
    with tempfile.TemporaryFile() as target:
        out = xlsxwriter.Workbook(target, {"constant_memory": True, "in_memory": False})
        listing = out.add_worksheet(PROBLEMS_SHEET)
        sheet = out.add_worksheet(table.sheet[:31])
        bad = out.add_format({"bg_color": "#" + BAD_COLOUR})
        date = out.add_format({"num_format": "yyyy-mm-dd"})
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                reasons = marks.get((r + 1, c))
                _write(sheet, r, c, value, bad if reasons else None, date)
                if reasons:
                    sheet.write_comment(r, c, "\n".join(reasons), {"author": AUTHOR})
        bold = out.add_format({"bold": True, "bg_color": "#" + style.HEADER_FILL})
        listing.write_row(0, 0, [gettext(h, lang) for h in PROBLEM_HEADER], bold)
        for c, width in enumerate((14, 8, 8, 22, 30, 70)):
            listing.set_column(c, c, width)
        listing.freeze_panes(1, 0)
        listing.set_landscape()
        listing.fit_to_pages(1, 0)
        listing.repeat_rows(0)
        listing.set_footer(
            "&C" + gettext("Page %(page)s of %(pages)s", lang, page="&P", pages="&N")
        )
        for r, row in enumerate(_problem_rows(table, problems), start=1):
            for c, value in enumerate(row):
                _write(listing, r, c, value, None, date)
        out.close()
        target.seek(0)
        return target.read()


def _write(sheet: Any, r: int, c: int, value: Any, fmt: Any, date: Any) -> None:
    """Write a value as what it is; text is always text (never a formula)."""
    if value is None or value == "":
        if fmt is not None:
            sheet.write_blank(r, c, None, fmt)
    elif isinstance(value, bool):
        sheet.write_boolean(r, c, value, fmt)
    elif isinstance(value, int | float):
        sheet.write_number(r, c, value, fmt)
    elif isinstance(value, dt.datetime | dt.date):
        moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        sheet.write_datetime(r, c, moment, fmt or date)
    else:
        sheet.write_string(r, c, str(value), fmt)
