"""User text in workbooks and CSV files stays text: a spreadsheet never runs it as a formula.

Every export (reports, the costed proposal, import templates, marked-up import files) writes
names, titles and notes through this module. A cell is dangerous when it starts with one of
OWASP's formula triggers: `=`, `+`, `-`, `@`, TAB or carriage return (spreadsheet programs
drop a leading TAB/CR and evaluate what follows, so "\\t=cmd" is as dangerous as "=cmd").

- xlsx: the cell is written as a string (never a formula) and, when it starts with a
  trigger, with Excel's quote prefix, so editing the cell later does not turn it into one;
- CSV: a file has no cell types, so a leading apostrophe is added to such text, as OWASP
  recommends (`'=1+1` shows as text in Excel, LibreOffice and Google Sheets).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def starts_formula(text: str) -> bool:
    """Would a spreadsheet program read this text as the start of a formula?"""
    return text.startswith(FORMULA_TRIGGERS)


def csv_text(text: str) -> str:
    """The text as a CSV cell no spreadsheet evaluates."""
    return "'" + text if starts_formula(text) else text


def csv_text_column(column: str) -> pl.Expr:
    """`csv_text` over a polars text column (nulls stay null)."""
    import polars as pl

    text = pl.col(column)
    risky = pl.any_horizontal(*[text.str.starts_with(t) for t in FORMULA_TRIGGERS])
    return pl.when(risky).then(pl.lit("'") + text).otherwise(text).alias(column)


def set_cell(cell: Cell, value: Any) -> Cell:
    """Put a value in an openpyxl cell; text is stored as text, quote-prefixed when risky.

    openpyxl turns any string starting with `=` into a formula, so text must not be
    assigned to `cell.value` alone. Numbers, dates and None are stored as they are."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if starts_formula(value):
            cell.quotePrefix = True
    return cell


def write_cell(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """`set_cell` on the cell at (row, column) of an openpyxl sheet."""
    return set_cell(ws.cell(row=row, column=column), value)


def append_row(ws: Worksheet, values: list[Any]) -> None:
    """`ws.append` with every text value kept as text."""
    ws.append(values)
    row = ws.max_row  # the appended row, when it holds any text
    for index, value in enumerate(values, start=1):
        if isinstance(value, str):
            write_cell(ws, row, index, value)
