"""Does every Piccolo table describe the migrated database truthfully?

The schema is written twice: reviewed SQL in migrations/ and Piccolo tables in each
concept's tables.py. `drift` creates the Piccolo tables from their own DDL in a scratch
schema (inside a transaction that is rolled back), reads both schemas from PostgreSQL's
catalogue in the same terms, and lists every difference: a table or column on one side
only, a type, nullability, default or generated column that differs, a primary key,
foreign key (columns, target, ON DELETE/UPDATE) or unique constraint (NULLS NOT DISTINCT
included) on one side only, and a plain one-column index (with its method) on one side only.

Out of scope, because Piccolo cannot say them: CHECK constraints; multi-column, expression
and partial indexes and indexes with an operator class of their own (`jsonb_path_ops`,
`gin_trgm_ops`); triggers, views and functions; they live in migrations/ only. Tables
created by libraries are skipped: `migration` (Piccolo's own log) and pgqueuer's queue
tables (its schema, frozen in migration 2026-12-01T03).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from piccolo.table import Table, sort_table_classes

LIBRARY_TABLES = frozenset(
    {"migration", "pgqueuer", "pgqueuer_log", "pgqueuer_schedules", "pgqueuer_statistics"}
)

_COLUMNS = """
SELECT c.relname AS table_name, a.attname AS column_name,
       format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable,
       a.attidentity::text AS identity, a.attgenerated::text AS generated,
       CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END AS column_default
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
 WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
 ORDER BY c.relname, a.attnum
"""

_CONSTRAINTS = """
SELECT c.relname AS table_name, con.contype::text AS kind,
       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k (num, i)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num
              ORDER BY k.i) AS columns,
       f.relname AS target,
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k (num, i)
               JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num
              ORDER BY k.i) AS target_columns,
       con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update,
       coalesce(ix.indnullsnotdistinct, false) AS nulls_not_distinct
  FROM pg_constraint con
  JOIN pg_class c ON c.oid = con.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_class f ON f.oid = con.confrelid
  LEFT JOIN pg_index ix ON ix.indexrelid = con.conindid AND con.contype = 'u'
 WHERE n.nspname = $1 AND con.contype IN ('p', 'u', 'f')
"""

_INDEXES = """
SELECT c.relname AS table_name, a.attname AS column_name, am.amname AS method
  FROM pg_index i
  JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_am am ON am.oid = ic.relam
  JOIN pg_class c ON c.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
  JOIN pg_opclass opc ON opc.oid = i.indclass[0]
 WHERE n.nspname = $1 AND i.indnatts = 1 AND i.indexprs IS NULL AND i.indpred IS NULL
   AND NOT i.indisunique AND NOT i.indisprimary AND opc.opcdefault
"""

ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
_NOW = {"now()", "CURRENT_TIMESTAMP", "transaction_timestamp()"}


@dataclass(frozen=True)
class ColumnShape:
    type: str
    nullable: bool
    default: str | None
    generated: bool
    identity: bool

    def describe(self) -> str:
        parts = [self.type, "NULL" if self.nullable else "NOT NULL"]
        if self.identity:
            parts.append("identity")
        if self.generated:
            parts.append("generated")
        if self.default is not None:
            parts.append(f"DEFAULT {self.default}")
        return " ".join(parts)


@dataclass
class TableShape:
    columns: dict[str, ColumnShape] = field(default_factory=dict)
    primary_key: tuple[str, ...] = ()
    foreign_keys: set[tuple[tuple[str, ...], str, tuple[str, ...], str, str]] = field(
        default_factory=set
    )
    uniques: set[tuple[tuple[str, ...], bool]] = field(default_factory=set)
    indexes: set[tuple[str, str]] = field(default_factory=set)


def _default(expr: str | None, schema: str) -> str | None:
    """A default expression in comparable form: no default and NULL are the same; now() and
    CURRENT_TIMESTAMP are the same; the scratch schema's name is left out."""
    if expr is None:
        return None
    text = expr.replace(f"{schema}.", "")
    if re.fullmatch(r"NULL(::[\w .\[\]()]+)?", text):
        return None
    return "now()" if text in _NOW else text


