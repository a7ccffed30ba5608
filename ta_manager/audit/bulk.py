"""Auditing set-based writes (importers): the old and new values come from the table itself.

When a bulk writer cannot cheaply build `(record_id, before, after)` mappings for
`trail.record_bulk`, it lets PostgreSQL compare rows, inside its own transaction:

    async with sql.transaction():
        await snapshot_rows("activity", ids_to_update)        # before changing them
        ... bulk UPDATE / INSERT / DELETE ...
        await record_rows("activity", "activity", "update", ids_to_update)
        await record_rows("activity", "activity", "create", new_ids)
        await record_rows("activity", "activity", "delete", deleted_ids)  # snapshot first

One audit record per id, with the changed columns' old and new values as the table stores
them (references as ids, numbers as JSON numbers; many-to-many links are not included).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ta_manager.audit.actor import current_actor
from ta_manager.audit.trail import ACTIONS, IGNORED_FIELDS, SECRET_FIELDS
from ta_manager.database import sql
from ta_manager.database.engine import DB

_TABLE = re.compile(r"^[a-z_][a-z0-9_]*$")
_SKIPPED = sorted(IGNORED_FIELDS | SECRET_FIELDS)


def _checked(table: str) -> str:
    if not _TABLE.match(table):
        raise ValueError(f"not a table name: {table!r}")
    if DB.current_transaction.get() is None:
        raise RuntimeError("bulk auditing must run inside the writer's transaction")
    return table


async def snapshot_rows(table: str, ids: Sequence[int]) -> None:
    """Keep the rows' current values until the transaction ends (before updating or deleting)."""
    table = _checked(table)
    await sql.execute(
        "CREATE TEMP TABLE IF NOT EXISTS audit_snapshot"
        " (tbl text, id bigint, snap jsonb, PRIMARY KEY (tbl, id)) ON COMMIT DROP"
    )
    await sql.execute(
        f"INSERT INTO audit_snapshot SELECT $1, t.id, to_jsonb(t) FROM {table} t"
        " WHERE t.id = ANY($2::bigint[]) ON CONFLICT (tbl, id) DO UPDATE SET snap = EXCLUDED.snap",
        table,
        list(ids),
    )


# Deletes: every non-null value of the snapshot, as {"old": value, "new": null}.
_GONE = (
    "coalesce((SELECT jsonb_object_agg(e.key, jsonb_build_object('old', e.value, 'new', null))"
    " FROM jsonb_each(o.snap) e WHERE e.key <> ALL($7::text[]) AND e.value <> 'null'::jsonb),"
    " '{}'::jsonb)"
)


async def _columns(table: str) -> list[str]:
    """The table's columns, in order."""
    rows = await sql.fetch(
        "SELECT attname::text FROM pg_attribute WHERE attrelid = $1::regclass"
        " AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        table,
    )
    names = [r[0] for r in rows]
    for name in names:
        if not _TABLE.match(name):  # never quoted: plain identifiers only
            raise ValueError(f"not a plain column name: {table}.{name}")
    return names


def _changes(columns: Sequence[str], action: str) -> str:
    """SQL for the `changes` of each row `n` ({field: {"old", "new"}}, as `changed_fields`).

    Written as JSON text and parsed once: building the nested objects with jsonb functions
    (jsonb_each + jsonb_object_agg, or jsonb_build_object) costs 3 times as much, and an
    import of 100,000 rows spends most of its audit time there. A create lists the non-null
    values; an update, the values that differ from the snapshot `o` (jsonb of the old row).
    """
    parts = []
    for c in columns:
        if c in _SKIPPED:
            continue
        new = f"coalesce(to_jsonb(n.{c}), 'null'::jsonb)"
        if action == "create":
            # NULL (an SQL null, or a JSON null in a jsonb column) drops out of concat_ws;
            # to_json writes the text at once (to_jsonb would build a jsonb value first).
            value = f"nullif(to_json(n.{c})::text, 'null')"
            parts.append(f"""'"{c}":{{"old":null,"new":' || {value} || '}}'""")
        else:
            old = f"coalesce(o.snap -> '{c}', 'null'::jsonb)"
            parts.append(
                f"""CASE WHEN {old} IS DISTINCT FROM {new} THEN"""
                f""" '"{c}":{{"old":' || {old}::text || ',"new":' || {new}::text || '}}' END"""
            )
    return f"concat('{{', concat_ws(',', {', '.join(parts)}), '}}')::jsonb"


async def record_rows(resource: str, table: str, action: str, ids: Sequence[int]) -> int:
    """One audit record per id: `create` from the rows as they are now, `update`/`archive`/
    `restore` against the snapshot, `delete` from the snapshot. Returns the number written.

    One INSERT ... SELECT per call, whatever the number of rows."""
    table = _checked(table)
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; use one of {', '.join(ACTIONS)}")
    if not ids:
        return 0
    if action != "create":
        await snapshot_rows(table, [])  # makes sure the snapshot table exists
    actor = current_actor.get()
    head = (
        "INSERT INTO audit_record (user_id, user_email, via, resource, action, record_id,"
        " record_code, version, changes)"
    )
    if action == "delete":
        query = (
            f"{head} SELECT $1, $2, $3, $4, $5, o.id, o.snap ->> 'code',"
            f" (o.snap ->> 'version')::integer, {_GONE}"
            " FROM audit_snapshot o WHERE o.tbl = $8 AND o.id = ANY($6::bigint[])"
        )
    else:
        columns = await _columns(table)
        joined = (
            "" if action == "create" else "LEFT JOIN audit_snapshot o ON o.tbl = $8 AND o.id = n.id"
        )
        code = "n.code::text" if "code" in columns else "NULL::text"
        version = "n.version::integer" if "version" in columns else "NULL::integer"
        query = (
            f"{head} SELECT $1, $2, $3, $4, $5, n.id, {code}, {version},"
            f" {_changes(columns, action)}"
            f" FROM {table} n {joined}"
            " WHERE n.id = ANY($6::bigint[]) AND $7::text[] IS NOT NULL AND $8::text IS NOT NULL"
        )
    status = await sql.execute(
        query,
        actor.user_id,
        actor.email,
        actor.via,
        resource,
        action,
        list(ids),
        _SKIPPED,
        table,
    )
    return int(status.rsplit(" ", 1)[-1])
