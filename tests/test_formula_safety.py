"""User text never becomes a formula: the proposal workbook, the funding CSV, import
templates (issue 10, items 1 and 7)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import httpx
import openpyxl
import pytest

from reports.funding import build_funding
from reports.funding_files import write_funding_csv
from ta_manager.database import sql
from ta_manager.funding.service import AllocationService
from ta_manager.spreadsheet_text import FORMULA_TRIGGERS, csv_text, starts_formula
from tests.test_report_fixture import build_fixture

ATTACK = "=cmd|' /C calc'!A0"


def _formulas(content: bytes) -> list[str]:
    """The text of every <f> element of every sheet of an .xlsx."""
    found: list[str] = []
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = z.read(name).decode()
                found += [part.split("</f>")[0] for part in xml.split("<f>")[1:]]
    return found


async def test_proposal_workbook_writes_user_text_as_text(client: httpx.AsyncClient) -> None:
    activity = {
        "title": '+HYPERLINK("http://evil.example")',
        "priority_area": "PA2",
        "template": "manual",
        "description": "@SUM(1)",
        "phasing": {"2009": 100},
        "lines": [
            {
                "category": "equipment",
                "description": "-2+3",
                "quantity": 2,
                "unit_cost": "10.00",
                "unit": "\t=1+1",
            }
        ],
    }
    body = {"title": ATTACK, "start_year": 2009, "end_year": 2009, "activities": [activity]}
    r = await client.post("/api/v1/proposals", json=body)
    assert r.status_code == 201, r.text
    x = await client.get(f"/api/v1/proposals/{r.json()['id']}.xlsx")
    assert x.status_code == 200
    formulas = _formulas(x.content)
    assert formulas, "the totals are still live formulas"
    for text in ("cmd", "HYPERLINK", "SUM(1)", "-2+3", "1+1"):
        assert not any(text in f for f in formulas), (text, formulas)
    wb = openpyxl.load_workbook(io.BytesIO(x.content))
    title = wb["Summary"]["A1"]
    assert (title.value, title.data_type, title.quotePrefix) == (ATTACK, "s", True)
    pa2 = wb["PA2"]
    texts = {c.value: c for row in pa2.iter_rows() for c in row if isinstance(c.value, str)}
    for value in (activity["title"], "-2+3", "\t=1+1"):
        assert texts[value].data_type == "s" and texts[value].quotePrefix, value
    # the line's amount is still a live formula: quantity x unit cost
    amount = next(c for row in pa2.iter_rows() for c in row if c.value == "-2+3").row
    assert pa2[f"G{amount}"].value == f"=D{amount}*F{amount}"


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+1", "-1", "@SUM(1)", "\t=1+1", "\r=1+1", "\tplain", "\rplain"],
)
def test_owasp_triggers_are_neutralised(text: str) -> None:
    assert starts_formula(text)
    assert csv_text(text) == "'" + text


def test_plain_text_is_left_alone() -> None:
    assert set(FORMULA_TRIGGERS) == {"=", "+", "-", "@", "\t", "\r"}
    for text in ("Benin", "a=b", " =1", "1-2", ""):
        assert not starts_formula(text) and csv_text(text) == text


async def test_funding_csv_neutralises_tab_and_cr_before_equals(tmp_path: Path) -> None:
    await build_fixture()
    for n, notes in enumerate(["\t=HYPERLINK(1)", "\r=1+1", "@SUM(1)"]):
        await AllocationService().create(
            {
                "contribution": "C-EU-1",
                "project": "P-GLO",
                "amount": f"{n + 1}.00",
                "allocated_on": dt.date(2008, 4, 1),
                "notes": notes,
            }
        )
    path = tmp_path / "all.csv"
    write_funding_csv(await build_funding(None), path)
    with path.open(encoding="utf-8", newline="") as fh:
        details = [line["detail"] for line in csv.DictReader(fh)]
    for notes in ["\t=HYPERLINK(1)", "\r=1+1", "@SUM(1)"]:
        assert "'" + notes in details
    assert not any(d.startswith(FORMULA_TRIGGERS) for d in details)


async def test_import_template_lists_keep_names_as_text(client: httpx.AsyncClient) -> None:
    await sql.execute("UPDATE country SET name = '=cmd|calc' WHERE iso3 = 'BEN'")
    r = await client.get("/api/v1/imports/needs/template")
    assert r.status_code == 200
    assert not any("cmd" in f for f in _formulas(r.content))
    lists = openpyxl.load_workbook(io.BytesIO(r.content))["Lists"]
    cell = next(c for row in lists.iter_rows() for c in row if c.value == "=cmd|calc")
    assert cell.data_type == "s" and cell.quotePrefix
