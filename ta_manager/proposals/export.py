"""The costed proposal as a workbook whose totals are live formulas.

- "Summary": priority area x year: direct cost, PSC, total, secured funding and gap;
- one sheet per priority area: each activity, its cost lines (amount = quantity x unit
  cost; a unit cost taken from a norm is a reference to its cell on the Norms sheet, so
  editing a norm recalculates every line costed from it), its total, and its phasing: the
  share of each year in its own editable cells ("Phasing % 2009"...), the yearly amounts
  computed from them;
- "Norms": the cost norms the lines were costed from;
- "Open points": missing norms (their lines are uncosted, marked UNCOSTED), ranges costed
  at both ends (low and high totals), money not converted for want of a rate, and the
  funding needs stated for the proposal or its priority areas.
When an officer edits a quantity in Excel every total follows; before any edit the
formulas compute exactly the service's totals. The only formulas are the ones written here:
every value from the proposal (titles, descriptions, units, names) is written as text
through ta_manager.spreadsheet_text, never as a formula.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ta_manager.locale import N_, gettext
from ta_manager.locale.labels import label
from ta_manager.proposals import service, store
from ta_manager.spreadsheet_text import write_cell
from ta_manager.workbook import openpyxl_sheets as styled
from ta_manager.workbook.sheet_names import sheet_name

MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.##"
BOLD = Font(bold=True)
LINE_HEADER = (
    N_("Activity"),
    N_("Category"),
    N_("Description"),
    N_("Quantity"),
    N_("Unit"),
    N_("Unit cost"),
    N_("Amount"),
    N_("Activity total"),
)
FIRST_YEAR_COL = len(LINE_HEADER) + 1  # column I
NORMS = "Norms"
NORM_COLUMNS = [
    ("item", N_("Item code")),
    ("item_words", N_("Item")),
    ("unit", N_("Unit")),
    ("unit_cost", N_("Unit cost")),
    ("currency", N_("Currency")),
    ("year", N_("Year")),
    ("region", N_("Region")),
    ("venue_region", N_("Venue region")),
    ("place", N_("Place")),
    ("grade", N_("Grade")),
    ("description", N_("Description")),
]
NORM_COST_COL = 4  # column D of the Norms sheet


def col(n: int) -> str:
    return get_column_letter(n)


def put(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """A value (text stays text, even '=...'); formulas go through `formula` instead."""
    return write_cell(ws, row, column, value)


def formula(ws: Worksheet, row: int, column: int, expression: str) -> Cell:
    """One of this module's own formulas (`expression` starts with '=')."""
    assert expression.startswith("=")
    cell = ws.cell(row, column)
    cell.value = expression
    cell.number_format = MONEY_FORMAT
    return cell


def _header(ws: Worksheet, row: int, values: list[Any]) -> None:
    for i, v in enumerate(values, start=1):
        put(ws, row, i, v).font = BOLD


def _unit_cost(
    ws: Worksheet, row: int, ln: Mapping[str, Any], norm_rows: Mapping[int, Any]
) -> None:
    """The unit cost: a reference to the norm's cell when the line took the norm's cost as
    it is (same currency, not typed by hand), else the number."""
    norm = norm_rows.get(ln.get("cost_norm_id") or 0)
    if (
        norm is not None
        and not ln["overridden"]
        and ln["unit_cost"] is not None
        and Decimal(str(norm["unit_cost"])) == Decimal(str(ln["unit_cost"]))
    ):
        formula(ws, row, 6, f"='{NORMS}'!${col(NORM_COST_COL)}${norm['row']}")
    else:
        put(ws, row, 6, ln["unit_cost"]).number_format = MONEY_FORMAT


