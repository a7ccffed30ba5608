from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from ta_manager.accounts.roles import Role
from ta_manager.records.schemas import Code

Email = Annotated[str, Meta(min_length=3, max_length=320)]
Password = Annotated[str, Meta(max_length=1024)]
# A preferred language (docs/languages.md); null: the browser's Accept-Language decides.
Language = Literal["en", "fr", "es"]


class LoginRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    email: Email
    password: Password
    cookie: bool = False  # also set an HttpOnly session cookie (for the browser UI)


class PasswordChange(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    current_password: Password
    new_password: Password


class SessionToken(msgspec.Struct, kw_only=True):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class Me(msgspec.Struct, kw_only=True):
    id: int
    email: str
    display_name: str
    role: Role
    donor: str | None
    language: Language | None = None
    authenticated_by: str  # "session" or "api_token"


class MeUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    language: Language | None


class UserCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    email: Email
    role: Role
    display_name: Annotated[str, Meta(max_length=200)] = ""
    donor: Code | None = None
    password: Password | None = None
    regions: list[Code] = []  # an officer limited to these regions (and/or projects)
    projects: list[Code] = []
    language: Language | None = None


class UserUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    display_name: Annotated[str, Meta(max_length=200)] | msgspec.UnsetType = msgspec.UNSET
    role: Role | msgspec.UnsetType = msgspec.UNSET
    donor: Code | msgspec.UnsetType | None = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET
    password: Password | msgspec.UnsetType = msgspec.UNSET
    regions: list[Code] | msgspec.UnsetType = msgspec.UNSET
    projects: list[Code] | msgspec.UnsetType = msgspec.UNSET
    language: Language | msgspec.UnsetType | None = msgspec.UNSET
    version: int | msgspec.UnsetType | None = msgspec.UNSET


class UserRead(msgspec.Struct, kw_only=True):
    id: int
    email: str
    display_name: str
    role: Role
    donor: str | None
    active: bool
    regions: list[str]
    projects: list[str]
    language: Language | None = None
    last_login_at: dt.datetime | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class UserPage(msgspec.Struct, kw_only=True):
    items: list[UserRead]
    total: int
    limit: int
    offset: int


class ApiTokenCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, Meta(min_length=1, max_length=200)]
    expires_on: dt.date | None = None


class ApiTokenRead(msgspec.Struct, kw_only=True):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class ApiTokenCreated(ApiTokenRead, kw_only=True):
    token: str  # shown once; only its hash is kept
