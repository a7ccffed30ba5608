"""Set-based SQL of an import: COPY rows into TEMP staging tables, match them to existing
records by business key, compute what would change, and merge.

Runs inside the import's transaction; staging tables are dropped at its end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from importers.kinds import Column, Kind
from ta_manager.database import sql

ROWS = "import_rows"
LINKS = "import_links"


@dataclass
class RowChange:
    number: int
    target_id: int | None
    fields: list[str]  # changed fields (empty: unchanged); every field for new rows

    @property
    def action(self) -> str:
        if self.target_id is None:
            return "new"
        return "updated" if self.fields else "unchanged"


def staged_columns(kind: Kind, present: Sequence[Column]) -> list[Column]:
    """The plain columns the file sets, plus every key column (its default if absent)."""
    names = {c.name for c in present if c.link is None}
    return [c for c in kind.plain if c.name in names or c.name in kind.key]


async def stage(
    kind: Kind,
    columns: list[Column],
    links: list[Column],
    rows: list[tuple[Any, ...]],
    link_rows: list[tuple[int, str, int]],
) -> None:
    """COPY `rows` (row number, then one value per column) and `link_rows`
    (row number, field, linked id) into the staging tables and match existing records."""
    table = kind.service.table
    names = [c.db_column for c in columns]
    await sql.execute(f"DROP TABLE IF EXISTS {ROWS}; DROP TABLE IF EXISTS {LINKS}")
    await sql.execute(
        f"CREATE TEMP TABLE {ROWS} ON COMMIT DROP AS"
        f" SELECT {', '.join(names)} FROM {table} WITH NO DATA"
    )
    await sql.execute(
        f"ALTER TABLE {ROWS} ADD COLUMN row_no integer, ADD COLUMN target_id bigint,"
        " ADD COLUMN is_new boolean NOT NULL DEFAULT false"
    )
    await sql.copy_records(ROWS, ["row_no", *names], rows)
    if links:
        await sql.execute(
            f"CREATE TEMP TABLE {LINKS} (row_no integer, field text, target bigint) ON COMMIT DROP"
        )
        await sql.copy_records(LINKS, ["row_no", "field", "target"], link_rows)
    await _match_existing(kind)
    await sql.execute(f"ANALYZE {ROWS}")


async def _match_existing(kind: Kind) -> None:
    table = kind.service.table
    if kind.key == ("code",):
        await sql.execute(
            f"UPDATE {ROWS} s SET target_id = t.id, code = t.code FROM {table} t"
            " WHERE upper(t.code) = upper(s.code)"
        )
        return
    conditions = []
    for name in kind.key:
        col = kind.columns[name].db_column
        conditions.append(f"(t.{col} = s.{col} OR (t.{col} IS NULL AND s.{col} IS NULL))")
    await sql.execute(
        f"UPDATE {ROWS} s SET target_id = t.id FROM {table} t WHERE {' AND '.join(conditions)}"
    )


async def existing_ids() -> dict[int, int]:
    rows = await sql.fetch(f"SELECT row_no, target_id FROM {ROWS} WHERE target_id IS NOT NULL")
    return {r["row_no"]: r["target_id"] for r in rows}


async def changes(kind: Kind, columns: list[Column], links: list[Column]) -> list[RowChange]:
    """Per row: new, or the fields whose stored value differs from the file's."""
    table = kind.service.table
    compared = [c for c in columns if c.name not in kind.key or kind.key == ("code",)]
    cases = ", ".join(
        f"CASE WHEN s.{c.db_column} IS DISTINCT FROM t.{c.db_column} THEN '{c.name}' END"
        for c in compared
        if c.name != "code"
    )
    changed_expr = f"array_remove(ARRAY[{cases}]::text[], NULL)" if cases else "'{}'::text[]"
    rows = await sql.fetch(
        f"SELECT s.row_no, s.target_id, CASE WHEN t.id IS NULL THEN NULL ELSE {changed_expr}"
        f" END AS changed FROM {ROWS} s LEFT JOIN {table} t ON t.id = s.target_id"
        " ORDER BY s.row_no"
    )
    result = {
        r["row_no"]: RowChange(r["row_no"], r["target_id"], list(r["changed"] or [])) for r in rows
    }
    for column in links:
        link = column.link
        assert link is not None
        differing = await sql.fetch(
            f"""
            WITH f AS (SELECT row_no, array_agg(DISTINCT target ORDER BY target) AS ids
                       FROM {LINKS} WHERE field = $1 GROUP BY row_no),
                 e AS (SELECT s.row_no, array_agg(x.{link.target} ORDER BY x.{link.target}) AS ids
                       FROM {ROWS} s JOIN {link.table} x ON x.{link.owner} = s.target_id
                       GROUP BY s.row_no)
            SELECT s.row_no FROM {ROWS} s
            LEFT JOIN f ON f.row_no = s.row_no LEFT JOIN e ON e.row_no = s.row_no
            WHERE s.target_id IS NOT NULL
              AND coalesce(f.ids, '{{}}') IS DISTINCT FROM coalesce(e.ids, '{{}}')
            """,
            column.name,
        )
        for r in differing:
            result[r["row_no"]].fields.append(column.name)
    for change in result.values():
        if change.target_id is None:
            change.fields = [c.name for c in columns] + [c.name for c in links]
    return list(result.values())


