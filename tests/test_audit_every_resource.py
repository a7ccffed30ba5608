"""Every resource's create, update and delete/archive through the API: exactly one audit
record per changed record, naming the field that changed."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from ta_manager.database import sql
from tests.factories import create
from tests.test_api_every_resource import CASES, _prerequisites


async def new_audit(since_id: int) -> list[dict[str, Any]]:
    rows = await sql.fetch("SELECT * FROM audit_record WHERE id > $1 ORDER BY id", since_id)
    out = []
    for r in rows:
        changes = r["changes"]
        out.append(
            {**dict(r), "changes": json.loads(changes) if isinstance(changes, str) else changes}
        )
    return out


async def last_id() -> int:
    return int(await sql.fetchval("SELECT coalesce(max(id), 0) FROM audit_record"))


@pytest.mark.parametrize(
    ("path", "body", "field", "value", "archivable"), CASES, ids=[c[0] for c in CASES]
)
async def test_each_write_is_audited_once(
    client: httpx.AsyncClient,
    path: str,
    body: dict[str, Any],
    field: str,
    value: Any,
    archivable: bool,
) -> None:
    await _prerequisites(client)
    mark = await last_id()
    created = await create(client, path, body)
    rows = await new_audit(mark)
    assert [(r["action"], r["record_id"]) for r in rows] == [("create", created["id"])]
    assert rows[0]["user_email"].startswith("admin-") and rows[0]["via"] == "api"

    mark = await last_id()
    url = f"/api/v1/{path}/{created['id']}"
    r = await client.patch(url, json={field: value, "version": created["version"]})
    assert r.status_code == 200, r.text
    rows = await new_audit(mark)
    assert [(r["action"], r["record_id"]) for r in rows] == [("update", created["id"])]
    assert field in rows[0]["changes"]

    mark = await last_id()
    assert (await client.delete(url)).status_code == 204
    expected = ["archive"] if archivable else ["delete"]
    if archivable:
        assert (await client.delete(url, params={"hard": "true"})).status_code == 204
        expected.append("delete")
    rows = await new_audit(mark)
    assert [(r["action"], r["record_id"]) for r in rows] == [(a, created["id"]) for a in expected]
    assert rows[-1]["changes"]  # the deleted record's last values are kept
