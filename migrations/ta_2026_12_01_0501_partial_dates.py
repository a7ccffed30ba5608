"""Partial dates: a year or a month kept at the precision a document gives it.

Each partial date is its first day (the existing `date` column) plus `<name>_precision`
(day, month, year); existing dates are days. `partial_date_end` gives the last day.
Activities get `starts_on` / `ends_on`, the interval they occupy (stored, indexed), so
period filters compare plain dates: `ends_on` is NULL for an ongoing activity with no
end (open until today) and for an undated one (`starts_on` NULL too). Needs get
`stated_until`, the last day of `stated_on`.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from migrations.runner import run_sql

ID = "2026-12-01T05:00:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "partial dates and activity intervals"


def precision(table: str, column: str) -> str:
    return f"""
ALTER TABLE {table}
    ADD COLUMN {column}_precision text NOT NULL DEFAULT 'day'
        CHECK ({column}_precision IN ('day', 'month', 'year')),
    ADD CONSTRAINT {table}_{column}_first_day_check
        CHECK (partial_date_ok({column}, {column}_precision));
"""


def last(column: str) -> str:
    return f"partial_date_end({column}, {column}_precision)"


SQL = f"""
CREATE FUNCTION partial_date_end(first_day date, prec text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE prec
        WHEN 'year' THEN make_date(extract(year FROM first_day)::int, 12, 31)
        WHEN 'month' THEN (first_day + interval '1 month')::date - 1
        ELSE first_day END
$$;

-- A month is stored as its first day, a year as 1 January.
CREATE FUNCTION partial_date_ok(first_day date, prec text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT first_day IS NULL OR prec = 'day'
        OR (prec = 'month' AND extract(day FROM first_day) = 1)
        OR (prec = 'year' AND extract(day FROM first_day) = 1
            AND extract(month FROM first_day) = 1)
$$;

-- The value as given: '2008', '2008-05' or '2008-05-12'.
CREATE FUNCTION partial_date_text(first_day date, prec text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE prec
        WHEN 'year' THEN lpad(extract(year FROM first_day)::text, 4, '0')
        WHEN 'month' THEN lpad(extract(year FROM first_day)::text, 4, '0') || '-'
                          || lpad(extract(month FROM first_day)::text, 2, '0')
        ELSE first_day::text END
$$;

{precision("activity", "planned_start")}
{precision("activity", "planned_end")}
{precision("activity", "actual_start")}
{precision("activity", "actual_end")}
{precision("assistance_request", "stated_on")}

-- An end before its start at the precision given: "2008-06" may end a start of 2008-06-10.
ALTER TABLE activity DROP CONSTRAINT activity_check, DROP CONSTRAINT activity_check1,
    ADD CONSTRAINT activity_planned_end_check
        CHECK (planned_end IS NULL OR planned_start IS NULL OR {last("planned_end")} >= planned_start),
    ADD CONSTRAINT activity_actual_end_check
        CHECK (actual_end IS NULL OR actual_start IS NULL OR {last("actual_end")} >= actual_start);

ALTER TABLE activity
    ADD COLUMN starts_on date GENERATED ALWAYS AS (coalesce(actual_start, planned_start)) STORED,
    ADD COLUMN ends_on date GENERATED ALWAYS AS (CASE
        WHEN actual_end IS NOT NULL THEN {last("actual_end")}
        WHEN actual_start IS NOT NULL THEN
            CASE WHEN status = 'ongoing' THEN NULL ELSE {last("actual_start")} END
        WHEN planned_end IS NOT NULL THEN {last("planned_end")}
        WHEN planned_start IS NOT NULL THEN
            CASE WHEN status = 'ongoing' THEN NULL ELSE {last("planned_start")} END
        END) STORED;
DROP INDEX activity_dates_idx;
CREATE INDEX activity_starts_on_idx ON activity (starts_on);
CREATE INDEX activity_ends_on_idx ON activity (ends_on);

-- An activity's dates as given, for reports: '2008-06-10 to 2008-06-12', '2008-06',
-- '2004 to ongoing', 'undated' (actual dates when there are any, else planned ones).
CREATE FUNCTION activity_dates(a activity) RETURNS text LANGUAGE sql STABLE AS $$
    WITH d (s, e) AS (
        SELECT CASE WHEN a.actual_start IS NOT NULL OR a.actual_end IS NOT NULL
                    THEN partial_date_text(a.actual_start, a.actual_start_precision)
                    ELSE partial_date_text(a.planned_start, a.planned_start_precision) END,
               CASE WHEN a.actual_start IS NOT NULL OR a.actual_end IS NOT NULL
                    THEN partial_date_text(a.actual_end, a.actual_end_precision)
                    ELSE partial_date_text(a.planned_end, a.planned_end_precision) END)
    SELECT CASE
        WHEN s IS NULL AND e IS NULL THEN 'undated'
        WHEN e IS NULL AND a.status = 'ongoing' THEN s || ' to ongoing'
        WHEN e IS NULL OR e = s THEN coalesce(s, e)
        WHEN s IS NULL THEN e
        ELSE s || ' to ' || e END
    FROM d
$$;

ALTER TABLE assistance_request
    ADD COLUMN stated_until date GENERATED ALWAYS AS ({last("stated_on")}) STORED;
CREATE INDEX assistance_request_stated_until_idx ON assistance_request (stated_until);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ta_manager", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)

    manager.add_raw(run)
    return manager
