"""Proposals as the 2008 paper is written.

- `proposed_activity.activity_id`: the `proposed` activity record a proposal takes;
- cost lines without a norm are kept, uncosted: `unit_cost` NULL and `missing_norm`
  saying which norm is missing (their amount is NULL and totals leave them out);
- ranges ("8 to 10 countries"): `quantity` is the low end, `quantity_high` the high end,
  `amount_high` the line costed at the high end.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from migrations.runner import run_sql

ID = "2026-12-01T05:00:00:000005"
VERSION = "1.38.0"
DESCRIPTION = "proposals from proposed activities, uncosted lines, ranges"

SQL = """
ALTER TABLE proposed_activity
    ADD COLUMN activity_id bigint NULL REFERENCES activity (id) ON DELETE SET NULL;
CREATE INDEX proposed_activity_activity_idx ON proposed_activity (activity_id);

ALTER TABLE cost_line
    ALTER COLUMN unit_cost DROP NOT NULL,
    ADD COLUMN missing_norm text NOT NULL DEFAULT '',
    ADD COLUMN quantity_high numeric(18,4) NULL,
    ADD CONSTRAINT cost_line_quantity_high_check
        CHECK (quantity_high IS NULL OR quantity_high >= quantity),
    ADD CONSTRAINT cost_line_uncosted_check CHECK ((unit_cost IS NULL) = (missing_norm <> ''));
ALTER TABLE cost_line
    ADD COLUMN amount_high numeric(36,8)
        GENERATED ALWAYS AS (coalesce(quantity_high, quantity) * unit_cost) STORED;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ta_manager", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)

    manager.add_raw(run)
    return manager
