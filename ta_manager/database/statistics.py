"""Planner statistics after bulk writes: ANALYZE the tables a load or an import touched.

PostgreSQL's autovacuum analyses a table after about 10 % of it changed, but only on one of
its later rounds (a minute or more, longer on a busy server); a report planned in between
works from the old row counts and can pick a plan hundreds of times slower (issue 13: the
first annual report after a 300,000-activity load ran over 3 minutes, 4.2 s once the
tables were analysed). So every bulk writer analyses what it wrote, before it returns:

- the demo loader (every table: it writes through the services into most of them) and the
  synthetic generator (the tables it copied into), always (`ta-manager demo [--scale N]`);
- an import, when it wrote at least ANALYZE_AFTER_ROWS rows (records created or changed
  plus the link rows it wrote); below that the statistics barely move and autovacuum's
  own thresholds suffice;
- `migrate` and the synthetic generator, every table never analysed at all (often one a
  load left empty, such as `activity_same_event`). PostgreSQL plans a never-analysed table
  as if it held 10 pages of rows, whatever it holds: the matrix's recursive same-event
  closure was then estimated at 4.9 M rows and, under the report session's work_mem, built
  a hash table that size for an empty table (0.15 s more per query, a region matrix 1.0 s
  slower). Once analysed, an empty table is planned as empty.

ANALYZE reads a sample (30,000 rows per table at the default statistics target), so it
costs a fraction of a second per table whatever the table's size. Run inside a
transaction it samples that transaction's own new rows, and its statistics become
visible when the transaction commits (and vanish with it on a rollback).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ta_manager.database import sql

# "More than a few thousand rows": an import writing this many rows analyses its tables.
ANALYZE_AFTER_ROWS = 5_000

_TABLE = re.compile(r"^[a-z_][a-z0-9_]*$")


async def analyze(tables: Iterable[str]) -> list[str]:
    """ANALYZE each table once (in the given order); returns the tables analysed."""
    names = list(dict.fromkeys(tables))
    for name in names:
        if not _TABLE.match(name):
            raise ValueError(f"not a table name: {name!r}")
    if names:
        await sql.execute(f"ANALYZE {', '.join(names)}")
    return names


async def analyze_all() -> None:
    """ANALYZE every table of the database (cheap on a small one, such as the demo's)."""
    await sql.execute("ANALYZE")


async def never_analysed() -> list[str]:
    """The current schema's tables PostgreSQL has never analysed (reltuples is -1)."""
    rows = await sql.fetch(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind = 'r' AND c.reltuples < 0 AND n.nspname = current_schema()"
        " ORDER BY c.relname"
    )
    return [r["relname"] for r in rows]


async def analyze_never_analysed() -> list[str]:
    """ANALYZE the current schema's tables that have never been analysed; returns them."""
    return await analyze(await never_analysed())


async def analyze_if_large(rows_written: int, tables: Iterable[str]) -> list[str]:
    """ANALYZE `tables` when `rows_written` reaches ANALYZE_AFTER_ROWS; returns those analysed."""
    if rows_written < ANALYZE_AFTER_ROWS:
        return []
    return await analyze(tables)