def area_sheet(
    ws: Worksheet,
    code: str,
    name: str,
    years: list[int],
    activities: list[dict[str, Any]],
    lines: Mapping[int, list[dict[str, Any]]],
    norm_rows: Mapping[int, Any] | None = None,
    lang: str = "en",
) -> int:
    """Write one priority area's activities; returns the row of the sheet's total."""

    def t(message: str, **values: object) -> str:
        return gettext(message, lang, **values)

    norm_rows = norm_rows or {}
    put(ws, 1, 1, f"{name} ({code})").font = styled.TITLE
    n = len(years)
    phase_col = FIRST_YEAR_COL + n  # first "Phasing %" column
    norm_col = phase_col + n
    phasing = [t("Phasing %% %(year)s", year=y) for y in years]
    header = [*(t(h) for h in LINE_HEADER), *years, *phasing, t("Norm / needs answered")]
    _header(ws, 3, header)
    row = 4
    for a in activities:
        put(ws, row, 1, a["title"]).font = BOLD
        put(ws, row, 2, label("proposal_template", a["template"], lang))
        answers = t("Answers: %(needs)s", needs=", ".join(a["needs"])) if a["needs"] else ""
        put(ws, row, norm_col, answers)
        row += 1
        first = row
        for ln in lines.get(a["id"], []):
            put(ws, row, 2, label("cost_category", ln["category"], lang))
            put(ws, row, 3, ln["description"])
            put(ws, row, 4, ln["quantity"])
            put(ws, row, 5, label("cost_unit", ln["unit"], lang))
            _unit_cost(ws, row, ln, norm_rows)
            formula(ws, row, 7, f"=D{row}*F{row}")
            note = ln["norm_reference"] or (t("by hand") if ln["overridden"] else "")
            if ln["missing_norm"]:
                note = t("UNCOSTED: %(norm)s", norm=ln["missing_norm"])
            if ln["quantity_high"] is not None:
                note += " | " + t(
                    "range: quantity %(low)s to %(high)s",
                    low=ln["quantity"],
                    high=ln["quantity_high"],
                )
            put(ws, row, norm_col, note)
            row += 1
        last = row - 1
        put(ws, row, 1, t("Total: %(title)s", title=a["title"])).font = BOLD
        formula(ws, row, 8, f"=SUM(G{first}:G{last})" if last >= first else "=0")
        for i, year in enumerate(years):
            share = a["phasing"].get(year, Decimal(0))
            cell = put(ws, row, phase_col + i, share)  # the officer edits these
            cell.number_format = PERCENT_FORMAT
            cell.fill = styled.REQUIRED_FILL
            share_ref = f"{col(phase_col + i)}{row}"
            formula(ws, row, FIRST_YEAR_COL + i, f"=$H{row}*{share_ref}/100")
        row += 2
    put(ws, row, 1, t("Total %(code)s", code=code)).font = BOLD
    for c in range(7, FIRST_YEAR_COL + n):
        formula(ws, row, c, f"=SUM({col(c)}4:{col(c)}{row - 1})").font = BOLD
    styled.finish(ws, f"{name} ({code})", lang, header_row=3, key_columns=1, freeze=False)
    ws.freeze_panes = "B4"
    for c in range(4, FIRST_YEAR_COL + n):
        letter = col(c)
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, 14)
    return row


