"""User accounts through the API (administrators), the CLI and the first start."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ta_manager.accounts import users
from ta_manager.accounts.first_admin import ensure_first_admin
from ta_manager.accounts.passwords import verify_password
from ta_manager.database import sql
from tests.factories import organization

CLI = [sys.executable, "-m", "ta_manager.cli.main"]


async def audit_rows(resource: str) -> list[dict]:
    rows = await sql.fetch("SELECT * FROM audit_record WHERE resource = $1 ORDER BY id", resource)
    return [dict(r) for r in rows]


async def test_admin_manages_users(client) -> None:  # type: ignore[no-untyped-def]
    await organization(client, "NORDONOR", "donor")
    r = await client.post(
        "/api/v1/users",
        json={
            "email": "donor@norway.example",
            "role": "donor",
            "donor": "NORDONOR",
            "password": "long enough password",
        },
    )
    assert r.status_code == 201, r.text
    user = r.json()
    assert user["donor"] == "NORDONOR"
    assert "password" not in user and "password_hash" not in user
    assert r.headers["etag"] == '"1"'

    stale = await client.patch(
        f"/api/v1/users/{user['id']}", json={"display_name": "N", "version": 7}
    )
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 1

    r = await client.patch(
        f"/api/v1/users/{user['id']}",
        json={"role": "viewer"},
        headers={"If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    assert r.json()["role"] == "viewer" and r.json()["donor"] is None

    listed = (await client.get("/api/v1/users")).json()
    assert {u["email"] for u in listed["items"]} >= {"donor@norway.example"}


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"email": "d@x.org", "role": "donor"}, 422, "donor"),
        ({"email": "o@x.org", "role": "officer", "donor": "NORDONOR"}, 422, "donor"),
        ({"email": "d@x.org", "role": "donor", "donor": "NOSUCHORG"}, 422, "donor"),
        ({"email": "d@x.org", "role": "donor", "donor": "PARTNERORG"}, 422, "donor"),
        ({"email": "o@x.org", "role": "officer", "password": "short"}, 422, "password"),
        ({"email": "not-an-email", "role": "officer"}, 422, "email"),
        ({"email": "o@x.org", "role": "superuser"}, 400, "role"),
    ],
)
async def test_bad_user_input(client, body, status, field) -> None:  # type: ignore[no-untyped-def]
    await organization(client, "NORDONOR", "donor")
    await organization(client, "PARTNERORG", "partner")
    before = await sql.fetchval("SELECT count(*) FROM app_user")
    r = await client.post("/api/v1/users", json=body)
    assert r.status_code == status, r.text
    assert field in r.text
    assert await sql.fetchval("SELECT count(*) FROM app_user") == before


async def test_duplicate_email_is_a_conflict(client) -> None:  # type: ignore[no-untyped-def]
    await users.create_user("same@example.org", "viewer")
    r = await client.post("/api/v1/users", json={"email": "SAME@example.org", "role": "officer"})
    assert r.status_code == 409


async def test_first_start_creates_one_admin_with_a_one_time_password() -> None:
    await sql.execute("DELETE FROM api_token")
    await sql.execute("DELETE FROM app_user")
    admin = await ensure_first_admin()
    assert admin is not None and admin.password
    row = await users.credentials(admin.email)
    assert row is not None and row["role"] == "admin"
    assert await verify_password(row["password_hash"], admin.password)
    assert await ensure_first_admin() is None  # only on the very first start


async def test_first_admin_from_settings() -> None:
    await sql.execute("DELETE FROM api_token")
    await sql.execute("DELETE FROM app_user")
    admin = await ensure_first_admin("boss@example.org", "chosen by the operator")
    assert admin is not None and admin.password is None
    row = await users.credentials("boss@example.org")
    assert row is not None
    assert await verify_password(row["password_hash"], "chosen by the operator")


def _cli(dsn: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": dsn}
    return subprocess.run(
        [*CLI, *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
    )


async def test_cli_user_create_and_set_password_are_audited(database: str, client) -> None:  # type: ignore[no-untyped-def]
    await organization(client, "NORDONOR", "donor")
    done = await asyncio.to_thread(
        _cli,
        database,
        "user",
        "create",
        "--email",
        "d@norway.example",
        "--role",
        "donor",
        "--donor",
        "NORDONOR",
    )
    assert done.returncode == 0, done.stderr
    assert "one-time password: " in done.stdout
    password = done.stdout.split("one-time password: ")[1].split()[0]
    row = await users.credentials("d@norway.example")
    assert row is not None and await verify_password(row["password_hash"], password)

    done = await asyncio.to_thread(
        _cli,
        database,
        "user",
        "set-password",
        "--email",
        "d@norway.example",
        "--password-stdin",
        stdin="another long password\n",
    )
    assert done.returncode == 0, done.stderr
    trail = [r for r in await audit_rows("user") if r["record_id"] == row["id"]]
    assert [r["action"] for r in trail] == ["create", "update"]
    assert all(r["via"] == "cli" and r["user_email"].startswith("cli:") for r in trail)
    assert trail[1]["changes"] == {"password": {"old": None, "new": "(changed)"}}
    assert "argon2" not in str(trail[0]["changes"])

    listed = await asyncio.to_thread(_cli, database, "user", "list")
    assert listed.returncode == 0, listed.stderr
    assert "d@norway.example [NORDONOR]" in listed.stdout

    bad = await asyncio.to_thread(
        _cli, database, "user", "create", "--email", "x@example.org", "--role", "donor"
    )
    assert bad.returncode != 0
    assert "donor" in bad.stderr
    assert await sql.fetchval("SELECT count(*) FROM app_user WHERE email = 'x@example.org'") == 0
