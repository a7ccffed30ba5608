"""Who is calling: JSON web tokens (Litestar's JWT support) as Bearer header or cookie, and
personal API tokens (`tam_...`) as Bearer header.

No credentials: the request goes on anonymously and the role guard answers 401 unless the
route is public. Bad credentials (forged, expired, revoked, unknown token): 401 at once.
While a request runs, the acting user is in `ta_manager.audit.actor.current_actor`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from litestar.config.app import AppConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.exceptions import NotAuthorizedException
from litestar.middleware.authentication import AuthenticationResult
from litestar.security.jwt import JWTCookieAuth, JWTCookieAuthenticationMiddleware, Token
from litestar.types import ASGIApp, Receive, Scope, Send

from ta_manager.accounts import api_tokens, csrf, login
from ta_manager.accounts.client_address import client_address
from ta_manager.accounts.permissions import role_guard
from ta_manager.accounts.users import Account
from ta_manager.audit.actor import Actor, Via, acting_as
from ta_manager.settings import Settings

COOKIE = "ta_session"
UNAUTHENTICATED = {"WWW-Authenticate": "Bearer"}
# Never authenticated: liveness, API description, static files, and the login itself.
EXCLUDE = ["^/health$", "^/schema", "^/static/"]


@dataclass(frozen=True)
class ApiTokenAuth:
    """`request.auth` when a personal API token was used."""

    token_id: int


def _refuse(reason: str) -> NotAuthorizedException:
    return NotAuthorizedException(reason, headers=UNAUTHENTICATED)


class AccountAuthenticationMiddleware(JWTCookieAuthenticationMiddleware):
    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        header = connection.headers.get(self.auth_header, "")
        scheme, _, credential = header.strip().partition(" ")
        if header and scheme.lower() != "bearer":
            raise _refuse("use 'Authorization: Bearer <token>'")
        credential = credential.strip()
        from_cookie = not credential
        credential = credential or connection.cookies.get(self.auth_cookie_key, "")
        if not credential:
            return AuthenticationResult(user=None, auth=None)
        if api_tokens.looks_like_api_token(credential):
            found = await api_tokens.account_for_token(credential)
            if found is None:
                raise _refuse("unknown, expired or revoked API token")
            account, token_id = found
            if from_cookie:
                _mark_cookie_session(connection, f"api-token:{token_id}")
            return AuthenticationResult(user=account, auth=ApiTokenAuth(token_id))
        try:
            result = await self.authenticate_token(encoded_token=credential, connection=connection)
        except NotAuthorizedException as exc:
            raise _refuse("invalid, expired or revoked session token; log in again") from exc
        if from_cookie and isinstance(result.auth, Token):
            _mark_cookie_session(connection, str(result.auth.jti or result.auth.sub))
        return result

    def __init__(self, **kwargs: Any) -> None:
        # Litestar's own __call__ authenticates (or skips excluded routes) and then calls
        # `app`: wrapping `app` makes every authenticated request act as its caller.
        kwargs["app"] = _acting_as_caller(kwargs["app"])
        super().__init__(**kwargs)


def _acting_as_caller(app: ASGIApp) -> ASGIApp:
    async def call(scope: Scope, receive: Receive, send: Send) -> None:
        if "user" not in scope:  # a route that is never authenticated (health, docs, login)
            await app(scope, receive, send)
            return
        account: Account | None = scope["user"]
        via: Via = "api" if scope["path"].startswith("/api/") else "ui"
        actor = Actor(account.id, account.email, via) if account else Actor(None, "anonymous", via)
        with acting_as(actor):
            await app(scope, receive, send)

    return call


def _mark_cookie_session(connection: ASGIConnection[Any, Any, Any, Any], session_id: str) -> None:
    """The credential came from the browser's cookie: unsafe requests need CSRF proof."""
    connection.scope[csrf.COOKIE_SESSION] = True  # type: ignore[literal-required]
    connection.scope[csrf.SESSION_ID] = session_id  # type: ignore[literal-required]


async def retrieve_account(
    token: Token, connection: ASGIConnection[Any, Any, Any, Any]
) -> Account | None:
    try:
        user_id = int(token.sub)
    except ValueError:
        return None
    jti = token.jti if isinstance(token.jti, str) else None
    return await login.session_account(user_id, jti, token.extras.get("epoch"))


class Sessions:
    """Issues and ends sessions; installed on the app by `on_app_init` (as `app.state.sessions`)."""

    def __init__(self, settings: Settings) -> None:
        self.lifetime = dt.timedelta(minutes=settings.token_minutes)
        self.secret = settings.secret_key
        self.cookie_secure = settings.cookie_secure
        self.limits = login.LoginLimits(
            max_per_account=settings.login_max_failures,
            max_per_address=settings.login_max_failures_per_address,
            window_seconds=settings.login_window_seconds,
        )
        self.trusted_proxies = settings.trusted_proxies
        self.jwt = JWTCookieAuth[Account, Token](
            retrieve_user_handler=retrieve_account,
            token_secret=settings.secret_key,
            exclude=EXCLUDE,
            exclude_http_methods=["OPTIONS"],  # HEAD is authenticated like GET
            key=COOKIE,
            secure=settings.cookie_secure,
            samesite="strict",
            default_token_expiration=self.lifetime,
            authentication_middleware_class=AccountAuthenticationMiddleware,
            guards=[role_guard, csrf.csrf_guard],
            description="A session token from POST /api/v1/auth/login, or a personal API token.",
        )

    def issue(self, account: Account) -> str:
        return self.jwt.create_token(
            identifier=str(account.id),
            token_expiration=self.lifetime,
            token_unique_jwt_id=uuid.uuid4().hex,
            token_extras={"epoch": account.session_epoch, "role": account.role},
        )

    def cookie(self, token: str) -> Cookie:
        return Cookie(
            key=COOKIE,
            value=token,
            path="/",
            httponly=True,
            secure=self.cookie_secure,
            samesite="strict",
            max_age=int(self.lifetime.total_seconds()),
        )

    def address(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        """The caller's address for throttling (X-Forwarded-For only from trusted proxies)."""
        peer = connection.client.host if connection.client else None
        forwarded = connection.headers.getall("x-forwarded-for", [])
        return client_address(peer, forwarded, self.trusted_proxies)

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        app_config.state["sessions"] = self
        return self.jwt.on_app_init(app_config)
