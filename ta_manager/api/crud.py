"""One controller shape for every kind of record: list, get, create, update, archive, delete.

Controllers stay thin: they parse HTTP (paging, If-Match) and call the record's service.
Each handler declares its roles (`opt["roles"]`, from ta_manager.accounts.permissions); a
donor user reads through its donor view (only its own money, no other donor's name).
"""

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, PathParameter, QueryParameter

from ta_manager.accounts.assignments import within_assignment
from ta_manager.accounts.donor_view import reader_for
from ta_manager.accounts.permissions import require, resource_roles
from ta_manager.api.query import filter_provider, no_filters
from ta_manager.errors import InvalidInput
from ta_manager.records.schemas import page_struct, update_struct
from ta_manager.records.service import RecordService

# Ids are PostgreSQL bigints: anything outside that range is a 400, not a database error.
BIGINT_MAX = 2**63 - 1
RecordId = Annotated[int, PathParameter(ge=1, le=BIGINT_MAX, description="The record's id")]
Limit = Annotated[int, QueryParameter(ge=1, le=1000, description="Page size (max 1000)")]
Offset = Annotated[int, QueryParameter(ge=0, description="Rows to skip (or use a cursor)")]
IncludeArchived = Annotated[bool, QueryParameter(description="Also archived records")]
Hard = Annotated[bool, QueryParameter(description="Delete for good instead of archiving")]
Cursor = Annotated[
    str | None,
    QueryParameter(
        max_length=2000,
        description="A page's next_cursor or prev_cursor: the page after (or before) it, at"
        " the same cost at any depth; with the same sort, and no offset",
    ),
]
TotalKind = Annotated[
    Literal["estimated", "exact"],
    QueryParameter(
        description="'exact' counts the matching rows; 'estimated' (default) counts them only"
        " when few match or the page reaches the end, else gives the planner's estimate"
        " (total_exact false)",
    ),
]


@dataclass(frozen=True)
class Resource:
    path: str
    tag: str
    service: RecordService
    create: type[msgspec.Struct]
    read: type[msgspec.Struct]
    filters: type[Any] | None = None


def etag(version: int) -> str:
    return f'"{version}"'


def version_from(request: Request[Any, Any, Any], body_version: Any) -> int | None:
    """The version the client read: `version` in the body wins over If-Match."""
    if isinstance(body_version, int):
        return body_version
    header = request.headers.get("if-match")
    if header:
        raw = header.strip().removeprefix("W/").strip('"')
        try:
            return int(raw)
        except ValueError as exc:
            raise InvalidInput.of("If-Match", "must be the ETag of the record", header) from exc
    return None


