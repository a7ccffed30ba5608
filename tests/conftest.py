"""Test harness: a real PostgreSQL (embedded, or the server in DATABASE_URL).

Each test session creates its own throw-away database, so parallel runs never collide;
each test starts from empty tables plus reference data.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import platformdirs
import pytest

from ta_manager.accounts import api_tokens, users
from ta_manager.app import create_app
from ta_manager.database import embedded, engine
from ta_manager.database.migrate import migrate
from ta_manager.database.reset import reset_data


def _test_data_dir() -> Path:
    return Path(
        os.environ.get("TA_TEST_DATA_DIR")
        or Path(platformdirs.user_cache_dir("ta-manager")) / "test-postgres"
    )


@pytest.fixture(scope="session")
async def database() -> AsyncIterator[str]:
    server_dsn = os.environ.get("DATABASE_URL") or await asyncio.to_thread(
        embedded.start_server, _test_data_dir()
    )
    name = f"ta_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    await embedded.ensure_database(server_dsn, name)
    dsn = embedded.with_database(server_dsn, name)
    engine.configure(dsn)
    await migrate()
    await engine.open_pool(min_size=2, max_size=30)
    try:
        yield dsn
    finally:
        # A connection some test left inside a transaction would make a graceful close wait
        # forever: wait a little, then drop the connections (the database is dropped anyway).
        try:
            await asyncio.wait_for(engine.close_pool(), 10)
        except TimeoutError:
            engine.terminate_pool()
        await embedded.drop_database(server_dsn, name)


@pytest.fixture(autouse=True)
async def clean_database(database: str) -> None:
    await reset_data(few_rows=True)


@pytest.fixture(scope="session")
def app(database: str):  # type: ignore[no-untyped-def]
    return create_app(manage_database=False)


_serial = itertools.count(1)

ClientFactory = Callable[..., Awaitable[httpx.AsyncClient]]


async def _token_for(role: str, donor: str | None = None, email: str | None = None) -> str:
    """A user with `role` (bound to the donor organization `donor`) and a personal API token."""
    user = await users.create_user(
        email or f"{role}-{next(_serial)}@example.org", role, donor=donor
    )
    _, secret = await api_tokens.create_token(user["id"], "tests")
    return secret


def _client(app, token: str | None = None) -> httpx.AsyncClient:  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=headers)


@pytest.fixture
async def client(app, clean_database) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    """Authenticated as an administrator (may do everything)."""
    async with _client(app, await _token_for("admin")) as c:
        yield c


@pytest.fixture
async def anon_client(app, clean_database) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    """Not logged in."""
    async with _client(app) as c:
        yield c


@pytest.fixture
async def client_as(app, clean_database) -> AsyncIterator[ClientFactory]:  # type: ignore[no-untyped-def]
    """`await client_as("officer")`, `await client_as("donor", donor="NOR")`: a client logged in
    as a new user of that role (a donor user is bound to the donor organization with that code,
    which must exist first)."""
    opened: list[httpx.AsyncClient] = []

    async def make(
        role: str, donor: str | None = None, email: str | None = None
    ) -> httpx.AsyncClient:
        c = _client(app, await _token_for(role, donor, email))
        opened.append(c)
        return c

    yield make
    for c in opened:
        await c.aclose()
