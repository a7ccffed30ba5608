"""`GET /api/v1/audit`: the trail, for administrators and the secretariat. Read-only by design."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get
from litestar.params import QueryParameter

from ta_manager.accounts.roles import ADMIN, SECRETARIAT
from ta_manager.api.crud import RecordId
from ta_manager.audit import service
from ta_manager.audit.schemas import AuditPage, AuditRecordRead

AUDIT_READERS = (ADMIN, SECRETARIAT)


class AuditController(Controller):
    path = "/audit"
    tags = ["Audit trail"]
    opt = {"roles": AUDIT_READERS}

    @get(
        "/",
        operation_id="listAudit",
        summary="Who changed what, newest first",
        opt={"problems": (422,)},
    )
    async def list_audit(
        self,
        record: Annotated[
            str | None,
            QueryParameter(description="Record id, code, or resource:id (e.g. activity:12)"),
        ] = None,
        resource: Annotated[
            str | None, QueryParameter(description="e.g. activity, contribution")
        ] = None,
        user: Annotated[str | None, QueryParameter(description="User e-mail or id")] = None,
        action: Annotated[
            str | None, QueryParameter(description="create, update, archive, restore or delete")
        ] = None,
        since: Annotated[str | None, QueryParameter(description="ISO date or date-time")] = None,
        until: Annotated[
            str | None, QueryParameter(description="ISO date or date-time (excl.)")
        ] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 100,
        offset: Annotated[int, QueryParameter(ge=0)] = 0,
    ) -> AuditPage:
        filters = service.AuditFilters(record, resource, user, action, since, until)
        rows, total = await service.page(filters, limit, offset)
        items = [msgspec.convert(r, AuditRecordRead) for r in rows]
        return AuditPage(items=items, total=total, limit=limit, offset=offset)

    @get("/{audit_id:int}", operation_id="getAudit", summary="One audit record")
    async def get_audit(self, audit_id: RecordId) -> AuditRecordRead:
        return msgspec.convert(await service.get(audit_id), AuditRecordRead)


ROUTES = [AuditController]
