"""Query results as polars frames: flat rows from SQL, typed by an explicit schema."""

from __future__ import annotations

from typing import Any

import polars as pl

from ta_manager.database import sql
from ta_manager.records.filters import Where


async def frame(query: str, args: list[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """Run one query and return its rows as a frame with exactly `schema`'s columns.

    An empty result is an empty frame with the same columns, so every report can treat
    "no data in this period" like any other period.
    """
    rows = await sql.fetch(query, *args)
    columns = {name: [r[name] for r in rows] for name in schema}
    return pl.DataFrame(columns, schema=schema)


def chained(where: Where) -> Where:
    """A second WHERE builder numbering its parameters after `where`'s (shared arg list)."""
    other = Where()
    other.args = where.args
    return other


def conditions(where: Where) -> str:
    """`where`'s conditions joined for use after an existing WHERE (always valid SQL)."""
    return " AND ".join(["TRUE", *where.conditions])
