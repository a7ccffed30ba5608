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


_DIFF = (
    "coalesce((SELECT jsonb_object_agg(e.key, jsonb_build_object("
    "'old', coalesce(o.snap -> e.key, 'null'::jsonb), 'new', e.value))"
    " FROM jsonb_each(n.row) e WHERE e.key <> ALL($7::text[])"
    " AND coalesce(o.snap -> e.key, 'null'::jsonb) IS DISTINCT FROM e.value), '{}'::jsonb)"
)
_GONE = (
    "coalesce((SELECT jsonb_object_agg(e.key, jsonb_build_object('old', e.value, 'new', null))"
    " FROM jsonb_each(o.snap) e WHERE e.key <> ALL($7::text[]) AND e.value <> 'null'::jsonb),"
    " '{}'::jsonb)"
)


async def record_rows(resource: str, table: str, action: str, ids: Sequence[int]) -> int:
    """One audit record per id: `create` from the rows as they are now, `update`/`archive`/
    `restore` against the snapshot, `delete` from the snapshot. Returns the number written."""
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
        joined = (
            "LEFT JOIN (SELECT NULL::bigint AS id, NULL::jsonb AS snap WHERE false) o ON false"
            if action == "create"
            else "LEFT JOIN audit_snapshot o ON o.tbl = $8 AND o.id = n.id"
        )
        query = (
            f"{head} SELECT $1, $2, $3, $4, $5, n.id, n.row ->> 'code',"
            f" (n.row ->> 'version')::integer, {_DIFF}"
            f" FROM (SELECT t.id, to_jsonb(t) AS row FROM {table} t"
            " WHERE t.id = ANY($6::bigint[])) n "
            f"{joined} WHERE $8::text IS NOT NULL"
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
