"""Report workbooks written with rvgsrust-xlsxwriter, the Python binding of rust_xlsxwriter.

The report modules make xlsxwriter's calls (reports/workbook.py and the *_workbook
modules); this module gives them the same calls on the Rust writer, which writes the same
cells 5-7 times faster in constant memory (docs/benchmarks.md, bench/writers.py). Only the
calls the reports make are here: a new one fails loudly (AttributeError) in the tests that
write every report with both writers and compare every cell
(tests/test_report_writers.py). TA_REPORT_WRITER=xlsxwriter goes back to xlsxwriter.

Differences it evens out: formats are built from xlsxwriter's property dicts; text longer
than Excel's 32,767 characters is cut there (as xlsxwriter does, instead of refusing the
cell); dates and datetimes go through the date writers; a chart's ranges are given as
[sheet, first_row, first_col, last_row, last_col] like xlsxwriter's. A small sheet with
outline levels (the matrix grids) or charts beside its rows (the annual summary) is kept in
memory (ReportWorkbook.add_sheet(small=True)): rust_xlsxwriter's constant-memory rows carry
no outline level, and the binding takes nothing above the last row written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, cast

import rvgsrust_xlsxwriter as rx

MAX_TEXT = 32_767  # Excel's limit for one cell
_ALIGN = ("left", "center", "right")
_VALIGN = {"top": "top", "vcenter": "center", "bottom": "bottom"}


def _text(value: str) -> str:
    return value if len(value) <= MAX_TEXT else value[:MAX_TEXT]


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def _col(n: int) -> str:
    name = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        name = chr(65 + rest) + name
    return name


def _range(ref: Sequence[Any]) -> str:
    sheet, r1, c1, r2, c2 = ref
    quoted = "'" + str(sheet).replace("'", "''") + "'"
    return f"{quoted}!${_col(c1)}${r1 + 1}:${_col(c2)}${r2 + 1}"


class Chart:
    """xlsxwriter's chart calls (add_series with a name, categories and values; a title;
    no legend; axis names) on an rvgsrust chart."""

    def __init__(self, kind: str) -> None:
        self.chart = rx.Chart(cast(Any, kind))

    def add_series(self, options: dict[str, Any]) -> None:
        series = rx.ChartSeries()  # its setters return None: one call each
        if "name" in options:
            series.set_name(str(options["name"]))
        if "categories" in options:
            series.set_categories(_range(options["categories"]))
        series.set_values(_range(options["values"]))
        self.chart.push_series(series)

    def set_title(self, options: dict[str, Any]) -> None:
        if options.get("none"):
            self.chart.set_title_hidden()
        else:
            self.chart.set_title_name(str(options["name"]))

    def set_legend(self, options: dict[str, Any]) -> None:
        if options.get("none"):
            self.chart.set_legend_hidden()

    def set_x_axis(self, options: dict[str, Any]) -> None:
        if "name" in options:
            self.chart.set_x_axis_name(str(options["name"]))

    def set_y_axis(self, options: dict[str, Any]) -> None:
        if "name" in options:
            self.chart.set_y_axis_name(str(options["name"]))


class Worksheet:
    def __init__(self, sheet: Any) -> None:
        self.sheet = sheet
        self._write = sheet.write

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
        if isinstance(value, dt.datetime):
            self.sheet.write_datetime_py(row, col, value, fmt)
        else:
            self.sheet.write_date_py(row, col, value, fmt)

    def write_row(self, row: int, col: int, values: Iterable[Any], fmt: Any = None) -> None:
        """Like xlsxwriter's: each value written by its type, None leaving the cell empty."""
        cells = [_cell(v) for v in values]
        if fmt is None:
            self.sheet.write_row(row, col, cells)
        else:
            self.sheet.write_row(row, col, cells, fmt)

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
        if height is not None:
            self.sheet.set_row_height(row, height)
        if fmt is not None:
            self.sheet.set_row_format(row, fmt)
        for _ in range((options or {}).get("level", 0)):
            self.sheet.group_rows(row, row)

    def freeze_panes(self, row: int, col: int) -> None:
        self.sheet.freeze_panes(row, col)

    def autofilter(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        self.sheet.autofilter(first_row, first_col, last_row, last_col)

    def insert_chart(self, row: int, col: int, chart: Chart) -> None:
        self.sheet.insert_chart(row, col, chart.chart)


class Workbook:
    """xlsxwriter.Workbook's calls made by the reports, on rvgsrust-xlsxwriter."""

    def __init__(self, target: str, options: dict[str, Any] | None = None) -> None:
        self.book = rx.Workbook(target)

    def add_format(self, props: dict[str, Any] | None = None) -> Any:
        p = props or {}
        f = self.book.add_format()
        if p.get("bold"):
            f.set_bold()
        if p.get("italic"):
            f.set_italic()
        if "font_size" in p:
            f.set_font_size(p["font_size"])
        if "font_color" in p:
            f.set_font_color(p["font_color"])
        if "bg_color" in p:
            f.set_background_color(p["bg_color"])
        if p.get("border"):
            f.set_border("thin")
        if p.get("text_wrap"):
            f.set_text_wrap()
        if p.get("valign") in _VALIGN:
            f.set_vertical_align(cast(Any, _VALIGN[p["valign"]]))
        if p.get("align") in _ALIGN:
            f.set_align(p["align"])
        if p.get("quote_prefix"):
            f.set_quote_prefix()
        if "num_format" in p:
            f.set_num_format(p["num_format"])
        unknown = set(p) - {
            "bold", "italic", "font_size", "font_color", "bg_color", "border", "text_wrap",
            "valign", "align", "quote_prefix", "num_format",
        }  # fmt: skip
        if unknown:
            raise ValueError(f"format properties not mapped to rvgsrust: {sorted(unknown)}")
        return f

    def add_worksheet(self, name: str, in_memory: bool = False) -> Worksheet:
        return Worksheet(self.book.add_worksheet(name, constant_memory=not in_memory))

    def add_chart(self, options: dict[str, Any]) -> Chart:
        return Chart(options["type"])

    def set_properties(self, props: dict[str, Any]) -> None:
        self.book.set_properties(title=props.get("title"), comments=props.get("comments"))

    def close(self) -> None:
        self.book.close()
