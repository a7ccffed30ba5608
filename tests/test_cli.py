"""The `ta-manager` command, run as a user runs it, against its own database."""

from __future__ import annotations

import asyncio
import hashlib
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import pytest

from ta_manager.database import embedded

CLI = [sys.executable, "-m", "ta_manager.cli.main"]


@pytest.fixture
async def fresh_database(database: str) -> AsyncIterator[Callable[[], str]]:
    """Factory of empty databases on the test server, dropped afterwards."""
    created: list[str] = []
    server = embedded.with_database(database, "postgres")

    def make() -> str:
        name = f"ta_cli_{uuid.uuid4().hex[:8]}"
        created.append(name)
        return embedded.with_database(database, name)

    yield make
    for name in created:
        await embedded.drop_database(server, name)


async def _run(dsn: str, *args: str) -> subprocess.CompletedProcess[str]:
    server = embedded.with_database(dsn, "postgres")
    await embedded.ensure_database(server, urlsplit(dsn).path.lstrip("/"))
    env = {**os.environ, "DATABASE_URL": dsn}
    return await asyncio.to_thread(
        subprocess.run,
        [*CLI, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).parents[1],
    )


async def _fingerprint(dsn: str) -> tuple[int, str]:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "SELECT a.code, a.title, a.status, a.actual_start, array_agg(c.iso3 ORDER BY c.iso3)"
            " FROM activity a JOIN activity_country ac ON ac.activity_id = a.id"
            " JOIN country c ON c.id = ac.country_id GROUP BY a.id ORDER BY a.code"
        )
    finally:
        await conn.close()
    return len(rows), hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()


async def test_demo_scale_is_deterministic(fresh_database: Callable[[], str]) -> None:
    first, second, other = fresh_database(), fresh_database(), fresh_database()
    for dsn in (first, second):
        result = await _run(dsn, "demo", "--scale", "300", "--seed", "5")
        assert result.returncode == 0, result.stderr
        assert "300 activities" in result.stdout
    assert (await _run(other, "demo", "--scale", "300", "--seed", "6")).returncode == 0
    count, digest = await _fingerprint(first)
    assert count == 300
    assert await _fingerprint(second) == (count, digest)
    assert (await _fingerprint(other))[1] != digest


async def test_migrate_seed_and_demo_twice(fresh_database: Callable[[], str]) -> None:
    dsn = fresh_database()
    assert (await _run(dsn, "migrate")).returncode == 0
    seeded = await _run(dsn, "seed")
    assert seeded.returncode == 0 and "reference data loaded" in seeded.stdout
    loaded = await _run(dsn, "demo")
    assert loaded.returncode == 0, loaded.stderr
    again = await _run(dsn, "demo")
    assert again.returncode == 0 and "already loaded" in again.stdout
    conn = await asyncpg.connect(dsn)
    try:
        assert await conn.fetchval("SELECT count(*) FROM country") >= 249
        assert await conn.fetchval("SELECT count(*) FROM activity") >= 40
    finally:
        await conn.close()


async def test_unreachable_database_is_a_clear_error(database: str) -> None:
    missing = embedded.with_database(database, "ta_no_such_database")
    env = {**os.environ, "DATABASE_URL": missing}
    result = await asyncio.to_thread(
        subprocess.run, [*CLI, "migrate"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "cannot use the database" in result.stderr
    assert "Traceback" not in result.stderr


async def test_bad_settings_are_reported(fresh_database: Callable[[], str]) -> None:
    env = {**os.environ, "DATABASE_URL": fresh_database(), "TA_PORT": "eighty"}
    result = await asyncio.to_thread(
        subprocess.run, [*CLI, "migrate"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "TA_PORT must be an integer" in result.stderr
