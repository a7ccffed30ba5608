"""Writing report workbooks in the shared style (ta_manager.workbook): an About sheet,
tables, grids and safe cells, each sheet set up to print.

Written in constant-memory mode (rows stream to disk as they are written) with
rvgsrust-xlsxwriter, the binding of rust_xlsxwriter (reports/rust_workbook.py: 5-7 times
faster than xlsxwriter on the reports' real cells, docs/benchmarks.md), or with xlsxwriter
when TA_REPORT_WRITER=xlsxwriter; the report modules make xlsxwriter's calls either way. Every table
sheet has a bold header in words (wrapped), frozen with its key columns, an autofilter,
typed columns (dates as `12 Sep 2007` in the workbook's language, numbers, money), widths
from the content (long text wraps), totals as formulas below the filtered range, and a page
setup: orientation from its width, fit to the page width, header row and key columns
repeated, the title and filters in the page header, page numbers in the footer.

User text is always written as text: text starting with a formula trigger
(ta_manager.spreadsheet_text: `=`, `+`, `-`, `@`, TAB, CR) gets a quote prefix and is never
evaluated as a formula.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter

from reports import table_sheet
from reports.table_sheet import FORMULA_CHARS, LINE_HEIGHT, MAX_TEXT, Column, Kind, Progress
from ta_manager.locale import formats, gettext
from ta_manager.settings import get_settings
from ta_manager.spreadsheet_text import starts_formula
from ta_manager.workbook import style, widths
from ta_manager.workbook.sheet_names import sheet_name

# rvgsrust-xlsxwriter ships wheels for Linux x86-64, macOS arm64 and Windows x86-64 only
# (requirements.lock installs it there); elsewhere the reports are written with xlsxwriter.
RUST_WRITER = importlib.util.find_spec("rvgsrust_xlsxwriter") is not None

NUMERIC: frozenset[str] = frozenset({"int", "number", "money", "rate", "percent"})
ABOUT_TEXT_WIDTH = 90.0

__all__ = ["Column", "Kind", "Progress", "ReportWorkbook", "sheet_name"]


class ReportWorkbook:
    """One report file in a language. Create, add sheets in order, then `close()`."""

    def __init__(
        self,
        target: Path,
        title: str,
        filters: Mapping[str, str],
        as_of: dt.datetime,
        notes: Sequence[str] = (),
        lang: str = "en",
    ) -> None:
        self.lang = lang
        self.title = title  # titles, sheet names and notes come translated by the caller
        self.filters = dict(filters)
        self.writer = get_settings().report_writer if RUST_WRITER else "xlsxwriter"
        opened: Any = xlsxwriter.Workbook
        if self.writer == "rust":
            from reports import rust_workbook

            opened = rust_workbook.Workbook
        self.book = opened(
            str(target),
            {
                "constant_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "remove_timezone": True,
            },
        )
        self.book.set_properties({"title": self.title, "comments": "ta-manager report"})
        self._make_formats()
        self.names: list[str] = []
        self.generated = formats.day(dt.date.today(), lang)
        self._about(filters, as_of, notes)

    def t(self, message: str, **values: object) -> str:
        """`message` in the workbook's language."""
        return gettext(message, self.lang, **values)

    def _fmt(self, **props: Any) -> Any:
        return self.book.add_format(
            {"font_name": style.FONT_NAME, "font_size": style.FONT_SIZE, **props}
        )

    def _make_formats(self) -> None:
        hex_ = "#{}".format
        self.bold = self._fmt(bold=True)
        self.wrap = self._fmt(text_wrap=True, valign="top")
        self.note = self._fmt(text_wrap=True, valign="top", font_color=hex_(style.NOTE_COLOUR))
        self.header = self._fmt(
            bold=True, bg_color=hex_(style.HEADER_FILL), border=1, text_wrap=True, valign="top"
        )
        self.group = self._fmt(bold=True, bg_color=hex_(style.GROUP_FILL))
        self.title_format = self._fmt(bold=True, font_size=style.TITLE_SIZE)
        self.quoted = self._fmt(quote_prefix=True, text_wrap=True, valign="top")
        number_formats = {**style.NUMBER_FORMATS, "date": style.date_format(self.lang)}
        self.formats = {k: self._fmt(num_format=f, valign="top") for k, f in number_formats.items()}
        self.formats["text"] = self.wrap
        self.totals = {
            k: self._fmt(num_format=f, bold=True, top=1) for k, f in number_formats.items()
        }
        self.totals["text"] = self._fmt(bold=True, top=1)
        self.fills = {
            status: self._fmt(bg_color=hex_(colour), border=1, align="center", valign="vcenter")
            for status, colour in style.STATUS_FILLS.items()
        }

    # ------------------------------------------------------------------ sheets
    def add_sheet(self, name: str, small: bool = False) -> Any:
        """A new sheet. `small`: a sheet of a few hundred rows with outline levels (rows
        that group under a title) or charts placed beside rows already written: the Rust
        writer does both only on a sheet held in memory (its constant-memory rows carry no
        outline level and take nothing above the last row written)."""
        name = sheet_name(name, self.names)
        self.names.append(name)
        if small and self.writer == "rust":
            return self.book.add_worksheet(name, in_memory=True)
        return self.book.add_worksheet(name)

    def page(
        self,
        ws: Any,
        width: float,
        title_rows: tuple[int, int] | None = (0, 0),
        key_columns: int = 0,
        landscape: bool | None = None,
        gridlines: bool = True,
    ) -> None:
        """Print setup of a sheet `width` characters wide (the shared style)."""
        setup = style.PageSetup(
            title=self.title,
            filters=self._filters_line(),
            width=width,
            title_rows=title_rows,
            key_columns=(0, key_columns - 1) if key_columns else None,
            landscape=landscape,
        )
        ws.set_paper(style.PAPER_A4)
        if setup.is_landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.6)  # header/footer: defaults
        ws.fit_to_pages(setup.pages_wide, 0)
        if setup.title_rows is not None:
            ws.repeat_rows(*setup.title_rows)
        if setup.key_columns is not None:
            ws.repeat_columns(*setup.key_columns)
        ws.set_header(style.header_text(setup))
        ws.set_footer(style.footer_text(self.generated, self.lang))
        ws.hide_gridlines(0 if gridlines else 1)  # tables print their gridlines

    def _filters_line(self) -> str:
        if not self.filters:
            return ""
        return "; ".join(f"{self.t(k)}: {self.shown(v)}" for k, v in self.filters.items())

    def shown(self, text: str) -> str:
        """A filter's value as people read it: ISO dates in words ('1 Jan 2008')."""
        return formats.iso_inside(text, self.lang)

    def _about(self, filters: Mapping[str, str], as_of: dt.datetime, notes: Sequence[str]) -> None:
        ws = self.add_sheet(self.t("About"))
        ws.set_column(0, 0, 24, self.wrap)
        ws.set_column(1, 1, ABOUT_TEXT_WIDTH, self.wrap)
        ws.write_string(0, 0, self.title, self.title_format)
        row = 2
        stamps: list[tuple[str, dt.datetime]] = [
            ("Generated at", dt.datetime.now(dt.UTC)),
            ("Data as of", as_of.astimezone(dt.UTC)),
        ]
        for label, moment in stamps:
            ws.write_string(row, 0, self.t(label), self.bold)
            ws.write_string(row, 1, f"{formats.day(moment.date(), self.lang)} {moment:%H:%M} UTC")
            row += 1
        row += 1
        ws.write_string(row, 0, self.t("Filters"), self.bold)
        row += 1
        if not filters:
            ws.write_string(row, 0, self.t("(none)"))
            row += 1
        for name, value in filters.items():
            ws.write_string(row, 0, self.t(name))
            self.text(ws, row, 1, self.shown(value))
            row += 1
        if notes:
            row += 1
            ws.write_string(row, 0, self.t("Notes"), self.bold)
            row += 1
            for note in notes:
                self.text(ws, row, 1, note)
                ws.set_row(row, self.text_height(note, ABOUT_TEXT_WIDTH))
                row += 1
        self.page(ws, 114, title_rows=None, landscape=False, gridlines=False)

    @staticmethod
    def text_height(text: str, width: float) -> float:
        """Row height (points) showing `text` wrapped in a column `width` characters wide:
        spreadsheet programs do not always grow a row for wrapped text on their own."""
        per_line = max(width - 2, 1)
        lines = sum(
            max(1, math.ceil(widths.text_width(part) / per_line)) for part in text.split("\n")
        )
        return LINE_HEIGHT * lines + 2

    # ------------------------------------------------------------------ cells
    def text(self, ws: Any, row: int, col: int, value: object, fmt: Any = None) -> None:
        s = "" if value is None else str(value)[:MAX_TEXT]
        if starts_formula(s):
            ws.write_string(row, col, s, self.quoted)
        else:
            ws.write_string(row, col, s, fmt)

    def cell_writer(self, kind: Kind, fmt: Any = None) -> Callable[[Any, int, int, Any], None]:
        """A function writing one value of `kind`; None leaves the cell empty."""
        fmt = fmt or self.formats.get(kind)
        if kind == "text":
            quoted = self.quoted

            def write_text(ws: Any, r: int, c: int, v: Any) -> None:
                if v is None or v == "":
                    return
                text = (v if isinstance(v, str) else str(v))[:MAX_TEXT]
                if text[0] in FORMULA_CHARS:
                    ws.write_string(r, c, text, quoted)
                else:
                    ws.write_string(r, c, text, fmt)

            return write_text
        if kind == "date":

            def write_date(ws: Any, r: int, c: int, v: Any) -> None:
                if v is not None:
                    ws.write_datetime(r, c, v, fmt)

            return write_date

        def write_number(ws: Any, r: int, c: int, v: Any) -> None:
            if v is not None:
                ws.write_number(r, c, float(v) if isinstance(v, Decimal) else v, fmt)

        return write_number

    def header_row(self, ws: Any, row: int, columns: Sequence[Column]) -> list[str]:
        """The headers, in words of the workbook's language; returns them."""
        shown = [self.t(col.header) for col in columns]
        for c, text in enumerate(shown):
            ws.write_string(row, c, text, self.header)
        return shown

    def header_height(self, headers: Sequence[str], column_widths: Sequence[float]) -> float:
        """Row height (points) showing every wrapped header whole."""
        lines = 1
        for text, width in zip(headers, column_widths, strict=True):
            per_line = max(width - 1, 1)
            needed = sum(
                max(1, -(-int(widths.text_width(part)) // int(per_line)))
                for part in text.split("\n")
            )
            lines = max(lines, needed)
        return 14.0 * lines + 2

    # ------------------------------------------------------------------ tables
    def table(
        self,
        name: str,
        columns: Sequence[Column],
        rows: Iterable[Sequence[Any]] | pl.DataFrame,
        progress: Progress | None = None,
        total: int = 0,
        key_columns: int = 1,
    ) -> int:
        """A sheet holding one table (reports/table_sheet.py); returns the number of data
        rows. `rows`: a polars frame (its columns in `columns`' order), or any rows.

        The first `key_columns` stay in view and print on every page; a column marked
        `total` gets a SUBTOTAL formula (visible rows) below the filtered range."""
        if isinstance(rows, pl.DataFrame):
            return table_sheet.write_frame(self, name, columns, rows, progress, key_columns)
        return table_sheet.write_rows(self, name, columns, rows, progress, total, key_columns)

    def close(self) -> None:
        self.book.close()
