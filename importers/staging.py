"""Set-based SQL of an import: COPY rows into TEMP staging tables, match them to existing
records by business key, mark what would change, and merge.

Runs inside the import's transaction; staging tables are dropped at its end. Decisions are
kept as columns of the staging table (target_id, is_new, changed) so that every step is a
join, never a list of row numbers sent back and forth.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from importers.kinds import Column, Kind
from ta_manager.audit.bulk import snapshot_rows
from ta_manager.database import sql

ROWS = "import_rows"
LINKS = "import_links"
GROUPS = "import_groups"


@dataclass
class Written:
    """What `merge` wrote: record ids by action, and the rows written per table."""

    created: list[int]
    updated: list[int]
    rows: dict[str, int]

    def tables(self) -> list[str]:
        """The tables it wrote rows to."""
        return [t for t, n in self.rows.items() if n]


def _count(status: str) -> int:
    """Rows of an INSERT/UPDATE/DELETE command status ("INSERT 0 12" -> 12)."""
    return int(status.rsplit(" ", 1)[-1])


@dataclass
class RowChange:
    number: int
    target_id: int | None
    fields: list[str]  # changed fields; empty for new rows

    @property
    def action(self) -> str:
        return "new" if self.target_id is None else "updated"


def staged_columns(kind: Kind, present: Sequence[Column]) -> list[Column]:
    """The plain columns the file sets, plus every key column (its default if absent)."""
    names = {c.name for c in present if c.link is None}
    return [c for c in kind.plain if c.name in names or c.name in kind.key]


async def stage(
    kind: Kind,
    columns: list[Column],
    links: list[Column],
    rows: Iterable[Sequence[Any]],
    link_rows: Iterable[Sequence[Any]],
    group_rows: Iterable[Sequence[Any]] | None = None,
) -> int:
    """COPY `rows` (row number, then one value per column), `link_rows` (row number, field,
    linked id) and `group_rows` (row number, column, key, count) into the staging tables and
    match existing records; returns the number of rows that match an existing record."""
    table = kind.service.table
    names = [c.db_column for c in columns]
    await sql.execute(f"DROP TABLE IF EXISTS {ROWS}, {LINKS}, {GROUPS}")
    # Same column types as the real table, none of its constraints: rules are checked
    # and reported per row before anything reaches the real table.
    await sql.execute(
        f"CREATE TEMP TABLE {ROWS} ON COMMIT DROP AS"
        f" SELECT {', '.join(names)} FROM {table} WITH NO DATA"
    )
    await sql.execute(
        f"ALTER TABLE {ROWS} ADD COLUMN row_no integer, ADD COLUMN target_id bigint,"
        " ADD COLUMN is_new boolean NOT NULL DEFAULT false,"
        " ADD COLUMN changed text[] NOT NULL DEFAULT '{}'"
    )
    # jsonb (sources) travels as JSON text: COPY has no binary jsonb encoder.
    as_json = [c.db_column for c in columns if c.parse == "sources"]
    for name in as_json:
        await sql.execute(f"ALTER TABLE {ROWS} ALTER COLUMN {name} TYPE text")
    await sql.copy_records(ROWS, ["row_no", *names], rows)
    for name in as_json:
        await sql.execute(f"ALTER TABLE {ROWS} ALTER COLUMN {name} TYPE jsonb USING {name}::jsonb")
    await sql.execute(
        f"CREATE TEMP TABLE {LINKS} (row_no integer, field text, target bigint) ON COMMIT DROP"
    )
    if links:
        await sql.copy_records(LINKS, ["row_no", "field", "target"], link_rows)
    await sql.execute(
        f"CREATE TEMP TABLE {GROUPS} (row_no integer, name text, key text, value bigint)"
        " ON COMMIT DROP"
    )
    if group_rows is not None:
        await sql.copy_records(GROUPS, ["row_no", "name", "key", "value"], group_rows)
    matched = await _match_existing(kind)
    await sql.execute(f"ANALYZE {ROWS}; ANALYZE {LINKS}")
    return matched


async def _match_existing(kind: Kind) -> int:
    """Set target_id of rows whose business key exists; returns how many matched."""
    table = kind.service.table
    if kind.key == ("code",):
        # Codes match case-insensitively; the stored spelling is kept.
        status = await sql.execute(
            f"UPDATE {ROWS} s SET target_id = t.id, code = t.code FROM {table} t"
            " WHERE upper(t.code) = upper(s.code)"
        )
    else:
        conditions = []
        for name in kind.key:
            col = kind.columns[name].db_column
            conditions.append(f"(t.{col} = s.{col} OR (t.{col} IS NULL AND s.{col} IS NULL))")
        status = await sql.execute(
            f"UPDATE {ROWS} s SET target_id = t.id FROM {table} t WHERE {' AND '.join(conditions)}"
        )
    return int(status.split()[-1])


async def archived_matches(kind: Kind) -> list[int]:
    """Row numbers whose key matches an archived record (updated, but still archived)."""
    if not kind.service.archivable:
        return []
    rows = await sql.fetch(
        f"SELECT s.row_no FROM {ROWS} s JOIN {kind.service.table} t ON t.id = s.target_id"
        " WHERE t.archived_at IS NOT NULL ORDER BY s.row_no"
    )
    return [r["row_no"] for r in rows]


async def existing_ids() -> dict[int, int]:
    rows = await sql.fetch(f"SELECT row_no, target_id FROM {ROWS} WHERE target_id IS NOT NULL")
    return {r["row_no"]: r["target_id"] for r in rows}


async def mark_changes(
    kind: Kind,
    columns: list[Column],
    links: list[Column],
    matched: int,
    groups: Sequence[Column] = (),
) -> list[RowChange]:
    """Mark, per staged row, the fields whose stored value differs from the file's; returns
    the new and changed rows (unchanged rows are simply not listed)."""
    table = kind.service.table
    if not matched:  # every row is new: nothing to compare
        links, groups = [], ()
    cases = ", ".join(
        f"CASE WHEN s.{c.db_column} IS DISTINCT FROM t.{c.db_column} THEN '{c.name}' END"
        for c in columns
        if c.name not in kind.key
    )
    if cases:
        await sql.execute(
            f"UPDATE {ROWS} s SET changed = array_remove(ARRAY[{cases}]::text[], NULL)"
            f" FROM {table} t WHERE t.id = s.target_id"
        )
    for column in links:
        link = column.link
        assert link is not None
        # The sets differ when a file link is not stored, or a stored link is not in the file.
        await sql.execute(
            f"""
            WITH d AS (
                SELECT l.row_no FROM {LINKS} l JOIN {ROWS} s ON s.row_no = l.row_no
                LEFT JOIN {link.table} x
                       ON x.{link.owner} = s.target_id AND x.{link.target} = l.target
                WHERE l.field = $1 AND s.target_id IS NOT NULL AND x.{link.owner} IS NULL
                UNION
                SELECT s.row_no FROM {ROWS} s JOIN {link.table} x ON x.{link.owner} = s.target_id
                WHERE NOT EXISTS (SELECT 1 FROM {LINKS} l WHERE l.row_no = s.row_no
                                  AND l.field = $1 AND l.target = x.{link.target}))
            UPDATE {ROWS} s SET changed = s.changed || $1::text FROM d WHERE d.row_no = s.row_no
            """,
            column.name,
        )
    if groups:
        await _mark_group_changes(groups)
    rows = await sql.fetch(
        f"SELECT row_no, target_id, changed FROM {ROWS}"
        " WHERE target_id IS NULL OR cardinality(changed) > 0 ORDER BY row_no"
    )
    return [RowChange(r["row_no"], r["target_id"], list(r["changed"])) for r in rows]


def _group_of(groups: Sequence[Column]) -> tuple[Any, list[str], list[str]]:
    first = groups[0].group
    assert first is not None and all(c.group and c.group.table == first.table for c in groups)
    return first, [c.name for c in groups], [c.group.key for c in groups if c.group]


async def _mark_group_changes(groups: Sequence[Column]) -> None:
    """A count column changed when its stored count (no row: blank) differs from the file's."""
    g, names, keys = _group_of(groups)
    await sql.execute(
        f"""
        WITH p AS (SELECT * FROM unnest($1::text[], $2::text[]) AS p(name, key)),
             d AS (SELECT s.row_no, array_agg(p.name ORDER BY p.name) AS fields
                   FROM {ROWS} s CROSS JOIN p
                   LEFT JOIN {GROUPS} f ON f.row_no = s.row_no AND f.name = p.name
                   LEFT JOIN {g.table} x ON x.{g.owner} = s.target_id AND x.{g.key_column} = p.key
                   WHERE s.target_id IS NOT NULL AND f.value IS DISTINCT FROM x.{g.value_column}
                   GROUP BY s.row_no)
        UPDATE {ROWS} s SET changed = s.changed || d.fields FROM d WHERE d.row_no = s.row_no
        """,
        names,
        keys,
    )


