"""`GET /instruments/{code}/parties?as_of=` counts the ratifications deposited by that date,
or gives the published status, saying which, and "no data" (null) rather than 0."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from reports.annual import AnnualFilters, build_annual
from tests.factories import create

DEPOSITS = [
    ("BEN", "UNTOC", "2004-08-30", "ratification"),
    ("TCD", "UNTOC", "2009-01-18", "accession"),
    ("SEN", "UNTOC", "2003-10-27", "ratification"),
    ("MLI", "UNTOC", "2002-04-12", "ratification"),
    ("BEN", "TIP", "2004-08-30", "ratification"),
]


@pytest.mark.parametrize(
    ("instrument", "as_of", "parties", "by_kind"),
    [
        ("UNTOC", "2002-04-11", 0, {}),
        ("UNTOC", "2002-04-12", 1, {"ratification": 1}),
        ("UNTOC", "2004-08-30", 3, {"ratification": 3}),
        ("UNTOC", "2008-12-31", 3, {"ratification": 3}),
        ("UNTOC", "2009-01-18", 4, {"ratification": 3, "accession": 1}),
        ("untoc", "2030-01-01", 4, {"ratification": 3, "accession": 1}),
        ("TIP", "2008-12-31", 1, {"ratification": 1}),
    ],
)
async def test_parties_on_any_date(
    client: httpx.AsyncClient, instrument: str, as_of: str, parties: int, by_kind: dict[str, int]
) -> None:
    await _deposit(client)
    r = await client.get(f"/api/v1/instruments/{instrument}/parties", params={"as_of": as_of})
    assert r.status_code == 200, r.text
    assert r.json() == {
        "instrument": instrument.upper(),
        "as_of": as_of,
        "parties": parties,
        "source": "ratifications",
        "by_kind": by_kind,
        "recorded_ratifications": parties,
        "published_status": None,
        "reason": None,
    }


async def _deposit(client: httpx.AsyncClient) -> None:
    for country, code, date, kind in DEPOSITS:
        body = {"country": country, "instrument": code, "deposited_on": date, "kind": kind}
        await create(client, "ratifications", body)


async def _parties(client: httpx.AsyncClient, code: str, as_of: str) -> dict[str, Any]:
    r = await client.get(f"/api/v1/instruments/{code}/parties", params={"as_of": as_of})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_no_data_is_not_zero(client: httpx.AsyncClient) -> None:
    await _deposit(client)
    body = await _parties(client, "FIREARMS", "2008-12-31")
    assert (body["parties"], body["source"]) == (None, None)
    assert body["reason"].startswith("no data: no ratification of FIREARMS is recorded")


async def test_published_status(client: httpx.AsyncClient) -> None:
    """The totals of E/CN.15/2009/8: UNTOC 147 (para 2), UNCAC 129 as at 8 January 2009."""
    await _deposit(client)
    await create(
        client,
        "instrument-status",
        {"instrument": "UNTOC", "as_of": "2009-02-09", "parties": 147,
         "document": "E/CN.15/2009/8", "paragraph": "2",
         "quote": "eight States ratified the Convention (current total: 147 parties)"},
    )  # fmt: skip
    await create(
        client,
        "instrument-status",
        {"instrument": "UNCAC", "as_of": "2009-01-08", "parties": 129,
         "document": "E/CN.15/2009/8", "paragraph": "53"},
    )  # fmt: skip
    uncac = await _parties(client, "UNCAC", "2009-06-30")
    assert (uncac["parties"], uncac["source"]) == (129, "published_status")
    assert uncac["published_status"]["document"] == "E/CN.15/2009/8"
    assert "129 parties as at 2009-01-08 (E/CN.15/2009/8, para. 53)" in uncac["reason"]
    assert (await _parties(client, "UNCAC", "2008-12-31"))["parties"] is None  # not yet stated

    # Four recorded UNTOC deposits are not the 147 parties: the list is incomplete.
    untoc = await _parties(client, "UNTOC", "2009-12-31")
    assert (untoc["parties"], untoc["source"], untoc["recorded_ratifications"]) == (
        147,
        "published_status",
        4,
    )
    assert (
        "the ratifications recorded are incomplete (4 deposited by 2009-02-09" in (untoc["reason"])
    )
    # Before the published date: the recorded deposits are known to be incomplete.
    before = await _parties(client, "UNTOC", "2008-12-31")
    assert (before["parties"], before["source"], before["recorded_ratifications"]) == (
        None,
        None,
        3,
    )
    assert before["reason"].startswith("no data: the ratifications recorded are incomplete")

    # A list that accounts for the published figure is used, and counts on from there.
    await create(
        client,
        "instrument-status",
        {"instrument": "TIP", "as_of": "2005-01-01", "parties": 1, "document": "X/2005/1"},
    )
    await create(
        client,
        "ratifications",
        {"country": "SEN", "instrument": "TIP", "deposited_on": "2006-01-01"},
    )
    tip = await _parties(client, "TIP", "2009-12-31")
    assert (tip["parties"], tip["source"]) == (2, "ratifications")


async def test_instrument_status_bad_input(client: httpx.AsyncClient) -> None:
    body = {"instrument": "UNTOC", "as_of": "2009-02-09", "parties": 147, "document": "E/1"}
    await create(client, "instrument-status", body)
    r = await client.post("/api/v1/instrument-status", json=body)
    assert r.status_code == 409 and r.json()["errors"][0]["field"] == "as_of"
    r = await client.post("/api/v1/instrument-status", json={**body, "parties": -1})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "parties"
    r = await client.post("/api/v1/instrument-status", json={**body, "document": ""})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "document"
    r = await client.post("/api/v1/instrument-status", json={**body, "instrument": "NOPE"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "instrument"


async def test_parties_bad_input(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/instruments/NOPE/parties")
    assert r.status_code == 422
    r = await client.get("/api/v1/instruments/UNTOC/parties", params={"as_of": "2008-02-30"})
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "as_of"


async def test_a_state_ratifies_an_instrument_once(client: httpx.AsyncClient) -> None:
    body = {"country": "BEN", "instrument": "UNTOC", "deposited_on": "2004-08-30"}
    await create(client, "ratifications", body)
    r = await client.post("/api/v1/ratifications", json={**body, "deposited_on": "2005-01-01"})
    assert r.status_code == 409
    assert r.json()["errors"][0]["field"] == "instrument"


async def test_annual_report_says_which_source(client: httpx.AsyncClient) -> None:
    await _deposit(client)
    await create(
        client,
        "instrument-status",
        {"instrument": "UNCAC", "as_of": "2008-10-01", "parties": 120, "document": "X/2008/9",
         "footnote": "3"},
    )  # fmt: skip
    report = await build_annual(AnnualFilters(year=2008))
    rows = {r["instrument"]: r for r in report.tables["ratifications"].to_dicts()}
    assert (rows["UNTOC"]["parties_at_end"], rows["UNTOC"]["parties_source"]) == (
        3,
        "recorded ratifications",
    )
    assert rows["UNCAC"]["parties_at_end"] == 120
    assert rows["UNCAC"]["parties_source"].startswith(
        "published: 120 parties as at 2008-10-01 (X/2008/9, footnote 3)"
    )
    assert rows["FIREARMS"]["parties_at_end"] is None
    assert rows["FIREARMS"]["parties_source"] == (
        "no data (no ratification recorded, no status published by 2008-12-31)"
    )
