"""Test harness: a real PostgreSQL (embedded, or the server in DATABASE_URL).

Each test session creates its own throw-away database, so parallel runs never collide;
each test starts from empty tables plus reference data.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import platformdirs
import pytest

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
        await engine.close_pool()
        await embedded.drop_database(server_dsn, name)


@pytest.fixture(autouse=True)
async def clean_database(database: str) -> None:
    await reset_data()


@pytest.fixture(scope="session")
def app(database: str):  # type: ignore[no-untyped-def]
    return create_app(manage_database=False)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c
