"""Personal API tokens: shown once, stored hashed, listed and revoked by their owner only."""

from __future__ import annotations

import hashlib

from ta_manager.database import sql


async def test_create_use_list_and_revoke_a_token(client_as, anon_client) -> None:  # type: ignore[no-untyped-def]
    officer = await client_as("officer", email="script-owner@example.org")
    r = await officer.post("/api/v1/auth/tokens", json={"name": "nightly import"})
    assert r.status_code == 201, r.text
    created = r.json()
    secret = created["token"]
    assert secret.startswith("tam_") and len(secret) > 40
    assert created["prefix"] == secret[:10]

    stored = await sql.fetchrow("SELECT * FROM api_token WHERE id = $1", created["id"])
    assert stored["token_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in [str(v) for v in dict(stored).values()]

    auth = {"Authorization": f"Bearer {secret}"}
    me = await anon_client.get("/api/v1/auth/me", headers=auth)
    assert me.status_code == 200
    assert me.json()["email"] == "script-owner@example.org"
    assert me.json()["authenticated_by"] == "api_token"

    listed = (await officer.get("/api/v1/auth/tokens")).json()
    names = {t["name"]: t for t in listed}
    assert "token" not in names["nightly import"]
    assert names["nightly import"]["revoked_at"] is None

    assert (await officer.delete(f"/api/v1/auth/tokens/{created['id']}")).status_code == 204
    assert (await anon_client.get("/api/v1/auth/me", headers=auth)).status_code == 401
    listed = {t["name"]: t for t in (await officer.get("/api/v1/auth/tokens")).json()}
    assert listed["nightly import"]["revoked_at"] is not None


async def test_someone_elses_token_does_not_exist_for_me(client_as) -> None:  # type: ignore[no-untyped-def]
    alice = await client_as("officer")
    bob = await client_as("secretariat")
    token = (await alice.post("/api/v1/auth/tokens", json={"name": "alice's"})).json()
    r = await bob.delete(f"/api/v1/auth/tokens/{token['id']}")
    assert r.status_code == 404
    assert await sql.fetchval("SELECT revoked_at FROM api_token WHERE id = $1", token["id"]) is None
    bobs = [t["name"] for t in (await bob.get("/api/v1/auth/tokens")).json()]
    assert "alice's" not in bobs


async def test_expired_tokens_are_refused(client_as, anon_client) -> None:  # type: ignore[no-untyped-def]
    officer = await client_as("officer")
    created = (await officer.post("/api/v1/auth/tokens", json={"name": "short-lived"})).json()
    await sql.execute(
        "UPDATE api_token SET expires_at = now() - interval '1 minute' WHERE id = $1",
        created["id"],
    )
    auth = {"Authorization": f"Bearer {created['token']}"}
    assert (await anon_client.get("/api/v1/auth/me", headers=auth)).status_code == 401


async def test_bad_token_requests(client_as) -> None:  # type: ignore[no-untyped-def]
    officer = await client_as("officer")
    r = await officer.post("/api/v1/auth/tokens", json={"name": "x", "expires_on": "2001-01-01"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "expires_on"
    assert (await officer.post("/api/v1/auth/tokens", json={})).status_code == 400
    assert await sql.fetchval("SELECT count(*) FROM api_token WHERE name = 'x'") == 0
