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
