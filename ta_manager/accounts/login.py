"""Logging in with e-mail and password, throttled per account and per address; logging out.

Throttling counts failed attempts in a sliding window: after `max_per_account` failures for
one e-mail, or `max_per_address` from one address, further attempts get 429 until the window
has passed, even with the right password. `Retry-After` is the true time left: the moment
enough failures have left the window for every lock on the attempt to be lifted.

Locking an account costs the locker too: an attempt refused because the account is locked
still counts against its address (not against the account, so hammering a locked account
does not prolong its lock), so one address cannot lock account after account unthrottled.
A success no longer counts the account's failures against it; they still count against
the addresses they came from.

The address is the connection's peer (X-Forwarded-For only from TA_TRUSTED_PROXIES, see
ta_manager.accounts.client_address).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from piccolo.columns.combination import WhereRaw
from piccolo.querystring import QueryString

from ta_manager.accounts import users
from ta_manager.accounts.passwords import verify_password
from ta_manager.accounts.tables import AppUser, LoginFailure, RevokedToken
from ta_manager.accounts.users import Account
from ta_manager.database import sql
from ta_manager.database.prepared import Param, Prepared
from ta_manager.errors import DomainError


class WrongCredentials(DomainError):
    status = 401
    title = "Not authenticated"
    headers = {"WWW-Authenticate": "Bearer"}

    def __init__(self) -> None:
        super().__init__("wrong e-mail or password, or the account is disabled")


class TooManyAttempts(DomainError):
    status = 429
    title = "Too many login attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed logins; try again in {retry_after} seconds")
        self.headers = {"Retry-After": str(retry_after)}


@dataclass(frozen=True)
class LoginLimits:
    max_per_account: int = 5
    max_per_address: int = 20
    window_seconds: int = 900


# Every request with a JSON web token reads this: built once (database/prepared.py).
_SESSION = Prepared(
    lambda: AppUser.select(
        AppUser.id,
        AppUser.email,
        AppUser.display_name,
        AppUser.role,
        AppUser.donor_id,
        AppUser.donor_id.code.as_alias("donor"),
        AppUser.session_epoch,
        AppUser.language,
    ).where(
        (AppUser.id == Param("id"))
        & AppUser.active.eq(True)
        & WhereRaw("NOT EXISTS (SELECT 1 FROM revoked_token r WHERE r.jti = {})", Param("jti"))
    )
)


def window(limits: LoginLimits) -> float:
    return float(limits.window_seconds)


async def _failure(email: str, address: str, counts_for_account: bool = True) -> None:
    await LoginFailure.insert(
        LoginFailure(
            email=email.lower(),
            address=address,
            counts_for_account=counts_for_account,
            at=QueryString("now()"),
        )
    )


async def check_throttle(email: str, address: str, limits: LoginLimits) -> None:
    """429 while the address or the account is locked; a refusal for a locked account is
    recorded against the address."""
    # A dimension is locked while it holds `max` failures in the window: it opens when the
    # max-th newest of them leaves the window.
    row = await sql.fetchrow(
        "SELECT now() AS now,"
        " (SELECT at FROM login_failure WHERE address = $2"
        "   AND at > now() - make_interval(secs => $3)"
        "   ORDER BY at DESC OFFSET $5 - 1 LIMIT 1) AS address_locked_by,"
        " (SELECT at FROM login_failure WHERE lower(email) = lower($1) AND counts_for_account"
        "   AND at > now() - make_interval(secs => $3)"
        "   ORDER BY at DESC OFFSET $4 - 1 LIMIT 1) AS account_locked_by",
        email,
        address,
        float(limits.window_seconds),
        limits.max_per_account,
        limits.max_per_address,
    )
    assert row is not None
    window = dt.timedelta(seconds=limits.window_seconds)
    locks = [at + window for at in (row["address_locked_by"], row["account_locked_by"]) if at]
    if not locks:
        return
    if row["address_locked_by"] is None:  # only the account is locked: the address pays
        await _failure(email, address, counts_for_account=False)
    remaining = (max(locks) - row["now"]).total_seconds()
    raise TooManyAttempts(max(1, math.ceil(remaining)))


async def authenticate(
    email: str, password: str, address: str, limits: LoginLimits | None = None
) -> Account:
    limits = limits or LoginLimits()
    email = email.strip()
    await check_throttle(email, address, limits)
    row = await users.credentials(email)
    ok = await verify_password(row["password_hash"] if row else None, password)
    if row is None or not ok or not row["active"]:
        await _failure(email, address)
        # failures older than the window no longer count; drop them so the table stays small
        await LoginFailure.delete().where(
            LoginFailure.at < QueryString("now() - make_interval(secs => {})", window(limits))
        )
        raise WrongCredentials()
    await LoginFailure.update({LoginFailure.counts_for_account: False}).where(
        WhereRaw("lower(email) = lower({})", email) & LoginFailure.counts_for_account.eq(True)
    )
    await users.note_login(row["id"])
    return Account.of(row)


async def revoke_session(jti: str, user_id: int, expires_at: dt.datetime) -> None:
    """Put a JSON web token on the deny list until it would have expired anyway."""
    await RevokedToken.insert(
        RevokedToken(
            jti=jti, user_id=user_id, expires_at=expires_at, revoked_at=QueryString("now()")
        )
    ).on_conflict(target=RevokedToken.jti, action="DO NOTHING")
    await RevokedToken.delete().where(RevokedToken.expires_at < QueryString("now()"))


async def session_account(user_id: int, jti: str | None, epoch: object) -> Account | None:
    """The account of a JSON web token, or None if it is revoked, stale or the user inactive."""
    row = await _SESSION.fetchrow(id=user_id, jti=jti or "")
    if row is None or row["session_epoch"] != epoch:
        return None
    return Account.of(row)
