"""Lists at scale: trigram indexes for free-text search, link indexes that lead with the
linked record, and the single-column foreign key a need's assistance type implies.

- a trigram index on each column `q` searches: GIN over the set of the column's lower-cased
  three-character substrings (`ta_trigrams`). A text containing `q` contains every trigram
  of `q`, so `ta_trigrams(col) @> ta_trigrams(q)` finds the candidates from the index and
  `ILIKE '%q%'` keeps the exact matches: the same rows as before, without reading every row.
  This is pg_trgm's principle built from core PostgreSQL: the embedded server (pgserver)
  ships no contrib extension, so `CREATE EXTENSION pg_trgm` is not available there, and
  this needs no extension and no privilege on any server;
- the link tables' (target, activity) indexes replace the (target) ones: a filter such as
  `?country=BEN&priority_area=PA3` reads the activities of the State from the index alone
  and probes the other link by its (activity, target) key;
- `assistance_request.assistance_type_id` references `assistance_type (id)` on its own (the
  composite key with the priority area stays): what the composite key implies, stated so the
  record's Piccolo table can join through it.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from migrations.runner import run_sql

ID = "2026-12-01T07:00:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "trigram search indexes, link indexes by target, need type foreign key"

# (table, columns searched by `q`) — the services' `search_columns` of the big tables.
SEARCHED = {
    "activity": ("code", "title", "venue_city"),
    "assistance_request": ("code", "description", "source_reference"),
    "project": ("code", "title"),
    "contribution": ("code", "description"),
    "organization": ("name", "acronym", "code"),
    "funding_need": ("code", "title", "description"),
}

# (link table, target column, old single-column index)
LINKS = (
    ("activity_country", "country_id", "activity_country_country_idx"),
    ("activity_priority_area", "priority_area_id", "activity_priority_area_pa_idx"),
    ("activity_assistance_type", "assistance_type_id", "activity_assistance_type_at_idx"),
    ("activity_instrument", "instrument_id", "activity_instrument_instr_idx"),
    ("activity_partner", "organization_id", "activity_partner_org_idx"),
    ("activity_need", "assistance_request_id", "activity_need_need_idx"),
    ("activity_donor", "organization_id", "activity_donor_org_idx"),
    ("project_country", "country_id", "project_country_country_idx"),
    ("project_priority_area", "priority_area_id", "project_priority_area_pa_idx"),
    ("project_donor", "organization_id", "project_donor_org_idx"),
)

FUNCTION = """
-- The distinct three-character substrings of the lower-cased text (none below three).
CREATE FUNCTION ta_trigrams(value text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (SELECT coalesce(array_agg(DISTINCT substr(s, i, 3)), '{}')
              FROM (SELECT lower(value) AS s) x, generate_series(1, length(x.s) - 2) AS i);
"""

TRIGRAMS = "\n".join(
    f"CREATE INDEX {table}_{column}_trgm_idx ON {table} USING gin (ta_trigrams({column}));"
    for table, columns in SEARCHED.items()
    for column in columns
)

OWNER = {"activity": "activity_id", "project": "project_id"}
LINK_INDEXES = "\n".join(
    f"DROP INDEX {old};\n"
    f"CREATE INDEX {table}_{target}_owner_idx ON {table} ({target}, {OWNER[table.split('_')[0]]});"
    for table, target, old in LINKS
)

SQL = f"""
{FUNCTION}
{TRIGRAMS}
{LINK_INDEXES}
ALTER TABLE assistance_request ADD CONSTRAINT assistance_request_assistance_type_id_only_fkey
    FOREIGN KEY (assistance_type_id) REFERENCES assistance_type (id);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ta_manager", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)

    manager.add_raw(run)
    return manager
