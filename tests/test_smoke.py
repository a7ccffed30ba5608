from __future__ import annotations

import httpx


async def test_health_reports_database(client: httpx.AsyncClient) -> None:
    r = await client.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["database"]["status"] == "ok"
    assert body["database"]["migrations"] >= 1


async def test_reference_data_is_seeded(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/countries", params={"region": "WCA", "limit": 100})
    assert r.status_code == 200
    codes = {c["iso3"] for c in r.json()["items"]}
    assert {"BEN", "TCD", "SEN", "GAB", "CMR"} <= codes
    assert "FRA" not in codes
