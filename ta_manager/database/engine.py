"""The one Piccolo engine every table uses.

Its connection settings are filled in at start-up (see `connect`), because with no
DATABASE_URL the address of the embedded server is only known once it runs.
"""

from __future__ import annotations

import json

import asyncpg
from piccolo.engine.postgres import PostgresEngine


class LateConfiguredEngine(PostgresEngine):
    """A Piccolo engine that does not connect when constructed (it has no address yet)."""

    async def check_version(self) -> None:
        return None

    async def prep_database(self) -> None:
        return None


DB = LateConfiguredEngine(config={"dsn": "postgresql:///unconfigured"}, extensions=())


def configure(dsn: str) -> None:
    from ta_manager.settings import planner_settings

    DB.config = {
        "dsn": dsn,
        "server_settings": {"application_name": "ta-manager", **planner_settings()},
    }


async def init_connection(conn: asyncpg.Connection) -> None:
    """jsonb arrives as Python objects rather than strings."""
    await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def open_pool(min_size: int = 1, max_size: int = 10) -> None:
    if DB.pool is None:
        await DB.start_connection_pool(min_size=min_size, max_size=max_size, init=init_connection)


async def close_pool() -> None:
    if DB.pool is not None:
        await DB.close_connection_pool()


def terminate_pool() -> None:
    """Drop every connection at once, without waiting (the server is gone)."""
    pool = DB.pool
    if pool is not None:
        pool.terminate()
        DB.pool = None


# Errors that mean "the database cannot be reached", not "this request is wrong".
UNAVAILABLE_STATES = {
    "08000",  # connection exception
    "08001",
    "08003",
    "08004",
    "08006",
    "53300",  # too many connections
    "57P01",  # admin shutdown
    "57P02",  # crash shutdown
    "57P03",  # cannot connect now (starting up, recovering)
}


def database_unavailable(exc: BaseException) -> bool:
    if isinstance(exc, asyncpg.PostgresError):
        return getattr(exc, "sqlstate", None) in UNAVAILABLE_STATES
    if isinstance(exc, asyncpg.InterfaceError | asyncpg.exceptions.InternalClientError):
        return "connection" in str(exc).lower()
    if isinstance(exc, OSError):  # refused, reset, socket file gone: only from the driver
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_globals.get("__name__", "").startswith("asyncpg"):
                return True
            tb = tb.tb_next
    return False
