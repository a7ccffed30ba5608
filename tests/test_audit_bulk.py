"""Set-based writers (importers) audit with the table's own before/after values."""

from __future__ import annotations

import json

import pytest

from ta_manager.audit.actor import Actor, acting_as
from ta_manager.audit.bulk import record_rows, snapshot_rows
from ta_manager.database import sql
from tests.factories import activity_body


def as_dict(changes: object) -> dict:
    return json.loads(changes) if isinstance(changes, str) else dict(changes)  # type: ignore[call-overload]


async def trail(action: str) -> dict[int, dict]:
    rows = await sql.fetch(
        "SELECT * FROM audit_record WHERE resource = 'activity' AND action = $1", action
    )
    return {r["record_id"]: {**dict(r), "changes": as_dict(r["changes"])} for r in rows}


async def test_bulk_create_update_delete_each_leave_one_record_per_row(client) -> None:  # type: ignore[no-untyped-def]
    ids = [
        (await client.post("/api/v1/activities", json=activity_body(f"A-B{i}"))).json()["id"]
        for i in range(3)
    ]
    with acting_as(Actor(None, "import:activities.xlsx", "import")):
        async with sql.transaction():
            await snapshot_rows("activity", ids[:2])
            await sql.execute(
                "UPDATE activity SET title = 'Bulk ' || code, version = version + 1"
                " WHERE id = ANY($1::bigint[])",
                ids[:2],
            )
            assert await record_rows("activity", "activity", "update", ids[:2]) == 2

            new_id = await sql.fetchval(
                "INSERT INTO activity (code, title, activity_type_id)"
                " SELECT 'A-NEW', 'New one', id FROM activity_type WHERE code = 'workshop'"
                " RETURNING id"
            )
            assert await record_rows("activity", "activity", "create", [new_id]) == 1

            await snapshot_rows("activity", [ids[2]])
            await sql.execute("DELETE FROM activity WHERE id = $1", ids[2])
            assert await record_rows("activity", "activity", "delete", [ids[2]]) == 1

    updates = await trail("update")
    assert set(updates) == set(ids[:2])
    assert updates[ids[0]]["changes"] == {"title": {"old": "Activity A-B0", "new": "Bulk A-B0"}}
    assert updates[ids[0]]["version"] == 2
    assert updates[ids[0]]["via"] == "import"
    created = (await trail("create"))[new_id]
    assert created["record_code"] == "A-NEW"
    assert created["changes"]["title"] == {"old": None, "new": "New one"}
    assert "planned_start" not in created["changes"]  # nulls are not changes
    deleted = (await trail("delete"))[ids[2]]
    assert deleted["changes"]["title"] == {"old": "Activity A-B2", "new": None}
    assert deleted["user_email"] == "import:activities.xlsx"


async def test_bulk_auditing_needs_the_writers_transaction(client) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError, match="transaction"):
        await record_rows("activity", "activity", "create", [1])
    async with sql.transaction():
        with pytest.raises(ValueError, match="not a table name"):
            await record_rows("activity", "activity; drop table x", "create", [1])
