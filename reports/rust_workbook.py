"""Report workbooks written with rvgsrust-xlsxwriter, the Python binding of rust_xlsxwriter.

The report modules make xlsxwriter's calls (reports/workbook.py and the *_workbook
modules); this module gives them the same calls on the Rust writer, which writes the same
cells several times faster in constant memory (6 x on the full matrix: docs/benchmarks.md,
bench/writers.py).
TA_REPORT_WRITER=xlsxwriter goes back to xlsxwriter; machines without a wheel use it too.

Only the calls the reports make are here, and each one either does what xlsxwriter does or
fails loudly: a call that is missing raises AttributeError, an option or format property
that is not translated raises ValueError naming it — never a silently dropped setting.
tests/test_report_writers.py writes every report with both writers and compares every cell;
its feature test reads back what the page setup, validation, note, table and chart calls
wrote.

How to add a call the reports need (the binding's API is in
.venv/lib/python3.*/site-packages/rvgsrust_xlsxwriter/_core.pyi; rust_xlsxwriter's
documentation says what each does):
1. a format property: one entry in FORMAT_PROPERTIES (reports/rust_formats.py:
   xlsxwriter's property name and a function doing it on an rvgsrust Format);
2. a worksheet, workbook or chart call: a method on Worksheet / Workbook (here) / Chart
   (reports/rust_charts.py) with
   xlsxwriter's name and arguments (rows and columns 0-based, like both libraries) that
   makes the rvgsrust call(s); an options dict goes through `rust_formats.options(call,
   options, known)`, so an option not handled raises instead of being ignored;
3. a case in tests/test_report_writers.py::test_adapter_features (or a report using it, so
   the every-cell comparison covers it).

Differences it evens out: formats are built from xlsxwriter's property dicts; text longer
than Excel's 32,767 characters is cut there (as xlsxwriter does, instead of refusing the
cell); dates and datetimes are written as Excel's day numbers, as xlsxwriter writes
them, so that they take their column's date format (excel_day); a chart's ranges are given as
[sheet, first_row, first_col, last_row, last_col] like xlsxwriter's; xlsxwriter's table
style names ("Table Style Medium 9") and validation criteria ("between", ">=") are
translated. A small sheet with outline levels (the matrix grids) or charts beside its rows
(the annual summary) is kept in memory (ReportWorkbook.add_sheet(small=True)):
rust_xlsxwriter's constant-memory rows carry no outline level, and the binding takes
nothing above the last row written. In constant memory, as with xlsxwriter, rows are
written in order, a note goes with its row (before the next row), tables need a sheet held
in memory, and a chart over the sheet's rows caches only the last one (Excel and
LibreOffice read the cells when they open the file).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import rvgsrust_xlsxwriter as rx

from reports import formula_results
from reports.rust_charts import Chart
from reports.rust_formats import FORMAT_PROPERTIES
from reports.rust_formats import options as _options

MAX_TEXT = 32_767  # Excel's limit for one cell
_CRITERIA = {
    "between": "between", "not between": "not_between",
    "==": "equal_to", "equal to": "equal_to", "!=": "not_equal_to",
    "not equal to": "not_equal_to", ">": "greater_than", "greater than": "greater_than",
    "<": "less_than", "less than": "less_than", ">=": "greater_than_or_equal_to",
    "greater than or equal to": "greater_than_or_equal_to",
    "<=": "less_than_or_equal_to", "less than or equal to": "less_than_or_equal_to",
}  # fmt: skip


def _text(value: str) -> str:
    return value if len(value) <= MAX_TEXT else value[:MAX_TEXT]


# Values the binding takes as they are (exact classes; anything else goes through _cell).
_AS_IS = frozenset({int, float, bool, type(None)})
_EXCEL_EPOCH = dt.datetime(1899, 12, 31)


def excel_day(value: dt.date) -> float:
    """A date or time as Excel's day number, as xlsxwriter writes it (a time zone dropped,
    as with its remove_timezone; its rule for the days before 1 March 1900, Excel's
    leap-year bug, included). Written as a number, a date takes the format of its cell or
    else its column's — the binding's own date writers would give it `yyyy-mm-dd`
    instead of the column's date in the workbook's language."""
    if isinstance(value, dt.datetime):
        delta = value.replace(tzinfo=None) - _EXCEL_EPOCH
    else:
        delta = dt.datetime(value.year, value.month, value.day) - _EXCEL_EPOCH
    day = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
    return day + 1 if day > 59 else day


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return excel_day(value)
    return value


# ------------------------------------------------------------------------------- sheets
class Worksheet:
    def __init__(self, sheet: Any, in_memory: bool = False) -> None:
        self.sheet = sheet
        self.in_memory = in_memory
        self._write = sheet.write
        # Formula results to store once the file is written (reports/formula_results.py).
        self.results: dict[tuple[int, int], float | int] = {}

    # cells ---------------------------------------------------------------------------
    def write(self, row: int, col: int, value: Any, fmt: Any = None) -> None:
        """Like xlsxwriter's write with strings_to_* off: each value written by its type."""
        if value is None:
            if fmt is not None:
                self.sheet.set_cell_format(row, col, fmt)
        elif isinstance(value, dt.date):
            self.write_datetime(row, col, value, fmt)
        elif fmt is None:
            self._write(row, col, _cell(value))
        else:
            self._write(row, col, _cell(value), fmt)

    def write_blank(self, row: int, col: int, blank: Any = None, fmt: Any = None) -> None:
        """An empty cell with a format (a group row's fill); without one, nothing."""
        if fmt is not None:
            self.sheet.set_cell_format(row, col, fmt)

    def write_string(self, row: int, col: int, value: str, fmt: Any = None) -> None:
        if fmt is None:
            self._write(row, col, _text(value))
        else:
            self._write(row, col, _text(value), fmt)

    def write_number(self, row: int, col: int, value: float, fmt: Any = None) -> None:
        number = float(value) if isinstance(value, Decimal) else value
        if fmt is None:
            self._write(row, col, number)
        else:
            self._write(row, col, number, fmt)

    def write_datetime(self, row: int, col: int, value: dt.date, fmt: Any = None) -> None:
        self.write_number(row, col, excel_day(value), fmt)

    def write_formula(
        self, row: int, col: int, formula: str, fmt: Any = None, value: Any = None
    ) -> None:
        """`value` is the result stored with the formula, as xlsxwriter stores it: the
        binding writes 0, which LibreOffice shows and readers read, so the value is put in
        the file once it is closed (Workbook.close). Excel recalculates on opening."""
        if value is not None:
            self.results[(row, col)] = value
        self.sheet.write_formula(row, col, formula, fmt)

    def write_row(self, row: int, col: int, values: Iterable[Any], fmt: Any = None) -> None:
        """Like xlsxwriter's: each value written by its type, None leaving the cell empty."""
        cells = [
            v if v.__class__ in _AS_IS or (v.__class__ is str and len(v) <= MAX_TEXT) else _cell(v)
            for v in values
        ]
        if fmt is None:
            self.sheet.write_row(row, col, cells)
        else:
            self.sheet.write_row(row, col, cells, fmt)

    def write_frame(self, row: int, col: int, frame: Any) -> None:
        """The rows of a polars frame from (row, col) in one call (Arrow, no Python per
        cell); nulls are left empty as write_row leaves None. The caller gives only
        strings (already cut and safe) and numbers (dates as excel_day numbers):
        reports/table_sheet.py."""
        self.sheet.write_dataframe(row, col, frame, write_header=False)

    def merge_range(
        self, first_row: int, first_col: int, last_row: int, last_col: int, data: Any, fmt: Any
    ) -> None:
        self.sheet.merge_range(first_row, first_col, last_row, last_col, _cell(data), fmt)

    # rows, columns, view -------------------------------------------------------------
    def set_column(
        self, first: int, last: int, width: float | None = None, fmt: Any = None
    ) -> None:
        for c in range(first, last + 1):
            if width is not None:
                self.sheet.set_column_width(c, width)
            if fmt is not None:
                self.sheet.set_column_format(c, fmt)

    def set_row(
        self,
        row: int,
        height: float | None = None,
        fmt: Any = None,
        options: dict[str, Any] | None = None,
    ) -> None:
        if options is None and fmt is None:  # a table row's height: the usual call
            if height is not None:
                self.sheet.set_row_height(row, height)
            return
        o = _options("set_row", options, {"level", "hidden"})
        if height is not None:
            self.sheet.set_row_height(row, height)
        if fmt is not None:
            self.sheet.set_row_format(row, fmt)
        for _ in range(o.get("level", 0)):
            self.sheet.group_rows(row, row)
        if o.get("hidden"):
            self.sheet.set_row_hidden(row)

    def freeze_panes(self, row: int, col: int) -> None:
        self.sheet.freeze_panes(row, col)

    def autofilter(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        self.sheet.autofilter(first_row, first_col, last_row, last_col)

    def set_zoom(self, zoom: int) -> None:
        self.sheet.set_zoom(zoom)

    def hide_gridlines(self, option: int = 1) -> None:
        """xlsxwriter's options: 0 shows all, 1 hides the printed ones (the default of
        both libraries), 2 hides them on screen too."""
        self.sheet.set_screen_gridlines(option < 2)
        self.sheet.set_print_gridlines(option == 0)

    # page setup (printing) -----------------------------------------------------------
    def set_landscape(self) -> None:
        self.sheet.set_landscape()

    def set_portrait(self) -> None:
        self.sheet.set_portrait()

    def set_paper(self, paper: int) -> None:
        """xlsxwriter's paper index (9 = A4, 1 = US Letter); the same numbers in both."""
        self.sheet.set_paper_size(paper)

    def fit_to_pages(self, width: int, height: int) -> None:
        """0 = as many pages as needed, e.g. fit_to_pages(1, 0): one page wide."""
        self.sheet.set_print_fit_to_pages(width, height)

    def set_print_scale(self, scale: int) -> None:
        self.sheet.set_print_scale(scale)

    def repeat_rows(self, first_row: int, last_row: int | None = None) -> None:
        self.sheet.set_repeat_rows(first_row, first_row if last_row is None else last_row)

    def repeat_columns(self, first_col: int, last_col: int | None = None) -> None:
        if not isinstance(first_col, int):
            raise ValueError("repeat_columns: give column numbers, not 'A:B'")
        self.sheet.set_repeat_columns(first_col, first_col if last_col is None else last_col)

    def print_area(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        self.sheet.set_print_area(first_row, first_col, last_row, last_col)

    def set_header(
        self, header: str = "", options: dict[str, Any] | None = None, margin: Any = None
    ) -> None:
        """Excel's codes (&L, &C, &R, &P page, &N pages, &A sheet) work in both."""
        _options("set_header", options, set())
        if margin is not None:
            raise ValueError("set_header: margin is not mapped to rvgsrust (use set_margins)")
        self.sheet.set_header(header)

    def set_footer(
        self, footer: str = "", options: dict[str, Any] | None = None, margin: Any = None
    ) -> None:
        _options("set_footer", options, set())
        if margin is not None:
            raise ValueError("set_footer: margin is not mapped to rvgsrust (use set_margins)")
        self.sheet.set_footer(footer)

    def set_margins(
        self, left: float = 0.7, right: float = 0.7, top: float = 0.75, bottom: float = 0.75
    ) -> None:
        # the binding takes the header and footer margins positionally: xlsxwriter's 0.3"
        self.sheet.set_margins(left, right, top, bottom, 0.3, 0.3)

    def center_horizontally(self) -> None:
        self.sheet.set_print_center_horizontally(True)

    # validation, notes, tables, charts -----------------------------------------------
    def data_validation(
        self, first_row: int, first_col: int, last_row: int, last_col: int, options: dict[str, Any]
    ) -> None:
        """xlsxwriter's validate: integer, decimal, length, date, list, custom, any."""
        o = _options(
            "data_validation",
            options,
            {"validate", "criteria", "value", "minimum", "maximum", "source", "ignore_blank",
             "dropdown", "input_title", "input_message", "show_input", "error_title",
             "error_message", "error_type", "show_error"},
        )  # fmt: skip
        v = rx.DataValidation()
        kind = o["validate"]
        if kind == "list":
            source = o["source"]
            if isinstance(source, str):
                v.allow_list_formula(source.removeprefix("="))
            else:
                v.allow_list_strings([str(s) for s in source])
        elif kind == "custom":
            v.allow_custom(str(o["value"]).removeprefix("="))
        elif kind == "any":
            v.allow_any_value()
        else:
            rule = _CRITERIA[o["criteria"]]
            low = o.get("minimum", o.get("value"))
            high = o.get("maximum")
            allow = {
                "integer": v.allow_whole_number,
                "decimal": v.allow_decimal_number,
                "length": v.allow_text_length,
                "date": v.allow_date,
            }.get(kind)
            if allow is None:
                raise ValueError(f"data_validation: validate={kind!r} not mapped to rvgsrust")
            allow(cast(Any, rule), low, high)
        if "ignore_blank" in o:
            v.ignore_blank(bool(o["ignore_blank"]))
        if "dropdown" in o:
            v.show_dropdown(bool(o["dropdown"]))
        if "show_input" in o:
            v.show_input_message(bool(o["show_input"]))
        if "input_title" in o:
            v.set_input_title(o["input_title"])
        if "input_message" in o:
            v.set_input_message(o["input_message"])
        if "show_error" in o:
            v.show_error_message(bool(o["show_error"]))
        if "error_title" in o:
            v.set_error_title(o["error_title"])
        if "error_message" in o:
            v.set_error_message(o["error_message"])
        if "error_type" in o:
            v.set_error_style(o["error_type"])
        self.sheet.add_data_validation(first_row, first_col, last_row, last_col, v)

    def write_comment(
        self, row: int, col: int, comment: str, options: dict[str, Any] | None = None
    ) -> None:
        """A note (Excel's old-style comment), like xlsxwriter's."""
        o = _options("write_comment", options, {"author", "visible", "width", "height"})
        note = rx._core.Note(_text(comment))  # not re-exported by the package's stub
        if "author" in o:
            note.set_author(o["author"])
        if o.get("visible"):
            note.set_visible(True)
        if "width" in o:
            note.set_width(int(o["width"]))
        if "height" in o:
            note.set_height(int(o["height"]))
        self.sheet.insert_note(row, col, note)

    def add_table(
        self,
        first_row: int,
        first_col: int,
        last_row: int,
        last_col: int,
        options: dict[str, Any] | None = None,
    ) -> None:
        """An Excel table over the range (header row first); its rows are written by the
        caller, as with xlsxwriter's add_table without `data`. Only on a sheet held in
        memory (add_sheet(small=True)): like xlsxwriter, no table in constant memory."""
        if not self.in_memory:
            raise ValueError(
                "add_table needs a sheet held in memory (ReportWorkbook.add_sheet(name,"
                " small=True)): neither writer has tables on a constant-memory sheet"
            )
        o = _options(
            "add_table",
            options,
            {"name", "style", "columns", "autofilter", "header_row", "banded_rows",
             "banded_columns", "first_column", "last_column", "total_row"},
        )  # fmt: skip
        table = rx.Table()
        if "name" in o:
            table.set_name(o["name"])
        if "style" in o:
            table.set_style(_table_style(o["style"]))
        for key in ("autofilter", "header_row", "banded_rows", "banded_columns",
                    "first_column", "last_column", "total_row"):  # fmt: skip
            if key in o:
                getattr(table, f"set_{key}")(bool(o[key]))
        if "columns" in o:
            columns = []
            for spec in o["columns"]:
                c = _options(
                    "add_table column",
                    spec,
                    {"header", "header_format", "format", "formula", "total_function",
                     "total_string"},
                )  # fmt: skip
                column = rx.TableColumn()
                if "header" in c:
                    column.set_header(c["header"])
                if "header_format" in c:
                    column.set_header_format(c["header_format"])
                if "format" in c:
                    column.set_format(c["format"])
                if "formula" in c:
                    column.set_formula(str(c["formula"]).removeprefix("="))
                if "total_function" in c:
                    column.set_total_function(c["total_function"])
                if "total_string" in c:
                    column.set_total_label(c["total_string"])
                columns.append(column)
            table.set_columns(columns)
        self.sheet.add_table(first_row, first_col, last_row, last_col, table)

    def insert_chart(
        self, row: int, col: int, chart: Chart, options: dict[str, Any] | None = None
    ) -> None:
        o = _options("insert_chart", options, {"x_offset", "y_offset"})
        self.sheet.insert_chart(row, col, chart.chart, o.get("x_offset", 0), o.get("y_offset", 0))


def _table_style(style: str | None) -> str:
    """xlsxwriter's "Table Style Medium 9" (or None for no style) as rvgsrust's "medium9"."""
    if style is None or style.lower() == "none":
        return "none"
    match = re.fullmatch(r"(?:table style )?(light|medium|dark) ?(\d+)", style.strip().lower())
    if match is None:
        raise ValueError(f"add_table: style {style!r} is not an Excel table style")
    return match[1] + match[2]


# ------------------------------------------------------------------------------- books
class Workbook:
    """xlsxwriter.Workbook's calls made by the reports, on rvgsrust-xlsxwriter."""

    def __init__(self, target: str, options: dict[str, Any] | None = None) -> None:
        # reports/workbook.py's options (constant_memory, strings_to_* off, remove_timezone)
        # are how rvgsrust writes anyway; constant memory is chosen per sheet.
        self.book = rx.Workbook(target)
        self.target = Path(target)
        self.sheets: dict[str, Worksheet] = {}

    def add_format(self, props: dict[str, Any] | None = None) -> Any:
        p = props or {}
        unknown = set(p) - set(FORMAT_PROPERTIES)
        if unknown:
            raise ValueError(f"format properties not mapped to rvgsrust: {sorted(unknown)}")
        f = self.book.add_format()
        for name, value in p.items():
            FORMAT_PROPERTIES[name](f, value)
        return f

    def add_worksheet(self, name: str, in_memory: bool = False) -> Worksheet:
        sheet = Worksheet(self.book.add_worksheet(name, constant_memory=not in_memory), in_memory)
        self.sheets[name] = sheet
        return sheet

    def add_chart(self, options: dict[str, Any]) -> Chart:
        """xlsxwriter's {"type": "column", "subtype": "stacked"} is rvgsrust's
        "column_stacked"."""
        o = _options("add_chart", options, {"type", "subtype"})
        return Chart(o["type"] + (f"_{o['subtype']}" if o.get("subtype") else ""))

    def define_name(self, name: str, formula: str) -> None:
        self.book.define_name(name, formula)

    def set_properties(self, props: dict[str, Any]) -> None:
        p = _options("set_properties", props, {"title", "author", "subject", "keywords",
                                               "comments"})  # fmt: skip
        self.book.set_properties(**p)

    def close(self) -> None:
        self.book.close()
        formula_results.store_results(
            self.target, {name: sheet.results for name, sheet in self.sheets.items()}
        )
