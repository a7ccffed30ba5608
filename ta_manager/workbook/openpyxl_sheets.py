"""The shared style applied by openpyxl: the costed proposal (its formulas are tested with
openpyxl), the import templates and the marked-up import files (edited in place).

`finish` gives a sheet what every report sheet has: header cells bold on the header fill
and wrapped, widths from the content (numbers and formulas never shown as `###`), frozen
header rows and key columns, and a page setup (orientation from the width, fit to the page
width, repeated title rows and key columns, the title in the page header, "Page n of m" in
the footer).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ta_manager.locale import formats, gettext
from ta_manager.workbook import style, widths

HEADER_FILL = PatternFill("solid", start_color=style.HEADER_FILL, end_color=style.HEADER_FILL)
REQUIRED_FILL = PatternFill("solid", start_color=style.REQUIRED_FILL, end_color=style.REQUIRED_FILL)
GROUP_FILL = PatternFill("solid", start_color=style.GROUP_FILL, end_color=style.GROUP_FILL)
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=style.TITLE_SIZE)
WRAP = Alignment(wrap_text=True, vertical="top")
FORMULA_WIDTH = 16.0  # a money formula: up to 999,999,999.99 shows whole


def header_cells(ws: Worksheet, row: int, first: int = 1, last: int | None = None) -> None:
    """Bold, filled, wrapped header cells of one row."""
    for cell in ws[row][first - 1 : last]:
        if cell.value in (None, ""):
            continue
        cell.font = BOLD
        if cell.fill is None or cell.fill.fgColor.rgb in (None, "00000000"):
            cell.fill = HEADER_FILL
        cell.alignment = WRAP


def column_widths(
    ws: Worksheet, header_rows: Sequence[int] = (), maximum: float = widths.MAX_TEXT_WIDTH
) -> list[float]:
    """Set each column's width from its cells (headers wrap over up to three lines, long
    text wraps); returns the widths."""
    found: dict[int, float] = {}
    for row in ws.iter_rows():
        for cell in row:
            value = cell.value
            if value is None or value == "":
                continue
            c = cell.column
            if isinstance(c, str):  # merged cells
                continue
            if cell.row in header_rows:
                need = widths.header_width(str(value)) + widths.PADDING
            elif isinstance(value, str) and value.startswith("=") and cell.data_type == "f":
                need = FORMULA_WIDTH
            elif isinstance(value, int | float) and not isinstance(value, bool):
                kind = "money" if "0.00" in (cell.number_format or "") else "number"
                need = max(widths.value_width(value, kind) + widths.PADDING, 8.0)
            elif isinstance(value, dt.date):
                need = widths.DATE_WIDTH + widths.PADDING
            else:
                text = widths.longest_line(str(value)) + widths.PADDING
                need = min(text, maximum)
                if text > maximum:
                    cell.alignment = WRAP
            found[c] = max(found.get(c, widths.MIN_WIDTH), need)
    for c, width in found.items():
        ws.column_dimensions[get_column_letter(c)].width = math.ceil(width)
    return [found.get(c, widths.MIN_WIDTH) for c in range(1, (max(found) if found else 0) + 1)]


def page_setup(
    ws: Worksheet,
    title: str,
    lang: str = "en",
    title_rows: tuple[int, int] | None = None,
    key_columns: int = 0,
    width: float | None = None,
    landscape: bool | None = None,
) -> None:
    """Print setup: A4, orientation from the width, fit to the page width, `title_rows`
    (1-based, inclusive) and the first `key_columns` repeated, title and page numbers."""
    if width is None:
        width = sum((d.width or 9.0) for d in ws.column_dimensions.values() if not d.hidden)
    setup = style.PageSetup(title=title, width=width, landscape=landscape)
    ws.page_setup.paperSize = style.PAPER_A4
    ws.page_setup.orientation = "landscape" if setup.is_landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = setup.pages_wide
    ws.page_setup.fitToHeight = 0
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top, ws.page_margins.bottom = 0.7, 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.3
    if title_rows is not None:
        ws.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"
    if key_columns:
        ws.print_title_cols = f"A:{get_column_letter(key_columns)}"
    ws.oddHeader.left.text = title.replace("&", "&&")
    ws.oddHeader.left.font = "-,Bold"
    ws.oddHeader.left.size = 11
    generated = formats.day(dt.date.today(), lang)
    ws.oddFooter.left.text = f" {generated}"  # never "&8" + "2 Dec": size 82
    ws.oddFooter.left.size = 8
    ws.oddFooter.center.text = gettext("Page %(page)s of %(pages)s", lang, page="&P", pages="&N")
    ws.oddFooter.center.size = 8
    ws.oddFooter.right.text = "&A"
    ws.oddFooter.right.size = 8


def finish(
    ws: Worksheet,
    title: str,
    lang: str = "en",
    header_row: int = 1,
    key_columns: int = 1,
    landscape: bool | None = None,
    freeze: bool = True,
) -> None:
    """Header style, widths from content, frozen header and key columns, page setup."""
    header_cells(ws, header_row)
    sizes = column_widths(ws, header_rows=(header_row,))
    if freeze:
        ws.freeze_panes = f"{get_column_letter(key_columns + 1)}{header_row + 1}"
    page_setup(
        ws,
        title,
        lang,
        title_rows=(header_row, header_row) if header_row else None,
        key_columns=key_columns,
        width=sum(sizes),
        landscape=landscape,
    )
