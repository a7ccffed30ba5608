"""Personal API tokens for scripts: shown once, stored as SHA-256, listed and revoked by owner.

A token is `tam_` + 43 random characters; being long and random, a plain SHA-256 is the right
hash (a slow password hash would add nothing but latency to every request).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from piccolo.querystring import QueryString

from ta_manager.accounts.account import Account
from ta_manager.accounts.tables import ApiToken
from ta_manager.audit.trail import record_change
from ta_manager.database import sql
from ta_manager.database.prepared import Param, Prepared
from ta_manager.errors import InvalidInput, NotFound

PREFIX = "tam_"
RESOURCE = "api token"
# What a token's owner sees of it (never the hash).
LISTED = (
    ApiToken.id,
    ApiToken.user_id,
    ApiToken.name,
    ApiToken.prefix,
    ApiToken.created_at,
    ApiToken.expires_at,
    ApiToken.last_used_at,
    ApiToken.revoked_at,
)
# Every request with a token reads this: built once (ta_manager/database/prepared.py).
_LIVE_TOKEN = Prepared(
    lambda: ApiToken.select(
        ApiToken.id.as_alias("token_id"),
        ApiToken.last_used_at,
        ApiToken.user_id.id.as_alias("id"),
        ApiToken.user_id.email.as_alias("email"),
        ApiToken.user_id.display_name.as_alias("display_name"),
        ApiToken.user_id.role.as_alias("role"),
        ApiToken.user_id.donor_id.as_alias("donor_id"),
        ApiToken.user_id.donor_id.code.as_alias("donor"),
        ApiToken.user_id.session_epoch.as_alias("session_epoch"),
        ApiToken.user_id.language.as_alias("language"),
    ).where(
        (ApiToken.token_hash == Param("hash"))
        & ApiToken.revoked_at.is_null()
        & ApiToken.user_id.active.eq(True)
        & (ApiToken.expires_at.is_null() | (ApiToken.expires_at > QueryString("now()")))
    )
)


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
        rows = await ApiToken.insert(
            ApiToken(
                user_id=user_id,
                name=name,
                prefix=secret[: len(PREFIX) + 6],
                token_hash=digest(secret),
                expires_at=expires_at,
                created_at=QueryString("now()"),
            )
        ).returning(*LISTED)
        token = dict(rows[0])
        await record_change(RESOURCE, "create", token["id"], None, token)
    return token, secret


async def list_tokens(user_id: int) -> list[dict[str, Any]]:
    rows = await ApiToken.select(*LISTED).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
    return [dict(r) for r in rows]


async def revoke_token(user_id: int, token_id: int) -> None:
    """Revoke one of the user's own tokens; someone else's token does not exist for them."""
    async with sql.transaction():
        before = await (
            ApiToken.select(*LISTED)
            .where((ApiToken.id == token_id) & (ApiToken.user_id == user_id))
            .lock_rows("UPDATE")
            .first()
        )
        if before is None:
            raise NotFound(RESOURCE, token_id)
        if before["revoked_at"] is not None:
            return
        after = await (
            ApiToken.update({ApiToken.revoked_at: QueryString("now()")})
            .where(ApiToken.id == token_id)
            .returning(*LISTED)
        )
        await record_change(RESOURCE, "update", token_id, dict(before), dict(after[0]))


async def account_for_token(secret: str) -> tuple[Account, int] | None:
    """The active account a live token belongs to, and the token's id."""
    row = await _LIVE_TOKEN.fetchrow(hash=digest(secret))
    if row is None:
        return None
    last = row["last_used_at"]
    if last is None or last < dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1):
        await ApiToken.update({ApiToken.last_used_at: QueryString("now()")}).where(
            ApiToken.id == row["token_id"]
        )
    return Account.of(row), int(row["token_id"])
