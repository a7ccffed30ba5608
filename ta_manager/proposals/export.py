"""The costed proposal as a workbook whose totals are live formulas.

- "Summary": priority area x year: direct cost, PSC, total, secured funding and gap;
- one sheet per priority area: each activity, its cost lines (amount = quantity x unit
  cost), its total and its phasing by year;
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

from ta_manager.proposals import service, store
from ta_manager.spreadsheet_text import write_cell

MONEY_FORMAT = "#,##0.00"
BOLD = Font(bold=True)
LINE_HEADER = (
    "Activity",
    "Category",
    "Description",
    "Quantity",
    "Unit",
    "Unit cost",
    "Amount",
    "Activity total",
)
FIRST_YEAR_COL = len(LINE_HEADER) + 1  # column I


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


def area_sheet(
    ws: Worksheet,
    code: str,
    name: str,
    years: list[int],
    activities: list[dict[str, Any]],
    lines: Mapping[int, list[dict[str, Any]]],
) -> int:
    """Write one priority area's activities; returns the row of the sheet's total."""
    put(ws, 1, 1, f"{code} {name}").font = BOLD
    norm_col = FIRST_YEAR_COL + len(years)
    _header(ws, 3, [*LINE_HEADER, *years, "Norm / needs answered"])
    row = 4
    for a in activities:
        put(ws, row, 1, a["title"]).font = BOLD
        put(ws, row, 2, a["template"])
        put(ws, row, norm_col, "Answers: " + ", ".join(a["needs"]) if a["needs"] else "")
        row += 1
        first = row
        for ln in lines.get(a["id"], []):
            put(ws, row, 2, ln["category"])
            put(ws, row, 3, ln["description"])
            put(ws, row, 4, ln["quantity"])
            put(ws, row, 5, ln["unit"])
            put(ws, row, 6, ln["unit_cost"]).number_format = MONEY_FORMAT
            formula(ws, row, 7, f"=D{row}*F{row}")
            note = ln["norm_reference"] or ("by hand" if ln["overridden"] else "")
            if ln["missing_norm"]:
                note = f"UNCOSTED: {ln['missing_norm']}"
            if ln["quantity_high"] is not None:
                note += f" | range: quantity {ln['quantity']} to {ln['quantity_high']}"
            put(ws, row, norm_col, note)
            row += 1
        last = row - 1
        put(ws, row, 1, f"Total: {a['title']}").font = BOLD
        formula(ws, row, 8, f"=SUM(G{first}:G{last})" if last >= first else "=0")
        for i, year in enumerate(years):
            share = a["phasing"].get(year, Decimal(0))
            formula(ws, row, FIRST_YEAR_COL + i, f"=$H{row}*{share}/100")
        row += 2
    put(ws, row, 1, f"Total {code}").font = BOLD
    for c in range(7, FIRST_YEAR_COL + len(years)):
        formula(ws, row, c, f"=SUM({col(c)}4:{col(c)}{row - 1})").font = BOLD
    ws.column_dimensions["A"].width = 50
    ws.column_dimensions["C"].width = 50
    return row


def summary_sheet(
    ws: Worksheet,
    proposal: Mapping[str, Any],
    years: list[int],
    areas: list[tuple[str, str, int]],
    secured: Mapping[tuple[str, int], Decimal],
) -> None:
    put(ws, 1, 1, proposal["title"]).font = BOLD
    put(ws, 2, 1, f"Cycle {proposal['start_year']}-{proposal['end_year']}, {proposal['currency']}")
    put(ws, 3, 1, "Programme support cost rate (%)")
    put(ws, 3, 2, proposal["psc_rate"])
    n = len(years)
    total_col = 3 + n
    ycols = [col(3 + i) for i in range(n)]

    def row_sum(r: int) -> None:
        formula(ws, r, total_col, f"=SUM({ycols[0]}{r}:{ycols[-1]}{r})")

    def section(title: str, r: int) -> int:
        put(ws, r, 1, title).font = BOLD
        _header(ws, r + 1, ["Priority area", "Name", *years, "Total"])
        return r + 2

    def column_total(label: str, r: int, first: int, last: int) -> None:
        put(ws, r, 1, label).font = BOLD
        for i in [*range(3, 3 + n), total_col]:
            c = col(i)
            formula(ws, r, i, f"=SUM({c}{first}:{c}{last})" if last >= first else "=0").font = BOLD

    r = section("Direct cost", 5)
    direct_rows: dict[str, int] = {}
    first = r
    for code, name, total_row in areas:
        put(ws, r, 1, code)
        put(ws, r, 2, name)
        for i in range(n):
            formula(ws, r, 3 + i, f"='{code}'!{col(FIRST_YEAR_COL + i)}{total_row}")
        row_sum(r)
        direct_rows[code] = r
        r += 1
    subtotal = r
    column_total("Direct cost", subtotal, first, subtotal - 1)
    psc = subtotal + 1
    put(ws, psc, 1, "Programme support cost").font = BOLD
    total = psc + 1
    put(ws, total, 1, "Total cost").font = BOLD
    for i in [*range(3, 3 + n), total_col]:
        c = col(i)
        formula(ws, psc, i, f"={c}{subtotal}*$B$3/100")
        formula(ws, total, i, f"={c}{subtotal}+{c}{psc}")

    r = section("Secured funding", total + 2)
    secured_rows: dict[str, int] = {}
    first = r
    for code, name, _ in areas:
        put(ws, r, 1, code)
        put(ws, r, 2, name)
        for i, year in enumerate(years):
            put(ws, r, 3 + i, secured.get((code, year), Decimal(0))).number_format = MONEY_FORMAT
        row_sum(r)
        secured_rows[code] = r
        r += 1
    column_total("Secured funding", r, first, r - 1)

    r = section("Gap", r + 2)
    put(ws, r - 2, 3, "total cost with PSC less secured funding")
    first = r
    for code, name, _ in areas:
        put(ws, r, 1, code)
        put(ws, r, 2, name)
        d, s = direct_rows[code], secured_rows[code]
        for i in range(3, 3 + n):
            c = col(i)
            formula(ws, r, i, f"={c}{d}+{c}{d}*$B$3/100-{c}{s}")
        row_sum(r)
        r += 1
    column_total("Gap", r, first, r - 1)
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 44


def norms_sheet(ws: Worksheet, norms: list[dict[str, Any]]) -> None:
    columns = ["item", "unit", "unit_cost", "currency", "year", "region", "venue_region"]
    columns += ["place", "grade", "description"]
    _header(ws, 1, columns)
    for r, n in enumerate(norms, start=2):
        for c, key in enumerate(columns, start=1):
            put(ws, r, c, n[key])


def open_points_sheet(ws: Worksheet, doc: Mapping[str, Any]) -> None:
    """What the totals do not hold yet: uncosted lines, ranges, unconverted money, needs."""
    row = 1
    put(ws, row, 1, "Missing cost norms (their lines are uncosted)").font = BOLD
    for m in doc["missing_norms"] or [{"norm": "none: every line is costed", "activities": []}]:
        row += 1
        put(ws, row, 1, m["norm"])
        put(ws, row, 2, "; ".join(m["activities"]))
    row += 2
    put(ws, row, 1, "Ranges: direct cost at the low and the high end").font = BOLD
    high = doc.get("totals_high")
    if high is None:
        row += 1
        put(ws, row, 1, "none: no quantity is a range")
    else:
        for a in doc["activities"]:
            if a.get("total_high") != a["total"]:
                row += 1
                put(ws, row, 1, a["title"])
                put(ws, row, 2, a["total"]).number_format = MONEY_FORMAT
                put(ws, row, 3, a["total_high"]).number_format = MONEY_FORMAT
        row += 1
        put(ws, row, 1, "Total with PSC").font = BOLD
        put(ws, row, 2, doc["totals"]["total"]).number_format = MONEY_FORMAT
        put(ws, row, 3, high["total"]).number_format = MONEY_FORMAT
    row += 2
    put(ws, row, 1, "Money not converted (no exchange rate), not in secured funding").font = BOLD
    for u in doc["unconverted_funding"] or [{"source": "none", "amount": None, "currency": ""}]:
        row += 1
        put(ws, row, 1, u["source"])
        put(ws, row, 2, u["amount"]).number_format = MONEY_FORMAT
        put(ws, row, 3, u["currency"])
    row += 2
    put(ws, row, 1, "Funding needs stated for the proposal or its priority areas").font = BOLD
    for f in doc["funding_needs"] or [{"code": "none", "title": "", "amount": None}]:
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


async def proposal_workbook(proposal_id: int, *, lang: str = "en") -> bytes:
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
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = "Summary"
    areas: list[tuple[str, str, int]] = []
    for code in sorted(names):
        mine = [a for a in activities if a["priority_area"] == code]
        ws = wb.create_sheet(code)
        areas.append((code, names[code], area_sheet(ws, code, names[code], years, mine, lines)))
    summary_sheet(summary, proposal, years, areas, secured)
    norms_sheet(wb.create_sheet("Norms"), await store.norms_used(proposal_id))
    open_points_sheet(wb.create_sheet("Open points"), await service.document(proposal_id))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
