"""Report routes: JSON matrix, streamed workbooks and CSV, and 4xx on bad input."""

from __future__ import annotations

import io
from typing import Any

import httpx
import openpyxl

from reports.exports import XLSX
from tests.test_report_fixture import build_fixture


async def test_matrix_json_and_workbook(client: httpx.AsyncClient) -> None:
    await build_fixture()
    r = await client.get("/api/v1/reports/matrix", params={"region": "WCA"})
    assert r.status_code == 200, r.text
    body = r.json()
    states = {s["iso3"]: s for s in body["states"]}
    assert states["TCD"]["priority_areas"]["PA3"] == {
        "status": "partly",
        "needs": 1,
        "answering_activities": 1,
    }
    assert "COL" not in states and body["filters"] == {"region": "WCA"}
    assert "activities" not in body  # the long lists only on request
    r = await client.get("/api/v1/reports/matrix", params={"detail": "true"})
    detail = r.json()
    assert {(a["need_id"], a["activity_code"]) for a in detail["activities"]} >= {
        (n["need_id"], "A-WS-LAC") for n in detail["needs"] if n["code"] == "N-COL-CAP"
    }
    assert {a["activity_code"] for a in detail["regional_activities"]} == {"A-WS-LAC"}

    r = await client.get("/api/v1/reports/matrix.xlsx", params={"priority_area": "PA2"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(XLSX)
    assert "attachment" in r.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    needs = [row[2] for row in book["Needs"].iter_rows(min_row=2, values_only=True)]
    assert sorted(needs) == ["N-BEN-LEG", "N-NER-TRN"]


async def test_annual_and_funding_files(client: httpx.AsyncClient) -> None:
    await build_fixture()
    r = await client.get("/api/v1/reports/annual.xlsx", params={"year": 2008})
    assert r.status_code == 200, r.text
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    figures = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert figures["Distinct States assisted"] == 21
    r = await client.get(
        "/api/v1/reports/annual.xlsx", params={"from": "2008-01-01", "to": "2008-06-30"}
    )
    assert r.status_code == 200
    figures = {
        row[0]: row[1]
        for row in openpyxl.load_workbook(io.BytesIO(r.content))["Summary"].iter_rows(
            values_only=True
        )
    }
    assert figures["Activities carried out"] == 1  # only the April advice to Benin

    r = await client.get("/api/v1/reports/funding.xlsx", params={"donor": "EU"})
    assert r.status_code == 200, r.text
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    rows = list(book["Contributions"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == ["C-EU-1"]
    r = await client.get("/api/v1/reports/funding.csv", params={"donor": "NOR"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    lines = r.text.splitlines()
    assert lines[0].startswith("\ufeffrecord,date,donor")  # a BOM by default
    r = await client.get("/api/v1/reports/funding.csv", params={"donor": "NOR", "bom": "false"})
    assert r.content.startswith(b"record,date,donor")
    assert sum(1 for line in lines if line.startswith("contribution,")) == 2


async def test_bad_input_is_a_4xx(client: httpx.AsyncClient) -> None:
    for url, params, status, field in [
        ("/api/v1/reports/annual.xlsx", {"from": "2009-01-01", "to": "2008-01-01"}, 422, "from"),
        ("/api/v1/reports/annual.xlsx", {"year": 2008, "region": "NOWHERE"}, 422, "region"),
        ("/api/v1/reports/matrix", {"priority_area": "PA9"}, 422, "priority_area"),
        ("/api/v1/reports/matrix.xlsx", {"region": "NOWHERE"}, 422, "region"),
        ("/api/v1/reports/funding.xlsx", {"donor": "NOBODY"}, 404, "donor"),
        ("/api/v1/reports/funding.csv", {"donor": "424242"}, 404, "donor"),
        ("/api/v1/reports/annual.xlsx", {"year": "soon"}, 400, "year"),
    ]:
        r = await client.get(url, params=params)
        assert r.status_code == status, (url, params, r.text)
        assert field in r.text, r.text


async def test_empty_year_is_an_empty_report(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/reports/annual.xlsx", params={"year": 1995})
    assert r.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    figures = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert figures["Activities carried out"] == 0


async def test_a_donor_user_gets_only_its_own_money(client_as: Any) -> None:
    await build_fixture()
    donor = await client_as("donor", donor="NOR")
    for params in ({}, {"donor": "NOR"}):
        r = await donor.get("/api/v1/reports/funding.xlsx", params=params)
        assert r.status_code == 200, r.text
        book = openpyxl.load_workbook(io.BytesIO(r.content))
        codes = [row[0] for row in book["Contributions"].iter_rows(min_row=2, values_only=True)]
        assert codes == ["C-NOR-1", "C-NOR-2"]
        text = "".join(str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row)
        assert "European Union" not in text and "C-EU-1" not in text
    r = await donor.get("/api/v1/reports/funding.csv", params={"donor": "EU"})
    assert r.status_code == 404  # another donor's export does not exist for a donor
    r = await donor.get("/api/v1/reports/funding.csv")
    assert r.status_code == 200 and "C-EU-1" not in r.text and "C-NOR-2" in r.text
    r = await donor.get("/api/v1/reports/matrix")
    assert r.status_code == 403  # the matrix and annual report are for staff
    viewer = await client_as("viewer")
    assert (await viewer.get("/api/v1/reports/funding.xlsx")).status_code == 403
