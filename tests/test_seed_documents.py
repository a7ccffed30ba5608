"""Issue 11 acceptance: records typed from CTOC/COP/2008/16 and E/CN.15/2009/8, imported,
and counted as the documents mean them (tests/fixtures/seed_documents.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import polars as pl

from reports.annual import AnnualFilters, build_annual
from reports.annual_workbook import write_annual
from reports.funding import build_funding
from reports.funding_files import write_funding
from ta_manager.activities.service import ActivityService
from tests.fixtures.seed_documents import import_seed_documents

DAKAR = {"A-0816-P9-SEN", "A-0816-FN17-DKR", "A-0908-FN10-DKR"}


def _figures(annual: Any) -> dict[str, int]:
    return dict(annual.figures)


def _codes(df: pl.DataFrame) -> set[str]:
    return set(df["code"].to_list())


async def test_the_dakar_workshop_of_both_documents_counts_once_in_2008() -> None:
    await import_seed_documents()
    annual = await build_annual(AnnualFilters(year=2008))
    figures = _figures(annual)
    listed = _codes(annual.activities)
    # one of the three Dakar records stands for the event; the others are "also reported as"
    assert len(listed & DAKAR) == 1
    dakar = annual.activities.filter(pl.col("code").is_in(list(DAKAR))).row(0, named=True)
    assert set(dakar["also_reported_as"].split(", ")) | {dakar["code"]} == DAKAR
    # held in 2008, technical assistance: Dakar (once), the national workshops, the two
    # expert meetings held (their plans are not counted), Bolivia, and the two ongoing
    # programmes (since 2003, since 2005)
    assert listed == {
        dakar["code"],
        "A-0908-FN10-NAT",
        "A-0908-P26-JIT",
        "A-0908-P21-FA",
        "A-0908-P42-BOL",
        "A-0816-P17-LEG",
        "A-0816-P67-FA",
    }
    assert figures["Activities carried out"] == 7
    # workshops held count events: Dakar once, the five national workshops each
    assert figures["Workshops held"] == 1 + 5
    assert figures["Records of these activities (one event may have several)"] == 9
    # the Conference session and participation in others' meetings are listed apart
    assert figures["Intergovernmental meetings (Conference, working groups)"] == 1
    assert figures["Participation in meetings of other organizations"] == 1
    others = {category: _codes(df) for category, _, df in annual.by_category}
    assert others == {"intergovernmental": {"A-0908-P3-COP4"}, "participation": {"A-0908-P52-MEX"}}
    # the donors named for the Dakar workshop are its funders, with or without amounts
    assert dakar["funders"] == (
        "Canada, France, Organization for Security and Co-operation in Europe,"
        " United States of America"
    )


async def test_the_workbook_lists_the_event_once_with_both_documents(tmp_path: Path) -> None:
    await import_seed_documents()
    path = tmp_path / "annual-2008.xlsx"
    write_annual(await build_annual(AnnualFilters(year=2008)), path)
    book = openpyxl.load_workbook(path)
    rows = []
    for name in book.sheetnames:
        if name.startswith("PA"):
            sheet = book[name]
            head = [c.value for c in sheet[1]]
            rows += [dict(zip(head, r, strict=True)) for r in sheet.iter_rows(2, values_only=True)]
    dakar = [r for r in rows if r["Code"] in DAKAR]
    assert len({r["Code"] for r in dakar}) == 1  # on each of its priority areas' sheets, once
    sources = dakar[0]["Sources"]
    assert "CTOC/COP/2008/16" in sources or "E/CN.15/2009/8" in sources
    assert {c.strip() for c in dakar[0]["Also reported as"].split(",")} | {
        dakar[0]["Code"]
    } == DAKAR
    assert book.sheetnames[-2:] == ["Intergovernmental meetings", "Participation in others' mtgs"]
    listed = [r[0] for r in book["Intergovernmental meetings"].iter_rows(2, values_only=True)]
    assert listed == ["A-0908-P3-COP4"]


async def test_plans_of_2008_link_to_what_was_held() -> None:
    await import_seed_documents()
    service = ActivityService()
    page = await service.page(limit=100)
    by_code = {r["code"]: r for r in page.items}
    assert by_code["A-0908-P26-JIT"]["delivers"] == "A-0816-P22-JIT"
    assert by_code["A-0816-P22-JIT"]["delivered_by"] == ["A-0908-P26-JIT"]
    assert by_code["A-0908-P21-FA"]["delivers"] == "A-0816-P71-FA"
    annual = await build_annual(AnnualFilters(year=2008))
    held = annual.activities.filter(pl.col("code") == "A-0908-P26-JIT").row(0, named=True)
    # "planned in the 2008 paper, held September 2008"
    assert held["dates"] == "2008-09"
    assert held["delivers"] == "A-0816-P22-JIT: planned for 2008-09 (CTOC/COP/2008/16 para 22)"
    firearms = annual.activities.filter(pl.col("code") == "A-0908-P21-FA").row(0, named=True)
    assert firearms["delivers"].startswith("A-0816-P71-FA: planned for 2008-08-25 to 2008-08-29")
    # the plans themselves are not counted, even if marked as held
    await service.update(
        by_code["A-0816-P22-JIT"]["id"],
        {"status": "completed", "actual_start": "2008-09"},
        by_code["A-0816-P22-JIT"]["version"],
    )
    again = await build_annual(AnnualFilters(year=2008))
    assert "A-0816-P22-JIT" not in _codes(again.activities)
    assert _figures(again)["Activities carried out"] == 7


async def test_ongoing_activities_with_no_end_appear_in_later_years(
    client: httpx.AsyncClient,
) -> None:
    await import_seed_documents()
    # the issue's own example: "2004, ongoing"
    r = await client.post(
        "/api/v1/activities",
        json={"code": "A-2004-ONGOING", "title": "Programme running since 2004",
              "type": "legal_advisory", "status": "ongoing", "actual_start": "2004",
              "priority_areas": ["PA2"]},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    assert r.json()["actual_start"] == "2004" and r.json()["actual_end"] is None
    annual = await build_annual(AnnualFilters(year=2019))
    assert _codes(annual.activities) == {"A-2004-ONGOING", "A-0816-P17-LEG", "A-0816-P67-FA"}
    row = annual.activities.filter(pl.col("code") == "A-2004-ONGOING").row(0, named=True)
    assert row["dates"] == "2004 to ongoing" and row["ends_on"] is None
    # the API filters agree: an open interval overlaps 2019, not a future year
    listed = await client.get(
        "/api/v1/activities", params={"from": "2019-01-01", "to": "2019-12-31"}
    )
    assert {a["code"] for a in listed.json()["items"]} == _codes(annual.activities)
    future = dt.date.today().year + 2
    later = await build_annual(AnnualFilters(year=future))
    assert later.activities.is_empty()


async def test_may_2008_imports_as_a_month_and_means_the_whole_month(
    client: httpx.AsyncClient,
) -> None:
    summaries = await import_seed_documents()
    assert summaries["e-cn15-2009-8.xlsx"].new == 7
    r = await client.get("/api/v1/activities", params={"q": "A-0908-P42-BOL"})
    (bolivia,) = r.json()["items"]
    assert bolivia["actual_start"] == "2008-05" and bolivia["actual_end"] is None
    assert bolivia["sources"][0] == {
        "document": "E/CN.15/2009/8",
        "paragraph": "42",
        "footnote": "",
        "quote": "In May 2008, UNODC provided Bolivian authorities with legislative assistance",
    }
    # any period overlapping May 2008 holds it; a period after it does not
    for start, end, found in (
        ("2008-05-20", "2008-05-21", True),
        ("2008-04-01", "2008-05-01", True),
        ("2008-06-01", "2008-06-30", False),
    ):
        r = await client.get(
            "/api/v1/activities", params={"from": start, "to": end, "q": "A-0908-P42"}
        )
        assert (r.json()["total"] == 1) is found, (start, end)


async def test_a_donor_named_only_on_a_project_gets_its_export(tmp_path: Path) -> None:
    await import_seed_documents()
    funding = await build_funding("UNDA")
    assert funding.contributions.is_empty()
    assert funding.projects["code"].to_list() == ["P-UNDA-AFR-DATA"]
    assert funding.activities["code"].to_list() == ["A-0816-P54-ADD"]
    assert funding.activities["via"].to_list() == ["named on project"]
    (row,) = funding.totals.to_dicts()
    assert (row["donor"], row["projects"], row["activities"]) == ("UNDA", 1, 1)
    write_funding(funding, tmp_path / "unda.xlsx")
    book = openpyxl.load_workbook(tmp_path / "unda.xlsx")
    assert [r[0] for r in book["Projects"].iter_rows(2, values_only=True)] == ["P-UNDA-AFR-DATA"]


async def test_support_stated_without_an_amount(tmp_path: Path) -> None:
    await import_seed_documents()
    funding = await build_funding("CAN")
    (contribution,) = funding.contributions.to_dicts()
    assert contribution["pledged"] is None and contribution["pledged_usd"] is None
    assert contribution["note"] == "not quantified"
    assert contribution["dated"] == "2008"
    assert funding.activities["code"].to_list() == ["A-0908-FN10-DKR"]
    (total,) = funding.totals.to_dicts()
    assert total["not_quantified"] == 1 and total["pledged_usd"] == 0  # nothing to add
    everyone = await build_funding(None)
    assert set(everyone.totals["donor"]) >= {"CAN", "FRA", "USA", "OSCE", "BLR", "UNDA"}
    # funding needs stated in the paper are records the export lists
    assert set(everyone.funding_needs["code"]) == {"FN-0816-P11", "FN-0816-P27", "FN-0816-P65"}
