"""Annual activity report on the hand-built fixture (see tests/test_report_fixture.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from reports.annual import AnnualFilters, build_annual
from reports.annual_workbook import write_annual
from ta_manager.errors import InvalidInput
from tests.test_report_fixture import LAC_20, build_fixture


def _blocks(rows: list[tuple[Any, ...]]) -> dict[str, list[tuple[Any, ...]]]:
    """The Summary sheet's tables by title: a bold title row, a header, then data rows."""
    blocks: dict[str, list[tuple[Any, ...]]] = {}
    current: list[tuple[Any, ...]] | None = None
    for r in rows:
        if r[0] is None:
            current = None
        elif current is None:
            current = blocks.setdefault(str(r[0]), [])
        else:
            current.append(r)
    return blocks


async def test_annual_2008_figures(tmp_path: Path) -> None:
    await build_fixture()
    path = tmp_path / "annual.xlsx"
    write_annual(await build_annual(AnnualFilters(year=2008)), path)
    book = openpyxl.load_workbook(path)
    rows = [tuple(r) for r in book["Summary"].iter_rows(values_only=True)]
    assert rows[0][0] == "Annual activity report: 1 Jan 2008 to 31 Dec 2008"
    blocks = _blocks(rows[2:])
    figures = {r[0]: r[1] for r in blocks["Figure"]}
    # held in 2008: legal advice (BEN), LAC workshop (20 States incl. COL), training (BEN, COL)
    assert figures["Activities carried out"] == 3
    assert figures["Distinct States assisted"] == len(set(LAC_20) | {"BEN"}) == 21
    assert figures["Participants"] == 10 + 40 + 20
    assert figures["Women"] == 4 + 25 + 10
    assert figures["Men"] == 6 + 15 + 10
    assert figures["Sex not recorded"] == 0
    assert figures["Workshops held"] == 1 and figures["Trainings held"] == 1
    by_type = {r[0]: r[2] for r in blocks["Activities by type"][1:]}
    assert by_type == {"workshop": 1, "training": 1, "legal_advisory": 1}
    regions = {r[0]: r[2:5] for r in blocks["Activities and States by region"][1:]}
    assert regions["AFR"] == (2, 1, 30)  # Benin: advice and training
    assert regions["AMR"] == (2, 20, 60)  # LAC workshop and training (Colombia)
    areas = {r[0]: r[2:5] for r in blocks["Activities and States by priority area"][1:]}
    assert areas == {"PA2": (2, 2, 30), "PA3": (1, 20, 40)}
    instruments = {r[0]: r[2:4] for r in blocks["Activities and States by instrument"][1:]}
    assert instruments == {"UNTOC": (2, 21), "TIP": (1, 2)}  # advice (BEN) + LAC 20
    partners = [r[:3] for r in blocks["Top partners"][1:]]
    assert partners[0] == ("OAS", "Organization of American States", 2)
    ratifications = {r[0]: r[2:4] for r in blocks["Ratifications"][1:]}
    assert ratifications["UNTOC"] == (0, 2)  # Chad deposits in 2009
    assert ratifications["TIP"] == (1, 1)
    assert len(book["Summary"]._charts) == 3

    names = book.sheetnames
    assert names[:3] == ["About", "Summary", "PA2 Criminal justice responses"]
    assert len(names) == 4 and names[3].startswith("PA3 ")
    pa2 = [tuple(r) for r in book["PA2 Criminal justice responses"].iter_rows(values_only=True)]
    head = pa2[0]
    listed = [dict(zip(head, r, strict=True)) for r in pa2[1:]]
    assert [r["Code"] for r in listed] == ["A-LEG-BEN", "A-TRN-BEN"]  # date order
    assert listed[1]["Beneficiary States"] == "Benin, Colombia"
    assert listed[1]["Funders"] == "Norway"  # through project P-GLO
    assert listed[0]["Starts"] == dt.datetime(2008, 4, 10)
    pa3 = book[names[3]]
    lac = [dict(zip(head, r, strict=True)) for r in pa3.iter_rows(min_row=2, values_only=True)]
    assert lac[0]["Title"].startswith("=Regional workshop")
    assert pa3["B2"].data_type == "s" and pa3["B2"].quotePrefix  # text, never a formula
    assert lac[0]["Partners"] == '=HYPERLINK("http://x"), Organization of American States'
    assert lac[0]["Funders"] == "Norway" and lac[0]["Participants"] == 40
    assert pa3.freeze_panes == "B2" and pa3.auto_filter.ref


async def test_empty_period_is_an_honest_empty_report(tmp_path: Path) -> None:
    await build_fixture()
    annual = await build_annual(AnnualFilters(year=1999))
    path = tmp_path / "empty.xlsx"
    write_annual(annual, path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["About", "Summary"]
    figures = {
        r[0]: r[1] for r in book["Summary"].iter_rows(min_row=4, max_row=12, values_only=True)
    }
    assert figures["Activities carried out"] == 0 and figures["Distinct States assisted"] == 0


async def test_bad_periods_and_codes() -> None:
    with pytest.raises(InvalidInput, match="from"):
        await build_annual(
            AnnualFilters(date_from=dt.date(2009, 1, 1), date_to=dt.date(2008, 1, 1))
        )
    with pytest.raises(InvalidInput, match="year"):
        await build_annual(AnnualFilters(year=2008, date_from=dt.date(2008, 1, 1)))
    with pytest.raises(InvalidInput, match="region"):
        await build_annual(AnnualFilters(year=2008, region=["ATLANTIS"]))
