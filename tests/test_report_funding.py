"""Donor funding export on the hand-built fixture (see tests/test_report_fixture.py)."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from reports.funding import build_funding
from reports.funding_files import write_funding, write_funding_csv
from ta_manager.database import sql
from ta_manager.errors import NotFound
from ta_manager.funding.service import AllocationService
from tests.test_report_fixture import build_fixture


def _table(book: Any, name: str) -> list[dict[str, Any]]:
    rows = list(book[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


async def test_one_donor_workbook(tmp_path: Path) -> None:
    await build_fixture()
    path = tmp_path / "nor.xlsx"
    write_funding(await build_funding("nor"), path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "About",
        "Summary",
        "Contributions",
        "Allocations",
        "Expenditure",
        "Activities funded",
        "Projects",
        "Funding needs",
    ]
    summary = _table(book, "Summary")
    assert len(summary) == 1  # nothing of other donors
    nor = summary[0]
    assert nor["Donor"] == "NOR" and nor["Contributions"] == 2
    assert nor["Pledged (USD)"] == 1_000_000 + 500_000 * 1.4
    assert nor["Received (USD)"] == 1_000_000
    assert nor["Allocated (USD)"] == 500_000
    assert nor["Spent (USD)"] == 250_000
    assert nor["Balance (USD)"] == 750_000

    contributions = {c["Contribution"]: c for c in _table(book, "Contributions")}
    assert set(contributions) == {"C-NOR-1", "C-NOR-2"}
    eur = contributions["C-NOR-2"]
    assert (eur["Currency"], eur["Pledged"], eur["USD rate"]) == ("EUR", 500_000, 1.4)
    assert eur["Rate date"] == dt.datetime(2008, 6, 1)  # latest rate on or before 15 June
    assert eur["Pledged (USD)"] == 700_000 and eur["Received"] == 0
    assert contributions["C-NOR-1"]["Allocated"] == 500_000
    assert book["Contributions"]["H2"].number_format == "#,##0.00"

    allocations = _table(book, "Allocations")
    assert {(a["To"], a["Code"], a["Amount"], a["Spent"]) for a in allocations} == {
        ("activity", "A-WS-LAC", 300_000, 250_000),
        ("project", "P-GLO", 200_000, 0),
    }
    spent = _table(book, "Expenditure")
    assert [(e["Activity"], e["Amount (USD)"]) for e in spent] == [("A-WS-LAC", 250_000)]

    funded = {a["Activity"]: a for a in _table(book, "Activities funded")}
    assert set(funded) == {"A-WS-LAC", "A-TRN-BEN"}  # directly, and through project P-GLO
    assert funded["A-WS-LAC"]["Funded via"] == "activity"
    assert funded["A-WS-LAC"]["Allocated to it (USD)"] == 300_000
    assert funded["A-TRN-BEN"]["Funded via"] == "project, named on project"  # P-GLO names NOR
    assert funded["A-TRN-BEN"]["Beneficiary States"] == "Benin, Colombia"
    assert funded["A-TRN-BEN"]["Participants"] == 20
    assert funded["A-WS-LAC"]["Beneficiary States"].count(",") == 19  # 20 States


async def test_all_donors_and_csv(tmp_path: Path) -> None:
    await build_fixture()
    await AllocationService().create(
        {
            "contribution": "C-EU-1",
            "project": "P-GLO",
            "amount": "1000.00",
            "allocated_on": dt.date(2008, 4, 1),
            "notes": "@SUM(1)",
        }
    )
    funding = await build_funding(None)
    path = tmp_path / "all.xlsx"
    write_funding(funding, path)
    book = openpyxl.load_workbook(path)
    sheet = book["Summary"]
    assert sheet.auto_filter.ref == "A1:M3"  # the donors only
    total_row = sheet.max_row  # below the filtered range, one row apart
    assert sheet.cell(total_row, 1).value == "Total (rows shown)"
    assert sheet.cell(total_row, 4).value == "=SUBTOTAL(109,D2:D3)"
    donors = list(sheet.iter_rows(min_row=2, max_row=3, values_only=True))
    assert [r[0] for r in donors] == ["EU", "NOR"]
    assert sum(r[3] for r in donors) == 1_000_000 + 700_000 + 100_000  # what D's total sums
    assert sum(r[5] for r in donors) == 500_000 + 1_000  # allocated (USD)
    assert sheet.cell(total_row, 6).value == "=SUBTOTAL(109,F2:F3)"

    nor_id = await sql.fetchval("SELECT id FROM organization WHERE code = 'NOR'")
    assert (await build_funding(str(nor_id))).filters == {"donor": "NOR (Norway)"}

    csv_path = tmp_path / "all.csv"
    write_funding_csv(funding, csv_path)
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    write_funding_csv(funding, tmp_path / "script.csv", bom=False)
    assert (tmp_path / "script.csv").read_bytes().startswith(b"record,")
    with csv_path.open(encoding="utf-8-sig") as fh:
        lines = list(csv.DictReader(fh))
    assert [line["record"] for line in lines].count("contribution") == 3
    eur = next(line for line in lines if line["contribution"] == "C-NOR-2")
    assert (eur["amount"], eur["usd_rate"], eur["rate_date"], eur["amount_usd"]) == (
        "500000.00",
        "1.4000000000",
        "2008-06-01",
        "700000.00",
    )
    total = sum(Decimal(line["amount_usd"]) for line in lines if line["record"] == "allocation")
    assert total == Decimal("501000.00")
    eu = next(line for line in lines if line["record"] == "allocation" and line["donor"] == "EU")
    assert eu["detail"] == "'@SUM(1)" and eu["to"] == "project P-GLO"  # never a formula
    spent = next(line for line in lines if line["record"] == "expenditure")
    assert (spent["to"], spent["detail"], spent["amount"]) == (
        "activity A-WS-LAC",
        "operating_costs",
        "250000.00",
    )


async def test_unknown_donor_is_not_found() -> None:
    with pytest.raises(NotFound, match="donor"):
        await build_funding("NOBODY")
    with pytest.raises(NotFound, match="donor"):
        await build_funding(999999)


async def test_donor_without_money_gives_an_empty_export(tmp_path: Path) -> None:
    await build_fixture()
    funding = await build_funding("OAS")
    assert funding.contributions.is_empty() and funding.activities.is_empty()
    write_funding(funding, tmp_path / "oas.xlsx")
    assert _table(openpyxl.load_workbook(tmp_path / "oas.xlsx"), "Summary") == []
