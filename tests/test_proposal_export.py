"""The workbook's live formulas compute the same totals as the API.

The test evaluates every formula itself: SUM ranges are summed from the cell values read
with openpyxl, products and references are followed to the cells they name.
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from openpyxl import Workbook, load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

from ta_manager.cost_norms.seed import seed_example_norms
from ta_manager.database import sql

D = Decimal
TOKEN = re.compile(
    r"\s*(?:(?P<ref>(?:'[^']+'!)?\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)"
    r"|(?P<num>\d+(?:\.\d+)?)|(?P<fn>SUM)\(|(?P<op>[-+*/(),]))"
)


class Formulas:
    """Just enough of a spreadsheet to evaluate SUM, + - * /, numbers and cell references."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb

    def cell(self, sheet: str, ref: str) -> Decimal:
        value = self.wb[sheet][ref.replace("$", "")].value
        if value is None or value == "":
            return D(0)
        if isinstance(value, str) and value.startswith("="):
            return self.formula(sheet, value[1:])
        if isinstance(value, int | float | Decimal):
            return D(str(value))
        return D(0)  # labels inside a SUM range count as nothing, as in Excel

    def cells(self, sheet: str, ref: str) -> list[Decimal]:
        if "!" in ref:
            name, ref = ref.rsplit("!", 1)
            sheet = name.strip("'")
        ref = ref.replace("$", "")
        if ":" not in ref:
            return [self.cell(sheet, ref)]
        a, b = ref.split(":")
        ca, ra = re.match(r"([A-Z]+)(\d+)", a).groups()  # type: ignore[union-attr]
        cb, rb = re.match(r"([A-Z]+)(\d+)", b).groups()  # type: ignore[union-attr]
        return [
            self.cell(sheet, f"{get_column_letter(c)}{r}")
            for c in range(column_index_from_string(ca), column_index_from_string(cb) + 1)
            for r in range(int(ra), int(rb) + 1)
        ]

    def formula(self, sheet: str, text: str) -> Decimal:
        tokens = [m for m in TOKEN.finditer(text) if m.group().strip()]
        assert "".join(m.group().strip() for m in tokens) == text.replace(" ", ""), text
        pos = 0

        def peek() -> str | None:
            return tokens[pos].group().strip() if pos < len(tokens) else None

        def take() -> re.Match[str]:
            nonlocal pos
            pos += 1
            return tokens[pos - 1]

        def expr() -> Decimal:
            value = term()
            while peek() in ("+", "-"):
                op = take().group().strip()
                value = value + term() if op == "+" else value - term()
            return value

        def term() -> Decimal:
            value = factor()
            while peek() in ("*", "/"):
                op = take().group().strip()
                value = value * factor() if op == "*" else value / factor()
            return value

        def factor() -> Decimal:
            t = take()
            if t.group("num"):
                return D(t.group("num"))
            if t.group("ref"):
                return self.cells(sheet, t.group("ref"))[0]
            if t.group("fn"):
                total = D(0)
                while True:
                    arg = take()
                    total += sum(self.cells(sheet, arg.group("ref")), D(0))
                    if take().group().strip() == ")":
                        return total
            if t.group().strip() == "-":
                return -factor()
            assert t.group().strip() == "(", text
            value = expr()
            assert take().group().strip() == ")"
            return value

        result = expr()
        assert pos == len(tokens), text
        return result


