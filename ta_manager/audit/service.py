"""Reading the audit trail (there is deliberately nothing here to change or delete it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import msgspec

from ta_manager.audit.bulk import values_at_creation
from ta_manager.audit.trail import as_of
from ta_manager.database import sql
from ta_manager.errors import InvalidInput, NotFound
from ta_manager.records.filters import Where


@dataclass(frozen=True)
class AuditFilters:
    """`record` is an id, a business code, or `resource:id` / `resource:code`."""

    record: str | None = None
    resource: str | None = None
    user: str | None = None
    action: str | None = None
    since: str | None = None
    until: str | None = None


def instant(field: str, raw: str) -> dt.datetime:
    """An ISO date or date-time; a date means its first instant, a naive time is UTC."""
    text = raw.strip()
    # A '+' of a UTC offset arrives as a space when the query string was not encoded.
    for candidate in (text, text[:-6] + "+" + text[-5:] if text[-6:-5] == " " else text):
        try:
            return as_of(dt.datetime.fromisoformat(candidate))
        except ValueError:
            continue
    raise InvalidInput.of(field, "give an ISO date or date-time", raw)


def _record_condition(where: Where, record: str) -> None:
    resource, sep, key = record.strip().rpartition(":")
    key = key.strip()
    if not key:
        raise InvalidInput.of("record", "give an id, a code, or resource:id", record)
    if sep:
        where.add("t.resource = {}", resource.strip().replace("-", " "))
    if key.isdigit():
        where.add("(t.record_id = {} OR upper(t.record_code) = upper({}))", int(key), key)
    else:
        where.add("upper(t.record_code) = upper({})", key)


def where_for(f: AuditFilters) -> Where:
    where = Where()
    if f.record:
        _record_condition(where, f.record)
    if f.resource:
        where.add("t.resource = {}", f.resource.strip().replace("-", " "))
    if f.user:
        who = f.user.strip()
        if who.isdigit():
            where.add("t.user_id = {}", int(who))
        else:
            where.add("lower(t.user_email) = lower({})", who)
    if f.action:
        where.add("t.action = {}", f.action.strip())
    if f.since:
        where.add("t.at >= {}", instant("since", f.since))
    if f.until:
        where.add("t.at < {}", instant("until", f.until))
    return where


def _row(record: Any) -> dict[str, Any]:
    row = dict(record)
    for name, empty in (("changes", {}), ("imported_from", None)):
        value = row.get(name)
        row[name] = msgspec.json.decode(value) if isinstance(value, str) else value or empty
    return row


async def _rows(records: list[Any]) -> list[dict[str, Any]]:
    """Audit rows as read; compact entries of imported records get their values at
    creation from the record while it is unchanged since (ta_manager.audit.bulk)."""
    rows = [_row(r) for r in records]
    await values_at_creation(rows)
    return rows


async def page(f: AuditFilters, limit: int = 100, offset: int = 0) -> tuple[list[dict], int]:
    where = where_for(f)
    cond = where.sql()
    total = await sql.fetchval(f"SELECT count(*) FROM audit_record t {cond}", *where.args)
    rows = await sql.fetch(
        f"SELECT t.* FROM audit_record t {cond} ORDER BY t.at DESC, t.id DESC"
        f" LIMIT {int(limit)} OFFSET {int(offset)}",
        *where.args,
    )
    return await _rows(rows), total


async def get(record_id: int) -> dict[str, Any]:
    row = await sql.fetchrow("SELECT * FROM audit_record WHERE id = $1", record_id)
    if row is None:
        raise NotFound("audit record", record_id)
    return (await _rows([row]))[0]
