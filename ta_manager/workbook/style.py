"""Colours, fonts, number and date formats, and page setup shared by every workbook.

Numbers use Excel's own formats (`#,##0.00`): the spreadsheet program shows them with the
reader's separators. Dates are real Excel dates shown `12 Sep 2007`, with the month name of
the workbook's language (an Excel locale prefix, `[$-40C]` for French), so they sort and
filter as dates and read as words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ta_manager.locale import gettext

FONT_NAME = "Calibri"
FONT_SIZE = 10
TITLE_SIZE = 14
HEADER_FILL = "DDEBF7"  # table headers
GROUP_FILL = "F2F2F2"  # group rows (a region in the matrix), totals
REQUIRED_FILL = "FFE699"  # template headers of required columns
BAD_FILL = "FFC7CE"  # a refused cell of an import
NOTE_COLOUR = "595959"  # grey text: notes, codes beside names
STATUS_FILLS = {
    "met": "C6EFCE",
    "partly": "FFEB9C",
    "unmet": "FFC7CE",
    "none": "F2F2F2",
}

NUMBER_FORMATS: dict[str, str] = {
    "int": "#,##0",
    "number": "#,##0.##",
    "money": "#,##0.00",
    "rate": "0.000000",
    "percent": "0.0%",
}
# Excel locale ids (LCID) of the month names in dates.
DATE_LOCALES = {"en": "809", "fr": "40C", "es": "C0A"}


def date_format(lang: str = "en") -> str:
    """`12 Sep 2007`, `12 sept. 2007`, `12 sept. 2007`: an Excel date in the language."""
    return f"[$-{DATE_LOCALES.get(lang, '809')}]d mmm yyyy"


# Printable width of an A4 page, in Excel's column-width units (characters of the default
# font), at 100%: portrait ~ 95, landscape ~ 140. A sheet is scaled to fit its width; wider
# than MAX_PAGE_WIDTH it spreads over several pages across, its key columns repeated.
PORTRAIT_WIDTH = 95
LANDSCAPE_WIDTH = 140
MAX_PAGE_WIDTH = 400
PAPER_A4 = 9  # Excel's paper size code


@dataclass(frozen=True)
class PageSetup:
    """How one sheet prints.

    `title_rows` and `key_columns` are 0-based inclusive ranges repeated on every page;
    `width` is the sum of the column widths (decides orientation and pages across)."""

    title: str
    filters: str = ""
    width: float = 0
    title_rows: tuple[int, int] | None = (0, 0)
    key_columns: tuple[int, int] | None = None
    landscape: bool | None = None  # None: from the width

    @property
    def is_landscape(self) -> bool:
        if self.landscape is not None:
            return self.landscape
        return self.width > PORTRAIT_WIDTH

    @property
    def pages_wide(self) -> int:
        """Pages across: 1 unless the sheet is too wide to read at one page's width."""
        return max(1, math.ceil(self.width / MAX_PAGE_WIDTH))


def _escape(text: str) -> str:
    """Header/footer text: '&' starts a code, so a literal one is doubled; a text starting
    with a digit right after a font-size code would change the size ("&8" + "2 Dec" reads
    "&82"), so it is set apart by a space."""
    text = text.replace("&", "&&")
    return f" {text}" if text[:1].isdigit() else text


def header_text(setup: PageSetup, limit: int = 250) -> str:
    """Title on the left (bold), the filters on the right; Excel allows 255 characters."""
    title = _escape(setup.title)
    left = f'&L&"-,Bold"&11{title}'
    if not setup.filters:
        return left[:limit]
    room = limit - len(left) - 4
    filters = _escape(setup.filters)
    if len(filters) > room:
        filters = filters[: max(room - 1, 0)].rstrip("&") + "…"
    return f"{left}&R&9{filters}"


def footer_text(generated: str, lang: str = "en") -> str:
    """Generated-at on the left, "Page 2 of 5" in the centre, the sheet name on the right."""
    page = gettext("Page %(page)s of %(pages)s", lang, page="&P", pages="&N")
    return f"&L&8{_escape(generated)}&C&8{page}&R&8&A"
