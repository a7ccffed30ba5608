"""`GET /api/v1/audit`: the trail, for administrators and the secretariat. Read-only by design."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get
from litestar.params import Parameter

from ta_manager.accounts.roles import ADMIN, SECRETARIAT
from ta_manager.audit import service
from ta_manager.audit.schemas import AuditPage, AuditRecordRead

AUDIT_READERS = (ADMIN, SECRETARIAT)


class AuditController(Controller):
    path = "/audit"
    tags = ["Audit trail"]
    opt = {"roles": AUDIT_READERS}

    @get("/", operation_id="listAudit", summary="Who changed what, newest first")
    async def list_audit(
        self,
        record: str | None = Parameter(
            default=None, description="Record id, code, or resource:id (e.g. activity:12)"
        ),
        resource: str | None = Parameter(default=None, description="e.g. activity, contribution"),
        user: str | None = Parameter(default=None, description="User e-mail or id"),
        action: str | None = Parameter(
            default=None, description="create, update, archive, restore or delete"
        ),
        since: str | None = Parameter(default=None, description="ISO date or date-time"),
        until: str | None = Parameter(default=None, description="ISO date or date-time (excl.)"),
        limit: Annotated[int, Parameter(ge=1, le=1000)] = 100,
        offset: Annotated[int, Parameter(ge=0)] = 0,
    ) -> AuditPage:
        filters = service.AuditFilters(record, resource, user, action, since, until)
        rows, total = await service.page(filters, limit, offset)
        items = [msgspec.convert(r, AuditRecordRead) for r in rows]
        return AuditPage(items=items, total=total, limit=limit, offset=offset)

    @get("/{audit_id:int}", operation_id="getAudit", summary="One audit record")
    async def get_audit(self, audit_id: int) -> AuditRecordRead:
        return msgspec.convert(await service.get(audit_id), AuditRecordRead)


ROUTES = [AuditController]
