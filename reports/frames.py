"""Query results as polars frames: flat rows from SQL, typed by an explicit schema."""

from __future__ import annotations

import io
from typing import Any

import polars as pl

from ta_manager.database import sql
from ta_manager.records.filters import Where

# Types polars reads straight from PostgreSQL's CSV text; others are read as text and cast.
_AS_READ = (pl.Int64, pl.Int32, pl.Float64, pl.String)


def _read_as(dtype: Any) -> Any:
    return dtype if dtype in _AS_READ else pl.String


def _typed(name: str, dtype: Any) -> pl.Expr:
    """The text PostgreSQL wrote for a column as a value of `dtype`."""
    column = pl.col(name)
    if dtype in _AS_READ:
        return column
    if dtype == pl.Boolean:
        return (column == "t").alias(name)
    if dtype == pl.Date:
        return column.str.to_date("%Y-%m-%d").alias(name)
    if isinstance(dtype, pl.List):
        return column.str.json_decode(dtype).alias(name)
    return column.cast(dtype).alias(name)  # Decimal: exact, from its text


def _json_lists(query: str, schema: dict[str, Any]) -> str:
    """`query` with its array columns as JSON text (PostgreSQL's array literal is not CSV
    that polars can split); the other columns as they are, in `schema`'s order."""
    columns = ", ".join(
        f'array_to_json(q."{name}")::text AS "{name}"'
        if isinstance(dtype, pl.List)
        else f'q."{name}"'
        for name, dtype in schema.items()
    )
    return f"SELECT {columns} FROM ({query}) AS q"


async def frame(query: str, args: list[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """Run one query and return its rows as a frame with exactly `schema`'s columns.

    Read with COPY as CSV and parsed by polars: no Python object per value, so the big
    reports need a fraction of the time and memory of decoded rows. An empty result is an
    empty frame with the same columns, so every report can treat "no data in this period"
    like any other period.
    """
    if any(isinstance(dtype, pl.List) for dtype in schema.values()):
        query = _json_lists(query, schema)
    data = await sql.copy_csv(query, *args)
    read = pl.read_csv(
        io.BytesIO(data),
        schema_overrides={name: _read_as(dtype) for name, dtype in schema.items()},
        infer_schema=False,
        columns=list(schema),
    )
    return read.select(_typed(name, dtype) for name, dtype in schema.items())


def chained(where: Where) -> Where:
    """A second WHERE builder numbering its parameters after `where`'s (shared arg list)."""
    other = Where()
    other.args = where.args
    return other


def conditions(where: Where) -> str:
    """`where`'s conditions joined for use after an existing WHERE (always valid SQL)."""
    return " AND ".join(["TRUE", *where.conditions])
