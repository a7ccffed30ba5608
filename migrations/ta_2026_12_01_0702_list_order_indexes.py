"""Activity lists in index order: the default order (by code) and the dashboards' newest
first (`-actual_start`, `-updated_at`) read a page from an index instead of sorting every
live activity.

A list leaves archived records out (`archived_at IS NULL`) and orders by its keys with the
id last, NULLS LAST (ta_manager/records/queries.py `order_sql`). These partial indexes hold
exactly those rows in exactly that order, with the id, so a first page, a deep `offset`
page and a keyset `cursor` page are index-only scans. Measured at scale S (100,000
activities): `?offset=90000` read 90,051 index entries and their heap rows (Index Scan with
a Filter), `?sort=-actual_start` sorted all 100,000 rows for 50 of them (top-N heapsort);
with these indexes both read only the index (docs/benchmarks.md, lists).

Only the sorts the pages use by default get an index: another sort (of 14 sortable
columns) costs a top-N sort of the matching rows, which a filter usually makes small.
Partial and multi-column indexes are outside the schema drift check (migration only).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from migrations.runner import run_sql

ID = "2026-12-01T07:00:00:000002"
VERSION = "1.38.0"
DESCRIPTION = "activity list order indexes (code, -actual_start, -updated_at) over live rows"

SQL = """
CREATE INDEX activity_live_code_idx ON activity (code) INCLUDE (id)
    WHERE archived_at IS NULL;
CREATE INDEX activity_live_actual_start_idx ON activity (actual_start DESC NULLS LAST, id)
    WHERE archived_at IS NULL;
CREATE INDEX activity_live_updated_at_idx ON activity (updated_at DESC NULLS LAST, id)
    WHERE archived_at IS NULL;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ta_manager", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)

    manager.add_raw(run)
    return manager
