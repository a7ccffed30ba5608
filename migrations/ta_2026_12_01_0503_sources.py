"""Sources: the documents a need, an activity or a contribution comes from.

`sources` is a jsonb array of citations {document, paragraph, footnote, quote}, e.g.
[{"document": "CTOC/COP/2008/16", "paragraph": "9", "footnote": "", "quote": ""}]; a GIN
index answers "which records cite CTOC/COP/2008/16" (`sources @> '[{"document": ...}]'`).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from migrations.runner import run_sql

ID = "2026-12-01T05:00:00:000003"
VERSION = "1.38.0"
DESCRIPTION = "sources on needs, activities and contributions"


def sources(table: str) -> str:
    return f"""
ALTER TABLE {table} ADD COLUMN sources jsonb NOT NULL DEFAULT '[]'::jsonb
    CONSTRAINT {table}_sources_check CHECK (jsonb_typeof(sources) = 'array');
CREATE INDEX {table}_sources_idx ON {table} USING gin (sources jsonb_path_ops);
"""


# Citations as report text: 'CTOC/COP/2008/16 para 9; E/CN.15/2009/8 fn 10' (no quotes).
FUNCTION = """
CREATE FUNCTION sources_text(sources jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT string_agg(concat_ws(' ', s ->> 'document',
                                'para ' || nullif(s ->> 'paragraph', ''),
                                'fn ' || nullif(s ->> 'footnote', '')), '; ' ORDER BY n)
      FROM jsonb_array_elements(sources) WITH ORDINALITY AS x (s, n)
$$;
"""

SQL = FUNCTION + "".join(sources(t) for t in ("activity", "assistance_request", "contribution"))


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ta_manager", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)

    manager.add_raw(run)
    return manager