def crud_controller(res: Resource) -> type[Controller]:
    service = res.service
    a_record = ("an " if service.resource[0] in "aeiou" else "a ") + service.resource
    read_t = res.read
    base = res.create.__name__.removesuffix("Create")
    update_t = update_struct(res.create, f"{base}Update")
    page_t = page_struct(read_t, f"{base}Page")
    filters_cls = res.filters
    roles = resource_roles(res.path)
    read_opt = {"roles": roles.read}
    write_opt = {"roles": roles.write}
    provider = filter_provider(filters_cls) if filters_cls else no_filters
    deps = {"filters": Provide(provider, sync_to_thread=False)}
    Q = Annotated[str | None, QueryParameter(description="Free text in titles, names, codes")]
    names = "|".join(re.escape(n) for n in dict.fromkeys((*service.sortable, "id")))
    Sort = Annotated[
        str | None,
        QueryParameter(
            description=f"Comma-separated, '-' for descending: {', '.join(service.sortable)}",
            pattern=rf"^-?({names})(,-?({names}))*$",
        ),
    ]

    def to_read(row: dict[str, Any]) -> Any:
        return msgspec.convert(row, read_t, from_attributes=False, strict=False)

    def one(row: dict[str, Any], status: int = 200) -> Response[Any]:
        return Response(to_read(row), status_code=status, headers={"ETag": etag(row["version"])})

    @get(
        "/",
        operation_id=f"list{base}",
        summary=f"List {res.tag}",
        dependencies=deps,
        opt=read_opt,
    )
    async def list_records(
        self: Any,
        request: Request[Any, Any, Any],
        filters: NamedDependency[Any],
        q: Q = None,
        sort: Sort = None,
        limit: Limit = 50,
        offset: Offset = 0,
        include_archived: IncludeArchived = False,
        cursor: Cursor = None,
        total: TotalKind = "estimated",
    ) -> page_t:  # type: ignore[valid-type]
        page = await reader_for(service, request.scope.get("user")).page(
            filters,
            q=q,
            sort=sort,
            limit=limit,
            offset=offset,
            include_archived=include_archived,
            cursor=cursor,
            total=total,
        )
        return page_t(
            items=[to_read(r) for r in page.items],
            total=page.total,
            limit=limit,
            offset=offset,
            total_exact=page.total_exact,
            next_cursor=page.next_cursor,
            prev_cursor=page.prev_cursor,
        )

    @get(
        "/{record_id:int}",
        operation_id=f"get{base}",
        summary=f"Get {a_record}",
        opt=read_opt,
    )
    async def get_record(
        self: Any, request: Request[Any, Any, Any], record_id: RecordId
    ) -> Response[read_t]:  # type: ignore[valid-type]
        return one(await reader_for(service, request.scope.get("user")).get(record_id))

    @post("/", operation_id=f"create{base}", summary=f"Create {a_record}", opt=write_opt)
    async def create_record(
        self: Any,
        request: Request[Any, Any, Any],
        data: JSONBody[res.create],  # type: ignore[name-defined]
    ) -> Response[read_t]:  # type: ignore[valid-type]
        account = request.scope.get("user")
        created = await within_assignment(
            account, service.table, None, lambda: service.create(data)
        )
        return one(created, 201)

    @patch(
        "/{record_id:int}",
        operation_id=f"update{base}",
        summary=f"Update {a_record} (send the version you read)",
        opt=write_opt,
    )
    async def update_record(
        self: Any,
        request: Request[Any, Any, Any],
        record_id: RecordId,
        data: JSONBody[update_t],  # type: ignore[valid-type]
    ) -> Response[read_t]:  # type: ignore[valid-type]
        changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
        version = version_from(request, changes.pop("version", None))
        account = request.scope.get("user")
        updated = await within_assignment(
            account, service.table, record_id, lambda: service.update(record_id, changes, version)
        )
        return one(updated)

    handlers: dict[str, Any] = {
        "path": res.path,
        "tags": [res.tag],
        "list_records": list_records,
        "get_record": get_record,
        "create_record": create_record,
        "update_record": update_record,
    }

    if service.archivable:

        @delete(
            "/{record_id:int}",
            operation_id=f"archive{base}",
            summary=f"Archive {a_record} (hidden from lists; ?hard=true deletes)",
            status_code=204,
            opt=write_opt,
        )
        async def archive_record(
            self: Any,
            request: Request[Any, Any, Any],
            record_id: RecordId,
            hard: Hard = False,
        ) -> None:
            if hard:
                require(request, roles.hard_delete)
                await service.delete(record_id)
            else:
                account = request.scope.get("user")
                await within_assignment(
                    account, service.table, record_id, lambda: service.archive(record_id)
                )

        @post(
            "/{record_id:int}/restore",
            operation_id=f"restore{base}",
            summary=f"Restore an archived {service.resource}",
            status_code=200,
            opt={"roles": roles.restore},
        )
        async def restore_record(self: Any, record_id: RecordId) -> Response[read_t]:  # type: ignore[valid-type]
            return one(await service.archive(record_id, archived=False))

        handlers |= {"archive_record": archive_record, "restore_record": restore_record}
    else:

        @delete(
            "/{record_id:int}",
            operation_id=f"delete{base}",
            summary=f"Delete {a_record}",
            status_code=204,
            opt=write_opt,
        )
        async def delete_record(self: Any, record_id: RecordId) -> None:
            await service.delete(record_id)

        handlers["delete_record"] = delete_record

    return type(f"{base}Controller", (Controller,), handlers)
