"""Logging in, sessions, logout, throttling: the right 4xx and nothing written on bad input."""

from __future__ import annotations

import datetime as dt

import httpx
import jwt

from ta_manager.accounts import users
from ta_manager.database import sql

PASSWORD = "correct horse battery"


async def make_user(email: str = "officer@example.org", role: str = "officer") -> dict:
    return await users.create_user(email, role, password=PASSWORD)


async def login(
    c: httpx.AsyncClient, email: str, password: str = PASSWORD, **extra
) -> httpx.Response:  # type: ignore[no-untyped-def]
    return await c.post("/api/v1/auth/login", json={"email": email, "password": password, **extra})


async def test_login_gives_a_bearer_token_that_identifies_the_user(anon_client) -> None:  # type: ignore[no-untyped-def]
    await make_user()
    r = await login(anon_client, "Officer@Example.org")  # e-mail is case-insensitive
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 480 * 60
    assert "set-cookie" not in r.headers
    me = await anon_client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.status_code == 200, me.text
    assert me.json() == {
        "id": me.json()["id"],
        "email": "officer@example.org",
        "display_name": "",
        "role": "officer",
        "donor": None,
        "language": None,
        "authenticated_by": "session",
    }
    assert await sql.fetchval("SELECT last_login_at IS NOT NULL FROM app_user") is True


async def test_anonymous_calls_get_401(anon_client) -> None:  # type: ignore[no-untyped-def]
    r = await anon_client.get("/api/v1/auth/me")
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert r.headers["content-type"].startswith("application/problem+json")
    assert (await anon_client.get("/health")).status_code == 200


async def test_wrong_password_and_unknown_user_get_the_same_401(anon_client) -> None:  # type: ignore[no-untyped-def]
    await make_user()
    wrong = await login(anon_client, "officer@example.org", "not the password")
    unknown = await login(anon_client, "nobody@example.org")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]
    assert "access_token" not in wrong.text
    assert await sql.fetchval("SELECT last_login_at FROM app_user") is None


async def test_forged_and_expired_tokens_are_refused(app, anon_client) -> None:  # type: ignore[no-untyped-def]
    user = await make_user()
    sessions = app.state.sessions
    claims = {"sub": str(user["id"]), "jti": "x1", "epoch": 1, "iat": 1700000000}
    forged = jwt.encode(
        {**claims, "exp": 4102444800}, "not-the-secret-but-long-enough-for-hs256", algorithm="HS256"
    )
    expired = jwt.encode(
        {**claims, "exp": int(dt.datetime(2020, 1, 1).timestamp())},
        sessions.jwt.token_secret,
        algorithm="HS256",
    )
    good = jwt.encode({**claims, "exp": 4102444800}, sessions.jwt.token_secret, algorithm="HS256")
    for token in (forged, expired, "garbage", "tam_not-a-real-token"):
        r = await anon_client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401, token
    r = await anon_client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {good}"})
    assert r.status_code == 200  # the same claims, correctly signed, are accepted
    r = await anon_client.get("/api/v1/auth/me", headers={"Authorization": f"Basic {good}"})
    assert r.status_code == 401


async def test_logout_revokes_the_session(anon_client) -> None:  # type: ignore[no-untyped-def]
    await make_user()
    token = (await login(anon_client, "officer@example.org")).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert (await anon_client.get("/api/v1/auth/me", headers=auth)).status_code == 200
    assert (await anon_client.post("/api/v1/auth/logout", headers=auth)).status_code == 204
    assert (await anon_client.get("/api/v1/auth/me", headers=auth)).status_code == 401
    # another session of the same user is untouched
    other = (await login(anon_client, "officer@example.org")).json()["access_token"]
    r = await anon_client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {other}"})
    assert r.status_code == 200


async def test_cookie_session_for_the_browser(anon_client) -> None:  # type: ignore[no-untyped-def]
    await make_user()
    r = await login(anon_client, "officer@example.org", cookie=True)
    assert r.status_code == 200
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("ta_session=")
    for attribute in ("HttpOnly", "Secure", "SameSite=strict"):
        assert attribute.lower() in cookie.lower()
    token = r.json()["access_token"]
    anon_client.cookies.clear()
    me = await anon_client.get("/api/v1/auth/me", headers={"Cookie": f"ta_session={token}"})
    assert me.status_code == 200
    cookie_only = {"Cookie": f"ta_session={token}"}
    refused = await anon_client.post("/api/v1/auth/logout", headers=cookie_only)
    assert refused.status_code == 403  # no CSRF proof (docs/permissions.md)
    out = await anon_client.post(
        "/api/v1/auth/logout", headers={**cookie_only, "Origin": "http://testserver"}
    )
    assert out.status_code == 204
    assert 'ta_session=""' in out.headers["set-cookie"] or "Max-Age=0" in out.headers["set-cookie"]
    me = await anon_client.get("/api/v1/auth/me", headers={"Cookie": f"ta_session={token}"})
    assert me.status_code == 401