async def _merge_groups(groups: Sequence[Column]) -> dict[str, int]:
    """For new rows and rows whose counts changed: the file's counts replace the stored ones
    of the columns the file has (a blank cell removes that count). Returns rows written."""
    g, names, keys = _group_of(groups)
    deleted = await sql.execute(
        f"DELETE FROM {g.table} x USING {ROWS} s WHERE x.{g.owner} = s.target_id"
        f" AND NOT s.is_new AND s.changed && $1::text[] AND x.{g.key_column} = ANY($2::text[])",
        names,
        keys,
    )
    inserted = await sql.execute(
        f"INSERT INTO {g.table} ({g.owner}, {g.key_column}, {g.value_column})"
        f" SELECT s.target_id, f.key, f.value FROM {GROUPS} f JOIN {ROWS} s"
        " ON s.row_no = f.row_no WHERE s.is_new OR s.changed && $1::text[]",
        names,
    )
    return {g.table: _count(deleted) + _count(inserted)}


async def merge(
    kind: Kind, columns: list[Column], links: list[Column], groups: Sequence[Column] = ()
) -> Written:
    """Write new and changed rows; unchanged rows are not touched."""
    table = kind.service.table
    rows: dict[str, int] = {}

    def wrote(name: str, status: str) -> None:
        rows[name] = rows.get(name, 0) + _count(status)

    names = [c.db_column for c in columns]
    sets = ", ".join(f"{n} = s.{n}" for n in names)
    changing = await sql.fetch(
        f"SELECT target_id FROM {ROWS} WHERE target_id IS NOT NULL AND cardinality(changed) > 0"
    )
    await snapshot_rows(table, [r["target_id"] for r in changing])  # old values for the audit
    updated = await sql.fetch(
        f"UPDATE {table} t SET {sets}, version = t.version + 1 FROM {ROWS} s"
        " WHERE t.id = s.target_id AND cardinality(s.changed) > 0 RETURNING t.id"
    )
    await sql.execute(
        f"UPDATE {ROWS} SET target_id = nextval(pg_get_serial_sequence('{table}', 'id')),"
        " is_new = true WHERE target_id IS NULL"
    )
    created = await sql.fetch(
        f"INSERT INTO {table} (id, {', '.join(names)})"
        f" SELECT target_id, {', '.join(names)} FROM {ROWS} WHERE is_new ORDER BY row_no"
        " RETURNING id"
    )
    for column in links:
        link = column.link
        assert link is not None
        status = await sql.execute(
            f"""
            DELETE FROM {link.table} x USING {ROWS} s
            WHERE x.{link.owner} = s.target_id AND NOT s.is_new AND $1 = ANY(s.changed)
              AND NOT EXISTS (SELECT 1 FROM {LINKS} l WHERE l.row_no = s.row_no
                              AND l.field = $1 AND l.target = x.{link.target})
            """,
            column.name,
        )
        wrote(link.table, status)
        # New records have no links yet and staged links are distinct per row: a plain
        # INSERT. Changed records keep the links they had: ON CONFLICT skips those.
        status = await sql.execute(
            f"""
            INSERT INTO {link.table} ({link.owner}, {link.target})
            SELECT s.target_id, l.target FROM {LINKS} l JOIN {ROWS} s ON s.row_no = l.row_no
            WHERE l.field = $1 AND s.is_new ORDER BY 1, 2
            """,
            column.name,
        )
        wrote(link.table, status)
        status = await sql.execute(
            f"""
            INSERT INTO {link.table} ({link.owner}, {link.target})
            SELECT s.target_id, l.target FROM {LINKS} l JOIN {ROWS} s ON s.row_no = l.row_no
            WHERE l.field = $1 AND NOT s.is_new AND $1 = ANY(s.changed)
            ON CONFLICT DO NOTHING
            """,
            column.name,
        )
        wrote(link.table, status)
    if groups:
        rows.update(await _merge_groups(groups))
    rows[table] = len(created) + len(updated)
    return Written([r["id"] for r in created], [r["id"] for r in updated], rows)
