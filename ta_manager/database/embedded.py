"""The embedded PostgreSQL (pgserver) used when no DATABASE_URL is set.

The server lives in TA_DATA_DIR, so data survives restarts; it is stopped when the
last process using it exits.

After a crash (power cut, kill -9) PostgreSQL replays its write-ahead log before it accepts
connections; that can take a minute on a large database. pgserver gives its `pg_ctl start`
only 10 s, so `start_server` keeps waiting for the server to report itself ready, logging
as it goes, for up to TA_DB_START_SECONDS (default 120) before giving up with a clear error.
`revive` starts a server that died while the service was running (see
ta_manager.database.supervisor).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

log = logging.getLogger(__name__)

APP_DATABASE = "ta_manager"
DEFAULT_START_SECONDS = 120

_servers: dict[Path, object] = {}


class EmbeddedDatabaseError(RuntimeError):
    """The embedded server could not be started; the message says why and what to do."""


def _pgdata(data_dir: Path) -> Path:
    pgdata = data_dir.expanduser().resolve() / "pgdata"
    pgdata.mkdir(parents=True, exist_ok=True)
    return pgdata


def server_status(pgdata: Path) -> str | None:
    """'ready', 'starting', 'stopping'... of a running postmaster ('exited' for one that
    died a moment ago); None if none runs."""
    import psutil
    from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata)
    if info is None or not info.is_running():
        return None
    with contextlib.suppress(psutil.Error):
        if info.process is not None and info.process.status() == psutil.STATUS_ZOMBIE:
            return "exited"  # just died, not reaped yet: pgserver would think it runs
    return str(info.status)


def _wait_until_ready(pgdata: Path, deadline: float, started: float, limit: float) -> None:
    """Wait while a postmaster runs but is not ready yet (crash recovery); bounded."""
    next_note = 0.0
    while (status := server_status(pgdata)) not in (None, "ready"):
        waited = time.monotonic() - started
        if time.monotonic() > deadline:
            raise EmbeddedDatabaseError(
                f"the embedded PostgreSQL in {pgdata} is still {status!r} after {waited:.0f} s"
                f" (recovering after a crash?); its log is {pgdata / 'log'}."
                " Wait and try again, or raise TA_DB_START_SECONDS"
            )
        if waited >= next_note:
            log.warning(
                "embedded PostgreSQL in %s is %s (crash recovery?): waited %.0f s of at most"
                " %.0f s",
                pgdata,
                status,
                waited,
                limit,
            )
            next_note = waited + 5
        time.sleep(0.5)


def start_server(data_dir: Path, wait_seconds: float = DEFAULT_START_SECONDS) -> str:
    """Start (or attach to) the embedded server and return a DSN to its `postgres` database,
    waiting up to `wait_seconds` for a server that is recovering from a crash."""
    import pgserver  # imported lazily: only needed without DATABASE_URL

    pgdata = _pgdata(data_dir)
    started = time.monotonic()
    deadline = started + wait_seconds
    while True:
        _wait_until_ready(pgdata, deadline, started, wait_seconds)
        try:
            # A new handle checks that the server runs (and starts it) every time; pgserver's
            # get_server() would return a cached handle to a server that has since died.
            server = pgserver.PostgresServer(pgdata, cleanup_mode="stop")
            break
        except (subprocess.TimeoutExpired, AssertionError):
            # pg_ctl gave up after 10 s, or pgserver found the server running but not ready:
            # the server is still starting (recovering); anything else is a real failure
            if server_status(pgdata) is None:
                raise
            log.warning("embedded PostgreSQL in %s is starting slowly; waiting", pgdata)
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


def resolve_dsn(
    database_url: str | None, data_dir: Path, wait_seconds: float = DEFAULT_START_SECONDS
) -> str:
    """DATABASE_URL when given; otherwise the embedded server's application database."""
    if database_url:
        return database_url
    server_dsn = start_server(data_dir, wait_seconds)
    asyncio.run(ensure_database(server_dsn, APP_DATABASE))
    return with_database(server_dsn, APP_DATABASE)


async def resolve_dsn_async(
    database_url: str | None, data_dir: Path, wait_seconds: float = DEFAULT_START_SECONDS
) -> str:
    if database_url:
        return database_url
    server_dsn = await asyncio.to_thread(start_server, data_dir, wait_seconds)
    await ensure_database(server_dsn, APP_DATABASE)
    return with_database(server_dsn, APP_DATABASE)
