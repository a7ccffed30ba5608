"""Blank workbooks to fill in: the header row (the API field names), one example row,
drop-downs for codelists, and an Instructions sheet. Filled in, they import as they are."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from importers.kinds import Column, Kind, kind_named
from ta_manager.database import sql
from ta_manager.reference.country_names import name_sql
from ta_manager.spreadsheet_text import append_row, write_cell

REQUIRED_FILL = PatternFill("solid", start_color="FFE699", end_color="FFE699")
HEADER_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
DATA_ROWS = 5000  # rows covered by the drop-downs
COMMON_CURRENCIES = ("USD", "EUR", "GBP", "CHF", "JPY", "NOK", "SEK", "DKK", "CAD", "AUD")

# Reference tables offered as drop-downs, by the referenced table.
CODELIST_SQL = {
    "priority_area": "SELECT code FROM priority_area WHERE active ORDER BY sort_order, code",
    "assistance_type": "SELECT code FROM assistance_type WHERE active ORDER BY code",
    "activity_type": "SELECT code FROM activity_type ORDER BY sort_order, code",
    "instrument": "SELECT code FROM instrument ORDER BY id",
    "region": "SELECT code FROM region ORDER BY kind, code",
    "country": "SELECT name FROM country ORDER BY name",
}


async def template(kind_name: str, *, lang: str = "en") -> bytes:
    """The .xlsx template of a kind (see the module docstring); State names in `lang` (the
    importers read UN names in English, French and Spanish alike)."""
    kind = kind_named(kind_name)
    queries = dict(CODELIST_SQL)
    if lang != "en":
        name = name_sql("country", lang)
        queries["country"] = f"SELECT {name} FROM country ORDER BY 1"
    lists = {name: [r[0] for r in await sql.fetch(q)] for name, q in queries.items()}
    rated = [r[0] for r in await sql.fetch("SELECT DISTINCT currency::text FROM exchange_rate")]
    lists["currency"] = (
        sorted({"USD", *rated})
        if kind.name == "contributions"
        else sorted({*COMMON_CURRENCIES, *rated})
    )
    example = dict(kind.example)
    if kind.name == "contributions":
        donor = await sql.fetchval(
            "SELECT code FROM organization WHERE 'donor' = ANY(roles) ORDER BY code LIMIT 1"
        )
        example["donor"] = donor or example["donor"]

    book = openpyxl.Workbook()
    data = book.active
    assert data is not None
    data.title = kind.name
    columns = list(kind.file_columns.values())
    append_row(data, [c.name for c in columns])
    append_row(data, [_cell_value(example.get(c.name, "")) for c in columns])
    for index, column in enumerate(columns, start=1):
        head = data.cell(row=1, column=index)
        head.font = Font(bold=True)
        head.fill = REQUIRED_FILL if column.required else HEADER_FILL
        head.comment = Comment(_describe(column), "ta-manager")
        data.column_dimensions[get_column_letter(index)].width = max(14, len(column.name) + 4)
        cell = data.cell(row=2, column=index)
        if isinstance(cell.value, dt.date):
            cell.number_format = "yyyy-mm-dd"
    data.freeze_panes = "A2"

    holder = book.create_sheet("Lists")
    _add_validations(data, holder, kind, lists)
    holder.sheet_state = "hidden"
    _instructions(book.create_sheet("Instructions", 1), kind, columns)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return value


def _list_name(column: Column, kind: Kind) -> str | None:
    if column.name.endswith("currency"):
        return None if kind.name == "exchange-rates" else "currency"
    ref = column.reference
    if ref is None:
        return None
    return ref.table if ref.table in CODELIST_SQL else None


def _add_validations(
    data: Worksheet, holder: Worksheet, kind: Kind, lists: dict[str, list[str]]
) -> None:
    columns = list(kind.file_columns.values())
    kind_lists: dict[str, str] = {}
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        target = f"{letter}2:{letter}{DATA_ROWS}"
        if column.parse == "choice" and not column.multi:
            options = ",".join(str(o) for o in column.choices)
            rule = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
        else:
            name = _list_name(column, kind)
            if name is None or column.multi:
                continue
            if name not in kind_lists:
                col = get_column_letter(len(kind_lists) + 1)
                write_cell(holder, 1, len(kind_lists) + 1, name)
                for row, value in enumerate(lists[name], start=2):
                    write_cell(holder, row, len(kind_lists) + 1, value)  # names are user text
                kind_lists[name] = f"Lists!${col}$2:${col}${len(lists[name]) + 1}"
            # States may be typed in any UN/ISO spelling: the list only suggests.
            strict = name != "country"
            rule = DataValidation(
                type="list",
                formula1=kind_lists[name],
                allow_blank=True,
                errorStyle="stop" if strict else "information",
            )
        rule.error = f"{column.name}: choose a value from the list"
        rule.showErrorMessage = True
        data.add_data_validation(rule)
        rule.add(target)


FORMATS = {
    "date": "date: 2024-02-01, 01/02/2024 (day first), 01.02.2024 or 1 February 2024",
    "partial_date": "a year (2019), a month (2008-05, May 2008, mai 2008, mayo de 2008) or a"
    " day (2008-05-12, 12/05/2008 day first, 12 May 2008); kept at the precision given",
    "sources": "citations, one per line or separated by ';': document symbol, then 'para N'"
    " and/or 'fn N', then an optional quote in double quotes, e.g. CTOC/COP/2008/16 para 9;"
    ' E/CN.15/2009/8 fn 10 "with financial support from Canada"',
    "number": "number; thousands separators allowed (1,234,567.89)",
    "integer": "whole number",
    "boolean": "yes/no",
    "country": "State: ISO-3 (BEN), ISO-2 (BJ) or any UN/ISO name",
    "text": "text",
}


def _describe(column: Column) -> str:
    parts = ["required" if column.required else "optional"]
    if column.parse == "choice":
        parts.append("one of " + ", ".join(map(str, column.choices)))
    elif column.reference is not None and column.parse != "country":
        parts.append(f"{column.reference.label} code")
    elif column.name == "code":
        parts.append("the record's own code: letters, digits and . _ / - (up to 64)")
    else:
        parts.append(FORMATS[column.parse])
    if column.multi:
        parts.append("several values separated by ';'")
    if not column.required and column.default not in (None, "", []):
        parts.append(f"blank means {column.default}")
    return "; ".join(parts)


def _instructions(sheet: Worksheet, kind: Kind, columns: list[Column]) -> None:
    lines = [
        f"How to fill in this template: {kind.label}",
        "",
        f"1. Type one record per row in the sheet '{kind.name}', below the header row.",
        "   Do not rename the header cells; you may delete optional columns you do not use.",
        "2. Yellow headers are required. A blank optional cell takes the default shown.",
        "3. Replace or delete the example row (row 2): it is imported like any other row.",
        "4. Dates are read day first: 01/02/2024 is 1 February 2024. Excel dates work too.",
        "   Where a document gives only a month or a year, type that: 'May 2008', '2019'.",
        "5. Several values in one cell are separated by ';' (e.g. 'BEN; TCD; Niger').",
        "6. States may be given by ISO-3 or ISO-2 code or by name in any common UN/ISO spelling.",
        "7. Values are read as typed; formulas are refused (paste values instead).",
        f"8. Rows are matched to existing records by {', '.join(kind.key)}: importing the",
        "   same file again changes nothing; a changed row updates the record.",
        "9. Nothing is written unless every row is valid; try a dry run first",
        f"   (ta-manager import {kind.name} FILE --dry-run, or ?dry_run=true).",
        "",
    ]
    for line in lines:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(["column", "required", "what to type"])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column in columns:
        sheet.append([column.name, "yes" if column.required else "no", _describe(column)])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 10
    sheet.column_dimensions["C"].width = 100
