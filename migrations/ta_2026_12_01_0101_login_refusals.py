"""Login throttling: attempts refused because an account is locked count against the address."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from migrations.runner import run_sql

ID = "2026-12-01T01:00:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "login refusals count per address"

SQL = """
-- false: the row counts against its address only (a refusal while the account was locked,
-- or a failure the account's later successful login cleared).
ALTER TABLE login_failure ADD COLUMN counts_for_account boolean NOT NULL DEFAULT true;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ta_manager", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)

    manager.add_raw(run)
    return manager
