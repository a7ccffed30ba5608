"""Writing the audit trail, inside the transaction of the write it describes.

`record_change` is registered in `ta_manager.records.service.CHANGE_LISTENERS`, so every
create/update/archive/restore/delete made through a RecordService writes exactly one audit
record per changed record. Writers that bypass RecordService call the same functions:

- one record: `await record_change(resource, action, record_id, before, after)`
- many records (importers): `await record_bulk(resource, action, rows)` where `rows` is an
  iterable of `(record_id, before, after)`; `before` is None for creates, `after` is None for
  deletes; each is a mapping of field -> value as the record reads. One INSERT, same transaction
  as the caller's (call it inside `sql.transaction()` together with the data writes).

- rows changed by set-based SQL: `ta_manager.audit.bulk` (`snapshot_rows`, `record_rows`)
  lets PostgreSQL compute the old/new values from the table itself.

The actor (who) comes from `ta_manager.audit.actor.current_actor`; writers outside an HTTP
request set it with `acting_as(Actor(None, "import:<file>", "import"))`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import msgspec

from ta_manager.audit.actor import current_actor
from ta_manager.database import sql
from ta_manager.records.service import CHANGE_LISTENERS

ACTIONS = ("create", "update", "archive", "restore", "delete")
# Bookkeeping that changes on every write; the version is kept in its own column.
IGNORED_FIELDS = frozenset({"id", "version", "created_at", "updated_at"})
# Never copied into the trail; a change is recorded as "(changed)".
SECRET_FIELDS = frozenset({"password_hash", "token_hash"})
SECRET_MARK = "(changed)"

Row = tuple[int, Mapping[str, Any] | None, Mapping[str, Any] | None]


def plain(value: Any) -> Any:
    """A JSON-ready value: Decimal and dates as strings, sets and tuples as lists."""
    try:
        return msgspec.to_builtins(value)
    except TypeError:
        return str(value)


def changed_fields(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> dict[str, dict[str, Any]]:
    """`{field: {"old": ..., "new": ...}}` for every field whose value differs."""
    old_rec, new_rec = before or {}, after or {}
    changes: dict[str, dict[str, Any]] = {}
    for name in sorted(old_rec.keys() | new_rec.keys()):
        if name in IGNORED_FIELDS:
            continue
        old, new = plain(old_rec.get(name)), plain(new_rec.get(name))
        if old == new:
            continue
        if name in SECRET_FIELDS:
            changes[name.removesuffix("_hash")] = {"old": None, "new": SECRET_MARK}
        else:
            changes[name] = {"old": old, "new": new}
    return changes


def _record_values(
    action: str,
    record_id: int,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> tuple[Any, ...]:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; use one of {', '.join(ACTIONS)}")
    latest = after if after is not None else before or {}
    code = latest.get("code")
    version = latest.get("version")
    return (
        record_id,
        None if code is None else str(code),
        action,
        version if isinstance(version, int) else None,
        msgspec.json.encode(changed_fields(before, after)).decode(),
    )


async def record_change(
    resource: str,
    action: str,
    record_id: int,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> None:
    """Write one audit record for one changed record (a CHANGE_LISTENERS listener)."""
    actor = current_actor.get()
    record_id_, code, action_, version, changes = _record_values(action, record_id, before, after)
    await sql.execute(
        "INSERT INTO audit_record (user_id, user_email, via, resource, record_id, record_code,"
        " action, version, changes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::jsonb)",
        actor.user_id,
        actor.email,
        actor.via,
        resource,
        record_id_,
        code,
        action_,
        version,
        changes,
    )


async def record_bulk(resource: str, action: str, rows: Iterable[Row]) -> int:
    """Write one audit record per `(record_id, before, after)` in one statement; returns the count.

    For importers and other bulk writers that do not go through RecordService. Call it in the
    same transaction as the writes it describes.
    """
    actor = current_actor.get()
    records = [_record_values(action, *row) for row in rows]
    if not records:
        return 0
    ids, codes, _, versions, changes = (list(column) for column in zip(*records, strict=True))
    await sql.execute(
        "INSERT INTO audit_record (user_id, user_email, via, resource, action, record_id,"
        " record_code, version, changes)"
        " SELECT $1, $2, $3, $4, $5, r.record_id, r.code, r.version, r.changes::jsonb"
        " FROM unnest($6::bigint[], $7::text[], $8::integer[], $9::text[])"
        " AS r(record_id, code, version, changes)",
        actor.user_id,
        actor.email,
        actor.via,
        resource,
        action,
        ids,
        codes,
        versions,
        changes,
    )
    return len(records)


def install() -> None:
    """Register the trail as a change listener (idempotent)."""
    if record_change not in CHANGE_LISTENERS:
        CHANGE_LISTENERS.append(record_change)


def as_of(value: dt.date | dt.datetime) -> dt.datetime:
    """A `since` bound: a date means its first instant (UTC)."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime.combine(value, dt.time.min, tzinfo=dt.UTC)


install()
