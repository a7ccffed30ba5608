from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec


class AuditRecordRead(msgspec.Struct, kw_only=True):
    id: int
    at: dt.datetime
    user_id: int | None
    user_email: str
    via: str
    resource: str
    record_id: int
    record_code: str | None
    action: str
    version: int | None
    changes: dict[str, Any]
    # Set for a record created by an import: {"import": file name, "row": its row in the
    # file, "table": ..., "values": "record" (changes show the values at creation, read
    # from the record, unchanged since) or "import file" (changed since: the values at
    # creation are that row of the file)}.
    imported_from: dict[str, Any] | None = None


class AuditPage(msgspec.Struct, kw_only=True):
    items: list[AuditRecordRead]
    total: int
    limit: int
    offset: int
