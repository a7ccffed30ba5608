"""A table sheet of a report workbook: headers in words, rows, autofilter, totals, print setup.

`write_rows` streams any iterable of rows; `write_frame` takes a polars frame and writes the
same cells, faster with the Rust writer: runs of rows holding no formula-looking or
over-long text go from Arrow in one call each (no Python per cell), their heights computed
only for the rows whose text may wrap; the other rows go cell by cell as in `write_rows`.
tests/test_report_writers.py holds both paths to xlsxwriter's cells.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from typing import Any, Literal, Protocol

import polars as pl
from xlsxwriter.utility import xl_col_to_name

from ta_manager.spreadsheet_text import FORMULA_TRIGGERS
from ta_manager.workbook import widths

FORMULA_CHARS = frozenset(FORMULA_TRIGGERS)  # each trigger is one character
# Excel keeps at most 32,767 characters in a cell: longer text is cut there (xlsxwriter
# alone would leave such a cell empty).
MAX_TEXT = 32_767
LINE_HEIGHT = 13.0  # points per line of the 10-point font
# How an Excel SUBTOTAL sums the visible rows of a filtered column.
SUBTOTAL_SUM = 109
PROGRESS_EVERY = 5000
# Column types the Rust writer takes from Arrow as write_row writes them (Decimal is cast
# to float and dates to Excel's day numbers first, as write_row does).
_FRAME_TYPES = (
    pl.String, pl.Date, pl.Float64, pl.Float32, pl.Int8, pl.Int16, pl.Int32, pl.Int64,
    pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64, pl.Null,
)  # fmt: skip
# Excel's day number of 1970-01-01 (a polars Date is days since then).
_UNIX_EPOCH_DAY = 25569

# (column, room, width of a line): a text column's length past which its text may wrap.
Wrapping = list[tuple[int, float, float]]
Kind = Literal["text", "int", "number", "money", "rate", "date", "percent"]
# Called as progress(step, done, total) while a report is built; total may grow.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Column:
    """A table column: its header (English, translated when written), the kind of its
    values, and an upper bound on its width (None: from the content alone)."""

    header: str
    kind: Kind = "text"
    width: float | None = None
    total: bool = False  # a SUBTOTAL formula below the table

    def fit(self, values: Iterable[Any], header: str) -> tuple[float, bool]:
        maximum = self.width or widths.MAX_TEXT_WIDTH
        return widths.fit(header, values, self.kind, maximum=maximum)


class ReportBook(Protocol):
    """What a table needs of its workbook (reports.workbook.ReportWorkbook)."""

    writer: str
    formats: dict[str, Any]
    totals: dict[str, Any]

    def add_sheet(self, name: str, small: bool = False) -> Any: ...
    def t(self, message: str, **values: object) -> str: ...
    def header_row(self, ws: Any, row: int, columns: Sequence[Column]) -> list[str]: ...
    def header_height(self, headers: Sequence[str], column_widths: Sequence[float]) -> float: ...
    def cell_writer(self, kind: Kind, fmt: Any = None) -> Callable[[Any, int, int, Any], None]: ...
    def page(self, ws: Any, width: float, title_rows: tuple[int, int] | None = (0, 0),
             key_columns: int = 0, landscape: bool | None = None,
             gridlines: bool = True) -> None: ...  # fmt: skip


def _start(
    book: ReportBook,
    name: str,
    columns: Sequence[Column],
    head: Sequence[Sequence[Any]],
    key_columns: int,
) -> tuple[Any, list[float], Wrapping]:
    """The sheet with its columns sized from the first rows (`head`) and its header row."""
    ws = book.add_sheet(name)
    shown = [book.t(col.header) for col in columns]
    sizes = [col.fit([r[c] for r in head], shown[c])[0] for c, col in enumerate(columns)]
    for c, col in enumerate(columns):
        # Cells written without a format of their own take their column's (dates, money,
        # wrapped text).
        ws.set_column(c, c, sizes[c], book.formats.get(col.kind))
    ws.set_row(0, book.header_height(shown, sizes))
    book.header_row(ws, 0, columns)
    ws.freeze_panes(1, key_columns)
    wrapping = [
        (c, sizes[c] - 2, max(sizes[c] - 2, 1))
        for c, col in enumerate(columns)
        if col.kind == "text"
    ]
    return ws, sizes, wrapping


def text_lines(text: str, per_line: float) -> int:
    """Lines a non-empty text takes wrapped at `per_line` characters."""
    if "\n" in text:
        return sum(max(1, math.ceil(widths.text_width(p) / per_line)) for p in text.split("\n"))
    return math.ceil(widths.text_width(text) / per_line)  # one paragraph: at least a line


def row_lines(values: Sequence[Any], wrapping: Wrapping) -> tuple[int, bool]:
    """The lines of the row's tallest wrapped text, and whether the row is plain (no text
    needing a quote prefix or a cut), in one pass over its text cells."""
    lines, plain = 1, True
    for c, room, per_line in wrapping:
        v = values[c]
        if v.__class__ is not str or not v:
            continue
        if v[0] in FORMULA_CHARS:
            plain = False
        if len(v) > room:  # a text shorter than the column fits on one line
            if len(v) > MAX_TEXT:
                plain = False
            needed = text_lines(v, per_line)
            if needed > lines:
                lines = needed
    return lines, plain


def write_rows(
    book: ReportBook,
    name: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    progress: Progress | None = None,
    total: int = 0,
    key_columns: int = 1,
) -> int:
    """A sheet holding one table, its rows streamed; returns the number of data rows."""
    it = iter(rows)
    head = list(islice(it, widths.SAMPLE_ROWS))
    ws, sizes, wrapping = _start(book, name, columns, head, key_columns)
    writers = [book.cell_writer(col.kind) for col in columns]
    sums = [0.0 for _ in columns]
    totalled = [c for c, col in enumerate(columns) if col.total]
    write_row = ws.write_row
    n = 0
    for n, values in enumerate(chain(head, it), start=1):
        lines, plain = row_lines(values, wrapping)
        if lines > 1:
            ws.set_row(n, LINE_HEIGHT * lines + 2)
        for c in totalled:
            if values[c] is not None:
                sums[c] += float(values[c])
        if plain:
            write_row(n, 0, values)  # types: str, numbers, Decimal, dates, None
        else:
            for c, write in enumerate(writers):  # quote-prefix (or cut) the text
                write(ws, n, c, values[c])
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(name, n, total)
    _finish(book, ws, name, n, columns, sizes, totalled, sums, key_columns, progress, total)
    return n


def write_frame(
    book: ReportBook,
    name: str,
    columns: Sequence[Column],
    frame: pl.DataFrame,
    progress: Progress | None = None,
    key_columns: int = 1,
) -> int:
    """`write_rows` for a polars frame (its columns in `columns`' order): the same cells."""
    if book.writer != "rust" or not all(
        isinstance(t, pl.Decimal) or t in _FRAME_TYPES for t in frame.dtypes
    ):
        return write_rows(book, name, columns, frame.iter_rows(), progress, frame.height,
                          key_columns)  # fmt: skip
    n = frame.height
    ws, sizes, wrapping = _start(
        book, name, columns, frame.head(widths.SAMPLE_ROWS).rows(), key_columns
    )
    totalled = [c for c, col in enumerate(columns) if col.total]
    sums = [0.0 for _ in columns]
    for c in totalled:  # in the rows' order, as write_rows adds them
        for v in frame.to_series(c).to_list():
            if v is not None:
                sums[c] += float(v)
    names = frame.columns
    texts = [c for c, _, _ in wrapping if frame.dtypes[c] == pl.String]
    unsafe = frame.select(
        pl.any_horizontal(
            pl.lit(False),
            *[
                pl.col(names[c]).str.slice(0, 1).is_in(list(FORMULA_CHARS))
                | (pl.col(names[c]).str.len_chars() > MAX_TEXT)
                for c in texts
            ],
        )
    ).to_series()
    # Heights: only a text longer than its column's room can wrap; those texts are measured
    # column by column (no Python for the other cells).
    tallest: dict[int, int] = {}
    for c, room, per_line in wrapping:
        if frame.dtypes[c] != pl.String:
            continue
        long = frame.select(pl.int_range(pl.len()).alias("at"), pl.col(names[c]).alias("v"))
        long = long.filter(pl.col("v").str.len_chars() > room)
        for at, v in zip(long["at"].to_list(), long["v"].to_list(), strict=True):
            needed = text_lines(v, per_line)
            if needed > tallest.get(at, 1):
                tallest[at] = needed
    heights = {at + 1: LINE_HEIGHT * lines + 2 for at, lines in tallest.items()}
    plain = _as_written(frame)
    writers = [book.cell_writer(col.kind) for col in columns]
    start = reported = 0
    for at in [*unsafe.arg_true().to_list(), n]:
        for row in range(start + 1, min(at, n - 1) + 2):
            if row in heights:  # set before the row is written (rows stream to the file)
                ws.set_row(row, heights[row])
        if at > start:  # rows start..at-1 are plain: one call
            ws.write_frame(start + 1, 0, plain.slice(start, at - start))
        if at < n:  # quote-prefix (or cut) the text of this row
            for c, value in enumerate(frame.row(at)):
                writers[c](ws, at + 1, c, value)
        start = at + 1
        if progress is not None and (start - reported >= PROGRESS_EVERY or at == n):
            reported = start
            progress(name, min(start, n), n)
    _finish(book, ws, name, n, columns, sizes, totalled, sums, key_columns, None, n)
    return n


def _as_written(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame's values as the Rust writer's write_row would write them: Decimal as float,
    dates as Excel's day numbers (shown in their column's date format), as xlsxwriter does
    (its rule for the days before 1 March 1900, Excel's leap-year bug, included)."""
    day = pl.col(pl.Date).cast(pl.Int32) + _UNIX_EPOCH_DAY
    return frame.with_columns(
        pl.col(pl.Decimal).cast(pl.Float64),
        pl.col(pl.Null).cast(pl.String),  # nothing to write
        pl.when(day > 60).then(day).otherwise(day - 1).cast(pl.Float64),
    )


def _finish(
    book: ReportBook,
    ws: Any,
    name: str,
    n: int,
    columns: Sequence[Column],
    sizes: list[float],
    totalled: list[int],
    sums: list[float],
    key_columns: int,
    progress: Progress | None,
    total: int,
) -> None:
    """Autofilter, totals below it, print setup."""
    ws.autofilter(0, 0, max(n, 1), len(columns) - 1)
    if totalled and n:
        _subtotals(book, ws, n, columns, totalled, sums)
    key_width = sum(sizes[:key_columns])
    book.page(ws, sum(sizes), key_columns=key_columns if key_width else 0)
    if progress is not None:
        progress(name, n, total)


def _subtotals(
    book: ReportBook,
    ws: Any,
    last: int,
    columns: Sequence[Column],
    totalled: list[int],
    sums: list[float],
) -> None:
    """A total row two rows below the data (outside the autofilter range): SUBTOTAL of
    the visible rows, so that filtering the table changes the total with it."""
    row = last + 2
    ws.write_string(row, 0, book.t("Total (rows shown)"), book.totals["text"])
    for c in totalled:
        letter = xl_col_to_name(c)
        ws.write_formula(
            row,
            c,
            f"=SUBTOTAL({SUBTOTAL_SUM},{letter}2:{letter}{last + 1})",
            book.totals[columns[c].kind],
            round(sums[c], 2),  # shown by programs that do not recalculate on opening
        )
