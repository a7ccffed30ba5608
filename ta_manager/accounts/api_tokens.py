"""Personal API tokens for scripts: shown once, stored as SHA-256, listed and revoked by owner.

A token is `tam_` + 43 random characters; being long and random, a plain SHA-256 is the right
hash (a slow password hash would add nothing but latency to every request).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from ta_manager.accounts.users import SELECT, Account
from ta_manager.audit.trail import record_change
from ta_manager.database import sql
from ta_manager.errors import InvalidInput, NotFound

PREFIX = "tam_"
RESOURCE = "api token"
COLUMNS = "id, user_id, name, prefix, created_at, expires_at, last_used_at, revoked_at"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_api_token(credential: str) -> bool:
    return credential.startswith(PREFIX)


async def create_token(
    user_id: int, name: str, expires_on: dt.date | None = None
) -> tuple[dict[str, Any], str]:
    """A new token for the user: returns its listing row and the secret (never shown again)."""
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput.of("name", "give a name of 1 to 200 characters", name)
    if expires_on is not None and expires_on <= dt.date.today():
        raise InvalidInput.of("expires_on", "must be in the future", expires_on.isoformat())
    secret = PREFIX + secrets.token_urlsafe(32)
    expires_at = dt.datetime.combine(expires_on, dt.time.min, tzinfo=dt.UTC) if expires_on else None
    async with sql.transaction():
        row = await sql.fetchrow(
            f"INSERT INTO api_token (user_id, name, prefix, token_hash, expires_at)"
            f" VALUES ($1, $2, $3, $4, $5) RETURNING {COLUMNS}",
            user_id,
            name,
            secret[: len(PREFIX) + 6],
            digest(secret),
            expires_at,
        )
        token = dict(row) if row else {}
        await record_change(RESOURCE, "create", token["id"], None, token)
    return token, secret


async def list_tokens(user_id: int) -> list[dict[str, Any]]:
    rows = await sql.fetch(
        f"SELECT {COLUMNS} FROM api_token WHERE user_id = $1 ORDER BY id", user_id
    )
    return [dict(r) for r in rows]


async def revoke_token(user_id: int, token_id: int) -> None:
    """Revoke one of the user's own tokens; someone else's token does not exist for them."""
    async with sql.transaction():
        before = await sql.fetchrow(
            f"SELECT {COLUMNS} FROM api_token WHERE id = $1 AND user_id = $2 FOR UPDATE",
            token_id,
            user_id,
        )
        if before is None:
            raise NotFound(RESOURCE, token_id)
        if before["revoked_at"] is not None:
            return
        after = await sql.fetchrow(
            f"UPDATE api_token SET revoked_at = now() WHERE id = $1 RETURNING {COLUMNS}",
            token_id,
        )
        await record_change(RESOURCE, "update", token_id, dict(before), dict(after or {}))


async def account_for_token(secret: str) -> tuple[Account, int] | None:
    """The active account a live token belongs to, and the token's id."""
    row = await sql.fetchrow(
        f"SELECT x.*, t.id AS token_id, t.last_used_at FROM api_token t"
        f" JOIN ({SELECT} WHERE u.active) x ON x.id = t.user_id"
        " WHERE t.token_hash = $1 AND t.revoked_at IS NULL"
        " AND (t.expires_at IS NULL OR t.expires_at > now())",
        digest(secret),
    )
    if row is None:
        return None
    last = row["last_used_at"]
    if last is None or last < dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1):
        await sql.execute(
            "UPDATE api_token SET last_used_at = now() WHERE id = $1", row["token_id"]
        )
    return Account.of(row), int(row["token_id"])
