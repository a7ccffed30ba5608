"""audit_record.imported_from: where an imported record came from (the file and its row).

A record created by an import is audited with a compact entry (its `changes` left empty)
and `imported_from` = {"import": file name, "row": row number in the file, "table": table}: the
row's values at creation are in that file, and the audit reads show them from the record
itself while it is unchanged since (ta_manager/audit/service.py). Writing a full JSON copy
of each of 100,000 imported rows made an import 1.3 times slower (docs/benchmarks.md).
Existing records keep their values; `imported_from` is NULL for everything else.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from migrations.runner import run_sql

ID = "2026-12-01T08:00:00:000003"
VERSION = "1.38.0"
DESCRIPTION = "audit_record.imported_from for compact import entries"

SQL = """
ALTER TABLE audit_record ADD COLUMN imported_from jsonb NULL;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ta_manager", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)

    manager.add_raw(run)
    return manager
