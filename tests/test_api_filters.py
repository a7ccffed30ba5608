"""List filters of needs, projects, funding and cost norms return exactly the matching rows."""

from __future__ import annotations

import httpx

from tests.factories import activity_body, create, need_body, organization


async def _codes(
    client: httpx.AsyncClient, path: str, key: str = "code", **params: str
) -> set[str]:
    r = await client.get(f"/api/v1/{path}", params={"limit": "1000", **params})
    assert r.status_code == 200, r.text
    return {str(item[key]) for item in r.json()["items"]}


async def test_need_filters(client: httpx.AsyncClient) -> None:
    await create(client, "needs", need_body("N-BEN"))
    await create(
        client,
        "needs",
        need_body(
            "N-COL",
            country="COL",
            priority_area="PA3",
            assistance_type="PA3-CAP",
            instruments=["TIP"],
            stated_on="2007-01-01",
            source="letter",
        ),
    )
    assert await _codes(client, "needs", country="CO") == {"N-COL"}
    assert await _codes(client, "needs", region="WCA") == {"N-BEN"}
    assert await _codes(client, "needs", region="Latin America and the Caribbean") == {"N-COL"}
    assert await _codes(client, "needs", priority_area="PA2,PA3") == {"N-BEN", "N-COL"}
    assert await _codes(client, "needs", assistance_type="PA3-CAP") == {"N-COL"}
    assert await _codes(client, "needs", instrument="TIP") == {"N-COL"}
    assert await _codes(client, "needs", source="letter") == {"N-COL"}
    assert await _codes(client, "needs", status="open", **{"from": "2008-01-01"}) == {"N-BEN"}
    # A codelist filter takes several values, comma-separated or repeated, as every filter.
    await create(client, "needs", need_body("N-MET", country="TCD", status="met"))
    assert await _codes(client, "needs", status="open,met") == {"N-BEN", "N-COL", "N-MET"}
    r = await client.get("/api/v1/needs", params=[("status", "met"), ("status", "withdrawn")])
    assert {i["code"] for i in r.json()["items"]} == {"N-MET"}
    assert await _codes(client, "needs", status="met") == {"N-MET"}
    r = await client.get("/api/v1/needs", params={"status": "open,closed"})
    assert r.status_code == 400, r.text
    assert r.json()["errors"] == [
        {
            "field": "status",
            "reason": "unknown value 'closed'; choose from open, in_progress, met, withdrawn",
        }
    ]
    r = await client.get("/api/v1/needs", params={"region": "Middle Earth"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "region"


async def test_project_and_funding_filters(client: httpx.AsyncClient) -> None:
    await organization(client, "CAN", "donor")
    await organization(client, "FRA", "donor")
    await create(
        client,
        "projects",
        {
            "code": "P-WCA",
            "title": "West Africa",
            "countries": ["SEN"],
            "priority_areas": ["PA3"],
            "donors": ["CAN"],
        },
    )
    await create(
        client,
        "projects",
        {
            "code": "P-LAC",
            "title": "Americas",
            "countries": ["COL"],
            "priority_areas": ["PA5"],
            "donors": ["FRA"],
            "status": "closed",
        },
    )
    assert await _codes(client, "projects", region="WCA") == {"P-WCA"}
    assert await _codes(client, "projects", country="COL") == {"P-LAC"}
    assert await _codes(client, "projects", priority_area="PA5") == {"P-LAC"}
    assert await _codes(client, "projects", donor="CAN") == {"P-WCA"}
    assert await _codes(client, "projects", status="closed") == {"P-LAC"}

    await create(
        client,
        "exchange-rates",
        {"currency": "CAD", "valid_on": "2008-01-01", "rate_to_usd": "0.98"},
    )
    await create(
        client,
        "contributions",
        {
            "code": "C-CAN",
            "donor": "CAN",
            "amount": "1000",
            "currency": "CAD",
            "pledged_on": "2008-03-01",
            "earmarking": "project",
            "earmarked_project": "P-WCA",
        },
    )
    await create(
        client,
        "contributions",
        {
            "code": "C-FRA",
            "donor": "FRA",
            "amount": "500",
            "currency": "USD",
            "status": "received",
            "pledged_on": "2007-03-01",
            "received_on": "2007-04-01",
            "earmarking": "priority_area",
            "earmarked_priority_area": "PA5",
        },
    )
    assert await _codes(client, "contributions", donor="CAN") == {"C-CAN"}
    assert await _codes(client, "contributions", currency="usd") == {"C-FRA"}
    assert await _codes(client, "contributions", status="received") == {"C-FRA"}
    assert await _codes(client, "contributions", project="P-WCA") == {"C-CAN"}
    assert await _codes(client, "contributions", priority_area="PA5") == {"C-FRA"}
    assert await _codes(client, "contributions", to="2007-12-31") == {"C-FRA"}
    assert await _codes(client, "exchange-rates", "currency", currency="CAD") == {"CAD"}

    await create(client, "activities", activity_body("A-1", project="P-WCA"))
    await create(
        client,
        "allocations",
        {"contribution": "C-CAN", "activity": "A-1", "amount": "300", "allocated_on": "2008-04-01"},
    )
    assert await _codes(client, "allocations", "contribution", donor="CAN") == {"C-CAN"}
    assert await _codes(client, "allocations", "activity", activity="A-1") == {"A-1"}
    assert await _codes(client, "activities", donor="CAN") == {"A-1"}
    assert await _codes(client, "activities", donor="FRA") == set()
    assert await _codes(client, "organizations", role="donor") == {"CAN", "FRA"}


async def test_cost_norm_filters(client: httpx.AsyncClient) -> None:
    norms = [
        {
            "item": "air_ticket",
            "unit": "trip",
            "unit_cost": "1200",
            "currency": "USD",
            "year": 2009,
            "region": "AFR-W",
            "venue_region": "AFR-W",
        },
        {
            "item": "dsa",
            "unit": "day",
            "unit_cost": "250",
            "currency": "USD",
            "year": 2009,
            "place": "Dakar",
        },
        {
            "item": "dsa",
            "unit": "day",
            "unit_cost": "230",
            "currency": "EUR",
            "year": 2008,
            "place": "Vienna",
        },
    ]
    for norm in norms:
        await create(client, "cost-norms", norm)
    assert await _codes(client, "cost-norms", "place", item="dsa", year="2009") == {"Dakar"}
    assert await _codes(client, "cost-norms", "place", currency="eur") == {"Vienna"}
    assert await _codes(client, "cost-norms", "item", region="AFR-W") == {"air_ticket"}
