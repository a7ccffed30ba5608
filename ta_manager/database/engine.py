"""The one Piccolo engine every table uses.

Its connection settings are filled in at start-up (see `connect`), because with no
DATABASE_URL the address of the embedded server is only known once it runs.
"""

from __future__ import annotations

from piccolo.engine.postgres import PostgresEngine

DB = PostgresEngine(config={"dsn": "postgresql://invalid-until-configured/"})


def configure(dsn: str) -> None:
    DB.config = {"dsn": dsn, "server_settings": {"application_name": "ta-manager"}}


async def open_pool(min_size: int = 1, max_size: int = 10) -> None:
    if DB.pool is None:
        await DB.start_connection_pool(min_size=min_size, max_size=max_size)


async def close_pool() -> None:
    if DB.pool is not None:
        await DB.close_connection_pool()
