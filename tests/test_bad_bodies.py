"""Bodies the JSON decoder cannot handle are the caller's error, never a 500 (issue 10,
item 6)."""

from __future__ import annotations

import httpx
import pytest

JSON = {"content-type": "application/json"}
BODIES = {
    "nested arrays": b"[" * 1000 + b"]" * 1000,
    "nested objects": b'{"a":' * 5000 + b"1" + b"}" * 5000,
    "invalid UTF-8": b'{"email": "\xc3\x28", "password": "\xff"}',
}


@pytest.mark.parametrize("name", BODIES)
async def test_login_refuses_with_400(anon_client: httpx.AsyncClient, name: str) -> None:
    r = await anon_client.post("/api/v1/auth/login", content=BODIES[name], headers=JSON)
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["detail"].startswith("request body: ")


@pytest.mark.parametrize("name", BODIES)
async def test_record_writes_refuse_with_400(client: httpx.AsyncClient, name: str) -> None:
    r = await client.post("/api/v1/activities", content=BODIES[name], headers=JSON)
    assert r.status_code == 400, r.text
    state = (await client.get("/api/v1/countries", params={"limit": 1})).json()["items"][0]
    r = await client.patch(f"/api/v1/countries/{state['id']}", content=BODIES[name], headers=JSON)
    assert r.status_code == 400, r.text
