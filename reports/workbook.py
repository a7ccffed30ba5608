"""Writing report workbooks: shared styles, an About sheet, tables and safe cells.

Written in constant-memory mode (rows stream to disk as they are written) with
rvgsrust-xlsxwriter, the binding of rust_xlsxwriter (reports/rust_workbook.py: 5-7 times
faster than xlsxwriter on the reports' real cells, docs/benchmarks.md), or with xlsxwriter
when TA_REPORT_WRITER=xlsxwriter; the report modules make xlsxwriter's calls either way.
Every table sheet has a frozen, bold header, an autofilter, typed columns (dates, numbers,
money) and a width chosen per column. User text is always written as text: text starting
with a formula trigger (ta_manager.spreadsheet_text: `=`, `+`, `-`, `@`, TAB, CR) gets a
quote prefix and is never evaluated as a formula.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import xlsxwriter

from ta_manager.settings import get_settings
from ta_manager.spreadsheet_text import FORMULA_TRIGGERS, starts_formula

# rvgsrust-xlsxwriter ships wheels for Linux x86-64, macOS arm64 and Windows x86-64 only
# (requirements.lock installs it there); elsewhere the reports are written with xlsxwriter.
RUST_WRITER = importlib.util.find_spec("rvgsrust_xlsxwriter") is not None

Kind = Literal["text", "int", "number", "money", "rate", "date", "percent"]
# Called as progress(step, done, total) while a report is built; total may grow.
Progress = Callable[[str, int, int], None]

FORMULA_CHARS = frozenset(FORMULA_TRIGGERS)  # each trigger is one character
# Excel keeps at most 32,767 characters in a cell: longer text is cut there (xlsxwriter
# alone would leave such a cell empty).
MAX_TEXT = 32_767
NUMBER_FORMATS: dict[str, str] = {
    "int": "#,##0",
    "number": "#,##0.##",
    "money": "#,##0.00",
    "rate": "0.000000",
    "date": "yyyy-mm-dd",
    "percent": "0.0%",
}
DEFAULT_WIDTHS: dict[str, float] = {
    "int": 10,
    "number": 12,
    "money": 16,
    "rate": 12,
    "date": 11,
    "percent": 9,
}
STATUS_FILLS = {
    "met": "#C6EFCE",
    "partly": "#FFEB9C",
    "unmet": "#FFC7CE",
    "none": "#F2F2F2",
}
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = "text"
    width: float | None = None


def sheet_name(name: str, taken: Iterable[str] = ()) -> str:
    """A valid, unique Excel sheet name (31 characters, no []:*?/\\)."""
    base = _BAD_SHEET_CHARS.sub("-", name).strip("'") or "Sheet"
    base = base[:31]
    used = {t.lower() for t in taken}
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    return candidate


class ReportWorkbook:
    """One report file. Create, add tables in order, then `close()`."""

    def __init__(
        self,
        target: Path,
        title: str,
        filters: Mapping[str, str],
        as_of: dt.datetime,
        notes: Sequence[str] = (),
    ) -> None:
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
        self.book.set_properties({"title": title, "comments": "ta-manager report"})
        self.bold = self.book.add_format({"bold": True})
        self.header = self.book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.title_format = self.book.add_format({"bold": True, "font_size": 14})
        self.quoted = self.book.add_format({"quote_prefix": True})
        self.formats = {
            k: self.book.add_format({"num_format": f}) for k, f in NUMBER_FORMATS.items()
        }
        self.fills = {
            status: self.book.add_format({"bg_color": colour, "border": 1, "align": "center"})
            for status, colour in STATUS_FILLS.items()
        }
        self.names: list[str] = []
        self._about(title, filters, as_of, notes)

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

    def _about(
        self, title: str, filters: Mapping[str, str], as_of: dt.datetime, notes: Sequence[str]
    ) -> None:
        ws = self.add_sheet("About")
        ws.set_column(0, 0, 24)
        ws.set_column(1, 1, 90)
        ws.write_string(0, 0, title, self.title_format)
        row = 2
        generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        for label, value in [
            ("Generated at", generated),
            ("Data as of", as_of.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")),
        ]:
            ws.write_string(row, 0, label, self.bold)
            ws.write_string(row, 1, value)
            row += 1
        row += 1
        ws.write_string(row, 0, "Filters", self.bold)
        row += 1
        if not filters:
            ws.write_string(row, 0, "(none)")
            row += 1
        for name, value in filters.items():
            ws.write_string(row, 0, name)
            self.text(ws, row, 1, value)
            row += 1
        if notes:
            row += 1
            ws.write_string(row, 0, "Notes", self.bold)
            row += 1
            for note in notes:
                self.text(ws, row, 1, note)
                row += 1

    # ------------------------------------------------------------------ cells
    def text(self, ws: Any, row: int, col: int, value: object, fmt: Any = None) -> None:
        s = "" if value is None else str(value)[:MAX_TEXT]
        if starts_formula(s):
            ws.write_string(row, col, s, self.quoted)
        else:
            ws.write_string(row, col, s, fmt)

    def cell_writer(self, kind: Kind) -> Callable[[Any, int, int, Any], None]:
        """A function writing one value of `kind`; None leaves the cell empty."""
        fmt = self.formats.get(kind)
        if kind == "text":
            quoted = self.quoted

            def write_text(ws: Any, r: int, c: int, v: Any) -> None:
                if v is None or v == "":
                    return
                text = (v if isinstance(v, str) else str(v))[:MAX_TEXT]
                if text[0] in FORMULA_CHARS:
                    ws.write_string(r, c, text, quoted)
                else:
                    ws.write_string(r, c, text)

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

    def header_row(self, ws: Any, row: int, columns: Sequence[Column]) -> None:
        for c, col in enumerate(columns):
            ws.write_string(row, c, col.header, self.header)

    # ------------------------------------------------------------------ tables
    def table(
        self,
        name: str,
        columns: Sequence[Column],
        rows: Iterable[Sequence[Any]],
        progress: Progress | None = None,
        total: int = 0,
    ) -> int:
        """A sheet holding one table; returns the number of data rows written."""
        ws = self.add_sheet(name)
        for c, col in enumerate(columns):
            width = col.width or DEFAULT_WIDTHS.get(col.kind) or max(12, len(col.header) + 2)
            # Cells written without a format of their own take their column's (dates, money).
            ws.set_column(c, c, width, self.formats.get(col.kind))
        self.header_row(ws, 0, columns)
        ws.freeze_panes(1, 0)
        writers = [self.cell_writer(col.kind) for col in columns]
        write_row = ws.write_row
        n = 0
        for n, values in enumerate(rows, start=1):
            if any(
                v.__class__ is str and (v[:1] in FORMULA_CHARS or len(v) > MAX_TEXT) for v in values
            ):
                for c, write in enumerate(writers):  # quote-prefix (or cut) the text
                    write(ws, n, c, values[c])
            else:
                write_row(n, 0, values)  # types: str, numbers, Decimal, dates, None
            if progress is not None and n % 5000 == 0:
                progress(name, n, total)
        ws.autofilter(0, 0, max(n, 1), len(columns) - 1)
        if progress is not None:
            progress(name, n, total)
        return n

    def close(self) -> None:
        self.book.close()
