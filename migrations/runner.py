"""Runs a migration's SQL on the migration's own transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from ta_manager.database.engine import DB


async def run_sql(sql: str) -> None:
    txn = DB.current_transaction.get()
    if txn is not None:
        await txn.connection.execute(sql)
        return
    conn = await DB.get_new_connection()
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def with_connection(work: Callable[[Any], Awaitable[None]]) -> None:
    """Run `work(connection)` on the migration's own transaction (for data steps that need
    parameters or Python, e.g. filling names from vendored files)."""
    txn = DB.current_transaction.get()
    if txn is not None:
        await work(txn.connection)
        return
    conn = await DB.get_new_connection()
    try:
        async with conn.transaction():
            await work(conn)
    finally:
        await conn.close()
