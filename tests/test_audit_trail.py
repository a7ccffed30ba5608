"""Every write leaves exactly one audit record per changed record, in the same transaction."""

from __future__ import annotations

import json

import asyncpg
import msgspec
import pytest

from ta_manager.activities.schemas import ActivityCreate
from ta_manager.activities.service import ActivityService
from ta_manager.audit.actor import Actor, acting_as
from ta_manager.audit.trail import record_bulk
from ta_manager.database import sql
from tests.factories import activity_body, need_body, organization


async def trail(resource: str, record_id: int | None = None) -> list[dict]:
    rows = await sql.fetch(
        "SELECT * FROM audit_record WHERE resource = $1 AND ($2::bigint IS NULL OR record_id = $2)"
        " ORDER BY id",
        resource,
        record_id,
    )
    return [{**dict(r), "changes": as_dict(r["changes"])} for r in rows]


def as_dict(changes: object) -> dict:
    return json.loads(changes) if isinstance(changes, str) else dict(changes)  # type: ignore[call-overload]


async def test_every_api_write_leaves_one_audit_record(client_as) -> None:  # type: ignore[no-untyped-def]
    officer = await client_as("officer", email="writer@example.org")
    admin = await client_as("admin", email="boss@example.org")
    r = await officer.post("/api/v1/activities", json=activity_body("A-AUD"))
    assert r.status_code == 201
    activity = r.json()
    path = f"/api/v1/activities/{activity['id']}"
    r = await officer.patch(
        path,
        json={"title": "Renamed", "beneficiary_countries": ["BEN"], "version": activity["version"]},
    )
    assert r.status_code == 200, r.text
    assert (await officer.delete(path)).status_code == 204
    assert (await admin.post(f"{path}/restore")).status_code == 200
    assert (await admin.delete(path, params={"hard": "true"})).status_code == 204

    rows = await trail("activity", activity["id"])
    assert [r["action"] for r in rows] == ["create", "update", "archive", "restore", "delete"]
    assert [r["user_email"] for r in rows] == ["writer@example.org"] * 3 + ["boss@example.org"] * 2
    assert all(r["via"] == "api" and r["record_code"] == "A-AUD" for r in rows)
    created, updated = rows[0]["changes"], rows[1]["changes"]
    assert created["title"] == {"old": None, "new": "Activity A-AUD"}
    assert created["participants_total"] == {"old": None, "new": 40}
    assert updated == {
        "title": {"old": "Activity A-AUD", "new": "Renamed"},
        "beneficiary_countries": {"old": ["BEN", "MLI", "SEN"], "new": ["BEN"]},
    }  # only what changed
    assert rows[4]["changes"]["title"] == {"old": "Renamed", "new": None}
    assert [r["version"] for r in rows[:4]] == [1, 2, 3, 4]

    # every resource's create through the API is audited once
    await officer.post("/api/v1/needs", json=need_body("N-AUD"))
    await officer.post(
        "/api/v1/organizations", json={"code": "NORDONOR", "name": "N", "roles": ["donor"]}
    )
    assert len(await trail("need")) == 1
    assert len(await trail("organization")) == 1


async def test_failed_writes_leave_no_audit_record(client) -> None:  # type: ignore[no-untyped-def]
    before = await sql.fetchval("SELECT count(*) FROM audit_record")
    r = await client.post("/api/v1/activities", json=activity_body("A-BAD", type="no-such-type"))
    assert r.status_code == 422
    ok = (await client.post("/api/v1/activities", json=activity_body("A-OK"))).json()
    stale = await client.patch(f"/api/v1/activities/{ok['id']}", json={"title": "x", "version": 9})
    assert stale.status_code == 409
    assert await sql.fetchval("SELECT count(*) FROM audit_record") == before + 1  # the create