def summary_sheet(
    ws: Worksheet,
    proposal: Mapping[str, Any],
    years: list[int],
    areas: list[tuple[str, str, int, str]],
    secured: Mapping[tuple[str, int], Decimal],
    lang: str = "en",
) -> None:
    def t(message: str, **values: object) -> str:
        return gettext(message, lang, **values)

    put(ws, 1, 1, proposal["title"]).font = styled.TITLE
    put(
        ws,
        2,
        1,
        t(
            "Cycle %(start)s-%(end)s, %(currency)s",
            start=proposal["start_year"],
            end=proposal["end_year"],
            currency=proposal["currency"],
        ),
    )
    put(ws, 3, 1, t("Programme support cost rate (%)"))
    put(ws, 3, 2, proposal["psc_rate"]).fill = styled.REQUIRED_FILL
    n = len(years)
    total_col = 3 + n
    ycols = [col(3 + i) for i in range(n)]
    header_rows: list[int] = []

    def row_sum(r: int) -> None:
        formula(ws, r, total_col, f"=SUM({ycols[0]}{r}:{ycols[-1]}{r})")

    def section(title: str, r: int) -> int:
        put(ws, r, 1, title).font = BOLD
        _header(ws, r + 1, [t("Priority area"), t("Name"), *years, t("Total")])
        header_rows.append(r + 1)
        return r + 2

    def column_total(label: str, r: int, first: int, last: int) -> None:
        put(ws, r, 1, label).font = BOLD
        for i in [*range(3, 3 + n), total_col]:
            c = col(i)
            formula(ws, r, i, f"=SUM({c}{first}:{c}{last})" if last >= first else "=0").font = BOLD

    direct = t("Direct cost")
    r = section(direct, 5)
    direct_rows: dict[str, int] = {}
    first = r
    for code, name, total_row, sheet in areas:
        put(ws, r, 1, code)
        put(ws, r, 2, name)
        quoted = sheet.replace("'", "''")
        for i in range(n):
            formula(ws, r, 3 + i, f"='{quoted}'!{col(FIRST_YEAR_COL + i)}{total_row}")
        row_sum(r)
        direct_rows[code] = r
        r += 1
    subtotal = r
    column_total(direct, subtotal, first, subtotal - 1)
    psc = subtotal + 1
    put(ws, psc, 1, t("Programme support cost")).font = BOLD
    total = psc + 1
    put(ws, total, 1, t("Total cost")).font = BOLD
    for i in [*range(3, 3 + n), total_col]:
        c = col(i)
        formula(ws, psc, i, f"={c}{subtotal}*$B$3/100")
        formula(ws, total, i, f"={c}{subtotal}+{c}{psc}")

    funded = t("Secured funding")
    r = section(funded, total + 2)
    secured_rows: dict[str, int] = {}
    first = r
    for code, name, _, _ in areas:
        put(ws, r, 1, code)
        put(ws, r, 2, name)
        for i, year in enumerate(years):
            put(ws, r, 3 + i, secured.get((code, year), Decimal(0))).number_format = MONEY_FORMAT
        row_sum(r)
        secured_rows[code] = r
        r += 1
    column_total(funded, r, first, r - 1)

    gap = t("Gap")
    r = section(gap, r + 2)
    put(ws, r - 2, 2, t("total cost with PSC less secured funding"))
    first = r
    for code, name, _, _ in areas:
        put(ws, r, 1, code)
        put(ws, r, 2, name)
        d, s = direct_rows[code], secured_rows[code]
        for i in range(3, 3 + n):
            c = col(i)
            formula(ws, r, i, f"={c}{d}+{c}{d}*$B$3/100-{c}{s}")
        row_sum(r)
        r += 1
    column_total(gap, r, first, r - 1)
    for hr in header_rows:
        styled.header_cells(ws, hr)
    styled.column_widths(ws, header_rows=header_rows, maximum=44)
    ws.column_dimensions["A"].width = 30
    for number in range(3, total_col + 1):  # every total shows whole, never ###
        letter = col(number)
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, 16)
    styled.page_setup(ws, proposal["title"], lang, landscape=n > 3)


def norms_sheet(ws: Worksheet, norms: list[dict[str, Any]], lang: str = "en") -> None:
    """The norms the lines were costed from; their unit costs are the cells the lines use."""
    _header(ws, 1, [gettext(h, lang) for _, h in NORM_COLUMNS])
    for r, n in enumerate(norms, start=2):
        shown = {
            **n,
            "item_words": label("cost_item", n["item"], lang),
            "unit": label("cost_unit", n["unit"], lang),
        }
        for c, (key, _) in enumerate(NORM_COLUMNS, start=1):
            cell = put(ws, r, c, shown[key])
            if key == "unit_cost":
                cell.number_format = MONEY_FORMAT
                cell.fill = styled.REQUIRED_FILL  # edit a norm here: its lines follow
    styled.finish(ws, gettext("Cost norms", lang), lang, header_row=1, key_columns=2)