async def describe(conn: asyncpg.Connection, schema: str = "public") -> dict[str, TableShape]:
    """Every table of `schema` as PostgreSQL's catalogue has it."""
    tables: dict[str, TableShape] = {}
    for r in await conn.fetch(_COLUMNS, schema):
        shape = tables.setdefault(r["table_name"], TableShape())
        shape.columns[r["column_name"]] = ColumnShape(
            type=r["type"],
            nullable=r["nullable"],
            default=_default(r["column_default"], schema),
            generated=r["generated"] != "",
            identity=r["identity"] != "",
        )
    for r in await conn.fetch(_CONSTRAINTS, schema):
        shape = tables[r["table_name"]]
        columns = tuple(r["columns"])
        if r["kind"] == "p":
            shape.primary_key = columns
        elif r["kind"] == "u":
            shape.uniques.add((columns, r["nulls_not_distinct"]))
        else:
            shape.foreign_keys.add(
                (
                    columns,
                    r["target"],
                    tuple(r["target_columns"]),
                    ACTIONS[r["on_delete"]],
                    ACTIONS[r["on_update"]],
                )
            )
    for r in await conn.fetch(_INDEXES, schema):
        tables[r["table_name"]].indexes.add((r["column_name"], r["method"]))
    return tables


def piccolo_ddl(tables: Iterable[type[Table]]) -> list[str]:
    """The DDL Piccolo renders for the tables (referenced tables first)."""
    statements: list[str] = []
    for table in sort_table_classes(list(tables)):
        statements += list(table.create_table().ddl)
    return statements


async def describe_piccolo(
    conn: asyncpg.Connection, tables: Iterable[type[Table]]
) -> dict[str, TableShape]:
    """The tables as Piccolo describes them: created from Piccolo's own DDL in a scratch
    schema, read back from the catalogue, and rolled back. Tables they reference but that
    are not given are found in `public`."""
    schema = f"piccolo_drift_{uuid.uuid4().hex[:8]}"
    tx = conn.transaction()
    await tx.start()
    try:
        await conn.execute(f"CREATE SCHEMA {schema}")
        await conn.execute(f"SET LOCAL search_path TO {schema}, public")
        for statement in piccolo_ddl(tables):
            await conn.execute(statement)
        return await describe(conn, schema)
    finally:
        await tx.rollback()


def compare(
    live: dict[str, TableShape],
    described: dict[str, TableShape],
    skip: Iterable[str] = LIBRARY_TABLES,
) -> list[str]:
    """Every difference, one line each, naming the table and column or constraint."""
    skipped = set(skip)
    out: list[str] = []
    for name in sorted((live.keys() | described.keys()) - skipped):
        db, pic = live.get(name), described.get(name)
        if pic is None:
            out.append(f"{name}: a table in the database with no Piccolo table")
            continue
        if db is None:
            out.append(f"{name}: a Piccolo table with no table in the database")
            continue
        out += _compare_table(name, db, pic)
    return out


def _compare_table(name: str, db: TableShape, pic: TableShape) -> list[str]:
    out: list[str] = []
    for column in sorted(db.columns.keys() | pic.columns.keys()):
        a, b = db.columns.get(column), pic.columns.get(column)
        if b is None:
            out.append(f"{name}.{column}: in the database ({_shape(a)}), not in the Piccolo table")
        elif a is None:
            out.append(f"{name}.{column}: in the Piccolo table ({_shape(b)}), not in the database")
        elif a != b:
            out.append(f"{name}.{column}: database {a.describe()}, Piccolo {b.describe()}")
    if db.primary_key != pic.primary_key:
        out.append(
            f"{name}: primary key {db.primary_key} in the database, {pic.primary_key} in Piccolo"
        )
    out += _one_side(name, "foreign key", db.foreign_keys, pic.foreign_keys, _fk)
    out += _one_side(name, "unique constraint", db.uniques, pic.uniques, _unique)
    out += _one_side(name, "index", db.indexes, pic.indexes, _index)
    return out


def _shape(column: ColumnShape | None) -> str:
    return column.describe() if column else ""


def _one_side(name: str, what: str, db: set[Any], pic: set[Any], show: Any) -> list[str]:
    out = [f"{name}: {what} {show(x)} in the database only" for x in sorted(db - pic)]
    out += [f"{name}: {what} {show(x)} in the Piccolo table only" for x in sorted(pic - db)]
    return out


def _fk(fk: tuple[tuple[str, ...], str, tuple[str, ...], str, str]) -> str:
    columns, target, target_columns, on_delete, on_update = fk
    return (
        f"({', '.join(columns)}) -> {target} ({', '.join(target_columns)})"
        f" ON DELETE {on_delete} ON UPDATE {on_update}"
    )


def _unique(unique: tuple[tuple[str, ...], bool]) -> str:
    columns, not_distinct = unique
    return f"({', '.join(columns)}){' NULLS NOT DISTINCT' if not_distinct else ''}"


def _index(index: tuple[str, str]) -> str:
    return f"on ({index[0]}) using {index[1]}"


async def drift(conn: asyncpg.Connection, tables: Iterable[type[Table]]) -> list[str]:
    """Differences between the live `public` schema and the Piccolo tables."""
    tables = list(tables)
    live = await describe(conn, "public")
    described = await describe_piccolo(conn, tables)
    return compare(live, described)
