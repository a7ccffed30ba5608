"""The five roles and the role sets the permission table is written in."""

from __future__ import annotations

from typing import Literal

Role = Literal["admin", "officer", "secretariat", "donor", "viewer"]

ADMIN: Role = "admin"
OFFICER: Role = "officer"
SECRETARIAT: Role = "secretariat"
DONOR: Role = "donor"
VIEWER: Role = "viewer"

ROLES: tuple[Role, ...] = (ADMIN, OFFICER, SECRETARIAT, DONOR, VIEWER)

EVERYONE: tuple[Role, ...] = ROLES
STAFF: tuple[Role, ...] = (ADMIN, OFFICER, SECRETARIAT)
EDITORS: tuple[Role, ...] = (ADMIN, OFFICER)
ADMINS: tuple[Role, ...] = (ADMIN,)

# Routes that declare nothing get these (see docs/permissions.md).
DEFAULT_READ: tuple[Role, ...] = STAFF
DEFAULT_WRITE: tuple[Role, ...] = EDITORS
