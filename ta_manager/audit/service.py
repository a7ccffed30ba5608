"""Reading the audit trail (there is deliberately nothing here to change or delete it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import msgspec
from piccolo.columns.combination import WhereRaw
from piccolo.custom_types import Combinable

from ta_manager.audit.tables import AuditRecord
from ta_manager.audit.trail import as_of
from ta_manager.errors import InvalidInput, NotFound


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


def _record_condition(record: str) -> list[Combinable]:
    resource, sep, key = record.strip().rpartition(":")
    key = key.strip()
    if not key:
        raise InvalidInput.of("record", "give an id, a code, or resource:id", record)
    out: list[Combinable] = []
    if sep:
        out.append(AuditRecord.resource == resource.strip().replace("-", " "))
    code = WhereRaw("upper(record_code) = upper({})", key)  # the upper(record_code) index
    if key.isdigit():
        out.append((AuditRecord.record_id == int(key)) | code)
    else:
        out.append(code)
    return out


def conditions(f: AuditFilters) -> list[Combinable]:
    """The filters as Piccolo conditions, all of which a record meets."""
    out: list[Combinable] = []
    if f.record:
        out += _record_condition(f.record)
    if f.resource:
        out.append(AuditRecord.resource == f.resource.strip().replace("-", " "))
    if f.user:
        who = f.user.strip()
        if who.isdigit():
            out.append(AuditRecord.user_id == int(who))
        else:
            out.append(WhereRaw("lower(user_email) = lower({})", who))
    if f.action:
        out.append(AuditRecord.action == f.action.strip())
    if f.since:
        out.append(AuditRecord.at >= instant("since", f.since))
    if f.until:
        out.append(AuditRecord.at < instant("until", f.until))
    return out


def _row(record: Any) -> dict[str, Any]:
    row = dict(record)
    changes = row.get("changes")
    row["changes"] = msgspec.json.decode(changes) if isinstance(changes, str) else changes or {}
    return row


async def page(f: AuditFilters, limit: int = 100, offset: int = 0) -> tuple[list[dict], int]:
    """The newest records first."""
    where = conditions(f)
    count = AuditRecord.count()
    rows = (
        AuditRecord.select()
        .order_by(AuditRecord.at, AuditRecord.id, ascending=False)
        .limit(int(limit))
        .offset(int(offset))
    )
    for condition in where:
        count = count.where(condition)
        rows = rows.where(condition)
    return [_row(r) for r in await rows], int(await count)


async def get(record_id: int) -> dict[str, Any]:
    row = await AuditRecord.select().where(AuditRecord.id == record_id).first()
    if row is None:
        raise NotFound("audit record", record_id)
    return _row(row)