def cent(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"))


def rows_by_label(ws: Any, start_label: str) -> dict[str, int]:
    """Row numbers of the priority-area rows of one summary section, plus its total row."""
    found: dict[str, int] = {}
    in_section = False
    for row in ws.iter_rows(min_col=1, max_col=1):
        label, r = row[0].value, row[0].row
        if label == start_label and not in_section:
            in_section = True
            continue
        if in_section and label == "Priority area":
            continue
        if in_section and label == start_label:
            found["total"] = r
            return found
        if in_section and label:
            found[str(label)] = r
    return found


ACTIVITIES: list[dict[str, Any]] = [
    {
        "title": "Regional workshop, Dakar",
        "priority_area": "PA3",
        "template": "regional_workshop",
        "parameters": {"states": 20},
        "venue_region": "AFR-W",
        "venue_place": "Dakar",
        "phasing": {"2009": 33.33, "2010": 33.33, "2011": 33.34},
    },
    {
        "title": "Legislative mission to Chad",
        "priority_area": "PA2",
        "template": "legal_advisory_mission",
        "parameters": {"consultant_months": 1.5},
        "venue_region": "WCA",
        "phasing": {"2010": 100},
        "lines": [
            {
                "category": "equipment",
                "description": "Laptops",
                "quantity": 3,
                "unit_cost": "1234.567",
            }
        ],
    },
    {
        "title": "Model law commentary",
        "priority_area": "PA2",
        "template": "tool_publication",
        "phasing": {"2009": 70, "2011": 30},
    },
]


async def test_workbook_formulas_equal_api_totals(client: httpx.AsyncClient) -> None:
    await seed_example_norms()
    await sql.execute(
        "INSERT INTO organization (code, name, roles) VALUES ('NOR', 'Norway', '{donor}')"
    )
    await sql.execute(
        "INSERT INTO contribution (code, donor_id, amount, currency, pledged_on, earmarking,"
        " earmarked_priority_area_id) SELECT 'C1', o.id, 40000, 'USD', '2010-02-01',"
        " 'priority_area', a.id FROM organization o, priority_area a WHERE a.code = 'PA3'"
    )
    body = {"title": "Proposals 2009-2011", "start_year": 2009, "end_year": 2011}
    r = await client.post("/api/v1/proposals", json={**body, "activities": ACTIVITIES})
    assert r.status_code == 201, r.text
    doc = r.json()
    x = await client.get(f"/api/v1/proposals/{doc['id']}.xlsx")
    assert x.status_code == 200
    assert x.headers["content-type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(x.content))
    assert wb.sheetnames == ["Summary", "PA2", "PA3", "Norms", "Open points"]
    f = Formulas(wb)
    summary = wb["Summary"]
    years = ["2009", "2010", "2011"]
    cols = {"2009": "C", "2010": "D", "2011": "E", "all": "F"}
    totals = doc["totals"]
    by_area = {b["priority_area"]: b for b in totals["by_priority_area"]}

    direct_rows = rows_by_label(summary, "Direct cost")
    secured_rows = rows_by_label(summary, "Secured funding")
    gap_rows = rows_by_label(summary, "Gap")
    assert set(direct_rows) == {"PA2", "PA3", "total"}
    for area in ("PA2", "PA3"):
        for y in years:
            blk = by_area[area]["years"][y]
            assert cent(f.cell("Summary", f"{cols[y]}{direct_rows[area]}")) == D(blk["direct"])
            assert cent(f.cell("Summary", f"{cols[y]}{secured_rows[area]}")) == D(blk["secured"])
            assert cent(f.cell("Summary", f"{cols[y]}{gap_rows[area]}")) == D(blk["gap"])
        assert cent(f.cell("Summary", f"F{direct_rows[area]}")) == D(by_area[area]["direct"])
        assert cent(f.cell("Summary", f"F{gap_rows[area]}")) == D(by_area[area]["gap"])
    sub = direct_rows["total"]
    for y in [*years, "all"]:
        api = totals["by_year"][y] if y != "all" else totals
        assert cent(f.cell("Summary", f"{cols[y]}{sub}")) == D(api["direct"])
        assert cent(f.cell("Summary", f"{cols[y]}{sub + 1}")) == D(api["psc"])
        assert cent(f.cell("Summary", f"{cols[y]}{sub + 2}")) == D(api["total"])
        assert cent(f.cell("Summary", f"{cols[y]}{gap_rows['total']}")) == D(api["gap"])
    # totals are SUM formulas over the lines, not numbers written by the service
    assert str(summary[f"F{sub}"].value).startswith("=SUM(")
    norms = [row[0].value for row in wb["Norms"].iter_rows(min_row=2)]
    assert {"air_ticket", "dsa", "venue", "consultant", "translation"} <= set(norms)

    # an officer edits a quantity: every total follows
    pa3 = wb["PA3"]
    ticket_row = next(
        row[0].row for row in pa3.iter_rows(min_col=3, max_col=3)
        if str(row[0].value).startswith("Air tickets, participants")
    )  # fmt: skip
    before = f.cell("Summary", f"F{sub}")
    pa3[f"D{ticket_row}"] = 50  # 40 -> 50 participants' tickets at 950
    assert f.cell("Summary", f"F{sub}") - before == D(10 * 950)

    # the unit cost is the norm's cell: editing the norm on the Norms sheet recalculates
    unit_cost = str(pa3[f"F{ticket_row}"].value)
    assert unit_cost.startswith("='Norms'!$D$"), unit_cost
    norm_cell = unit_cost.split("!")[1].replace("$", "")
    before = f.cell("Summary", f"F{sub}")
    wb["Norms"][norm_cell] = 1000  # 950 -> 1000, for the 50 tickets of this line (and others)
    assert f.cell("Summary", f"F{sub}") - before >= D(50 * 50)
    # the phasing is in cells of its own: moving a share moves the yearly amounts
    header = [c.value for c in pa3[3]]
    share_2009 = header.index("Phasing % 2009") + 1
    total_row = next(
        row[0].row for row in pa3.iter_rows(min_col=1, max_col=1)
        if str(row[0].value).startswith("Total: ")
    )  # fmt: skip
    share = pa3.cell(total_row, share_2009)
    assert isinstance(share.value, int | float | Decimal)  # a number, not inside a formula
    assert str(pa3.cell(total_row, 9).value).endswith(f"*{share.coordinate}/100")
    # print-ready: landscape where wide, header row repeated, frozen panes
    assert pa3.print_title_rows == "$3:$3" and pa3.freeze_panes == "B4"
    assert wb["Norms"]["A1"].value == "Item code" and wb["Norms"]["B2"].value != "air_ticket"


async def test_cli_export_writes_the_workbook(
    client: httpx.AsyncClient, database: str, tmp_path: Path
) -> None:
    await seed_example_norms()
    r = await client.post(
        "/api/v1/proposals",
        json={"title": "P", "start_year": 2009, "end_year": 2011, "activities": ACTIVITIES[2:]},
    )
    pid = r.json()["id"]
    out = tmp_path / "proposal.xlsx"
    env = {**os.environ, "DATABASE_URL": database}
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "ta_manager.cli.main", "proposal", "export", str(pid), "--out",
         str(out)],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    wb = load_workbook(out)
    assert wb["PA2"]["A4"].value == "Model law commentary"
    f = Formulas(wb)
    direct = rows_by_label(wb["Summary"], "Direct cost")["total"]
    assert cent(f.cell("Summary", f"F{direct}")) == D(r.json()["totals"]["direct"])
    missing = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "ta_manager.cli.main", "proposal", "export", "999", "--out",
         str(out)],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert missing.returncode != 0 and "proposal 999 does not exist" in missing.stderr
