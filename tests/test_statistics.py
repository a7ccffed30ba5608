"""Bulk writers analyse what they wrote, so the next report is planned on true row counts."""

from __future__ import annotations

import pytest

from importers.service import import_file
from ta_manager.database import sql, statistics
from ta_manager.database.migrate import migrate
from ta_manager.demo.loader import load_demo
from ta_manager.demo.synthetic import generate
from tests.fixtures.workbooks import csv_bytes

ROWS = [
    ["code", "country", "priority_area", "assistance_type", "stated_on", "status"],
    ["N-STAT-1", "Benin", "PA2", "PA2-LEG", "22/08/2008", "open"],
    ["N-STAT-2", "Chad", "PA2", "PA2-TRN", "22/08/2008", "open"],
    ["N-STAT-3", "Mali", "PA3", "PA3-EQP", "22/08/2008", "open"],
]


async def _analyses(table: str) -> int:
    """Manual ANALYZE runs of `table` (autovacuum's own are counted apart)."""
    return int(
        await sql.fetchval(
            "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = $1", table
        )
    )


async def test_an_import_of_many_rows_analyses_the_tables_it_wrote(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = {t: await _analyses(t) for t in ("assistance_request", "audit_record", "activity")}
    # 3 needs + 3 instrument-less rows: below the real threshold nothing is analysed ...
    await import_file("needs", csv_bytes(ROWS), "needs.csv")
    assert await _analyses("assistance_request") == before["assistance_request"]
    # ... at or above it, the written tables are, and only those (not the audit trail).
    monkeypatch.setattr(statistics, "ANALYZE_AFTER_ROWS", 2)
    changed = [[*r[:-1], "in_progress"] for r in ROWS[1:]]
    await import_file("needs", csv_bytes([ROWS[0], *changed]), "needs.csv")
    assert await _analyses("assistance_request") == before["assistance_request"] + 1
    assert await _analyses("audit_record") == before["audit_record"]
    assert await _analyses("activity") == before["activity"]
    stored = await sql.fetchval(
        "SELECT reltuples FROM pg_class WHERE oid = 'assistance_request'::regclass"
    )
    assert stored == 3  # the planner now knows the table's size


async def test_the_synthetic_generator_analyses_every_table_it_loaded() -> None:
    tables = ("activity", "activity_country", "assistance_request", "contribution")
    before = {t: await _analyses(t) for t in tables}
    await generate(50, seed=3)
    assert {t: await _analyses(t) for t in tables} == {t: n + 1 for t, n in before.items()}
    rows = await sql.fetchval("SELECT reltuples FROM pg_class WHERE oid = 'activity'::regclass")
    assert rows == 50


async def test_the_demo_loader_analyses_the_database() -> None:
    before = await _analyses("activity")
    await load_demo()
    assert await _analyses("activity") == before + 1


async def _reltuples(table: str) -> float:
    return float(
        await sql.fetchval("SELECT reltuples FROM pg_class WHERE oid = $1::regclass", table)
    )


async def test_tables_never_analysed_are_analysed_and_then_planned_as_empty() -> None:
    await sql.execute("DROP TABLE IF EXISTS statistics_probe")
    await sql.execute("CREATE TABLE statistics_probe (id int)")
    try:
        assert await _reltuples("statistics_probe") < 0  # never analysed: planned as 10 pages
        plan = await sql.fetchval("EXPLAIN (FORMAT JSON) SELECT * FROM statistics_probe")
        assert '"Plan Rows": 2550' in plan  # PostgreSQL's guess for a never-analysed table
        assert "statistics_probe" in await statistics.analyze_never_analysed()
        assert await _reltuples("statistics_probe") == 0
        plan = await sql.fetchval("EXPLAIN (FORMAT JSON) SELECT * FROM statistics_probe")
        assert '"Plan Rows": 1' in plan
        # Analysed tables are left alone: a second call has nothing to do.
        assert "statistics_probe" not in await statistics.analyze_never_analysed()
    finally:
        await sql.execute("DROP TABLE statistics_probe")


async def test_migrate_leaves_no_table_unanalysed() -> None:
    # A table TRUNCATE emptied has forgotten its statistics, as a new one has none.
    await sql.execute("TRUNCATE activity_same_event")
    assert "activity_same_event" in await statistics.never_analysed()
    await migrate()  # nothing pending: it still analyses what was never analysed
    assert await statistics.never_analysed() == []
