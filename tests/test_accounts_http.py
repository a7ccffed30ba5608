"""Security headers, no CORS unless configured, request size limits."""

from __future__ import annotations

import httpx

from ta_manager.app import create_app
from ta_manager.settings import Settings


async def test_security_headers_on_api_and_public_routes(client, anon_client) -> None:  # type: ignore[no-untyped-def]
    for c, path in (
        (client, "/api/v1/countries"),
        (anon_client, "/health"),
        (anon_client, "/api/v1/needs"),
    ):
        r = await c.get(path)
        assert r.headers["x-content-type-options"] == "nosniff", path
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "same-origin"
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    api = await client.get("/api/v1/countries")
    assert api.headers["cache-control"] == "no-store"
    assert "strict-transport-security" not in api.headers  # plain http in tests


async def test_no_cors_by_default(client) -> None:  # type: ignore[no-untyped-def]
    r = await client.get("/api/v1/countries", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers


async def test_cors_when_configured(database: str) -> None:
    settings = Settings.from_env()
    settings = Settings(**{**settings.__dict__, "cors_origins": ("https://ui.example",)})
    app = create_app(settings, manage_database=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        r = await c.options(
            "/api/v1/countries",
            headers={"Origin": "https://ui.example", "Access-Control-Request-Method": "GET"},
        )
        assert r.headers.get("access-control-allow-origin") == "https://ui.example"


async def test_request_size_is_limited(database: str) -> None:
    settings = Settings.from_env()
    settings = Settings(**{**settings.__dict__, "max_request_bytes": 1000})
    app = create_app(settings, manage_database=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        r = await c.post(
            "/api/v1/auth/login",
            content=b"{" + b" " * 5000 + b"}",
            headers={"content-type": "application/json"},
        )
        assert r.status_code == 413
