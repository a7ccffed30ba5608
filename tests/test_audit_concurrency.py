"""No lost updates: 20 officers save the same activity version at once; exactly one wins."""

from __future__ import annotations

import asyncio

from ta_manager.database import sql
from tests.factories import activity_body


async def test_twenty_concurrent_updates_with_one_version(client) -> None:  # type: ignore[no-untyped-def]
    created = (await client.post("/api/v1/activities", json=activity_body("A-RACE"))).json()
    path = f"/api/v1/activities/{created['id']}"
    version = created["version"]

    async def save(i: int):  # type: ignore[no-untyped-def]
        body = {"title": f"Edit number {i}", "participants_total": 100 + i, "version": version}
        return i, await client.patch(path, json=body)

    results = await asyncio.gather(*(save(i) for i in range(20)))

    statuses = sorted(r.status_code for _, r in results)
    assert statuses.count(200) == 1, statuses
    assert all(s in (409, 412) for s in statuses if s != 200), statuses
    winner_i, winner = next((i, r) for i, r in results if r.status_code == 200)
    for _, r in results:
        if r.status_code != 200:
            assert r.json()["current_version"] >= version + 1
            assert r.headers["etag"] == f'"{r.json()["current_version"]}"'

    final = (await client.get(path)).json()
    assert final == winner.json()
    assert final["title"] == f"Edit number {winner_i}"
    assert final["participants_total"] == 100 + winner_i
    assert final["version"] == version + 1
    updates = await sql.fetchval(
        "SELECT count(*) FROM audit_record WHERE resource = 'activity' AND record_id = $1"
        " AND action = 'update'",
        created["id"],
    )
    assert updates == 1


async def test_update_without_a_version_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    created = (await client.post("/api/v1/activities", json=activity_body("A-NOVER"))).json()
    r = await client.patch(f"/api/v1/activities/{created['id']}", json={"title": "x"})
    assert r.status_code == 428
    got = (await client.get(f"/api/v1/activities/{created['id']}")).json()
    assert got["title"] == "Activity A-NOVER"
    assert (await client.get(f"/api/v1/activities/{created['id']}")).headers["etag"] == '"1"'
