"""Blank workbooks to fill in: a header row in words (row 1: "Participants female"), the
API field names in a hidden row below it (row 2: `participants_female`, also in each
header's note), one example row, drop-downs for every coded column (short lists inline, the
longer ones from the "Lists" lookup sheet), and an Instructions sheet. Filled in, they
import as they are: the importer takes the row of field names as the header, so files
filled in from older templates (field names in row 1) still import."""

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
from ta_manager.locale import gettext
from ta_manager.reference.country_names import name_sql
from ta_manager.spreadsheet_text import write_cell
from ta_manager.workbook import openpyxl_sheets as styled

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
    "project": "SELECT code FROM project WHERE archived_at IS NULL ORDER BY code",
    "organization": "SELECT code FROM organization ORDER BY code",
    "sector": "SELECT code FROM sector ORDER BY code",
    "assistance_request": "SELECT code FROM assistance_request WHERE archived_at IS NULL"
    " ORDER BY code",
}
NAMES_ROW = 2  # the hidden row of field names
EXAMPLE_ROW = 3


def words(name: str, lang: str = "en") -> str:
    """A field name as a header in words: `participants_female` -> "Participants female"."""
    text = name.replace("_", " ").strip()
    return gettext(text[:1].upper() + text[1:], lang)


async def template(kind_name: str, lang: str = "en") -> bytes:
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
    for index, column in enumerate(columns, start=1):
        head = write_cell(data, 1, index, words(column.name, lang))
        head.fill = styled.REQUIRED_FILL if column.required else styled.HEADER_FILL
        head.comment = Comment(f"{column.name}: {_describe(column)}", "ta-manager")
        head.comment.width, head.comment.height = 320, 120
        write_cell(data, NAMES_ROW, index, column.name).font = Font(color=styled.style.NOTE_COLOUR)
        cell = write_cell(data, EXAMPLE_ROW, index, _cell_value(example.get(column.name, "")))
        if isinstance(cell.value, dt.date):
            cell.number_format = styled.style.date_format(lang)
    data.row_dimensions[NAMES_ROW].hidden = True
    styled.finish(data, kind.label, lang, header_row=1, key_columns=1)
    for index in range(1, len(columns) + 1):  # room for the header in words
        letter = get_column_letter(index)
        data.column_dimensions[letter].width = max(data.column_dimensions[letter].width or 0, 12)
    data.freeze_panes = f"B{EXAMPLE_ROW}"
    data.print_title_rows = "1:1"

    holder = book.create_sheet("Lists")
    _add_validations(data, holder, kind, lists, lang)
    _instructions(book.create_sheet("Instructions", 1), kind, columns, lang)
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
    data: Worksheet,
    holder: Worksheet,
    kind: Kind,
    lists: dict[str, list[str]],
    lang: str = "en",
) -> None:
    """A drop-down on every coded column. A column taking several values (';') or a State
    (any UN/ISO spelling) gets the list as a suggestion: other text is accepted."""
    columns = list(kind.file_columns.values())
    kind_lists: dict[str, str] = {}
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        target = f"{letter}{EXAMPLE_ROW}:{letter}{DATA_ROWS}"
        if column.parse == "choice" and not column.multi:
            options = ",".join(str(o) for o in column.choices)
            rule = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
        else:
            name = _list_name(column, kind)
            if name is None or not lists.get(name):
                continue
            if name not in kind_lists:
                col = get_column_letter(len(kind_lists) + 1)
                write_cell(holder, 1, len(kind_lists) + 1, words(name, lang))
                for row, value in enumerate(lists[name], start=2):
                    write_cell(holder, row, len(kind_lists) + 1, value)  # names are user text
                kind_lists[name] = f"Lists!${col}$2:${col}${len(lists[name]) + 1}"
            strict = name != "country" and not column.multi
            rule = DataValidation(
                type="list",
                formula1=kind_lists[name],
                allow_blank=True,
                errorStyle="stop" if strict else "information",
            )
        rule.error = gettext(
            "%(column)s: choose a value from the list", lang, column=words(column.name, lang)
        )
        rule.showErrorMessage = True
        data.add_data_validation(rule)
        rule.add(target)
    if kind_lists:
        styled.finish(holder, gettext("Lists", lang), lang, header_row=1, key_columns=0)
    else:
        holder.sheet_state = "hidden"


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


def _instructions(sheet: Worksheet, kind: Kind, columns: list[Column], lang: str = "en") -> None:
    lines = [
        f"How to fill in this template: {kind.label}",
        "",
        f"1. Type one record per row in the sheet '{kind.name}', below the header row.",
        "   The headers are in words; the field names are in the hidden row 2 and in each"
        " header's note.",
        "   Do not change row 2; you may delete optional columns you do not use.",
        "2. Yellow headers are required. A blank optional cell takes the default shown.",
        "3. Replace or delete the example row (row 3): it is imported like any other row.",
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
    sheet.append(["Column", "Field name", "Required", "What to type"])
    head = sheet.max_row
    styled.header_cells(sheet, head)
    for column in columns:
        sheet.append(
            [
                words(column.name, lang),
                column.name,
                "yes" if column.required else "no",
                _describe(column),
            ]
        )
    for cells in sheet.iter_rows(min_row=head + 1, min_col=4, max_col=4):
        cells[0].alignment = styled.WRAP
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 26
    sheet.column_dimensions["C"].width = 9
    sheet.column_dimensions["D"].width = 70
    styled.page_setup(sheet, kind.label, lang, title_rows=(head, head), width=133, landscape=True)
