"""Browser-like sessions for page tests: log in through the /login form (the real session
cookie), read the page's CSRF token, and post forms the way the browser does."""

from __future__ import annotations

import itertools
import re
from typing import Any

import httpx

from ta_manager.accounts import users

BASE = "https://testserver"  # the session cookie is Secure
PASSWORD = "correct horse battery staple"
_serial = itertools.count(1)
TOKEN = re.compile(r'name="_csrf_token" value="([0-9a-f]+)"')


class Browser:
    """An httpx client holding the session cookie, posting forms with the page's token."""

    def __init__(self, client: httpx.AsyncClient, email: str) -> None:
        self.client = client
        self.email = email
        self.csrf = ""

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        r = await self.client.get(path, **kwargs)
        found = TOKEN.search(r.text) if "text/html" in r.headers.get("content-type", "") else None
        if found:
            self.csrf = found.group(1)
        return r

    async def post(
        self, path: str, data: dict[str, Any] | None = None, *, token: bool = True, **kwargs: Any
    ) -> httpx.Response:
        body = dict(data or {})
        if token:
            body.setdefault("_csrf_token", self.csrf)
        headers = {"Origin": BASE, **kwargs.pop("headers", {})}
        return await self.client.post(path, data=body, headers=headers, **kwargs)

    async def aclose(self) -> None:
        await self.client.aclose()


async def make_user(role: str, donor: str | None = None, **extra: Any) -> dict[str, Any]:
    email = f"ui-{role}-{next(_serial)}@example.org"
    return await users.create_user(email, role, donor=donor, password=PASSWORD, **extra)


async def browser(app: Any, role: str, donor: str | None = None, **extra: Any) -> Browser:
    """A new user of `role`, signed in through the login form."""
    user = await make_user(role, donor, **extra)
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE, follow_redirects=False
    )
    r = await client.post(
        "/login",
        data={"email": user["email"], "password": PASSWORD, "next": "/"},
        headers={"Origin": BASE},
    )
    assert r.status_code == 303, r.text
    assert "ta_session" in r.headers.get("set-cookie", "")
    b = Browser(client, user["email"])
    await b.get("/")
    return b
