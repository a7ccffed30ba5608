"""One consistent view of the data per report, and the labels of the filters it used."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from ta_manager.database import sql
from ta_manager.database.engine import DB
from ta_manager.settings import get_settings


@asynccontextmanager
async def snapshot() -> AsyncIterator[dt.datetime]:
    """Read every query of a report from one REPEATABLE READ snapshot; yields its time.

    The report's sorts and hashes get TA_REPORT_WORK_MEM_MB of memory each (SET LOCAL:
    for this transaction only, so other sessions keep the server's work_mem): at 4 MB,
    PostgreSQL's default, the big reports' sorts spill to disk. Joins the caller's
    transaction when there is one (its isolation is then the caller's; the memory setting
    then lasts until that transaction ends).
    """
    work_mem = f"SET LOCAL work_mem = '{get_settings().report_work_mem_mb}MB'"
    if DB.current_transaction.get() is not None:
        await sql.execute(work_mem)
        yield await sql.fetchval("SELECT now()")
        return
    async with sql.transaction():
        await sql.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        await sql.execute(work_mem)
        yield await sql.fetchval("SELECT now()")


def filters_used(filters: Any) -> dict[str, str]:
    """The filters a report was asked for, as `name: value` labels (empty ones left out)."""
    out: dict[str, str] = {}
    for f in dataclasses.fields(filters):
        value = getattr(filters, f.name)
        if value is None or value == [] or value == "":
            continue
        if isinstance(value, list | tuple):
            value = ", ".join(map(str, value))
        out[f.name.replace("_", " ")] = str(value)
    return out
