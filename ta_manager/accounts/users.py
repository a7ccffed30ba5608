"""User accounts: create, read, change, set a password. Every change is audited.

A user has one role; a donor user is bound to one donor organization. Passwords are kept
only as Argon2 hashes; a new password ends every session of the user (session_epoch).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import asyncpg
from piccolo.query import WhereRaw
from piccolo.querystring import QueryString

from ta_manager.accounts import passwords
from ta_manager.accounts.account import Account as Account  # re-exported: where it was
from ta_manager.accounts.assignments import set_assignments
from ta_manager.accounts.roles import DONOR, ROLES, Role
from ta_manager.accounts.tables import AppUser, OfficerAssignment
from ta_manager.audit.trail import record_change
from ta_manager.database import sql
from ta_manager.database.prepared import Param, Prepared
from ta_manager.errors import (
    Conflict,
    FieldError,
    InvalidInput,
    NotFound,
    StaleVersion,
    VersionRequired,
)
from ta_manager.reference.tables import Organization

RESOURCE = "user"

# The read shape of a user (without its assignments, see `_with_assignments`).
USER = (
    AppUser.id,
    AppUser.email,
    AppUser.display_name,
    AppUser.role,
    AppUser.active,
    AppUser.donor_id,
    AppUser.donor_id.code.as_alias("donor"),
    AppUser.session_epoch,
    AppUser.language,
    AppUser.last_login_at,
    AppUser.version,
    AppUser.created_at,
    AppUser.updated_at,
)
_BY_ID = Prepared(lambda: AppUser.select(*USER).where(AppUser.id == Param("id")))
_BY_EMAIL = Prepared(
    lambda: AppUser.select(*USER, AppUser.password_hash).where(
        WhereRaw("lower(app_user.email) = lower({})", Param("email"))
    )
)
_ASSIGNMENTS = Prepared(
    lambda: OfficerAssignment.select(
        OfficerAssignment.user_id,
        OfficerAssignment.region_id.code.as_alias("region"),
        OfficerAssignment.project_id.code.as_alias("project"),
    ).where(WhereRaw("officer_assignment.user_id = ANY({}::bigint[])", Param("ids")))
)


def normal_email(email: str) -> str:
    value = email.strip()
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain or " " in value or len(value) > 320:
        raise InvalidInput.of("email", "is not an e-mail address", email)
    return value


def check_language(language: str | None) -> str | None:
    """A preferred language: en, fr or es; empty or None: no preference."""
    from ta_manager.locale import LANGUAGES, normalise

    if language is None or not language.strip():
        return None
    chosen = normalise(language)
    if chosen is None:
        raise InvalidInput.of("language", f"must be one of {', '.join(LANGUAGES)}", language)
    return chosen


def check_role(role: str) -> Role:
    if role not in ROLES:
        raise InvalidInput.of("role", f"must be one of {', '.join(ROLES)}", role)
    return role


async def _with_assignments(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Users with the codes of their assigned regions and projects, sorted."""
    users = [dict(r) for r in rows]
    if not users:
        return users
    regions: dict[int, list[str]] = {}
    projects: dict[int, list[str]] = {}
    for a in await _ASSIGNMENTS.fetch(ids=[u["id"] for u in users]):
        if a["region"] is not None:
            regions.setdefault(a["user_id"], []).append(a["region"])
        if a["project"] is not None:
            projects.setdefault(a["user_id"], []).append(a["project"])
    for u in users:
        u["regions"] = sorted(regions.get(u["id"], []))
        u["projects"] = sorted(projects.get(u["id"], []))
    return users


async def donor_id_of(code: str) -> int:
    row = await (
        Organization.select(Organization.id, Organization.roles)
        .where(WhereRaw("upper(code) = upper({})", code.strip()))
        .first()
    )
    if row is None:
        raise InvalidInput.of("donor", "unknown organization", code)
    if "donor" not in row["roles"]:
        raise InvalidInput.of("donor", "organization does not have the 'donor' role", code)
    return int(row["id"])


async def get_user(user_id: int) -> dict[str, Any]:
    row = await _BY_ID.fetchrow(id=user_id)
    if row is None:
        raise NotFound(RESOURCE, user_id)
    return (await _with_assignments([row]))[0]


async def find_user(email_or_id: str | int) -> dict[str, Any]:
    if isinstance(email_or_id, int):
        return await get_user(email_or_id)
    row = await _BY_EMAIL.fetchrow(email=email_or_id.strip())
    if row is None:
        raise NotFound(RESOURCE, email_or_id)
    user = (await _with_assignments([row]))[0]
    user.pop("password_hash")
    return user


async def credentials(email: str) -> dict[str, Any] | None:
    """The row login checks: account, password hash, active flag."""
    row = await _BY_EMAIL.fetchrow(email=email.strip())
    return None if row is None else (await _with_assignments([row]))[0]


async def count_users() -> int:
    return int(await AppUser.count())


