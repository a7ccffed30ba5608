"""The reference seed runs at every start: no allowed edit may break it (issue 10, item 4)."""

from __future__ import annotations

import httpx

from ta_manager.cli.serve import prepare
from ta_manager.database import sql


async def _state(client: httpx.AsyncClient, iso3: str) -> dict:  # type: ignore[type-arg]
    r = await client.get("/api/v1/countries", params={"q": iso3, "limit": 1000})
    assert r.status_code == 200, r.text
    return next(c for c in r.json()["items"] if c["iso3"] == iso3)


async def test_start_up_survives_a_freed_iso2_given_to_another_state(
    client: httpx.AsyncClient,
) -> None:
    chad = await _state(client, "TCD")
    assert (await client.delete(f"/api/v1/countries/{chad['id']}")).status_code == 204
    benin = await _state(client, "BEN")
    r = await client.patch(
        f"/api/v1/countries/{benin['id']}", json={"iso2": "TD", "version": benin["version"]}
    )
    assert r.status_code == 200, r.text
    # another allowed edit: a code changed only in case (codes are unique case-insensitively)
    pa = (await client.get("/api/v1/priority-areas", params={"limit": 1000})).json()["items"][0]
    r = await client.patch(
        f"/api/v1/priority-areas/{pa['id']}",
        json={"code": pa["code"].lower(), "version": pa["version"]},
    )
    assert r.status_code == 200, r.text

    await prepare(load_demo=False)  # what `ta-manager serve` runs at every start
    await prepare(load_demo=False)

    rows = await sql.fetch("SELECT iso2, iso3 FROM country WHERE iso2 = 'TD' OR iso3 = 'TCD'")
    assert [(r["iso2"], r["iso3"]) for r in rows] == [("TD", "BEN")]  # the edit survives
    codes = await sql.fetch(
        "SELECT code FROM priority_area WHERE upper(code) = upper($1)", pa["code"]
    )
    assert [r["code"] for r in codes] == [pa["code"].lower()]


async def test_seed_adds_back_what_no_edit_has_taken(client: httpx.AsyncClient) -> None:
    chad = await _state(client, "TCD")
    assert (await client.delete(f"/api/v1/countries/{chad['id']}")).status_code == 204
    await prepare(load_demo=False)
    assert await sql.fetchval("SELECT iso2 FROM country WHERE iso3 = 'TCD'") == "TD"
