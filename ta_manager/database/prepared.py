"""Piccolo queries built once and run many times with new values.

Piccolo builds SQL from the typed tables, so mypy checks every column a query names and
the drift test checks that the tables are the database's. Building the SQL costs Python
time on every call (about half a millisecond for a select of forty columns and a few
joins, more than the query itself), so the reads on every request's path (a record by id,
a token, a session's account) are built once: the query is written with `Param`
placeholders where its values go, compiled by Piccolo on first use, and each run binds
the values and sends the SQL straight to asyncpg (in the current transaction, like every
query; see ta_manager/database/sql.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg
from piccolo.query.base import Query

from ta_manager.database import sql


class Param:
    """A named placeholder for a value given when a `Prepared` query runs."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Param({self.name!r})"


class Prepared:
    """`Prepared(lambda: Table.select(...).where(Table.id == Param("id")))`, then
    `await query.fetch(id=5)`. The lambda runs once, on first use (tables referenced
    lazily are resolved by then)."""

    def __init__(self, build: Callable[[], Query[Any, Any]]) -> None:
        self._build = build
        self._compiled: tuple[str, list[Any]] | None = None

    @property
    def sql(self) -> str:
        return self._compile()[0]

    def _compile(self) -> tuple[str, list[Any]]:
        if self._compiled is None:
            (querystring,) = self._build().querystrings
            self._compiled = querystring.compile_string(engine_type="postgres")
        return self._compiled

    def bind(self, **values: Any) -> list[Any]:
        _, args = self._compile()
        return [values[a.name] if isinstance(a, Param) else a for a in args]

    async def fetch(self, **values: Any) -> list[asyncpg.Record]:
        return await sql.fetch(self.sql, *self.bind(**values))

    async def fetchrow(self, **values: Any) -> asyncpg.Record | None:
        return await sql.fetchrow(self.sql, *self.bind(**values))

    async def fetchval(self, **values: Any) -> Any:
        return await sql.fetchval(self.sql, *self.bind(**values))

    async def execute(self, **values: Any) -> str:
        return await sql.execute(self.sql, *self.bind(**values))