async def list_users(limit: int = 100, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    total = await count_users()
    rows = await (
        AppUser.select(*USER)
        .order_by(QueryString("lower(app_user.email)"))
        .limit(int(limit))
        .offset(int(offset))
    )
    return await _with_assignments(rows), total


def _audited(row: Mapping[str, Any], password_hash: str | None = None) -> dict[str, Any]:
    view = {k: v for k, v in row.items() if k not in ("session_epoch", "last_login_at")}
    if password_hash is not None:
        view["password_hash"] = password_hash
    return view


async def create_user(
    email: str,
    role: str,
    *,
    display_name: str = "",
    donor: str | None = None,
    password: str | None = None,
    regions: Sequence[str] | None = None,
    projects: Sequence[str] | None = None,
    language: str | None = None,
) -> dict[str, Any]:
    """Create an account; without a password it can only use API tokens until one is set.
    An officer may be limited to `regions` and/or `projects` (codes)."""
    email = normal_email(email)
    role = check_role(role)
    language = check_language(language)
    errors: list[FieldError] = []
    if role == DONOR and not donor:
        errors.append(FieldError("donor", "a donor user needs a donor organization"))
    if role != DONOR and donor:
        errors.append(FieldError("donor", "only donor users are bound to an organization"))
    if errors:
        raise InvalidInput("; ".join(f"{e.field}: {e.reason}" for e in errors), errors)
    password_hash = await passwords.hash_password(password) if password is not None else None
    async with sql.transaction():
        donor_id = await donor_id_of(donor) if donor else None
        try:
            inserted = await AppUser.insert(
                AppUser(
                    email=email,
                    display_name=display_name.strip(),
                    role=role,
                    donor_id=donor_id,
                    password_hash=password_hash,
                    language=language,
                    created_at=QueryString("now()"),
                    updated_at=QueryString("now()"),
                )
            ).returning(AppUser.id)
            user_id = int(inserted[0]["id"])
        except asyncpg.UniqueViolationError as exc:
            raise Conflict(
                f"a user with e-mail {email} already exists",
                [FieldError("email", "already exists")],
            ) from exc
        await set_assignments(user_id, role, regions, projects)
        user = await get_user(user_id)
        after = _audited(user, "(set)" if password_hash else None)
        await record_change(RESOURCE, "create", user_id, None, after)
        return user


async def update_user(
    user_id: int, changes: Mapping[str, Any], version: int | None
) -> dict[str, Any]:
    """Change display name, role, donor, active flag, language or password (send the version
    you read)."""
    if version is None:
        raise VersionRequired()
    values = dict(changes)
    password = values.pop("password", None)
    password_hash = await passwords.hash_password(password) if password is not None else None
    async with sql.transaction():
        current = await (
            AppUser.select(AppUser.version, AppUser.role, AppUser.donor_id)
            .where(AppUser.id == user_id)
            .lock_rows("UPDATE")
            .first()
        )
        if current is None:
            raise NotFound(RESOURCE, user_id)
        if current["version"] != version:
            raise StaleVersion(RESOURCE, user_id, version, current["version"])
        before = await get_user(user_id)
        row: dict[str, Any] = {}
        if "display_name" in values:
            row["display_name"] = str(values["display_name"] or "").strip()
        if "language" in values:
            row["language"] = check_language(values["language"])
        if "active" in values and values["active"] is not None:
            row["active"] = bool(values["active"])
        role = check_role(values["role"]) if values.get("role") else current["role"]
        if "role" in values or "donor" in values:
            row["role"] = role
            donor = values.get("donor")
            if role == DONOR:
                row["donor_id"] = await donor_id_of(donor) if donor else current["donor_id"]
                if row["donor_id"] is None:
                    raise InvalidInput.of("donor", "a donor user needs a donor organization")
            elif donor:
                raise InvalidInput.of("donor", "only donor users are bound to an organization")
            else:
                row["donor_id"] = None
        if password_hash is not None:
            row["password_hash"] = password_hash
        if "regions" in values or "projects" in values or "role" in values:
            await set_assignments(user_id, role, values.get("regions"), values.get("projects"))
        sets: dict[Any, Any] = {getattr(AppUser, name): value for name, value in row.items()}
        sets[AppUser.version] = AppUser.version + 1
        if password_hash is not None or row.get("active") is False:
            sets[AppUser.session_epoch] = AppUser.session_epoch + 1
        await AppUser.update(sets).where(AppUser.id == user_id)
        after = await get_user(user_id)
        await record_change(
            RESOURCE,
            "update",
            user_id,
            _audited(before, "" if password_hash else None),
            _audited(after, "(set)" if password_hash else None),
        )
        return after


async def set_language(user_id: int, language: str | None) -> dict[str, Any]:
    """A user's own choice of language (no version needed: nobody else edits it)."""
    user = await get_user(user_id)
    return await update_user(user_id, {"language": language}, user["version"])


async def set_password(email_or_id: str | int, password: str) -> dict[str, Any]:
    user = await find_user(email_or_id)
    return await update_user(user["id"], {"password": password}, user["version"])


async def note_login(user_id: int) -> None:
    """Bookkeeping only: not a change of the record, so neither versioned nor audited."""
    await AppUser.update(
        {AppUser.last_login_at: QueryString("now()"), AppUser.updated_at: AppUser.updated_at}
    ).where(AppUser.id == user_id)
