"""Officers limited to assigned regions or projects write only inside them."""

from __future__ import annotations

import httpx

from ta_manager.accounts import users
from ta_manager.database import sql
from tests.conftest import _client
from tests.factories import activity_body, create, need_body


async def officer_for(app, **scope) -> httpx.AsyncClient:  # type: ignore[no-untyped-def]
    from ta_manager.accounts import api_tokens

    user = await users.create_user("west@example.org", "officer", **scope)
    _, secret = await api_tokens.create_token(user["id"], "tests")
    return _client(app, secret)


async def test_officer_limited_to_a_region(app, client) -> None:  # type: ignore[no-untyped-def]
    async with await officer_for(app, regions=["WCA"]) as officer:
        ok = await officer.post("/api/v1/activities", json=activity_body("A-WCA"))
        assert ok.status_code == 201, ok.text
        outside = activity_body("A-FRA", beneficiary_countries=["FRA"], venue_country="FRA")
        r = await officer.post("/api/v1/activities", json=outside)
        assert r.status_code == 403, r.text
        assert "assigned" in r.json()["detail"]
        assert await sql.fetchval("SELECT count(*) FROM activity WHERE code = 'A-FRA'") == 0

        # moving an activity out of the region is refused, and nothing changes
        record = ok.json()
        r = await officer.patch(
            f"/api/v1/activities/{record['id']}",
            json={"beneficiary_countries": ["FRA"], "venue_country": "FRA", "version": 1},
        )
        assert r.status_code == 403
        again = (await officer.get(f"/api/v1/activities/{record['id']}")).json()
        assert again["version"] == 1 and again["beneficiary_countries"] == ["BEN", "MLI", "SEN"]

        # someone else's activity elsewhere: readable, not editable or archivable
        french = await create(client, "activities", outside)
        path = f"/api/v1/activities/{french['id']}"
        assert (await officer.get(path)).status_code == 200
        assert (await officer.patch(path, json={"title": "x", "version": 1})).status_code == 403
        assert (await officer.delete(path)).status_code == 403
        assert (await client.get(path)).json()["archived_at"] is None

        assert (await officer.post("/api/v1/needs", json=need_body("N-BEN"))).status_code == 201
        r = await officer.post("/api/v1/needs", json=need_body("N-FRA", country="FRA"))
        assert r.status_code == 403
        # unknown ids stay 404
        assert (await officer.delete("/api/v1/activities/999999")).status_code == 404


async def test_officer_limited_to_a_project(app, client) -> None:  # type: ignore[no-untyped-def]
    await create(client, "projects", {"code": "P-GLOBAL", "title": "Global programme"})
    async with await officer_for(app, projects=["P-GLOBAL"]) as officer:
        inside = activity_body("A-IN", project="P-GLOBAL", beneficiary_countries=["FRA"])
        assert (await officer.post("/api/v1/activities", json=inside)).status_code == 201
        outside = activity_body("A-OUT", beneficiary_countries=["FRA"], venue_country="FRA")
        assert (await officer.post("/api/v1/activities", json=outside)).status_code == 403


async def test_unassigned_officer_is_not_limited(client_as) -> None:  # type: ignore[no-untyped-def]
    officer = await client_as("officer")
    body = activity_body("A-ANY", beneficiary_countries=["FRA"], venue_country="FRA")
    assert (await officer.post("/api/v1/activities", json=body)).status_code == 201


async def test_assignments_through_the_users_api(client) -> None:  # type: ignore[no-untyped-def]
    r = await client.post(
        "/api/v1/users", json={"email": "o@example.org", "role": "officer", "regions": ["WCA"]}
    )
    assert r.status_code == 201, r.text
    user = r.json()
    assert user["regions"] == ["WCA"] and user["projects"] == []
    r = await client.patch(
        f"/api/v1/users/{user['id']}", json={"regions": ["LAC", "WCA"], "version": 1}
    )
    assert r.json()["regions"] == ["LAC", "WCA"]
    r = await client.patch(f"/api/v1/users/{user['id']}", json={"role": "viewer", "version": 2})
    assert r.json()["regions"] == []
    bad = await client.post(
        "/api/v1/users", json={"email": "v@example.org", "role": "viewer", "regions": ["WCA"]}
    )
    assert bad.status_code == 422
    bad = await client.post(
        "/api/v1/users", json={"email": "w@example.org", "role": "officer", "regions": ["NOPE"]}
    )
    assert bad.status_code == 422 and "regions" in bad.text