async def test_new_password_ends_old_sessions(anon_client) -> None:  # type: ignore[no-untyped-def]
    await make_user()
    token = (await login(anon_client, "officer@example.org")).json()["access_token"]
    await users.set_password("officer@example.org", "a brand new password")
    r = await anon_client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    assert (await login(anon_client, "officer@example.org")).status_code == 401
    assert (
        await login(anon_client, "officer@example.org", "a brand new password")
    ).status_code == 200


async def test_disabled_account_cannot_log_in_or_use_its_session(client, anon_client) -> None:  # type: ignore[no-untyped-def]
    user = await make_user()
    token = (await login(anon_client, "officer@example.org")).json()["access_token"]
    r = await client.patch(
        f"/api/v1/users/{user['id']}", json={"active": False, "version": user["version"]}
    )
    assert r.status_code == 200, r.text
    me = await anon_client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401
    assert (await login(anon_client, "officer@example.org")).status_code == 401


async def test_repeated_failures_for_one_account_get_429_even_with_the_right_password(
    anon_client,  # type: ignore[no-untyped-def]
) -> None:
    await make_user()
    for _ in range(5):
        assert (await login(anon_client, "officer@example.org", "wrong guess")).status_code == 401
    r = await login(anon_client, "officer@example.org")
    assert r.status_code == 429, r.text
    assert 1 <= int(r.headers["retry-after"]) <= 901
    # other accounts from elsewhere are not locked out by this
    await make_user("other@example.org")
    assert (await login(anon_client, "other@example.org")).status_code == 200


async def test_repeated_failures_from_one_address_get_429(anon_client) -> None:  # type: ignore[no-untyped-def]
    await make_user()
    for i in range(20):
        r = await login(anon_client, f"guess{i}@example.org", "wrong guess")
        assert r.status_code == 401
    r = await login(anon_client, "officer@example.org")
    assert r.status_code == 429
    count = await sql.fetchval("SELECT count(*) FROM login_failure")
    assert count == 20  # the throttled attempt itself is not even checked


async def test_a_success_clears_the_accounts_failures(anon_client) -> None:  # type: ignore[no-untyped-def]
    await make_user()
    for _ in range(4):
        await login(anon_client, "officer@example.org", "wrong guess")
    assert (await login(anon_client, "officer@example.org")).status_code == 200
    for _ in range(4):
        await login(anon_client, "officer@example.org", "wrong guess")
    assert (await login(anon_client, "officer@example.org")).status_code == 200


async def test_bad_login_bodies_are_400(anon_client) -> None:  # type: ignore[no-untyped-def]
    r = await anon_client.post("/api/v1/auth/login", json={"email": "a@b.c"})
    assert r.status_code == 400
    assert "password" in r.json()["detail"], r.text


async def test_users_change_their_own_password(anon_client) -> None:  # type: ignore[no-untyped-def]
    await make_user()
    token = (await login(anon_client, "officer@example.org")).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    wrong = await anon_client.post(
        "/api/v1/auth/password",
        json={"current_password": "not it at all", "new_password": "my own new password"},
        headers=auth,
    )
    assert wrong.status_code == 401
    short = await anon_client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "short"},
        headers=auth,
    )
    assert short.status_code == 422
    assert (await anon_client.get("/api/v1/auth/me", headers=auth)).status_code == 200
    ok = await anon_client.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "new_password": "my own new password"},
        headers=auth,
    )
    assert ok.status_code == 204
    assert (await anon_client.get("/api/v1/auth/me", headers=auth)).status_code == 401
    assert (
        await login(anon_client, "officer@example.org", "my own new password")
    ).status_code == 200


async def test_failures_older_than_the_window_do_not_count(anon_client) -> None:  # type: ignore[no-untyped-def]
    await make_user()
    await sql.execute(
        "INSERT INTO login_failure (email, address, at)"
        " SELECT 'officer@example.org', '127.0.0.1', now() - interval '1 hour'"
        " FROM generate_series(1, 30)"
    )
    assert (await login(anon_client, "officer@example.org", "wrong guess")).status_code == 401
    assert await sql.fetchval("SELECT count(*) FROM login_failure") == 1  # old ones dropped
    assert (await login(anon_client, "officer@example.org")).status_code == 200
