"""Existing data migrates without loss: the demo data set as stored before issue 11
(tests/fixtures/migration/, written by tools/dump_migration_fixture.py at that schema) is
restored at that schema, migrated, and compared column by column."""

from __future__ import annotations

import gzip
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from ta_manager.database import embedded, engine

FIXTURE = Path(__file__).parent / "fixtures" / "migration" / "demo-2026-11-24.tsv.gz"
# The tables issue 11's migrations change, and what every old row must read after them.
CHANGED = ("activity", "assistance_request", "contribution", "cost_line", "proposed_activity")
DEFAULTS = {
    "activity": {
        "category": "technical_assistance",
        "events": 1,
        "delivers_id": None,
        "sources": [],
        "planned_start_precision": "day",
        "actual_end_precision": "day",
    },
    "assistance_request": {"stated_on_precision": "day", "sources": []},
    "contribution": {"cumulative": False, "period_from": None, "sources": []},
    "cost_line": {"missing_norm": "", "quantity_high": None},
    "proposed_activity": {"activity_id": None},
}


def _fixture() -> tuple[str, list[tuple[str, str]]]:
    with gzip.open(FIXTURE, "rt", encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    head, *tables = lines
    assert head.startswith("#migration\t")
    return head.split("\t")[1], [tuple(line.split("\t", 1)) for line in tables]  # type: ignore[misc]


@pytest.fixture
async def old_database(database: str) -> AsyncIterator[str]:
    """A new database on the test server, at the schema of the fixture."""
    name = f"ta_migrate_{uuid.uuid4().hex[:8]}"
    server = embedded.with_database(database, "postgres")
    await embedded.ensure_database(server, name)
    yield embedded.with_database(database, name)
    await embedded.drop_database(server, name)


async def _migrate(dsn: str, upto: str) -> None:
    """Piccolo's forwards on `dsn` up to migration `upto` ('all' for every one)."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    saved = engine.DB.config
    pool = engine.DB.pool
    engine.DB.pool = None  # migrations open their own connection to `dsn`
    engine.configure(dsn)
    try:
        result = await run_forwards(app_name="ta_manager", migration_id=upto)
        assert result.success, result.message
    finally:
        engine.DB.config = saved
        engine.DB.pool = pool


async def _rows(conn: asyncpg.Connection, table: str) -> dict[int, dict[str, Any]]:
    rows = await conn.fetch(f"SELECT id, to_jsonb(t)::text AS j FROM {table} t ORDER BY id")
    return {r["id"]: json.loads(r["j"]) for r in rows}


async def test_the_demo_as_stored_before_migrates_without_loss(old_database: str) -> None:
    upto, tables = _fixture()
    await _migrate(old_database, upto)
    conn = await asyncpg.connect(old_database)
    try:
        for table, rows in tables:
            columns = await conn.fetch(
                "SELECT column_name FROM information_schema.columns WHERE table_name = $1"
                " AND is_generated = 'NEVER' ORDER BY ordinal_position",
                table,
            )
            names = ", ".join(f'"{c["column_name"]}"' for c in columns)
            await conn.execute(
                f'INSERT INTO "{table}" ({names}) SELECT {names}'
                f' FROM jsonb_populate_recordset(NULL::"{table}", $1::text::jsonb)',
                rows,
            )
        before = {t: await _rows(conn, t) for t in CHANGED}
        assert all(before[t] for t in CHANGED), "the fixture holds rows of every changed table"
    finally:
        await conn.close()

    await _migrate(old_database, "all")

    conn = await asyncpg.connect(old_database)
    try:
        for table in CHANGED:
            after = await _rows(conn, table)
            assert after.keys() == before[table].keys(), table
            for row_id, old in before[table].items():
                new = after[row_id]
                lost = {k: (v, new.get(k)) for k, v in old.items() if new.get(k) != v}
                assert not lost, (table, row_id, lost)
                for column, value in DEFAULTS[table].items():
                    assert new[column] == value, (table, row_id, column)
        # the stored intervals of old (day-precise) activities are their old dates
        wrong = await conn.fetchval(
            "SELECT count(*) FROM activity WHERE starts_on IS DISTINCT FROM"
            " coalesce(actual_start, planned_start) OR (status <> 'ongoing' AND ends_on"
            " IS DISTINCT FROM coalesce(actual_end, actual_start, planned_end, planned_start))"
        )
        assert wrong == 0
        # and the migrated records read back through the services' SQL views
        assert await conn.fetchval("SELECT count(*) FROM activity_delivery") == 0
        assert await conn.fetchval("SELECT count(*) FROM activity_event_group") == 0
    finally:
        await conn.close()
