"""The costed proposal as a workbook whose totals are live formulas.

- "Summary": priority area x year: direct cost, PSC, total, secured funding and gap;
- one sheet per priority area: each activity, its cost lines (amount = quantity x unit
  cost), its total and its phasing by year;
- "Norms": the cost norms the lines were costed from;
- "Open points": missing norms (their lines are uncosted, marked UNCOSTED), ranges costed
  at both ends (low and high totals), money not converted for want of a rate, and the
  funding needs stated for the proposal or its priority areas.
When an officer edits a quantity in Excel every total follows; before any edit the
formulas compute exactly the service's totals.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ta_manager.proposals import service, store

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


def _header(ws: Worksheet, row: int, values: list[Any]) -> None:
    for i, v in enumerate(values, start=1):
        ws.cell(row, i, v).font = BOLD


def area_sheet(
    ws: Worksheet,
    code: str,
    name: str,
    years: list[int],
    activities: list[dict[str, Any]],
    lines: Mapping[int, list[dict[str, Any]]],
) -> int:
    """Write one priority area's activities; returns the row of the sheet's total."""
    ws.cell(1, 1, f"{code} {name}").font = BOLD
    norm_col = FIRST_YEAR_COL + len(years)
    _header(ws, 3, [*LINE_HEADER, *years, "Norm / needs answered"])
    row = 4
    for a in activities:
        ws.cell(row, 1, a["title"]).font = BOLD
        ws.cell(row, 2, a["template"])
        ws.cell(row, norm_col, "Answers: " + ", ".join(a["needs"]) if a["needs"] else "")
        row += 1
        first = row
        for ln in lines.get(a["id"], []):
            ws.cell(row, 2, ln["category"])
            ws.cell(row, 3, ln["description"])
            ws.cell(row, 4, ln["quantity"])
            ws.cell(row, 5, ln["unit"])
            ws.cell(row, 6, ln["unit_cost"]).number_format = MONEY_FORMAT
            ws.cell(row, 7, f"=D{row}*F{row}").number_format = MONEY_FORMAT
            note = ln["norm_reference"] or ("by hand" if ln["overridden"] else "")
            if ln["missing_norm"]:
                note = f"UNCOSTED: {ln['missing_norm']}"
            if ln["quantity_high"] is not None:
                note += f" | range: quantity {ln['quantity']} to {ln['quantity_high']}"
            ws.cell(row, norm_col, note)
            row += 1
        last = row - 1
        ws.cell(row, 1, f"Total: {a['title']}").font = BOLD
        total = f"=SUM(G{first}:G{last})" if last >= first else "=0"
        ws.cell(row, 8, total).number_format = MONEY_FORMAT
        for i, year in enumerate(years):
            share = a["phasing"].get(year, Decimal(0))
            cell = ws.cell(row, FIRST_YEAR_COL + i, f"=$H{row}*{share}/100")
            cell.number_format = MONEY_FORMAT
        row += 2
    ws.cell(row, 1, f"Total {code}").font = BOLD
    for c in range(7, FIRST_YEAR_COL + len(years)):
        cell = ws.cell(row, c, f"=SUM({col(c)}4:{col(c)}{row - 1})")
        cell.number_format = MONEY_FORMAT
        cell.font = BOLD
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
    ws.cell(1, 1, proposal["title"]).font = BOLD
    ws.cell(2, 1, f"Cycle {proposal['start_year']}-{proposal['end_year']}, {proposal['currency']}")
    ws.cell(3, 1, "Programme support cost rate (%)")
    ws.cell(3, 2, proposal["psc_rate"])
    n = len(years)
    total_col = 3 + n
    ycols = [col(3 + i) for i in range(n)]

    def row_sum(r: int) -> None:
        cell = ws.cell(r, total_col, f"=SUM({ycols[0]}{r}:{ycols[-1]}{r})")
        cell.number_format = MONEY_FORMAT

    def section(title: str, r: int) -> int:
        ws.cell(r, 1, title).font = BOLD
        _header(ws, r + 1, ["Priority area", "Name", *years, "Total"])
        return r + 2

    def column_total(label: str, r: int, first: int, last: int) -> None:
        ws.cell(r, 1, label).font = BOLD
        for c in [*ycols, col(total_col)]:
            cell = ws[f"{c}{r}"]
            cell.value = f"=SUM({c}{first}:{c}{last})" if last >= first else "=0"
            cell.number_format = MONEY_FORMAT
            cell.font = BOLD

    r = section("Direct cost", 5)
    direct_rows: dict[str, int] = {}
    first = r
    for code, name, total_row in areas:
        ws.cell(r, 1, code)
        ws.cell(r, 2, name)
        for i in range(n):
            src = f"='{code}'!{col(FIRST_YEAR_COL + i)}{total_row}"
            ws.cell(r, 3 + i, src).number_format = MONEY_FORMAT
        row_sum(r)
        direct_rows[code] = r
        r += 1
    subtotal = r
    column_total("Direct cost", subtotal, first, subtotal - 1)
    psc = subtotal + 1
    ws.cell(psc, 1, "Programme support cost").font = BOLD
    total = psc + 1
    ws.cell(total, 1, "Total cost").font = BOLD
    for c in [*ycols, col(total_col)]:
        ws[f"{c}{psc}"] = f"={c}{subtotal}*$B$3/100"
        ws[f"{c}{total}"] = f"={c}{subtotal}+{c}{psc}"
        ws[f"{c}{psc}"].number_format = ws[f"{c}{total}"].number_format = MONEY_FORMAT

    r = section("Secured funding", total + 2)
    secured_rows: dict[str, int] = {}
    first = r
    for code, name, _ in areas:
        ws.cell(r, 1, code)
        ws.cell(r, 2, name)
        for i, year in enumerate(years):
            cell = ws.cell(r, 3 + i, secured.get((code, year), Decimal(0)))
            cell.number_format = MONEY_FORMAT
        row_sum(r)
        secured_rows[code] = r
        r += 1
    column_total("Secured funding", r, first, r - 1)

    r = section("Gap", r + 2)
    ws.cell(r - 2, 3, "total cost with PSC less secured funding")
    first = r
    for code, name, _ in areas:
        ws.cell(r, 1, code)
        ws.cell(r, 2, name)
        d, s = direct_rows[code], secured_rows[code]
        for c in ycols:
            ws[f"{c}{r}"] = f"={c}{d}+{c}{d}*$B$3/100-{c}{s}"
            ws[f"{c}{r}"].number_format = MONEY_FORMAT
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
            ws.cell(r, c, n[key])


def open_points_sheet(ws: Worksheet, doc: Mapping[str, Any]) -> None:
    """What the totals do not hold yet: uncosted lines, ranges, unconverted money, needs."""
    row = 1
    ws.cell(row, 1, "Missing cost norms (their lines are uncosted)").font = BOLD
    for m in doc["missing_norms"] or [{"norm": "none: every line is costed", "activities": []}]:
        row += 1
        ws.cell(row, 1, m["norm"])
        ws.cell(row, 2, "; ".join(m["activities"]))
    row += 2
    ws.cell(row, 1, "Ranges: direct cost at the low and the high end").font = BOLD
    high = doc.get("totals_high")
    if high is None:
        row += 1
        ws.cell(row, 1, "none: no quantity is a range")
    else:
        for a in doc["activities"]:
            if a.get("total_high") != a["total"]:
                row += 1
                ws.cell(row, 1, a["title"])
                ws.cell(row, 2, a["total"]).number_format = MONEY_FORMAT
                ws.cell(row, 3, a["total_high"]).number_format = MONEY_FORMAT
        row += 1
        ws.cell(row, 1, "Total with PSC").font = BOLD
        ws.cell(row, 2, doc["totals"]["total"]).number_format = MONEY_FORMAT
        ws.cell(row, 3, high["total"]).number_format = MONEY_FORMAT
    row += 2
    ws.cell(row, 1, "Money not converted (no exchange rate), not in secured funding").font = BOLD
    for u in doc["unconverted_funding"] or [{"source": "none", "amount": None, "currency": ""}]:
        row += 1
        ws.cell(row, 1, u["source"])
        ws.cell(row, 2, u["amount"]).number_format = MONEY_FORMAT
        ws.cell(row, 3, u["currency"])
    row += 2
    ws.cell(row, 1, "Funding needs stated for the proposal or its priority areas").font = BOLD
    for f in doc["funding_needs"] or [{"code": "none", "title": "", "amount": None}]:
        row += 1
        ws.cell(row, 1, f"{f['code']}: {f['title']}" if f["title"] else f["code"])
        ws.cell(row, 2, f["amount"]).number_format = MONEY_FORMAT
        ws.cell(row, 3, f.get("currency") or "")
        cited = "; ".join(s["document"] + (f" para {s['paragraph']}" if s["paragraph"] else "")
                          for s in f.get("sources") or [])  # fmt: skip
        ws.cell(row, 4, cited)
    ws.column_dimensions["A"].width = 60
    ws.column_dimensions["B"].width = 30
    ws.column_dimensions["C"].width = 18
    ws.column_dimensions["D"].width = 40


async def proposal_workbook(proposal_id: int) -> bytes:
    proposal, activities, lines = await service.contents(proposal_id)
    figures = await service.figures(proposal_id)
    years = list(range(proposal["start_year"], proposal["end_year"] + 1))
    secured = {
        (b["priority_area"], y): blk.get("secured", Decimal(0))
        for b in figures["by_priority_area"]
        for y, blk in b["years"].items()
    }
    names = {b["priority_area"]: b["name"] for b in figures["by_priority_area"]}
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
