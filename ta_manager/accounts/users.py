"""User accounts: create, read, change, set a password. Every change is audited.

A user has one role; a donor user is bound to one donor organization. Passwords are kept
only as Argon2 hashes; a new password ends every session of the user (session_epoch).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from ta_manager.accounts import passwords
from ta_manager.accounts.assignments import set_assignments
from ta_manager.accounts.roles import DONOR, ROLES, Role
from ta_manager.audit.trail import record_change
from ta_manager.database import sql
from ta_manager.errors import (
    Conflict,
    FieldError,
    InvalidInput,
    NotFound,
    StaleVersion,
    VersionRequired,
)

RESOURCE = "user"

SELECT = (
    "SELECT u.id, u.email, u.display_name, u.role, u.active, u.donor_id, o.code AS donor,"
    " u.language,"
    " u.session_epoch, u.last_login_at, u.version, u.created_at, u.updated_at,"
    " ARRAY(SELECT r.code::text FROM officer_assignment a JOIN region r ON r.id = a.region_id"
    " WHERE a.user_id = u.id ORDER BY 1) AS regions,"
    " ARRAY(SELECT p.code::text FROM officer_assignment a JOIN project p ON p.id = a.project_id"
    " WHERE a.user_id = u.id ORDER BY 1) AS projects"
    " FROM app_user u LEFT JOIN organization o ON o.id = u.donor_id"
)


@dataclass(frozen=True)
class Account:
    """The authenticated user of a request (`request.user`)."""

    id: int
    email: str
    display_name: str
    role: Role
    donor_id: int | None = None
    donor: str | None = None
    session_epoch: int = 1
    language: str | None = None  # preferred language; None: the browser's decides

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Account:
        return cls(
            id=row["id"],
            email=row["email"],
            display_name=row["display_name"],
            role=row["role"],
            donor_id=row["donor_id"],
            donor=row["donor"],
            session_epoch=row["session_epoch"],
            language=row.get("language"),
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


async def donor_id_of(code: str) -> int:
    row = await sql.fetchrow(
        "SELECT id, roles FROM organization WHERE upper(code) = upper($1)", code.strip()
    )
    if row is None:
        raise InvalidInput.of("donor", "unknown organization", code)
    if "donor" not in row["roles"]:
        raise InvalidInput.of("donor", "organization does not have the 'donor' role", code)
    return int(row["id"])


async def get_user(user_id: int) -> dict[str, Any]:
    row = await sql.fetchrow(f"{SELECT} WHERE u.id = $1", user_id)
    if row is None:
        raise NotFound(RESOURCE, user_id)
    return dict(row)


async def find_user(email_or_id: str | int) -> dict[str, Any]:
    if isinstance(email_or_id, int):
        return await get_user(email_or_id)
    row = await sql.fetchrow(f"{SELECT} WHERE lower(u.email) = lower($1)", email_or_id.strip())
    if row is None:
        raise NotFound(RESOURCE, email_or_id)
    return dict(row)


async def credentials(email: str) -> dict[str, Any] | None:
    """The row login checks: account, password hash, active flag."""
    row = await sql.fetchrow(
        f"SELECT x.*, h.password_hash FROM ({SELECT} WHERE lower(u.email) = lower($1)) x"
        " JOIN app_user h ON h.id = x.id",
        email.strip(),
    )
    return None if row is None else dict(row)


async def count_users() -> int:
    return int(await sql.fetchval("SELECT count(*) FROM app_user"))


async def list_users(limit: int = 100, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    total = await count_users()
    rows = await sql.fetch(
        f"{SELECT} ORDER BY lower(u.email) LIMIT {int(limit)} OFFSET {int(offset)}"
    )
    return [dict(r) for r in rows], total


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
            user_id = await sql.fetchval(
                "INSERT INTO app_user (email, display_name, role, donor_id, password_hash,"
                " language) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                email,
                display_name.strip(),
                role,
                donor_id,
                password_hash,
                language,
            )
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
        current = await sql.fetchrow(
            "SELECT version, role, donor_id FROM app_user WHERE id = $1 FOR UPDATE", user_id
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
        sets = [f"{name} = ${i}" for i, name in enumerate(row, start=2)]
        sets.append("version = version + 1")
        if password_hash is not None or row.get("active") is False:
            sets.append("session_epoch = session_epoch + 1")
        await sql.execute(
            f"UPDATE app_user SET {', '.join(sets)} WHERE id = $1", user_id, *row.values()
        )
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
    await sql.execute(
        "UPDATE app_user SET last_login_at = now(), updated_at = updated_at WHERE id = $1",
        user_id,
    )
