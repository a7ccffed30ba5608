"""`GET /instruments/{code}/parties?as_of=` counts the ratifications deposited by that date."""

from __future__ import annotations

import httpx
import pytest

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
        ("FIREARMS", "2008-12-31", 0, {}),
    ],
)
async def test_parties_on_any_date(
    client: httpx.AsyncClient, instrument: str, as_of: str, parties: int, by_kind: dict[str, int]
) -> None:
    for country, code, date, kind in DEPOSITS:
        body = {"country": country, "instrument": code, "deposited_on": date, "kind": kind}
        await create(client, "ratifications", body)
    r = await client.get(f"/api/v1/instruments/{instrument}/parties", params={"as_of": as_of})
    assert r.status_code == 200, r.text
    assert r.json() == {
        "instrument": instrument.upper(),
        "as_of": as_of,
        "parties": parties,
        "by_kind": by_kind,
    }


async def test_parties_bad_input(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/instruments/NOPE/parties")
    assert r.status_code == 404  # the path names an instrument that does not exist
    r = await client.get("/api/v1/instruments/UNTOC/parties", params={"as_of": "2008-02-30"})
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "as_of"


async def test_a_state_ratifies_an_instrument_once(client: httpx.AsyncClient) -> None:
    body = {"country": "BEN", "instrument": "UNTOC", "deposited_on": "2004-08-30"}
    await create(client, "ratifications", body)
    r = await client.post("/api/v1/ratifications", json={**body, "deposited_on": "2005-01-01"})
    assert r.status_code == 409
    assert r.json()["errors"][0]["field"] == "instrument"
