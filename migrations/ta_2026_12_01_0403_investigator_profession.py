"""Participants by profession gain `investigator` (the 2008 paper's "training of
investigators, judges, prosecutors")."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from migrations.runner import run_sql

ID = "2026-12-01T04:00:00:000003"
VERSION = "1.38.0"
DESCRIPTION = "investigator profession"

SQL = """
ALTER TABLE activity_participant_group
    DROP CONSTRAINT activity_participant_group_profession_check,
    ADD CONSTRAINT activity_participant_group_profession_check
        CHECK (profession IN ('judge', 'prosecutor', 'investigator', 'police',
                              'central_authority', 'legislative_drafter', 'border_guard',
                              'customs', 'policymaker', 'civil_society', 'other'));
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ta_manager", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)

    manager.add_raw(run)
    return manager
