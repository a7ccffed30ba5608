"""The officer's own file, sent back with every bad cell filled red and a comment giving
the reason, plus a sheet listing all problems (including those about the whole file)."""

from __future__ import annotations

import io

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook import Workbook

from importers.problems import Problem
from importers.reading import Table, column_letter

BAD = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
PROBLEMS_SHEET = "Import problems"


def error_workbook(data: bytes, table: Table | None, problems: list[Problem]) -> bytes:
    """An .xlsx: the uploaded workbook (or the CSV's rows) with bad cells marked."""
    book = _original(data, table)
    if table is not None and table.sheet in book.sheetnames:
        sheet = book[table.sheet]
        by_cell: dict[tuple[int, int], list[str]] = {}
        for p in problems:
            if p.row is None:
                continue
            index = table.fields.get(p.column or "")
            if index is None and p.column and len(p.column) <= 3 and p.column.isalpha():
                index = _letter_index(p.column)  # formula problems name the column letter
            by_cell.setdefault((p.row, (index or 0) + 1), []).append(
                p.reason if index is not None else f"{p.column or 'row'}: {p.reason}"
            )
        for (row, col), reasons in by_cell.items():
            cell = sheet.cell(row=row, column=col)
            cell.fill = BAD
            cell.comment = Comment("\n".join(reasons), "ta-manager import")
    _problem_sheet(book, table, problems)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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
        sheet.append(table.labels)
        for row in table.rows:
            sheet.append(list(row))
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never let '=...' become a formula
    return book


def _letter_index(letters: str) -> int:
    index = 0
    for ch in letters.upper():
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def _problem_sheet(book: Workbook, table: Table | None, problems: list[Problem]) -> None:
    if PROBLEMS_SHEET in book.sheetnames:
        del book[PROBLEMS_SHEET]
    sheet = book.create_sheet(PROBLEMS_SHEET, 0)
    sheet.append(["sheet", "row", "cell", "column", "value", "reason"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for p in problems:
        index = table.fields.get(p.column or "") if table else None
        ref = f"{column_letter(index)}{p.row}" if index is not None and p.row else ""
        sheet.append([p.sheet, p.row, ref, p.column, p.value, p.reason])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    for letter, width in zip("ABCDEF", (14, 8, 8, 22, 30, 90), strict=True):
        sheet.column_dimensions[letter].width = width
