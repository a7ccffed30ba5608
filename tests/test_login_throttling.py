"""Login throttling that a caller cannot talk its way around (issue 10, item 3):
X-Forwarded-For only from TA_TRUSTED_PROXIES, a Retry-After that tells the truth, and
locking accounts costs the locker's address."""

from __future__ import annotations

import ipaddress

import httpx
import pytest

from ta_manager.accounts import login, users
from ta_manager.accounts.client_address import client_address
from ta_manager.app import create_app
from ta_manager.database import sql
from ta_manager.settings import Settings, SettingsError
from tests.live_server import live_server

PASSWORD = "correct horse battery"
LIMITS = login.LoginLimits(max_per_account=5, max_per_address=20, window_seconds=900)
PROXIES = (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("::1/128"))


async def attempt(c: httpx.AsyncClient, email: str, password: str = "wrong guess", **headers: str):  # type: ignore[no-untyped-def]
    return await c.post(
        "/api/v1/auth/login", json={"email": email, "password": password}, headers=headers
    )


def test_forwarded_for_is_believed_only_from_trusted_proxies() -> None:
    spoofed = ["203.0.113.9"]
    assert client_address("198.51.100.1", spoofed, ()) == "198.51.100.1"
    assert client_address("198.51.100.1", spoofed, PROXIES) == "198.51.100.1"
    assert client_address("10.1.2.3", spoofed, PROXIES) == "203.0.113.9"
    # the client may prepend anything: only the hop the trusted proxy appended counts
    chain = ["1.1.1.1, 203.0.113.9", "10.0.0.7"]
    assert client_address("10.1.2.3", chain, PROXIES) == "203.0.113.9"
    assert client_address("::1", ["[2001:db8::5]:4711"], PROXIES) == "2001:db8::5"
    assert client_address("10.1.2.3", ["1.1.1.1, not-an-ip"], PROXIES) == "10.1.2.3"
    assert client_address("10.1.2.3", [], PROXIES) == "10.1.2.3"
    assert client_address(None, spoofed, PROXIES) == "unknown"


def test_trusted_proxies_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TA_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.5,::1")
    assert [str(n) for n in Settings.from_env().trusted_proxies] == [
        "10.0.0.0/8",
        "192.168.1.5/32",
        "::1/128",
    ]
    monkeypatch.setenv("TA_TRUSTED_PROXIES", "10.0.0.0/8,proxy.example")
    with pytest.raises(SettingsError, match=r"TA_TRUSTED_PROXIES: 'proxy\.example'"):
        Settings.from_env()
    monkeypatch.delenv("TA_TRUSTED_PROXIES")
    assert Settings.from_env().trusted_proxies == ()


async def test_the_real_server_ignores_invented_forwarded_for(database: str) -> None:
    """uvicorn believes X-Forwarded-For from local peers by default; `serve` must not."""
    env = {"DATABASE_URL": database, "TA_LOGIN_MAX_FAILURES_PER_ADDRESS": "3"}
    async with (
        live_server(env, "--no-init") as (url, _),
        httpx.AsyncClient(base_url=url, timeout=30) as c,
    ):
        codes = [
            (
                await attempt(c, f"guess{i}@example.org", **{"X-Forwarded-For": f"203.0.113.{i}"})
            ).status_code
            for i in range(4)
        ]
    assert codes == [401, 401, 401, 429]
    assert await sql.fetchval("SELECT count(DISTINCT address) FROM login_failure") == 1


