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
        if c["amount"] is None:  # support stated without an amount: nothing allocated
            assert float(c["allocated"]) == 0  # type: ignore[arg-type]
            continue
        assert float(c["allocated"]) <= float(c["amount"])  # type: ignore[arg-type]
        assert c["amount_usd"] is not None


async def test_demo_uses_the_documents_words(client: httpx.AsyncClient) -> None:
    """Categories, series, plans and what was held, sources, support without amounts, and
    a costed draft at once (the example norms are loaded)."""
    counts = await load_demo()
    assert counts["cost_norms"] > 0 and counts["funding_needs"] >= 8
    activities = {a["code"]: a for a in await _all(client, "activities")}
    assert activities["A-2008-COP4"]["category"] == "intergovernmental"
    assert activities["A-2008-CIFTA-CSP"]["category"] == "participation"
    assert activities["A-2008-ADV-GROUP"]["events"] == 5
    assert activities["A-2008-VIE-JIT-EGM"]["delivers"] == "A-2008-P22-JIT-EGM"
    assert activities["A-2008-BOL-FA"]["actual_start"] == "2008-05"  # "In May 2008"
    assert {"CAN", "FRA", "USA", "OSCE"} <= set(activities["A-2008-DKR-WS"]["donors"])
    assert all(a["sources"] for a in activities.values()), "every demo activity cites a source"
    proposed = [a for a in activities.values() if a["status"] == "proposed"]
    assert len(proposed) >= 10
    fn10 = [c for c in await _all(client, "contributions") if c["code"] == "C-2008-CAN-01"]
    assert fn10[0]["amount"] is None and fn10[0]["sources"][0]["footnote"] == "10"
    r = await client.post(
        "/api/v1/proposals/draft",
        json={"title": "2009-2011", "start_year": 2009, "end_year": 2011,
              "take_proposed": True},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    assert r.json()["complete"] is True and r.json()["missing_norms"] == []
    taken = {a["activity"] for a in r.json()["activities"]} - {None}
    assert taken == {a["code"] for a in proposed}


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
