"""The demo data set loads through the services and says what the documents say."""

from __future__ import annotations

import httpx

from ta_manager.demo.loader import load_demo

PARA_25 = {
    "DZA",
    "BEN",
    "CMR",
    "TCD",
    "CHN",
    "CRI",
    "CZE",
    "COM",
    "DOM",
    "ECU",
    "SLV",
    "GIN",
    "JAM",
    "MDG",
    "MYS",
    "MDV",
    "MUS",
    "MNG",
    "NGA",
    "PHL",
    "SEN",
    "ZAF",
    "ZWE",
}
FOOTNOTE_17 = {  # venue city: grouping its beneficiaries belong to
    "Bogotá": "LAC",
    "Kuala Lumpur": "CEA",
    "Cairo": "MENA",
    "Vienna": "OSCE",
    "Dakar": "WCA",
}


async def _all(client: httpx.AsyncClient, path: str, **params: str) -> list[dict[str, object]]:
    r = await client.get(f"/api/v1/{path}", params={"limit": "1000", **params})
    assert r.status_code == 200, r.text
    items: list[dict[str, object]] = r.json()["items"]
    return items


async def test_demo_loads_the_documents_needs_and_workshops(client: httpx.AsyncClient) -> None:
    counts = await load_demo()
    assert counts["needs"] >= 59 and counts["activities"] >= 40

    legislative = await _all(client, "needs", assistance_type="PA2-LEG")
    assert {n["country"] for n in legislative} >= PARA_25

    r = await client.get(
        "/api/v1/activities", params={"country": "BEN", "priority_area": "PA3", "limit": "100"}
    )
    dakar = [a for a in r.json()["items"] if a["venue_city"] == "Dakar"]
    assert len(dakar) == 1 and dakar[0]["status"] == "completed"

    workshops = await _all(
        client, "activities", type="workshop", priority_area="PA3", to="2008-06-30"
    )
    by_city = {a["venue_city"]: a for a in workshops}
    for city, grouping in FOOTNOTE_17.items():
        assert city in by_city, f"footnote-17 workshop in {city} missing"
        in_region = await _all(
            client,
            "activities",
            region=grouping,
            type="workshop",
            priority_area="PA3",
            to="2008-06-30",
        )
        assert by_city[city]["code"] in {a["code"] for a in in_region}, city
    bogota = by_city["Bogotá"]
    assert bogota["actual_start"] == "2007-09-12" and bogota["actual_end"] == "2007-09-14"
    assert "OAS" in bogota["partners"]


async def test_demo_money_adds_up(client: httpx.AsyncClient) -> None:
    counts = await load_demo()
    assert counts["allocations"] > 0 and counts["expenditures"] > 0  # also on a second load
    for c in await _all(client, "contributions"):
        assert float(c["allocated"]) <= float(c["amount"])  # type: ignore[arg-type]
        assert c["amount_usd"] is not None


async def test_demo_parties_are_the_published_figures(client: httpx.AsyncClient) -> None:
    """The demo's ratifications are a subset: the parties figures are the documents' own."""
    counts = await load_demo()
    assert counts["instrument_status"] == 9
    r = await client.get("/api/v1/instruments/UNTOC/parties", params={"as_of": "2008-12-31"})
    body = r.json()
    assert (body["parties"], body["source"]) == (146, "published_status")
    assert body["published_status"]["document"] == "CTOC/COP/2008/16"
    r = await client.get("/api/v1/instruments/UNCAC/parties", params={"as_of": "2009-03-01"})
    assert r.json()["parties"] == 129