def open_points_sheet(ws: Worksheet, doc: Mapping[str, Any], lang: str = "en") -> None:
    """What the totals do not hold yet: uncosted lines, ranges, unconverted money, needs."""

    def t(message: str) -> str:
        return gettext(message, lang)

    row = 1
    put(ws, row, 1, t(N_("Missing cost norms (their lines are uncosted)"))).font = BOLD
    for m in doc["missing_norms"] or [
        {"norm": t(N_("none: every line is costed")), "activities": []}
    ]:
        row += 1
        put(ws, row, 1, m["norm"])
        put(ws, row, 2, "; ".join(m["activities"]))
    row += 2
    put(ws, row, 1, t(N_("Ranges: direct cost at the low and the high end"))).font = BOLD
    high = doc.get("totals_high")
    if high is None:
        row += 1
        put(ws, row, 1, t(N_("none: no quantity is a range")))
    else:
        for a in doc["activities"]:
            if a.get("total_high") != a["total"]:
                row += 1
                put(ws, row, 1, a["title"])
                put(ws, row, 2, a["total"]).number_format = MONEY_FORMAT
                put(ws, row, 3, a["total_high"]).number_format = MONEY_FORMAT
        row += 1
        put(ws, row, 1, t(N_("Total with PSC"))).font = BOLD
        put(ws, row, 2, doc["totals"]["total"]).number_format = MONEY_FORMAT
        put(ws, row, 3, high["total"]).number_format = MONEY_FORMAT
    row += 2
    put(
        ws, row, 1, t(N_("Money not converted (no exchange rate), not in secured funding"))
    ).font = BOLD
    for u in doc["unconverted_funding"] or [
        {"source": t(N_("none")), "amount": None, "currency": ""}
    ]:
        row += 1
        put(ws, row, 1, u["source"])
        put(ws, row, 2, u["amount"]).number_format = MONEY_FORMAT
        put(ws, row, 3, u["currency"])
    row += 2
    put(
        ws, row, 1, t(N_("Funding needs stated for the proposal or its priority areas"))
    ).font = BOLD
    for f in doc["funding_needs"] or [{"code": t(N_("none")), "title": "", "amount": None}]:
        row += 1
        put(ws, row, 1, f"{f['code']}: {f['title']}" if f["title"] else f["code"])
        put(ws, row, 2, f["amount"]).number_format = MONEY_FORMAT
        put(ws, row, 3, f.get("currency") or "")
        cited = "; ".join(s["document"] + (f" para {s['paragraph']}" if s["paragraph"] else "")
                          for s in f.get("sources") or [])  # fmt: skip
        put(ws, row, 4, cited)
    ws.column_dimensions["A"].width = 60
    ws.column_dimensions["B"].width = 30
    ws.column_dimensions["C"].width = 18
    ws.column_dimensions["D"].width = 40
    for cells in ws.iter_rows(min_col=1, max_col=4):
        for cell in cells:
            cell.alignment = styled.WRAP
    styled.page_setup(ws, t(N_("Open points")), lang)


async def proposal_workbook(proposal_id: int, lang: str = "en") -> bytes:
    """The proposal's workbook in `lang` (priority areas named in it)."""
    from ta_manager.reference.names import reference_names

    proposal, activities, lines = await service.contents(proposal_id)
    figures = await service.figures(proposal_id)
    years = list(range(proposal["start_year"], proposal["end_year"] + 1))
    secured = {
        (b["priority_area"], y): blk.get("secured", Decimal(0))
        for b in figures["by_priority_area"]
        for y, blk in b["years"].items()
    }
    named = await reference_names(lang)
    names = {
        b["priority_area"]: named.priority_area(b["priority_area"] or "", b["name"])
        for b in figures["by_priority_area"]
    }
    norms = await store.norms_used(proposal_id)
    norm_rows = {n["id"]: {**n, "row": r} for r, n in enumerate(norms, start=2)}
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = sheet_name(gettext("Summary", lang))
    taken = [summary.title, NORMS]
    areas: list[tuple[str, str, int, str]] = []
    for code in sorted(names):
        mine = [a for a in activities if a["priority_area"] == code]
        title = sheet_name(code, taken)
        taken.append(title)
        ws = wb.create_sheet(title)
        total_row = area_sheet(ws, code, names[code], years, mine, lines, norm_rows, lang)
        areas.append((code, names[code], total_row, title))
    summary_sheet(summary, proposal, years, areas, secured, lang)
    norms_sheet(wb.create_sheet(NORMS), norms, lang)
    points = wb.create_sheet(sheet_name(gettext("Open points", lang), taken))
    open_points_sheet(points, await service.document(proposal_id), lang)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
