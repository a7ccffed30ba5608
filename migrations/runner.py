"""Runs a migration's SQL on the migration's own transaction."""

from __future__ import annotations

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
