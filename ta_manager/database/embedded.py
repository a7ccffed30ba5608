"""The embedded PostgreSQL (pgserver) used when no DATABASE_URL is set.

The server lives in TA_DATA_DIR, so data survives restarts; it is stopped when the
last process using it exits.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

log = logging.getLogger(__name__)

APP_DATABASE = "ta_manager"

_servers: dict[Path, object] = {}


def start_server(data_dir: Path) -> str:
    """Start (or attach to) the embedded server and return a DSN to its `postgres` database."""
    import pgserver  # imported lazily: only needed without DATABASE_URL

    data_dir = data_dir.expanduser().resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    pgdata = data_dir / "pgdata"
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    _servers[pgdata] = server
    uri: str = server.get_uri()
    log.info("embedded PostgreSQL running in %s", pgdata)
    return uri


def with_database(dsn: str, database: str) -> str:
    """The same server address, pointing at another database."""
    parts = urlsplit(dsn)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, parts.fragment))


async def ensure_database(server_dsn: str, database: str) -> None:
    conn = await asyncpg.connect(dsn=server_dsn)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{database}"')
    finally:
        await conn.close()


async def drop_database(server_dsn: str, database: str) -> None:
    conn = await asyncpg.connect(dsn=server_dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        await conn.close()


def resolve_dsn(database_url: str | None, data_dir: Path) -> str:
    """DATABASE_URL when given; otherwise the embedded server's application database."""
    if database_url:
        return database_url
    server_dsn = start_server(data_dir)
    asyncio.run(ensure_database(server_dsn, APP_DATABASE))
    return with_database(server_dsn, APP_DATABASE)


async def resolve_dsn_async(database_url: str | None, data_dir: Path) -> str:
    if database_url:
        return database_url
    server_dsn = await asyncio.to_thread(start_server, data_dir)
    await ensure_database(server_dsn, APP_DATABASE)
    return with_database(server_dsn, APP_DATABASE)
