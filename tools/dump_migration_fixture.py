"""Write the 'before' side of a migration test: the demo data set as stored at one schema.

    .venv/bin/python -m tools.dump_migration_fixture tests/fixtures/migration/demo-2026-11-24.tsv.gz

Run it with the code of the schema to capture (a checkout of the commit before the
migrations under test): it migrates a scratch database on the embedded server (or
DATABASE_URL's server), loads the demo data set and the example cost norms, drafts one
proposal, and writes every data table, parents before children, one line per table:
`table<TAB>json array of rows` (jsonb text, so numbers stay exact), gzipped. The first line is
`#migration<TAB>id` of the last migration applied. tests/test_migration_records.py
restores it at that schema, migrates, and compares.
"""

from __future__ import annotations

import asyncio
import gzip
import os
import sys
from pathlib import Path

import asyncpg

SKIPPED = {"migration", "audit_record", "app_user", "api_token", "revoked_token", "login_failure"}
SCRATCH = "ta_migration_fixture"

ORDER_SQL = """
WITH RECURSIVE dep AS (
    SELECT c.relname AS tbl, 0 AS depth FROM pg_class c
     JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
    WHERE c.relkind = 'r'
    UNION ALL
    SELECT child.relname, dep.depth + 1 FROM dep
      JOIN pg_class parent ON parent.relname = dep.tbl
      JOIN pg_constraint k ON k.confrelid = parent.oid AND k.contype = 'f'
      JOIN pg_class child ON child.oid = k.conrelid AND child.oid <> parent.oid
     WHERE dep.depth < 20
)
SELECT tbl FROM dep GROUP BY tbl ORDER BY max(depth), tbl
"""


async def dump(target: Path) -> None:
    from ta_manager.cost_norms.seed import seed_example_norms
    from ta_manager.database import embedded, engine
    from ta_manager.database.migrate import migrate
    from ta_manager.demo.loader import load_demo
    from ta_manager.proposals.drafting import draft
    from ta_manager.reference.seed import seed_reference

    server = os.environ.get("DATABASE_URL") or await asyncio.to_thread(
        embedded.start_server, Path(os.environ.get("TA_TEST_DATA_DIR", "/tmp/pg-fixture"))
    )
    await embedded.drop_database(server, SCRATCH)
    await embedded.ensure_database(server, SCRATCH)
    dsn = embedded.with_database(server, SCRATCH)
    engine.configure(dsn)
    await migrate()
    await engine.open_pool()
    try:
        await seed_reference()
        await load_demo()
        await seed_example_norms()
        await draft({"title": "Fixture draft 2009-2011", "start_year": 2009, "end_year": 2011})
    finally:
        await engine.close_pool()
    conn = await asyncpg.connect(dsn)
    try:
        last = await conn.fetchval("SELECT name FROM migration ORDER BY id DESC LIMIT 1")
        lines = [f"#migration\t{last}"]
        for record in await conn.fetch(ORDER_SQL):
            table = record["tbl"]
            if table in SKIPPED:
                continue
            rows = await conn.fetchval(
                "SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY t.id), '[]')::text"
                f' FROM "{table}" t'
            )
            lines.append(f"{table}\t{rows}")
    finally:
        await conn.close()
    await embedded.drop_database(server, SCRATCH)
    await asyncio.to_thread(_write, target, "\n".join(lines) + "\n")
    print(f"wrote {target} ({len(lines) - 1} tables, schema at {last})")


def _write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(target, "wt", encoding="utf-8") as fh:
        fh.write(text)


if __name__ == "__main__":
    asyncio.run(dump(Path(sys.argv[1])))