async def test_audit_is_read_only_through_the_api_and_in_the_database(client) -> None:  # type: ignore[no-untyped-def]
    await client.post("/api/v1/activities", json=activity_body("A-RO"))
    audit_id = await sql.fetchval("SELECT max(id) FROM audit_record")
    for method in ("PUT", "PATCH", "DELETE", "POST"):
        r = await client.request(method, f"/api/v1/audit/{audit_id}", json={})
        assert r.status_code == 405, method
    assert (await client.request("POST", "/api/v1/audit", json={})).status_code == 405
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await sql.execute("UPDATE audit_record SET user_email = 'someone else'")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await sql.execute("DELETE FROM audit_record")
    assert await sql.fetchval("SELECT count(*) FROM audit_record WHERE id = $1", audit_id) == 1


async def test_audit_query_by_record_user_and_time(client_as) -> None:  # type: ignore[no-untyped-def]
    officer = await client_as("officer", email="field@example.org")
    secretariat = await client_as("secretariat")
    a = (await officer.post("/api/v1/activities", json=activity_body("A-Q1"))).json()
    await officer.post("/api/v1/activities", json=activity_body("A-Q2"))
    await officer.patch(f"/api/v1/activities/{a['id']}", json={"title": "T2", "version": 1})

    r = await secretariat.get("/api/v1/audit", params={"record": "A-Q1"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == 2
    assert [i["action"] for i in body["items"]] == ["update", "create"]  # newest first
    assert body["items"][0]["changes"]["title"] == {"old": "Activity A-Q1", "new": "T2"}

    by_id = await secretariat.get("/api/v1/audit", params={"record": f"activity:{a['id']}"})
    assert by_id.json()["total"] == 2
    mine = await secretariat.get(
        "/api/v1/audit", params={"user": "field@example.org", "resource": "activity"}
    )
    assert mine.json()["total"] == 3
    since = await sql.fetchval("SELECT max(at) FROM audit_record")
    later = await secretariat.get(
        "/api/v1/audit", params={"since": (since.isoformat()), "resource": "activity"}
    )
    assert later.json()["total"] == 1  # the update
    future = await secretariat.get("/api/v1/audit", params={"since": "2999-01-01"})
    assert future.json()["total"] == 0
    bad = await secretariat.get("/api/v1/audit", params={"since": "yesterday"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "since"
    one = await secretariat.get(f"/api/v1/audit/{body['items'][0]['id']}")
    assert one.json()["record_code"] == "A-Q1"
    assert (await officer.get("/api/v1/audit")).status_code == 403


async def test_service_writes_outside_http_name_their_actor(client) -> None:  # type: ignore[no-untyped-def]
    with acting_as(Actor(None, "import:nightly", "import")):
        body = msgspec.convert(activity_body("A-SVC"), ActivityCreate)
        record = await ActivityService().create(body)
    rows = await trail("activity", record["id"])
    assert [(r["user_email"], r["via"]) for r in rows] == [("import:nightly", "import")]


async def test_record_bulk_writes_one_record_per_row_in_the_callers_transaction(client) -> None:  # type: ignore[no-untyped-def]
    await organization(client, "PARTNER1", "partner")
    rows = [(1000 + i, None, {"code": f"X-{i}", "title": f"t{i}", "version": 1}) for i in range(50)]
    with acting_as(Actor(7, "importer@example.org", "import")):
        async with sql.transaction():
            assert await record_bulk("activity", "create", rows) == 50
    got = await trail("activity")
    assert len(got) == 50
    assert {r["record_code"] for r in got} == {f"X-{i}" for i in range(50)}
    assert all(r["user_id"] == 7 and r["via"] == "import" for r in got)
    third = next(r for r in got if r["record_id"] == 1003)
    assert third["changes"] == {
        "code": {"old": None, "new": "X-3"},
        "title": {"old": None, "new": "t3"},
    }

    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        async with sql.transaction():
            await record_bulk("activity", "update", [(1, {"title": "a"}, {"title": "b"})])
            raise Boom
    assert len(await trail("activity")) == 50  # rolled back with the caller's transaction
    with pytest.raises(ValueError, match="unknown audit action"):
        await record_bulk("activity", "upsert", [(1, None, {})])
