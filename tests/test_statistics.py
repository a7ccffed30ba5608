"""Bulk writers analyse what they wrote, so the next report is planned on true row counts."""

from __future__ import annotations

import pytest

from importers.service import import_file
from ta_manager.database import sql, statistics
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
