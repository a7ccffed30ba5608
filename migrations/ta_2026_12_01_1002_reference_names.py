"""Priority areas and assistance types carry their names in French and Spanish too.

Existing rows of the seeded codes get the project's translations (a row whose English name
the secretariat changed keeps blank translations: outputs then show its English name).
"""

from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from migrations.runner import run_sql, with_connection

ID = "2026-12-01T10:00:00:000002"
VERSION = "1.38.0"
DESCRIPTION = "priority area and assistance type names in French and Spanish"

SQL = """
ALTER TABLE priority_area ADD COLUMN name_fr text NOT NULL DEFAULT '',
                          ADD COLUMN name_es text NOT NULL DEFAULT '';
ALTER TABLE assistance_type ADD COLUMN name_fr text NOT NULL DEFAULT '',
                            ADD COLUMN name_es text NOT NULL DEFAULT '';
"""


async def _names(conn: Any) -> None:
    from ta_manager.reference.seed import reference_data

    for pa in reference_data()["priority_area"]:
        await conn.execute(
            "UPDATE priority_area SET name_fr = $3, name_es = $4"
            " WHERE upper(code) = upper($1) AND name = $2",
            pa["code"],
            pa["name"],
            pa.get("name_fr", ""),
            pa.get("name_es", ""),
        )
        await conn.executemany(
            "UPDATE assistance_type SET name_fr = $3, name_es = $4"
            " WHERE upper(code) = upper($1) AND name = $2",
            [
                (t["code"], t["name"], t.get("name_fr", ""), t.get("name_es", ""))
                for t in pa["assistance_types"]
            ],
        )


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ta_manager", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)
        await with_connection(_names)

    manager.add_raw(run)
    return manager