def _client(monkeypatch: pytest.MonkeyPatch, **env: str) -> httpx.AsyncClient:
    """A client of an app built with these settings; its peer address is 127.0.0.1."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app = create_app(Settings.from_env(), manage_database=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_forwarded_for_from_a_trusted_proxy_names_the_client(
    monkeypatch: pytest.MonkeyPatch, clean_database: None
) -> None:
    env = {"TA_TRUSTED_PROXIES": "127.0.0.1", "TA_LOGIN_MAX_FAILURES_PER_ADDRESS": "3"}
    async with _client(monkeypatch, **env) as c:
        for i in range(5):  # five clients behind the proxy: none is throttled
            r = await attempt(c, f"guess{i}@example.org", **{"X-Forwarded-For": f"203.0.113.{i}"})
            assert r.status_code == 401
        for i in range(3):  # one client behind it: throttled after 3
            r = await attempt(c, f"other{i}@example.org", **{"X-Forwarded-For": "198.51.100.7"})
            assert r.status_code == 401
        r = await attempt(c, "other@example.org", **{"X-Forwarded-For": "198.51.100.7"})
        assert r.status_code == 429
    rows = await sql.fetch("SELECT DISTINCT address FROM login_failure")
    assert len(rows) == 6 and "127.0.0.1" not in {r["address"] for r in rows}


async def _age(seconds: float) -> None:
    """Let time pass for the throttle: every failure happened `seconds` earlier."""
    await sql.execute(
        "UPDATE login_failure SET at = at - make_interval(secs => $1)", float(seconds)
    )


async def test_retry_after_is_the_time_the_lock_really_holds(clean_database: None) -> None:
    await users.create_user("officer@example.org", "officer", password=PASSWORD)
    # 30 failures (a burst of parallel guesses gets past the check before any is counted):
    # one 880 s ago, 29 of them 400 s ago. The lock holds until the 5th newest is 900 s old.
    await sql.execute(
        "INSERT INTO login_failure (email, address, at) VALUES"
        " ('officer@example.org', '192.0.2.1', now() - interval '880 seconds')"
    )
    await sql.execute(
        "INSERT INTO login_failure (email, address, at)"
        " SELECT 'officer@example.org', '192.0.2.' || n, now() - interval '400 seconds'"
        " FROM generate_series(2, 30) AS n"
    )
    with pytest.raises(login.TooManyAttempts) as refused:
        await login.authenticate("officer@example.org", PASSWORD, "198.51.100.1", LIMITS)
    retry = int(refused.value.headers["Retry-After"])
    assert 499 <= retry <= 501, retry
    await _age(retry - 3)
    with pytest.raises(login.TooManyAttempts):  # still locked just before
        await login.authenticate("officer@example.org", PASSWORD, "198.51.100.2", LIMITS)
    await _age(4)
    account = await login.authenticate("officer@example.org", PASSWORD, "198.51.100.3", LIMITS)
    assert account.email == "officer@example.org"


async def test_retry_after_covers_both_locks(clean_database: None) -> None:
    await sql.execute(
        "INSERT INTO login_failure (email, address, at)"
        " SELECT 'x' || n || '@example.org', '192.0.2.1', now() - interval '800 seconds'"
        " FROM generate_series(1, 20) AS n"
    )
    await sql.execute(
        "INSERT INTO login_failure (email, address, at)"
        " SELECT 'officer@example.org', '198.51.100.' || n, now() - interval '100 seconds'"
        " FROM generate_series(1, 5) AS n"
    )
    with pytest.raises(login.TooManyAttempts) as refused:
        await login.authenticate("officer@example.org", PASSWORD, "192.0.2.1", LIMITS)
    assert 799 <= int(refused.value.headers["Retry-After"]) <= 801  # the account's lock


async def test_locking_accounts_is_throttled_per_address(
    monkeypatch: pytest.MonkeyPatch, clean_database: None
) -> None:
    await users.create_user("victim@example.org", "officer", password=PASSWORD)
    await users.create_user("next@example.org", "officer", password=PASSWORD)
    env = {"TA_LOGIN_MAX_FAILURES": "2", "TA_LOGIN_MAX_FAILURES_PER_ADDRESS": "5"}
    async with _client(monkeypatch, **env) as c:
        for _ in range(2):  # lock the victim's account
            assert (await attempt(c, "victim@example.org")).status_code == 401
        locked_by = await sql.fetchval("SELECT max(at) FROM login_failure")
        for _ in range(3):  # refused attempts at the locked account cost this address
            assert (await attempt(c, "victim@example.org", PASSWORD)).status_code == 429
        # ... but do not prolong the victim's lock
        assert (
            await sql.fetchval("SELECT max(at) FROM login_failure WHERE counts_for_account")
            == locked_by
        )
        r = await attempt(c, "next@example.org", PASSWORD)
        assert r.status_code == 429, "5 attempts from this address: the next account is safe"
