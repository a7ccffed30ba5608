"""Who may call which route: the role guard and the table it reads (docs/permissions.md).

Default deny: every route needs a role, except the public ones below. A route declares its
roles in its `opt`:

    @get("/things", opt={"roles": STAFF})          # these roles, any method
    @post("/login", opt={"public": True})          # anyone, even without a token

A route that declares nothing gets DEFAULT_READ for GET/HEAD and DEFAULT_WRITE otherwise.
The generic record controllers take their roles from RESOURCE_ROLES, by path.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from ta_manager.accounts.roles import (
    ADMIN,
    ADMINS,
    DEFAULT_READ,
    DEFAULT_WRITE,
    DONOR,
    EDITORS,
    EVERYONE,
    OFFICER,
    SECRETARIAT,
    STAFF,
    VIEWER,
    Role,
)

# Paths anyone may call without logging in (besides routes with opt {"public": True}).
PUBLIC_PATHS = ("/health",)
PUBLIC_PREFIXES = ("/schema", "/static/")
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class ResourceRoles:
    """Roles of one record resource: read (list/get), write (create/update/archive or delete),
    restore an archived record, and delete an archivable record for good (`?hard=true`)."""

    read: tuple[Role, ...]
    write: tuple[Role, ...]
    restore: tuple[Role, ...] = ADMINS
    hard_delete: tuple[Role, ...] = ADMINS


REFERENCE = ResourceRoles(read=EVERYONE, write=ADMINS)
FUNDING = ResourceRoles(read=(*STAFF, DONOR), write=EDITORS)

RESOURCE_ROLES: dict[str, ResourceRoles] = {
    "/countries": REFERENCE,
    "/regions": REFERENCE,
    "/instruments": REFERENCE,
    "/ratifications": REFERENCE,
    "/instrument-status": REFERENCE,
    "/assistance-types": REFERENCE,
    "/activity-types": REFERENCE,
    "/sectors": REFERENCE,
    "/priority-areas": ResourceRoles(read=EVERYONE, write=(ADMIN, SECRETARIAT)),
    # Donors see only organizations that are not other donors (ta_manager.accounts.donor_view).
    "/organizations": ResourceRoles(read=EVERYONE, write=EDITORS),
    "/needs": ResourceRoles(read=(ADMIN, OFFICER, SECRETARIAT, VIEWER), write=EDITORS),
    "/projects": ResourceRoles(read=(*STAFF, DONOR), write=EDITORS),
    "/activities": ResourceRoles(read=EVERYONE, write=EDITORS),
    "/exchange-rates": FUNDING,
    "/contributions": FUNDING,
    "/allocations": FUNDING,
    "/expenditures": FUNDING,
    # Donors see the funding needs of projects they see, and of priority areas (donor_view).
    "/funding-needs": ResourceRoles(read=(*STAFF, DONOR), write=EDITORS),
    "/cost-norms": ResourceRoles(read=STAFF, write=(ADMIN, SECRETARIAT)),
}
DEFAULT_RESOURCE = ResourceRoles(read=DEFAULT_READ, write=DEFAULT_WRITE)

# Routes written before this table existed, by operation id.
OPERATION_ROLES: dict[str, tuple[Role, ...]] = {"countParties": EVERYONE}


def resource_roles(path: str) -> ResourceRoles:
    return RESOURCE_ROLES.get(path, DEFAULT_RESOURCE)


def is_public_path(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES) or path == "/schema"


def required_roles(handler: BaseRouteHandler) -> frozenset[str] | None:
    """The roles a route admits; None means public."""
    opt = handler.opt or {}
    if opt.get("public"):
        return None
    if "roles" in opt:
        return frozenset(opt["roles"])
    operation = getattr(handler, "operation_id", None)
    if isinstance(operation, str) and operation in OPERATION_ROLES:
        return frozenset(OPERATION_ROLES[operation])
    methods: Collection[str] = getattr(handler, "http_methods", ()) or ()
    if methods and set(methods) <= READ_METHODS:
        return frozenset(DEFAULT_READ)
    return frozenset(DEFAULT_WRITE)


def role_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    """The app-wide guard: 401 without a valid login, 403 for a role the route does not admit."""
    roles = required_roles(handler)
    if roles is None or is_public_path(connection.scope["path"]):
        return
    account = connection.scope.get("user")
    if account is None:
        raise NotAuthorizedException(
            "log in first: send 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if account.role not in roles:
        raise PermissionDeniedException(
            f"the {account.role} role may not do this (allowed: {', '.join(sorted(roles))})"
        )


def require(connection: ASGIConnection[Any, Any, Any, Any], roles: Collection[str]) -> None:
    """A check inside a handler, for rules that depend on the request (e.g. `?hard=true`)."""
    account = connection.scope.get("user")
    if account is None or account.role not in roles:
        role = account.role if account else "anonymous"
        raise PermissionDeniedException(
            f"the {role} role may not do this (allowed: {', '.join(sorted(roles))})"
        )
