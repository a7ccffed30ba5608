"""Each user may keep a preferred language for pages and downloads (docs/languages.md)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from migrations.runner import run_sql

ID = "2026-12-01T10:00:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "preferred language of a user"

SQL = """
-- NULL: no preference (the browser's Accept-Language decides). The shipped languages are
-- checked by the service (ta_manager.locale.LANGUAGES), so adding one needs no migration.
ALTER TABLE app_user ADD COLUMN language text NULL
    CHECK (language IS NULL OR language ~ '^[a-z]{2,3}$');
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ta_manager", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)

    manager.add_raw(run)
    return manager