async def merge(
    kind: Kind, columns: list[Column], links: list[Column], changed: list[RowChange]
) -> dict[str, list[int]]:
    """Write new and changed rows; unchanged rows are not touched. Returns ids by action."""
    table = kind.service.table
    names = [c.db_column for c in columns]
    updated_rows = [c.number for c in changed if c.action == "updated"]
    if updated_rows:
        sets = ", ".join(f"{n} = s.{n}" for n in names)
        await sql.execute(
            f"UPDATE {table} t SET {sets}, version = t.version + 1 FROM {ROWS} s"
            " WHERE t.id = s.target_id AND s.row_no = ANY($1::int[])",
            updated_rows,
        )
    await sql.execute(
        f"UPDATE {ROWS} SET target_id = nextval(pg_get_serial_sequence('{table}', 'id')),"
        " is_new = true WHERE target_id IS NULL"
    )
    await sql.execute(
        f"INSERT INTO {table} (id, {', '.join(names)})"
        f" SELECT target_id, {', '.join(names)} FROM {ROWS} WHERE is_new ORDER BY row_no"
    )
    for column in links:
        link = column.link
        assert link is not None
        sync = [c.number for c in changed if c.action == "new" or column.name in c.fields]
        if not sync:
            continue
        await sql.execute(
            f"""
            DELETE FROM {link.table} x USING {ROWS} s
            WHERE x.{link.owner} = s.target_id AND s.row_no = ANY($2::int[]) AND NOT s.is_new
              AND NOT EXISTS (SELECT 1 FROM {LINKS} l WHERE l.row_no = s.row_no
                              AND l.field = $1 AND l.target = x.{link.target})
            """,
            column.name,
            updated_rows,
        )
        await sql.execute(
            f"""
            INSERT INTO {link.table} ({link.owner}, {link.target})
            SELECT DISTINCT s.target_id, l.target FROM {LINKS} l JOIN {ROWS} s USING (row_no)
            WHERE l.field = $1 AND s.row_no = ANY($2::int[])
            ON CONFLICT DO NOTHING
            """,
            column.name,
            sync,
        )
    ids = await sql.fetch(f"SELECT row_no, target_id, is_new FROM {ROWS}")
    by_row = {r["row_no"]: (r["target_id"], r["is_new"]) for r in ids}
    updated = set(updated_rows)
    return {
        "created": [t for _, (t, new) in by_row.items() if new],
        "updated": [t for n, (t, new) in by_row.items() if n in updated and not new],
    }
